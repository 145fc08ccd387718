"""The default model's documented figures and the class rules."""

import numpy as np
import pytest

from weakties.ties.features import DECAY_DAYS, FeatureTable
from weakties.ties.model import DEFAULT, TieModel, transform


def profile(every_days, years, last_days_ago, *, both=1.0, group=1):
    """A two-person history: contact every N days for some years, the last N days
    ago, in a group of ``group`` recipients (1: private)."""
    if every_days is None:
        times = np.array([])
    else:
        times = np.arange(last_days_ago, years * 365, every_days, dtype=float)
    n = times.size
    personal = group <= 4
    return {
        "days_known": years * 365.0,
        "days_since_contact": float(times.min()) if n else np.nan,
        "days_since_personal": float(times.min()) if n and personal else np.nan,
        "never_in_touch": float(n == 0),
        "gap_days": (times.max() - times.min()) / (n - 1) if n >= 2 else np.nan,
        "contacts": float(n),
        "contacts_decayed": float(np.exp(-times / DECAY_DAYS).sum() / np.sqrt(group)),
        "contacts_last_year": float((times < 365).sum()),
        "active_months": float(min(n, years * 12)),
        "personal_months": float(min(n, years * 12)) if personal else 0.0,
        "balance": both if n else 0.0,
        "turns": n * both * 0.5,
        "invitation": 0.0,
        "services": 0.0,
        "one_to_one_share": 1.0 if n and group == 1 else 0.0,
        "meetings_one_to_one": 0.0,
        "notes": 0.0,
        "mutual_contacts": 5.0,
        "shared_employer": 0.0,
        "shared_school": 0.0,
        "same_industry": 0.0,
    }


CASES = {
    # as documented in weakties/ties/model.py
    "weekly": (profile(7, 2, 3), 0.88, "strong"),
    "monthly": (profile(30, 2, 10), 0.75, "strong"),
    "monthly, one side writes": (profile(30, 1, 10, both=0.2), 0.57, "strong"),
    "quarterly": (profile(91, 3, 30), 0.45, "weak"),
    "twice a year": (profile(182, 5, 60), 0.24, "weak"),
    "yearly": (profile(365, 5, 100), 0.10, "weak"),
    "weekly, stopped a year ago": (profile(7, 3, 365), 0.03, "weak"),
    "one message a month ago, one way": (profile(10_000, 1, 30, both=0.0), 0.14, "weak"),
    "weekly, silent for 4 years": (profile(7, 6, 4 * 365), 0.0, "dormant"),
    "one message 4 years ago": (profile(10_000, 5, 4 * 365, both=0.0), 0.0, "weak"),
    "never": (profile(None, 3, 0), 0.0, "nominal"),
    # the same weekly rhythm in a 40-person call: in touch, not close
    "weekly 40-person call, both speak": (profile(7, 2, 3, group=40), 0.006, "weak"),
    "weekly three-person thread": (profile(7, 2, 3, group=3), 0.80, "strong"),
}


def table(rows):
    names = list(next(iter(rows)).keys())
    n = len(rows)
    return FeatureTable(
        0.0,
        np.arange(n),
        np.arange(n) + n,
        {k: np.array([r[k] for r in rows], dtype=float) for k in names},
    )


def test_documented_figures_and_classes():
    rows = [c[0] for c in CASES.values()]
    t = table(rows)
    score = DEFAULT.score(t)
    classes = DEFAULT.classify(t, score)
    for (name, (_, expected, klass)), got, cls in zip(CASES.items(), score, classes, strict=True):
        assert got == pytest.approx(expected, abs=0.015), name
        assert cls == klass, name


def test_parts_add_up_to_the_log_odds():
    t = table([c[0] for c in CASES.values()])
    z = DEFAULT.z(transform(t))
    for i, name in enumerate(CASES):
        parts = dict(DEFAULT.contributions(t, i))
        assert DEFAULT.intercept + sum(parts.values()) == pytest.approx(z[i], abs=1e-9), name
        # the longer ago, the more recency takes away: never a positive part
        assert parts["recency"] <= 0, name
    weekly = [k for k, _ in DEFAULT.contributions(t, list(CASES).index("weekly"))]
    never = dict(DEFAULT.contributions(t, list(CASES).index("never")))
    assert never["recency"] == pytest.approx(-2.0 * np.log1p(10 * 365 / 30.0))
    assert weekly[0] != "recency"  # contact three days ago takes away little


def test_json_round_trip():
    model = TieModel({"recency": -1.0, "intensity": 0.5}, 0.3, "calibrated", {"labels": 20})
    again = TieModel.from_json(model.to_json())
    assert again == model


def test_never_in_touch_is_nominal_only_for_a_connection():
    """Nominal is a connection never in touch: someone never in touch and not
    connected (an invitation, an endorsement) was called a nominal tie."""
    never = profile(None, 3, 0)
    t = table([never, never])
    t.tied = np.array([True, False])
    assert DEFAULT.classify(t, DEFAULT.score(t)).tolist() == ["nominal", "weak"]


@pytest.mark.parametrize("line", [0.5, 1.0 - np.exp(-0.5)])
def test_a_shown_strength_is_on_the_same_side_of_the_strong_line_as_the_score(line):
    from weakties.words import format_line, format_strength

    assert format_strength(0.4954) == "0.495"  # weak: not the strong line's "0.50"
    for score in np.concatenate([np.linspace(0.01, 1.0, 4001), [line - 1e-9, line, line + 1e-9]]):
        shown = float(format_strength(float(score), line))
        assert (shown >= line) == (score >= line), (score, shown)
        assert (shown >= float(format_line(line))) == (score >= line), (score, shown)


def test_one_way_messages_from_someone_not_connected_never_make_a_tie_strong():
    """Sponsored InMail and marketing senders ("Angela from LinkedIn Premium")
    write weekly, the member never answers: the strongest "ties" of a 2018
    export. Not connected and one way only, they are weak, and the explanation
    still adds up (reciprocity takes the difference)."""
    from weakties.ties.model import one_way_strangers

    marketing = profile(7, 2, 3, both=0.0)
    friend = profile(7, 2, 3)
    t = table([marketing, marketing, friend])
    t.tied = np.array([False, True, False])
    assert one_way_strangers(t).tolist() == [True, False, False]
    score = DEFAULT.score(t)
    classes = DEFAULT.classify(t, score)
    assert classes.tolist() == ["weak", "strong", "strong"]
    assert score[0] < 0.5 <= score[1]
    parts = dict(DEFAULT.contributions(t, 0))
    assert DEFAULT.intercept + sum(parts.values()) == pytest.approx(DEFAULT.z(transform(t))[0])
    assert parts["reciprocity"] <= -2.5


def test_the_one_way_rule_needs_ties_declared_somewhere():
    """Without any tie in the data (a bare message log such as CollegeMsg, a mail
    archive imported alone), everyone is "not connected" and that says nothing: a
    one-way exchange keeps the plain reciprocity of none. Once the scope declares
    a tie, the same exchange with someone not connected is marked down."""
    from weakties.ties.model import one_way_strangers

    marketing = profile(7, 2, 3, both=0.0)
    t = table([marketing, profile(7, 2, 3)])
    t.tied = np.array([False, False])
    t.ties_declared = False
    assert not one_way_strangers(t).any()
    bare = DEFAULT.score(t)[0]
    assert dict(DEFAULT.contributions(t, 0))["reciprocity"] == 0.0
    t.ties_declared = True
    assert one_way_strangers(t).tolist() == [True, False]
    assert DEFAULT.score(t)[0] < bare


def test_a_message_log_without_ties_scores_one_way_senders_as_unanswered_not_strangers(
    store, tmp_path
):
    """Through the product: a log imported alone declares no tie, so a weekly
    one-way sender keeps the plain reciprocity of none; a declared connection
    anywhere in the data turns the rule on for the pairs not connected."""
    import datetime as dt

    from sqlalchemy import insert, select

    from weakties.ingest.generic import import_interactions
    from weakties.model.tables import Identity, Member, Tie
    from weakties.service.context import operator, reader
    from weakties.ties.strength import score_ties

    start = dt.datetime(2024, 1, 1)
    rows = ["sender,recipient,when"]
    for week in range(20):
        t = start + dt.timedelta(days=7 * week)
        rows += [f"promo,ann,{t:%Y-%m-%dT%H:%M}", f"bob,ann,{t:%Y-%m-%dT%H:%M}"]
        rows.append(f"ann,bob,{t + dt.timedelta(hours=1):%Y-%m-%dT%H:%M}")
    rows.append("cy,dee,2024-01-02T00:00")
    log = tmp_path / "log.csv"
    log.write_text("\n".join(rows) + "\n")
    import_interactions(store, log, sender="sender", recipient="recipient", timestamp="when")
    when = dt.datetime(2024, 5, 25)

    def promo_score(conn) -> tuple[float, bool]:
        found = score_ties(reader(conn, operator(conn)), as_of=when, all_pairs=True)
        i = found.table.index_of(person["promo"], person["ann"])
        assert i is not None
        return float(found.score[i]), found.table.ties_declared

    with store.engine.begin() as conn:
        person = dict(conn.execute(select(Identity.value, Identity.person_id)).all())
        bare, declared = promo_score(conn)
        assert not declared
        owner = conn.execute(select(Member.id)).scalar_one()
        a, b = sorted((person["cy"], person["dee"]))
        conn.execute(
            insert(Tie).values(
                person_a_id=a,
                person_b_id=b,
                source="connection",
                asserted_by=owner,
                since=start,
            )
        )
        marked, declared = promo_score(conn)
    assert declared and marked < bare / 3
