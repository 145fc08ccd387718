"""The demo: a synthetic world, three members' real-format exports, one database.

It tells the product's first minute on data anyone can run: three consultants who
know each other pool their LinkedIn exports. The first of them imported an older
export a year ago, so the newer one shows who changed jobs since.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Connection, insert

from weakties.ingest.linkedin.importer import import_linkedin
from weakties.ingest.run import ImportSummary
from weakties.model.tables import Setting
from weakties.store.clock import set_clock
from weakties.store.engine import Store, open_store
from weakties.store.errors import InputError
from weakties.store.visibility import Viewer, resolve_viewer
from weakties.synth import World, generate, pick_members, write_linkedin_export
from weakties.ties.infer import infer_ties

__all__ = ["DemoResult", "build_demo", "seed_story"]

MEMBER_HANDLES = ("you", "sam", "alex")


@dataclass
class DemoResult:
    db: Path
    world: World
    members: dict[str, int]  # handle -> world person id
    imports: list[ImportSummary] = field(default_factory=list)
    seconds: float = 0.0


def _is_demo_database(path: Path) -> bool:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            row = conn.execute("select value from setting where key='demo'").fetchone()
    except sqlite3.Error:
        return False
    return row is not None


def build_demo(
    db: Path, *, n_people: int = 2000, seed: int = 7, workdir: Path | None = None
) -> tuple[Store, DemoResult]:
    """Generate a world and import three members' exports into a fresh ``db``.

    Raises
    ------
    InputError
        If ``db`` exists and is not a previous demo database (never overwritten).
    """
    started = time.perf_counter()
    if db.exists():
        if not _is_demo_database(db):
            raise InputError(
                "exists and is not a weakties demo database; choose another --db-file",
                file=str(db),
            )
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    world = generate(n_people=n_people, seed=seed)
    chain = pick_members(world, k=3, seed=seed, min_degree=min(60, n_people // 20))
    # "you" is the middle of the chain: tied to both other members.
    chosen = [chain[1], chain[0], chain[2]]
    members = dict(zip(MEMBER_HANDLES, chosen, strict=True))
    store = open_store(db)
    with store.engine.begin() as conn:
        conn.execute(insert(Setting).values(key="demo", value=f"seed={seed}"))
    result = DemoResult(db, world, members)
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        folder = Path(tmp)
        year_ago = world.end - dt.timedelta(days=365)
        older = write_linkedin_export(world, chosen[0], folder / "older", as_of=year_ago)
        result.imports.append(import_linkedin(store, older, MEMBER_HANDLES[0]))
        for handle, pid in members.items():
            export = write_linkedin_export(world, pid, folder / handle, as_of=world.end)
            result.imports.append(import_linkedin(store, export, handle))
    with store.engine.begin() as conn:
        for handle in members:
            infer_ties(conn, resolve_viewer(conn, handle), today=world.end)
        # the world ends on its export date: the database's "now" is the day after
        set_clock(conn, dt.datetime.combine(world.end, dt.time()) + dt.timedelta(days=1))
    result.seconds = time.perf_counter() - started
    return store, result


def seed_story(conn: Connection, viewer: Viewer, *, candidates: int = 40) -> dict[str, Any] | None:
    """The seed's story on the demo: an organisation where the viewer knows nobody,
    but a contact knows someone; who can introduce them, why, and a draft.

    Among the organisations with the most people in the viewer's network, the one
    whose best introduction scores highest, and that introduction's draft.
    """
    from weakties.opportunity.intro import draft_for, introductions
    from weakties.opportunity.network import build_network
    from weakties.opportunity.reach import org_reach
    from weakties.opportunity.targets import TargetSpec, add_target

    net = build_network(conn, viewer)
    g = net.graph
    if g.org_indptr is None or g.org_indices is None or g.org_ids is None:
        return None
    staff = np.bincount(g.org_indices, minlength=g.org_ids.size)
    mine = set(g.org_indices[g.org_indptr[net.viewer] : g.org_indptr[net.viewer + 1]].tolist())
    contacts = net.contacts
    known = np.zeros(g.org_ids.size, dtype=np.int64)
    for x in contacts.tolist():
        for k in range(int(g.org_indptr[x]), int(g.org_indptr[x + 1])):
            known[g.org_indices[k]] += 1
    order = [
        int(i) for i in np.argsort(-staff, kind="stable") if known[i] == 0 and int(i) not in mine
    ][:candidates]
    # the story wants one broker between the viewer and the organisation: the best
    # two-step introduction, where the most people are one introduction away
    best: tuple[tuple[int, float], int, dict[str, Any]] | None = None
    for i in order:
        oid = int(g.org_ids[i])
        found = introductions(conn, viewer, TargetSpec(org_ids=(oid,)), net=net, limit=3)
        two = [p for p in found["paths"] if p["length"] == 2]
        if not two:
            continue
        found["paths"] = [*two, *[p for p in found["paths"] if p["length"] != 2]]
        for rank, p in enumerate(found["paths"], start=1):
            p["rank"] = rank
        key = (min(found["summary"]["second_degree"], 5), float(two[0]["score"]))
        if best is None or key > best[0]:
            best = (key, oid, found)
    if best is None:
        return None
    _key, oid, found = best
    first = found["paths"][0]
    draft = draft_for(
        conn, viewer, first["broker"]["id"], first["target"]["id"], net=net, purpose="job"
    )
    add_target(conn, viewer, org_id=oid, purpose="job")
    return {
        "org_id": oid,
        "reach": org_reach(conn, viewer, oid, net=net),
        "introductions": found,
        "draft": draft,
    }
