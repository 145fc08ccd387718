"""The population: who people are before their careers are drawn.

Each person gets a locale, a city, an industry and a job family, a name, and a
*sociability* factor: a lognormal multiplier (mean 1) on every tie probability.
Multiplying pair probabilities by both endpoints' factors (Chung & Lu 2002) turns a
heavy-tailed sociability into a heavy-tailed degree distribution: most people end up
with tens to a few hundred ties, a few (recruiters, "super-connectors") with far
more, as in LinkedIn's own degree distribution.

Identities (profile slug, e-mail, phone) are unique within a world, since importers
use them to resolve people.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from weakties.synth.names import LocalePool, ascii_fold, draw_person_names, slug_base
from weakties.synth.vocabulary import (
    INDUSTRIES,
    INDUSTRY_WEIGHTS,
    MAIL_DOMAINS,
    PLACE_WEIGHTS,
    PLACES,
    RECRUITER_ROLES,
)

SHARES_EMAIL_SHARE = 0.05
SOCIABILITY_SIGMA = 0.6
HUB_SHARE = 0.01
HUB_FACTOR = 4.0
RECRUITER_FACTOR = 2.5


@dataclass(frozen=True, slots=True, eq=False)
class Population:
    """Per-person attributes as parallel sequences (index = person id)."""

    locale: list[str]
    place: np.ndarray
    industry: np.ndarray
    role: np.ndarray
    french_titles: np.ndarray
    sociability: np.ndarray
    recruiter: np.ndarray
    first: list[str]
    last: list[str]
    slug: list[str]
    email: list[str]
    phone: list[str]
    shares_email: np.ndarray

    def __len__(self) -> int:
        return len(self.first)


def locale_weights(locales: Sequence[str]) -> np.ndarray:
    """The first locale is the home market: 1.5 times the weight of each other one."""
    w = np.array([1.5] + [1.0] * (len(locales) - 1))
    return w / w.sum()


def places_of(locale: str) -> list[int]:
    idx = [k for k, p in enumerate(PLACES) if p.locale == locale]
    return idx or list(range(len(PLACES)))


def pick_places(rng: np.random.Generator, locales: Sequence[str]) -> np.ndarray:
    """A city per entry, from the entry's locale, weighted by metro size."""
    out = np.empty(len(locales), dtype=np.int64)
    arr = np.asarray(locales)
    for loc in sorted(set(locales)):
        sel = np.flatnonzero(arr == loc)
        cand = np.asarray(places_of(loc))
        w = np.asarray(PLACE_WEIGHTS, dtype=float)[cand]
        out[sel] = cand[rng.choice(len(cand), size=len(sel), p=w / w.sum())]
    return out


def _unique_slugs(rng: np.random.Generator, first: list[str], last: list[str]) -> list[str]:
    n = len(first)
    u = rng.random(n)
    hexes = rng.integers(0, 2**32, size=n)
    digits = rng.integers(10**5, 10**9, size=n)
    taken: set[str] = set()
    out: list[str] = []
    for k in range(n):
        base = slug_base(first[k], last[k])
        if u[k] < 0.2:
            slug = base.replace("-", "")
        elif u[k] < 0.9:
            slug = f"{base}-{int(hexes[k]):08x}"
        else:
            slug = f"{base}-{int(digits[k])}"
        while slug in taken:
            slug = f"{base}-{int(rng.integers(0, 2**32)):08x}"
        taken.add(slug)
        out.append(slug)
    return out


def _unique_emails(
    rng: np.random.Generator, first: list[str], last: list[str], locales: list[str]
) -> list[str]:
    n = len(first)
    form = rng.integers(0, 4, size=n)
    dom = rng.integers(0, 5, size=n)
    taken: set[str] = set()
    out: list[str] = []
    for k in range(n):
        f = re.sub(r"[^a-z]", "", ascii_fold(first[k]).lower()) or "x"
        lst = re.sub(r"[^a-z]", "", ascii_fold(last[k].split(",", 1)[0]).lower()) or "x"
        local = (f"{f}.{lst}", f"{f}{lst}", f"{f[0]}.{lst}", f"{f}.{lst}{k % 97}")[form[k]]
        domains = MAIL_DOMAINS.get(locales[k], MAIL_DOMAINS["en_US"])
        addr = f"{local}@{domains[dom[k] % len(domains)]}"
        n_try = 1
        while addr in taken:
            n_try += 1
            addr = f"{local}{n_try}@{domains[dom[k] % len(domains)]}"
        taken.add(addr)
        out.append(addr)
    return out


def _unique_phones(rng: np.random.Generator, places: np.ndarray) -> list[str]:
    taken: set[str] = set()
    out: list[str] = []
    draws = rng.integers(0, 10**8, size=(len(places), 4))
    for k, pl in enumerate(places.tolist()):
        place = PLACES[pl]
        j = 0
        while True:
            d = int(draws[k, j]) if j < 4 else int(rng.integers(0, 10**8))
            j += 1
            if place.phone_prefix.startswith("+1"):
                phone = f"{place.phone_prefix}-{200 + d % 800:03d}-{(d // 800) % 10000:04d}"
            else:
                s = f"{d:08d}"
                phone = f"{place.phone_prefix} {s[0:2]} {s[2:4]} {s[4:6]} {s[6:8]}"
            if phone not in taken:
                break
        taken.add(phone)
        out.append(phone)
    return out


def draw_population(
    rng: np.random.Generator,
    pools: dict[str, LocalePool],
    n: int,
    locales: Sequence[str],
) -> Population:
    """Draw ``n`` people. Deterministic given the generator state."""
    loc_idx = rng.choice(len(locales), size=n, p=locale_weights(locales))
    loc_of = [locales[k] for k in loc_idx.tolist()]
    place = pick_places(rng, loc_of)
    w = np.asarray(INDUSTRY_WEIGHTS, dtype=float)
    industry = rng.choice(len(INDUSTRIES), size=n, p=w / w.sum())
    role = np.empty(n, dtype=np.int64)
    u_role = rng.random(n)
    for i, ind in enumerate(INDUSTRIES):
        rw = np.array([0.4 if r.en in RECRUITER_ROLES else 1.0 for r in ind.roles])
        cum = np.cumsum(rw / rw.sum())
        sel = industry == i
        role[sel] = np.minimum(np.searchsorted(cum, u_role[sel], side="right"), len(cum) - 1)
    recruiter = np.array(
        [INDUSTRIES[i].roles[r].en in RECRUITER_ROLES for i, r in zip(industry, role, strict=True)],
        dtype=bool,
    )
    french_titles = (np.asarray(loc_of) == "fr_FR") & (rng.random(n) < 0.4)
    soc = rng.lognormal(-(SOCIABILITY_SIGMA**2) / 2, SOCIABILITY_SIGMA, size=n)
    soc[rng.random(n) < HUB_SHARE] *= HUB_FACTOR
    soc[recruiter] *= RECRUITER_FACTOR
    first: list[str] = [""] * n
    last: list[str] = [""] * n
    for loc in locales:
        sel = np.flatnonzero(loc_idx == locales.index(loc))
        f, lst = draw_person_names(rng, pools[loc], len(sel))
        for j, k in enumerate(sel.tolist()):
            first[k], last[k] = f[j], lst[j]
    return Population(
        locale=loc_of,
        place=place,
        industry=industry,
        role=role,
        french_titles=french_titles,
        sociability=soc,
        recruiter=recruiter,
        first=first,
        last=last,
        slug=_unique_slugs(rng, first, last),
        email=_unique_emails(rng, first, last, loc_of),
        phone=_unique_phones(rng, place),
        shares_email=rng.random(n) < SHARES_EMAIL_SHARE,
    )
