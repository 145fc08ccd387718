"""The reasons of a tie's score as facts: a message key and its parameters.

A reason is said once, as facts (``key`` and ``params``: numbers of days,
counts, shares), and worded from them: :func:`english` for the command line and
the JSON's ``text``; the web pages word the same facts in the member's language
(``web/templates/_tie_reasons.html``, one message per key). So the words on a
French page and on the terminal cannot say different things. A tie model's name
is said the same way: the command line and the JSON give it in English
(:data:`FITTED_MODEL`, ``calibrated for <handle>``), and :func:`model_facts`
reads it back as facts for a page to word.

>>> english("last_contact", {"days": 75})
'last contact 2 months ago'
>>> english("contacts_in_year", {"last_year": 1, "all": 1288})
'1 contact in the last year, 1,288 in all'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from weakties.words import counted

__all__ = ["FITTED_MODEL", "KEYS", "english", "model_facts", "span"]

Params = dict[str, Any]

#: the name of the model fitted on the member's history (``date``: the ISO day of
#: the history it was fitted to)
FITTED_MODEL = "learned from the history to {date}: the chance of contact within 30 days"
_FITTED = re.compile(
    "^" + re.escape(FITTED_MODEL).replace(re.escape("{date}"), r"(\d{4}-\d{2}-\d{2})") + "$"
)
_CALIBRATED = "calibrated for "


def _ago(days: float) -> str:
    from weakties.ties.strength import ago

    return ago(days)


def span(days: float) -> str:
    """How long, in words.

    >>> span(1), span(45), span(20 * 30.4), span(1000)
    ('1 day', '45 days', '20 months', '2.7 years')
    """
    if days < 60:
        return counted(days, "day", "days")
    if days < 730:
        return counted(days / 30.4, "month", "months")
    return f"{days / 365.25:.1f} years"


def _short_span(days: float) -> str:
    """:func:`span`, with "less than a day" below one day (the fitted model's)."""
    return "less than a day" if days < 1 else span(days)


_ENGLISH: dict[str, Callable[[Params], str]] = {
    # the documented priors (weakties.ties.strength)
    "never_in_touch": lambda p: "never in touch",
    "group_contact_only": lambda p: f"only group contact, the last {_ago(p['days'])}",
    "last_personal_contact": lambda p: (
        f"last personal contact {_ago(p['personal_days'])} (group contact {_ago(p['days'])})"
    ),
    "last_contact": lambda p: f"last contact {_ago(p['days'])}",
    "known_for": lambda p: f"known for {span(p['days'])}",
    "contacts_in_year": lambda p: (
        f"{counted(p['last_year'], 'contact', 'contacts')} in the last year, "
        f"{int(p['all']):,} in all"
    ),
    "personal_months": lambda p: (
        f"in personal touch in {counted(p['months'], 'different month', 'different months')}"
    ),
    "both_write": lambda p: "both sides write",
    "mostly_one_side_writes": lambda p: "mostly one side writes",
    "only_one_side_writes": lambda p: "only one side writes",
    "turns": lambda p: counted(p["n"], "back-and-forth exchange", "back-and-forth exchanges"),
    "services": lambda p: "endorsements, recommendations or introductions",
    "one_to_one_share": lambda p: f"{p['share']:.0%} of contact one-to-one",
    "meetings": lambda p: counted(p["n"], "one-to-one meeting", "one-to-one meetings"),
    "notes": lambda p: f"{counted(p['n'], 'note', 'notes')} of yours",
    "mutual": lambda p: counted(p["n"], "mutual contact", "mutual contacts"),
    "same_employer": lambda p: "same employer",
    "same_school": lambda p: "same school",
    # the model fitted on the member's history (weakties.ties.learned)
    "contacts_in_month": lambda p: (
        f"{counted(p['last_month'], 'contact', 'contacts')} in the last month, "
        f"{int(p['last_year']):,} in the last year, {int(p['all']):,} in all"
    ),
    "in_touch_for": lambda p: f"in touch for {_short_span(p['days'])}",
    "weeks_active": lambda p: (
        f"in touch in {int(p['active'])} of the last {counted(p['weeks'], 'week', 'weeks')}"
    ),
    "weeks_active_bursts": lambda p: (
        f"in touch in {int(p['active'])} of the last "
        f"{counted(p['weeks'], 'week', 'weeks')} in bursts"
    ),
    "overdue": lambda p: (
        f"quiet for {_short_span(p['days'])}, usually in touch every {_short_span(p['usual_days'])}"
    ),
    "more_this_month": lambda p: (
        f"more contact this month than the month before ({int(p['now'])} vs {int(p['before'])})"
    ),
    "less_this_month": lambda p: (
        f"less contact this month than the month before ({int(p['now'])} vs {int(p['before'])})"
    ),
    "same_this_month": lambda p: "as much contact this month as the month before",
    "channels": lambda p: f"in touch by {int(p['n'])} channel{'s' if int(p['n']) != 1 else ''}",
    "one_to_one": lambda p: "one-to-one contact",
    "mostly_in_groups": lambda p: f"mostly in groups (about {p['recipients']:.0f} recipients)",
    "elsewhere_one": lambda p: (
        "since they last spoke, one of them was in touch with others "
        f"{counted(int(p['n']), 'time', 'times')}"
    ),
    "elsewhere_each": lambda p: (
        "since they last spoke, each of them was in touch with others "
        f"{counted(int(p['n']), 'time', 'times')}"
    ),
    "idle_one": lambda p: f"one of them in touch with nobody for {_short_span(p['days'])}",
    "idle_both": lambda p: f"both in touch with nobody for {_short_span(p['days'])}",
    "share_year_busier": lambda p: (
        f"{p['share']:.0%} of the busier one's contact this year is with the other"
    ),
    "share_year_quieter": lambda p: (
        f"{p['share']:.0%} of the quieter one's contact this year is with the other"
    ),
    "share_lately_busier": lambda p: (
        f"{p['share']:.0%} of the busier one's contact lately is with the other"
    ),
    "share_lately_quieter": lambda p: (
        f"{p['share']:.0%} of the quieter one's contact lately is with the other"
    ),
    "active_quieter": lambda p: (
        f"the quieter of the two was in touch {counted(p['n'], 'time', 'times')} "
        "with anyone this month"
    ),
    "active_busier": lambda p: (
        f"the busier of the two was in touch {counted(p['n'], 'time', 'times')} "
        "with anyone this month"
    ),
}

#: every reason's key (a reason of an input with no sentence has its name as key)
KEYS = tuple(_ENGLISH)


def english(key: str, params: Params) -> str:
    """A reason's facts in English words (an unknown key: the key itself)."""
    words = _ENGLISH.get(key)
    return words(params) if words is not None else key


def model_facts(name: str) -> Params:
    """A tie model's name as facts: ``kind`` (``default``, ``fitted`` with its
    ``date``, ``calibrated`` with the ``handle`` whose labels it learned from, or
    ``other`` with the ``name`` as it is).

    >>> model_facts(FITTED_MODEL.format(date="2024-12-02"))
    {'kind': 'fitted', 'date': '2024-12-02'}
    >>> model_facts("calibrated for ana"), model_facts("default")
    ({'kind': 'calibrated', 'handle': 'ana'}, {'kind': 'default'})
    """
    if name == "default":
        return {"kind": "default"}
    found = _FITTED.match(name)
    if found:
        return {"kind": "fitted", "date": found.group(1)}
    if name.startswith(_CALIBRATED) and len(name) > len(_CALIBRATED):
        return {"kind": "calibrated", "handle": name[len(_CALIBRATED) :]}
    return {"kind": "other", "name": name}
