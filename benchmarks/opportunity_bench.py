"""Opportunity benchmark: introduction paths to an organisation, and the feed.

    flock /work/.bench.lock .venv/bin/python benchmarks/opportunity_bench.py   # ~5 min

1. ``intro --to ORG`` on the snapshot: every path of length <= 3 from a member to
   the 5,000 people of an organisation, each scored (weakest link, novelty,
   freshness, history) and the ten best per broker picked. Chung-Lu power-law
   graphs of 100 k / 1 M, 300 k / 3 M and 1 M / 10 M edges (the graph
   benchmark's generator), per-edge strengths drawn from Beta(2, 5). The goal is
   <= 20 ms on 1 M / 10 M. Side by side, the same path sets from igraph
   (``get_all_simple_paths(to=the organisation, maxlen=3)``),
   DuckDB (a three-way self-join restricted to the organisation) and NetworkX
   (``all_simple_paths(cutoff=3)`` per target; 100 k only), with no scoring:
   the peers have no bounded path-to-a-set primitive, so this is the cheapest
   way to get the same answer from them. Every peer's path counts by length are
   checked against weakties'. Every side answers the same members in the same
   order after its own warm-up call; weakties and igraph on one thread, DuckDB
   on one thread and on all.
2. The same request end to end on a store (the demo: three members' exports of a
   generated world, pooled), the network built once and kept (as a server
   would): targets resolved, paths scored, the ten best explained from the
   database; and the cost of building that network. Then the same request as a
   command, ``weakties intro --to org:NAME --json`` in a fresh process.
3. The full opportunity feed of a member (``weakties opportunities``) on the same
   stores. Goal <= 200 ms.

Medians over query nodes of typical degree (interquartile range), after a warm-up.
Everything but the per-command figure is warm, in-process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

SIZES = {
    "small": (100_000, 1_000_000),
    "medium": (300_000, 3_000_000),
    "large": (1_000_000, 10_000_000),
}
ORG = 5000


def median_time(fn, inputs: list[Any], warm: bool = True) -> tuple[float, list[Any]]:  # type: ignore[no-untyped-def]
    if warm:
        fn(inputs[0])
    times, outs = [], []
    for x in inputs:
        t = time.perf_counter()
        outs.append(fn(x))
        times.append(time.perf_counter() - t)
    return statistics.median(times), outs


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout


def first_call(fn, x, budget: float) -> float | None:  # type: ignore[no-untyped-def]
    """Seconds of one call, or None if it did not finish within ``budget``."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, budget)
    start = time.perf_counter()
    try:
        fn(x)
    except _Timeout:
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return time.perf_counter() - start


def time_side(fn, inputs: list[Any], budget: float) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Every side the same way: one untimed warm-up call on inputs[0] (cut off
    after ``budget`` seconds: the side is then reported as slower than that), then
    one timed call per input of inputs[1:] in order, stopping once the calls have
    spent 4 budgets (after 3 calls at least)."""
    if first_call(fn, inputs[0], budget) is None:
        return {"over_s": budget}
    times, outs = [], []
    for x in inputs[1:]:
        t = time.perf_counter()
        outs.append(fn(x))
        times.append(time.perf_counter() - t)
        if sum(times) > 4 * budget and len(times) >= 3:
            break
    return {"seconds": statistics.median(times), "times": times, "outputs": outs}


def fmt(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def snapshot_part(sizes: list[str], queries: int, budget: float) -> list[dict]:
    import duckdb
    import igraph as ig
    from graph_bench import edge_files

    from weakties.graph import Graph
    from weakties.opportunity.network import network_from_graph
    from weakties.opportunity.paths import find_paths

    rows = []
    for label in sizes:
        n, m = SIZES[label]
        pu, pv, _ = edge_files(n, m)
        u, v = np.load(pu), np.load(pv)
        rng = np.random.default_rng(11)
        weight = rng.beta(2.0, 5.0, size=m).astype(np.float32)
        g = Graph.from_edges(u, v, weight, n_nodes=n)
        degree = g.degree()
        lo, hi = np.percentile(degree[degree > 0], [25, 75])
        typical = np.flatnonzero((degree >= lo) & (degree <= hi))
        # one warm-up member, then the timed ones: the same for every side
        sources = rng.choice(typical, size=queries + 1, replace=False).tolist()
        org = rng.choice(n, ORG, replace=False).astype(np.int32)
        org_list = org.tolist()

        def by_length(lengths: np.ndarray) -> list[int]:
            return np.bincount(lengths.astype(np.int64), minlength=4)[1:4].tolist()

        def intro(s: int) -> list[int]:
            net = network_from_graph(g, s)
            paths = find_paths(net, org, purpose="job")
            paths.top(10)
            return by_length(paths.length)

        sides: dict[str, dict[str, Any]] = {"weakties": time_side(intro, sources, budget)}
        ours = sides["weakties"]["outputs"]
        counts = [sum(c) for c in ours]
        print(
            f"{label}: weakties intro {fmt(sides['weakties']['seconds'])} "
            f"(median {statistics.median(counts):,.0f} paths)",
            flush=True,
        )
        # igraph: every simple path of <= 3 steps from the member to the organisation
        ig_g = ig.Graph(n=n, edges=list(zip(u.tolist(), v.tolist(), strict=True)))

        def ig_paths(s: int) -> list[int]:
            paths = ig_g.get_all_simple_paths(s, to=org_list, maxlen=3)
            return by_length(np.array([len(p) - 1 for p in paths], dtype=np.int64))

        sides["igraph"] = time_side(ig_paths, sources, budget)
        ig_g = None
        # DuckDB: the paths as joins over the symmetric edge table, on 1 thread, then all
        con = duckdb.connect(config={"threads": 1})
        both_u = np.concatenate([u, v]).astype(np.int32)
        both_v = np.concatenate([v, u]).astype(np.int32)
        con.register("e_df", {"a": both_u, "b": both_v})
        con.execute("create table e as select * from e_df")
        con.register("t_df", {"t": org})
        con.execute("create table t as select * from t_df")
        query = """
            with s1 as (select b x from e where a = $s),
            p1 as (select count(*) c from s1 join t on s1.x = t.t),
            p2 as (select count(*) c from s1 join e on e.a = s1.x join t on e.b = t.t
                   where e.b <> $s),
            p3 as (select count(*) c from s1 join e e1 on e1.a = s1.x
                   join e e2 on e2.a = e1.b join t on e2.b = t.t
                   where e1.b <> $s and e2.b <> $s and e2.b <> s1.x)
            select (select c from p1), (select c from p2), (select c from p3)
        """

        def duck(s: int) -> list[int]:
            return [int(c) for c in con.execute(query, {"s": int(s)}).fetchone()]

        sides["duckdb"] = time_side(duck, sources, budget)
        con.execute(f"set threads = {os.cpu_count()}")
        sides["duckdb_all_threads"] = time_side(duck, sources, budget)
        con.close()
        if label == "small":
            import networkx as nx

            nx_g = nx.Graph()
            nx_g.add_nodes_from(range(n))
            nx_g.add_edges_from(zip(u.tolist(), v.tolist(), strict=True))

            def nx_paths(s: int) -> list[int]:
                lengths = [0, 0, 0]
                for t in org_list:
                    if t != s:
                        for p in nx.all_simple_paths(nx_g, s, t, cutoff=3):
                            lengths[len(p) - 2] += 1
                return lengths

            sides["networkx"] = time_side(nx_paths, sources, budget)
            nx_g = None
        for name, side in sides.items():
            for i, out in enumerate(side.get("outputs", [])):
                assert out == ours[i], f"{name} differs from weakties on member {sources[i + 1]}"
        row: dict[str, Any] = {
            "size": label,
            "nodes": n,
            "edges": m,
            "paths_median": statistics.median(counts),
            "paths_max": max(counts),
            "sources": sources,
        }
        w_times = sides["weakties"]["times"]
        for name, side in sides.items():
            side.pop("outputs", None)
            if "times" in side:
                # weakties over the same inputs this side was timed on
                side["weakties_same_inputs_s"] = statistics.median(w_times[: len(side["times"])])
            row[name] = side
        print(
            "  peers: "
            + ", ".join(
                f"{k} {fmt(v['seconds']) if 'seconds' in v else '> ' + fmt(v['over_s'])}"
                for k, v in sides.items()
                if k != "weakties"
            ),
            flush=True,
        )
        rows.append(row)
        g = None
    return rows


CLI_CALLS = 3


def cli_intro(db: Path, names: list[str], expected: list[int]) -> dict[str, Any]:
    """``weakties intro --to org:NAME --json`` per organisation, each in a fresh
    process (wall time: start-up, imports, reading the network from the database,
    scoring, explaining, printing), after one untimed call that warms the disk
    cache and numba's kernel cache; each answer's path count is checked against
    the in-process figure."""
    exe = str(Path(sys.executable).with_name("weakties"))

    def call(name: str) -> dict:
        out = subprocess.run(
            [exe, "--db", str(db), "intro", "--to", f"org:{name}", "--as", "you", "--json"],
            capture_output=True,
            text=True,
        )
        if out.returncode != 0:
            raise SystemExit(f"weakties intro --to org:{name} failed:\n{out.stderr}")
        return json.loads(out.stdout)

    call(names[0])
    times = []
    for name, count in zip(names, expected, strict=True):
        t = time.perf_counter()
        answer = call(name)
        times.append(time.perf_counter() - t)
        paths = answer["summary"]["paths"]
        assert paths == count, f"intro --to {name}: {paths} paths per command, {count} in-process"
    return {"seconds": statistics.median(times), "times": times}


def store_part(people: list[int], queries: int) -> list[dict]:
    from sqlalchemy import select

    from weakties.demo import build_demo
    from weakties.model.tables import Organization, Position
    from weakties.opportunity.explain import explain_paths
    from weakties.opportunity.feed import opportunity_feed
    from weakties.opportunity.intro import target_paths
    from weakties.opportunity.network import build_network
    from weakties.opportunity.targets import TargetSpec
    from weakties.service import viewer as resolve_viewer
    from weakties.service.context import reader
    from weakties.store.clock import data_now
    from weakties.store.write import add_target

    rows = []
    for size in people:
        with tempfile.TemporaryDirectory() as tmp:
            store, _demo = build_demo(Path(tmp) / "demo.sqlite", n_people=size, seed=7)
            with store.engine.begin() as conn:
                me = resolve_viewer(conn, "you")
                now = data_now(conn)
                t_build, nets = median_time(lambda _: build_network(reader(conn, me)), [0, 1, 2])
                net = nets[-1]
                # organisations with people in the viewer's network, largest first
                counts: dict[int, int] = {}
                for (oid,) in conn.execute(
                    select(Position.organization_id).where(
                        Position.is_current.is_(True), Position.kind == "job"
                    )
                ):
                    if oid is not None:
                        counts[oid] = counts.get(oid, 0) + 1
                orgs = sorted(counts, key=lambda o: -counts[o])[:queries]
                for oid in orgs[:5]:
                    add_target(reader(conn, me), org_id=oid, person_id=None, purpose="job")

                def intro(oid: int) -> int:
                    r = reader(conn, me)
                    _net, targets, paths = target_paths(r, TargetSpec(org_ids=(oid,)), net=net)
                    chosen = paths.top(10)
                    explain_paths(r, paths, chosen, roles=targets.roles, prefer_org={oid})
                    return len(paths)

                t_intro, path_counts = median_time(intro, orgs)
                t_feed, feeds = median_time(
                    lambda _: opportunity_feed(reader(conn, me), as_of=now), list(range(queries))
                )
                names = [
                    conn.execute(select(Organization.name).where(Organization.id == oid)).scalar()
                    for oid in orgs[:CLI_CALLS]
                ]
            store.close()
            cli = cli_intro(Path(tmp) / "demo.sqlite", names, path_counts[:CLI_CALLS])
        row = {
            "people": size,
            "network_nodes": net.graph.n_nodes,
            "network_edges": net.graph.n_edges,
            "build_network_s": t_build,
            "intro_s": t_intro,
            "intro_paths_median": statistics.median(path_counts),
            "feed_s": t_feed,
            "feed_items": feeds[0]["total"],
            "intro_cli_s": cli["seconds"],
            "intro_cli_times": cli["times"],
        }
        print(
            f"store {size:,}: build network {fmt(t_build)}, intro {fmt(t_intro)}, "
            f"intro per command {fmt(cli['seconds'])}, "
            f"feed {fmt(t_feed)} ({row['feed_items']} items)",
            flush=True,
        )
        rows.append(row)
    return rows


def ego_part(sizes: list[int], queries: int) -> list[dict]:
    """One member with many contacts, two exports a year apart (so career events),
    inferred ties on: the heaviest personal case."""
    from weakties.ingest.linkedin.importer import import_linkedin
    from weakties.opportunity.feed import opportunity_feed
    from weakties.opportunity.intro import introductions
    from weakties.opportunity.network import build_network
    from weakties.opportunity.targets import TargetSpec
    from weakties.service import viewer as resolve_viewer
    from weakties.service.context import reader
    from weakties.service.ties import infer as infer_ties
    from weakties.store.clock import set_clock
    from weakties.store.engine import open_store
    from weakties.store.write import add_target
    from weakties.synth import generate_big_ego, write_linkedin_export

    rows = []
    for n in sizes:
        world = generate_big_ego(n_connections=n, n_messages=60 * n, seed=3)
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            store = open_store(folder / "ego.sqlite")
            older = write_linkedin_export(
                world, 0, folder / "older", as_of=world.end - dt.timedelta(days=365)
            )
            import_linkedin(store, older, "me")
            newer = write_linkedin_export(world, 0, folder / "newer", as_of=world.end)
            import_linkedin(store, newer, "me")
            now = dt.datetime.combine(world.end, dt.time()) + dt.timedelta(days=1)
            with store.engine.begin() as conn:
                set_clock(conn, now)
                me = resolve_viewer(conn, "me")
                infer_ties(conn, me, today=world.end)
                t_build, nets = median_time(lambda _: build_network(reader(conn, me)), [0, 1, 2])
                net = nets[-1]
                g = net.graph
                assert g.org_indices is not None and g.org_ids is not None
                staff = np.bincount(g.org_indices, minlength=g.org_ids.size)
                orgs = [int(g.org_ids[i]) for i in np.argsort(-staff)[:queries]]
                for oid in orgs[:5]:
                    add_target(reader(conn, me), org_id=oid, person_id=None, purpose="job")
                t_intro, found = median_time(
                    lambda oid: introductions(
                        reader(conn, me), TargetSpec(org_ids=(oid,)), net=net
                    ),
                    orgs,
                )
                t_feed, feeds = median_time(
                    lambda _: opportunity_feed(reader(conn, me), as_of=now), list(range(queries))
                )
                events = conn.exec_driver_sql("select count(*) from event").scalar()
            store.close()
        row = {
            "contacts": n,
            "interactions": 60 * n,
            "events": int(events or 0),
            "network_nodes": g.n_nodes,
            "network_edges": g.n_edges,
            "build_network_s": t_build,
            "intro_s": t_intro,
            "intro_paths_median": statistics.median(f["summary"]["paths"] for f in found),
            "feed_s": t_feed,
            "feed_items": feeds[0]["total"],
        }
        print(
            f"ego {n:,}: build network {fmt(t_build)}, intro {fmt(t_intro)}, "
            f"feed {fmt(t_feed)} ({row['feed_items']} items, {row['events']} events)",
            flush=True,
        )
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", nargs="+", default=["small", "medium", "large"])
    parser.add_argument("--queries", type=int, default=9)
    parser.add_argument("--people", type=int, nargs="+", default=[2000, 8000])
    parser.add_argument("--egos", type=int, nargs="+", default=[1250, 5000])
    parser.add_argument("--budget", type=float, default=20.0, help="seconds for one peer call")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "opportunity")
    args = parser.parse_args()
    load_start = os.getloadavg()
    print(f"load {' / '.join(f'{x:.2f}' for x in load_start)}", flush=True)
    started = time.perf_counter()
    snap = snapshot_part(args.sizes, args.queries, args.budget)
    stores = store_part(args.people, args.queries)
    egos = ego_part(args.egos, args.queries)
    load_end = os.getloadavg()
    import duckdb
    import igraph
    import networkx
    import numba

    lines = [
        "# Opportunity benchmark",
        "",
        f"`flock /work/.bench.lock .venv/bin/python benchmarks/opportunity_bench.py --sizes "
        f"{' '.join(args.sizes)} --queries {args.queries} --people "
        f"{' '.join(map(str, args.people))}` — {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{dt.date.today().isoformat()}; whole run {(time.perf_counter() - started) / 60:.1f} min.",
        "",
        f"Versions: numpy {np.__version__}, numba {numba.__version__}, igraph {igraph.__version__}, "
        f"duckdb {duckdb.__version__}, networkx {networkx.__version__}.",
        "",
        "Load average (1, 5, 15 min) at the start "
        + " / ".join(f"{x:.2f}" for x in load_start)
        + ", at the end "
        + " / ".join(f"{x:.2f}" for x in load_end)
        + ": the machine is shared, and above 2 (two cores) the times are upper bounds; "
        "rerun with the command above on a quiet machine.",
        "",
        "## Introduction paths to an organisation of 5,000 people",
        "",
        "weakties: every path of length ≤ 3 found, scored and ranked (the ten best, one per "
        "broker), as `weakties intro --to ORG` does on a network it keeps. Peers: the same "
        "path set, counted by length (no scoring), checked equal to weakties' counts on "
        "every timed member. **Warm, in-process** (graph built and kept, one untimed warm-up "
        "call per side), **every side over the same members** (typical degree) in the same "
        "order; a side that spends its time budget stops early and its ratio uses weakties' "
        "median over the same first members. **Threads**: weakties' path kernel is "
        "sequential (1 thread), igraph and NetworkX are single-threaded, DuckDB is timed on "
        "1 thread and on all threads; the ratio is one thread against one thread. igraph's "
        "`get_all_simple_paths(maxlen=3)` and DuckDB's three-way join are bounded at 3 hops "
        "like weakties' search.",
        "",
        "| graph | paths (median / max) | weakties | igraph | DuckDB, 1 thread | DuckDB, "
        f"{os.cpu_count()} threads | NetworkX | weakties vs best peer, 1 thread each | "
        "goal ≤ 20 ms (1 M / 10 M) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]

    def peer(r: dict, name: str) -> str:
        side = r.get(name)
        if not side:
            return "–"
        if "over_s" in side:
            return f"> {side['over_s']:.0f} s"
        calls = len(side["times"])
        return fmt(side["seconds"]) + (f" ({calls} calls)" if calls < args.queries else "")

    for r in snap:
        timed = {k: r[k] for k in ("igraph", "duckdb", "networkx") if k in r and "seconds" in r[k]}
        over = [
            r[k]["over_s"] for k in ("igraph", "duckdb", "networkx") if k in r and "over_s" in r[k]
        ]
        if timed:
            best = min(timed, key=lambda k: timed[k]["seconds"])
            versus = (
                f"{timed[best]['seconds'] / timed[best]['weakties_same_inputs_s']:.0f}x faster "
                f"({ {'igraph': 'igraph', 'duckdb': 'DuckDB', 'networkx': 'NetworkX'}[best] })"
            )
        elif over:
            versus = f"> {min(over) / r['weakties']['seconds']:.0f}x faster"
        else:
            versus = "–"
        goal = ""
        if r["size"] == "large":
            goal = "yes" if r["weakties"]["seconds"] <= 0.020 else "**no**"
        lines.append(
            f"| {r['nodes']:,} / {r['edges']:,} | {r['paths_median']:,.0f} / {r['paths_max']:,} | "
            f"{fmt(r['weakties']['seconds'])} | {peer(r, 'igraph')} | {peer(r, 'duckdb')} | "
            f"{peer(r, 'duckdb_all_threads')} | {peer(r, 'networkx')} | {versus} | {goal} |"
        )
    if len(snap) >= 2:
        a, b = snap[0], snap[-1]
        ta, tb = a["weakties"]["seconds"], b["weakties"]["seconds"]
        slope = np.log(tb / ta) / np.log(b["edges"] / a["edges"])
        lines += [
            "",
            f"Growth from {a['edges']:,} to {b['edges']:,} edges: "
            f"{tb / ta:.1f}x the time (log-log slope {slope:.2f} "
            "against the number of edges; the cost follows the member's two-hop volume and "
            "the organisation's degrees, not the graph's size).",
        ]
    lines += [
        "",
        "## On a store: the demo (three members' exports of a generated world, pooled)",
        "",
        "The network (tie strengths on every visible edge) is built once and kept, as a "
        "server would; `intro` then resolves the organisation's people, scores every "
        "path and explains the ten best from the database (names, how each broker knows "
        "each target, mutual contacts). The feed reads events, ties and positions and "
        "scores the dormant ties at watched organisations (five targets set). `build the "
        "network`, `intro, warm` and `full feed` are **warm, in-process** (one thread), "
        "medians after a warm-up call. `intro, per command` is **one `weakties intro --to "
        "org:NAME --json` in a fresh process** (wall time: Python start-up, imports, reading "
        "and scoring the network from the database, the paths, the explanations, the JSON), "
        f"the median over {CLI_CALLS} organisations after one untimed call that warms the "
        "disk and kernel caches; its path count is checked against the in-process one.",
        "",
        "| world | network (nodes / edges) | build the network | intro, warm | intro, per command | paths (median) | full feed | feed items | goal feed ≤ 200 ms |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in stores:
        lines.append(
            f"| {r['people']:,} people | {r['network_nodes']:,} / {r['network_edges']:,} | "
            f"{fmt(r['build_network_s'])} | {fmt(r['intro_s'])} | {fmt(r['intro_cli_s'])} | "
            f"{r['intro_paths_median']:,.0f} | "
            f"{fmt(r['feed_s'])} | {r['feed_items']} | "
            f"{'yes' if r['feed_s'] <= 0.2 else '**no**'} |"
        )
    lines += [
        "",
        "## One member with many contacts",
        "",
        "A member's own export with N contacts and 60 N messages, imported twice a year "
        "apart (the second import records the career moves), inferred ties on (colleagues, "
        "classmates, co-recipients): the heaviest personal case. Five targets set. Warm, "
        "in-process, one thread.",
        "",
        "| contacts | events | network (nodes / edges) | build the network | intro, end to end | paths (median) | full feed | feed items | goal feed ≤ 200 ms |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in egos:
        lines.append(
            f"| {r['contacts']:,} | {r['events']:,} | {r['network_nodes']:,} / "
            f"{r['network_edges']:,} | {fmt(r['build_network_s'])} | {fmt(r['intro_s'])} | "
            f"{r['intro_paths_median']:,.0f} | {fmt(r['feed_s'])} | {r['feed_items']} | "
            f"{'yes' if r['feed_s'] <= 0.2 else '**no**'} |"
        )
    lines.append("")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".md").write_text("\n".join(lines))
    args.out.with_suffix(".json").write_text(
        json.dumps(
            {
                "load_start": load_start,
                "load_end": load_end,
                "snapshot": snap,
                "stores": stores,
                "egos": egos,
            },
            indent=2,
        )
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
