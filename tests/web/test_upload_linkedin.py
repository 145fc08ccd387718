"""A member uploads their LinkedIn export in the browser (``/settings/import``): the
same import as ``weakties import linkedin``, into their own data, then its summary
with LinkedIn's breakdown of people. Bad uploads say what is wrong and write
nothing; the same export again changes nothing.

The export is the real 2024 sample of ../shared/data (skipped when absent), zipped
here as LinkedIn sends it.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.web.conftest import csrf, make_settings, post_form, sign_up
from weakties.model.tables import ImportRun, Interaction, Person, Position, Task, Tie
from weakties.service.context import viewer
from weakties.service.people import people_counts
from weakties.service.uploads import wait_for_imports

LIMIT = 200_000


@pytest.fixture
def settings(store_url: str) -> Any:
    return make_settings(store_url, import_max_bytes=LIMIT)


def _zip(folder: Path, replace: dict[str, str] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            data = path.read_bytes()
            if replace and path.name in replace:
                data = replace[path.name].encode("utf-8")
            archive.writestr(path.name, data)
    return out.getvalue()


def _finished(client, posted: Any) -> Any:
    """The import's page once it has ended, for an upload accepted (else the answer)."""
    where = posted.headers.get("location", "")
    if posted.status_code != 303 or not where.startswith("/settings/import/"):
        return posted
    assert wait_for_imports(60)
    return client.get(where)


def _upload(client, data: bytes, name: str = "Basic_LinkedInDataExport_12-20-2024.zip") -> Any:
    token = csrf(client, "/settings/import")
    posted = client.post(
        "/settings/import",
        data={"csrf_token": token},
        files={"export": (name, data, "application/zip")},
        follow_redirects=False,
    )
    return _finished(client, posted)


def _counts(store) -> tuple[int, ...]:
    with store.engine.connect() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (Person, Tie, Interaction, Position, ImportRun)
        )


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


OWNER = "Lane Lowther"  # the sample's owner, as its files say


def test_an_export_uploaded_is_imported_once_with_its_summary(client, store, samples):
    sign_up(client, OWNER, "lane@example.org", handle="ana")
    form = client.get("/settings/import").text
    assert 'enctype="multipart/form-data"' in form and 'name="csrf_token"' in form
    assert 'type="file" name="export"' in form and "Up to 0.2 MiB" in form
    assert 'href="/settings/import"' in client.get("/settings").text
    export = _zip(samples / "export-2024-12")
    before = _counts(store)
    # no CSRF token, no import
    forged = client.post("/settings/import", files={"export": ("x.zip", export, "application/zip")})
    assert forged.status_code == 403 and _counts(store) == before
    done = _upload(client, export)
    assert done.status_code == 200, done.text
    with store.engine.connect() as conn:
        counts = people_counts(conn, viewer(conn, "ana"))
    assert counts.connections > 0 and counts.total > counts.connections
    page = _text(done.text)
    assert "Your export is imported" in page
    assert f"{counts.total} people in your data" in page
    assert f"{counts.connections} connections" in page
    assert f"{counts.only_messaged} people only messaged" in page
    assert "Connections.csv imported" in page and "messages.csv imported" in page
    after = _counts(store)
    assert after != before
    # the profile is filled from the export's positions
    assert "Experience" in client.get("/in/ana").text
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Position)).scalar_one() > 0
    # the same export again: nothing new, nothing written
    again = _upload(client, export)
    assert again.status_code == 200
    assert "Nothing new: every file of this export was imported already." in _text(again.text)
    assert _counts(store) == after
    # in French too
    post_form(client, "/settings/language", {"locale": "fr"}, page="/settings")
    assert "Importer mes données LinkedIn" in client.get("/settings/import").text


def test_a_bad_upload_says_what_is_wrong_and_writes_nothing(client, store, samples):
    sign_up(client, "Ana Upload", "ana@example.org", handle="ana")
    before = _counts(store)
    empty = _upload(client, b"", name="")
    assert empty.status_code == 422
    assert "Choose the ZIP file of your LinkedIn export." in empty.text
    csv = (samples / "export-2024-12" / "Connections.csv").read_bytes()
    not_zip = _upload(client, csv, name="Connections.csv")
    assert not_zip.status_code == 422 and "This is not a ZIP file" in not_zip.text
    large = _upload(client, b"PK\x03\x04" + b"\0" * LIMIT)
    assert large.status_code == 422
    assert "The file is larger than 0.2 MiB, the most this server accepts." in large.text
    truncated = _upload(client, _zip(samples / "export-2024-12")[:3000])
    assert truncated.status_code == 422 and "Nothing was imported:" in truncated.text
    # what the importer refuses before reading a row is refused at once, naming the file
    for files, expected in (
        ({"../evil.csv": b"x"}, "unsafe path '../evil.csv' in ZIP"),
        ({"Connections.csv": b"First Name," + b"a" * 30_000_000}, "looks like a zip bomb"),
        ({"notes.txt": b"hello"}, "no LinkedIn export file found"),
        ({"Connections.csv": b"Who,When\nAna,today\n"}, "Connections.csv"),
    ):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for member, content in files.items():
                archive.writestr(member, content)
        at_once = _upload(client, out.getvalue(), name="mine.zip")
        assert at_once.status_code == 422, (expected, at_once.status_code)
        said = _text(at_once.text)
        assert "Nothing was imported:" in said and expected in said, (expected, said[-600:])
        assert "weakties-upload" not in said
    assert _counts(store) == before
    # someone else's export: refused at once, saying whose it is and whose the profile is
    other_s = _upload(client, _zip(samples / "export-2024-12"))
    assert other_s.status_code == 422
    said = _text(other_s.text)
    assert f"this export belongs to {OWNER}, and your profile is Ana Upload's" in said
    assert "--force" not in said and "--as" not in said
    assert _counts(store) == before


def test_a_bad_row_fails_the_import_in_the_background_and_writes_nothing(client, store, samples):
    """What only reading the rows finds (a bad date on one line) fails the import
    after the upload was accepted: its page names the file, the line and the field."""
    sign_up(client, OWNER, "lane@example.org", handle="lane")
    before = _counts(store)
    lines = (samples / "export-2024-12" / "Connections.csv").read_text("utf-8").splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("First Name,"))
    row = lines[header + 2].rsplit(",", 1)[0] + ",<b>31 Smarch 2024</b>"
    lines[header + 2] = row
    broken = _zip(samples / "export-2024-12", {"Connections.csv": "\n".join(lines) + "\n"})
    refused = _upload(client, broken, name="my export.zip")
    assert refused.status_code == 200
    said = _text(refused.text)
    assert "Your export was not imported" in said and "Nothing was imported:" in said
    assert "Connections.csv" in said and f"line {header + 3}" in said
    assert "Connected On" in said and "weakties-upload" not in said
    assert "<b>31 Smarch" not in refused.text  # the cell is shown, escaped
    assert 'hx-trigger="every' not in refused.text  # finished: no more polling
    assert _counts(store) == before
    # the upload page links to it
    assert (
        f'href="/settings/import/{refused.url.path.rsplit("/", 1)[1]}"'
        in client.get("/settings/import").text
    )


def _zip_bytes(folder: Path, replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.writestr(path.name, replace.get(path.name, path.read_bytes()))
    return out.getvalue()


def test_the_page_names_its_own_fields_not_the_command_lines_options(client, store, samples):
    sign_up(client, OWNER, "lane@example.org", handle="ana")
    before = _counts(store)
    # far over the limit: not even read, and the page says how large a file may be
    huge = _upload(client, b"PK\x03\x04" + b"\0" * (LIMIT + 100 * 1024))
    assert huge.status_code == 303
    assert huge.headers["location"] == "/settings/import?too_large=1"
    page = client.get(huge.headers["location"])
    assert "The file is larger than 0.2 MiB, the most this server accepts." in page.text
    assert 'id="e-export"' in page.text
    # a wrong date in the export's date field names that field
    folder = samples / "export-2024-12"
    token = csrf(client, "/settings/import")
    wrong = client.post(
        "/settings/import",
        data={"csrf_token": token, "export_date": "20/12/2024"},
        files={"export": ("export.zip", _zip(folder), "application/zip")},
    )
    assert wrong.status_code == 422
    assert 'id="e-export_date"' in wrong.text and "Give the date as YYYY-MM-DD." in wrong.text
    assert 'value="20/12/2024"' in wrong.text
    assert _counts(store) == before
    # the date given in the field is the export's date
    token = csrf(client, "/settings/import")
    dated = _finished(
        client,
        client.post(
            "/settings/import",
            data={"csrf_token": token, "export_date": "2024-12-21"},
            files={"export": ("export.zip", _zip(folder), "application/zip")},
            follow_redirects=False,
        ),
    )
    assert dated.status_code == 200, dated.text
    assert "Export of Dec 21, 2024" in _text(dated.text)


def test_the_command_lines_advice_in_the_pages_words():
    """Each piece of the importer's advice that names an option, as the upload page
    words it (the importer's own text, so that a change there is seen here)."""
    import inspect

    from weakties.ingest import csvread, run, sheet, sources
    from weakties.service.uploads import web_words

    said_by_importer = "".join(inspect.getsource(m) for m in (csvread, run, sheet, sources))
    for phrase in (
        "give its date with --export-date YYYY-MM-DD",
        "if the file was saved by Excel, import it with --encoding cp1252",
        "raise the limit with --max-unzipped if the export is genuine",
        "import it with --as {owner!r}",
        '"--date-order dmy or --date-order mdy"',
    ):
        assert phrase in said_by_importer
    for cli, page in (
        (
            "its date, 2024-01-02 (guessed), is earlier than the export already imported "
            "(2024-12-20); give its date with --export-date YYYY-MM-DD",
            "give its date in the field “Date of the export” and upload it again",
        ),
        (
            "not valid UTF-8 (byte 0xE9); if the file was saved by Excel, import it with "
            "--encoding cp1252",
            "save it again as “CSV UTF-8”, put it back in the ZIP and upload that",
        ),
        (
            "the ZIP unpacks to more than 1024 MiB (possible zip bomb); raise the limit with "
            "--max-unzipped if the export is genuine",
            "(possible zip bomb): this server accepts no larger export",
        ),
        (
            "this data belongs to 'lane', who is already a member; import it with --as 'lane'",
            "who is already a member: upload your own export",
        ),
        (
            "cannot tell whether the dates of this file are day/month or month/day: every "
            "one could be either (e.g. '04/07/2023'); say which with --date-order dmy or "
            "--date-order mdy",
            "save the file with its dates written as YYYY-MM-DD (2024-07-04)",
        ),
    ):
        said = web_words(cli)
        assert page in said and "--" not in said


def test_how_the_date_was_found_in_the_pages_words(client, store, tmp_path):
    """The summary says how the export's date was found in the page's words and
    language — the field, the file's name, the newest date of a file — and no
    rendered upload page names a command line option."""
    from tests.support import connections, profile, url

    sign_up(client, "Ana Lima", "ana@example.org", handle="ana")

    def export(*rows: list[str]) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("Profile.csv", profile("Ana", "Lima"))
            archive.writestr("Connections.csv", connections(list(rows)))
        return out.getvalue()

    def upload(data: bytes, name: str, date: str = "") -> str:
        token = csrf(client, "/settings/import")
        done = _finished(
            client,
            client.post(
                "/settings/import",
                data={"csrf_token": token, "export_date": date},
                files={"export": (name, data, "application/zip")},
                follow_redirects=False,
            ),
        )
        assert done.status_code == 200, done.text
        return _text(done.text)

    dee = ["Dee", "Vo", url("dee"), "", "", "", "02 Mar 2024"]
    pages = [client.get("/settings/import").text]
    given = upload(export(dee), "export.zip", "2024-03-10")
    assert "Export of Mar 10, 2024 (the date given in the field “Date of the export”)" in given
    named = upload(
        export(dee, ["Eli", "Ng", url("eli"), "", "", "", "15 Mar 2024"]),
        "Basic_LinkedInDataExport_03-20-2024.zip",
    )
    assert (
        "Export of Mar 20, 2024 (from the file's name, Basic_LinkedInDataExport_03-20-2024.zip)"
        in named
    )
    post_form(client, "/settings/language", {"locale": "fr"}, page="/settings")
    guessed = upload(
        export(dee, ["Fay", "Oh", url("fay"), "", "", "", "25 Mar 2024"]), "my export.zip"
    )
    assert "(devinée : la date la plus récente de Connections.csv)" in guessed
    pages += [given, named, guessed, client.get("/settings/import").text]
    for page in pages:
        assert "--" not in _text(page)


def _small_export(first: str, last: str) -> bytes:
    from tests.support import connections, profile, url

    rows = [
        ["Dee", "Vo", url("dee"), "", "Globex", "CTO", "02 Mar 2024"],
        ["Eli", "Ng", url("eli"), "", "Initech", "Analyst", "15 Mar 2024"],
    ]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("Profile.csv", profile(first, last))
        archive.writestr("Connections.csv", connections(rows))
    return out.getvalue()


def test_the_progress_page_follows_the_import_for_its_uploader_only(
    client, other, store, monkeypatch
):
    """While the import runs, its page says the stage and the counts and asks
    again (htmx every second, a refresh without JavaScript); anyone but the
    uploader gets 404; once done it links to the filled profile and stops asking."""
    import threading

    from weakties.ingest.linkedin import importer
    from weakties.service import uploads

    real = importer.import_linkedin
    reading, go_on = threading.Event(), threading.Event()

    def held(*args: Any, **kwargs: Any) -> Any:
        kwargs["progress"]("Connections.csv", 2_000, 400, 1_000)
        reading.set()
        assert go_on.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(importer, "import_linkedin", held)
    sign_up(client, "Ana Lima", "ana@example.org", handle="ana")
    sign_up(other, "Bob Chen", "bob@example.org", handle="bob")
    token = csrf(client, "/settings/import")
    posted = client.post(
        "/settings/import",
        data={"csrf_token": token},
        files={"export": ("Basic_LinkedInDataExport_03-20-2024.zip", _small_export("Ana", "Lima"))},
        follow_redirects=False,
    )
    assert posted.status_code == 303
    where = posted.headers["location"]
    try:
        assert reading.wait(30)
        running = client.get(where)
        assert running.status_code == 200
        said = _text(running.text)
        assert "Importing Basic_LinkedInDataExport_03-20-2024.zip" in said
        assert "Reading your export: 40 %" in said and "2000 rows read" in said.replace(",", "")
        assert "now Connections.csv" in said
        assert f'hx-get="{where}" hx-trigger="every 1s"' in running.text
        assert '<noscript><meta http-equiv="refresh" content="1"></noscript>' in running.text
        assert "see its progress" in _text(client.get("/settings/import").text)
        post_form(client, "/settings/language", {"locale": "fr"}, page="/settings")
        en_francais = _text(client.get(where).text).replace("\u202f", " ")
        assert "Lecture de votre export : 40 %" in en_francais and "lignes lues" in en_francais
        post_form(client, "/settings/language", {"locale": "en"}, page="/settings")
        # another process of the server reads the same progress from the upload's folder
        with store.engine.connect() as conn:
            (payload,) = conn.execute(
                select(Task.payload).where(Task.id == int(where.rsplit("/", 1)[1]))
            ).one()
        folder = json.loads(payload)["folder"]
        assert uploads._live_progress(-1, folder)["percent"] == 40
        # nobody else sees it
        assert other.get(where).status_code == 404
        assert "see its progress" not in other.get("/settings/import").text
        anonymous = TestClient(client.app)
        assert anonymous.get(where, follow_redirects=False).status_code == 303
    finally:
        go_on.set()
    assert wait_for_imports(60)
    done = client.get(where)
    said = _text(done.text)
    assert "Your export is imported" in said and "2 connections" in said
    assert 'href="/in/ana"' in done.text and 'hx-trigger="every' not in done.text
    assert "<noscript><meta" not in done.text
    assert not Path(folder).exists()  # the upload's folder is gone
    assert other.get(where).status_code == 404


def test_an_import_whose_server_stopped_is_failed_by_the_loop(client, store, monkeypatch):
    """A process that stopped during an import (here: never ran it) wrote nothing;
    once the row's lock expires the server's loop says so on the import's page."""
    import datetime as dt

    from weakties.service import tasks, uploads

    monkeypatch.setattr(uploads._IMPORTS, "submit", lambda job: None)
    sign_up(client, "Ana Lima", "ana@example.org", handle="ana")
    before = _counts(store)
    token = csrf(client, "/settings/import")
    posted = client.post(
        "/settings/import",
        data={"csrf_token": token},
        files={"export": ("export.zip", _small_export("Ana", "Lima"))},
        follow_redirects=False,
    )
    where = posted.headers["location"]
    assert "Waiting for its turn" in _text(client.get(where).text)
    assert tasks.run_due(store) == 0  # its lock holds: the loop leaves it alone
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + uploads.IMPORT_LOCK * 2
    assert tasks.run_due(store, now=later) == 1
    said = _text(client.get(where).text)
    assert "The server stopped during the import of export.zip. Upload the export again." in said
    assert _counts(store) == before
    with store.engine.connect() as conn:
        (payload,) = conn.execute(select(Task.payload).where(Task.kind == uploads.KIND)).one()
    assert "folder" not in json.loads(payload)


def test_an_import_running_when_the_server_stops_gives_up_and_says_so(client, store, monkeypatch):
    """At the process's exit the running import gives up at its next progress
    report: its transaction rolls back, and its page says to upload it again."""
    import threading

    from weakties.ingest.linkedin import importer
    from weakties.service import uploads

    real = importer.import_linkedin
    started = threading.Event()

    def held(*args: Any, **kwargs: Any) -> Any:  # runs on once the exit has begun
        started.set()
        assert uploads._IMPORTS._stopping.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(importer, "import_linkedin", held)
    sign_up(client, "Ana Lima", "ana@example.org", handle="ana")
    before = _counts(store)
    token = csrf(client, "/settings/import")
    posted = client.post(
        "/settings/import",
        data={"csrf_token": token},
        files={"export": ("export.zip", _small_export("Ana", "Lima"))},
        follow_redirects=False,
    )
    assert started.wait(30)
    assert uploads._IMPORTS.stop(30)  # what the exit runs
    said = _text(client.get(posted.headers["location"]).text)
    assert "The server stopped during the import of export.zip. Upload the export again." in said
    assert _counts(store) == before
