"""The platform under load: profile, organisation and search requests at 20 users.

    flock /work/.bench.lock python benchmarks/platform_bench.py                # 10,000 members, 1 M ties
    flock /work/.bench.lock python benchmarks/platform_bench.py --think 5      # 20 people, then saturation
    flock /work/.bench.lock python benchmarks/platform_bench.py --members 2000 --ties 100000
    flock /work/.bench.lock python benchmarks/platform_bench.py --db postgresql+psycopg://…
    flock /work/.bench.lock python benchmarks/platform_bench.py --throwaway-postgres

A platform is written straight into a fresh database (SQLite by default, or the
given PostgreSQL URL, whose tables must be empty): ``--members`` members with
accounts, one current job each at one of ``members / 20`` organisations, and
``--ties`` platform ties between members (each connection is a tie in each of the
two members' data, as an accepted invitation writes it); on PostgreSQL the tables are
then vacuumed and analysed (``Store.analyze()``), as after any bulk load: autovacuum
would do it only a minute or more into the run. The app is then served
as an operator serves it, ``weakties serve --workers N`` in its own process on
127.0.0.1 (``--workers``, default what ``weakties serve`` uses), and ``--users``
client threads (default 20), each signed in as a member with a personal access
token, send the same requests, one route at a time: ``GET /api/v1/profiles/H`` (a
random member: degree, mutual connections, paths, sections), ``GET
/api/v1/orgs/ID`` (people here with degrees, followers) and ``GET
/api/v1/search?q=…`` (a random name's first letters). Bounded: ``--requests`` per
route and phase, ``--seconds`` in all.

The load model (``benchmarks/served.py``): with ``--think S`` each user waits a
random time (uniform, S on average, or ``--think MIN:MAX``) between its requests —
20 people using the site, the goal's figure — and then the same requests are sent
back to back (saturation: throughput). ``--think 0``, the default, keeps the
earlier runs' model: back to back only.

Latencies are measured by the client on loopback (server time plus the local
round trip); the load average at the start and the end is recorded, and a run on
a busy machine says so. Results: ``results/platform.md`` and ``platform.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from served import (  # noqa: E402
    Think,
    advance_sequences,
    default_workers,
    load_model,
    start_server,
    stop_server,
)

RESULTS = HERE / "results"
SECRET = "bench-secret-" + "x" * 40
FIRST = ["Ana", "Léa", "Noé", "Zoë", "Hugo", "Inès", "Jules", "Maël", "Chloé", "Émile", "Sofía"]
LAST = ["Martin", "Lefèvre", "Müller", "Ökonom", "García", "Dubois", "Nguyen", "Rossi", "Kowalski"]


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def populate(url: str, members: int, ties: int, seed: int) -> dict[str, Any]:
    """Write the platform; returns the handles, organisation ids and tokens."""
    from sqlalchemy import insert

    from weakties.model import tables as t
    from weakties.model.orgnames import org_key
    from weakties.store.engine import open_store

    rng = random.Random(seed)
    store = open_store(url)
    now = dt.datetime(2026, 12, 1)
    n_orgs = max(1, members // 20)
    tokens: list[str] = []
    started = time.perf_counter()
    with store.engine.begin() as conn:
        names = [f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}" for i in range(members)]
        conn.execute(
            insert(t.Person),
            [
                {"id": i + 1, "display_name": n, "headline": rng.choice(LAST) + " engineer"}
                for i, n in enumerate(names)
            ],
        )
        conn.execute(
            insert(t.Member),
            [
                {"id": i + 1, "handle": f"m{i + 1}", "person_id": i + 1, "created_at": now}
                for i in range(members)
            ],
        )
        conn.execute(
            insert(t.Account),
            [
                {
                    "id": i + 1,
                    "member_id": i + 1,
                    "email": f"m{i + 1}@bench.invalid",
                    "password_hash": "unused",
                    "role": "operator" if i == 0 else "member",
                    "created_at": now,
                }
                for i in range(members)
            ],
        )
        tokens = [f"wt_bench{secrets.token_hex(16)}" for _ in range(64)]
        conn.execute(
            insert(t.AccessToken),
            [
                {
                    "token_hash": _hash(tok),
                    "account_id": rng.randint(1, members),
                    "name": "bench",
                    "created_at": now,
                }
                for tok in tokens
            ],
        )
        orgs = [f"Company {i} {rng.choice(LAST)}" for i in range(n_orgs)]
        conn.execute(
            insert(t.Organization),
            [
                {"id": i + 1, "name": n, "norm_name": org_key(n), "kind": "organization"}
                for i, n in enumerate(orgs)
            ],
        )
        conn.execute(
            insert(t.OrgAlias),
            [
                {
                    "organization_id": i + 1,
                    "kind": "organization",
                    "alias": n,
                    "norm_alias": org_key(n),
                }
                for i, n in enumerate(orgs)
            ],
        )
        conn.execute(
            insert(t.Position),
            [
                {
                    "person_id": i + 1,
                    "organization_id": rng.randint(1, n_orgs),
                    "kind": "job",
                    "title": "Engineer",
                    "source": "platform",
                    "asserted_by": i + 1,
                    "start_date": dt.date(2020, 1, 1),
                    "is_current": True,
                    "seen_on": now.date(),
                    "natural_key": f"bench-{i}",
                }
                for i in range(members)
            ],
        )
        # connections: each is a tie in each member's data (2 rows per connection)
        pairs: set[tuple[int, int]] = set()
        while len(pairs) * 2 < ties:
            a, b = rng.randint(1, members), rng.randint(1, members)
            if a != b:
                pairs.add((min(a, b), max(a, b)))
        batch: list[dict[str, Any]] = []
        for a, b in pairs:
            for by in (a, b):
                batch.append(
                    {
                        "person_a_id": a,
                        "person_b_id": b,
                        "source": "platform",
                        "asserted_by": by,
                        "since": now,
                        "confidence": 1.0,
                        "created_at": now,
                    }
                )
            if len(batch) >= 50_000:
                conn.execute(insert(t.Tie), batch)
                batch = []
        if batch:
            conn.execute(insert(t.Tie), batch)
    # rows written with their own ids: the platform's next ones come after them
    advance_sequences(store, ["person", "member", "account", "organization"])
    # the planner's statistics of what was just loaded and the search indexes'
    # pending rows, as after any bulk load (PostgreSQL; autovacuum would do it only
    # a minute or more into the run)
    store.analyze()
    store.close()
    return {
        "handles": [f"m{i + 1}" for i in range(members)],
        "orgs": list(range(1, n_orgs + 1)),
        "prefixes": sorted({n.split()[0][:3] for n in names} | {n.split()[1][:4] for n in names}),
        "tokens": tokens,
        "ties": len(pairs) * 2,
        "populate_s": time.perf_counter() - started,
    }


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load(
    base: str,
    plan: dict[str, Any],
    users: int,
    requests: int,
    seconds: float,
    seed: int,
    think: Think,
) -> dict[str, dict[str, Any]]:
    """Each route in turn, ``requests`` requests shared by ``users`` threads."""
    import httpx

    rng = random.Random(seed)
    routes = {
        "profile": lambda: f"/api/v1/profiles/{rng.choice(plan['handles'])}",
        "organisation": lambda: f"/api/v1/orgs/{rng.choice(plan['orgs'])}",
        "search": lambda: f"/api/v1/search?q={rng.choice(plan['prefixes'])}",
    }
    results: dict[str, dict[str, Any]] = {}
    for name, path in routes.items():
        todo = [path() for _ in range(requests)]
        lock = threading.Lock()
        latencies: list[float] = []
        errors: list[int | str] = []
        deadline = time.monotonic() + seconds / len(routes)

        def user(k: int) -> None:
            token = plan["tokens"][k % len(plan["tokens"])]
            waits = random.Random(seed * 1000 + k)
            # people do not all arrive at once: each starts within one think time
            time.sleep(min(think.wait(waits), max(0.0, deadline - time.monotonic())))
            with httpx.Client(
                base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60
            ) as c:
                while time.monotonic() < deadline:
                    with lock:
                        if not todo:
                            return
                        target = todo.pop()
                    t0 = time.perf_counter()
                    try:
                        status: int | str = c.get(target).status_code
                    except httpx.TimeoutException:  # counted, not a dead client thread
                        status = "timeout"
                    elapsed = time.perf_counter() - t0
                    with lock:
                        if status == 200:
                            latencies.append(elapsed)
                        else:
                            errors.append(status)
                    pause = think.wait(waits)
                    if pause:
                        time.sleep(min(pause, max(0.0, deadline - time.monotonic())))

        started = time.perf_counter()
        threads = [threading.Thread(target=user, args=(k,)) for k in range(users)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        wall = time.perf_counter() - started
        q = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [float("nan")] * 99
        results[name] = {
            "requests": len(latencies),
            "errors": len(errors),
            "timeouts": sum(1 for e in errors if e == "timeout"),
            "unsent": len(todo),  # not sent before the route's share of --seconds ran out
            "throughput_rps": len(latencies) / wall if wall else 0.0,
            "p50_ms": q[49] * 1000,
            "p95_ms": q[94] * 1000,
            "p99_ms": q[98] * 1000,
        }
    return results


def _table(results: dict[str, dict[str, Any]]) -> list[str]:
    lines = [
        "| route | answered | errors (timeouts) | not sent | throughput (req/s) "
        "| p50 (ms) | p95 (ms) | p99 (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['requests']} | {r['errors']} ({r['timeouts']}) | {r['unsent']} "
            f"| {r['throughput_rps']:.1f} | "
            f"{r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['p99_ms']:.0f} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--ties", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=300, help="per route and phase")
    parser.add_argument("--seconds", type=float, default=600, help="for all routes together")
    parser.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        help="worker processes of weakties serve (default: what it uses, %(default)s here)",
    )
    parser.add_argument(
        "--think",
        type=Think.parse,
        default=Think(),
        metavar="SECONDS|MIN:MAX",
        help="wait between a user's requests (default 0: back to back only)",
    )
    parser.add_argument("--db", default=None, help="a PostgreSQL URL (empty database)")
    parser.add_argument(
        "--throwaway-postgres",
        action="store_true",
        help="start a PostgreSQL of its own (as the test suite does) and measure on it",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", default="platform", help="results/NAME.md and .json")
    args = parser.parse_args()
    server = None
    if args.throwaway_postgres:
        sys.path.insert(0, str(HERE.parent))
        from tests.servers import start_postgres

        server = start_postgres()
        args.db = server.new_database()
    try:
        run(args)
    finally:
        if server is not None:
            server.stop()


def run(args: argparse.Namespace) -> None:
    load_start = os.getloadavg()
    think: Think = args.think
    phases = {"with think time": think} if think.active else {}
    phases["saturation"] = Think()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{tmp}/platform.sqlite"
        plan = populate(url, args.members, args.ties, args.seed)
        port = _free_port()
        server = start_server(url, port, args.workers, SECRET)
        try:
            base = f"http://127.0.0.1:{port}"
            measured = {
                phase: load(
                    base,
                    plan,
                    args.users,
                    args.requests,
                    args.seconds / len(phases),
                    args.seed,
                    model,
                )
                for phase, model in phases.items()
            }
        finally:
            stop_server(server)
    load_end = os.getloadavg()
    backend = "PostgreSQL" if args.db else "SQLite"
    model = load_model(
        args.users,
        think,
        args.workers,
        "`weakties serve` on loopback, its background loop running as on any server",
    )
    record = {
        "backend": backend,
        "members": args.members,
        "ties": plan["ties"],
        "users": args.users,
        "workers": args.workers,
        "think_s": [think.low, think.high],
        "load_model": " ".join(model),
        "populate_s": plan["populate_s"],
        # back to back, as every earlier run measured it
        "results": measured["saturation"],
        **({"with_think": measured["with think time"]} if think.active else {}),
        "load_start": load_start,
        "load_end": load_end,
        "cpus": os.cpu_count(),
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.out}.json").write_text(json.dumps(record, indent=1) + "\n")
    lines = [
        f"# Platform under load ({backend}, {args.members:,} members, {plan['ties']:,} tie rows)",
        "",
        *model,
        "",
        f"`{' '.join(['python', 'benchmarks/platform_bench.py', *sys.argv[1:]])}` "
        f"on {record['when']}; load average {load_start[0]:.1f} at the start, "
        f"{load_end[0]:.1f} at the end on {os.cpu_count()} cores (the end counts the "
        "benchmark's own server and clients)"
        + (
            " — a busy machine: rerun on a quiet one before quoting."
            if load_start[0] > 1.0  # what ran before: the end is the run's own load
            else "."
        ),
        "Latencies as the client saw them (server time plus the local round trip), "
        "of the answered requests; a request unanswered after 60 s is a timeout (an "
        "error), and requests still waiting when the route's share of the time ran out "
        "were not sent.",
    ]
    for phase, results in measured.items():
        title = (
            f"{args.users} users with think time ({think})"
            if phase == "with think time"
            else f"Saturation: {args.users} users back to back"
        )
        lines += ["", f"## {title}", "", *_table(results)]
    (RESULTS / f"{args.out}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
