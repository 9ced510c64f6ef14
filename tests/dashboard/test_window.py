"""The shared date window."""

from __future__ import annotations

from datetime import date

from dashboard.window import default_window, window_bounds


def test_default_window_is_ninety_days_ending_at_the_newest_document():
    assert default_window("2026-11-20") == (date(2026, 8, 23), date(2026, 11, 20))


def test_no_documents_means_no_default_window():
    assert default_window(None) is None
    assert default_window("not a date") is None


def test_half_picked_range_is_open_ended():
    assert window_bounds((date(2026, 1, 5),)) == ("2026-01-05", None)


def test_reversed_range_is_put_in_order():
    assert window_bounds((date(2026, 3, 1), date(2026, 1, 1))) == ("2026-01-01", "2026-03-01")


def test_empty_value_is_all_dates():
    assert window_bounds(()) == (None, None)
