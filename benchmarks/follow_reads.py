"""The followers an organisation's page reads, timed on a database as it is: the
statements ``weakties.service.follows.followers`` sends for the first
``--orgs`` organisations of the world, their query plans (SQLite) and their
time in the database, mean of ``--repeat`` runs.

    flock /work/.bench.lock python benchmarks/follow_reads.py --db /tmp/copy.sqlite

The file is opened read-only (never upgraded): run it on a copy of the world's
database before and after ``open_store`` upgraded the copy to compare schemas.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="a SQLite file (opened read-only)")
    parser.add_argument("--world", type=Path, default=Path("/tmp/benchw/world-sqlite.json"))
    parser.add_argument("--viewer", default="user000")
    parser.add_argument("--orgs", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    from weakties.service.context import viewer
    from weakties.service.follows import followers

    engine = create_engine(f"sqlite:///file:{args.db}?mode=ro&uri=true")
    world = json.loads(args.world.read_text(encoding="utf-8"))
    sent: list[tuple[str, Any]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _keep(_c: Any, _cur: Any, statement: str, params: Any, *_rest: Any) -> None:
        sent.append((statement, params))

    load = os.getloadavg()[0]
    with engine.connect() as conn:
        who = viewer(conn, args.viewer)
        raw = conn.connection.driver_connection
        calls, database = [], [0.0, 0.0]
        for org, _name in world["orgs"][: args.orgs]:
            sent.clear()
            t0 = time.perf_counter()
            followers(conn, who, org_id=org)
            calls.append(time.perf_counter() - t0)
            for k, (statement, params) in enumerate(sent[-2:]):
                t0 = time.perf_counter()
                for _ in range(args.repeat):
                    raw.execute(statement, params).fetchall()
                database[k] += (time.perf_counter() - t0) / args.repeat
        for k, (statement, params) in enumerate(sent[-2:]):
            plan = [row[3] for row in raw.execute("EXPLAIN QUERY PLAN " + statement, params)]
            print(f"statement {k + 1} ({'count' if k == 0 else 'named'}): " + "; ".join(plan))
        n = len(calls)
        print(
            f"followers() of {n} organisations: mean {1000 * sum(calls) / n:.2f} ms a call; "
            f"in the database, count {1000 * database[0] / n:.3f} ms, "
            f"named {1000 * database[1] / n:.3f} ms a statement"
        )
    print(f"load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
