"""The server's CPU per search page, in process, on the platform benchmark's world.

    flock /work/.bench.lock python benchmarks/search_cpu.py --db sqlite:////tmp/search/platform.sqlite \\
        --reuse /tmp/benchw/world-sqlite.json
    python benchmarks/search_cpu.py --db URL --reuse WORLD.json --kind topic --profile

The world is the one ``platform_bench.py --reuse WORLD.json`` built (10,000
members, 1 M connections, 1 M posts): the database is read as it is (a copy: the
sign-ins write their sessions). The app is called in this process through
FastAPI's test client, without HTTP and without the background loop: ``--users``
members (20) sign in as a browser does and take turns asking ``GET /search?q=``
with a name's first letters (``--kind name``, the world's prefixes) or a topic
word (``--kind topic``). Every member first asks once (what a worker keeps for
them is made, as on a running server), then ``--requests`` pages are timed: the
CPU time of this process per page (the test client's share included; not wall
time, which a shared machine stretches), its mean and quantiles, and the SQL
statements each page sent. ``--profile`` prints the functions that took the time
(cProfile); ``--statements`` the statements of the last page, with the time this
process waited for each; ``--parts`` the CPU time of each part of the search
(people, organisations, posts, jobs, the network at the jobs' organisations, the
page's rendering) per page, for each word. ``--results FILE`` writes what the search found (the
service's results, people with their degrees, organisations, groups, posts, jobs)
for each of the members and each of the world's names and topics, nothing timed:
two versions of the code compared by their files (``cmp``) show the same pages.
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
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from platform_bench import SECRET  # noqa: E402
from social_bench import _signed_in  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="the world's database (a copy of it)")
    parser.add_argument("--reuse", type=Path, required=True, help="the world's description")
    parser.add_argument("--kind", choices=["name", "topic"], default="name")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=30, help="functions shown by --profile")
    parser.add_argument("--statements", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--results", type=Path, help="write what each search found, untimed")
    parser.add_argument(
        "--parts", action="store_true", help="CPU of each part of the search, per word"
    )
    args = parser.parse_args()
    if args.results:
        found(args)
        return

    from sqlalchemy import event

    from weakties.web.app import create_app
    from weakties.web.settings import Settings

    world = json.loads(args.reuse.read_text(encoding="utf-8"))
    words = world["prefixes"] if args.kind == "name" else world["topics"]
    parts = _time_parts() if args.parts else None
    rng = random.Random(args.seed)
    load_start = os.getloadavg()
    settings = Settings(environment="test", secret_key=SECRET, db=args.db, worker_interval=0)
    app = create_app(settings)
    sent: list[tuple[str, float]] = []
    started_at: dict[int, float] = {}

    @event.listens_for(app.state.store.engine, "before_cursor_execute")
    def _before(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        started_at[id(cursor)] = time.perf_counter()

    @event.listens_for(app.state.store.engine, "after_cursor_execute")
    def _after(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        sent.append((statement, time.perf_counter() - started_at.pop(id(cursor), 0.0)))

    clients = [_signed_in(app, h) for h in world["handles"][: args.users]]
    try:

        def get(client: Any, path: str) -> None:
            answer = client.get(path)
            if answer.status_code != 200 or "<h1>Search</h1>" not in answer.text:
                raise SystemExit(f"{path}: {answer.status_code} {answer.text[:300]}")

        for client in clients:  # one warm round
            get(client, f"/search?q={rng.choice(words)}")
        todo = [f"/search?q={rng.choice(words)}" for _ in range(args.requests)]
        profiler = cProfile.Profile() if args.profile else None
        per: list[float] = []
        statements: list[int] = []
        started = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        for i, path in enumerate(todo):
            sent.clear()
            t0 = time.process_time()
            get(clients[i % len(clients)], path)
            per.append(time.process_time() - t0)
            statements.append(len(sent))
        if profiler is not None:
            profiler.disable()
        wall = time.perf_counter() - started
    finally:
        for client in clients:
            client.__exit__(None, None, None)
    if args.statements:
        print(f"{todo[-1]}: {len(sent)} statements")
        for sql, took in sent:
            print(f"{took * 1000:8.1f} ms  {' '.join(sql.split())[:200]}")
    if profiler is not None:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
        print(out.getvalue())
    if parts is not None:
        _print_parts(parts)
    load_end = os.getloadavg()
    q = statistics.quantiles(per, n=100)
    print(
        f"search, a {args.kind}: {len(per)} pages, {args.users} members in turn; CPU ms/page "
        f"mean {statistics.fmean(per) * 1000:.1f}, p50 {q[49] * 1000:.1f}, "
        f"p95 {q[94] * 1000:.1f}; wall ms/page {wall / len(per) * 1000:.1f}; statements/page "
        f"mean {statistics.fmean(statements):.1f}, max {max(statements)}; load average "
        f"{load_start[0]:.1f} at the start, {load_end[0]:.1f} at the end on {os.cpu_count()} cores"
    )


#: the parts of a search timed by --parts: (module, function)
PARTS = [
    ("weakties.service.search", "search"),
    ("weakties.service.search", "_people"),
    ("weakties.service.search", "match_orgs"),
    ("weakties.service.search", "_orgs"),
    ("weakties.service.search", "search_posts"),
    ("weakties.service.search", "match_jobs"),
    ("weakties.service.jobs", "network_at"),
    ("weakties.web.routes.search", "render"),
]


def _time_parts() -> dict[tuple[str, str], list[float]]:
    """Each part's CPU time (of the thread that runs it), by (word, part), the
    warm round's included: wrapped where the search calls it."""
    import importlib
    import threading

    spent: dict[tuple[str, str], list[float]] = {}
    word = threading.local()

    def wrapped(name: str, function: Any) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            if name == "search":
                word.value = args[2]
            started = time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                key = (getattr(word, "value", "?"), name)
                spent.setdefault(key, []).append(time.thread_time() - started)

        return timed

    for module_name, name in PARTS:
        module = importlib.import_module(module_name)
        setattr(module, name, wrapped(name, getattr(module, name)))
    return spent


def _print_parts(spent: dict[tuple[str, str], list[float]]) -> None:
    """CPU ms per page of each part, for each word and for all of them."""
    words = sorted({w for w, _ in spent})
    pages = {w: len(spent.get((w, "search"), [])) or 1 for w in words}
    names = [n for _, n in PARTS]
    print("| word | pages | " + " | ".join(names) + " |")
    print("|---|---:|" + "---:|" * len(names))
    for w in [*words, "all"]:
        chosen = words if w == "all" else [w]
        n = sum(pages[x] for x in chosen)
        cells = [sum(sum(spent.get((x, name), [])) for x in chosen) * 1000 / n for name in names]
        print(f"| {w} | {n} | " + " | ".join(f"{c:.1f}" for c in cells) + " |")


def found(args: argparse.Namespace) -> None:
    """What the search finds for each member and word (limits 20 and 3), one line each."""
    from weakties.service.context import viewer
    from weakties.service.search import search
    from weakties.store.engine import open_store

    world = json.loads(args.reuse.read_text(encoding="utf-8"))
    words = [*world["prefixes"], *world["topics"], "Ana Mart", "lea data", "zzz"]
    store = open_store(args.db)
    lines = []
    with store.engine.connect() as conn:
        for handle in world["handles"][: args.users]:
            who = viewer(conn, handle)
            for word in words:
                for limit in (20, 3):
                    lines.append(
                        f"{handle} {word!r} {limit}: {search(conn, who, word, limit=limit)!r}"
                    )
    store.close()
    args.results.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} searches written to {args.results}")


if __name__ == "__main__":
    main()
