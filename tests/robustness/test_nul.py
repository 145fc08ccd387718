"""A NUL character outside a LinkedIn CSV: the same outcome on both back ends.

SQLite stored it and PostgreSQL refused it with a driver traceback. Text files
(vCard, iCalendar, a log of interactions) holding one are refused, as a CSV is,
with the file and line, before anything is written; a mail header decoded to
one (``=?utf-8?q?Nul=00Name?=``) has the value dropped and counted, the message
kept, as mail's other bad values are.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.robustness.conftest import refused, run

pytestmark = pytest.mark.parametrize(
    "back_end", ["sqlite", pytest.param("pg", marks=pytest.mark.postgres)]
)

GOOD_CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nEMAIL:ann@example.org\r\nEND:VCARD\r\n"
TABLES = ("person", "identity", "tie", "interaction", "import_run", "member")


@pytest.fixture
def db(back_end: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A database holding one address book of member ``me``."""
    if back_end == "pg":
        url = request.getfixturevalue("postgres").new_database()
    else:
        url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    good = tmp_path / "good.vcf"
    good.write_text(GOOD_CARD, newline="")
    assert run(url, "import", "vcard", str(good), "--as", "me").code == 0
    return url


def counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {t: conn.execute(text(f"select count(*) from {t}")).scalar_one() for t in TABLES}
    finally:
        engine.dispose()


def _files(folder: Path) -> dict[str, tuple[Path, tuple[str, ...], str]]:
    folder.mkdir()
    card = folder / "nul.vcf"
    card.write_bytes(
        GOOD_CARD.encode() + b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Vee Nu\x00l\r\nEND:VCARD\r\n"
    )
    qp = folder / "qp.vcf"
    qp.write_bytes(
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN;ENCODING=QUOTED-PRINTABLE:Vee Nu=00l\r\nEND:VCARD\r\n"
    )
    ics = folder / "nul.ics"
    ics.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:2@x\r\n"
        b"DTSTART:20240101T100000Z\r\nORGANIZER;CN=Me:mailto:me@x.org\r\n"
        b'ATTENDEE;CN="Ic\x00s Guy":mailto:ics@x.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n'
    )
    log = folder / "log.csv"
    log.write_bytes(b"from,to,at\nann,bob,2024-01-02\nann,b\x00ob,2024-01-03\n")
    me = ("--as", "me")
    return {
        "vcard": (card, ("import", "vcard", str(card), *me), "line 8"),
        "vcard quoted-printable": (qp, ("import", "vcard", str(qp), *me), "field 'FN'"),
        "ics": (ics, ("import", "ics", str(ics), *me, "--me", "me@x.org"), "line 8"),
        "interactions": (
            log,
            (
                "import",
                "interactions",
                str(log),
                "--sender",
                "from",
                "--recipient",
                "to",
                "--timestamp",
                "at",
                *me,
            ),
            "line 3",
        ),
    }


@pytest.mark.parametrize("kind", ["vcard", "vcard quoted-printable", "ics", "interactions"])
def test_a_nul_in_a_text_file_is_refused_before_anything_is_written(db, tmp_path, kind):
    before = counts(db)
    path, args, where = _files(tmp_path / "in")[kind]
    ran = run(db, *args)
    refused(ran, 2, path.name, where, "NUL character")
    assert counts(db) == before


def test_a_nul_in_a_mail_header_drops_the_value_and_keeps_the_message(db, tmp_path):
    mail = tmp_path / "nul.mbox"
    mail.write_text(
        "From a@x.org Mon Jan  1 10:00:00 2024\n"
        "From: =?utf-8?q?Nul=00Name?= <nul@x.org>\n"
        "To: Me <me@x.org>\n"
        "Date: Mon, 1 Jan 2024 10:00:00 +0000\n"
        "Message-ID: <n1@x>\n"
        "Subject: =?utf-8?q?s=00ubj?=\n\nbody\n"
    )
    ran = run(db, "import", "mbox", str(mail), "--as", "me", "--me", "me@x.org", "--keep-content")
    assert ran.code == 0, ran.err
    assert "Traceback" not in ran.err
    warnings = [line for line in ran.err.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: 1 mail display name holding a NUL character: not kept",
        "warning: 1 mail subject holding a NUL character: not kept",
    ], ran.err
    engine = create_engine(db)
    with engine.connect() as conn:
        names = (
            conn.execute(
                text(
                    "select p.display_name from person p join identity i on i.person_id = p.id "
                    "where i.value = 'nul@x.org'"
                )
            )
            .scalars()
            .all()
        )
        subjects = conn.execute(text("select subject from interaction")).scalars().all()
    engine.dispose()
    assert all("\x00" not in n for n in names) and len(names) == 1
    assert subjects == [None]
