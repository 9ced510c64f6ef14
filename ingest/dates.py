"""Publication dates as ISO ``YYYY-MM-DD`` strings."""

from __future__ import annotations

import datetime as dt
import re
import time
from email.utils import parsedate_to_datetime

# Dates outside this range are taken as malformed rather than stored.
_MIN_YEAR = 1900
_MAX_YEAR = 2100
_PDF_DATE = re.compile(r"^D:(\d{4})(\d{2})?(\d{2})?")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(value: object) -> str | None:
    """Return ``value`` as ``YYYY-MM-DD``, or None when it is missing or
    malformed. Accepts RFC 822 dates (RSS), ISO 8601 (Atom), PDF dates
    (``D:20240115...``), ``datetime``/``date`` and ``time.struct_time``.
    Timezone-aware times are converted to UTC first. Never raises."""
    try:
        return _parse(value)
    except (ValueError, TypeError, OverflowError, IndexError):
        return None


def today_utc() -> str:
    """The current date in UTC, the fallback when a source gives none."""
    return dt.datetime.now(dt.UTC).date().isoformat()


def _checked(day: dt.date) -> str | None:
    if _MIN_YEAR <= day.year <= _MAX_YEAR:
        return day.isoformat()
    return None


def _from_datetime(moment: dt.datetime) -> str | None:
    if moment.tzinfo is not None and moment.utcoffset() is not None:
        moment = moment.astimezone(dt.UTC)
    return _checked(moment.date())


def _parse(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return _from_datetime(value)
    if isinstance(value, dt.date):
        return _checked(value)
    if isinstance(value, time.struct_time):
        return _checked(dt.date(value.tm_year, value.tm_mon, value.tm_mday))
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 100:
        return None
    pdf = _PDF_DATE.match(text)
    if pdf:
        year, month, day = pdf.group(1), pdf.group(2) or "01", pdf.group(3) or "01"
        return _checked(dt.date(int(year), int(month), int(day)))
    compact = _COMPACT_DATE.match(text)
    if compact:
        return _checked(dt.date(*(int(part) for part in compact.groups())))
    try:
        return _from_datetime(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        pass
    iso = _ISO_DATE.match(text)
    if iso:
        return _checked(dt.date(*(int(part) for part in iso.groups())))
    if any(ch.isalpha() for ch in text):
        return _from_datetime(parsedate_to_datetime(text))
    return None
