"""The project's exception family.

Every error a user can cause (a bad feed, a bad path, a bad config value, a
store that cannot be reached) is a ``ScamtraceError`` whose message names the
input and what is wrong with it. The CLI prints the message on one line and
exits non-zero; nothing else should need a traceback.

It lives in ``ingest`` because ingest is the most upstream stage and every
later stage may import from it.
"""


class ScamtraceError(Exception):
    """Base of all errors scamtrace raises on purpose."""


class ConfigError(ScamtraceError):
    """A configuration file or environment variable has a bad value."""


class SourceError(ScamtraceError):
    """A feed, page or file could not be fetched or parsed."""


class SourceRefused(SourceError):
    """A source was refused by policy (scheme, address, path, size)."""


class StoreError(ScamtraceError):
    """A store (SQLite file or graph server) cannot be used."""


class LockedError(ScamtraceError):
    """Another scamtrace run holds the lock on this data directory."""
