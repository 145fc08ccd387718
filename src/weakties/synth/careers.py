"""Organisations and careers: who studied and worked where, when, as what.

Modelling choices:

- **Organisation sizes are heavy-tailed** (Pareto, shape 1): a few employers with
  thousands of staff, many small firms (Axtell 2001, "Zipf distribution of U.S.
  firm sizes"). People are hired with probability ~ size^0.7, more often in their
  own industry (x4), country (x6) and city (x2.5).
- **Careers**: 1-2 schools (3-5 years, then sometimes a 1-2 year master), then 1-6
  employers; after the last one people stay (8 % leave the workforce instead).
  Tenures are lognormal with a median of three years (5-95 %: ~1.5-6 years), close
  to the median employee tenure reported by the US BLS (4.1 years in 2022, shorter
  for the young). 55 % of moves are immediate, 35 % leave a gap of 1-6 months, 10 %
  of 6-18 months. A quarter of long tenures contain a promotion, written as a new
  position row at the same organisation, as LinkedIn members do.
- **Titles** follow the seniority ladder of :mod:`weakties.synth.vocabulary`: the
  level grows with years of experience up to a personal ceiling.

Dates have month precision (LinkedIn shows "Jun 2018"): positions start on the 1st
and end on the last day of a month. The current job has ``end=None``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np

from weakties.synth.names import LocalePool, company_names, school_names
from weakties.synth.people import Population, locale_weights, pick_places
from weakties.synth.vocabulary import (
    DEGREES_EN,
    DEGREES_FR,
    INDUSTRIES,
    INDUSTRY_WEIGHTS,
    LEVEL_YEARS,
    LEVELS_EN,
    LEVELS_FR,
    PLACES,
)
from weakties.synth.world import SynthOrg, SynthPosition, day_number

CEILING_WEIGHTS = (0.0, 0.0, 0.25, 0.3, 0.2, 0.15, 0.1)
TENURE_MEDIAN_MONTHS = 36
TENURE_SIGMA = 0.45
PROMOTION_SHARE = 0.25
#: Share of people who stop working after their last employer (no current job).
LEAVE_SHARE = 0.08


def month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def month_start(m: int) -> date:
    return date(m // 12, m % 12 + 1, 1)


def month_end(m: int) -> date:
    return month_start(m + 1) - timedelta(days=1)


def make_orgs(
    rng: np.random.Generator,
    pools: dict[str, LocalePool],
    n_companies: int,
    n_schools: int,
    locales: Sequence[str],
) -> list[SynthOrg]:
    """Companies (ids ``0..n_companies-1``) then schools."""
    loc_idx = rng.choice(len(locales), size=n_companies, p=locale_weights(locales))
    c_loc = [locales[k] for k in loc_idx.tolist()]
    w = np.asarray(INDUSTRY_WEIGHTS, dtype=float)
    c_ind = rng.choice(len(INDUSTRIES), size=n_companies, p=w / w.sum()).tolist()
    c_place = pick_places(rng, c_loc).tolist()
    sizes = np.minimum(np.round(5 * (1 + rng.pareto(1.0, size=n_companies))), 400_000)
    names, twins = company_names(rng, pools, c_loc, c_ind)
    orgs = [
        SynthOrg(
            k,
            names[k],
            "company",
            INDUSTRIES[c_ind[k]].name,
            PLACES[c_place[k]].label,
            int(sizes[k]),
            twins[k],
        )
        for k in range(n_companies)
    ]
    s_loc_idx = rng.choice(len(locales), size=n_schools, p=locale_weights(locales))
    s_loc = [locales[k] for k in s_loc_idx.tolist()]
    schools = school_names(rng, pools, s_loc)
    s_sizes = np.round(rng.lognormal(math.log(8000), 0.9, size=n_schools)).astype(int)
    for j, (name, place) in enumerate(schools):
        orgs.append(
            SynthOrg(
                n_companies + j,
                name,
                "school",
                "Higher Education",
                place.label,
                int(max(300, s_sizes[j])),
            )
        )
    return orgs


class _Picker:
    """Weighted choice of an organisation, with weights cached per (industry, city)."""

    def __init__(
        self,
        orgs: list[SynthOrg],
        kind: str,
        size_power: float,
        same_industry: float,
        same_locale: float,
        same_city: float,
    ) -> None:
        self.ids = np.array([o.id for o in orgs if o.kind == kind], dtype=np.int64)
        sel = [orgs[i] for i in self.ids.tolist()]
        self.base = np.array([o.size for o in sel], dtype=float) ** size_power
        self.industry = np.array([o.industry for o in sel])
        city = {p.label: k for k, p in enumerate(PLACES)}
        self.place = np.array([city.get(o.location, -1) for o in sel])
        self.locale = np.array([PLACES[p].locale if p >= 0 else "" for p in self.place])
        self.factors = (same_industry, same_locale, same_city)
        self.cache: dict[tuple[str, int], np.ndarray] = {}

    def cumulative(self, industry: str, place: int) -> np.ndarray:
        key = (industry, place)
        if key not in self.cache:
            fi, fl, fc = self.factors
            w = self.base * np.where(self.industry == industry, fi, 1.0)
            w = w * np.where(self.locale == PLACES[place].locale, fl, 1.0)
            w = w * np.where(self.place == place, fc, 1.0)
            c = np.cumsum(w)
            self.cache[key] = c / c[-1]
        return self.cache[key]

    def pick(self, industry: str, place: int, u: float) -> int:
        c = self.cumulative(industry, place)
        return int(self.ids[min(int(np.searchsorted(c, u, side="right")), len(c) - 1)])


def _level_for(years: float, ceiling: int) -> int:
    lvl = 0
    for k, y in enumerate(LEVEL_YEARS):
        if years >= y:
            lvl = k
    return min(lvl, ceiling)


def make_careers(
    rng: np.random.Generator,
    pop: Population,
    orgs: list[SynthOrg],
    start: date,
    end: date,
) -> list[SynthPosition]:
    """Studies then jobs for every person, in person order."""
    n = len(pop)
    jobs_picker = _Picker(orgs, "company", 0.7, 4.0, 6.0, 2.5)
    school_picker = _Picker(orgs, "school", 0.5, 1.0, 10.0, 3.0)
    end_m = month_index(end)
    y_lo, y_hi = start.year - 24, end.year - 4
    U = rng.random((n, 96))
    Z = rng.standard_normal((n, 32))
    cw = np.asarray(CEILING_WEIGHTS)
    ceilings = rng.choice(len(cw), size=n, p=cw / cw.sum())
    out: list[SynthPosition] = []
    for i in range(n):
        us = iter(U[i].tolist())
        zs = iter(Z[i].tolist())

        def u(us=us) -> float:
            return next(us, 0.5)

        def z(zs=zs) -> float:
            return next(zs, 0.0)

        fr = pop.locale[i] == "fr_FR"
        place = int(pop.place[i])
        industry = INDUSTRIES[int(pop.industry[i])]
        role = industry.roles[int(pop.role[i])]
        # -- studies
        y0 = y_lo + int(u() * (y_hi - y_lo + 1))
        s_m = y0 * 12 + 8
        if fr:
            years = 3 if u() < 0.4 else 5
            degree = DEGREES_FR[0] if years == 3 else DEGREES_FR[2 + int(u() < 0.35)]
        else:
            years = 4 if u() < 0.7 else 3
            degree = DEGREES_EN[int(u() < 0.4)]
        e_m = s_m + years * 12 - 3
        school = school_picker.pick(industry.name, place, u())
        out.append(
            SynthPosition(
                i, school, degree, "study", month_start(s_m), month_end(e_m), degree=degree
            )
        )
        if u() < 0.3:
            s2 = e_m + 3
            e_m = s2 + (12 if u() < 0.5 else 24) - 3
            school2 = school if u() < 0.3 else school_picker.pick(industry.name, place, u())
            deg2 = DEGREES_FR[2] if fr else DEGREES_EN[2 + int(u() < 0.4)]
            out.append(
                SynthPosition(
                    i, school2, deg2, "study", month_start(s2), month_end(e_m), degree=deg2
                )
            )
        # -- jobs: up to ``cap`` employers; then the person stays with the last one
        # (further rows there are promotions) unless they leave the workforce.
        m = e_m + 1 + int(u() * 7)
        first_m = m
        ceiling = int(ceilings[i])
        level = 0
        prev_org = -1
        cap = 1 + int(u() * 6)
        leaves = u() < LEAVE_SHARE
        n_jobs = 0
        last: SynthPosition | None = None
        fr_titles = bool(pop.french_titles[i])
        while m <= end_m:
            if n_jobs >= cap:
                if leaves:
                    break
                org = prev_org
            else:
                org = jobs_picker.pick(industry.name, place, u())
                if org == prev_org:
                    org = jobs_picker.pick(industry.name, place, u())
            level = max(level, _level_for((m - first_m) / 12 + z(), ceiling))
            tenure = round(math.exp(math.log(TENURE_MEDIAN_MONTHS) + TENURE_SIGMA * z()))
            tenure = min(max(tenure, 6), 180)
            total_end = m + tenure - 1
            segments = [(m, total_end, level)]
            if tenure >= 24 and level < ceiling and u() < PROMOTION_SHARE:
                split = m + int(tenure * (0.35 + 0.3 * u()))
                segments = [(m, split - 1, level), (split, total_end, level + 1)]
            for s, e, lvl in segments:
                if s > end_m:
                    break
                title = (LEVELS_FR if fr_titles else LEVELS_EN)[lvl].format(
                    role=role.fr if fr_titles else role.en,
                    dept=role.department_fr if fr_titles else role.department,
                )
                end_d = None if e >= end_m else month_end(e)
                if (
                    last is not None
                    and last.org == org
                    and last.title == title
                    and last.end is not None
                    and month_index(last.end) + 1 == s
                ):
                    # Same title at the same employer: one position row, extended.
                    start_d = last.start
                    out.pop()
                else:
                    start_d = month_start(s)
                last = SynthPosition(i, org, title, "job", start_d, end_d, role.department)
                out.append(last)
                level = lvl
            if org != prev_org:
                n_jobs += 1
            prev_org = org
            if total_end >= end_m:
                break
            g = u()
            if (n_jobs >= cap and not leaves) or g < 0.55:
                gap = 0
            elif g < 0.9:
                gap = 1 + int(u() * 6)
            else:
                gap = 6 + int(u() * 13)
            m = total_end + 1 + gap
    return out


def first_activity(positions: list[SynthPosition], n: int) -> np.ndarray:
    """Day number of each person's earliest position start."""
    first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    for p in positions:
        d = day_number(p.start)
        if d < first[p.person]:
            first[p.person] = d
    return first
