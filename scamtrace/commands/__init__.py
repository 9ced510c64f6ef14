"""Command groups beyond the pipeline's own, one module each.

Each module defines click commands and lists them in ``COMMANDS``; the CLI
adds them all. Commands stay thin: they read the config and stores through
``scamtrace.cli_context`` and call a query or report function of a stage.
"""
