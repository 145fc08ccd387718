"""Finding people as a viewer: by id, URL, e-mail, handle or name; ambiguity is an error."""

import pytest

from tests.support import connections, set_sharing, url, viewer_of, write_files
from weakties.errors import AmbiguousError, NotFoundError
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.service.people import find_person, list_people, person

ROWS = [
    ["Ann", "Lee", url("ann-lee"), "ann@lee.io", "Acme", "CTO", "01 Jan 2024"],
    ["Ann", "Leeds", url("ann-leeds"), "", "Globex", "Dev", "02 Jan 2024"],
    ["Bob", "Stone", url("bob"), "", "Globex", "Ops", "03 Jan 2024"],
]


@pytest.fixture
def conn(store, tmp_path):
    import_linkedin(store, write_files(tmp_path, {"Connections.csv": connections(ROWS)}), "me")
    with store.engine.connect() as connection:
        yield connection


def test_find_person_every_way(conn):
    me = viewer_of(conn, "me")
    ann = find_person(conn, me, "https://www.linkedin.com/in/ann-lee/")
    assert find_person(conn, me, f"#{ann}") == ann
    assert find_person(conn, me, "ANN@lee.io") == ann
    assert find_person(conn, me, "ann lee") == ann  # exact name wins over "Ann Leeds"
    assert find_person(conn, me, "stone") == find_person(conn, me, "Bob Stone")
    with pytest.raises(AmbiguousError) as err:
        find_person(conn, me, "Ann")
    assert len(err.value.candidates) == 2
    with pytest.raises(NotFoundError):
        find_person(conn, me, "Nobody")
    with pytest.raises(NotFoundError):
        find_person(conn, me, "#999")


def test_person_record_and_listing(conn):
    me = viewer_of(conn, "me")
    record = person(conn, me, "Bob Stone")
    assert record.degree == 1
    assert [(p.org, p.title, p.source) for p in record.positions] == [("Globex", "Ops", "observed")]
    assert [(t.with_, t.source) for t in record.ties] == [("me", "connection")]
    listed = list_people(conn, me, org="globex")
    assert [p.name for p in listed] == ["Ann Leeds", "Bob Stone"]
    assert list_people(conn, me, limit=1)[0].name == "Ann Lee"


def test_a_limited_listing_is_the_start_of_the_whole_one(conn):
    """``people --limit`` reads only the shown people's jobs and e-mails: the rows
    are those of the whole listing, in its order."""
    me = viewer_of(conn, "me")
    whole = list_people(conn, me)
    assert len(whole) == 3 and all(p.company for p in whole) and whole[0].emails
    for k in range(1, len(whole) + 2):
        assert list_people(conn, me, limit=k) == whole[:k]
    assert list_people(conn, me, org="globex", limit=1) == list_people(conn, me, org="globex")[:1]


def _export(store, tmp_path, member, rows, date):
    folder = write_files(
        tmp_path / f"{member}-{date}" / f"Complete_LinkedInDataExport_{date}",
        {"Connections.csv": connections(rows)},
    )
    import_linkedin(store, folder, member)


def test_person_record_shows_other_members_events_as_the_feed_does(store, tmp_path):
    cy = ["Cy", "Tran", url("cy"), "", "Initech", "Analyst", "01 Jan 2020"]
    dee = ["Dee", "Vo", url("dee"), "", "Hooli", "PM", "01 Jan 2020"]
    _export(store, tmp_path, "alice", [cy, dee], "01-01-2024")
    _export(store, tmp_path, "bob", [cy, dee], "01-01-2024")
    # In Bob's newer export Cy moved and has a new e-mail address; Dee is gone.
    _export(
        store,
        tmp_path,
        "bob",
        [["Cy", "Tran", url("cy"), "cy@hooli.io", "Hooli", "Analyst", "01 Jan 2020"]],
        "06-01-2024",
    )

    def kinds(viewer_handle, query):
        with store.engine.connect() as conn:
            viewer = viewer_of(conn, viewer_handle)
            record = person(conn, viewer, query)
        return sorted(e.kind for e in record.events)

    assert kinds("bob", "Cy Tran") == ["career_move", "contact_details_changed"]
    assert kinds("bob", "Dee Vo") == ["connection_gone"]
    with store.engine.begin() as conn:
        set_sharing(conn, "bob", "nothing")
    assert kinds("alice", "Cy Tran") == []
    assert kinds("alice", "Dee Vo") == []
    with store.engine.begin() as conn:
        set_sharing(conn, "bob", "names")
    # Bob's career news is shared; his own network and Cy's addresses are not.
    assert kinds("alice", "Cy Tran") == ["career_move"]
    assert kinds("alice", "Dee Vo") == []


def test_person_record_lists_every_one_of_the_viewers_own_events(store, tmp_path):
    ann = ["Ann", "Lee", url("ann"), "", "", "", "01 Jan 2020"]
    fay = ["Fay", "Xu", url("fay"), "", "", "", "01 Jan 2020"]
    back = ["Fay", "Xu", url("fay"), "", "", "", "15 Feb 2024"]
    for date, rows in (
        ("01-01-2024", [ann, fay]),
        ("02-01-2024", [ann]),
        ("03-01-2024", [ann, back]),
        ("04-01-2024", [ann]),
    ):
        _export(store, tmp_path, "me", rows, date)
    with store.engine.connect() as conn:
        me = viewer_of(conn, "me")
        record = person(conn, me, "Fay Xu")
    assert [(e.date, e.kind) for e in record.events] == [
        ("2024-04-01", "connection_gone"),
        ("2024-02-15", "new_connection"),
        ("2024-02-01", "connection_gone"),
    ]


def test_person_record_shows_only_the_ties_the_viewer_may_see(store, tmp_path):
    cy = ["Cy", "Tran", url("cy"), "", "Initech", "Analyst", "01 Jan 2020"]
    dee = ["Dee", "Vo", url("dee"), "", "Hooli", "PM", "01 Jan 2020"]
    _export(store, tmp_path, "alice", [cy], "01-01-2024")
    _export(store, tmp_path, "bob", [cy, dee], "01-01-2024")

    def ties_of(viewer_handle, query):
        with store.engine.connect() as conn:
            viewer = viewer_of(conn, viewer_handle)
            record = person(conn, viewer, query)
        return sorted((t.asserted_by, t.source) for t in record.ties)

    assert ("bob", "connection") in ties_of("alice", "Cy Tran")
    with store.engine.begin() as conn:
        set_sharing(conn, "bob", "nothing")
    # Bob shares nothing: his connection to Cy is not alice's to see
    assert ("bob", "connection") not in ties_of("alice", "Cy Tran")
    assert ("alice", "connection") in ties_of("alice", "Cy Tran")
