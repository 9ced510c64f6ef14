from pathlib import Path

import pytest

from ingest.errors import ConfigError
from scamtrace.config import load_config


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_no_configuration_uses_bundled_sample_feeds_and_embedded_graph(tmp_path):
    config = load_config(home=tmp_path, env={})
    assert config.using_sample_feeds
    assert len(config.feeds) >= 2
    assert all(Path(f.location).is_file() for f in config.feeds)
    assert config.graph.backend == "embedded"
    assert config.documents_path.parent == tmp_path


def test_home_comes_from_environment_when_not_given(tmp_path):
    config = load_config(env={"SCAMTRACE_HOME": str(tmp_path / "h")})
    assert config.home == tmp_path / "h"


def test_toml_file_in_home_is_read_and_environment_overrides_it(tmp_path):
    write(tmp_path / "scamtrace.toml", """
[[feeds]]
name = "wire"
location = "https://news.example/feed.xml"

[nlp]
batch_size = 16

[graph]
backend = "neo4j"
uri = "bolt://127.0.0.1:7999"
""")
    config = load_config(home=tmp_path, env={"SCAMTRACE_NEO4J_URI": "bolt://127.0.0.1:7688"})
    assert [f.name for f in config.feeds] == ["wire"]
    assert not config.using_sample_feeds
    assert config.nlp.batch_size == 16
    assert config.graph.backend == "neo4j"
    assert config.graph.uri == "bolt://127.0.0.1:7688"


def test_environment_selects_graph_backend(tmp_path):
    config = load_config(home=tmp_path, env={"SCAMTRACE_GRAPH_BACKEND": "neo4j"})
    assert config.graph.backend == "neo4j"


def test_unknown_key_is_named_in_the_error(tmp_path):
    path = write(tmp_path / "c.toml", "[nlp]\nbatch_sise = 3\n")
    with pytest.raises(ConfigError, match=r"c\.toml.*batch_sise"):
        load_config(home=tmp_path, config_file=path, env={})


def test_wrong_type_is_named_in_the_error(tmp_path):
    path = write(tmp_path / "c.toml", "[nlp]\nbatch_size = \"many\"\n")
    with pytest.raises(ConfigError, match=r"\[nlp\] batch_size = 'many'"):
        load_config(home=tmp_path, config_file=path, env={})


def test_unknown_backend_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="graph backend 'mysql'"):
        load_config(home=tmp_path, env={"SCAMTRACE_GRAPH_BACKEND": "mysql"})


def test_graph_writer_comes_from_the_file_or_the_environment(tmp_path):
    path = write(tmp_path / "c.toml", '[graph]\nbackend = "neo4j"\nwriter = "bangkok-1"\n')
    assert load_config(home=tmp_path, config_file=path, env={}).graph.writer == "bangkok-1"
    config = load_config(home=tmp_path, env={"SCAMTRACE_GRAPH_WRITER": "manila_2"})
    assert config.graph.writer == "manila_2"
    assert load_config(home=tmp_path, env={}).graph.writer == ""


def test_graph_writer_with_spaces_or_colons_is_refused(tmp_path):
    for bad in ("two words", "host:1", "x" * 65):
        with pytest.raises(ConfigError, match="graph writer"):
            load_config(home=tmp_path, env={"SCAMTRACE_GRAPH_WRITER": bad})


def test_invalid_toml_is_reported_with_its_path(tmp_path):
    path = write(tmp_path / "bad.toml", "[graph\nbackend=")
    with pytest.raises(ConfigError, match=r"bad\.toml: not valid TOML"):
        load_config(home=tmp_path, config_file=path, env={})


def test_missing_config_file_is_reported(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(home=tmp_path, config_file=tmp_path / "nope.toml", env={})


def test_password_never_appears_in_repr(tmp_path):
    config = load_config(home=tmp_path, env={"SCAMTRACE_NEO4J_PASSWORD": "s3cret-pw"})
    assert config.graph.password == "s3cret-pw"
    assert "s3cret-pw" not in repr(config)


def test_local_feed_folder_becomes_an_allowed_path(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    config = load_config(home=tmp_path, env={"SCAMTRACE_FEEDS": str(reports)})
    assert reports.resolve() in config.fetch.allowed_paths
