"""The server's CPU per request of the profile, organisation and search pages, in process.

    flock /work/.bench.lock python benchmarks/platform_cpu.py --file /tmp/plat10k.db
    python benchmarks/platform_cpu.py --members 500 --ties 10000 --requests 20   # a smoke run
    python benchmarks/platform_cpu.py --file /tmp/plat10k.db --profile organisation

The platform of :mod:`platform_bench` (``--members`` members, ``--ties`` tie rows,
written by its ``populate``) is built into ``--file`` once — with its plan (handles,
organisations, tokens) beside it as ``FILE.json`` — and reused by the next runs
(without ``--file``, into a temporary folder); with ``--throwaway-postgres`` it is
written into a PostgreSQL of its own (as the test suite starts one), removed at
the end, or with ``--db`` into the given empty PostgreSQL database. The app is then called in this
process through FastAPI's test client: ``--viewers`` members (20 by default, each
with their own personal access token) take turns, request after request, so that
what the server keeps per viewer is tried as the load generator tries it. Each
route is first called once by every viewer (the server's memory then holds what
a running server holds), then ``--requests`` times; the CPU time of this process
per request (the test client's own share included) is reported, its mean and
quantiles, and the SQL statements each request sent, with the load average at the start and the end (on a busy machine the
figures are not to be quoted). ``--profile ROUTE`` prints the functions that
took the time (cProfile) for one route; ``--statements ROUTE`` the statements one
request of it sent, with the time each took as this process waited for it.

This measures server work, not latency under load: that is ``platform_bench.py``'s.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from platform_bench import SECRET, populate  # noqa: E402


def _plan(path: Path | None, args: argparse.Namespace) -> tuple[str, dict[str, Any]]:
    """The database's URL and plan: built into ``path`` unless it is there already."""
    assert path is not None
    plan_file = path.with_name(path.name + ".json")
    if path.exists() and plan_file.exists():
        plan: dict[str, Any] = json.loads(plan_file.read_text())
        if (plan.get("members"), plan.get("ties_asked")) != (args.members, args.ties):
            raise SystemExit(f"{path} holds another platform: remove it or choose another file")
        return f"sqlite:///{path}", plan
    if path.exists():
        raise SystemExit(f"{path} exists without its plan {plan_file.name}: remove it")
    url = f"sqlite:///{path}"
    plan = populate(url, args.members, args.ties, args.seed)
    plan.update(members=args.members, ties_asked=args.ties)
    plan_file.write_text(json.dumps(plan))
    return url, plan


def measure(url: str, plan: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from weakties.web.app import create_app
    from weakties.web.settings import Settings

    rng = random.Random(args.seed)
    routes = {
        "profile": lambda: f"/api/v1/profiles/{rng.choice(plan['handles'])}",
        "organisation": lambda: f"/api/v1/orgs/{rng.choice(plan['orgs'])}",
        "search": lambda: f"/api/v1/search?q={rng.choice(plan['prefixes'])}",
    }
    from sqlalchemy import event

    # no background loop in this process: what is measured is the requests' work
    settings = Settings(environment="test", secret_key=SECRET, db=url, worker_interval=0)
    app = create_app(settings)
    sent: list[tuple[str, float]] = []  # (statement, seconds) of the current request
    started_at: dict[int, float] = {}

    @event.listens_for(app.state.store.engine, "before_cursor_execute")
    def _before(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        started_at[id(cursor)] = time.perf_counter()

    @event.listens_for(app.state.store.engine, "after_cursor_execute")
    def _after(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        sent.append((statement, time.perf_counter() - started_at.pop(id(cursor), 0.0)))

    viewers = [{"Authorization": f"Bearer {tok}"} for tok in plan["tokens"][: args.viewers]]
    results: dict[str, Any] = {}
    with TestClient(app) as client:

        def get(path: str, headers: dict[str, str]) -> None:
            response = client.get(path, headers=headers)
            if response.status_code != 200:
                raise SystemExit(f"{path}: {response.status_code} {response.text[:300]}")

        for name, path in routes.items():
            if args.only and name != args.only:
                continue
            todo = [path() for _ in range(args.requests)]
            for k, headers in enumerate(viewers):  # one warm round
                get(todo[k % len(todo)], headers)
            profiler = cProfile.Profile() if args.profile == name else None
            per: list[float] = []
            statements: list[int] = []
            started = time.perf_counter()
            if profiler is not None:
                profiler.enable()
            for i, target in enumerate(todo):
                sent.clear()
                t0 = time.process_time()
                get(target, viewers[i % len(viewers)])
                per.append(time.process_time() - t0)
                statements.append(len(sent))
                if args.statements == name and i == len(todo) - 1:
                    print(f"{target}: {len(sent)} statements")
                    for sql, took in sent:
                        print(f"{took * 1000:8.1f} ms  {' '.join(sql.split())[:160]}")
            if profiler is not None:
                profiler.disable()
            wall = time.perf_counter() - started
            q = statistics.quantiles(per, n=100) if len(per) >= 2 else per * 99
            results[name] = {
                "requests": len(per),
                "cpu_ms_mean": statistics.fmean(per) * 1000,
                "cpu_ms_p50": q[49] * 1000,
                "cpu_ms_p95": q[94] * 1000,
                "wall_ms_mean": wall / len(per) * 1000,
                "statements_mean": statistics.fmean(statements),
                "statements_max": max(statements),
            }
            if profiler is not None:
                out = io.StringIO()
                stats = pstats.Stats(profiler, stream=out)
                stats.sort_stats("cumulative").print_stats(args.top)
                stats.sort_stats("tottime").print_stats(args.top)
                print(out.getvalue())
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--ties", type=int, default=1_000_000)
    parser.add_argument("--file", type=Path, default=None, help="the SQLite file (kept)")
    parser.add_argument("--viewers", type=int, default=20)
    parser.add_argument("--requests", type=int, default=200, help="per route")
    parser.add_argument("--only", choices=["profile", "organisation", "search"])
    parser.add_argument("--profile", choices=["profile", "organisation", "search"])
    parser.add_argument("--top", type=int, default=30, help="functions shown by --profile")
    parser.add_argument(
        "--statements",
        choices=["profile", "organisation", "search"],
        help="print the statements of one request of this route",
    )
    parser.add_argument("--db", default=None, help="an empty PostgreSQL database's URL")
    parser.add_argument(
        "--throwaway-postgres",
        action="store_true",
        help="measure on a PostgreSQL of its own (as the test suite starts one)",
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    load_start = os.getloadavg()
    server = None
    if args.throwaway_postgres:
        sys.path.insert(0, str(HERE.parent))
        from tests.servers import start_postgres

        server = start_postgres()
        args.db = server.new_database()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            if args.db:
                url, plan = args.db, populate(args.db, args.members, args.ties, args.seed)
            else:
                url, plan = _plan(args.file or Path(tmp) / "platform.sqlite", args)
            started = time.perf_counter()
            results = measure(url, plan, args)
    finally:
        if server is not None:
            server.stop()
    load_end = os.getloadavg()
    print(
        f"{'PostgreSQL' if args.db else 'SQLite'}, "
        f"{args.members:,} members, {plan['ties']:,} tie rows, {args.viewers} viewers in turn; "
        f"load average {load_start[0]:.1f} at the start, {load_end[0]:.1f} at the end "
        f"on {os.cpu_count()} cores ({time.perf_counter() - started:.0f} s)"
    )
    print(
        "| route | requests | CPU ms/request (mean) | p50 | p95 | wall ms/request "
        "| statements/request (mean, max) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        print(
            f"| {name} | {r['requests']} | {r['cpu_ms_mean']:.1f} | {r['cpu_ms_p50']:.1f} "
            f"| {r['cpu_ms_p95']:.1f} | {r['wall_ms_mean']:.1f} "
            f"| {r['statements_mean']:.1f}, {r['statements_max']} |"
        )


if __name__ == "__main__":
    main()
