"""Interaction traces: messages, group conversations, InMails, endorsements,
recommendations and company follows.

Messages follow the tie classes of :mod:`weakties.synth.ties`:

- **How many**: a per-tie yearly rate drawn from a lognormal (median 10/year for
  strong ties, 1/year for weak ones, sigma 0.7-0.9), times the years the tie is
  active. Contact frequency across a person's ties is then heavy-tailed, as found
  in e-mail and phone data (Eckmann, Moses & Sergi 2004; Saramäki et al. 2014).
- **When**: messages come in *exchanges* (a thread burst): an exchange opens on a
  uniformly drawn day of the tie's active period and continues with probability
  0.65 (strong) or 0.35 (weak) after each message, minutes to hours apart. Strong
  ties are recent by construction (their last exchange falls in the last 60
  days), weak ties have one in the last ~2.5 years, dormant ties stop at least three
  years before the end of the world.
- **Who writes**: an exchange is opened by the tie's inviter with probability 0.5
  (strong: balanced) or 0.75 (weak: one-sided), and replies alternate direction.

Group conversations (3-6 people, all pairwise tied by active ties) send each message
to every other participant. Recruiters send cold InMails to people outside their
network; about a third get a reply. Endorsements come in sessions (an endorser
ticks a few skills within a minute), mostly on strong colleague ties;
recommendations only on strong ties between team or department colleagues.
"""

from __future__ import annotations

import numpy as np

from weakties.synth.arrays import run_starts
from weakties.synth.ties import DEPARTMENT, NOMINAL, ORGANISATION, STRONG, WEAK, TieTable
from weakties.synth.world import (
    CONV_DIRECT,
    CONV_GROUP,
    CONV_INMAIL,
    DAY,
    Conversations,
    Endorsements,
    Messages,
    SynthFollow,
)

RATE_MEDIAN = {STRONG: 10.0, WEAK: 1.0}
RATE_SIGMA = {STRONG: 0.7, WEAK: 0.9}
MIN_MESSAGES = {STRONG: 4, WEAK: 1}
CONTINUE = {STRONG: 0.65, WEAK: 0.35}
GAP_SECONDS = {STRONG: 2 * 3600.0, WEAK: 20 * 3600.0}
OPEN_BY_INVITER = {STRONG: 0.5, WEAK: 0.75}
STRONG_RECENT_DAYS = 60
WEAK_RECENT_DAYS = 900


def message_counts(rng: np.random.Generator, tt: TieTable) -> np.ndarray:
    """Messages per tie over its active period (0 for nominal ties)."""
    years = np.maximum((tt.active_until - tt.since + 1) / 365.25, 0.1)
    strong = tt.active_class == STRONG
    med = np.where(strong, RATE_MEDIAN[STRONG], RATE_MEDIAN[WEAK])
    sig = np.where(strong, RATE_SIGMA[STRONG], RATE_SIGMA[WEAK])
    rate = med * np.exp(sig * rng.standard_normal(len(tt)))
    counts = rng.poisson(rate * years)
    counts = np.maximum(counts, np.where(strong, MIN_MESSAGES[STRONG], MIN_MESSAGES[WEAK]))
    return np.where(tt.tie_class == NOMINAL, 0, counts).astype(np.int64)


def _sorted_within(group: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``values`` sorted inside each run of equal ``group`` (groups already contiguous)."""
    return values[np.lexsort((values, group))]


def direct_messages(
    rng: np.random.Generator, tt: TieTable, counts: np.ndarray, end_day: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Messages of one-to-one conversations: ``(tie, sender, recipient, ts)`` per message.

    Rows are grouped by tie, in time order inside a tie.
    """
    total = int(counts.sum())
    tie = np.repeat(np.arange(len(tt)), counts)
    if total == 0:
        z = np.zeros(0, dtype=np.int64)
        return z, z, z, z
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    k = np.arange(total) - np.repeat(offsets, counts)
    strong = tt.active_class[tie] == STRONG
    q = np.where(strong, CONTINUE[STRONG], CONTINUE[WEAK])
    new_ex = (k == 0) | (rng.random(total) >= q)
    ex_id = np.cumsum(new_ex) - 1
    ex_first = np.flatnonzero(new_ex)
    ex_tie = tie[ex_first]
    n_ex = len(ex_first)
    w0 = tt.since[ex_tie]
    w1 = tt.active_until[ex_tie]
    day = w0 + np.floor(rng.random(n_ex) * (w1 - w0 + 1)).astype(np.int64)
    day = _sorted_within(ex_tie, day)
    # The last exchange of a strong / weak tie is recent (see module docstring).
    last = np.concatenate([np.flatnonzero(np.diff(ex_tie) != 0), [n_ex - 1]])
    lt = ex_tie[last]
    cls = tt.tie_class[lt]
    recent = np.where(cls == STRONG, STRONG_RECENT_DAYS, WEAK_RECENT_DAYS)
    lo = np.maximum(tt.since[lt], end_day - recent + 1)
    hi = tt.active_until[lt]
    forced = lo + np.floor(rng.random(len(last)) * (hi - lo + 1)).astype(np.int64)
    active_now = (cls == STRONG) | (cls == WEAK)
    day[last] = np.where(active_now, np.maximum(forced, day[last]), day[last])
    day = _sorted_within(ex_tie, day)
    sod = np.clip(rng.normal(14.5 * 3600, 3.5 * 3600, size=n_ex), 0, DAY - 1).astype(np.int64)
    ex_ts = day * DAY + sod
    gap_mean = np.where(strong, GAP_SECONDS[STRONG], GAP_SECONDS[WEAK])
    gaps = rng.exponential(1.0, size=total) * gap_mean + 20.0
    gaps[new_ex] = 0.0
    cum = np.cumsum(gaps)
    within = cum - cum[ex_first][ex_id]
    ts = ex_ts[ex_id] + within.astype(np.int64)
    ts = np.minimum(ts, (tt.active_until[tie] + 1) * DAY - 1)
    pos = k - k[ex_first][ex_id]
    p_open = np.where(
        tt.active_class[ex_tie] == STRONG, OPEN_BY_INVITER[STRONG], OPEN_BY_INVITER[WEAK]
    )
    opener_inviter = rng.random(n_ex) < p_open
    by_inviter = opener_inviter[ex_id] ^ (pos % 2 == 1)
    inviter = tt.inviter[tie]
    other = tt.a[tie] + tt.b[tie] - inviter
    sender = np.where(by_inviter, inviter, other)
    recipient = np.where(by_inviter, other, inviter)
    return tie, sender, recipient, ts


class _ActiveGraph:
    """Neighbour sets over strong and weak (currently active) ties, built on demand."""

    def __init__(self, tt: TieTable) -> None:
        act = (tt.tie_class == STRONG) | (tt.tie_class == WEAK)
        self.idx = np.flatnonzero(act)
        ends = np.concatenate([tt.a[self.idx], tt.b[self.idx]])
        others = np.concatenate([tt.b[self.idx], tt.a[self.idx]])
        tie_ids = np.concatenate([self.idx, self.idx])
        order = np.argsort(ends, kind="stable")
        self.ends, self.others, self.ties = ends[order], others[order], tie_ids[order]
        self.tt = tt

    def neighbours(self, p: int) -> dict[int, int]:
        lo = int(np.searchsorted(self.ends, p, side="left"))
        hi = int(np.searchsorted(self.ends, p, side="right"))
        return dict(zip(self.others[lo:hi].tolist(), self.ties[lo:hi].tolist(), strict=True))


def group_conversations(
    rng: np.random.Generator, tt: TieTable, n_convs: int, end_day: int, first_conv: int
) -> tuple[list[np.ndarray], dict[int, tuple[int, ...]]]:
    """Group conversations among mutually tied people; one row per (message, recipient).

    Returns the row arrays ``[conv, sender, recipient, ts, msg_local]`` and the members.
    """
    graph = _ActiveGraph(tt)
    rows: list[list[np.ndarray]] = [[], [], [], [], []]
    members: dict[int, tuple[int, ...]] = {}
    if len(graph.idx) == 0 or n_convs == 0:
        return [np.zeros(0, dtype=np.int64) for _ in range(5)], members
    seeds = rng.choice(graph.idx, size=n_convs)
    msg_base = 0
    conv = first_conv
    for t in seeds.tolist():
        a, b = int(tt.a[t]), int(tt.b[t])
        na, nb = graph.neighbours(a), graph.neighbours(b)
        common = sorted(set(na) & set(nb))
        if len(common) < 1:
            continue
        target = 3 + int(rng.integers(0, 4))
        group = [a, b]
        group_ties = [t]
        cands = rng.permutation(np.asarray(common)).tolist()
        neigh = {a: na, b: nb}
        for c in cands:
            if len(group) >= target:
                break
            nc = graph.neighbours(c)
            if all(g in nc for g in group):
                group_ties.extend(nc[g] for g in group)
                group.append(c)
                neigh[c] = nc
        if len(group) < 3:
            continue
        lo = int(max(tt.since[group_ties].max(), end_day - 8 * 365))
        if lo > end_day:
            continue
        n_msg = 2 + int(rng.lognormal(np.log(6.0), 0.8))
        centre = lo + int(rng.integers(0, end_day - lo + 1))
        ts = centre * DAY + np.cumsum(rng.exponential(6 * 3600, size=n_msg)).astype(np.int64)
        ts = np.minimum(ts + 9 * 3600, (end_day + 1) * DAY - 1)
        senders = np.asarray(group)[rng.integers(0, len(group), size=n_msg)]
        gset = np.asarray(sorted(group))
        for j in range(n_msg):
            s = int(senders[j])
            recips = gset[gset != s]
            rows[0].append(np.full(len(recips), conv))
            rows[1].append(np.full(len(recips), s))
            rows[2].append(recips)
            rows[3].append(np.full(len(recips), ts[j]))
            rows[4].append(np.full(len(recips), msg_base + j))
        msg_base += n_msg
        members[conv] = tuple(int(x) for x in gset)
        conv += 1
    if not rows[0]:
        return [np.zeros(0, dtype=np.int64) for _ in range(5)], members
    return [np.concatenate(r).astype(np.int64) for r in rows], members


def inmails(
    rng: np.random.Generator,
    recruiters: np.ndarray,
    n_people: int,
    tied: set[int],
    joined: np.ndarray,
    end_day: int,
    per_recruiter: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cold messages from recruiters to people they are not tied to.

    Returns ``(thread, sender, recipient, ts)``; ``thread`` numbers the conversations
    from 0 in order.
    """
    out_t, out_s, out_r, out_ts = [], [], [], []
    thread = 0
    for r in recruiters.tolist():
        for _ in range(int(rng.poisson(per_recruiter))):
            p = int(rng.integers(0, n_people))
            key = min(p, r) * n_people + max(p, r)
            if p == r or key in tied:
                continue
            lo = int(max(joined[r], joined[p]))
            if lo > end_day:
                continue
            t0 = (lo + int(rng.integers(0, end_day - lo + 1))) * DAY + int(
                rng.integers(8 * 3600, 19 * 3600)
            )
            out_t.append(thread)
            out_s.append(r)
            out_r.append(p)
            out_ts.append(t0)
            if rng.random() < 0.33:
                t1 = min(t0 + int(rng.exponential(2 * DAY)) + 60, (end_day + 1) * DAY - 1)
                out_t.append(thread)
                out_s.append(p)
                out_r.append(r)
                out_ts.append(t1)
            thread += 1
    arr = [np.asarray(x, dtype=np.int64) for x in (out_t, out_s, out_r, out_ts)]
    return arr[0], arr[1], arr[2], arr[3]


def assemble_messages(
    tt: TieTable,
    direct: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    group_rows: list[np.ndarray],
    group_members: dict[int, tuple[int, ...]],
    group_titles: dict[int, str],
    inmail: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    inmail_titles: list[str],
) -> tuple[Messages, Conversations]:
    """Number conversations (direct, then group, then InMail) and messages; sort rows."""
    d_tie, d_s, d_r, d_ts = direct
    ties_with_msgs, d_conv = np.unique(d_tie, return_inverse=True)
    n_direct = len(ties_with_msgs)
    g_conv, g_s, g_r, g_ts, g_msg = group_rows
    n_group = len(group_members)
    # Group conversation ids were numbered from 0 by the caller; shift them.
    g_conv = g_conv + n_direct
    i_t, i_s, i_r, i_ts = inmail
    n_inmail = int(i_t.max()) + 1 if len(i_t) else 0
    i_conv = i_t + n_direct + n_group
    n_d = len(d_tie)
    msg_pre = np.concatenate(
        [
            np.arange(n_d),
            n_d + g_msg,
            n_d + (int(g_msg.max()) + 1 if len(g_msg) else 0) + np.arange(len(i_t)),
        ]
    )
    conv = np.concatenate([d_conv, g_conv, i_conv]).astype(np.int64)
    sender = np.concatenate([d_s, g_s, i_s]).astype(np.int64)
    recipient = np.concatenate([d_r, g_r, i_r]).astype(np.int64)
    ts = np.concatenate([d_ts, g_ts, i_ts]).astype(np.int64)
    order = np.lexsort((recipient, msg_pre, ts))
    msg_pre = msg_pre[order]
    msg = np.cumsum(run_starts(msg_pre)) - 1
    kind = np.concatenate(
        [
            np.full(n_direct, CONV_DIRECT),
            np.full(n_group, CONV_GROUP),
            np.full(n_inmail, CONV_INMAIL),
        ]
    ).astype(np.int8)
    titles = {c + n_direct: t for c, t in group_titles.items()}
    titles.update({n_direct + n_group + k: t for k, t in enumerate(inmail_titles)})
    members = {c + n_direct: m for c, m in group_members.items()}
    return (
        Messages(
            msg=msg.astype(np.int64),
            sender=sender[order],
            recipient=recipient[order],
            ts=ts[order],
            conversation=conv[order],
        ),
        Conversations(kind=kind, titles=titles, members=members),
    )


def endorsements(
    rng: np.random.Generator,
    tt: TieTable,
    skill_indptr: np.ndarray,
    skill_data: np.ndarray,
    pending_share: float = 0.03,
) -> Endorsements:
    """Endorsement sessions on active ties, both directions; sorted by time."""
    active = tt.tie_class != NOMINAL
    colleague = tt.focus <= ORGANISATION
    lam = np.where(tt.active_class == STRONG, 0.8, 0.2) * np.where(colleague, 1.5, 0.5)
    lam = np.where(active, lam, 0.0)
    sessions = []
    for endorser_is_a in (True, False):
        k = rng.poisson(lam)
        t = np.repeat(np.arange(len(tt)), k)
        er = np.where(endorser_is_a, tt.a[t], tt.b[t])
        ee = np.where(endorser_is_a, tt.b[t], tt.a[t])
        sessions.append((t, er, ee))
    t = np.concatenate([s[0] for s in sessions])
    er = np.concatenate([s[1] for s in sessions])
    ee = np.concatenate([s[2] for s in sessions])
    n_s = len(t)
    day = tt.since[t] + np.floor(rng.random(n_s) * (tt.active_until[t] - tt.since[t] + 1))
    base = day.astype(np.int64) * DAY + rng.integers(7 * 3600, 23 * 3600, size=n_s)
    n_skills = skill_indptr[ee + 1] - skill_indptr[ee]
    k = np.minimum(1 + rng.poisson(1.2, size=n_s), n_skills)
    sess = np.repeat(np.arange(n_s), k)
    pick = np.floor(rng.random(len(sess)) * n_skills[sess]).astype(np.int64)
    skill = skill_data[skill_indptr[ee[sess]] + pick].astype(np.int64)
    key = sess * 10_000 + skill
    _, first = np.unique(key, return_index=True)
    first = np.sort(first)
    sess, skill = sess[first], skill[first]
    offs = np.arange(len(sess)) - np.searchsorted(sess, sess)
    ts = base[sess] + offs * rng.integers(2, 16, size=len(sess))
    ts = np.minimum(ts, (tt.active_until[t[sess]] + 1) * DAY - 1)
    pending = rng.random(len(sess)) < pending_share
    order = np.lexsort((skill, ts))
    return Endorsements(
        endorser=er[sess][order],
        endorsee=ee[sess][order],
        skill=skill[order],
        ts=ts[order],
        pending=pending[order],
    )


def recommendation_pairs(
    rng: np.random.Generator, tt: TieTable, p: float = 0.12
) -> list[tuple[int, int, int]]:
    """(recommender, recommendee, ts) on strong team / department colleague ties."""
    sel = np.flatnonzero((tt.active_class == STRONG) & (tt.focus <= DEPARTMENT))
    out: list[tuple[int, int, int]] = []
    for t in sel.tolist():
        for er, ee in ((int(tt.a[t]), int(tt.b[t])), (int(tt.b[t]), int(tt.a[t]))):
            if rng.random() < p:
                lo, hi = int(tt.since[t]), int(tt.active_until[t])
                ts = (lo + int(rng.integers(0, hi - lo + 1))) * DAY + int(
                    rng.integers(6 * 3600, 22 * 3600)
                )
                out.append((er, ee, ts))
    out.sort(key=lambda r: (r[2], r[0], r[1]))
    return out


def company_follows(
    rng: np.random.Generator,
    job_person: np.ndarray,
    job_org: np.ndarray,
    job_start: np.ndarray,
    company_ids: np.ndarray,
    company_weight: np.ndarray,
    joined: np.ndarray,
    end_day: int,
) -> dict[int, tuple[SynthFollow, ...]]:
    """Companies each person follows: 60 % of their employers (soon after joining
    them) plus a Poisson(3) number of companies, favouring big ones."""
    n = len(joined)
    follow = rng.random(len(job_person)) < 0.6
    day_e = np.maximum(joined[job_person], job_start) + np.floor(
        rng.exponential(60.0, size=len(job_person))
    ).astype(np.int64)
    k = rng.poisson(3.0, size=n)
    ext_p = np.repeat(np.arange(n), k)
    cum = np.cumsum(company_weight) / company_weight.sum()
    ext_o = company_ids[
        np.minimum(np.searchsorted(cum, rng.random(len(ext_p)), side="right"), len(cum) - 1)
    ]
    lo = joined[ext_p]
    ext_d = lo + np.floor(rng.random(len(ext_p)) * (end_day - lo + 1)).astype(np.int64)
    person = np.concatenate([job_person[follow], ext_p])
    org = np.concatenate([job_org[follow], ext_o])
    day = np.concatenate([day_e[follow], ext_d])
    keep = day <= end_day
    person, org, day = person[keep], org[keep], day[keep]
    ts = day * DAY + rng.integers(0, DAY, size=len(day))
    order = np.lexsort((ts, org, person))
    person, org, ts = person[order], org[order], ts[order]
    first = run_starts(person * (int(org.max()) + 1 if len(org) else 1) + org)
    person, org, ts = person[first], org[first], ts[first]
    order = np.lexsort((org, ts, person))
    out: dict[int, list[SynthFollow]] = {i: [] for i in range(n)}
    for p, o, t in zip(
        person[order].tolist(), org[order].tolist(), ts[order].tolist(), strict=True
    ):
        out[p].append(SynthFollow(o, t))
    return {i: tuple(v) for i, v in out.items()}
