"""``weakties intro``: who can introduce the viewer to an organisation or a person,
and why — ranked, explained, ready for a draft."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from weakties.errors import InputError, NotFoundError
from weakties.opportunity.draft import draft_request, request_context
from weakties.opportunity.explain import explain_paths
from weakties.opportunity.network import IntroNetwork, build_network
from weakties.opportunity.paths import PURPOSES, IntroPaths, find_paths
from weakties.opportunity.targets import TargetSet, TargetSpec, resolve_targets

if TYPE_CHECKING:
    from weakties.store.reader import Reader

__all__ = ["draft_for", "introductions", "target_paths"]

log = logging.getLogger(__name__)


def _nodes_of(net: IntroNetwork, pids: list[int]) -> np.ndarray:
    ids = net.graph.person_ids
    assert ids is not None
    wanted = np.asarray(pids, dtype=np.int64)
    pos = np.minimum(np.searchsorted(ids, wanted), max(ids.size - 1, 0))
    hit = ids[pos] == wanted if ids.size else np.zeros(wanted.size, bool)
    return pos[hit].astype(np.int32)


def _tenure(reader: Reader, net: IntroNetwork, org_ids: tuple[int, ...]) -> dict[int, float]:
    """Years each of the viewer's contacts has been at one of ``org_ids`` (jobs
    held on the network's date)."""
    if not org_ids:
        return {}
    contacts = net.contacts
    ids = net.graph.person_ids
    assert ids is not None
    pids = ids[contacts].tolist()
    node_of = dict(zip(pids, contacts.tolist(), strict=True))
    out: dict[int, float] = {}
    day = net.as_of.date()
    for pid, begin in reader.tenure_rows(pids, org_ids, day):
        if begin is None:
            continue
        years = max((day - begin).days, 0) / 365.25
        node = node_of[pid]
        out[node] = max(out.get(node, 0.0), years)
    return out


def target_paths(
    reader: Reader,
    spec: TargetSpec,
    *,
    purpose: str = "job",
    net: IntroNetwork | None = None,
    as_of: dt.datetime | None = None,
    inferred: bool = True,
    max_len: int = 3,
) -> tuple[IntroNetwork, TargetSet, IntroPaths]:
    """The scored paths to a target, with the network and the targets behind them."""
    if purpose not in PURPOSES:
        raise InputError(f"purpose must be one of {', '.join(PURPOSES)}")
    network = net or build_network(reader, as_of=as_of, inferred=inferred)
    targets = resolve_targets(reader, spec)
    nodes = _nodes_of(network, targets.person_ids)
    blocked = reader.do_not_ask()
    paths = find_paths(
        network,
        nodes,
        purpose=purpose,
        max_len=max_len,
        tenure_years=_tenure(reader, network, spec.org_ids),
        do_not_ask=set(_nodes_of(network, sorted(blocked)).tolist()) if blocked else None,
    )
    paths.targets_total = targets.total
    paths.targets_in_network = int(nodes.size)
    log.info(
        "%s: %d target(s) counted, %d in the network; %d path(s), %d on hold (%s)",
        targets.label,
        targets.total,
        int(nodes.size),
        len(paths),
        int((paths.status != 0).sum()),
        purpose,
    )
    return network, targets, paths


def introductions(
    reader: Reader,
    spec: TargetSpec,
    *,
    purpose: str = "job",
    limit: int = 10,
    per_broker: int | None = 1,
    as_of: dt.datetime | None = None,
    inferred: bool = True,
    net: IntroNetwork | None = None,
    pick: Callable[[IntroPaths, np.ndarray], np.ndarray] | None = None,
) -> dict[str, Any]:
    """Ranked, explained introduction paths to the targets of ``spec``.

    ``pick``, given the paths and the ranked choice (indices), returns the ones to
    explain and return (a page that shows a few explains only those)."""
    network, targets, paths = target_paths(
        reader, spec, purpose=purpose, net=net, as_of=as_of, inferred=inferred
    )
    chosen = paths.top(limit, per_broker=per_broker)
    if pick is not None:
        chosen = pick(paths, chosen)
    explained = explain_paths(
        reader, paths, chosen, roles=targets.roles, prefer_org=set(spec.org_ids)
    )
    direct = explain_paths(reader, paths, paths.direct()[:limit], roles=targets.roles)
    summary = paths.summary()
    summary["targets"] = targets.total
    if "known_directly" in paths.extra:  # counted again by ``pick`` (an old network)
        summary["targets_known_directly"] = int(paths.extra["known_directly"])
    return {
        "target": targets.label,
        "purpose": purpose,
        "as_of": network.as_of.isoformat(timespec="seconds"),
        "summary": summary,
        "direct": direct,
        "paths": explained,
        "inferred_ties": inferred,
    }


def draft_for(
    reader: Reader,
    broker: int,
    target: int | Sequence[int],
    *,
    purpose: str = "job",
    lang: str = "en",
    reason: str | None = None,
    as_of: dt.datetime | None = None,
    net: IntroNetwork | None = None,
    check: Callable[[list[int]], bool] | None = None,
) -> dict[str, Any]:
    """The context and a draft of a request to ``broker`` for ``target`` — one
    person, or the people of an organisation (the one the best path through the
    broker reaches). ``check``, given a path's people (person ids, the viewer
    first), says whether it may be used (a shared network's paths are checked
    against the data of the request): the best path it accepts is drafted.

    The best path from the viewer through ``broker`` to the target decides who
    the broker is asked to introduce (the target, or the person between them).

    Raises
    ------
    NotFoundError
        If no path of length <= 3 goes through ``broker`` to the target.
    """
    if purpose not in PURPOSES:
        raise InputError(f"purpose must be one of {', '.join(PURPOSES)}")
    if lang not in ("en", "fr"):
        raise InputError(f"drafts are written in English (en) or French (fr), not {lang!r}")
    network = net or build_network(reader, as_of=as_of)
    ids = network.graph.person_ids
    assert ids is not None
    wanted = [target] if isinstance(target, int) else list(target)
    if not _nodes_of(network, [broker]).size or not _nodes_of(network, wanted).size:
        raise NotFoundError("the broker or the target is not in your visible network")
    b_node = int(np.searchsorted(ids, broker))
    paths = find_paths(network, _nodes_of(network, wanted), purpose=purpose)
    through = np.flatnonzero((paths.first == b_node) & (paths.length > 1))
    if through.size == 0:
        raise NotFoundError(
            "no path of at most three steps goes through this broker to this target"
        )
    if check is not None:
        ranked = through[np.argsort(-paths.score[through], kind="stable")]
        through = np.array([i for i in ranked.tolist() if check(paths.people(i))], dtype=np.int64)
        if through.size == 0:
            raise NotFoundError(
                "no path of at most three steps goes through this broker to this target"
            )
    best = int(through[np.argmax(paths.score[through])])
    target = network.graph.person_of(int(paths.target[best]))
    via = int(paths.second[best])
    facts = network.ego.take(np.array([b_node]))
    days = float(facts["days_since_contact"][0])
    me = reader.scope.person_id
    assert me is not None
    ctx = request_context(
        reader,
        me,
        broker,
        target,
        via=network.graph.person_of(via) if via >= 0 else None,
        purpose=purpose,
        tie_class=str(facts["klass"][0]),
        days_since_contact=None if np.isnan(days) else days,
        today=network.as_of.date(),
    )
    return {
        "context": ctx.as_dict(),
        "draft": draft_request(ctx, lang=lang, reason=reason),
        "lang": lang,
        "path_score": round(float(paths.score[best]), 3),
    }
