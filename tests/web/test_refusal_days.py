"""An etiquette refusal says the day it lifts once: in its detail when the detail
names it ("let them rest until ..."), else after the rule, or, for a request
refused by one rule only, in the page's closing line; several refusals each say
their own day and the page the day the request becomes possible."""

from __future__ import annotations

import datetime as dt
import re

from weakties.service.introductions import Refusal
from weakties.web.i18n import Language
from weakties.web.render import make_templates, translators

LIFTS = dt.date(2025, 1, 22)
LATER = dt.date(2025, 3, 4)


def _page(refusals: list[Refusal], possible_on: dt.date | None) -> str:
    env = make_templates().env
    html = env.get_template("_refusals.html").render(
        refusals=refusals, possible_on=possible_on, **translators(Language("en"))
    )
    return re.sub(r"\s+", " ", html)


def _cooldown(until: dt.date) -> Refusal:
    params = {"broker": "Sonya", "closed_on": "2024-12-02", "until": until.isoformat()}
    return Refusal("cooldown_introduced", "rest", until, params)


def _open(possible_on: dt.date) -> Refusal:
    params = {"broker": "Sonya", "asked_on": "2024-12-02"}
    return Refusal("open_per_broker", "open", possible_on, params)


def test_a_lone_refusal_says_its_day_once():
    for refusal in (_cooldown(LIFTS), _open(LIFTS)):
        page = _page([refusal], LIFTS)
        assert page.count("Jan 22, 2025") == 1, page
    # the detail's day: no other line
    assert "The request becomes possible" not in _page([_cooldown(LIFTS)], LIFTS)
    # no day in the detail: the page's line says it
    assert "The request becomes possible on Jan 22, 2025." in _page([_open(LIFTS)], LIFTS)
    # no page line (a message's refusal): after the rule
    assert "Possible from Jan 22, 2025." in _page([_open(LIFTS)], None)


def test_several_refusals_each_say_their_day_and_the_page_the_last():
    page = _page([_cooldown(LIFTS), _open(LATER)], LATER)
    assert page.count("Jan 22, 2025") == 1  # in the cooldown's detail
    assert "Possible from Mar 4, 2025." in page
    assert "The request becomes possible on Mar 4, 2025." in page
