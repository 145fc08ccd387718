"""A newer export is a diff: events for new and lost connections, career moves and
new contact details; an older one is history, with no events; the same export
again changes nothing."""

import datetime as dt
import sqlite3

import pytest

from tests.support import (
    CONNECTIONS_2018,
    PREAMBLE,
    connections,
    csv_text,
    reader_of,
    table_snapshot,
    url,
    write_files,
)
from weakties.ingest.linkedin.importer import import_linkedin

OLD = [
    ["Ann", "Lee", url("ann"), "", "Acme", "CTO", "01 Jan 2020"],
    ["Bob", "Stone", url("bob"), "", "Globex", "Engineer", "01 Jan 2020"],
    ["Cy", "Tran", url("cy"), "", "Initech", "Analyst", "01 Jan 2020"],
    ["Dee", "Vo", url("dee"), "", "Umbrella", "Chemist", "01 Jan 2020"],
    ["Eve", "Wu", url("eve"), "", "", "", "01 Jan 2020"],
    ["Fay", "Xu", url("fay"), "", "Hooli", "PM", "01 Jan 2020"],
]
NEW = [
    ["Ann", "Lee", url("ann"), "", "Globex Corporation", "CTO", "01 Jan 2020"],  # moved
    ["Bob", "Stone", url("bob"), "", "Globex", "Senior Engineer", "01 Jan 2020"],  # title
    ["Cy", "Tran", url("cy"), "", "", "", "01 Jan 2020"],  # left, nothing new
    ["Dee", "Vo", url("dee"), "dee@vo.io", "Umbrella", "Chemist", "01 Jan 2020"],  # e-mail
    ["Eve", "Wu", url("eve"), "", "Stark", "Founder", "01 Jan 2020"],  # started a job
    # Fay is gone
    ["Gus", "Yi", url("gus"), "", "Acme", "CFO", "03 Mar 2024"],  # new connection
]


def _import(store, tmp_path, rows, date):
    folder = write_files(
        tmp_path / f"Complete_LinkedInDataExport_{date}", {"Connections.csv": connections(rows)}
    )
    return import_linkedin(store, folder, "me")


def test_newer_export_records_events(store, tmp_path):
    first = _import(store, tmp_path, OLD, "01-01-2024")
    assert first.added["event"] == 0  # the first import is the baseline
    second = _import(store, tmp_path, NEW, "06-01-2024")
    assert second.export_date == dt.date(2024, 6, 1)
    with store.engine.connect() as conn:
        events = reader_of(conn, "me").events()
    kinds = {(e["person"], e["kind"]) for e in events}
    assert kinds == {
        ("Ann Lee", "career_move"),
        ("Bob Stone", "title_change"),
        ("Cy Tran", "left_company"),
        ("Dee Vo", "contact_details_changed"),
        ("Eve Wu", "started_job"),
        ("Fay Xu", "connection_gone"),
        ("Gus Yi", "new_connection"),
    }
    move = next(e for e in events if e["kind"] == "career_move")
    before, after = move["detail"]["from"], move["detail"]["to"]
    assert (before["org"], before["title"]) == ("Acme", "CTO")
    assert (after["org"], after["title"]) == ("Globex", "CTO")  # the name first seen
    assert isinstance(after["org_id"], int) and after["org_id"] != before["org_id"]
    assert move["detail"]["between"] == ["2024-01-01", "2024-06-01"]
    assert move["text"] == "Ann Lee moved: CTO at Acme → CTO at Globex"
    # "Globex" and "Globex Corporation" are one organisation: Bob's change is a title only.
    assert next(e for e in events if e["kind"] == "title_change")["detail"]["to"]["org"] == "Globex"


def _changes(before, after):
    """Rows added and removed per table between two snapshots."""
    return {
        name: (set(after[name]) - set(before[name]), set(before[name]) - set(after[name]))
        for name in after
        if after[name] != before[name]
    }


def _rows(db_path, sql, *args):
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, args).fetchall()


def test_same_export_twice_and_an_older_one_change_nothing(store, tmp_path, db_path):
    _import(store, tmp_path, OLD, "01-01-2024")
    _import(store, tmp_path, NEW, "06-01-2024")
    snapshot = table_snapshot(db_path)
    assert _import(store, tmp_path, NEW, "06-01-2024").unchanged
    assert table_snapshot(db_path) == snapshot
    # An older export imported late is history, not news: no career event reverses
    # time, and Hal, whom no newer list names, is a connection of the past.
    older = [r[:] for r in OLD]
    older[0][5] = "Chief Technology Officer"
    older.append(["Hal", "Zed", url("hal"), "", "Vandelay", "Importer", "01 Jan 2019"])
    summary = _import(store, tmp_path, older, "06-01-2023")
    assert summary.added["event"] == 0
    after = table_snapshot(db_path)
    changes = _changes(snapshot, after)
    # the import wrote, so the change counters moved (their one row is rewritten)
    assert "change_counter" in changes
    del changes["change_counter"]
    assert all(not removed for _, removed in changes.values())
    assert set(changes) == {
        "import_run",
        "import_file",
        "person",  # Hal
        "identity",  # his profile URL
        "identity_statement",  # stated by the member's data
        "known_person",
        "organization",  # Vandelay
        "org_alias",
        "tie",  # his tie, already ended
        "position",  # his job, in the past
    }
    assert {len(added) for name, (added, _) in changes.items() if name != "org_alias"} == {1}
    hal = _rows(db_path, "select person_id from identity where value='hal'")[0][0]
    # Ended on the date of the first newer list, which does not name him.
    assert _rows(
        db_path, "select since, ended_at from tie where person_a_id=? or person_b_id=?", hal, hal
    ) == [("2019-01-01 00:00:00.000000", "2024-01-01 00:00:00.000000")]
    assert _rows(db_path, "select is_current, seen_on from position where person_id=?", hal) == [
        (0, "2023-06-01")
    ]
    # The same older export again changes nothing either.
    assert _import(store, tmp_path, older, "06-01-2023").unchanged
    assert table_snapshot(db_path) == after
    with store.engine.connect() as conn:
        events = reader_of(conn, "me").events()
    kinds = [e["kind"] for e in events]
    assert kinds.count("career_move") == 1 and kinds.count("title_change") == 1
    assert "Hal Zed" not in {e["person"] for e in events}


def test_next_export_after_an_older_one_sees_no_false_departures(store, tmp_path, db_path):
    _import(store, tmp_path, NEW, "06-01-2024")
    older = [*OLD, ["Hal", "Zed", url("hal"), "", "Vandelay", "Importer", "01 Jan 2019"]]
    _import(store, tmp_path, older, "01-01-2024")
    newer = [*NEW, ["Ivy", "Ng", url("ivy"), "", "Acme", "CEO", "01 Nov 2024"]]
    summary = _import(store, tmp_path, newer, "12-01-2024")
    with store.engine.connect() as conn:
        events = reader_of(conn, "me").events()
    # Fay and Hal (only in the older list) were already gone: only Ivy is news.
    assert summary.added["event"] == 1
    assert [(e["person"], e["kind"]) for e in events] == [("Ivy Ng", "new_connection")]
    # Their old jobs are past ones: what they do now is unknown.
    assert _rows(
        db_path,
        "select p.display_name, o.name, j.is_current from position j "
        "join person p on p.id=j.person_id join organization o on o.id=j.organization_id "
        "where p.display_name in ('Fay Xu', 'Hal Zed') order by 1",
    ) == [("Fay Xu", "Hooli", 0), ("Hal Zed", "Vandelay", 0)]


def test_reconnection_is_a_new_connection(store, tmp_path):
    _import(store, tmp_path, OLD, "01-01-2024")
    _import(store, tmp_path, OLD[:-1], "02-01-2024")
    _import(store, tmp_path, OLD, "03-01-2024")
    with store.engine.connect() as conn:
        events = [(e["person"], e["kind"]) for e in reader_of(conn, "me").events()]
    assert events.count(("Fay Xu", "connection_gone")) == 1
    assert events.count(("Fay Xu", "new_connection")) == 1


def _excel(header, rows):
    """A connections list re-saved by Excel: "Notes:,,," preamble, CRLF, dd-Mon-yy."""
    pad = "," * (len(header) - 1)
    preamble = f'Notes:{pad}\r\n"When exporting your connection data..."{pad}\r\n{pad}\r\n'
    return preamble + csv_text(header, rows, newline="\r\n")


def test_columns_lost_by_excel_are_never_compared(store, tmp_path, db_path):
    _import(store, tmp_path, OLD[:3], "01-01-2024")  # Ann CTO at Acme, Bob, Cy
    # Only Position survived: the employers are unknown, not gone.
    no_company = _excel(
        ["First Name", "Last Name", "URL", "Position", "Connected On"],
        [
            ["Ann", "Lee", url("ann"), "CTO", "1-Jan-20"],
            ["Bob", "Stone", url("bob"), "Senior Engineer", "1-Jan-20"],
            ["Cy", "Tran", url("cy"), "Analyst", "1-Jan-20"],
        ],
    )
    folder = tmp_path / "Complete_LinkedInDataExport_03-01-2024"
    assert (
        import_linkedin(store, write_files(folder, {"Connections.csv": no_company}), "me")
        .files[0]
        .version
        == "partial"
    )
    # Only Company survived: the titles are unknown, not emptied.
    no_position = _excel(
        ["First Name", "Last Name", "URL", "Company", "Connected On"],
        [
            ["Ann", "Lee", url("ann"), "Initech", "1-Jan-20"],
            ["Bob", "Stone", url("bob"), "Globex", "1-Jan-20"],
            ["Cy", "Tran", url("cy"), "Initech", "1-Jan-20"],
        ],
    )
    folder = tmp_path / "Complete_LinkedInDataExport_06-01-2024"
    import_linkedin(store, write_files(folder, {"Connections.csv": no_position}), "me")
    with store.engine.connect() as conn:
        events = reader_of(conn, "me").events()
    assert sorted((e["person"], e["kind"], e["date"]) for e in events) == [
        ("Ann Lee", "career_move", "2024-06-01"),
        ("Bob Stone", "title_change", "2024-03-01"),
    ]
    move = next(e for e in events if e["kind"] == "career_move")
    assert (move["detail"]["from"]["title"], move["detail"]["to"]["title"]) == ("CTO", None)
    # What each knows now: Bob keeps his employer and new title; Cy is unchanged.
    assert _rows(
        db_path,
        "select p.display_name, o.name, j.title from position j "
        "join person p on p.id=j.person_id join organization o on o.id=j.organization_id "
        "where j.is_current order by 1",
    ) == [
        ("Ann Lee", "Initech", None),
        ("Bob Stone", "Globex", "Senior Engineer"),
        ("Cy Tran", "Initech", "Analyst"),
    ]


def test_namesake_at_another_company_is_proposed_not_merged(store, tmp_path, db_path):
    # 2021 to mid-2023 lists: no profile URL, e-mail mostly empty; people are
    # matched by name only where the employers agree, or neither has one.
    def import_2021(rows, date):
        text = PREAMBLE + csv_text(CONNECTIONS_2018, rows)
        folder = tmp_path / f"Complete_LinkedInDataExport_{date}"
        return import_linkedin(store, write_files(folder, {"Connections.csv": text}), "me")

    import_2021(
        [
            ["John", "Smith", "", "Acme", "Engineer", "17 Jun 2021"],
            ["Mia", "Roy", "", "", "", "18 Jun 2021"],
            ["Ned", "Poe", "", "Acme", "Developer", "19 Jun 2021"],
        ],
        "01-10-2022",
    )
    import_2021(
        [
            ["John", "Smith", "", "Globex", "Engineer", "20 Jun 2022"],  # another John Smith
            ["Mia", "Roy", "", "", "", "18 Jun 2021"],  # no employer either side: Mia
            ["Ned", "Poe", "", "Acme", "Lead Developer", "19 Jun 2021"],  # same employer: Ned
        ],
        "06-10-2022",
    )
    assert _rows(db_path, "select count(*) from person where name_key='john smith'") == [(2,)]
    assert _rows(
        db_path, "select count(*) from person where name_key in ('mia roy', 'ned poe')"
    ) == [(2,)]
    # The two John Smiths are left to the user to decide.
    assert _rows(db_path, "select reason, status from match_proposal") == [
        ("same name 'John Smith'", "open")
    ]
    with store.engine.connect() as conn:
        events = reader_of(conn, "me").events()
    assert sorted((e["person"], e["kind"]) for e in events) == [
        ("John Smith", "connection_gone"),
        ("John Smith", "new_connection"),
        ("Ned Poe", "title_change"),
    ]


def test_a_renamed_export_with_a_guessed_earlier_date_is_refused(store, tmp_path):
    from tests.support import connections, url, write_files
    from weakties.ingest.linkedin.importer import import_linkedin
    from weakties.store.errors import InputError

    old = [["Ann", "Lee", url("ann"), "", "Acme", "CTO", "01 Jan 2020"]]
    named = write_files(
        tmp_path / "Basic_LinkedInDataExport_06-01-2024",
        {"Connections.csv": connections(old)},
    )
    import_linkedin(store, named, "me")
    # a newer export unpacked into a folder without a date: its newest connection
    # (2021) would make it look older than the first one, and its changes lost
    newer = [["Ann", "Lee", url("ann"), "", "Globex", "CTO", "01 Jan 2020"]]
    newer.append(["Bob", "Stone", url("bob"), "", "Initech", "Dev", "03 Mar 2021"])
    renamed = write_files(tmp_path / "export", {"Connections.csv": connections(newer)})
    with pytest.raises(InputError, match="--export-date"):
        import_linkedin(store, renamed, "me")
    done = import_linkedin(store, renamed, "me", export_date=dt.date(2024, 9, 1))
    assert done.export_date == dt.date(2024, 9, 1) and not done.unchanged


def test_the_members_own_positions_follow_their_latest_list(store, tmp_path, db_path):
    from tests.support import POSITIONS, connections, csv_text, profile, url, write_files

    def export(date, jobs):
        files = {
            "Profile.csv": profile("Me", "Myself"),
            "Positions.csv": csv_text(POSITIONS, jobs),
            "Connections.csv": connections(
                [["Ann", "Lee", url("ann"), "", "Acme", "CTO", "01 Jan 2020"]]
            ),
        }
        return write_files(tmp_path / f"Basic_LinkedInDataExport_{date}", files)

    def mine():
        with sqlite3.connect(db_path) as conn:
            return sorted(
                conn.execute(
                    "select o.name, p.title, p.is_current from position p "
                    "join organization o on o.id = p.organization_id "
                    "join member m on m.person_id = p.person_id where p.kind = 'job'"
                ).fetchall()
            )

    first = [
        ["Acme", "Engineer", "", "", "Jan 2019", "Dec 2021"],
        ["Globex", "Dev", "", "", "Jan 2022", ""],
    ]
    import_linkedin(store, export("01-01-2024", first), "me")
    # a title edited, a wrong early job deleted
    new = [["Globex", "Senior Dev", "", "", "Jan 2022", ""]]
    import_linkedin(store, export("06-01-2024", new), "me")
    assert mine() == [("Globex", "Senior Dev", 1)]  # one current job, the new title
    # an older export found late (when Acme was the current job): history, it
    # adds the past job and takes nothing away from the present
    older = [["Acme", "Engineer", "", "", "Jan 2019", ""]]
    assert not import_linkedin(store, export("06-01-2021", older), "me").unchanged
    assert ("Globex", "Senior Dev", 1) in mine()
    assert [row for row in mine() if row[2]] == [("Globex", "Senior Dev", 1)]
