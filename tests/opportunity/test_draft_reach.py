"""Request drafts are personal (built from what the people share), in English and
French; company reach counts equal a brute-force count."""

import datetime as dt
import re

import numpy as np
import pytest
from sqlalchemy import select

from tests.support import operator_reader, viewer_of
from weakties.model.tables import Organization
from weakties.opportunity.draft import draft_request, request_context
from weakties.opportunity.explain import relation
from weakties.opportunity.network import build_network
from weakties.opportunity.reach import org_reach, warm_reach
from weakties.service.context import reader
from weakties.store.engine import open_store
from weakties.synth import generate
from weakties.synth.load import load_world, person_id_of


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    world = generate(n_people=300, seed=21)
    store = open_store(tmp_path_factory.mktemp("draft") / "d.sqlite")
    load_world(store, world)
    yield world, store
    store.close()


def colleagues(world):
    """(a, b, org, overlap years) of tied people whose jobs overlapped at one org."""
    for t in world.ties:
        if t.basis != "colleague":
            continue
        for p in world.positions_of(t.a, "job"):
            for q in world.positions_of(t.b, "job"):
                if (
                    p.org == q.org
                    and p.start <= (q.end or world.end)
                    and q.start <= (p.end or world.end)
                ):
                    yield t.a, t.b, p.org, max(p.start, q.start).year


def test_relation_names_the_place_and_the_years(platform):
    world, store = platform
    a, b, org, _start = next(colleagues(world))
    with store.engine.begin() as conn:
        rel = relation(operator_reader(conn), person_id_of(a), person_id_of(b), today=world.end)
    assert rel.kind == "colleague"
    # the place named is one where their jobs overlapped
    shared = {world.orgs[o].name for x, y, o, _ in colleagues(world) if (x, y) == (a, b)}
    assert org in {o for x, y, o, _ in colleagues(world) if (x, y) == (a, b)}
    assert rel.org in shared
    assert rel.text.startswith(f"worked with {world.people[b].full_name} at ")
    assert str(rel.start) in rel.text


TUTOIEMENT = re.compile(r"\b(?:tu|toi|ton|tes|te)\b|\bt'|-tu\b", re.IGNORECASE)


def test_drafts_are_personal_and_bilingual(platform):
    world, store = platform
    pairs = list(colleagues(world))
    (a, b, _, _), (c, d, _, _) = pairs[0], next(p for p in pairs[1:] if p[0] != pairs[0][0])
    viewer = next(t.other(a) for t in world.ties_of(a) if t.other(a) not in (b,))
    # someone who shares no place with c: the tie to c is only a weak, old one
    places_c = {p.org for p in world.positions_of(c)}
    stranger = next(
        x.id
        for x in world.people
        if x.id not in (c, d) and not places_c & {p.org for p in world.positions_of(x.id)}
    )
    with store.engine.begin() as conn:
        ctx = request_context(
            operator_reader(conn),
            person_id_of(viewer),
            person_id_of(a),
            person_id_of(b),
            purpose="job",
            tie_class="strong",
            days_since_contact=20.0,
            today=world.end,
        )
        other = request_context(
            operator_reader(conn),
            person_id_of(stranger),
            person_id_of(c),
            person_id_of(d),
            purpose="client",
            tie_class="weak",
            days_since_contact=2000.0,
            today=world.end,
        )
    en = draft_request(ctx, lang="en")
    fr = draft_request(ctx, lang="fr")
    broker, target = world.people[a], world.people[b]
    assert en.startswith(f"Hi {broker.first_name},")
    assert f"you worked with {target.full_name} at" in en
    assert f"introducing me to {target.first_name}" in en
    assert "[In one sentence" in en  # the viewer's own words are still to come
    assert fr.startswith(f"Bonjour {broker.first_name},")
    # one register, vous, throughout: to a strong tie as to a weak one, the note too
    assert "vous avez travaillé avec" in fr and "accepteriez-vous" in fr.lower()
    fr_other = draft_request(other, lang="fr")
    assert "Cela fait longtemps" in fr_other
    for text in (fr, fr_other):
        assert not TUTOIEMENT.search(text), TUTOIEMENT.search(text)
        assert "vous" in text
    # no opener that says nothing: the tie's own facts
    assert "Good to have been in touch recently." in en
    assert "It has been a long while since we last spoke." in draft_request(other)
    for text in (en, draft_request(other)):
        assert "I hope you are well" not in text
    assert draft_request(other) != en
    mine = draft_request(ctx, reason="I am moving to Lyon and she leads the Lyon office.")
    assert "Lyon office" in mine and "[In one sentence" not in mine


def test_org_reach_counts_equal_brute_force(platform):
    world, store = platform
    degree = world.degree()
    v = int(np.argmax(degree))
    with store.engine.begin() as conn:
        viewer = viewer_of(conn, world.people[v].slug)
        net = build_network(reader(conn, viewer), as_of=dt.datetime.combine(world.end, dt.time()))
        mine = {t.other(v) for t in world.ties_of(v)}
        counts = {}
        for pid in mine:
            for t in world.ties_of(pid):
                x = t.other(pid)
                p = world.current_position(x)
                if p is not None and x != v and x not in mine:
                    counts.setdefault(p.org, set()).add(x)
        org = max(counts, key=lambda o: len(counts[o]))
        result = org_reach(reader(conn, viewer), org + 1, net=net)
        staff = {
            p.person
            for p in world.positions
            if p.org == org and p.kind == "job" and p.active_on(world.end)
        }
        assert result["known_directly"] == len(staff & mine)
        assert result["second_degree"] == len(counts[org])
        brokers = {
            pid for pid in mine if any(t.other(pid) in counts[org] for t in world.ties_of(pid))
        }
        assert result["brokers"] == len(brokers)
        assert result["text"].startswith(
            f"{len(brokers)} of your contacts know {len(counts[org])} people at"
        )
        ranked = warm_reach(reader(conn, viewer), net=net)
        assert ranked["organisations"] and all(
            o["warm"] <= o["reachable"] for o in ranked["organisations"]
        )
        names = set(
            conn.execute(
                select(Organization.name).where(Organization.kind == "organization")
            ).scalars()
        )
        assert {o["name"] for o in ranked["organisations"]} <= names
