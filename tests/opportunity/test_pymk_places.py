"""The places the fitted people-you-may-know ranker reads at a cut date: a job
counts only if it is known to have begun before the cut or, undated (a contact's
company read from a connections list), was observed on or before it — never a
job first seen after the cut."""

import datetime as dt

import numpy as np
from sqlalchemy import insert

from weakties.model.tables import Interaction, Member, Organization, Person, Position
from weakties.opportunity.pymk_model import PlaceSpans, places_at
from weakties.service.context import operator, reader
from weakties.ties.history import DAY, network_at
from weakties.ties.learned import read_history


def held(net, matrix, person: int) -> bool:
    row = net.index(np.array([person]))[0]
    return matrix is not None and row >= 0 and matrix[[row]].sum() > 0


def test_a_job_first_seen_after_the_cut_is_not_held_at_it(store):
    with store.engine.begin() as conn:
        me, ann, bob, cy = (
            conn.execute(insert(Person).values(display_name=n)).inserted_primary_key[0]
            for n in ("Me", "Ann", "Bob", "Cy")
        )
        member = conn.execute(
            insert(Member).values(person_id=me, handle="me")
        ).inserted_primary_key[0]
        acme = conn.execute(
            insert(Organization).values(name="Acme", norm_name="acme")
        ).inserted_primary_key[0]
        for k, other in enumerate((ann, bob, cy)):
            conn.execute(
                insert(Interaction).values(
                    kind="message", sender_id=me, recipient_id=other,
                    occurred_at=dt.datetime(2023, 6, 1 + k), group_size=1,
                    asserted_by=member, natural_key=f"m{k}",
                )
            )  # fmt: skip
        jobs = [
            # Ann's job read from a connections list exported on 2024-03-01
            (ann, None, dt.date(2024, 3, 1), "observed"),
            # Bob's from his profile, begun in 2022
            (bob, dt.date(2022, 1, 1), dt.date(2024, 3, 1), "profile"),
            # Cy's read from an export of 2023-09-01: known at the cut
            (cy, None, dt.date(2023, 9, 1), "observed"),
        ]
        for k, (pid, start, seen, source) in enumerate(jobs):
            conn.execute(
                insert(Position).values(
                    person_id=pid, organization_id=acme, kind="job", start_date=start,
                    is_current=True, seen_on=seen, source=source, asserted_by=member,
                    natural_key=f"job-{k}",
                )
            )  # fmt: skip
    with store.engine.connect() as conn:
        r = reader(conn, operator(conn))
        for when, expected in (
            (dt.datetime(2024, 1, 2), {ann: False, bob: True, cy: True}),
            (dt.datetime(2024, 1, 2, 10), {ann: False, bob: True, cy: True}),
            (dt.datetime(2024, 3, 1), {ann: True, bob: True, cy: True}),
        ):
            history = read_history(r, when, places=True)
            net = network_at(history.traces.conversations(), history.when, ties=history.ties)
            matrix = places_at(net, history.spans)
            assert {p: held(net, matrix, p) for p in expected} == expected, when


def test_an_undated_place_is_held_from_the_day_it_was_seen():
    from weakties.ties.history import Traces

    traces = Traces.of(np.array([0, 0]), np.array([1, 2]), np.array([0.0, DAY]))
    nan = float("nan")
    spans = PlaceSpans(
        np.array([1, 2]), np.array([7, 7]), np.array([nan, nan]), np.array([nan, nan]),
        np.array([10 * DAY, nan]),  # 2: never observed at a date
    )  # fmt: skip
    early, later = network_at(traces, 5 * DAY), network_at(traces, 10 * DAY)
    assert places_at(early, spans) is None
    at_ten = places_at(later, spans)
    assert held(later, at_ten, 1) and not held(later, at_ten, 2)
    # without observation days (generated worlds), undated means since always
    always = PlaceSpans(spans.person, spans.place, spans.start, spans.end)
    assert held(early, places_at(early, always), 2)
