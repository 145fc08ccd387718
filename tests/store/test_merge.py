"""Merging two person records on the user's word."""

import pytest
from sqlalchemy import text

from tests.support import (
    MESSAGES_2021,
    connections,
    csv_text,
    profile,
    reader_of,
    url,
    viewer_of,
    write_files,
)
from weakties.errors import InputError
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.service.admin import matches
from weakties.store.merge import merge_persons, reject_proposal


def list_proposals(conn, status="open"):
    if status == "open":
        return matches(conn, viewer_of(conn, "me"))
    return reader_of(conn, "me").proposals(status=status)


def rows(store, sql):
    with store.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql))]


@pytest.fixture
def two_records(store, tmp_path):
    """'Cy Tran' known to me by URL, and to you by name and another employer."""
    me = write_files(
        tmp_path / "me",
        {
            "Profile.csv": profile("Me", "Myself"),
            "Connections.csv": connections(
                [["Cy", "Tran", url("cy"), "", "Initech", "Ops", "01 Jan 2024"]]
            ),
            "messages.csv": csv_text(
                MESSAGES_2021,
                [
                    [
                        "c",
                        "",
                        "Cy Tran",
                        url("cy"),
                        "Me Myself",
                        "2024-02-01 10:00:00 UTC",
                        "",
                        "hi",
                        "INBOX",
                    ]
                ],
            ),
        },
    )
    you = write_files(
        tmp_path / "you",
        {
            "Profile.csv": profile("You", "Yourself"),
            "Connections.csv": connections(
                [["Cy", "Tran", "", "Hooli", "PM", "01 Mar 2024"]], version="2018"
            ),
        },
    )
    import_linkedin(store, me, "me")
    import_linkedin(store, you, "you")
    with store.engine.connect() as conn:
        return list_proposals(conn)


def test_accepting_a_proposal_merges_everything(store, two_records):
    (proposal,) = two_records
    assert proposal.reason == "same name 'Cy Tran'"
    with store.engine.begin() as conn:
        merge_persons(conn, proposal.a.id, proposal.b.id)
    assert rows(store, "select count(*) from person where name_key='cy tran'") == [(1,)]
    cy = rows(store, "select id from person where name_key='cy tran'")[0][0]
    assert rows(store, f"select count(*) from tie where person_a_id={cy} or person_b_id={cy}") == [
        (2,)
    ]  # one connection each from me and you
    assert rows(store, f"select count(*) from interaction where sender_id={cy}") == [(1,)]
    assert rows(store, f"select value from identity where person_id={cy}") == [("cy",)]
    assert rows(store, "select count(*) from match_proposal") == [(0,)]
    with store.engine.connect() as conn:
        assert list_proposals(conn) == []


def test_rejecting_keeps_them_apart(store, two_records):
    (proposal,) = two_records
    with store.engine.begin() as conn:
        reject_proposal(conn, proposal.id)
        assert list_proposals(conn) == []
        assert len(list_proposals(conn, status="rejected")) == 1
    assert rows(store, "select count(*) from person where name_key='cy tran'") == [(2,)]


def test_two_members_are_never_merged(store, two_records):
    me, you = (r[0] for r in rows(store, "select person_id from member order by id"))
    with store.engine.begin() as conn, pytest.raises(InputError, match="two members"):
        merge_persons(conn, me, you)
