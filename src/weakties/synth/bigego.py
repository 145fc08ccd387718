"""A world built around one very connected person, for import benchmarks.

Person 0 (the *ego*) has exactly ``n_connections`` ties and exactly ``n_messages``
messages, all one-to-one; the other people have careers, skills and follows but no
ties among themselves (an export only shows the ego's first degree anyway). Their
ties with the ego are colleague or alumni ties when their careers overlapped with
the ego's, random ones otherwise; classes, message timing and reciprocity follow
the same rules as :func:`weakties.synth.generate`. Connections accumulate faster
in recent years, as in real accounts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np

from weakties.synth.generate import (
    DEFAULT_END,
    DEFAULT_LOCALES,
    DEFAULT_START,
    _draw_parts,
    _finish,
    _spells,
    _streams,
)
from weakties.synth.ties import (
    NOMINAL,
    ORGANISATION,
    RANDOM_FOCUS,
    SCHOOL,
    STRONG,
    WEAK,
    TieTable,
    classify,
)
from weakties.synth.traces import MIN_MESSAGES, RATE_MEDIAN, RATE_SIGMA
from weakties.synth.world import World, day_number

EGO = 0


def generate_big_ego(
    n_connections: int = 30_000,
    n_messages: int = 300_000,
    seed: int = 0,
    start: date = DEFAULT_START,
    end: date = DEFAULT_END,
    locales: Sequence[str] = DEFAULT_LOCALES,
) -> World:
    """A world whose person 0 has ``n_connections`` ties and ``n_messages`` messages.

    A few extra people (1 %, at least 10) are not tied to the ego, so that pending
    invitations have someone to go to.

    Examples
    --------
    >>> w = generate_big_ego(n_connections=50, n_messages=400, seed=2)
    >>> len(w.ties_of(0)), len(w.messages)
    (50, 400)
    """
    if n_connections < 1 or n_messages < 0:
        raise ValueError("n_connections must be >= 1 and n_messages >= 0")
    n_people = n_connections + 1 + max(10, n_connections // 100)
    streams = _streams(seed)
    parts = _draw_parts(seed, n_people, start, end, locales, streams, with_groups=False)
    start_day, end_day = day_number(start), day_number(end)
    joined = parts.joined
    joined[EGO] = start_day
    rng = streams[6]
    contacts = np.arange(1, n_connections + 1, dtype=np.int64)
    focus = np.full(n_connections, RANDOM_FOCUS, dtype=np.int64)
    context = np.full(n_connections, -1, dtype=np.int64)
    ctx_end = np.full(n_connections, end_day, dtype=np.int64)
    lower = np.maximum(joined[EGO], joined[contacts])
    for kind, min_overlap, code in (("study", 60, SCHOOL), ("job", 30, ORGANISATION)):
        sp = _spells(parts.positions, kind, end_day)
        mine = sp.person == EGO
        for org, s, e in zip(
            sp.key[mine].tolist(), sp.start[mine].tolist(), sp.end[mine].tolist(), strict=True
        ):
            ov_s = np.maximum(sp.start, s)
            ov_e = np.minimum(sp.end, e)
            hit = (
                (sp.key == org)
                & (sp.person != EGO)
                & (sp.person <= n_connections)
                & (ov_e - ov_s >= min_overlap)
            )
            who = sp.person[hit] - 1
            focus[who] = code
            context[who] = org
            ctx_end[who] = ov_e[hit]
            lower[who] = np.maximum(lower[who], ov_s[hit])
    lower = np.minimum(lower, end_day)
    since = lower + np.floor((end_day - lower) * rng.random(n_connections) ** 0.6).astype(np.int64)
    tt = classify(
        rng,
        np.zeros(n_connections, dtype=np.int64),
        contacts,
        since,
        focus,
        context,
        ctx_end,
        parts.pop.sociability,
        end_day,
    )
    counts = _exact_counts(rng, tt, n_messages, end_day)
    return _finish(parts, tt, counts, streams, n_group_convs=0, inmails_per_recruiter=0.0)


def _exact_counts(
    rng: np.random.Generator, tt: TieTable, n_messages: int, end_day: int
) -> np.ndarray:
    """Heavy-tailed message counts per tie summing to exactly ``n_messages``."""
    active = np.flatnonzero(tt.tie_class != NOMINAL)
    if len(active) > n_messages:
        # Not enough messages for every active tie: the surplus becomes nominal.
        drop = rng.choice(active, size=len(active) - n_messages, replace=False)
        tt.tie_class[drop] = NOMINAL
        tt.active_class[drop] = -1
        tt.active_until[drop] = end_day
        active = np.flatnonzero(tt.tie_class != NOMINAL)
    counts = np.zeros(len(tt), dtype=np.int64)
    if len(active) == 0:
        return counts
    strong = tt.active_class[active] == STRONG
    mins = np.where(strong, MIN_MESSAGES[STRONG], MIN_MESSAGES[WEAK])
    if mins.sum() > n_messages:
        mins = np.ones(len(active), dtype=np.int64)
    years = np.maximum((tt.active_until[active] - tt.since[active] + 1) / 365.25, 0.1)
    med = np.where(strong, RATE_MEDIAN[STRONG], RATE_MEDIAN[WEAK])
    sig = np.where(strong, RATE_SIGMA[STRONG], RATE_SIGMA[WEAK])
    w = med * np.exp(sig * rng.standard_normal(len(active))) * years
    counts[active] = mins + rng.multinomial(n_messages - int(mins.sum()), w / w.sum())
    return counts
