"""One typed configuration, read once from TOML and the environment.

Precedence, lowest first: built-in defaults, the TOML file, ``SCAMTRACE_*``
environment variables, then command-line options (applied by the CLI).
The TOML file is ``--config``, else ``$SCAMTRACE_CONFIG``, else
``HOME/scamtrace.toml`` when it exists. With no configuration at all the
feeds are the bundled sample feeds, so a fresh install has something to show.

Example ``scamtrace.toml``::

    [[feeds]]
    name = "UNODC press releases"
    location = "https://www.unodc.org/unodc/en/feeds/press-releases.xml"

    [[feeds]]
    name = "Reports folder"
    location = "/srv/reports"          # HTML, PDF and text files

    [fetch]
    timeout_s = 20
    allowed_hosts = ["intranet.example:8080"]   # private addresses you trust
    allowed_paths = ["/srv/reports"]

    [nlp]
    n_process = 2

    [graph]
    backend = "neo4j"                  # or "embedded" (default)
    uri = "bolt://127.0.0.1:7687"
    user = "neo4j"
    password = "..."                  # better: SCAMTRACE_NEO4J_PASSWORD
    writer = "bangkok-1"               # only when several data directories share the graph

    [dashboard]
    host = "127.0.0.1"
    port = 8501
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from ingest.errors import ConfigError
from ingest.fetch import FetchPolicy
from ingest.samples import sample_sources
from ingest.sources import Source
from nlp.settings import NlpSettings

GRAPH_BACKENDS = ("embedded", "neo4j")
WRITER_NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")


@dataclass(frozen=True)
class GraphSettings:
    backend: str = "embedded"
    uri: str = "bolt://127.0.0.1:7687"
    user: str = "neo4j"
    # Never shown: repr=False keeps it out of logs, errors and tracebacks.
    password: str = field(default="scamtrace-dev", repr=False)
    database: str | None = None
    # Names this data directory when several write one shared (Neo4j) graph:
    # each keeps its own high-water mark there. Empty for a single writer.
    writer: str = ""


@dataclass(frozen=True)
class DashboardSettings:
    host: str = "127.0.0.1"
    port: int = 8501


@dataclass(frozen=True)
class Config:
    home: Path
    feeds: tuple[Source, ...]
    fetch: FetchPolicy = FetchPolicy()
    nlp: NlpSettings = NlpSettings()
    graph: GraphSettings = GraphSettings()
    dashboard: DashboardSettings = DashboardSettings()
    config_file: Path | None = None
    using_sample_feeds: bool = False

    @property
    def documents_path(self) -> Path:
        return self.home / "documents.sqlite"

    @property
    def extractions_path(self) -> Path:
        return self.home / "extractions.sqlite"

    @property
    def graph_path(self) -> Path:
        return self.home / "graph.sqlite"

    @property
    def lock_path(self) -> Path:
        return self.home / "run.lock"


def default_home(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_DATA_HOME") or str(Path(env.get("HOME", "~")).expanduser() / ".local/share")
    return Path(base) / "scamtrace"


def load_config(
    home: Path | str | None = None,
    config_file: Path | str | None = None,
    env: Mapping[str, str] | None = None,
) -> Config:
    """Read the configuration: defaults < TOML < ``SCAMTRACE_*`` env < arguments."""
    env = os.environ if env is None else env
    home_path = Path(home or env.get("SCAMTRACE_HOME") or default_home(env)).expanduser()

    file_path: Path | None = None
    if config_file or env.get("SCAMTRACE_CONFIG"):
        file_path = Path(config_file or env["SCAMTRACE_CONFIG"]).expanduser()
        if not file_path.is_file():
            raise ConfigError(f"config file {file_path}: not found")
    elif (home_path / "scamtrace.toml").is_file():
        file_path = home_path / "scamtrace.toml"
    data = _read_toml(file_path) if file_path else {}
    unknown = set(data) - {"feeds", "fetch", "nlp", "graph", "dashboard"}
    if unknown:
        raise ConfigError(f"config file {file_path}: unknown section(s) {sorted(unknown)}")

    fetch = _section(FetchPolicy, data.get("fetch", {}), "fetch", file_path)
    nlp = _section(NlpSettings, data.get("nlp", {}), "nlp", file_path)
    graph = _section(GraphSettings, data.get("graph", {}), "graph", file_path)
    dashboard = _section(DashboardSettings, data.get("dashboard", {}), "dashboard", file_path)

    feeds = tuple(_feed(f, i, file_path) for i, f in enumerate(data.get("feeds", [])))
    if env.get("SCAMTRACE_FEEDS"):
        feeds = tuple(
            Source(name=loc.strip(), location=loc.strip())
            for loc in env["SCAMTRACE_FEEDS"].split(",")
            if loc.strip()
        )

    fetch = _apply_env(fetch, env, {
        "SCAMTRACE_ALLOWED_HOSTS": ("allowed_hosts", _csv),
        "SCAMTRACE_ALLOWED_PATHS": ("allowed_paths", lambda v: tuple(Path(p) for p in _csv(v))),
        "SCAMTRACE_FETCH_TIMEOUT": ("timeout_s", float),
    })
    nlp = _apply_env(nlp, env, {
        "SCAMTRACE_NLP_MODEL": ("model", str),
        "SCAMTRACE_NLP_N_PROCESS": ("n_process", int),
        "SCAMTRACE_NLP_BATCH_SIZE": ("batch_size", int),
        "SCAMTRACE_GAZETTEER_DIR": ("gazetteer_dir", Path),
    })
    graph = _apply_env(graph, env, {
        "SCAMTRACE_GRAPH_BACKEND": ("backend", str),
        "SCAMTRACE_NEO4J_URI": ("uri", str),
        "SCAMTRACE_NEO4J_USER": ("user", str),
        "SCAMTRACE_NEO4J_PASSWORD": ("password", str),
        "SCAMTRACE_NEO4J_DATABASE": ("database", str),
        "SCAMTRACE_GRAPH_WRITER": ("writer", str),
    })
    dashboard = _apply_env(dashboard, env, {
        "SCAMTRACE_DASHBOARD_HOST": ("host", str),
        "SCAMTRACE_DASHBOARD_PORT": ("port", int),
    })
    if graph.backend not in GRAPH_BACKENDS:
        raise ConfigError(
            f"graph backend {graph.backend!r}: must be one of {', '.join(GRAPH_BACKENDS)}"
        )
    if graph.writer and not WRITER_NAME.fullmatch(graph.writer):
        raise ConfigError(
            f"graph writer {graph.writer!r}: use 1-64 letters, digits, '.', '_' or '-'"
        )

    # A local file or folder named as a feed is trusted: ingest may read below it.
    local_paths = tuple(p for p in (_local_path(f.location) for f in feeds) if p is not None)
    using_samples = not feeds
    if using_samples:
        feeds = tuple(sample_sources())
        local_paths = tuple(Path(f.location).resolve() for f in feeds)
    if local_paths:
        fetch = dataclasses.replace(
            fetch, allowed_paths=tuple(dict.fromkeys((*fetch.allowed_paths, *local_paths)))
        )
    return Config(
        home=home_path,
        feeds=feeds,
        fetch=fetch,
        nlp=nlp,
        graph=graph,
        dashboard=dashboard,
        config_file=file_path,
        using_sample_feeds=using_samples,
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path}: not valid TOML ({exc})") from exc
    except OSError as exc:
        raise ConfigError(f"config file {path}: cannot be read ({exc.strerror})") from exc


def _section(cls: type, values: Mapping[str, Any], name: str, path: Path | None):
    """Build a settings dataclass from a TOML table, checking names and types."""
    if not isinstance(values, Mapping):
        raise ConfigError(f"config file {path}: [{name}] must be a table")
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = set(values) - set(known)
    if unknown:
        raise ConfigError(
            f"config file {path}: unknown key(s) in [{name}]: {', '.join(sorted(unknown))}"
            f" (known: {', '.join(sorted(known))})"
        )
    defaults = cls()
    converted: dict[str, Any] = {}
    for key, value in values.items():
        converted[key] = _coerce(getattr(defaults, key), value, f"[{name}] {key}", path)
    return dataclasses.replace(defaults, **converted)


def _coerce(default: Any, value: Any, what: str, path: Path | None) -> Any:
    try:
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise TypeError
            return value
        if isinstance(default, tuple):
            if not isinstance(value, list):
                raise TypeError
            if default and isinstance(default[0], Path) or what.endswith("paths"):
                return tuple(Path(v).expanduser() for v in value)
            return tuple(str(v) for v in value)
        if isinstance(default, Path) or what.endswith("_dir"):
            return Path(value).expanduser()
        if isinstance(default, int):
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError
            return value
        if isinstance(default, float):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TypeError
            return float(value)
        if isinstance(default, str) or default is None:
            if not isinstance(value, str):
                raise TypeError
            return value
        return value
    except (TypeError, ValueError):
        expected = type(default).__name__ if default is not None else "str"
        raise ConfigError(
            f"config file {path}: {what} = {value!r} is not a valid {expected}"
        ) from None


def _feed(item: Any, index: int, path: Path | None) -> Source:
    if not isinstance(item, Mapping) or not isinstance(item.get("location"), str):
        raise ConfigError(f"config file {path}: feeds[{index}] needs a 'location' string")
    location = item["location"]
    return Source(name=str(item.get("name") or location), location=location)


def _local_path(location: str) -> Path | None:
    if location.startswith("file://"):
        return Path(unquote(urlparse(location).path)).resolve()
    if "://" in location:
        return None
    return Path(location).expanduser().resolve()


def _csv(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def _apply_env(settings: Any, env: Mapping[str, str], mapping: dict[str, tuple[str, Any]]) -> Any:
    changes: dict[str, Any] = {}
    for var, (attr, convert) in mapping.items():
        if var in env and env[var] != "":
            try:
                changes[attr] = convert(env[var])
            except ValueError:
                shown = "***" if "PASSWORD" in var else repr(env[var])
                raise ConfigError(
                    f"environment variable {var}={shown}: not a valid value"
                ) from None
    return dataclasses.replace(settings, **changes) if changes else settings
