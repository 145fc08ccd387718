"""Finding people as a viewer: by id, URL, e-mail, handle or name; ambiguity is an error."""

import pytest

from tests.support import connections, url, write_files
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.store.errors import AmbiguousError, NotFoundError
from weakties.store.people import find_person, list_people, person_record
from weakties.store.visibility import resolve_viewer

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
    me = resolve_viewer(conn, "me")
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
    me = resolve_viewer(conn, "me")
    record = person_record(conn, me, find_person(conn, me, "Bob Stone"))
    assert record["degree"] == 1
    assert [(p["org"], p["title"], p["source"]) for p in record["positions"]] == [
        ("Globex", "Ops", "observed")
    ]
    assert [(t["with"], t["source"]) for t in record["ties"]] == [("me", "connection")]
    listed = list_people(conn, me, org="globex")
    assert [p["name"] for p in listed] == ["Ann Leeds", "Bob Stone"]
    assert list_people(conn, me, limit=1)[0]["name"] == "Ann Lee"
