""" "N people in your network work there": who a job's organisation counts, worked
out by hand on a small platform built in the test.

Ana is the viewer. Her first degree: Bo (a member sharing names), Pia (a contact
of her own data), Dee (a member sharing only counts) and Eve (a member Ana has
blocked). Bo knows Cy; Bo's tie with Zed has ended; Dee's data knows Xo (a
contact of Dee's only) and Yu (a member); Eve's knows Fay.

Where they work now: Bo, Cy, Eve, Fay and Pia at Acme; Pia and Ana at Globex;
Xo, Yu and Zed at Initech.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, update

from weakties.model.tables import Block, KnownPerson, Member, Organization, Person, Position, Tie
from weakties.service.context import operator, viewer
from weakties.service.jobs import NetworkAtOrg, network_at

NOW = dt.datetime(2026, 1, 5)
MEMBERS = {"ana": "names", "bo": "names", "dee": "counts", "eve": "names", "yu": "names"}
CONTACTS = ("pia", "cy", "zed", "xo", "fay")
TIES = [  # (a, b, asserted by, ended)
    ("ana", "bo", "ana", False),
    ("ana", "bo", "bo", False),
    ("ana", "pia", "ana", False),
    ("ana", "dee", "ana", False),
    ("ana", "dee", "dee", False),
    ("ana", "eve", "ana", False),
    ("ana", "eve", "eve", False),
    ("bo", "cy", "bo", False),
    ("bo", "zed", "bo", True),
    ("dee", "xo", "dee", False),
    ("dee", "yu", "dee", False),
    ("eve", "fay", "eve", False),
]
JOBS = {
    "Acme": ("bo", "cy", "eve", "fay", "pia"),
    "Globex": ("pia", "ana"),
    "Initech": ("xo", "yu", "zed"),
}


@pytest.fixture
def platform(store):
    with store.engine.begin() as conn:
        person = {}
        for name in (*MEMBERS, *CONTACTS):
            person[name] = conn.execute(
                insert(Person)
                .values(display_name=name.title(), name_key=name, created_at=NOW, updated_at=NOW)
                .returning(Person.id)
            ).scalar_one()
        member = {
            name: conn.execute(
                insert(Member)
                .values(handle=name, person_id=person[name], sharing=sharing, created_at=NOW)
                .returning(Member.id)
            ).scalar_one()
            for name, sharing in MEMBERS.items()
        }
        for a, b, by, ended in TIES:
            low, high = sorted((person[a], person[b]))
            source = "platform" if b in MEMBERS else "connection"
            conn.execute(
                insert(Tie).values(
                    person_a_id=low,
                    person_b_id=high,
                    source=source,
                    asserted_by=member[by],
                    since=NOW - dt.timedelta(days=100),
                    ended_at=NOW - dt.timedelta(days=10) if ended else None,
                )
            )
            if b not in MEMBERS:
                conn.execute(insert(KnownPerson).values(member_id=member[by], person_id=person[b]))
        conn.execute(insert(Block).values(blocker_id=member["ana"], blocked_id=member["eve"]))
        orgs = {}
        for org, staff in JOBS.items():
            orgs[org] = conn.execute(
                insert(Organization)
                .values(name=org, norm_name=org.lower(), kind="organization")
                .returning(Organization.id)
            ).scalar_one()
            for name in staff:
                # a contact's job as the data that knows them says
                by = name if name in MEMBERS else next(t[2] for t in TIES if name in t[:2])
                conn.execute(
                    insert(Position).values(
                        person_id=person[name],
                        organization_id=orgs[org],
                        kind="job",
                        title="Engineer",
                        is_current=True,
                        source="manual",
                        asserted_by=member[by],
                        natural_key=f"{name}-{org}",
                    )
                )
    return orgs


def _network(store, orgs) -> dict[str, NetworkAtOrg]:
    with store.engine.connect() as conn:
        found = network_at(conn, viewer(conn, "ana"), [orgs[o] for o in JOBS])
    return {name: found[oid] for name, oid in orgs.items()}


def test_first_and_second_degree_at_each_organisation(store, platform):
    # Acme: Bo and Pia, then Cy through Bo; Eve blocked, Fay only through her.
    # Globex: Pia (counted at both her organisations), never Ana herself.
    # Initech: Yu (a member) through Dee, who shares counts; Xo is Dee's contact
    # only, whom Ana may not name; Zed's tie with Bo has ended.
    assert _network(store, platform) == {
        "Acme": NetworkAtOrg(2, 1),
        "Globex": NetworkAtOrg(1, 0),
        "Initech": NetworkAtOrg(0, 1),
    }


def test_a_member_who_shares_names_adds_the_contacts_only_they_know(store, platform):
    with store.engine.begin() as conn:
        conn.execute(update(Member).where(Member.handle == "dee").values(sharing="names"))
    assert _network(store, platform)["Initech"] == NetworkAtOrg(0, 2)  # Xo and Yu


def test_no_organisation_and_a_viewer_without_a_network(store, platform):
    with store.engine.connect() as conn:
        assert network_at(conn, viewer(conn, "ana"), []) == {}
        # the operator looks from nowhere in the network: nobody is near them
        counted = network_at(conn, operator(conn), list(platform.values()))
    assert set(counted.values()) == {NetworkAtOrg(0, 0)}
