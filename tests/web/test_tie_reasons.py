"""A tie's reasons on the pages are worded from the same facts as on the command
line: in English the page says exactly what ``weakties ties`` says, in French
every reason is French — for every kind of reason, of the documented priors and
of the model fitted on the member's history."""

from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from tests.web.conftest import post_form
from weakties.ties.reasons import KEYS, english
from weakties.web.i18n import language
from weakties.web.render import make_templates, translators

# parameters for each key, several sizes each (a day, months, years; one, many)
DAYS = (0.5, 1.0, 12.0, 75.0, 400.0, 2000.0)
COUNTS = (1, 3, 1288)


def _examples(key: str) -> list[dict]:
    one = {
        "group_contact_only": [{"days": d} for d in DAYS],
        "last_personal_contact": [{"personal_days": d * 3, "days": d} for d in DAYS],
        "last_contact": [{"days": d} for d in DAYS],
        "known_for": [{"days": d} for d in DAYS[1:]],
        "contacts_in_year": [{"last_year": n, "all": n * 2} for n in COUNTS],
        "personal_months": [{"months": n} for n in COUNTS],
        "turns": [{"n": n} for n in COUNTS],
        "one_to_one_share": [{"share": 0.4}, {"share": 1.0}],
        "meetings": [{"n": n} for n in COUNTS],
        "notes": [{"n": n} for n in COUNTS],
        "mutual": [{"n": n} for n in COUNTS],
        "contacts_in_month": [{"last_month": n, "last_year": n * 9, "all": n * 20} for n in COUNTS],
        "in_touch_for": [{"days": d} for d in DAYS],
        "weeks_active": [{"active": 3, "weeks": n} for n in (1, 52)],
        "weeks_active_bursts": [{"active": 3, "weeks": n} for n in (1, 52)],
        "overdue": [{"days": d, "usual_days": 7.0} for d in DAYS],
        "more_this_month": [{"now": 4, "before": 1}],
        "less_this_month": [{"now": 1, "before": 4}],
        "channels": [{"n": n} for n in (1, 2)],
        "mostly_in_groups": [{"recipients": 12.4}],
        "elsewhere_one": [{"n": n} for n in (1, 12)],
        "elsewhere_each": [{"n": n} for n in (1, 12)],
        "idle_one": [{"days": d} for d in DAYS],
        "idle_both": [{"days": d} for d in DAYS],
        "share_year_busier": [{"share": 0.25}],
        "share_year_quieter": [{"share": 0.25}],
        "share_lately_busier": [{"share": 0.25}],
        "share_lately_quieter": [{"share": 0.25}],
        "active_quieter": [{"n": n} for n in (1, 12)],
        "active_busier": [{"n": n} for n in (1, 12)],
    }
    return one.get(key, [{}])


class _Reason:
    def __init__(self, key: str, params: dict) -> None:
        self.key, self.params, self.text = key, params, english(key, params)


@pytest.fixture(scope="module")
def say():
    env = make_templates().env

    def render(code: str, key: str, params: dict) -> str:
        macro = (
            env.get_template("_tie_reasons.html")
            .make_module({**translators(language(code))})
            .tie_reason
        )
        return str(Markup(macro(_Reason(key, params))).unescape())

    return render


@pytest.mark.parametrize("key", KEYS)
def test_the_english_page_says_what_the_command_line_says(say, key):
    for params in _examples(key):
        shown = say("en", key, params)
        # numbers are written in the locale (1,288) on both
        assert shown == english(key, params), params


@pytest.mark.parametrize("key", KEYS)
def test_every_reason_is_french_on_a_french_page(say, key):
    for params in _examples(key):
        french, words = say("fr", key, params), english(key, params)
        assert french != words, (key, params)
        assert not re.search(
            r"\b(ago|contacts? in|known for|in touch|months?|years?|days?)\b", french
        ), french


def test_an_unknown_reason_keeps_its_words(say):
    assert say("fr", "some_new_input", {}) == "some_new_input"


def test_the_ties_pages_in_french(client, other):
    from tests.web.conftest import sign_up
    from tests.web.test_network_value import _connect

    sign_up(client, "Ana Lima", "ana@example.org", handle="ana")
    sign_up(other, "Bob Chen", "bob@example.org", handle="bob")
    _connect(client, other, "bob")
    (bob,) = client.get("/api/v1/network/ties").json()["ties"]
    # connected today, never written: a nominal tie, in English in the API
    assert [(r["key"], r["text"]) for r in bob["reasons"]][:1] == [
        ("never_in_touch", "never in touch")
    ]
    post_form(client, "/settings/language", {"locale": "fr"}, page="/settings")
    for path in ("/network/ties", f"/network/ties/{bob['id']}"):
        shown = re.sub(r"<[^>]+>", " ", client.get(path).text)
        assert "jamais en contact" in shown and "never in touch" not in shown, path
