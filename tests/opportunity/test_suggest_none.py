"""People you may know with nobody to suggest: the command says why, in text and
in --json — no connection yet, no second degree known (one's own export), everyone
already a contact, nobody beyond the contacts linked through them."""

import datetime as dt
import json

import pytest
from sqlalchemy import insert
from typer.testing import CliRunner

from tests.support import connections, profile, url, write_files
from weakties.cli.main import app
from weakties.errors import NotFoundError
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.model.tables import Person, Tie
from weakties.service import transaction, viewer
from weakties.service.context import reader
from weakties.service.opportunities import suggestions
from weakties.store.engine import open_store

runner = CliRunner()
MINE = [
    ["Ann", "Lee", url("ann"), "", "Acme", "CTO", "01 Jan 2020"],
    ["Bob", "Stone", url("bob"), "", "Initech", "Engineer", "01 Jan 2021"],
]


@pytest.fixture
def world(tmp_path):
    """One export of two connections, and a way to add ties the member asserts."""
    db = tmp_path / "w.sqlite"
    folder = write_files(
        tmp_path / "me",
        {"Profile.csv": profile("Yan", "Member"), "Connections.csv": connections(MINE)},
    )
    store = open_store(db)
    import_linkedin(store, folder, "me", export_date=dt.date(2024, 6, 1))

    def tie(a: str, b: str) -> None:
        with store.engine.begin() as conn:
            me = viewer(conn, "me")
            r = reader(conn, me)
            ids = []
            for name in (a, b):
                try:
                    ids.append(r.find_person(url(name.lower())))
                except NotFoundError:
                    ids.append(
                        conn.execute(
                            insert(Person).values(display_name=name, name_key=name.lower())
                        ).inserted_primary_key[0]
                    )
            x, y = sorted(ids)
            conn.execute(
                insert(Tie).values(
                    person_a_id=x, person_b_id=y, source="manual", asserted_by=me.member_id
                )
            )

    def why(method: str = "katz") -> tuple[list, str | None]:
        with transaction(store) as conn:
            found = suggestions(conn, viewer(conn, "me"), method=method)
        return found.suggestions, found.none_because

    yield db, tie, why
    store.close()


def cli(db, *args):
    return runner.invoke(app, ["--db", str(db), "suggest", "--as", "me", *args])


def test_one_export_no_second_degree_in_text_and_json(world):
    db, _tie, why = world
    rows, because = why()
    assert rows == [] and because.startswith("no second degree is known")
    assert "weakties import linkedin THEIR_EXPORT" in because and "weakties ties infer" in because
    text = cli(db, "--method", "katz")
    assert text.exit_code == 0, text.output
    assert "Nobody to suggest: no second degree is known" in " ".join(text.output.split())
    out = cli(db, "--json")
    assert out.exit_code == 0, out.output
    found = json.loads(out.stdout)
    assert found["suggestions"] == [] and found["none_because"] == because
    assert found["method"] == "katz"  # the history is too short for the ranker


def test_everyone_already_a_contact(world):
    _db, tie, why = world
    tie("Ann", "Bob")  # the contacts know each other, and nobody else
    assert why() == ([], "everyone you may see is already one of your contacts (2 people)")


def test_nobody_beyond_the_contacts_is_linked_through_them(world):
    _db, tie, why = world
    tie("Cy Roe", "Dee Vo")  # two people the member knows of, tied to nobody of theirs
    rows, because = why()
    assert rows == [] and because.startswith("none of the 2 people beyond your contacts")


def test_a_suggestion_has_no_reason_for_none(world):
    db, tie, why = world
    tie("Ann", "Zed Roe")
    rows, because = why()
    assert [r.name for r in rows] == ["Zed Roe"] and because is None
    found = json.loads(cli(db, "--json", "--method", "katz").stdout)
    assert [r["name"] for r in found["suggestions"]] == ["Zed Roe"]
    assert found["none_because"] is None
    # the text says which method ranked: Katz's index without a fit (auto), or the one asked
    said = " ".join(cli(db).stdout.split())
    assert "People you may know, ranked by Katz's index" in said
    said = " ".join(cli(db, "--method", "cn").stdout.split())
    assert "People you may know, ranked by common neighbours" in said
    everyone = json.loads(cli(db, "--all", "--json").stdout)
    assert everyone["method"] == "katz"
    assert "Zed Roe" in everyone["suggestions"]["Yan Member"]


def test_no_connection_yet(tmp_path):
    store = open_store(tmp_path / "alone.sqlite")
    try:
        folder = write_files(tmp_path / "alone", {"Profile.csv": profile("Al", "One")})
        import_linkedin(store, folder, "al", export_date=dt.date(2024, 6, 1))
        with transaction(store) as conn:
            found = suggestions(conn, viewer(conn, "al"), method="cn")
    finally:
        store.close()
    assert found.suggestions == [] and found.none_because.startswith("you have no connection yet")
