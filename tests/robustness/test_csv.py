"""Hostile and broken CSV exports: one line naming the file and field, exit 2,
no traceback, the database unchanged."""

from __future__ import annotations

import json
import zipfile

import pytest

from tests.robustness.conftest import dump, refused, run
from tests.support import (
    CONNECTIONS_2024,
    PREAMBLE,
    connections,
    csv_text,
    url,
    write_files,
    write_zip,
)


def _import(db, path, *extra):
    return run(db, "import", "linkedin", str(path), "--as", "me", *extra)


def _one(tmp_path, text: str | bytes, name: str = "Connections.csv"):
    return write_files(tmp_path / "bad", {name: text})


def test_unterminated_quote_names_the_real_cause(seeded, tmp_path):
    db, before = seeded
    text = (
        connections([["Cy", "Tran", url("cy"), "", "Initech", "Ops", "03 Jan 2024"]])
        + 'Dee,"Unclosed,https://www.linkedin.com/in/dee,,Acme,CTO,04 Jan 2024\n'
        + "Ed,Ko,,,,,05 Jan 2024\n"
    )
    line = refused(_import(db, _one(tmp_path, text)), 2, "Connections.csv", "line 6")
    assert "unterminated quote" in line and "date is required" not in line
    assert dump(db) == before


def test_nul_refused_with_its_field(seeded, tmp_path):
    db, before = seeded
    text = connections([["Cy", "Tr\x00an", url("cy"), "", "Initech", "Ops", "03 Jan 2024"]])
    refused(_import(db, _one(tmp_path, text)), 2, "Connections.csv", "line 5", "'Last Name'", "NUL")
    assert dump(db) == before


def test_a_long_line_is_refused_never_split(seeded, tmp_path):
    db, before = seeded
    long_cell = "x" * (5 * 1024 * 1024)
    text = connections([["Cy", long_cell, url("cy"), "", "Initech", "Ops", "03 Jan 2024"]])
    refused(_import(db, _one(tmp_path, text)), 2, "Connections.csv", "line 5", "line longer")
    assert dump(db) == before


def test_repeated_header_column_refused(seeded, tmp_path):
    db, before = seeded
    header = [*CONNECTIONS_2024, "Company"]
    text = PREAMBLE + csv_text(
        header, [["Cy", "Tran", url("cy"), "", "A", "Ops", "03 Jan 2024", "B"]]
    )
    refused(_import(db, _one(tmp_path, text)), 2, "line 4", "'Company'", "twice")
    assert dump(db) == before


@pytest.mark.parametrize("day", ["01 Jan 0001", "31 Dec 9999", "12 Mar 1850"])
def test_implausible_dates_refused_with_the_field(seeded, tmp_path, day):
    db, before = seeded
    text = connections([["Cy", "Tran", url("cy"), "", "Initech", "Ops", day]])
    refused(_import(db, _one(tmp_path, text)), 2, "line 5", "'Connected On'", "implausible")
    assert dump(db) == before


def test_duplicate_logical_files_in_one_zip_refused_with_both_names(seeded, tmp_path):
    db, before = seeded
    good = connections([["Cy", "Tran", url("cy"), "", "Initech", "Ops", "03 Jan 2024"]])
    archive = write_zip(
        tmp_path / "export.zip", {"Connections.csv": good, "sub/Connections.csv": good}
    )
    line = refused(_import(db, archive), 2, "two Connections.csv files")
    assert "export.zip:Connections.csv" in line and "export.zip:sub/Connections.csv" in line
    assert dump(db) == before


def test_truncated_zip_says_incomplete_download(seeded, tmp_path):
    db, before = seeded
    archive = write_zip(tmp_path / "export.zip", {"Connections.csv": connections([]) * 200})
    archive.write_bytes(archive.read_bytes()[:-300])
    refused(_import(db, archive), 2, "export.zip", "incomplete download")
    assert dump(db) == before


def test_many_members_under_the_ratio_still_a_bomb(seeded, tmp_path):
    """480 members of 8 MiB each pass the per-member ratio; the archive does not."""
    db, before = seeded
    archive = tmp_path / "export.zip"
    member = (b"a,b\n" + b"0" * (7 * 1024 * 1024)) + bytes(range(256)) * 4096  # ~8 MiB
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("Connections.csv", connections([]))
        for i in range(40):
            z.writestr(f"junk/{i}.bin", member)
    refused(_import(db, archive), 2, "export.zip", "zip bomb")
    assert dump(db) == before


def test_control_characters_in_a_member_name_refused(seeded, tmp_path):
    db, before = seeded
    export = write_files(tmp_path / "e", {"Connections.csv": connections([])})
    refused(run(db, "import", "linkedin", str(export), "--as", "eve\x1b[2J"), 2, "U+001B")
    assert dump(db) == before


def test_names_longer_than_the_columns_are_cut_with_a_warning(seeded, tmp_path):
    db, _ = seeded
    text = connections([["C" * 20_001, "Tran", url("cy"), "", "I" * 400, "T" * 900, "03 Jan 2024"]])
    ran = _import(db, _one(tmp_path, text))
    assert ran.code == 0, ran.err
    assert "first name over 200 characters" in ran.err
    assert "job title over 500 characters" in ran.err
    rows = [line for line in dump(db) or [] if "Tran" in line]
    assert rows and all("C" * 201 not in line for line in rows)


def test_semicolon_cp1252_day_first_connections_are_read(tmp_path):
    db = tmp_path / "x.sqlite"
    text = (
        "Notes:;;;;;;\r\n"
        "First Name;Last Name;URL;Email Address;Company;Position;Connected On\r\n"
        "Zoé;Müller;https://www.linkedin.com/in/zoe;;Café SARL;Chef;04/07/2023\r\n"
        "Léa;Roy;https://www.linkedin.com/in/lea;;Acme;CTO;19/06/2023\r\n"
    ).encode("cp1252")
    ran = _import(db, _one(tmp_path, text), "--json")
    assert ran.code == 0, ran.err
    (report,) = json.loads(ran.out)["files"]
    assert report["read_as"] == [
        "semicolon",
        "CP1252",
        "day/month dates (line 4, Connected On: '19/06/2023')",
    ]
    rows = "\n".join(dump(db) or [])
    assert "'2023-07-04 00:00:00.000000'" in rows  # 4 July, not April 7
    assert "Zoé" in rows and "Café SARL" in rows


def test_a_file_whose_every_date_could_be_either_is_refused(seeded, tmp_path):
    db, before = seeded
    text = (
        "First Name;Last Name;URL;Email Address;Company;Position;Connected On\n"
        "Zoé;Müller;https://www.linkedin.com/in/zoe;;Café;Chef;04/07/2023\n"
        "Léa;Roy;https://www.linkedin.com/in/lea;;Acme;CTO;05/06/2023\n"
    )
    path = _one(tmp_path, text)
    refused(_import(db, path), 2, "Connected On", "--date-order dmy", "'04/07/2023'")
    assert dump(db) == before
    ran = _import(db, path, "--date-order", "dmy", "--export-date", "2024-02-01")
    assert ran.code == 0, ran.err
    assert "'2023-06-05 00:00:00.000000'" in "\n".join(dump(db) or [])


def test_a_contradiction_in_the_date_order_names_the_deciding_line(seeded, tmp_path):
    db, before = seeded
    text = (
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Zoé,Müller,https://www.linkedin.com/in/zoe,,Café,Chef,19/06/2023\n"
        "Léa,Roy,https://www.linkedin.com/in/lea,,Acme,CTO,06/19/2023\n"
    )
    refused(_import(db, _one(tmp_path, text)), 2, "line 3", "day/month dates (line 2")
    assert dump(db) == before


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00Z", "9999-01-01", "1850-03-12"])
def test_implausible_timestamps_in_an_interaction_log_refused(seeded, tmp_path, stamp):
    db, before = seeded
    log = tmp_path / "log.csv"
    log.write_text(f"from,to,at\nann,bob,2024-01-02\nann,cy,{stamp}\n", encoding="utf-8")
    args = ("--sender", "from", "--recipient", "to", "--timestamp", "at", "--as", "me")
    ran = run(db, "import", "interactions", str(log), *args)
    refused(ran, 2, "log.csv", "line 3", "'at'", "implausible date")
    assert dump(db) == before


def test_a_meeting_in_year_9999_or_0001_is_skipped_and_counted(seeded, tmp_path):
    """A calendar's single events are kept whatever their date, but not 0001 or
    9999: skipped with their reason, as the mbox reader skips such a mail."""
    db, _ = seeded
    events = "".join(
        f"BEGIN:VEVENT\nUID:{uid}\nDTSTART:{day}T100000Z\nORGANIZER:mailto:me@x.io\n"
        f"ATTENDEE;CN=Bo:mailto:bo@x.io\nEND:VEVENT\n"
        for uid, day in (("far", "99990101"), ("old", "00010101"), ("ok", "20240105"))
    )
    cal = tmp_path / "cal.ics"
    cal.write_text(
        ("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//EN\n" + events + "END:VCALENDAR\n").replace(
            "\n", "\r\n"
        ),
        encoding="utf-8",
    )
    ran = run(db, "import", "ics", str(cal), "--as", "me", "--me", "me@x.io", "--json")
    assert ran.code == 0, ran.err
    summary = json.loads(ran.out)
    (report,) = [f for f in summary["files"] if f["kind"] == "icalendar"]
    assert report["skipped"] == {"implausible date": 2}, report
    assert report["traces"] == 1 and summary["export_date"] == "2024-01-05"
