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

from sqlalchemy import insert

from weakties.ingest.linkedin.importer import import_linkedin
from weakties.ingest.run import ImportSummary
from weakties.model.tables import Setting
from weakties.store.engine import Store, open_store
from weakties.store.errors import InputError
from weakties.store.visibility import resolve_viewer
from weakties.synth import World, generate, pick_members, write_linkedin_export
from weakties.ties.infer import infer_ties

__all__ = ["DemoResult", "build_demo"]

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
    result.seconds = time.perf_counter() - started
    return store, result
