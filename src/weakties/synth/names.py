"""Name pools: people, companies, schools and filler text, drawn once from Faker.

Faker is slow per call and its output depends on call order, so it is used only to
fill small pools at the start of a generation (one ``Faker`` per locale, seeded with
``seed_instance``); every later choice is an index drawn with numpy. That keeps a
30,000-person world cheap and byte-for-byte reproducible.

Realistic irregularities kept on purpose, as seen in real exports:

- accented French names (Faker ``fr_FR``), compound first names ("Jean-Marc",
  "Mary Ann"), hyphenated last names;
- a small share of last names carrying credentials ("Martin, PhD", "Lee, MBA, PMP"),
  which puts commas inside CSV cells;
- about 1 % of names typed in capitals ("SAGE DUNMORE").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from faker import Faker

from weakties.model.orgnames import org_key
from weakties.synth.vocabulary import (
    CREDENTIALS,
    INDUSTRIES,
    LEGAL_SUFFIXES,
    PLACES,
    Place,
)

CREDENTIAL_SHARE = 0.02
CAPITALS_SHARE = 0.01
COMPOUND_FIRST_SHARE = {"fr_FR": 0.08, "en_US": 0.03}
HYPHENATED_LAST_SHARE = {"fr_FR": 0.03, "en_US": 0.02}

_INDUSTRY_WORDS: dict[str, tuple[str, ...]] = {
    "Software Development": ("Software", "Technologies", "Labs", "Systems", "AI"),
    "IT Services and IT Consulting": ("IT Solutions", "Digital", "Consulting", "Data"),
    "Financial Services": ("Capital", "Partners", "Bank", "Asset Management"),
    "Business Consulting and Services": ("Consulting", "Advisory", "& Associates"),
    "Hospitals and Health Care": ("Health", "Medical Center", "Care", "Clinics"),
    "Higher Education": ("Institute", "Academy", "Learning"),
    "Advertising Services": ("Media", "Creative", "Agency", "Communications"),
    "Manufacturing": ("Industries", "Manufacturing", "Engineering", "Components"),
    "Retail": ("Stores", "Retail", "Market", "Distribution"),
    "Telecommunications": ("Telecom", "Networks", "Communications", "Connect"),
}


def ascii_fold(text: str) -> str:
    """Strip accents: ``"Hélène Dupré"`` -> ``"Helene Dupre"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def slug_base(first: str, last: str) -> str:
    """Lower-case ASCII words of a name joined by ``-``, credentials dropped."""
    last = last.split(",", 1)[0]
    words = re.findall(r"[a-z0-9]+", ascii_fold(f"{first} {last}").lower())
    return "-".join(words) or "member"


@dataclass(frozen=True, slots=True)
class LocalePool:
    """Everything drawn from Faker for one locale."""

    locale: str
    first_male: tuple[str, ...]
    first_male_p: np.ndarray
    first_female: tuple[str, ...]
    first_female_p: np.ndarray
    last: tuple[str, ...]
    last_p: np.ndarray
    companies: tuple[str, ...]
    sentences: tuple[str, ...]
    paragraphs: tuple[str, ...]
    catch_phrases: tuple[str, ...]


def _weighted(values: object) -> tuple[tuple[str, ...], np.ndarray]:
    if isinstance(values, dict):
        names = tuple(values.keys())
        p = np.asarray(list(values.values()), dtype=float)
    else:
        names = tuple(values)  # type: ignore[arg-type]
        p = np.ones(len(names))
    return names, p / p.sum()


def pool_seed(seed: int, k: int) -> int:
    """Faker seed of the ``k``-th locale of a world generated with ``seed``."""
    return seed * 1009 + k


def build_pool(locale: str, seed: int, n_companies: int = 400) -> LocalePool:
    """Draw the Faker pools of ``locale``; identical for identical arguments."""
    fk = Faker(locale)
    fk.seed_instance(seed)
    person = fk.provider("faker.providers.person")
    fm, fm_p = _weighted(person.first_names_male)
    ff, ff_p = _weighted(person.first_names_female)
    ln, ln_p = _weighted(person.last_names)
    companies = tuple(fk.company() for _ in range(n_companies))
    sentences = tuple(fk.sentence(nb_words=int(w)) for w in (4, 6, 8, 10, 12, 16) * 60)
    paragraphs = tuple(fk.paragraph(nb_sentences=4) for _ in range(60))
    phrases = tuple(fk.catch_phrase() for _ in range(80))
    return LocalePool(
        locale, fm, fm_p, ff, ff_p, ln, ln_p, companies, sentences, paragraphs, phrases
    )


def draw_person_names(
    rng: np.random.Generator, pool: LocalePool, n: int
) -> tuple[list[str], list[str]]:
    """Draw ``n`` (first, last) names, with the irregularities described above."""
    female = rng.random(n) < 0.5
    i_m = rng.choice(len(pool.first_male), size=n, p=pool.first_male_p)
    i_m2 = rng.choice(len(pool.first_male), size=n, p=pool.first_male_p)
    i_f = rng.choice(len(pool.first_female), size=n, p=pool.first_female_p)
    i_f2 = rng.choice(len(pool.first_female), size=n, p=pool.first_female_p)
    i_l = rng.choice(len(pool.last), size=n, p=pool.last_p)
    i_l2 = rng.choice(len(pool.last), size=n, p=pool.last_p)
    u = rng.random((n, 4))
    i_cred = rng.integers(0, len(CREDENTIALS), size=n)
    sep = "-" if pool.locale == "fr_FR" else " "
    compound = COMPOUND_FIRST_SHARE.get(pool.locale, 0.03)
    hyphen = HYPHENATED_LAST_SHARE.get(pool.locale, 0.02)
    firsts: list[str] = []
    lasts: list[str] = []
    for k in range(n):
        if female[k]:
            first = pool.first_female[i_f[k]]
            other = pool.first_female[i_f2[k]]
        else:
            first = pool.first_male[i_m[k]]
            other = pool.first_male[i_m2[k]]
        if u[k, 0] < compound and other != first and "-" not in first + other:
            first = f"{first}{sep}{other}"
        last = pool.last[i_l[k]]
        if u[k, 1] < hyphen and pool.last[i_l2[k]] != last:
            last = f"{last}-{pool.last[i_l2[k]]}"
        if u[k, 2] < CAPITALS_SHARE:
            first, last = first.upper(), last.upper()
        if u[k, 3] < CREDENTIAL_SHARE:
            last = last + CREDENTIALS[i_cred[k]]
        firsts.append(first)
        lasts.append(last)
    return firsts, lasts


def _ends_with_suffix(name: str) -> bool:
    tail = name.rsplit(" ", 1)[-1]
    return any(tail == s for suffixes in LEGAL_SUFFIXES.values() for s in suffixes if s) or (
        tail in {"Sons", "Fils"}
    )


_TWIN_QUALIFIERS = ("Group", "Holding", "International", "Labs", "Partners", "Services")


def company_names(
    rng: np.random.Generator,
    pools: dict[str, LocalePool],
    locales: Sequence[str],
    industries: Sequence[int],
) -> tuple[list[str], list[int | None]]:
    """One unique company name per (locale, industry) request.

    Names are unique up to weakties' normal form (case, punctuation, legal
    suffixes: :func:`weakties.model.orgnames.org_key`), since a real "Martin
    Consulting" and "Martin Consulting Inc" are one company. About 4 % of companies
    are *stem twins* of an earlier one: the same stem with a qualifier ("Martin
    Consulting" / "Martin Consulting Group"). They are different organisations, so
    a fuzzy matcher has near-duplicates to propose that it must not merge. Returns
    the names and, per company, the index of the company it is a twin of (or None).
    """
    taken: set[str] = set()  # normal forms
    names: list[str] = []
    twins: list[int | None] = []
    stems: list[str] = []
    for k, (loc, ind) in enumerate(zip(locales, industries, strict=True)):
        pool = pools[loc]
        suffixes = LEGAL_SUFFIXES.get(loc, LEGAL_SUFFIXES["en_US"])
        twin: int | None = None
        name = ""
        for attempt in range(50):
            u = rng.random(3)
            if k > 10 and attempt == 0 and u[0] < 0.04:
                twin = int(rng.integers(0, k))
                stem = stems[twin]
            elif u[1] < 0.4:
                stem = pool.companies[int(rng.integers(0, len(pool.companies)))]
            else:
                word = _INDUSTRY_WORDS[INDUSTRIES[ind].name]
                last = pool.last[int(rng.integers(0, len(pool.last)))]
                stem = f"{last} {word[int(rng.integers(0, len(word)))]}"
            suffix = suffixes[int(rng.integers(0, len(suffixes)))]
            if _ends_with_suffix(stem) or u[2] < 0.45:
                suffix = ""
            if twin is not None:
                qualifier = _TWIN_QUALIFIERS[int(rng.integers(0, len(_TWIN_QUALIFIERS)))]
                stem = f"{stem} {qualifier}"
            name = f"{stem} {suffix}".strip() if suffix else stem
            if org_key(name) not in taken:
                break
            twin = None
        else:
            name = f"{name} {k}"
        taken.add(org_key(name))
        names.append(name)
        stems.append(name if twin is None else stems[twin])
        twins.append(twin)
    return names, twins


def school_names(
    rng: np.random.Generator, pools: dict[str, LocalePool], locales: Sequence[str]
) -> list[tuple[str, Place]]:
    """Unique, plausible school names in each requested locale's style, with their city."""
    us = [p for p in PLACES if p.locale == "en_US"]
    fr = [p for p in PLACES if p.locale == "fr_FR"]
    taken: set[str] = set()
    out: list[tuple[str, Place]] = []
    for k, loc in enumerate(locales):
        pool = pools[loc]
        name = ""
        places = fr if loc == "fr_FR" else us
        place = places[0]
        for _ in range(50):
            last = pool.last[int(rng.integers(0, len(pool.last)))]
            t = int(rng.integers(0, 5))
            place = places[int(rng.integers(0, len(places)))]
            if loc == "fr_FR":
                name = (
                    f"Université de {place.city}",
                    f"{place.city} Business School",
                    f"École {last}",
                    f"Institut Polytechnique de {place.city}",
                    f"Sciences Po {place.city}",
                )[t]
            else:
                name = (
                    f"University of {place.region}",
                    f"{place.city} State University",
                    f"{last} College",
                    f"{last} Institute of Technology",
                    f"{place.city} School of Business",
                )[t]
            if name not in taken:
                break
        else:
            name = f"{name} {k}"
        taken.add(name)
        out.append((name, place))
    return out
