"""An introduction path's reason as facts, for the pages to word in the member's
language.

"Who can introduce me" (:class:`weakties.service.introductions.Introducer`) carries
each path's reason as the one English line the command line prints
(:func:`weakties.opportunity.explain.explain_paths`)::

    Sam Lee — strong tie, 14 exchanges this year — worked with Ann Roy at Acme
    2019–2022, 3 mutual contacts; your only way to Ann Roy

That line is made of a few fixed forms around names the introducer also holds
(broker, contact, target), so it reads back into its facts exactly:
:func:`path_reason` does, and ``_introducers.html`` words them with gettext. A line
that does not read back (a form this module does not know) gives None, and the
page shows the line as it is; ``tests/web/test_path_reasons.py`` reads back every
form :mod:`weakties.opportunity.explain` writes, so a new one fails there first.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["Hop", "PathReason", "link_facts", "path_reason"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Hop:
    """How one person on the path knows the next (``who``): ``kind`` is one of
    ``group``, ``worked_with``, ``studied_with``, ``works_with``, ``studies_with``,
    ``connected``, ``corecipient``, ``address_book``, ``same_place``,
    ``same_school``, ``knows``; ``start``/``end`` the years they overlapped
    (``end`` None with a ``start``: until now)."""

    kind: str
    who: str
    org: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True, slots=True)
class PathReason:
    """The facts of one path's reason: the viewer's tie with the broker, how the
    broker reaches the contact (one hop, or two through the contact), their mutual
    contacts, and what holds the path."""

    tie: str  # the viewer's tie with the broker: strong, weak, dormant, nominal
    exchanges: int | None  # this year, when there were any
    days_since_contact: float | None  # None: never in touch (when no exchange this year)
    hops: list[Hop]
    mutual: int
    only_way: str | None  # the target's name when the broker is the only way to them
    held: str | None = None  # pending, resting, do_not_ask
    held_on: dt.date | None = None  # pending since / resting until
    held_by: str | None = None  # who does not want to be asked


_EGO = re.compile(
    r"(?P<tie>[a-z]+) tie, (?:(?P<ex>\d+) exchanges? this year|(?P<never>never in touch)"
    r"|last contact (?P<ago>today|(?P<n>\d+(?:\.\d+)?) (?P<unit>day|days|month|months|years) ago))"
)
_YEARS = r"(?: (?P<start>\d{4})(?:–(?P<end>\d{4}|now))?)?"


# How someone knows ``who``: each form is the words before the name, the name as it
# is, and a pattern for the words after it (compiled once: a pattern with the name
# in it was compiled again for every name read, a page's most costly step); ``group``
# has its organisation before the name ("is in Acme with Ann Roy").
_NOTHING = re.compile("")
_HOP_FORMS: list[tuple[str, str, re.Pattern[str]]] = [
    ("worked_with", "worked with ", re.compile(rf" at (?P<org>.+?){_YEARS}")),
    ("studied_with", "studied with ", re.compile(rf" at (?P<org>.+?){_YEARS}")),
    ("works_with", "works with ", re.compile(r" at (?P<org>.+)")),
    ("studies_with", "studies with ", re.compile(r" at (?P<org>.+)")),
    ("connected", "has been connected with ", re.compile(r" since (?P<start>\d{4})")),
    ("connected", "is connected with ", _NOTHING),
    ("corecipient", "was in the same conversations or meetings as ", _NOTHING),
    ("address_book", "has ", re.compile(" in their address book")),
    ("same_place", "was at the same place at the same time as ", _NOTHING),
    ("same_school", "was at the same school at the same time as ", _NOTHING),
    ("knows", "knows ", _NOTHING),
]
_GROUP_BEFORE, _GROUP_ORG = "is in ", re.compile(r".+")


def _hop_parts(text: str, who: str) -> tuple[str, dict[str, Any]] | None:
    """The first form ``text`` is in, with ``who`` as the person known, and its
    parts (as a pattern with the name written in would read them)."""
    if text.startswith(_GROUP_BEFORE) and text.endswith(f" with {who}"):
        org = text[len(_GROUP_BEFORE) : len(text) - len(who) - len(" with ")]
        if _GROUP_ORG.fullmatch(org):
            return "group", {"org": org}
    for kind, before, after in _HOP_FORMS:
        head = before + who
        if text.startswith(head):
            found = after.fullmatch(text, len(head))
            if found is not None:
                return kind, found.groupdict()
    return None


def _hop(text: str, who: str) -> Hop | None:
    read = _hop_parts(text, who)
    if read is None:
        return None
    kind, parts = read
    start = int(parts["start"]) if parts.get("start") else None
    end = parts.get("end")
    if start is not None and end is None and "end" in parts:
        end = str(start)  # "2019": there that one year
    return Hop(
        kind,
        who,
        parts.get("org"),
        start,
        int(end) if end and end != "now" else None,
    )


def link_facts(text: str | None, who: str) -> Hop | None:
    """How someone knows ``who``, from the command line's words for it
    (:attr:`weakties.opportunity.explain.Relation.text`, without its subject:
    "works with Ann Roy at Acme"), or None when it is in another form."""
    return _hop(text, who) if text else None


def _hops(onward: str, contact: str, target: str, length: int) -> list[Hop] | None:
    if length == 2:
        one = _hop(onward, target)
        return [one] if one else None
    # three steps: how the broker knows the contact, "who" how the contact knows the target
    for at in (m.start() for m in re.finditer(", who ", onward)):
        first, second = _hop(onward[:at], contact), _hop(onward[at + 6 :], target)
        if first and second:
            return [first, second]
    return None


def _days(found: re.Match[str]) -> float | None:
    if found["never"]:
        return None
    if found["ago"] == "today":
        return 0.5
    n, unit = float(found["n"]), found["unit"]
    if unit.startswith("day"):
        return n
    if unit.startswith("month"):
        return n * 30.4 + 0.5  # words back as the same number of months
    return n * 365.25


_MUTUAL = re.compile(r"(?P<mutual>\d+) mutual contacts?")
_HELD = re.compile(
    r"(?:; (?:ask pending since (?P<pending>\d{4}-\d{2}-\d{2}|\?)"
    r"|let them rest until (?P<resting>\d{4}-\d{2}-\d{2}|\?) after your last ask"
    r"|(?P<by>.+) does not want to be asked|(?P<dna>not to be asked)))?"
)


def _tail(tail: str, target: str) -> dict[str, Any] | None:
    # "N mutual contacts", then "; your only way to TARGET" if what follows it
    # still reads (else the words are read without it), then what holds the path
    mutual = _MUTUAL.match(tail)
    if mutual is None:
        return None
    only = f"; your only way to {target}"
    found = None
    if tail.startswith(only, mutual.end()):
        found = _HELD.fullmatch(tail, mutual.end() + len(only))
    alone = found is None
    if alone:
        found = _HELD.fullmatch(tail, mutual.end())
    if found is None:
        return None
    held, day = None, None
    if found["pending"]:
        held, day = "pending", found["pending"]
    elif found["resting"]:
        held, day = "resting", found["resting"]
    elif found["by"] or found["dna"]:
        held = "do_not_ask"
    return {
        "mutual": int(mutual["mutual"]),
        "only_way": None if alone else target,
        "held": held,
        "held_on": dt.date.fromisoformat(day) if day and day != "?" else None,
        "held_by": found["by"],
    }


def path_reason(path: Any) -> PathReason | None:
    """The facts of an introducer's reason (``path``: an
    :class:`~weakties.service.introductions.Introducer`), or None when its line
    is not in a form this module reads."""
    why = str(path.why)
    head = f"{path.broker_name} — "
    found = None
    if why.startswith(head):
        rest = why[len(head) :]
        found = _EGO.match(rest)
    if found is None or not rest[found.end() :].startswith(" — "):
        _unread(why)
        return None
    rest = rest[found.end() + 3 :]
    # the tail is after the last ", N mutual contact(s)"
    tails = list(re.finditer(r", (?=\d+ mutual contacts?\b)", rest))
    for split in reversed(tails):
        tail = _tail(rest[split.end() :], path.target_name)
        hops = tail and _hops(
            rest[: split.start()], path.contact_name, path.target_name, path.length
        )
        if tail and hops:
            return PathReason(
                tie=found["tie"],
                exchanges=int(found["ex"]) if found["ex"] else None,
                days_since_contact=None if found["ex"] else _days(found),
                hops=hops,
                **tail,
            )
    _unread(why)
    return None


def _unread(why: str) -> None:
    log.warning("an introduction path's reason in an unknown form: %r", why)
    return None
