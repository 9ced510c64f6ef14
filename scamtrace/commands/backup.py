"""``scamtrace backup`` and ``scamtrace restore``: every store of a home, copied safely.

A backup is a folder (or a ``.tar.gz`` of one) holding a consistent copy of
each ``*.sqlite`` file in the data directory, taken with SQLite's online
backup API so a run may keep writing meanwhile, and ``manifest.json``
naming the scamtrace and SQLite versions, the time, and per store its tables'
row counts and a SHA-256 of the copy. Restore checks the manifest and every
checksum before it touches the home, so a damaged backup changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
import tarfile
import tempfile
from contextlib import ExitStack
from pathlib import Path

import click
from rich.markup import escape

from ingest.errors import StoreError
from scamtrace import __version__
from scamtrace.cli_context import config_of, err_console, open_stores

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
# Files a fresh home may already hold without counting as "not empty".
_SETUP_FILES = frozenset({"scamtrace.toml", "run.lock"})


def _is_archive(path: Path) -> bool:
    return path.name.endswith((".tar.gz", ".tgz"))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy_database(source: Path, target: Path) -> None:
    """Copy one SQLite file with the online backup API (consistent while others write)."""
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error as exc:
        raise StoreError(f"{source}: cannot be opened for backup ({exc})") from exc
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            # A standalone copy: no -wal file to carry along.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise StoreError(f"{source}: cannot be copied ({exc})") from exc
    finally:
        src.close()


def _table_counts(path: Path) -> dict[str, int]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [row[0] for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name")]
        return {name: db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
                for name in names}
    finally:
        db.close()


def store_files(home: Path) -> list[Path]:
    """Every SQLite store directly in ``home``, by name."""
    return sorted(p for p in home.glob("*.sqlite") if p.is_file())


def backup_home(home: Path, destination: Path) -> dict:
    """Write a backup of every store in ``home`` to ``destination`` (a new
    folder, or a ``.tar.gz`` file); return the manifest."""
    if destination.exists():
        raise StoreError(f"backup {destination}: already exists; choose a new path")
    stores = store_files(home)
    if not stores:
        raise StoreError(f"data directory {home}: holds no stores to back up")
    with tempfile.TemporaryDirectory(dir=destination.parent if destination.parent.exists()
                                     else None) as scratch:
        folder = Path(scratch) / "backup"
        folder.mkdir()
        entries = {}
        for store in stores:
            copy = folder / store.name
            _copy_database(store, copy)
            entries[store.name] = {"tables": _table_counts(copy), "sha256": _sha256(copy),
                                   "bytes": copy.stat().st_size}
        manifest = {
            "format": FORMAT_VERSION,
            "scamtrace_version": __version__,
            "sqlite_version": sqlite3.sqlite_version,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "home": str(home),
            "stores": entries,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            if _is_archive(destination):
                partial = destination.with_name(destination.name + ".partial")
                with tarfile.open(partial, "w:gz") as archive:
                    for path in sorted(folder.iterdir()):
                        archive.add(path, arcname=path.name)
                partial.replace(destination)
            else:
                shutil.move(str(folder), destination)
        except OSError as exc:
            raise StoreError(f"backup {destination}: cannot be written ({exc.strerror})") from exc
    return manifest


def _unpacked(backup: Path, scratch: Path) -> Path:
    """The folder holding the backup's files (an archive is unpacked into ``scratch``)."""
    if not backup.exists():
        raise StoreError(f"backup {backup}: not found")
    if backup.is_dir():
        return backup
    try:
        with tarfile.open(backup, "r:*") as archive:
            for member in archive.getmembers():
                # Only plain files at the top: nothing may land outside scratch.
                if not member.isfile() or "/" in member.name or member.name.startswith(".."):
                    raise StoreError(
                        f"backup {backup}: unexpected entry {member.name!r} in the archive")
            archive.extractall(scratch, filter="data")
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise StoreError(f"backup {backup}: not a readable backup archive ({exc})") from exc
    return scratch


def read_manifest(backup: Path, folder: Path) -> dict:
    """The manifest of a backup, checked against the files beside it."""
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError(f"backup {backup}: no {MANIFEST} (not a scamtrace backup)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreError(f"backup {backup}: {MANIFEST} is unreadable ({exc})") from exc
    stores = manifest.get("stores") if isinstance(manifest, dict) else None
    if not isinstance(stores, dict) or not stores:
        raise StoreError(f"backup {backup}: {MANIFEST} lists no stores")
    if manifest.get("format") != FORMAT_VERSION:
        raise StoreError(f"backup {backup}: format {manifest.get('format')!r} is not "
                         f"{FORMAT_VERSION}, which this scamtrace reads")
    for name, entry in stores.items():
        copy = folder / name
        if Path(name).name != name or not name.endswith(".sqlite"):
            raise StoreError(f"backup {backup}: {MANIFEST} names an odd store {name!r}")
        if not copy.is_file():
            raise StoreError(f"backup {backup}: {name} is missing")
        if not isinstance(entry, dict) or _sha256(copy) != entry.get("sha256"):
            raise StoreError(f"backup {backup}: {name} is corrupt (its checksum differs "
                             "from the manifest)")
    return manifest


def _home_is_empty(home: Path) -> bool:
    return not home.exists() or all(p.name in _SETUP_FILES for p in home.iterdir())


def restore_home(backup: Path, home: Path, force: bool = False) -> dict:
    """Replace the stores of ``home`` with those of ``backup``; return its manifest.

    Everything is checked before anything in ``home`` is written; a home
    holding anything but its config is refused unless ``force``.
    """
    if not force and not _home_is_empty(home):
        raise StoreError(f"data directory {home}: is not empty; restore into a fresh "
                         "directory or pass --force to replace its stores")
    with tempfile.TemporaryDirectory() as scratch:
        folder = _unpacked(backup, Path(scratch))
        manifest = read_manifest(backup, folder)
        home.mkdir(parents=True, exist_ok=True)
        names = set(manifest["stores"])
        for stale in store_files(home):
            if stale.name not in names:
                _remove_database(stale)
        for name in sorted(names):
            target = home / name
            _remove_database(target)
            _copy_database(folder / name, target)
    return manifest


def _remove_database(path: Path) -> None:
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        file.unlink(missing_ok=True)


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.pass_context
def backup(ctx: click.Context, path: Path) -> None:
    """Back up every store of the data directory to PATH.

    PATH is a new folder, or a file ending in .tar.gz for one archive. The copy
    is consistent even while a run is writing. A manifest.json beside the
    stores lists versions, the time, row counts and checksums. Example:

    \b
      scamtrace backup ~/backups/scamtrace-2026-07-31.tar.gz
    """
    config = config_of(ctx)
    manifest = backup_home(config.home, path)
    counts = ", ".join(f"{name} ({sum(entry['tables'].values())} rows)"
                       for name, entry in manifest["stores"].items())
    err_console.print(f"[bold]backup:[/] {escape(str(path))}: {escape(counts)}",
                      highlight=False, soft_wrap=True)


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True,
              help="Replace the stores of a data directory that is not empty.")
@click.pass_context
def restore(ctx: click.Context, path: Path, force: bool) -> None:
    """Restore the stores of a backup at PATH into the data directory.

    Every checksum is verified before anything is written. The data directory
    must be new or empty unless --force is given. With the Neo4j backend the
    graph is rebuilt from the restored extractions.
    """
    from scamtrace import runner

    config = config_of(ctx)
    with runner.run_lock(config):
        manifest = restore_home(path, config.home, force=force)
        if config.graph.backend == "neo4j":
            with ExitStack() as stack:
                documents, extractions, graph = open_stores(
                    stack, config, "documents", "extractions", "graph")
                runner.build_step(documents, extractions, graph, rebuild=True,
                                  writer=config.graph.writer)
    err_console.print(
        f"[bold]restore:[/] {len(manifest['stores'])} stores from {escape(str(path))} "
        f"(backed up {escape(str(manifest.get('created')))}) into {escape(str(config.home))}",
        highlight=False, soft_wrap=True)


COMMANDS = (backup, restore)
