"""The demo: a synthetic world, three members' real-format exports, one database.

It tells the product's first minute on data anyone can run: three consultants who
know each other pool their LinkedIn exports. The first of them imported an older
export a year ago, so the newer one shows who changed jobs since.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from weakties.errors import InputError
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.ingest.run import ImportSummary
from weakties.service import transaction, viewer
from weakties.store.clock import is_demo_database, mark_demo, set_clock
from weakties.store.engine import Store, open_store
from weakties.synth import World, generate, pick_members, write_linkedin_export

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from weakties.service.context import Viewer

__all__ = ["DemoResult", "build_demo", "seed_story"]

MEMBER_HANDLES = ("you", "sam", "alex")


@dataclass
class DemoResult:
    db: Path | str  # the SQLite file, or the URL of the server's database
    world: World
    members: dict[str, int]  # handle -> world person id
    imports: list[ImportSummary] = field(default_factory=list)
    seconds: float = 0.0


def build_demo(
    db: Path | str, *, n_people: int = 2000, seed: int = 7, workdir: Path | None = None
) -> tuple[Store, DemoResult]:
    """Generate a world and import three members' exports into a fresh ``db``.

    ``db`` is an SQLite file (a path), recreated when it is a previous demo, or the
    URL of a database on a server (``postgresql+psycopg://…``), which must hold
    nothing yet: the demo never deletes a server's data.

    Raises
    ------
    InputError
        If ``db`` exists and is not a previous demo database (never overwritten),
        or is a server's database that already holds people.
    """
    started = time.perf_counter()
    target = _sqlite_file(db)
    if target is not None:
        db = target
        if target.exists():
            if not is_demo_database(target):
                raise InputError(
                    "exists and is not a weakties demo database; choose another --db-file",
                    file=str(target),
                )
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
    world = generate(n_people=n_people, seed=seed)
    chain = pick_members(world, k=3, seed=seed, min_degree=min(60, n_people // 20))
    # "you" is the middle of the chain: tied to both other members.
    chosen = [chain[1], chain[0], chain[2]]
    members = dict(zip(MEMBER_HANDLES, chosen, strict=True))
    if target is None:
        # a server's database is looked at before anything is written to it, not
        # even a migration of its schema
        store = open_store(db, upgrade=False)
        _refuse_data(store, str(db))
        store.upgrade()
    else:
        store = open_store(db)
    with transaction(store) as conn:
        mark_demo(conn, seed)
    result = DemoResult(db, world, members)
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        folder = Path(tmp)
        year_ago = world.end - dt.timedelta(days=365)
        older = write_linkedin_export(world, chosen[0], folder / "older", as_of=year_ago)
        result.imports.append(import_linkedin(store, older, MEMBER_HANDLES[0]))
        for handle, pid in members.items():
            export = write_linkedin_export(world, pid, folder / handle, as_of=world.end)
            result.imports.append(import_linkedin(store, export, handle))
    from weakties.service.ties import infer

    with transaction(store) as conn:
        # the world ends on its export date: the database's "now" is the day after
        set_clock(conn, dt.datetime.combine(world.end, dt.time()) + dt.timedelta(days=1))
        for handle in members:
            infer(conn, viewer(conn, handle), today=world.end)
    result.seconds = time.perf_counter() - started
    return store, result


def _sqlite_file(db: Path | str) -> Path | None:
    """The SQLite file ``db`` names (a path or an ``sqlite:///`` URL), else None;
    ``~`` stands for the home folder (``--db-file=~/x``: no shell expands it
    after ``=``), as when the store opens it."""
    if isinstance(db, Path) or "://" not in db:
        return Path(db).expanduser()
    if db.startswith("sqlite:///") and "?" not in db and len(db) > len("sqlite:///"):
        return Path(db.removeprefix("sqlite:///")).expanduser()
    return None


def _refuse_data(store: Store, url: str) -> None:
    """A server's database is the demo's only when it holds nobody yet."""
    from weakties.service.admin import holds_people

    if holds_people(store):
        store.close()
        raise InputError(
            "already holds people; the demo writes only into an empty database", file=url
        )


def _middle(path: Any) -> set[int]:
    """The people between the viewer and the target on an introduction path."""
    return {x.id for x in (path.broker, path.via) if x is not None}


def seed_story(conn: Connection, who: Viewer, *, candidates: int = 40) -> dict[str, Any] | None:
    """The seed's story on the demo: an organisation where the viewer knows nobody,
    but a contact knows someone; who can introduce them, why, and a draft.

    The story tells what ``weakties intro --to ORG`` answers (the same call, the
    same defaults, so the command it prints gives the same first path): among
    the organisations with the most people in the viewer's network whose name
    says which one it is, the one whose best introduction goes through a warm
    broker — a strong tie, else a tie in touch — with an alternative through
    another warm broker (one that shares nobody in the middle with the first path
    if there is one), the warmest first path winning, then the best scored. That
    introduction's draft follows; the organisation becomes one of the viewer's
    targets.
    """
    from weakties.errors import WeaktiesError
    from weakties.opportunity.network import build_network
    from weakties.service.context import reader
    from weakties.service.opportunities import draft, introductions, org_reach
    from weakties.service.outreach import add_target

    r = reader(conn, who)
    net = build_network(r)
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
    names = r.org_names([int(g.org_ids[i]) for i in order])
    warmth = {"strong": 2, "weak": 1}
    best: tuple[tuple[int, int, bool, float], int, Any, Any] | None = None
    for i in order:
        oid = int(g.org_ids[i])
        if oid not in names:
            continue
        try:
            if r.find_org(names[oid]) != oid:
                continue
        except WeaktiesError:
            continue  # a name shared by several organisations: the command would ask which
        found = introductions(conn, who, names[oid], net=net)
        if not found.paths:
            continue
        first = found.paths[0]
        chosen = first.broker
        if chosen is None:
            continue
        warm = warmth.get(chosen.tie, 0)
        if not warm:
            continue
        # the alternative: another broker (no path goes on through the viewer's
        # own contact: intro lists none), warm first, best sharing nobody in the
        # middle; a story without one says there is no other way in
        through = _middle(first)
        others = [
            (p, p.broker)
            for p in found.paths[1:]
            if p.broker is not None and p.broker.id != chosen.id
        ]
        ranked = sorted(
            others,
            key=lambda pb: (-warmth.get(pb[1].tie, 0), bool(through & _middle(pb[0]))),
        )
        alternative = ranked[0][0] if ranked else None
        alt_warm = warmth.get(ranked[0][1].tie, 0) if ranked else -1
        apart = alternative is not None and not through & _middle(alternative)
        key = (warm, alt_warm, apart, float(first.score))
        if best is None or key > best[0]:
            best = (key, oid, found, alternative)
    if best is None:
        return None
    _key, oid, found, alternative = best
    first = found.paths[0]
    assert first.broker is not None
    drafted = draft(conn, who, f"#{first.broker.id}", f"#{first.target.id}", net=net)
    add_target(conn, who, f"org:#{oid}", purpose="job")
    return {
        "org_id": oid,
        "org": names[oid],
        "reach": org_reach(conn, who, oid, net=net),
        "introductions": found,
        "first": first,
        "alternative": alternative,
        "draft": drafted,
    }
