"""The person brief on three pooled exports whose answers are worked out by hand.

Yan (the viewer) prepares a call with Pia. Both worked at Acme (Yan from January
2018 to June 2022, Pia from January 2020 to March 2023: 2.4 years together) and
studied at the Sorbonne; they wrote on 10 March and 1 May 2024 (twice). Bob and
Max are contacts of both: Bob is not a member, so his tie with Pia is scored from
Pia's data, which she shares by name; Max is a member who shares nothing, so his
tie with Pia stays his own.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import insert, select

from tests.support import (
    MESSAGES_2024,
    POSITIONS,
    connections,
    csv_text,
    profile,
    set_sharing,
    url,
    write_files,
)
from weakties import service
from weakties.errors import NotFoundError
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.model.tables import Event, Member, Person
from weakties.service import people
from weakties.service.brief import person_brief
from weakties.store.engine import open_store

YAN = ("Yan Viewer", "yan-v")
PIA = ("Pia Member", "pia-m")
BOB = ("Bob Both", "bob-both")
MAX = ("Max Quiet", "max-quiet")
ZED = ("Zed Hidden", "zed-hidden")
EDUCATION = ["School Name", "Start Date", "End Date", "Notes", "Degree Name", "Activities"]


def _message(conversation, sender, to, when):
    return [
        conversation,
        "",
        sender[0],
        url(sender[1]),
        to[0],
        url(to[1]),
        f"{when} 10:00:00 UTC",
        "",
        "",
        "INBOX",
        "No",
        "No",
    ]


def _export(tmp, who, first, last, contacts, messages, jobs):
    return write_files(
        tmp / who / "Complete_LinkedInDataExport_06-01-2024",
        {
            "Profile.csv": profile(first, last),
            "Connections.csv": connections(
                [[*n[0].split(" "), url(n[1]), "", org, "", "01 Jan 2021"] for n, org in contacts]
            ),
            "messages.csv": csv_text(MESSAGES_2024, messages),
            "Positions.csv": csv_text(POSITIONS, jobs),
            "Education.csv": csv_text(EDUCATION, [["Sorbonne", "2010", "2013", "", "MSc", ""]]),
        },
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("brief")
    yan = _export(
        tmp,
        "yan",
        "Yan",
        "Viewer",
        [(PIA, "Acme"), (BOB, "Initech"), (MAX, "Hooli")],
        [
            _message("p1", YAN, PIA, "2024-03-10"),
            _message("p2", YAN, PIA, "2024-05-01"),
            _message("p2", PIA, YAN, "2024-05-01"),
            _message("b1", YAN, BOB, "2024-04-01"),
            _message("m1", YAN, MAX, "2024-04-02"),
        ],
        [["Acme", "Engineer", "", "", "Jan 2018", "Jun 2022"]],
    )
    pia = _export(
        tmp,
        "pia",
        "Pia",
        "Member",
        [(YAN, "Acme"), (BOB, "Initech"), (MAX, "Hooli")],
        [_message("q1", PIA, BOB, "2024-02-02"), _message("q1", BOB, PIA, "2024-02-03")],
        [
            ["Globex", "Director", "", "", "Apr 2023", ""],
            ["Acme", "Analyst", "", "", "Jan 2020", "Mar 2023"],
        ],
    )
    quiet = _export(
        tmp,
        "max",
        "Max",
        "Quiet",
        [(PIA, "Acme"), (YAN, "Acme"), (ZED, "Umbra")],
        [_message("z1", MAX, PIA, "2023-09-09"), _message("z2", MAX, ZED, "2023-09-10")],
        [],
    )
    store = open_store(tmp / "brief.sqlite")
    for folder, handle in ((yan, "yan"), (pia, "pia"), (quiet, "max")):
        import_linkedin(store, [folder], handle)
    with store.engine.begin() as conn:
        set_sharing(conn, "pia", "names")
        set_sharing(conn, "max", "nothing")
        who = service.viewer(conn, "yan")
        people.add_note(conn, who, PIA[0], "Pia prefers calls after 4 pm")
        ids = dict(conn.execute(select(Person.display_name, Person.id)).all())
        member = conn.execute(select(Member.id).where(Member.handle == "yan")).scalar()
        conn.execute(
            insert(Event).values(
                member_id=member,
                person_id=ids[PIA[0]],
                kind="career_move",
                occurred_on=dt.date(2024, 4, 1),
                detail=json.dumps(
                    {"from": {"org": "Acme"}, "to": {"org": "Globex", "title": "Director"}}
                ),
            )
        )
    yield store, ids
    store.close()


@pytest.fixture(scope="module")
def brief(world):
    store, _ = world
    with store.engine.connect() as conn:
        return person_brief(conn, service.viewer(conn, "yan"), "pia")


def test_shared_places_with_their_overlap(brief):
    (acme,) = brief.employers
    assert (acme.org, acme.yours, acme.theirs) == ("Acme", "2018–2022", "2020–2023")
    # 1 January 2020 to 1 June 2022: 882 days
    assert acme.overlap_years == pytest.approx(882 / 365.25, abs=0.05)
    assert [s.org for s in brief.schools] == ["Sorbonne"]
    assert brief.name == PIA[0] and brief.handle == "pia"


def test_conversations_notes_and_events(brief):
    talks = brief.conversations
    assert [(d.date.isoformat(), d.exchanges) for d in talks.days] == [
        ("2024-05-01", 2),
        ("2024-03-10", 1),
    ]
    assert talks.total == 3 and talks.first == dt.date(2024, 3, 10)
    assert [n.text for n in brief.notes] == ["Pia prefers calls after 4 pm"]
    assert [(e.kind, e.org) for e in brief.events] == [("career_move", "Globex")]
    assert brief.tie in ("strong", "weak") and brief.days_since_contact == pytest.approx(31.6, 0.1)


def test_mutual_contacts_with_each_side_as_far_as_it_is_shared(brief):
    by_name = {m.name: m for m in brief.mutual}
    assert set(by_name) == {BOB[0], MAX[0]} and brief.mutual_total == 2
    bob, quiet = by_name[BOB[0]], by_name[MAX[0]]
    # Bob's tie with Pia: two messages in Pia's data, which she shares
    assert bob.shared and bob.their_tie in ("strong", "weak") and bob.their_score > 0
    assert bob.your_tie is not None
    # Max shares nothing: his side of the triangle is not shown
    assert not quiet.shared and quiet.their_tie is None and quiet.their_score is None
    assert quiet.your_tie is not None


def test_only_what_the_viewer_may_see(world, brief):
    store, ids = world
    text = json.dumps(service.to_json(brief))
    # Zed is known only from Max's data; Max's message to Pia is his too
    assert ZED[0] not in text and "2023-09-09" not in text
    with store.engine.connect() as conn:
        # Pia's own brief about Yan holds none of Yan's notes
        theirs = person_brief(conn, service.viewer(conn, "pia"), "yan")
        assert theirs.notes == [] and "4 pm" not in json.dumps(service.to_json(theirs))
        with pytest.raises(NotFoundError):
            person_brief(conn, service.viewer(conn, "yan"), "yan")
        with pytest.raises(NotFoundError):
            person_brief(conn, service.viewer(conn, "yan"), person_id=ids[ZED[0]])
        with pytest.raises(NotFoundError):
            person_brief(conn, service.viewer(conn, "yan"), "nobody")
        # a person who is not a member, by id
        about_bob = person_brief(conn, service.viewer(conn, "yan"), person_id=ids[BOB[0]])
        assert about_bob.handle is None and about_bob.conversations.total == 1
