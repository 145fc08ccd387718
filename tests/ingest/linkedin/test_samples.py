"""Real exports (pseudonymised, ../shared/data/linkedin-samples): exact counts.

The expected numbers were counted by hand from the files (see the comments);
a change in any of them is a change in what weakties reads from a real export.
"""

import datetime as dt
import shutil
import sqlite3

from tests.support import table_snapshot, viewer_of, write_zip
from weakties.ingest.linkedin.importer import import_linkedin


def _files(summary):
    return {f.name: f for f in summary.files}


def _count(db, sql):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchone()[0]


def test_export_2022_09(store, samples, db_path):
    summary = import_linkedin(store, samples / "export-2022-09", "blake")
    files = _files(summary)
    # Connections: 26 data rows after the 3-line Notes preamble, 2 hidden members
    conn_file = files["Connections.csv"]
    assert (conn_file.version, conn_file.rows, conn_file.traces) == ("2018", 26, 24)
    assert conn_file.skipped == {"hidden member": 2}
    # messages (2021-22 header, no recipient URLs): 22 one-to-one messages, no drafts
    assert (files["messages.csv"].version, files["messages.csv"].traces) == ("2021", 22)
    assert files["Invitations.csv"].traces == 22  # 10 outgoing, 12 incoming
    # The UTF-16/TAB twin repeats 3 of the 20 rows of the UTF-8 file: 37 distinct.
    assert files["Endorsement Received Info.csv"].version == "2022-utf16"
    assert files["Endorsement Received Info.csv"].rows == 20
    assert files["Endorsement_Received_Info.csv"].rows == 20
    assert summary.added["interaction"] == 22 + 22 + 37
    assert summary.added["tie"] == 24 + 20  # connections + address-book contacts
    assert summary.added["follow"] == 22 + 19  # companies + members followed
    assert summary.added["skill"] == 23
    assert summary.export_date == dt.date(2022, 9, 9)  # newest "Connected On"
    assert summary.unknown == [] and summary.ignored == []
    with store.engine.connect() as conn:
        me = viewer_of(conn, "blake")
    # The owner's profile URL is found in messages.csv (rows sent by "Blake Northcote").
    assert (
        _count(
            db_path,
            f"select count(*) from identity where person_id={me.person_id} "
            "and kind='linkedin' and value='member-e658174e'",
        )
        == 1
    )
    assert (
        _count(
            db_path,
            "select count(*) from interaction where kind='invitation' and "
            f"sender_id={me.person_id}",
        )
        == 10
    )
    assert _count(db_path, "select count(*) from interaction where content is not null") == 0
    # Names with credentials and commas ("THORNE, THORNE, RADCLIFFE") stay whole for display.
    assert (
        _count(db_path, "select count(*) from person where last_name = 'THORNE, THORNE, RADCLIFFE'")
        == 1
    )


def test_export_2024_12(store, samples, db_path):
    summary = import_linkedin(store, samples / "export-2024-12", "lane")
    files = _files(summary)
    assert (files["Connections.csv"].version, files["Connections.csv"].traces) == ("2023", 26)
    assert files["Connections.csv"].skipped == {}
    assert (files["messages.csv"].version, files["messages.csv"].traces) == ("2024", 26)
    assert files["Invitations.csv"].version == "2023"
    assert files["Endorsement_Received_Info.csv"].traces == 20
    assert files["Endorsement_Given_Info.csv"].traces == 26
    # One recommendation given names a namesake of the owner (a pseudonym collision):
    # nobody recommends themself, so it is someone else, not skipped.
    assert (files["Recommendations_Given.csv"].rows, files["Recommendations_Given.csv"].traces) == (
        8,
        8,
    )
    assert summary.added["interaction"] == 26 + 26 + 20 + 26 + 8
    assert summary.added["tie"] == 26
    assert (
        _count(db_path, "select count(*) from position where source='profile' and kind='job'") == 13
    )
    assert _count(db_path, "select count(*) from position where kind='study'") == 7
    # "Gray ,Kettering " — stray spaces never reach the stored name
    assert _count(db_path, "select count(*) from person where display_name='Gray Kettering'") == 1
    # Two different profile URLs with the same name are two people, never proposed as one.
    assert (
        _count(
            db_path,
            "select count(*) from match_proposal mp "
            "join identity a on a.person_id=mp.person_id and a.kind='linkedin' "
            "join identity b on b.person_id=mp.candidate_id and b.kind='linkedin'",
        )
        == 0
    )


def test_reimport_changes_nothing(store, samples, db_path):
    for folder, member in (("export-2022-09", "blake"), ("export-2024-12", "lane")):
        import_linkedin(store, samples / folder, member)
    before = table_snapshot(db_path)
    for folder, member in (("export-2022-09", "blake"), ("export-2024-12", "lane")):
        summary = import_linkedin(store, samples / folder, member)
        assert summary.unchanged
        assert set(summary.added.values()) == {0}
    assert table_snapshot(db_path) == before


def test_zip_of_a_real_export(store, samples, tmp_path):
    folder = samples / "export-2022-09"
    files = {p.name: p.read_bytes() for p in folder.iterdir()}
    archive = write_zip(tmp_path / "Complete_LinkedInDataExport_09-12-2022.zip", files)
    summary = import_linkedin(store, archive, "blake")
    assert summary.export_date == dt.date(2022, 9, 12)
    assert summary.added["interaction"] == 81
    # The unpacked folder is the same data: nothing new.
    copy = tmp_path / "unpacked"
    shutil.copytree(folder, copy)
    assert import_linkedin(store, copy, "blake").unchanged
