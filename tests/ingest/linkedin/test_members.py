"""Several members in one database: one member's contacts become another's second degree."""

import sqlite3

import pytest

from tests.support import (
    INVITATIONS_2024,
    connections,
    csv_text,
    profile,
    reader_of,
    set_sharing,
    url,
    viewer_of,
    write_files,
)
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.service.people import list_people
from weakties.store.errors import InputError

POSITIONS = ["Company Name", "Title", "Description", "Location", "Started On", "Finished On"]


def alice(tmp_path):
    return write_files(
        tmp_path / "alice",
        {
            "Profile.csv": profile("Alice", "Martin"),
            "Connections.csv": connections(
                [
                    ["Bob", "Stone", url("bob-stone"), "", "Globex", "CTO", "01 Jan 2023"],
                    ["Cy", "Tran", url("cy-tran"), "", "Initech", "Analyst", "01 Feb 2023"],
                ]
            ),
            "Invitations.csv": csv_text(
                INVITATIONS_2024,
                [
                    [
                        "Alice Martin",
                        "Bob Stone",
                        "1/1/23, 9:00 AM",
                        "",
                        "OUTGOING",
                        url("alice-m"),
                        url("bob-stone"),
                    ]
                ],
            ),
        },
    )


def bob(tmp_path, *, with_urls=True):
    files = {
        "Profile.csv": profile("Bob", "Stone"),
        "Positions.csv": csv_text(POSITIONS, [["Globex", "CTO", "", "", "Jan 2020", ""]]),
        "Connections.csv": connections(
            [
                ["Alice", "Martin", url("alice-m"), "", "", "", "01 Jan 2023"],
                ["Dan", "Ueda", url("dan-ueda"), "", "Acme", "VP Sales", "01 Mar 2023"],
                ["Eva", "Vidal", url("eva-vidal"), "", "Acme", "Engineer", "01 Apr 2023"],
                ["Cy", "Tran", url("cy-tran"), "", "Initech", "Analyst", "01 May 2023"],
            ]
        ),
    }
    if with_urls:
        files["Invitations.csv"] = csv_text(
            INVITATIONS_2024,
            [
                [
                    "Dan Ueda",
                    "Bob Stone",
                    "3/1/23, 9:00 AM",
                    "",
                    "INCOMING",
                    url("dan-ueda"),
                    url("bob-stone"),
                ]
            ],
        )
    return write_files(tmp_path / "bob", files)


def test_second_member_contacts_are_first_members_second_degree(store, tmp_path, db_path):
    import_linkedin(store, alice(tmp_path), "alice")
    import_linkedin(store, bob(tmp_path), "bob")
    with sqlite3.connect(db_path) as conn:
        # Bob the member is the same person as Bob, Alice's contact
        assert (
            conn.execute("select count(*) from person where name_key='bob stone'").fetchone()[0]
            == 1
        )
    with store.engine.connect() as conn:
        me = viewer_of(conn, "alice")
        people = {p.name: p.degree for p in list_people(conn, me)}
        assert people == {"Bob Stone": 1, "Cy Tran": 1, "Dan Ueda": 2, "Eva Vidal": 2}
        assert [p.name for p in list_people(conn, me, org="ACME")] == ["Dan Ueda", "Eva Vidal"]


def test_member_matched_by_name_and_employer_without_urls(store, tmp_path, db_path):
    import_linkedin(store, alice(tmp_path), "alice")
    import_linkedin(store, bob(tmp_path, with_urls=False), "bob")  # Profile + Positions only
    with sqlite3.connect(db_path) as conn:
        assert (
            conn.execute("select count(*) from person where name_key='bob stone'").fetchone()[0]
            == 1
        )
    with store.engine.connect() as conn:
        named, _ = reader_of(conn, "alice").degrees()
    assert sorted(named.values()) == [1, 1, 2, 2]


def test_name_only_match_is_proposed_not_applied(store, tmp_path, db_path):
    import_linkedin(store, alice(tmp_path), "alice")
    # Another "Cy Tran", with no URL and another employer, in a third member's data
    other = write_files(
        tmp_path / "carol",
        {
            "Connections.csv": connections(
                [["Cy", "Tran", "", "Hooli", "PM", "01 Jan 2024"]], version="2018"
            )
        },
    )
    import_linkedin(store, other, "carol")
    with sqlite3.connect(db_path) as conn:
        assert (
            conn.execute("select count(*) from person where name_key='cy tran'").fetchone()[0] == 2
        )
        reasons = [r[0] for r in conn.execute("select reason from match_proposal")]
    assert reasons == ["same name 'Cy Tran'"]


@pytest.mark.parametrize(
    ("level", "named", "counted"), [("names", 2, 0), ("counts", 0, 2), ("nothing", 0, 0)]
)
def test_sharing_levels(store, tmp_path, level, named, counted):
    import_linkedin(store, alice(tmp_path), "alice")
    import_linkedin(store, bob(tmp_path), "bob")
    with store.engine.begin() as conn:
        set_sharing(conn, "bob", level)
    with store.engine.connect() as conn:
        names, count = reader_of(conn, "alice").degrees()
    assert sum(1 for d in names.values() if d == 2) == named
    assert count == counted


def test_importing_someone_elses_export_under_a_second_name_is_refused(store, tmp_path):
    import_linkedin(store, alice(tmp_path), "alice")
    with pytest.raises(InputError, match="already a member"):
        import_linkedin(store, alice(tmp_path), "alice2")
