"""parse_date over the date forms feeds and files use."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.dates import parse_date, today_utc


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Tue, 19 May 2026 10:00:00 GMT", "2026-05-19"),
        ("Wed, 29 Jul 2026 15:50:00 +0700", "2026-07-29"),
        ("Wed, 29 Jul 2026 03:50:00 +0700", "2026-07-28"),  # still the 28th in UTC
        ("2026-05-01T00:00:00Z", "2026-05-01"),
        ("2026-05-01T23:30:00-02:00", "2026-05-02"),
        ("2026-05-01", "2026-05-01"),
        ("2026-5-1 garbage after", "2026-05-01"),
        ("D:20240115093000+07'00'", "2024-01-15"),
        ("20240115", "2024-01-15"),
        (dt.date(2025, 3, 4), "2025-03-04"),
        (dt.datetime(2025, 3, 4, 23, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5))), "2025-03-05"),
        (time.struct_time((2024, 2, 29, 0, 0, 0, 3, 60, 0)), "2024-02-29"),
    ],
)
def test_parse_date_reads_feed_and_file_dates(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "yesterday",
        "Mon, 99 Foo 2026",
        "2026-13-45",
        "0001-01-01",
        "9999-12-31",
        "D:20241399",
        12345,
        b"2026-01-01",
        ["2026-01-01"],
    ],
)
def test_parse_date_gives_none_for_missing_or_malformed(value):
    assert parse_date(value) is None


def test_today_utc_is_an_iso_date():
    assert parse_date(today_utc()) == today_utc()


@given(st.one_of(st.text(), st.integers(), st.none(), st.binary(), st.datetimes(), st.dates()))
def test_parse_date_never_raises_and_returns_iso_or_none(value):
    result = parse_date(value)
    assert result is None or dt.date.fromisoformat(result).isoformat() == result


@given(st.datetimes(min_value=dt.datetime(1900, 1, 2), max_value=dt.datetime(2099, 12, 30)))
def test_parse_date_round_trips_rfc822_dates(moment):
    rfc822 = moment.strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert parse_date(rfc822) == moment.date().isoformat()
