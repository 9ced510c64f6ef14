"""The dashboard loads the offline city table and scikit-learn in the background
once per process, so the first Trends view does not wait for them."""

from __future__ import annotations

import sys
import time

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
