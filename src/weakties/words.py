"""Numbers and counts said in words, the same on every face (terminal, page, report).

Plurals go through gettext's ``ngettext`` (Babel's catalogues use the same
call), so that "1 person" and "2 people" are written once, correctly, and can
be translated.

>>> counted(1, "person", "people"), counted(2, "path", "paths"), counted(1_200, "tie", "ties")
('1 person', '2 paths', '1,200 ties')
>>> format_strength(0.123), format_strength(0.0017), format_strength(0.00004)
('0.12', '0.002', '<0.001')
"""

from __future__ import annotations

from gettext import NullTranslations

__all__ = ["EVENT_WORDS", "counted", "event_words", "format_strength", "plural"]

_ENGLISH = NullTranslations()


def plural(n: int | float, singular: str, plural_form: str) -> str:
    """The word for ``n`` things: ``plural(1, "month", "months") == "month"``."""
    return str(_ENGLISH.ngettext(singular, plural_form, int(n)))


def counted(n: int | float, singular: str, plural_form: str) -> str:
    """``n`` and the word for ``n`` things, thousands separated."""
    return f"{int(n):,} {plural(n, singular, plural_form)}"


def format_strength(score: float) -> str:
    """A tie strength in [0, 1] as text that never reads 0.00 for a tie that has
    any strength: two decimals from 0.01, one significant digit from 0.001.

    >>> format_strength(0.0)
    '0'
    """
    if score >= 0.00995:
        return f"{score:.2f}"
    if score >= 0.00095:
        return f"{score:.1g}"
    return "<0.001" if score > 0 else "0"


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
