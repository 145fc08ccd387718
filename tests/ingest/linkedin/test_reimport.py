"""A newer export is a diff: events for new and lost connections, career moves and
new contact details; the same export again changes nothing."""

import datetime as dt

from tests.support import connections, table_snapshot, url, write_files
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.store.events import list_events
from weakties.store.visibility import resolve_viewer

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
        events = list_events(conn, resolve_viewer(conn, "me"))
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


def test_same_export_twice_and_an_older_one_change_nothing(store, tmp_path, db_path):
    _import(store, tmp_path, OLD, "01-01-2024")
    _import(store, tmp_path, NEW, "06-01-2024")
    snapshot = table_snapshot(db_path)
    assert _import(store, tmp_path, NEW, "06-01-2024").unchanged
    assert table_snapshot(db_path) == snapshot
    # An older export imported late is history, not news: no career event reverses time.
    older = [r[:] for r in OLD]
    older[0][5] = "Chief Technology Officer"
    _import(store, tmp_path, older, "06-01-2023")
    with store.engine.connect() as conn:
        kinds = [e["kind"] for e in list_events(conn, resolve_viewer(conn, "me"))]
    assert kinds.count("career_move") == 1 and kinds.count("title_change") == 1


def test_reconnection_is_a_new_connection(store, tmp_path):
    _import(store, tmp_path, OLD, "01-01-2024")
    _import(store, tmp_path, OLD[:-1], "02-01-2024")
    _import(store, tmp_path, OLD, "03-01-2024")
    with store.engine.connect() as conn:
        events = [(e["person"], e["kind"]) for e in list_events(conn, resolve_viewer(conn, "me"))]
    assert events.count(("Fay Xu", "connection_gone")) == 1
    assert events.count(("Fay Xu", "new_connection")) == 1
