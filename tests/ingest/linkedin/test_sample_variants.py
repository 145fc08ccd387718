"""Hand-made variants of the real sample exports: a 2018-format export dated by
its own files, another person's export refused, Excel's European re-save read
with the right dates, an all-ambiguous one refused."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import sqlite3

import pytest

from tests.support import write_files
from weakties.ingest.dates import parse_date, parse_datetime
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.store.errors import InputError

SHIFT = dt.timedelta(days=4 * 365 + 1)  # 2022 → 2018, same weekdays give or take


def _rows(path) -> tuple[list[str], list[list[str]]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(
        i for i, line in enumerate(lines) if line.startswith(("First Name", "From", "CONV"))
    )
    reader = csv.reader(lines[start:])
    header = next(reader)
    return header, [row for row in reader if row]


def _csv(header: list[str], rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _us(moment: dt.datetime) -> str:
    """LinkedIn's 2018 form: ``1/8/18, 6:14 PM``."""
    return f"{moment.month}/{moment.day}/{moment:%y}, {moment:%I:%M %p}".replace(", 0", ", ")


def test_a_2018_format_export_is_dated_by_its_newest_file(store, samples, tmp_path):
    source = samples / "export-2022-09"
    newest = dt.datetime.min
    header, rows = _rows(source / "Connections.csv")
    at = header.index("Connected On")
    for row in rows:
        when = dt.datetime.combine(parse_date(row[at]), dt.time(18, 14)) - SHIFT
        row[at] = _us(when)
        newest = max(newest, when)
    connections = _csv(header, rows)  # 2018: no Notes preamble
    header, rows = _rows(source / "messages.csv")
    messages = []
    for row in rows:
        cells = dict(zip(header, row, strict=True))
        when = parse_datetime(cells["DATE"]) - SHIFT
        newest = max(newest, when)
        outgoing = cells["FROM"] == "Blake Northcote"
        messages.append(
            [
                cells["FROM"],
                cells["TO"],
                _us(when),
                "",
                "x",
                "OUTGOING" if outgoing else "INCOMING",
                "SENT" if outgoing else "INBOX",
            ]
        )
    header, rows = _rows(source / "Invitations.csv")
    for row in rows:
        when = parse_datetime(row[2]) - SHIFT
        row[2] = _us(when)
        newest = max(newest, when)
    files = {
        "Connections.csv": connections,
        "Messages.csv": _csv(
            ["From", "To", "Date", "Subject", "Content", "Direction", "Folder"], messages
        ),
        "Invitations.csv": _csv(header, rows),
    }
    folder = write_files(tmp_path / "my-linkedin-data", files)  # no date in the name
    summary = import_linkedin(store, folder, "blake")
    assert {f.version for f in summary.files if f.kind in ("connections", "messages")} == {"2018"}
    assert summary.export_date == newest.date()
    assert newest.year == 2018
    assert summary.export_date_source.startswith("guessed from ")
    with store.engine.connect() as conn:
        stored = conn.exec_driver_sql(
            "select export_date, export_date_source from import_run"
        ).one()
    assert str(stored[0]) == newest.date().isoformat()
    assert stored[1] == summary.export_date_source


def test_another_persons_export_under_a_members_name_is_refused(store, samples, db_path):
    import_linkedin(store, samples / "export-2022-09", "me")
    with sqlite3.connect(db_path) as conn:
        before = conn.execute("select count(*) from interaction").fetchone()
    with pytest.raises(InputError) as info:
        import_linkedin(store, samples / "export-2024-12", "me")
    message = str(info.value)
    assert "Lane Lowther" in message and "Blake Northcote" in message
    assert "--as NAME" in message and "--force" in message
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("select count(*) from interaction").fetchone() == before
    assert not import_linkedin(store, samples / "export-2024-12", "lane").unchanged
    # the same person's own export again, under their name: fine
    assert import_linkedin(store, samples / "export-2022-09", "me").unchanged


def _excel_european(samples) -> tuple[list[str], list[list[str]], list[dt.date]]:
    """Connections.csv of 2024 as Excel re-saves it in France: semicolons,
    Windows-1252, day-first numeric dates."""
    header, rows = _rows(samples / "export-2024-12" / "Connections.csv")
    at = header.index("Connected On")
    days = []
    for row in rows:
        day = parse_date(row[at])
        days.append(day)
        row[at] = f"{day:%d/%m/%Y}"
    return header, rows, days


def test_an_excel_european_connections_file_is_read_with_the_right_dates(
    store, samples, tmp_path, db_path
):
    header, rows, days = _excel_european(samples)
    assert any(d.day > 12 for d in days) and any(d.day <= 12 for d in days)
    text = "Notes:;;;;;;\r\n\r\n" + _csv(header, rows, ";").replace("\n", "\r\n")
    data = text.encode("cp1252", errors="replace")  # Excel writes '?' for what cp1252 lacks
    folder = write_files(tmp_path / "excel", {"Connections.csv": data})
    summary = import_linkedin(store, folder, "lane")
    (report,) = summary.files
    assert report.read_as[:2] == ["semicolon", "CP1252"]
    assert report.read_as[2].startswith("day/month dates")
    assert report.traces == len(rows)
    with sqlite3.connect(db_path) as conn:
        since = sorted(
            dt.date.fromisoformat(r[0][:10]) for r in conn.execute("select since from tie")
        )
    assert since == sorted(days)


def test_an_all_ambiguous_excel_file_is_refused(store, samples, tmp_path, db_path):
    header, rows, days = _excel_european(samples)
    ambiguous = [row for row, day in zip(rows, days, strict=True) if day.day <= 12]
    assert ambiguous
    folder = write_files(tmp_path / "excel", {"Connections.csv": _csv(header, ambiguous, ";")})
    with pytest.raises(InputError) as info:
        import_linkedin(store, folder, "lane")
    assert info.value.field == "Connected On"
    assert "--date-order dmy" in str(info.value)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("select count(*) from member").fetchone() == (0,)
    summary = import_linkedin(store, folder, "lane", date_order="dmy")
    assert summary.files[0].traces == len(ambiguous)


def test_date_order_leaves_linkedins_own_dates_of_a_real_export_alone(
    store, samples, tmp_path, db_path
):
    """The 2022 export with its Connections.csv re-saved by Excel, day first,
    every date one that could be either: refused until --date-order dmy, which
    reads that file's dates and leaves Invitations.csv's '8/26/22, 8:56 PM' and
    Contacts.csv's '3/1/17, 5:25 AM' month first, as LinkedIn writes them."""
    source = samples / "export-2022-09"
    folder = tmp_path / "export"
    shutil.copytree(source, folder)
    header, rows = _rows(source / "Connections.csv")
    at = header.index("Connected On")
    kept, days = [], []
    for row in rows:
        day = parse_date(row[at])
        if day.day <= 12:
            row[at] = f"{day:%d/%m/%Y}"
            kept.append(row)
            days += [day] if row[0] else []  # a hidden member's row gives no tie
    assert len(days) > 3 and any(d.day != d.month for d in days)
    (folder / "Connections.csv").write_text(_csv(header, kept), encoding="utf-8")
    with pytest.raises(InputError) as info:
        import_linkedin(store, folder, "amb")
    assert info.value.field == "Connected On" and "--date-order dmy" in str(info.value)

    summary = import_linkedin(store, folder, "amb", date_order="dmy")
    read_as = {f.name: f.read_as for f in summary.files}
    assert read_as["Connections.csv"] == ["day/month dates (--date-order)"]
    assert read_as["Invitations.csv"][0].startswith("month/day dates (line 2")
    header, rows = _rows(source / "Invitations.csv")
    sent = sorted(parse_datetime(row[header.index("Sent At")]) for row in rows)
    with sqlite3.connect(db_path) as conn:
        since = sorted(
            dt.date.fromisoformat(r[0][:10]) for r in conn.execute("select since from tie")
        )
        invited = sorted(
            dt.datetime.fromisoformat(r[0])
            for r in conn.execute("select occurred_at from interaction where kind='invitation'")
        )
    assert set(days) <= set(since)
    assert invited == sent
    assert import_linkedin(store, folder, "amb", date_order="dmy").unchanged


def test_another_persons_export_with_a_guessed_owner_is_refused(store, samples, tmp_path, db_path):
    """No Profile.csv, no Invitations.csv: the owner is guessed from messages.csv,
    and a guess that names another profile than the member's is refused too."""
    import_linkedin(store, samples / "export-2022-09", "me")
    folder = tmp_path / "partial"
    folder.mkdir()
    for name in ("Connections.csv", "messages.csv", "Positions.csv"):
        shutil.copy(samples / "export-2024-12" / name, folder / name)
    with sqlite3.connect(db_path) as conn:
        before = conn.execute("select count(*) from interaction").fetchone()
    with pytest.raises(InputError) as info:
        import_linkedin(store, folder, "me")
    message = str(info.value)
    assert "Lane Lowther" in message and "Blake Northcote" in message
    assert "--as NAME" in message and "--force" in message
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("select count(*) from interaction").fetchone() == before
        slugs = {
            row[0]
            for row in conn.execute(
                "select value from identity join member on member.person_id = identity.person_id"
                " where kind = 'linkedin'"
            )
        }
    assert len(slugs) == 1


def test_a_members_own_partial_export_with_a_guessed_owner_is_accepted(store, samples, tmp_path):
    import_linkedin(store, samples / "export-2022-09", "me")
    folder = tmp_path / "partial"
    folder.mkdir()
    for name in ("Connections.csv", "messages.csv"):
        shutil.copy(samples / "export-2022-09" / name, folder / name)
    (folder / "messages.csv").write_text(
        (folder / "messages.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )  # new bytes, so the file is read again
    import_linkedin(store, folder, "me")


def test_the_export_date_reads_the_files_weakties_does_not_import(store, samples, tmp_path):
    """Logins.csv (not imported) holds the sign-in of the day of the export, days
    after the newest connection or message: the export is dated by it."""
    folder = tmp_path / "my-linkedin-data"
    folder.mkdir()
    for name in ("Connections.csv", "messages.csv"):
        shutil.copy(samples / "export-2022-09" / name, folder / name)
    logins = (
        '"Login Date"\t"IP Address"\t"User Agent"\t"Login Type"\n'
        '"2022/09/12 08:01:02 UTC"\t"0.0.0.0"\t"Mozilla/5.0"\t"WEB"\n'
        '"2022/08/30 18:16:55 UTC"\t"0.0.0.0"\t"Mozilla/5.0"\t"WEB"\n'
    )
    (folder / "Logins.csv").write_bytes(b"\xff\xfe" + logins.encode("utf-16-le"))
    (folder / "SearchQueries.csv").write_text("Time,Search Query\nnot a date,x\n")
    summary = import_linkedin(store, folder, "me")
    assert summary.export_date == dt.date(2022, 9, 12)
    assert "Logins.csv" in summary.export_date_source
    assert "Logins.csv" in summary.ignored or any("Logins" in f for f in summary.ignored)
