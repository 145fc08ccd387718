"""Seniority from a job title, on a seven-step ladder (English and French titles).

== ==========================================================================
0  intern, apprentice, trainee, working student (stagiaire, alternant)
1  junior, assistant, associate (débutant)
2  the role itself ("Data Analyst", "Chargée de clientèle")
3  senior, confirmed, experienced (confirmé, expérimenté)
4  lead, principal, staff, manager, architect (chef de projet, responsable
   d'équipe)
5  head of, director (responsable marketing, directeur, directrice)
6  vice president, chief ... officer, C-level, founder, partner, owner,
   president (fondateur, associé, gérant, président)
== ==========================================================================

The highest rung any word of the title reaches wins ("Senior Engineering
Manager" is 4). Used as a social-distance feature of a tie (Marsden & Campbell
1984: ties across status lines are weaker): the gap between two people's rungs.
"""

from __future__ import annotations

import re

from weakties.model.identity import fold

__all__ = ["seniority"]

_RUNGS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (
        6,
        (
            r"\bvp\b",
            r"\bsvp\b",
            r"\bevp\b",
            r"vice[ -]?pres",
            r"\bchief\b",
            r"\bc[eofmtdhi]o\b",
            r"\bfound(er|ing)",
            r"\bco-?founder",
            r"\bfondat(eur|rice)",
            r"\bpartner\b",
            r"\bassoci[eé]e? (gerant|fondat)",
            r"\bowner\b",
            r"\bpresident",
            r"\bpdg\b",
            r"\bdg\b",
            r"\bgerant",
            r"directeur general",
            r"directrice generale",
            r"managing director",
        ),
    ),
    (
        5,
        (
            r"\bhead\b",
            r"\bdirector\b",
            r"\bdirect(eur|rice)\b",
            r"\bresponsable\b(?! d.?equipe)",  # "Responsable marketing": head of
        ),
    ),
    (
        4,
        (
            r"\blead\b",
            r"\bprincipal\b",
            r"\bstaff\b",
            r"\bmanager\b",
            r"\bchef\b",
            r"\bresponsable d.?equipe",
            r"\bsupervis",
            r"\bteam ?lead",
            r"\barchitect",
        ),
    ),
    (3, (r"\bsenior\b", r"\bsr\b", r"\bconfirme", r"\bexperimente", r"\bexpert\b")),
    (1, (r"\bjunior\b", r"\bjr\b", r"\bassistant", r"\bdebutant", r"\bgraduate\b")),
    (
        0,
        (
            r"\bintern\b",
            r"\binternship\b",
            r"\bstagiaire",
            r"\bstage\b",
            r"\balternan",
            r"\bapprenti",
            r"\btrainee\b",
            r"\bworking student",
        ),
    ),
)
_COMPILED = tuple((rung, re.compile("|".join(words))) for rung, words in _RUNGS)


def seniority(title: str | None) -> int | None:
    """The rung (0-6) of a job title, or None without a title."""
    if not title or not title.strip():
        return None
    text = fold(title)
    for rung, pattern in _COMPILED:
        if pattern.search(text):
            return rung
    return 2
