"""What the fitted people-you-may-know ranker weighed for a suggestion, as facts for
the page to word in the member's language.

A suggestion (:class:`weakties.service.discover.PymkPerson`) carries its reason as
the English line the command line prints. When the ranker fitted on the member's
history (``weakties model fit``) ranked it, that line lists the features that
raised its chance most (:func:`weakties.opportunity.pymk_model.why`, worded by
``describe``): "in touch with 2 people; last in touch with anyone 2 months ago;
3 mutual contacts". :func:`ranker_reasons` reads such a line back into its facts;
any other line (Katz's "2 mutual contacts (Ann, Bo)", the nightly batch's) gives
None and the page shows the suggestion's own facts (mutual contacts, shared places)
as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["RankerReason", "ranker_reasons"]


@dataclass(frozen=True, slots=True)
class RankerReason:
    """One feature that raised a suggestion's chance: ``key`` is ``mutual``,
    ``paths``, ``places``, ``active``, ``new``, ``idle``, ``degree`` or
    ``new_here``; ``n`` its number (contacts, people, or days for ``idle``)."""

    key: str
    n: float | None = None


_AGO = r"(?:today|(?P<n>\d+(?:\.\d+)?) (?P<unit>day|days|month|months|years) ago)"
_FORMS: list[tuple[str, re.Pattern[str]]] = [
    ("mutual", re.compile(r"(?P<n>\d[\d,]*) mutual contacts?")),
    ("paths", re.compile(r"many paths through your contacts' contacts")),
    ("places", re.compile(r"in the same place \(employer, school or group\) now")),
    ("active", re.compile(r"active: (?P<n>\d[\d,]*) contacts? in the last month")),
    ("new", re.compile(r"meeting new people: (?P<n>\d[\d,]*) in the last month")),
    ("idle", re.compile(rf"last in touch with anyone {_AGO}")),
    ("degree", re.compile(r"in touch with (?P<n>\d[\d,]*) (?:people|person)")),
    ("new_here", re.compile(r"new here")),
]
#: the line when no feature stands out
NOTHING_STANDS_OUT = "the fitted ranker's pick"


def _days(n: str | None, unit: str | None) -> float:
    if n is None or unit is None:
        return 0.5  # today
    value = float(n)
    if unit.startswith("day"):
        return value
    if unit.startswith("month"):
        return value * 30.4 + 0.5  # words back as the same number of months
    return value * 365.25


def _reason(item: str) -> RankerReason | None:
    for key, form in _FORMS:
        found = form.fullmatch(item)
        if found is None:
            continue
        parts = found.groupdict()
        if key == "idle":
            return RankerReason(key, _days(parts.get("n"), parts.get("unit")))
        n = parts.get("n")
        return RankerReason(key, float(n.replace(",", "")) if n else None)
    return None


def ranker_reasons(why: str) -> list[RankerReason] | None:
    """The fitted ranker's reasons for a suggestion, strongest first (empty: its
    pick, with no feature standing out), or None when the fitted ranker did not
    word this line."""
    if why == NOTHING_STANDS_OUT:
        return []
    found = [_reason(item) for item in why.split("; ")]
    if not found or any(r is None for r in found):
        return None
    return [r for r in found if r is not None]
