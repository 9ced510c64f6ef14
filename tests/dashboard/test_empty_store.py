"""With nothing built yet, every page says what to do instead of failing."""

from __future__ import annotations

import pytest

from .conftest import no_exceptions, open_app


@pytest.mark.parametrize(
    "page", [None, "views/entities.py", "views/explorer.py", "views/documents.py"]
)
def test_empty_store_asks_for_a_scamtrace_run(page, tmp_path, point_dashboard_at):
    point_dashboard_at(tmp_path / "fresh-home")
    app = open_app(page)
    assert no_exceptions(app)
    assert "scamtrace run" in app.info[0].value
    assert not app.metric and not app.dataframe and not app.get("plotly_chart")
