"""Every date format found in real LinkedIn exports (2018–2024), parsed strictly.

Each parser raises ``ValueError`` quoting the text it could not read (with the
forms it expected, or what is impossible about it: ``month must be in 1..12``);
the importers turn that into an :class:`~weakties.store.errors.InputError`
naming file, line and field.
All datetimes are naive UTC (exports state UTC or give no zone; times without a
zone are taken as UTC, the export's own convention).

>>> parse_datetime("1/8/18, 6:14 PM")
datetime.datetime(2018, 1, 8, 18, 14)
>>> parse_datetime("2021-12-14 23:57:02 UTC")
datetime.datetime(2021, 12, 14, 23, 57, 2)
>>> parse_datetime("Tue Jun 18 12:03:31 UTC 2024")
datetime.datetime(2024, 6, 18, 12, 3, 31)
>>> parse_date("17 Jun 2021"), parse_date("18-Jun-24")
(datetime.date(2021, 6, 17), datetime.date(2024, 6, 18))
>>> parse_partial_date("Jun 2018"), parse_partial_date("2017")
((datetime.date(2018, 6, 1), 'month'), (datetime.date(2017, 1, 1), 'year'))
"""

from __future__ import annotations

import datetime as dt
import re

from weakties.store import clock

__all__ = [
    "check_plausible",
    "day_month_order",
    "parse_date",
    "parse_datetime",
    "parse_partial_date",
    "zip_export_date",
]

ORDERS = ("mdy", "dmy")  # month first (LinkedIn's own), day first (Excel in Europe)

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}

# (regex, builder) pairs; the regexes are anchored and tried in order.
_US_DT = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])"
    r"(?:\s+UTC)?$"
)
_ISO_DT = re.compile(
    r"^(\d{4})[-/](\d{2})[-/](\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?"
    r"\s*(?:UTC|Z|\+00:?00)?$"
)
_JAVA_DT = re.compile(
    r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s+([A-Za-z]{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})"
    r"\s+(?:UTC|GMT)\s+(\d{4})$"
)
_DMY_TEXT = re.compile(r"^(\d{1,2})[ -]([A-Za-z]{3})[a-z]*\.?[ -](\d{2}|\d{4})$")
_MDY_TEXT = re.compile(r"^([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})$")
_ISO_D = re.compile(r"^(\d{4})[-/](\d{2})[-/](\d{2})$")
_US_D = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})$")
# what Excel writes when it re-saves a file: 19/06/2023 14:03, 19.06.2023 14:03:00
_NUM_DT24 = re.compile(
    r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?$"
)
_NUMERIC = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})\b(.*)$")
_MONTH_YEAR = re.compile(r"^([A-Za-z]{3})[a-z]*\.?\s+(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_ZIP_NAME = re.compile(r"(\d{2})-(\d{2})-(\d{4})")


def _year(text: str) -> int:
    value = int(text)
    if len(text) == 2:
        # Two-digit years in exports are 20xx (LinkedIn data exports began in 2010s);
        # only years far in the future fall back to the 1900s.
        value += 2000 if value <= 69 else 1900
    return value


def _month(text: str) -> int:
    try:
        return _MONTHS[text[:3].lower()]
    except KeyError:
        raise ValueError(f"unknown month {text!r}") from None


def _hour12(hour: int, ampm: str) -> int:
    if not 1 <= hour <= 12:
        raise ValueError(f"hour {hour} is not on a 12-hour clock")
    pm = ampm.lower() == "pm"
    return (hour % 12) + (12 if pm else 0)


class _ImpossibleDate(ValueError):
    """A date in a known form that cannot be (``13/40/24``): said as it is."""


def _impossible(text: str, exc: ValueError) -> ValueError:
    return _ImpossibleDate(f"impossible date {text!r}: {exc}")


def _day_month(a: str, b: str, order: str) -> tuple[int, int]:
    """(month, day) of the two numbers of a numeric date, in the file's order."""
    return (int(b), int(a)) if order == "dmy" else (int(a), int(b))


def day_month_order(text: str) -> tuple[str | None, bool] | None:
    """What a date says about the order of its day and month.

    ``None`` when it is not a numeric day/month date; else (order, own) where
    order is ``"dmy"`` (the first number is over 12), ``"mdy"`` (the second
    is) or ``None`` (both could be either), and ``own`` tells LinkedIn's own
    form (``6/14/24, 5:57 AM``: two-digit year, 12-hour clock), always month first.

    >>> day_month_order("19/06/2023"), day_month_order("6/14/24, 5:57 AM")
    (('dmy', False), ('mdy', True))
    >>> day_month_order("04/07/2023"), day_month_order("17 Jun 2021")
    ((None, False), None)
    """
    m = _NUMERIC.match(text.strip())
    if m is None:
        return None
    a, _, b, year, rest = m.groups()
    own = len(year) == 2 and bool(re.search(r"[AaPp][Mm]", rest))
    if int(a) > 12:
        return "dmy", own
    if int(b) > 12:
        return "mdy", own
    return None, own


def check_plausible(value: dt.date, text: str) -> None:
    """Refuse a date outside 1900 – today + 1 year (``0001``, ``9999``: not data)."""
    day = value.date() if isinstance(value, dt.datetime) else value
    latest = clock.utcnow().date() + dt.timedelta(days=366)
    if not dt.date(1900, 1, 1) <= day <= latest:
        raise _ImpossibleDate(
            f"implausible date {text!r}: dates are expected between 1900 and {latest.year}"
        )


def parse_datetime(text: str, order: str = "mdy") -> dt.datetime:
    """A timestamp in any export form (see module doc); date-only forms give midnight.

    ``order`` says how to read numeric dates: ``"mdy"`` (LinkedIn's own
    ``1/8/18``) or ``"dmy"`` (a file re-saved by Excel in Europe)."""
    value = text.strip()
    if len(value) == 23 and value[4] == "-" and value[10] == " " and value.endswith(" UTC"):
        # "2024-12-16 18:24:37 UTC", the form of every message: no regex needed
        try:
            return dt.datetime(
                int(value[0:4]),
                int(value[5:7]),
                int(value[8:10]),
                int(value[11:13]),
                int(value[14:16]),
                int(value[17:19]),
            )
        except ValueError:
            pass  # the general path below explains what is wrong
    try:
        if m := _ISO_DT.match(value):
            y, mo, d, h, mi, s = m.groups()
            return dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0))
        if m := _US_DT.match(value):
            a, b, y, h, mi, s, ampm = m.groups()
            mo, d = _day_month(a, b, order)
            hour = _hour12(int(h), ampm)
            return dt.datetime(_year(y), mo, d, hour, int(mi), int(s or 0))
        if m := _NUM_DT24.match(value):
            a, _, b, y, h, mi, s = m.groups()
            mo, d = _day_month(a, b, order)
            return dt.datetime(_year(y), mo, d, int(h), int(mi), int(s or 0))
        if m := _JAVA_DT.match(value):
            mon, d, h, mi, s, y = m.groups()
            return dt.datetime(int(y), _month(mon), int(d), int(h), int(mi), int(s))
    except ValueError as exc:
        raise _impossible(text, exc) from None
    try:
        day = parse_date(value, order)
    except _ImpossibleDate:
        raise
    except ValueError:
        raise ValueError(
            f"unrecognised date {text!r} (expected e.g. '2024-12-16 18:24:37 UTC', "
            "'6/14/24, 5:57 AM', '16 Dec 2024', 'Tue Jun 18 12:03:31 UTC 2024')"
        ) from None
    return dt.datetime(day.year, day.month, day.day)


def parse_date(text: str, order: str = "mdy") -> dt.date:
    """A calendar date: ``16 Dec 2024``, ``18-Jun-24``, ``Feb 17, 1998``, ``2024-06-17``,
    ``3/1/17`` (numeric dates in ``order``, see :func:`parse_datetime`)."""
    value = text.strip()
    try:
        if m := _DMY_TEXT.match(value):
            d, mon, y = m.groups()
            return dt.date(_year(y), _month(mon), int(d))
        if m := _MDY_TEXT.match(value):
            mon, d, y = m.groups()
            return dt.date(int(y), _month(mon), int(d))
        if m := _ISO_D.match(value):
            y, mo, d = m.groups()
            return dt.date(int(y), int(mo), int(d))
        if m := _US_D.match(value):
            a, _, b, y = m.groups()
            mo, d = _day_month(a, b, order)
            return dt.date(_year(y), mo, d)
    except ValueError as exc:
        raise _impossible(text, exc) from None
    if (
        _ISO_DT.match(value)
        or _US_DT.match(value)
        or _JAVA_DT.match(value)
        or _NUM_DT24.match(value)
    ):
        return parse_datetime(value, order).date()
    raise ValueError(
        f"unrecognised date {text!r} (expected e.g. '16 Dec 2024', '18-Jun-24', '2024-06-17')"
    )


def parse_partial_date(text: str, order: str = "mdy") -> tuple[dt.date, str]:
    """A month- or year-precision date (``Jun 2018``, ``2017``) as (first day, precision).

    Full dates are accepted too, with precision ``"day"``.
    """
    value = text.strip()
    try:
        if m := _MONTH_YEAR.match(value):
            mon, y = m.groups()
            return dt.date(int(y), _month(mon), 1), "month"
        if m := _YEAR.match(value):
            return dt.date(int(m.group(1)), 1, 1), "year"
    except ValueError as exc:
        raise _impossible(text, exc) from None
    try:
        return parse_date(value, order), "day"
    except _ImpossibleDate:
        raise
    except ValueError:
        raise ValueError(
            f"unrecognised date {text!r} (expected a month and year such as 'Jun 2018', "
            "or a year such as '2017')"
        ) from None


def zip_export_date(name: str) -> dt.date | None:
    """The date in an export's name: ``Complete_LinkedInDataExport_09-12-2022.zip``."""
    if "linkedindataexport" not in name.lower():
        return None
    m = _ZIP_NAME.search(name)
    if not m:
        return None
    mo, d, y = (int(g) for g in m.groups())
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None
