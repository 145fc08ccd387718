import datetime as dt
import re

import pytest

from weakties.ingest.dates import parse_date, parse_datetime, parse_partial_date, zip_export_date

D = dt.datetime

# Every form in formats/linkedin-export.md, with the file it comes from.
CASES = [
    ("1/8/18, 6:14 PM", D(2018, 1, 8, 18, 14)),  # Connections 2018
    ("10/16/18, 8:36 AM", D(2018, 10, 16, 8, 36)),  # Messages 2018
    ("2021-12-14 23:57:02 UTC", D(2021, 12, 14, 23, 57, 2)),  # messages 2021+
    ("6/14/24, 5:57 AM", D(2024, 6, 14, 5, 57)),  # Invitations
    ("12/15/24, 12:05 AM", D(2024, 12, 15, 0, 5)),  # midnight is 12 AM
    ("12/15/24, 12:05 PM", D(2024, 12, 15, 12, 5)),  # noon is 12 PM
    ("2024/02/24 14:03:38 UTC", D(2024, 2, 24, 14, 3, 38)),  # Endorsements
    ("12/24/23, 05:28 AM", D(2023, 12, 24, 5, 28)),  # Recommendations
    ("Tue Jun 18 12:03:31 UTC 2024", D(2024, 6, 18, 12, 3, 31)),  # Company Follows
    ("2022-09-09 01:41:08", D(2022, 9, 9, 1, 41, 8)),  # Member_Follows
    ("3/1/17, 5:25 AM", D(2017, 3, 1, 5, 25)),  # Contacts
    ("10/25/17, 4:50 PM", D(2017, 10, 25, 16, 50)),  # Email Addresses
    ("2024-06-17 06:01:43", D(2024, 6, 17, 6, 1, 43)),  # Reactions
    ("2018-09-16 14:44 UTC", D(2018, 9, 16, 14, 44)),  # Learning
    ("11/26/24 01:32 PM UTC", D(2024, 11, 26, 13, 32)),  # Receipts_v2
    ("17 Jun 2021", D(2021, 6, 17)),  # Connections 2021+
    ("18-Jun-24", D(2024, 6, 18)),  # Excel re-saved
    ("9-Sep-22", D(2022, 9, 9)),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_every_export_datetime_form(text, expected):
    assert parse_datetime(text) == expected


def test_calendar_and_partial_dates():
    assert parse_date("16 Dec 2024") == dt.date(2024, 12, 16)
    assert parse_date("Feb 17, 1998") == dt.date(1998, 2, 17)  # Profile 2018 birth date
    assert parse_partial_date("Jun 2018") == (dt.date(2018, 6, 1), "month")
    assert parse_partial_date("2017") == (dt.date(2017, 1, 1), "year")
    assert parse_partial_date("Aug 2015") == (dt.date(2015, 8, 1), "month")


@pytest.mark.parametrize(
    "bad", ["yesterday", "32 Dec 2024", "13/40/24, 5:57 AM", "2024-13-01 00:00:00", "Jun 18"]
)
def test_unparseable_dates_raise_with_the_text(bad):
    # The importers add file, line and field; the parser quotes the text it read.
    with pytest.raises(
        ValueError, match=rf"^(unrecognised|impossible) date {re.escape(repr(bad))}"
    ):
        parse_datetime(bad)


@pytest.mark.parametrize(
    ("parse", "bad", "why"),
    [
        (parse_datetime, "13/40/24, 5:57 AM", "month must be in 1..12"),
        (parse_datetime, "2024-02-30", "day is out of range for month"),
        (parse_datetime, "6/14/24, 13:57 PM", "hour 13 is not on a 12-hour clock"),
        (parse_date, "31 Apr 2024", "day is out of range for month"),
        (parse_partial_date, "Foo 2018", "unknown month 'Foo'"),
    ],
)
def test_impossible_dates_say_what_is_wrong(parse, bad, why):
    with pytest.raises(
        ValueError, match=f"^impossible date {re.escape(repr(bad))}: {re.escape(why)}$"
    ):
        parse(bad)


def test_zip_export_date():
    assert zip_export_date("Complete_LinkedInDataExport_09-12-2022.zip") == dt.date(2022, 9, 12)
    assert zip_export_date("Basic_LinkedInDataExport_12-16-2024 (1).zip") == dt.date(2024, 12, 16)
    assert zip_export_date("export-09-12-2022.zip") is None
