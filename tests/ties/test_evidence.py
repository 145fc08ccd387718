"""A member's labels and introduction outcomes as extra evidence for the fitted
tie model: the rescaling recovers a known one, moves the line between strong and
weak to the member's, keeps the explanations exact, and is read from the store."""

import datetime as dt

import numpy as np
import pytest
from sqlalchemy import insert

from weakties.model.tables import Ask, Member
from weakties.ties.fit import AdditiveModel, Shape
from weakties.ties.history import DAY, Traces, network_at, pair_key, tie_features
from weakties.ties.learned import (
    OUTCOME_WEIGHT,
    STRONG_AT,
    FittedModels,
    evidence_from,
    fit_models,
    recalibrate,
)


def one_feature_model() -> AdditiveModel:
    knots = np.array([-4.0, 0.0, 4.0])
    shape = Shape("a", "identity", knots, np.array([2.0, 2.0]), 1, 2.0)
    return AdditiveModel(-2.0, {"a": shape})


def test_rescaling_recovers_a_known_one():
    model = one_feature_model()
    rng = np.random.default_rng(3)
    x = {"a": rng.uniform(-4, 4, 20_000)}
    z = model.z(x)
    y = (rng.random(z.size) < 1 / (1 + np.exp(-(2.5 * z - 1.0)))).astype(float)
    scaled, a, b = recalibrate(model, z, y, np.ones(z.size))
    assert a == pytest.approx(2.5, abs=0.15)
    assert b == pytest.approx(-1.0, abs=0.15)
    # the rescaled model is the same additive model, its pushes scaled by a
    assert np.allclose(scaled.z(x), a * z + b)
    assert np.allclose(scaled.contributions(x)["a"], a * model.contributions(x)["a"])
    assert np.allclose(scaled.base + scaled.contributions(x)["a"], scaled.z(x))
    assert scaled.info["evidence"] == {"scale": round(a, 4), "shift": round(b, 4)}


def test_a_few_labels_barely_move_it_and_the_direction_holds():
    model = one_feature_model()
    z = model.z({"a": np.array([-3.0, 3.0])})
    # two labels that say the opposite of the model
    _, a, b = recalibrate(model, z, np.array([1.0, 0.0]), np.ones(2))
    assert 0.05 <= a < 1.0  # pulled down, never reversed
    assert abs(b) < 1.0
    _, a0, b0 = recalibrate(model, z, np.array([1.0, 0.0]), np.zeros(2))
    assert (a0, b0) == pytest.approx((1.0, 0.0), abs=1e-6)


def test_labels_and_outcomes_become_weighted_rows():
    labels = [(2, "strong", None), (3, "weak", None), (4, None, 5), (5, None, 3), (6, "dormant", 1)]
    asks = [(7, "introduced"), (8, "declined"), (9, "no_answer"), (10, "open"), (11, "withdrawn")]
    ev = evidence_from(1, labels, asks)
    assert ev.other.tolist() == [2, 3, 4, 6, 7, 8, 9]
    assert ev.y.tolist() == [1, 0, 1, 0, 1, 0, 0]
    assert ev.weight.tolist() == [1, 1, 1, 1, OUTCOME_WEIGHT, OUTCOME_WEIGHT, OUTCOME_WEIGHT]
    assert ev.counts() == {"labels": 4, "introductions": 3}
    assert ev.digest() == evidence_from(1, labels[::-1], asks).digest()
    assert ev.digest() != evidence_from(1, labels[:-1], asks).digest()


def ego_world(n: int = 400, days: int = 400, seed: int = 5) -> tuple[Traces, np.ndarray]:
    """Person 0 and ``n`` contacts, each pair writing at its own steady rate."""
    rng = np.random.default_rng(seed)
    rate = np.exp(rng.normal(np.log(1 / 25), 1.2, n))
    senders, recipients, times = [], [], []
    for k in range(n):
        t = np.cumsum(rng.exponential(1 / rate[k], int(rate[k] * days * 2) + 5))
        t = t[t < days]
        mine = rng.random(t.size) < 0.5
        senders.append(np.where(mine, 0, k + 1))
        recipients.append(np.where(mine, k + 1, 0))
        times.append(t * DAY)
    traces = Traces.of(np.concatenate(senders), np.concatenate(recipients), np.concatenate(times))
    return traces, rate


def test_a_members_labels_move_the_line_between_strong_and_weak():
    traces, rate = ego_world()
    as_of = 380 * DAY
    plain = fit_models(traces, as_of, pymk=False)
    assert plain.ties is not None, plain.notes
    # this member calls strong only the contacts they write to every week or more
    others = np.arange(1, rate.size + 1)
    close = rate >= 1 / 7
    labels = [(int(o), "strong" if c else "weak", None) for o, c in zip(others, close, strict=True)]
    labels.append((10_000, "strong", None))  # never in touch: the model reads nothing there
    evidence = evidence_from(0, labels, [])
    fitted = fit_models(traces, as_of, pymk=False, evidence=evidence)
    assert fitted.ties is not None
    seen = fitted.summary["evidence"]
    assert seen["labels"] == rate.size + 1 and seen["used"] <= rate.size
    net = network_at(traces.conversations(), as_of)
    x = tie_features(net)
    keys = pair_key(np.zeros(others.size, dtype=np.int64), others)
    rows = np.searchsorted(net.keys, keys)
    inside = (rows < net.keys.size) & (net.keys[np.minimum(rows, net.keys.size - 1)] == keys)
    before = plain.ties.score(x)[rows[inside]] >= STRONG_AT
    after = fitted.ties.score(x)[rows[inside]] >= STRONG_AT
    truth = close[inside]
    # a monthly contact is "strong" for the history alone (a 39 % chance of contact
    # within 30 days); the member's labels move the line to weekly contact
    assert (before == truth).mean() < 0.85
    assert (after == truth).mean() > (before == truth).mean() + 0.05
    assert seen["scale"] > 0
    # still additive and monotone: every push scaled by the same positive factor
    row = {k: v[:5] for k, v in x.items()}
    for name, push in fitted.ties.contributions(row).items():
        assert np.allclose(push, seen["scale"] * plain.ties.contributions(row)[name], atol=1e-3)
    assert FittedModels.from_json(fitted.to_json()).summary["evidence"]["digest"] == (
        evidence.digest()
    )


def test_the_store_gives_labels_and_closed_asks_before_the_date(store):
    from weakties.model.tables import Person, TieLabel
    from weakties.service.context import operator, reader, viewer
    from weakties.ties.learned import evidence_of

    now = dt.datetime(2024, 6, 1)
    with store.engine.begin() as conn:
        ids = [
            conn.execute(insert(Person).values(display_name=n)).inserted_primary_key[0]
            for n in ("Me", "Ann", "Bob", "Cy")
        ]
        me, ann, bob, cy = ids
        member = conn.execute(
            insert(Member).values(person_id=me, handle="me")
        ).inserted_primary_key[0]
        conn.execute(
            insert(TieLabel),
            [
                {
                    "member_id": member,
                    "person_id": ann,
                    "label": "strong",
                    "closeness": None,
                    "created_at": now,
                },
                {
                    "member_id": member,
                    "person_id": bob,
                    "label": None,
                    "closeness": 2,
                    "created_at": now,
                },
                # given after the date: not yet known then
                {
                    "member_id": member,
                    "person_id": cy,
                    "label": "strong",
                    "closeness": None,
                    "created_at": now + dt.timedelta(days=2),
                },
            ],
        )
        asked = now - dt.timedelta(days=20)
        conn.execute(
            insert(Ask),
            [
                {"member_id": member, "broker_id": cy, "status": "introduced",
                 "asked_at": asked, "closed_at": asked + dt.timedelta(days=3)},
                {"member_id": member, "broker_id": bob, "status": "open",
                 "asked_at": asked, "closed_at": None},
                # closed after the date: the outcome was not known then
                {"member_id": member, "broker_id": ann, "status": "declined",
                 "asked_at": asked, "closed_at": now + dt.timedelta(days=1)},
            ],
        )  # fmt: skip
    with store.engine.connect() as conn:
        who = viewer(conn, "me", as_of=now + dt.timedelta(days=1))
        ev = evidence_of(reader(conn, who), now + dt.timedelta(days=1))
        assert ev is not None
        rows = sorted(zip(ev.other.tolist(), ev.y.tolist(), ev.source.tolist(), strict=True))
        assert rows == [(ann, 1.0, "label"), (bob, 0.0, "label"), (cy, 1.0, "introduction")]
        everyone = operator(conn)
        assert evidence_of(reader(conn, everyone), now) is None


def test_labels_given_on_a_store_with_a_fixed_clock_reach_its_fit(db_path):
    """A fixed clock (the demo's) or an old export's day is the data's present,
    while labels are given on the real day: they speak of the tie at that present
    and reach the fit made there, never one at an earlier cut."""
    import json

    from typer.testing import CliRunner

    from weakties.cli.main import app
    from weakties.model.tables import Interaction, KnownPerson, Person
    from weakties.store.clock import set_clock
    from weakties.store.engine import open_store

    clock = dt.datetime(2024, 6, 1, 12)
    store = open_store(f"sqlite:///{db_path}")
    with store.engine.begin() as conn:
        set_clock(conn, clock)
        me, ann, bob = (
            conn.execute(insert(Person).values(display_name=n)).inserted_primary_key[0]
            for n in ("Me", "Ann Roy", "Bob Lee")
        )
        member = conn.execute(
            insert(Member).values(person_id=me, handle="me")
        ).inserted_primary_key[0]
        for k, other in enumerate((ann, bob)):
            conn.execute(insert(KnownPerson).values(member_id=member, person_id=other))
            conn.execute(
                insert(Interaction).values(
                    kind="message", sender_id=me, recipient_id=other,
                    occurred_at=dt.datetime(2024, 5, 1 + k), group_size=1,
                    asserted_by=member, natural_key=f"m{k}",
                )
            )  # fmt: skip
    store.close()
    runner = CliRunner()

    def cli(*args: str) -> str:
        done = runner.invoke(app, ["--db", str(db_path), *args], catch_exceptions=False)
        assert done.exit_code == 0, done.output
        return done.stdout

    cli("ties", "label", "Ann Roy", "strong", "--as", "me")
    cli("ties", "label", "Bob Lee", "--closeness", "1", "--as", "me")
    now = json.loads(cli("model", "fit", "--as", "me", "--json"))
    assert now["as_of"].startswith("2024-06-01")
    assert (now["evidence"]["labels"], now["evidence"]["introductions"]) == (2, 0)
    # a cut before the data the labels were given on: they were not known then
    earlier = json.loads(cli("model", "fit", "--as", "me", "--as-of", "2024-05-20", "--json"))
    assert earlier["evidence"]["labels"] == 0
