"""Hostile text, and the inputs that carry it into weakties by every import route.

Reusable by any test that renders imported data: each builder writes a file that
an importer reads, with ``payload`` where a person's name (or an organisation,
a title) goes. The payloads are the terminal escapes seen in probes: a screen
clear, colours, an OSC 0 window title and an OSC 8 hyperlink.

>>> "\\x1b" in CLEAR and "\\x1b]8;;" in HYPERLINK
True
"""

from __future__ import annotations

import codecs
from pathlib import Path
from urllib.parse import quote

from tests.support import connections, url, write_files

__all__ = [
    "CLEAR",
    "COLOUR",
    "HYPERLINK",
    "PAYLOADS",
    "TITLE",
    "csv_export",
    "encoded_word",
    "ics_file",
    "mbox_file",
    "vcard_file",
]

CLEAR = "\x1b[2J\x1b[H"  # clear the screen, cursor home
COLOUR = "\x1b[31;1mred\x1b[0m"
TITLE = "\x1b]0;pwned\x07"  # OSC 0: the terminal's window title
HYPERLINK = "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"  # OSC 8
PAYLOADS = {"clear": CLEAR, "colour": COLOUR, "title": TITLE, "hyperlink": HYPERLINK}


def csv_export(folder: Path, payload: str, *, slug: str = "eve") -> Path:
    """A LinkedIn export whose one connection has ``payload`` in its name, its
    company and its position."""
    rows = [
        [f"Eve{payload}", f"Lee{payload}", url(slug), "", f"Acme{payload}", payload, "01 Jan 2024"]
    ]
    return write_files(folder, {"Connections.csv": connections(rows)})


def encoded_word(text: str) -> str:
    """``text`` as an RFC 2047 encoded word (``=?utf-8?q?...?=``), as mail headers
    carry non-ASCII names: a decoder turns it back into the raw characters."""
    return "=?utf-8?q?" + quote(text.encode(), safe="").replace("%", "=") + "?="


def mbox_file(path: Path, payload: str, *, me: str = "me@example.org") -> Path:
    """An mbox with one message from a sender whose display name is ``payload``
    hidden in an encoded word (``=?utf-8?q?=1B[2J...?=``)."""
    path.write_text(
        "From sender@example.org Mon Jan  1 10:00:00 2024\n"
        f"From: {encoded_word('Eve ' + payload + ' Lee')} <eve@example.org>\n"
        f"To: Me <{me}>\n"
        "Date: Mon, 1 Jan 2024 10:00:00 +0000\n"
        "Message-ID: <1@example.org>\n"
        "Subject: hello\n"
        "\n"
        "body\n"
    )
    return path


def vcard_file(path: Path, payload: str) -> Path:
    """A vCard 3.0 whose name, organisation and title hold ``payload`` (escaped
    as vCard text: ``\\;`` and ``\\,``, so that it arrives whole)."""
    text = payload.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    path.write_bytes(
        (
            "BEGIN:VCARD\r\nVERSION:3.0\r\n"
            f"N:Lee{text};Eve{text};;;\r\nFN:Eve{text} Lee{text}\r\n"
            f"ORG:Acme{text}\r\nTITLE:{text}\r\n"
            "EMAIL:eve@example.org\r\nEND:VCARD\r\n"
        ).encode()
    )
    return path


def ics_file(path: Path, payload: str, *, me: str = "me@example.org") -> Path:
    """A calendar with one meeting organised by ``me`` with an attendee whose
    common name holds ``payload``."""
    path.write_bytes(
        (
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
            "BEGIN:VEVENT\r\nUID:1@example.org\r\nDTSTAMP:20240101T090000Z\r\n"
            "DTSTART:20240101T100000Z\r\nDTEND:20240101T110000Z\r\nSUMMARY:meeting\r\n"
            f"ORGANIZER;CN=Me:mailto:{me}\r\n"
            f'ATTENDEE;CN="Eve{payload} Lee";PARTSTAT=ACCEPTED:mailto:eve.cal@example.org\r\n'
            "END:VEVENT\r\nEND:VCALENDAR\r\n"
        ).encode()
    )
    return path


def utf16(text: str) -> bytes:
    """``text`` as LinkedIn's 2018 files were written: UTF-16LE with a BOM."""
    return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
