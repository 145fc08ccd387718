"""Round trip: synthetic world -> three members' exports -> import -> the world again.

People, positions, and first- and second-degree ties read back from the store
must equal the world's, for the current export format and for the 2022 one
(whose connections list has no profile URLs, so people are matched by name).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from tests.support import operator_reader, reader_of
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.model.identity import name_key
from weakties.store.engine import open_store
from weakties.store.merge import merge_persons
from weakties.synth import export_truth, generate, pick_members, write_linkedin_export


@pytest.fixture(scope="module")
def world():
    return generate(n_people=1500, seed=11)


def _import_world(world, tmp: Path, variant: str):
    members = pick_members(world, k=3, seed=2, min_degree=40)
    store = open_store(tmp / f"{variant}.sqlite")
    truths = []
    for i, pid in enumerate(members):
        path = write_linkedin_export(
            world, pid, tmp / f"{variant}-{i}", as_of=world.end, variant=variant
        )
        import_linkedin(store, path, f"m{i}")
        truths.append(export_truth(world, pid, as_of=world.end, variant=variant))
    return store, members, truths


def _slug_to_pid(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("select value, person_id from identity where kind='linkedin'"))


def _world_name(world, pid: int) -> str:
    p = world.person(pid)
    return f"{p.first_name} {p.last_name}"


def _accept_true_proposals(store, world) -> int:
    """Play the user who reviews `weakties matches`: accept the proposals that pair two
    records of one human (names unique in the world), leave the others open."""
    counts = Counter(name_key(_world_name(world, p.id)) for p in world.people)
    accepted = 0
    with store.engine.begin() as conn:
        for proposal in operator_reader(conn).proposals():
            a, b = name_key(proposal["a"]["name"]), name_key(proposal["b"]["name"])
            if a == b and counts[a] == 1:
                merge_persons(conn, proposal["a"]["id"], proposal["b"]["id"])
                accepted += 1
    return accepted


@pytest.mark.parametrize("variant", ["2024", "2022"])
def test_people_ties_and_positions_equal_the_world(world, tmp_path, variant):
    store, members, truths = _import_world(world, tmp_path, variant)
    db = Path(store.url.removeprefix("sqlite:///"))
    with store.engine.connect() as conn:
        proposals = operator_reader(conn).proposals()
    if variant == "2024":
        # Every connection has a profile URL: nothing is left to a human to decide.
        assert proposals == []
    else:
        # Without URLs, a contact of two members with no current employer cannot be
        # matched safely: it is proposed, never merged behind the user's back.
        assert proposals
        assert all(p["reason"].startswith("same name") for p in proposals)
        assert _accept_true_proposals(store, world) == len(proposals)
    with sqlite3.connect(db) as conn:
        member_person = dict(conn.execute("select handle, person_id from member"))
        names = dict(conn.execute("select id, display_name from person"))
        connections: dict[int, set[int]] = {}
        for a, b, owner in conn.execute(
            "select t.person_a_id, t.person_b_id, m.person_id from tie t "
            "join member m on m.id = t.asserted_by where t.source='connection'"
        ):
            connections.setdefault(owner, set()).add(b if a == owner else a)
    # -- people: one person per human, with the world's name --------------------------
    store_of: dict[int, int] = {}  # world id -> store id
    for i, (wid, truth) in enumerate(zip(members, truths, strict=True)):
        me = member_person[f"m{i}"]
        assert names[me] == _world_name(world, wid)
        store_of[wid] = me
        mine = connections[me]
        assert len(mine) == truth.n_connections
        got = Counter(name_key(names[p]) for p in mine)
        want = Counter(name_key(_world_name(world, c)) for c in truth.connection_ids)
        assert got == want
    slugs = _slug_to_pid(db)
    for truth in truths:
        for cid in truth.connection_ids:
            slug = world.person(cid).slug
            if slug in slugs:
                store_of.setdefault(cid, slugs[slug])
    # In the 2024 format every connection has a URL: every person is found by it.
    if variant == "2024":
        assert all(world.person(c).slug in slugs for t in truths for c in t.connection_ids)
    # -- first degree: exactly the world's ties at the export date ----------------------
    for wid, truth in zip(members, truths, strict=True):
        world_first = {t.a if t.b == wid else t.b for t in world.ties_of(wid, as_of=world.end)}
        assert set(truth.connection_ids) == world_first
        if variant == "2024":
            assert {store_of[c] for c in world_first} == connections[store_of[wid]]
    # -- second degree of the first member, through the members tied to them ------------
    viewer = members[0]
    via = [m for m in members[1:] if world.tie(viewer, m) is not None]
    assert via, "pick_members returns a chain"
    first = {t.a if t.b == viewer else t.b for t in world.ties_of(viewer, as_of=world.end)}
    second_world = set()
    for m in via:
        second_world |= {t.a if t.b == m else t.b for t in world.ties_of(m, as_of=world.end)}
    second_world -= first | {viewer}
    with store.engine.connect() as conn:
        named, counted = reader_of(conn, "m0").degrees()
    second_store = {p for p, d in named.items() if d == 2}
    assert counted == 0
    assert Counter(name_key(names[p]) for p in second_store) == Counter(
        name_key(_world_name(world, c)) for c in second_world
    )
    # -- positions: the members' whole careers, the contacts' current jobs --------------
    with sqlite3.connect(db) as conn:
        for wid in members:
            got = sorted(
                conn.execute(
                    "select o.name, coalesce(p.title,''), p.kind, substr(p.start_date,1,7) "
                    "from position p join organization o on o.id=p.organization_id "
                    "where p.person_id=? and p.source='profile'",
                    (store_of[wid],),
                )
            )
            want = sorted(
                (world.orgs[p.org].name, p.title, p.kind, p.start.strftime("%Y-%m"))
                for p in world.positions_of(wid)
                if p.start <= world.end
            )
            # Education.csv has years only
            got = [(o, t, k, s if k == "job" else s[:4]) for o, t, k, s in got]
            want = [(o, t, k, s if k == "job" else s[:4]) for o, t, k, s in want]
            assert sorted(got) == sorted(want)
        observed = {
            pid: (org, title)
            for pid, org, title in conn.execute(
                "select p.person_id, o.name, p.title from position p "
                "left join organization o on o.id=p.organization_id "
                "where p.source='observed' and p.is_current=1"
            )
        }
    for truth in truths:
        for cid in truth.connection_ids:
            if cid not in store_of or cid in members:
                continue
            job = world.current_position(cid, world.end)
            want_job = (world.orgs[job.org].name, job.title) if job else (None, None)
            assert observed[store_of[cid]] == want_job, _world_name(world, cid)


def test_traces_per_contact_equal_the_export(world, tmp_path):
    store, _members, truths = _import_world(world, tmp_path, "2024")
    db = Path(store.url.removeprefix("sqlite:///"))
    slugs = _slug_to_pid(db)
    with sqlite3.connect(db) as conn:
        me = conn.execute("select person_id from member where handle='m0'").fetchone()[0]
        sent = Counter(
            r[0]
            for r in conn.execute(
                "select recipient_id from interaction where kind='message' and sender_id=?", (me,)
            )
        )
        received = Counter(
            r[0]
            for r in conn.execute(
                "select sender_id from interaction where kind='message' and recipient_id=?", (me,)
            )
        )
        kinds = dict(
            conn.execute(
                "select kind, count(*) from interaction where sender_id=? or recipient_id=? "
                "group by kind",
                (me, me),
            )
        )
    truth = truths[0]
    for contact, (n_sent, n_received) in truth.messages_by_contact.items():
        pid = slugs[world.person(contact).slug]
        assert (sent[pid], received[pid]) == (n_sent, n_received), _world_name(world, contact)
    assert kinds["invitation"] == truth.n_invitations
    assert kinds["endorsement"] == truth.n_endorsements_received + truth.n_endorsements_given
    assert kinds.get("recommendation", 0) == (
        truth.n_recommendations_received + truth.n_recommendations_given
    )
