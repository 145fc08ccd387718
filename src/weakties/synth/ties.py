"""Ties: who is connected to whom, since when, why, and how strongly.

Where ties come from (Feld's foci, 1981): people connect with

- **colleagues** whose tenure at the same organisation overlapped by 30 days or
  more. Organisations are split into departments and, inside departments, teams of
  about a dozen; a team-mate is very likely a contact, someone elsewhere in a big
  organisation rarely -- the probability decreases with the size of the department
  and of the organisation;
- **alumni** who studied at the same school at overlapping dates (more likely for
  the same degree, less likely in a big school);
- **group** co-members;
- a **random** sprinkle of cross-community ties, which makes the network a small
  world (Watts & Strogatz 1998) and supplies Granovetter's bridges;
- **mutual** contacts: two strong contacts of the same person, met through them
  (triadic closure). ``context`` is then the id of that common contact.

Every pair probability is ``1 - exp(-c * s_i * s_j)`` with ``s`` the endpoints'
sociability (Chung-Lu), which yields a heavy-tailed degree distribution. At most one
tie per pair: when several foci link a pair, the closest one (team > department >
organisation > school > group > random) gives the tie its basis and date.

Classes (see :mod:`weakties.synth.world` for the definitions): the chance of a strong
tie depends on the focus (team-mates 50 %, random contacts 3 %, see ``P_STRONG``), as
Granovetter's argument implies: strong ties sit inside dense clusters. Team-mates are
mostly tied to each other already; in addition, two strong contacts of a person who
are not tied become tied with probability ``P_CLOSE`` (basis ``mutual``), so
Granovetter's "forbidden triad" (A-B and A-C strong, B-C absent) stays rare (about
20 % of strong-strong pairs stay open in a 2,000-person world); mutual ties are never
strong themselves, or they would open new triads. Each person keeps at most
``DUNBAR_STRONG = 15`` strong ties, Dunbar's "sympathy group" layer (Dunbar 1998;
Zhou et al. 2005: layers of about 5/15/50/150); surplus strong ties are downgraded
to weak. Dormant ties (Levin, Walter & Murnighan 2011) are old active ties that
stopped: most often between former colleagues who no longer work together.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from weakties.synth.arrays import run_starts
from weakties.synth.world import DORMANT_DAYS

STRONG, WEAK, DORMANT, NOMINAL = 0, 1, 2, 3
COLLEAGUE, ALUMNI, GROUP, RANDOM, MUTUAL = 0, 1, 2, 3, 4
TEAM, DEPARTMENT, ORGANISATION, SCHOOL, GROUP_FOCUS, RANDOM_FOCUS, MUTUAL_FOCUS = range(7)

#: Probability of a strong / nominal tie by focus (team ... random, mutual); the rest
#: is weak.
P_STRONG = np.array([0.50, 0.25, 0.06, 0.12, 0.05, 0.03, 0.0])
P_NOMINAL = np.array([0.05, 0.20, 0.40, 0.35, 0.50, 0.55, 0.30])
#: Probability that two strong contacts of a person who are not yet tied get tied.
P_CLOSE = 0.85
DUNBAR_STRONG = 15
TEAM_SIZE = 12
MAX_PAIRS_PER_FOCUS = 1_500_000
RANDOM_TIES_PER_PERSON = 25.0
#: Pair rates per focus, before the sociability factors: ``C_TEAM`` for team-mates,
#: ``C / sqrt(n)`` for a department / organisation / school with n spells, and
#: ``C_GROUP / n**0.6`` for a group of n members (so big foci are sparser).
C_TEAM = 1.5
C_DEPARTMENT = 6.0
C_ORGANISATION = 14.0
C_SCHOOL = 10.0
C_GROUP = 1.5


@dataclass(frozen=True, eq=False)
class TieTable:
    """Ties as parallel arrays (day numbers for dates), sorted by ``(a, b)``."""

    a: np.ndarray
    b: np.ndarray
    since: np.ndarray
    basis: np.ndarray
    focus: np.ndarray
    tie_class: np.ndarray
    active_class: np.ndarray  # STRONG/WEAK, or -1 for nominal ties
    inviter: np.ndarray
    context: np.ndarray
    active_until: np.ndarray

    def __len__(self) -> int:
        return len(self.a)


@dataclass(frozen=True, eq=False)
class Spells:
    """Time spells of people at a focus (a job, a study, a membership)."""

    person: np.ndarray
    key: np.ndarray  # org or group id
    start: np.ndarray  # day numbers
    end: np.ndarray  # day numbers (inclusive); far future when still there
    sub: np.ndarray  # department code (jobs), degree code (studies), 0 otherwise


def _pairs_by_key(
    key: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """All pairs of entries sharing ``key`` (a random subset for huge foci).

    Returns entry indices ``i, j``, a weight compensating for sub-sampling, and the
    number of entries of the focus each pair belongs to.
    """
    order = np.argsort(key, kind="stable")
    ks = key[order]
    cuts = np.flatnonzero(np.diff(ks)) + 1
    starts = np.concatenate([[0], cuts]).tolist()
    ends = [*cuts.tolist(), len(ks)]
    out_i, out_j, out_w, out_n = [], [], [], []
    for s, e in zip(starts, ends, strict=True):
        m = e - s
        if m < 2:
            continue
        total = m * (m - 1) // 2
        if total <= MAX_PAIRS_PER_FOCUS:
            ii, jj = np.triu_indices(m, 1)
            w = 1.0
        else:
            ii = rng.integers(0, m, size=MAX_PAIRS_PER_FOCUS)
            jj = rng.integers(0, m, size=MAX_PAIRS_PER_FOCUS)
            keep = ii != jj
            ii, jj = ii[keep], jj[keep]
            w = total / len(ii)
        out_i.append(order[s + ii])
        out_j.append(order[s + jj])
        out_w.append(np.full(len(ii), w))
        out_n.append(np.full(len(ii), m, dtype=np.int64))
    if not out_i:
        z = np.zeros(0, dtype=np.int64)
        return z, z, np.zeros(0), z
    return (
        np.concatenate(out_i),
        np.concatenate(out_j),
        np.concatenate(out_w),
        np.concatenate(out_n),
    )


def _accept(rng: np.random.Generator, c: np.ndarray, si: np.ndarray, sj: np.ndarray) -> np.ndarray:
    return rng.random(len(c)) < 1.0 - np.exp(-c * si * sj)


@dataclass
class _Candidates:
    a: list[np.ndarray]
    b: list[np.ndarray]
    since: list[np.ndarray]
    focus: list[np.ndarray]
    context: list[np.ndarray]
    context_end: list[np.ndarray]

    def add(
        self,
        a: np.ndarray,
        b: np.ndarray,
        since: np.ndarray,
        focus: np.ndarray,
        context: np.ndarray,
        context_end: np.ndarray,
    ) -> None:
        self.a.append(a)
        self.b.append(b)
        self.since.append(since)
        self.focus.append(focus)
        self.context.append(context)
        self.context_end.append(context_end)


def _delay(rng: np.random.Generator, n: int, mean_days: float) -> np.ndarray:
    return np.floor(rng.exponential(mean_days, size=n)).astype(np.int64)


def _focus_ties(
    rng: np.random.Generator,
    spells: Spells,
    soc: np.ndarray,
    joined: np.ndarray,
    end_day: int,
    min_overlap: int,
    kind: str,
    cand: _Candidates,
) -> None:
    i, j, w, n_focus = _pairs_by_key(spells.key, rng)
    pi, pj = spells.person[i], spells.person[j]
    ov_s = np.maximum(spells.start[i], spells.start[j])
    ov_e = np.minimum(spells.end[i], spells.end[j])
    keep = (pi != pj) & (ov_e - ov_s >= min_overlap)
    i, j, w, n_focus, pi, pj = i[keep], j[keep], w[keep], n_focus[keep], pi[keep], pj[keep]
    ov_s, ov_e = ov_s[keep], ov_e[keep]
    if kind == "job":
        same_dept = spells.sub[i] == spells.sub[j]
        # Each job spell joins one of the department's teams of about TEAM_SIZE.
        dept_key = spells.key * 64 + spells.sub
        _, inv, counts = np.unique(dept_key, return_inverse=True, return_counts=True)
        n_teams = np.maximum(1, np.round(counts / TEAM_SIZE)).astype(np.int64)
        team = (rng.random(len(dept_key)) * n_teams[inv]).astype(np.int64)
        same_team = same_dept & (team[i] == team[j])
        n_dept = counts[inv][i]
        c = np.where(
            same_team,
            C_TEAM,
            np.where(
                same_dept,
                np.minimum(0.8, C_DEPARTMENT / np.sqrt(n_dept)),
                np.minimum(0.6, C_ORGANISATION / np.sqrt(n_focus)),
            ),
        )
        focus = np.where(same_team, TEAM, np.where(same_dept, DEPARTMENT, ORGANISATION))
        mean_delay = 120.0
    elif kind == "study":
        same_deg = spells.sub[i] == spells.sub[j]
        c = np.minimum(0.4, C_SCHOOL / np.sqrt(n_focus)) * np.where(same_deg, 2.0, 1.0)
        focus = np.full(len(i), SCHOOL)
        mean_delay = 240.0
    else:
        c = np.minimum(0.3, C_GROUP / n_focus**0.6)
        focus = np.full(len(i), GROUP_FOCUS)
        mean_delay = 300.0
    ok = _accept(rng, c * w, soc[pi], soc[pj])
    pi, pj, ov_s, ov_e, focus = pi[ok], pj[ok], ov_s[ok], ov_e[ok], focus[ok]
    ctx = spells.key[i[ok]]
    lower = np.maximum(ov_s, np.maximum(joined[pi], joined[pj]))
    since = lower + _delay(rng, len(pi), mean_delay)
    keep = since <= end_day
    cand.add(pi[keep], pj[keep], since[keep], focus[keep], ctx[keep], ov_e[keep])


def _random_ties(
    rng: np.random.Generator,
    soc: np.ndarray,
    joined: np.ndarray,
    end_day: int,
    cand: _Candidates,
) -> None:
    n = len(soc)
    k = rng.poisson(RANDOM_TIES_PER_PERSON / 2 * soc)
    src = np.repeat(np.arange(n), k)
    dst = rng.choice(n, size=len(src), p=soc / soc.sum())
    keep = src != dst
    src, dst = src[keep], dst[keep]
    lo = np.maximum(joined[src], joined[dst])
    since = lo + np.floor(rng.random(len(src)) * (end_day - lo + 1)).astype(np.int64)
    keep = since <= end_day
    m = int(keep.sum())
    cand.add(
        src[keep],
        dst[keep],
        since[keep],
        np.full(m, RANDOM_FOCUS),
        np.full(m, -1),
        np.full(m, end_day),
    )


def sample_ties(
    rng: np.random.Generator,
    soc: np.ndarray,
    joined: np.ndarray,
    jobs: Spells,
    studies: Spells,
    memberships: Spells,
    end_day: int,
) -> TieTable:
    """Draw the whole tie set of a world (see the module docstring)."""
    n = len(soc)
    cand = _Candidates([], [], [], [], [], [])
    _focus_ties(rng, jobs, soc, joined, end_day, 30, "job", cand)
    _focus_ties(rng, studies, soc, joined, end_day, 60, "study", cand)
    _focus_ties(rng, memberships, soc, joined, end_day, 0, "group", cand)
    _random_ties(rng, soc, joined, end_day, cand)
    a = np.concatenate(cand.a).astype(np.int64)
    b = np.concatenate(cand.b).astype(np.int64)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    since = np.concatenate(cand.since).astype(np.int64)
    focus = np.concatenate(cand.focus).astype(np.int64)
    context = np.concatenate(cand.context).astype(np.int64)
    ctx_end = np.concatenate(cand.context_end).astype(np.int64)
    key = lo * n + hi
    order = np.lexsort((since, focus, key))
    first = run_starts(key[order])
    sel = order[first]
    tt = classify(
        rng, lo[sel], hi[sel], since[sel], focus[sel], context[sel], ctx_end[sel], soc, end_day
    )
    return close_strong_triads(rng, tt, soc, end_day)


def close_strong_triads(
    rng: np.random.Generator, tt: TieTable, soc: np.ndarray, end_day: int
) -> TieTable:
    """Tie up pairs of strong contacts of a common person (see the module docstring)."""
    n = len(soc)
    s = np.flatnonzero(tt.tie_class == STRONG)
    ends = np.concatenate([tt.a[s], tt.b[s]])
    others = np.concatenate([tt.b[s], tt.a[s]])
    sinces = np.concatenate([tt.since[s], tt.since[s]])
    i, j, _, _ = _pairs_by_key(ends, rng)
    lo = np.minimum(others[i], others[j])
    hi = np.maximum(others[i], others[j])
    key = lo * n + hi
    existing = tt.a * n + tt.b
    pos = np.minimum(np.searchsorted(existing, key), max(len(existing) - 1, 0))
    open_ = (lo != hi) & (existing[pos] != key)
    since = np.maximum(sinces[i], sinces[j]) + _delay(rng, len(i), 200.0)
    broker = ends[i]
    lo, hi, key, since, broker = lo[open_], hi[open_], key[open_], since[open_], broker[open_]
    order = np.lexsort((since, key))
    first = run_starts(key[order])
    sel = order[first]
    sel = sel[(rng.random(len(sel)) < P_CLOSE) & (since[sel] <= end_day)]
    if len(sel) == 0:
        return tt
    strong_count = np.bincount(np.concatenate([tt.a[s], tt.b[s]]), minlength=n)
    m = len(sel)
    new = classify(
        rng,
        lo[sel],
        hi[sel],
        since[sel],
        np.full(m, MUTUAL_FOCUS),
        broker[sel],
        np.full(m, end_day),
        soc,
        end_day,
        already_strong=strong_count,
    )
    merged = {
        f: np.concatenate([getattr(tt, f), getattr(new, f)]) for f in TieTable.__dataclass_fields__
    }
    order = np.lexsort((merged["b"], merged["a"]))
    return TieTable(**{f: v[order] for f, v in merged.items()})


def basis_of_focus(focus: np.ndarray) -> np.ndarray:
    return np.select(
        [focus <= ORGANISATION, focus == SCHOOL, focus == GROUP_FOCUS, focus == MUTUAL_FOCUS],
        [COLLEAGUE, ALUMNI, GROUP, MUTUAL],
        RANDOM,
    )


def classify(
    rng: np.random.Generator,
    a: np.ndarray,
    b: np.ndarray,
    since: np.ndarray,
    focus: np.ndarray,
    context: np.ndarray,
    context_end: np.ndarray,
    soc: np.ndarray,
    end_day: int,
    already_strong: np.ndarray | None = None,
) -> TieTable:
    """Give each tie its inviter, class, active class and active period.

    ``already_strong`` counts strong ties each person has outside these ties, for
    the Dunbar cap.
    """
    m = len(a)
    ps = P_STRONG[focus]
    pn = P_NOMINAL[focus]
    u = rng.random(m)
    cls = np.where(u < ps, STRONG, np.where(u < ps + pn, NOMINAL, WEAK))
    if already_strong is None:
        already_strong = np.zeros(len(soc), dtype=np.int64)
    cls = _cap_strong(rng, a, b, cls, already_strong)
    active = np.where(cls == NOMINAL, -1, cls)
    # Dormant: old active ties, most often between people who no longer share the focus.
    latest = end_day - DORMANT_DAYS - 240
    eligible = (cls != NOMINAL) & (since <= latest)
    p_dorm = np.where(
        context_end <= end_day - DORMANT_DAYS, 0.55, np.where(context_end >= end_day, 0.03, 0.15)
    )
    dormant = eligible & (rng.random(m) < p_dorm)
    cls = np.where(dormant, DORMANT, cls)
    stop_hi = end_day - DORMANT_DAYS - 30
    stop_lo = np.minimum(since + 180, stop_hi)
    stop = stop_lo + np.floor(rng.random(m) * (stop_hi - stop_lo + 1)).astype(np.int64)
    active_until = np.where(dormant, stop, end_day)
    sa, sb = soc[a], soc[b]
    inviter = np.where(rng.random(m) < sa / (sa + sb), a, b)
    return TieTable(
        a=a,
        b=b,
        since=since,
        basis=basis_of_focus(focus),
        focus=focus,
        tie_class=cls,
        active_class=active,
        inviter=inviter,
        context=context,
        active_until=active_until,
    )


def _cap_strong(
    rng: np.random.Generator,
    a: np.ndarray,
    b: np.ndarray,
    cls: np.ndarray,
    already: np.ndarray,
) -> np.ndarray:
    """Downgrade strong ties beyond ``DUNBAR_STRONG`` per person, in random order."""
    strong = np.flatnonzero(cls == STRONG)
    if len(strong) == 0:
        return cls
    prio = rng.random(len(strong))
    ends = np.concatenate([a[strong], b[strong]])
    which = np.concatenate([np.arange(len(strong))] * 2)
    order = np.lexsort((np.concatenate([prio, prio]), ends))
    e_sorted = ends[order]
    run_start = np.concatenate([[0], np.flatnonzero(np.diff(e_sorted)) + 1])
    run_len = np.diff(np.concatenate([run_start, [len(e_sorted)]]))
    rank = np.arange(len(e_sorted)) - np.repeat(run_start, run_len)
    over = np.zeros(len(strong), dtype=bool)
    over[which[order][rank >= DUNBAR_STRONG - already[e_sorted]]] = True
    out = cls.copy()
    out[strong[over]] = WEAK
    return out
