"""The dashboard loads the offline city table and scikit-learn in the background
once per process, so the first Trends view does not wait for them."""

from __future__ import annotations

import sys
import time

import dashboard.queries
import graph.embedded
from dashboard.queries import warm_up_in_background
from graph.places import _cities

from .conftest import no_exceptions


def test_opening_the_dashboard_loads_the_city_table_and_sklearn_in_the_background(
        sample_app):
    warm_up_in_background.clear()  # this process may have warmed up already
    _cities.cache_clear()
    app = sample_app()  # the Overview, which needs no city
    assert no_exceptions(app)
    deadline = time.monotonic() + 120
    while _cities.cache_info().currsize == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _cities.cache_info().currsize == 1
    assert "sklearn.decomposition" in sys.modules


def test_opening_the_dashboard_builds_the_analysis_graph_of_its_data_version_in_the_background(
        sample_app, sample_store):
    graph.embedded._GRAPHS.clear()  # other tests of this process may have built it
    dashboard.queries._prepared.clear()  # and the app may have asked already
    app = sample_app()  # the Overview, which needs no analysis graph
    assert no_exceptions(app)
    key = (sample_store.uid, sample_store.data_version())
    deadline = time.monotonic() + 120
    while key not in graph.embedded._GRAPHS and time.monotonic() < deadline:
        time.sleep(0.1)
    assert key in graph.embedded._GRAPHS
