"""An introduction path's reason read back into its facts: every way
:func:`weakties.opportunity.explain.relation` and :func:`ego_text` say a link, so
that "who can introduce me" words each of them in the member's language."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pytest

from weakties.opportunity.explain import ego_text, relation
from weakties.web.path_reasons import Hop, PathReason, link_facts, path_reason

TODAY = dt.date(2024, 12, 2)
NAMES = {1: "Sam Lee", 2: "Ann Roy, Jr.", 3: "Bo Kim"}


def _place(org, pkind="job", start=None, end=None, current=False, oid=7):
    return SimpleNamespace(
        organization_id=oid,
        pkind=pkind,
        name=org,
        start_date=start,
        end_date=end,
        is_current=current,
    )


def _reader(places=(), ties=()):
    """What :func:`relation` reads of a pair: their places, their declared ties."""
    return SimpleNamespace(
        relation_places=lambda a, b: {a: [p for p, _ in places], b: [q for _, q in places]},
        pair_ties=lambda a, b: list(ties),
        now=dt.datetime(2024, 12, 2),
    )


D = dt.date
# every form a link takes, and the facts it reads back as
LINKS = [
    (
        _reader([(_place("Acme, Inc.", current=True), _place("Acme, Inc.", current=True))]),
        Hop("works_with", "Ann Roy, Jr.", "Acme, Inc."),
    ),
    (
        _reader(
            [
                (
                    _place("Acme", start=D(2019, 3, 1), end=D(2022, 5, 1)),
                    _place("Acme", start=D(2018, 1, 1), end=D(2023, 1, 1)),
                )
            ]
        ),
        Hop("worked_with", "Ann Roy, Jr.", "Acme", 2019, 2022),
    ),
    (
        _reader(
            [
                (
                    _place("Acme 2000", start=D(2019, 3, 1), end=D(2019, 9, 1)),
                    _place("Acme 2000", start=D(2019, 1, 1), end=D(2020, 1, 1)),
                )
            ]
        ),
        Hop("worked_with", "Ann Roy, Jr.", "Acme 2000", 2019, 2019),
    ),
    (
        _reader(
            [
                (
                    _place("Acme", start=D(2019, 3, 1), current=True),
                    _place("Acme", start=D(2020, 1, 1), current=True),
                )
            ]
        ),
        Hop("worked_with", "Ann Roy, Jr.", "Acme", 2020, None),
    ),
    (
        _reader(
            [
                (
                    _place("Sorbonne", "study", start=D(2010, 9, 1), end=D(2013, 6, 1)),
                    _place("Sorbonne", "study", start=D(2011, 9, 1), end=D(2014, 6, 1)),
                )
            ]
        ),
        Hop("studied_with", "Ann Roy, Jr.", "Sorbonne", 2011, 2013),
    ),
    (
        _reader([(_place("Rust Paris", "group"), _place("Rust Paris", "group"))]),
        Hop("group", "Ann Roy, Jr.", "Rust Paris"),
    ),
    (_reader(ties=[("connection", D(2016, 4, 1))]), Hop("connected", "Ann Roy, Jr.", None, 2016)),
    (_reader(ties=[("platform", None)]), Hop("connected", "Ann Roy, Jr.")),
    (_reader(ties=[("inferred_corecipient", None)]), Hop("corecipient", "Ann Roy, Jr.")),
    (_reader(ties=[("address_book", None)]), Hop("address_book", "Ann Roy, Jr.")),
    (_reader(ties=[("inferred_colleague", None)]), Hop("same_place", "Ann Roy, Jr.")),
    (_reader(ties=[("inferred_classmate", None)]), Hop("same_school", "Ann Roy, Jr.")),
    (_reader(), Hop("knows", "Ann Roy, Jr.")),
]


def _path(why, length=2, contact="Ann Roy, Jr."):
    return SimpleNamespace(
        why=why,
        broker_name="Sam Lee",
        contact_name=contact,
        target_name="Ann Roy, Jr.",
        length=length,
    )


@pytest.mark.parametrize(("reader", "hop"), LINKS)
def test_every_link_reads_back(reader, hop):
    text = relation(reader, 1, 2, names=NAMES, today=TODAY).text
    ego = ego_text("weak", 14.0, 3.0)
    found = path_reason(_path(f"Sam Lee — {ego} — {text}, 3 mutual contacts"))
    assert found == PathReason("weak", 14, None, [hop], 3, None)
    assert link_facts(text, "Ann Roy, Jr.") == hop  # the request form's "how they know"


@pytest.mark.parametrize(
    ("facts", "exchanges", "days"),
    [
        ((1.0, 3.0), 1, None),
        ((np.nan, np.nan), None, None),
        ((0.0, 0.4), None, 0.5),
        ((0.0, 12.0), None, 12.0),
        ((np.nan, 75.0), None, 2 * 30.4 + 0.5),
        ((0.0, 2000.0), None, 5.5 * 365.25),
    ],
)
def test_the_viewers_tie_with_the_broker_reads_back(facts, exchanges, days):
    ego = ego_text("dormant", *facts)
    found = path_reason(_path(f"Sam Lee — {ego} — knows Ann Roy, Jr., 1 mutual contact"))
    assert found is not None
    assert (found.tie, found.exchanges, found.days_since_contact) == ("dormant", exchanges, days)


def test_three_steps_and_what_holds_the_path():
    first = relation(_reader(ties=[("connection", None)]), 1, 3, names=NAMES, today=TODAY).text
    second = relation(
        _reader([(_place("Acme", current=True), _place("Acme", current=True))]),
        3,
        2,
        names=NAMES,
        today=TODAY,
    ).text
    why = (
        f"Sam Lee — strong tie, 2 exchanges this year — {first}, who {second}, 0 mutual "
        "contacts; your only way to Ann Roy, Jr.; let them rest until 2025-01-15 after "
        "your last ask"
    )
    found = path_reason(_path(why, length=3, contact="Bo Kim"))
    assert found == PathReason(
        "strong",
        2,
        None,
        [Hop("connected", "Bo Kim"), Hop("works_with", "Ann Roy, Jr.", "Acme")],
        0,
        "Ann Roy, Jr.",
        "resting",
        D(2025, 1, 15),
    )
    pending = path_reason(
        _path(
            why.replace(
                "let them rest until 2025-01-15 after your last ask", "ask pending since 2024-11-30"
            ),
            length=3,
            contact="Bo Kim",
        )
    )
    assert pending is not None and (pending.held, pending.held_on) == ("pending", D(2024, 11, 30))


def test_a_line_in_another_form_is_not_read():
    assert path_reason(_path("Sam Lee — a brand new wording")) is None
    assert (
        path_reason(
            _path("Sam Lee — weak tie, never in touch — met Ann Roy, Jr., 1 mutual contact")
        )
        is None
    )
