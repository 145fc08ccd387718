"""Organisation names: one normal form for the many spellings of one employer.

The normal form is casefolded, accent-free, with ``&`` read as ``and``,
punctuation removed, a leading "The" dropped and legal-form suffixes (Inc, LLC,
Ltd, GmbH, SA, SAS, SARL, ...) stripped. Two names with the same normal form are
the same organisation; names that are merely *close* (``rapidfuzz``) are only
proposed as duplicates, never merged silently.

>>> org_key("Trinity Industries, Inc.")
'trinity industries'
>>> org_key("The Joint Staff")
'joint staff'
>>> org_key("Procter & Gamble Co.")
'procter and gamble'
>>> org_key("Société Générale S.A.")
'societe generale'
>>> org_key("SA")
'sa'
"""

from __future__ import annotations

import re
from functools import lru_cache

from weakties.model.identity import fold

__all__ = ["LEGAL_SUFFIXES", "org_key"]

# Legal forms stripped from the end of a name (after punctuation is removed).
# Multi-word forms come first so that "pty ltd" goes before "ltd".
LEGAL_SUFFIXES: tuple[str, ...] = (
    "pty ltd",
    "pvt ltd",
    "private limited",
    "public limited company",
    "s a s",
    "s a r l",
    "s a",
    "co kg",
    "gmbh co kg",
    "and co",
    "incorporated",
    "corporation",
    "company",
    "limited",
    "inc",
    "llc",
    "l l c",
    "llp",
    "ltd",
    "plc",
    "corp",
    "co",
    "gmbh",
    "ag",
    "kg",
    "sa",
    "sas",
    "sasu",
    "sarl",
    "eurl",
    "sca",
    "scop",
    "srl",
    "spa",
    "bv",
    "nv",
    "oy",
    "oyj",
    "ab",
    "as",
    "asa",
    "aps",
    "kk",
    "pte",
    "pty",
    "lp",
)

_PUNCT = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")
_SUFFIX_RE = re.compile(r"(?:\s+(?:" + "|".join(re.escape(s) for s in LEGAL_SUFFIXES) + r"))+$")


@lru_cache(maxsize=1 << 16)
def org_key(name: str | None) -> str:
    """The normal form of an organisation name (empty for an empty name)."""
    if not name:
        return ""
    text = fold(name)
    text = text.replace("&", " and ").replace("+", " and ")
    # "S.A." -> "s a", "L.L.C." -> "l l c": dots become spaces, then punctuation goes
    text = _PUNCT.sub(" ", text.replace("_", " "))
    text = _SPACES.sub(" ", text).strip()
    if not text:
        return fold(name)
    if text.startswith("the "):
        text = text[4:]
    return _SUFFIX_RE.sub("", text).strip() or text
