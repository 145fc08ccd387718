"""Byte conventions of LinkedIn data exports: headers, date strings, CSV dialect.

Copied from ``shared/formats/linkedin-export.md`` and the pseudonymised real samples:
UTF-8 without BOM, LF line ends, comma separator, minimal quoting with ``""``
escapes (Python's ``csv`` module with ``lineterminator="\\n"`` writes exactly that).
Month and day names are always English, whatever the account's language, so they
come from the tables below rather than from ``strftime`` (which follows the C
locale of the process).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

import numpy as np

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

CONNECTIONS_PREAMBLE = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses'
    " are missing. You will only see email addresses for connections who have allowed their"
    " connections to see or download their email address using this setting"
    " https://www.linkedin.com/psettings/privacy/email. You can learn more here"
    ' https://www.linkedin.com/help/linkedin/answer/261"\n'
    "\n"
)

HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "2024": {
        "Connections.csv": (
            "First Name",
            "Last Name",
            "URL",
            "Email Address",
            "Company",
            "Position",
            "Connected On",
        ),
        "messages.csv": (
            "CONVERSATION ID",
            "CONVERSATION TITLE",
            "FROM",
            "SENDER PROFILE URL",
            "TO",
            "RECIPIENT PROFILE URLS",
            "DATE",
            "SUBJECT",
            "CONTENT",
            "FOLDER",
            "IS MESSAGE DRAFT",
            "IS CONVERSATION DRAFT",
        ),
        "Invitations.csv": (
            "From",
            "To",
            "Sent At",
            "Message",
            "Direction",
            "inviterProfileUrl",
            "inviteeProfileUrl",
        ),
        "Endorsement_Received_Info.csv": (
            "Endorsement Date",
            "Skill Name",
            "Endorser First Name",
            "Endorser Last Name",
            "Endorser Public Url",
            "Endorsement Status",
        ),
        "Endorsement_Given_Info.csv": (
            "Endorsement Date",
            "Skill Name",
            "Endorsee First Name",
            "Endorsee Last Name",
            "Endorsee Public Url",
            "Endorsement Status",
        ),
    },
    "2022": {
        "Connections.csv": (
            "First Name",
            "Last Name",
            "Email Address",
            "Company",
            "Position",
            "Connected On",
        ),
        "messages.csv": (
            "CONVERSATION ID",
            "CONVERSATION TITLE",
            "FROM",
            "SENDER PROFILE URL",
            "TO",
            "DATE",
            "SUBJECT",
            "CONTENT",
            "FOLDER",
        ),
        "Invitations.csv": ("From", "To", "Sent At", "Message", "Direction"),
        "Endorsement_Received_Info.csv": (
            "Endorsement Date",
            "Skill Name",
            "Endorser First Name",
            "Endorser Last Name",
            "Endorsement Status",
        ),
        "Endorsement_Given_Info.csv": (
            "Endorsement Date",
            "Skill Name",
            "Endorsee First Name",
            "Endorsee Last Name",
            "Endorsement Status",
        ),
    },
}
COMMON_HEADERS: dict[str, tuple[str, ...]] = {
    "Recommendations_Received.csv": (
        "First Name",
        "Last Name",
        "Company",
        "Job Title",
        "Text",
        "Creation Date",
        "Status",
    ),
    "Recommendations_Given.csv": (
        "First Name",
        "Last Name",
        "Company",
        "Job Title",
        "Text",
        "Creation Date",
        "Status",
    ),
    "Positions.csv": (
        "Company Name",
        "Title",
        "Description",
        "Location",
        "Started On",
        "Finished On",
    ),
    "Education.csv": (
        "School Name",
        "Start Date",
        "End Date",
        "Notes",
        "Degree Name",
        "Activities",
    ),
    "Skills.csv": ("Name",),
    "Profile.csv": (
        "First Name",
        "Last Name",
        "Maiden Name",
        "Address",
        "Birth Date",
        "Headline",
        "Summary",
        "Industry",
        "Zip Code",
        "Geo Location",
        "Twitter Handles",
        "Websites",
        "Instant Messengers",
    ),
    "Email Addresses.csv": ("Email Address", "Confirmed", "Primary", "Updated On"),
    "PhoneNumbers.csv": ("Extension", "Number", "Type"),
    "Company Follows.csv": ("Organization", "Followed On"),
}
for _v in HEADERS.values():
    _v.update(COMMON_HEADERS)

#: A file real exports contain and importers are expected to skip. Its header ends
#: with a comma and a quoted cell holds a CRLF, as in real ``Learning.csv`` files.
IGNORED_FILE = "Learning.csv"
IGNORED_HEADER = (
    "Content Title",
    "Content Description",
    "Content Type",
    "Content Last Watched Date (if viewed)",
    "Content Completed At (if completed)",
    "Content Saved",
    "Notes taken on videos (if taken)",
    "",
)


def zip_name(as_of: date) -> str:
    return f"Complete_LinkedInDataExport_{as_of.month:02d}-{as_of.day:02d}-{as_of.year}.zip"


def connected_on(d: date) -> str:
    """``16 Dec 2024``."""
    return f"{d.day:02d} {MONTHS[d.month - 1]} {d.year}"


def month_year(d: date) -> str:
    """``Jun 2018`` (positions)."""
    return f"{MONTHS[d.month - 1]} {d.year}"


def _h12(dt: datetime) -> tuple[int, str]:
    h = dt.hour % 12 or 12
    return h, "AM" if dt.hour < 12 else "PM"


def short_us(dt: datetime) -> str:
    """``6/14/24, 5:57 AM`` (invitations, e-mail addresses): no zero padding."""
    h, ampm = _h12(dt)
    return f"{dt.month}/{dt.day}/{dt.year % 100:02d}, {h}:{dt.minute:02d} {ampm}"


def padded_us(dt: datetime) -> str:
    """``12/24/23, 05:28 AM`` (recommendations): zero-padded."""
    h, ampm = _h12(dt)
    return f"{dt.month:02d}/{dt.day:02d}/{dt.year % 100:02d}, {h:02d}:{dt.minute:02d} {ampm}"


def slash_utc(dt: datetime) -> str:
    """``2024/02/24 14:03:38 UTC`` (endorsements)."""
    return dt.strftime("%Y/%m/%d %H:%M:%S UTC")


def java_date(dt: datetime) -> str:
    """``Tue Jun 18 12:03:31 UTC 2024`` (Java ``Date.toString``, company follows)."""
    return (
        f"{WEEKDAYS[dt.weekday()]} {MONTHS[dt.month - 1]} {dt.day:02d} {dt:%H:%M:%S} UTC {dt.year}"
    )


def iso_utc_many(ts: np.ndarray) -> list[str]:
    """``2024-12-16 18:24:37 UTC`` for an array of Unix seconds (messages), vectorised."""
    s = np.datetime_as_string(ts.astype("datetime64[s]"), unit="s")
    return [x.replace("T", " ") + " UTC" for x in s.tolist()]


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[str]], preamble: str = "") -> bytes:
    buf = io.StringIO()
    buf.write(preamble)
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")
