"""Numbers and counts said in words, the same on every face (terminal, page, report).

Plurals go through gettext's ``ngettext`` (Babel's catalogues use the same
call), so that "1 person" and "2 people" are written once, correctly, and can
be translated.

>>> counted(1, "person", "people"), counted(2, "path", "paths"), counted(1_200, "tie", "ties")
('1 person', '2 paths', '1,200 ties')
>>> format_strength(0.123), format_strength(0.0017), format_strength(0.00004)
('0.12', '0.002', '<0.001')
>>> format_strength(0.4954), format_strength(0.4954, strong_from=0.3935)
('0.495', '0.50')
"""

from __future__ import annotations

from gettext import NullTranslations
from typing import Any

__all__ = [
    "EVENT_WORDS",
    "counted",
    "event_words",
    "first_degree_words",
    "format_line",
    "format_strength",
    "plural",
    "score_sum",
    "signed_push",
]

#: the default tie model's line between weak and strong (weakties.ties.model.STRONG_AT)
STRONG_FROM = 0.5

_ENGLISH = NullTranslations()


def plural(n: int | float, singular: str, plural_form: str) -> str:
    """The word for ``n`` things: ``plural(1, "month", "months") == "month"``."""
    return str(_ENGLISH.ngettext(singular, plural_form, int(n)))


def counted(n: int | float, singular: str, plural_form: str) -> str:
    """``n`` and the word for ``n`` things, thousands separated."""
    return f"{int(n):,} {plural(n, singular, plural_form)}"


def format_strength(score: float, strong_from: float | None = STRONG_FROM) -> str:
    """A tie strength in [0, 1] as text that never reads 0.00 for a tie that has
    any strength: two decimals from 0.01, one significant digit from 0.001.

    With ``strong_from`` (the line between weak and strong the score was
    classed by), as many more decimals as it takes for the text to fall on the
    same side of the line as the score: a weak tie of 0.4954 reads 0.495, not
    0.50, the strong line.

    >>> format_strength(0.0), format_strength(0.49996), format_strength(0.3936, 0.3935)
    ('0', '0.49996', '0.394')
    """
    if score >= 0.00995:
        if strong_from is not None:
            for places in range(2, 16):
                if (round(score, places) >= strong_from) == (score >= strong_from):
                    return f"{score:.{places}f}"
        return f"{score:.2f}"
    if score >= 0.00095:
        return f"{score:.1g}"
    return "<0.001" if score > 0 else "0"


def signed_push(value: float) -> str:
    """A part of a score's log-odds, aligned, with a true minus sign.

    >>> signed_push(-2.0), signed_push(0.4)
    (' −2.00', ' +0.40')
    """
    return f"{value:+6.2f}".replace("-", "−")


def score_sum(why: dict[str, Any], top: int | None = None) -> str:
    """How a tie's score adds up on one line (``why``: a breakdown as ``weakties
    ties --explain`` and the report give it, ``base``, ``parts``, ``log_odds``,
    ``score``): the start, the ``top`` largest parts in words (all by default),
    the rest as one sum, so that the numbers shown add up to the total.

    >>> print(score_sum({"base": -2.0, "log_odds": 0.5, "score": 0.6225, "parts": [
    ...     {"push": 1.83, "text": "last contact 6 days ago"},
    ...     {"push": 0.4, "text": "both sides write"},
    ...     {"push": 0.27, "text": "1 note of yours"}]}, top=1))
    −2.00 start +1.83 last contact 6 days ago +0.67 in 2 other parts = +0.50 → 0.62
    """
    parts = list(why.get("parts") or [])
    shown = parts if top is None else parts[:top]
    words = [f"{_push(why['base'])} start"]
    words += [f"{_push(p['push'])} {p['text']}" for p in shown]
    rest = parts[len(shown) :]
    if rest:
        total = round(sum(p["push"] for p in rest), 2)
        words.append(f"{_push(total)} in {counted(len(rest), 'other part', 'other parts')}")
    return " ".join(words) + f" = {_push(why['log_odds'])} → {format_strength(why['score'])}"


def _push(value: float) -> str:
    return signed_push(value).lstrip()


def format_line(strong_from: float) -> str:
    """The line between weak and strong as text, to four significant digits
    (so that no score read by :func:`format_strength` seems on its wrong side).

    >>> format_line(0.5), format_line(0.3934693402873666)
    ('0.5', '0.3935')
    """
    return f"{strong_from:.4g}"


def first_degree_words(first: int, connections: int, address_book: int) -> str:
    """A first degree as LinkedIn counts it: connections first, then address-book
    contacts, then the other ties (manual, platform), the counts that are not zero.

    >>> first_degree_words(44, 24, 20)
    '24 connections · 20 address-book contacts'
    >>> first_degree_words(3, 1, 0)
    '1 connection · 2 other ties'
    """
    others = max(first - connections - address_book, 0)
    parts = [counted(connections, "connection", "connections")]
    if address_book:
        parts.append(counted(address_book, "address-book contact", "address-book contacts"))
    if others:
        parts.append(counted(others, "other tie", "other ties"))
    return " · ".join(parts)


#: each event kind (:data:`weakties.model.kinds.EVENT_KINDS`) as people say it
EVENT_WORDS = {
    "new_connection": "new connection",
    "connection_gone": "connection gone",
    "career_move": "career move",
    "title_change": "new title",
    "left_company": "left the company",
    "started_job": "started a job",
    "contact_details_changed": "new contact details",
}


def event_words(kind: str) -> str:
    """An event kind in words (an unknown kind with its underscores as spaces).

    >>> event_words("connection_gone"), event_words("some_new_kind")
    ('connection gone', 'some new kind')
    """
    return EVENT_WORDS.get(kind, kind.replace("_", " "))
