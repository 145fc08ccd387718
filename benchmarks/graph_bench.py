"""Graph engine benchmark: the CSR snapshot against NetworkX, igraph, networkit and DuckDB.

Synthetic power-law graphs, Chung-Lu style: each node's expected degree is drawn
from a Pareto law of exponent 2.3 (--gamma), edge endpoints are drawn with probability
proportional to it (inverse CDF on the cumulative weights), self-loops and
repeated pairs are dropped and the draw topped up until the graph has exactly
10 edges per node (average degree 20); node ids are shuffled. Sizes: small =
100 k nodes / 1 M edges, medium = 300 k / 3 M, large = 1 M / 10 M. The edge
arrays are generated with numpy only (seeded, a few seconds) and cached as .npy
in benchmarks/_work/.

For each size, in the same process run and on the same graph: build a graph from
the edge arrays (timed and measured in a fresh child process per library: median
time of the runs, peak and retained RSS from VmHWM / VmRSS), then the queries of
the performance bar, each timed per call on query nodes drawn with a seeded RNG
among nodes of typical degree (interquartile range, giant component), after one
untimed warm-up call of every library (numba compiles on first call). Reported:
the median over the queries. Slow peers stop after a time budget (at least 3
calls, or 1 call when a single call takes longer than the budget); the number of
calls is in the JSON. Every result is checked against a peer before it is
reported (BFS distances, badges, shortest path sets, mutual counts, constraint,
path counts): the script stops on the first disagreement.

Threads: every peer on one thread (networkit and DuckDB are set to 1; DuckDB is
also timed on all threads); weakties' parallel kernels (BFS, constraint) on
numba's pool and again on one thread; the ratio to the best peer is one thread
against one thread, over the same inputs. Peers' bounded searches (igraph's
``neighborhood(order=3)``, ``get_all_simple_paths(maxlen=3)``; NetworkX's
cutoff ball) are timed beside their unbounded calls, the faster counted. The
load average at the start and the end is written with the results.

    flock /work/.bench.lock .venv/bin/python benchmarks/graph_bench.py     # ~15 min
    .venv/bin/python benchmarks/graph_bench.py --sizes small --runs 5      # a quick look
    .venv/bin/python benchmarks/graph_bench.py --networkx small            # NetworkX at 100 k only
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import math
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work"

SIZES = {
    "small": (100_000, 1_000_000),
    "medium": (300_000, 3_000_000),
    "large": (1_000_000, 10_000_000),
}
GAMMA = 2.3  # exponent of the expected-degree (Pareto) law (--gamma)
SEED = 7
GENERATOR_VERSION = 1  # bump when the generator changes, to invalidate the cache

PEERS = ("networkx", "igraph", "networkit", "duckdb")

# The performance bar (goals for 1 M nodes / 10 M edges; constraint on 100 k / 1 M)
# and the peers' reference figures measured on the reference machine at 1 M / 10 M.
GOALS = {
    "bfs": 40e-3,
    "badges": 0.1e-3,
    "paths3": 0.05e-3,
    "paths2": 0.05e-3,
    "mutual": 1e-3,
    "constraint": 30e-3,
    "paths_to": 20e-3,
}
REFERENCES = {  # (operation, peer, size): seconds
    ("bfs", "networkx", "large"): 9.6,
    ("bfs", "igraph", "large"): 0.82,
    ("bfs", "networkit", "large"): 0.78,
    ("badges", "networkx", "large"): 5.7e-3,
    ("paths3", "igraph", "large"): 0.93,
    ("paths3", "duckdb", "large"): 4.5e-3,
    ("mutual", "igraph", "large"): 7.5e-3,
    ("mutual", "networkit", "large"): 6.0e-3,
    ("constraint", "igraph", "small"): 39e-3,
}
SNAPSHOT_GOAL_MB = 200  # snapshot arrays at 1 M / 10 M


# --------------------------------------------------------------------------------------
# the synthetic graph


def _unique_sorted(keys: np.ndarray) -> np.ndarray:
    # np.unique is very slow on large int64 arrays in recent numpy; sorting is not
    keys = np.sort(keys)
    if keys.size:
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    return keys


def generate(
    n: int, m: int, seed: int = SEED, gamma: float = GAMMA
) -> tuple[np.ndarray, np.ndarray]:
    """Exactly m distinct undirected edges without self-loops on nodes 0..n-1 (int32)."""
    rng = np.random.default_rng([seed, n, m])
    weight = (1.0 - rng.random(n)) ** (-1.0 / (gamma - 1.0))  # Pareto, x_min = 1
    cumulative = np.cumsum(weight)
    total = cumulative[-1]

    def endpoints(k: int) -> np.ndarray:
        # sorted uniforms make the inverse-CDF lookup cache-friendly; pairing
        # sorted `a` with independently shuffled `b` keeps the pairs i.i.d.
        draws = np.sort(rng.random(k)) * total
        return np.searchsorted(cumulative, draws, side="right").astype(np.int64)

    keys = np.empty(0, dtype=np.int64)
    k = int(m * 1.1)
    while keys.size < m:
        a = endpoints(k)
        b = endpoints(k)[rng.permutation(k)]
        keep = a != b
        lo = np.minimum(a[keep], b[keep])
        hi = np.maximum(a[keep], b[keep])
        before = keys.size
        keys = _unique_sorted(np.concatenate((keys, lo * n + hi)))
        gained = max(keys.size - before, 1)
        k = int((m - keys.size) * k / gained * 1.2) + 1000
    if keys.size > m:
        keys = keys[np.sort(rng.choice(keys.size, m, replace=False))]
    label = rng.permutation(n).astype(np.int32)
    u, v = label[keys // n], label[keys % n]
    order = rng.permutation(m)  # edges in random order, as an export would give them
    return np.ascontiguousarray(u[order]), np.ascontiguousarray(v[order])


def edge_files(n: int, m: int) -> tuple[Path, Path, float]:
    """Paths of the cached u, v arrays (generated on first use) and the seconds spent."""
    stem = WORK / f"graph_n{n}_m{m}_g{GAMMA}_s{SEED}_v{GENERATOR_VERSION}"
    pu, pv = stem.with_name(stem.name + "_u.npy"), stem.with_name(stem.name + "_v.npy")
    if pu.exists() and pv.exists():
        return pu, pv, 0.0
    t = time.perf_counter()
    u, v = generate(n, m, gamma=GAMMA)
    seconds = time.perf_counter() - t
    WORK.mkdir(parents=True, exist_ok=True)
    np.save(pu, u)
    np.save(pv, v)
    return pu, pv, seconds


# --------------------------------------------------------------------------------------
# building, each library in a fresh child process (time and memory)

# Peak RSS is read from /proc/self/status (VmHWM) in the child; the peak is reset
# (clear_refs 5) once the edge arrays are loaded, so it is the build's own peak.
BUILD = r"""
import gc, json, sys, time
import numpy as np

def status():
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(("VmHWM:", "VmRSS:")):
                out[line.split(":")[0]] = int(line.split()[1])
    return out

def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False

lib, pu, pv = sys.argv[1:4]
n, runs, budget = int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
u = np.load(pu)
v = np.load(pv)

if lib == "weakties":
    from weakties.graph import Graph
    Graph.from_edges(np.array([0, 1]), np.array([1, 2]))  # load the compiled kernels
    def build():
        return Graph.from_edges(u, v, n_nodes=n)
elif lib == "igraph":
    import igraph as ig
    def build():
        # a list of tuples is igraph's fastest input (a 2-D numpy array is ~3x slower)
        return ig.Graph(n=n, edges=list(zip(u.tolist(), v.tolist())))
elif lib == "networkit":
    import networkit as nk
    def build():
        return nk.GraphFromCoo((u, v), n=n, directed=False, weighted=False)
elif lib == "networkx":
    import networkx as nx
    def build():
        g = nx.Graph()
        g.add_nodes_from(range(n))
        g.add_edges_from(zip(u.tolist(), v.tolist()))
        return g
elif lib == "duckdb":
    import duckdb
    def build():
        con = duckdb.connect(config={"threads": 1})
        d = {"u": u, "v": v}
        con.execute(
            "create table edges as select src, dst from "
            "(select u as src, v as dst from d union all select v, u from d) order by src, dst"
        )
        return con
gc.collect()
before = status()["VmRSS"]
exact = reset_peak()
times = []
start = time.perf_counter()
t = time.perf_counter()
graph = build()
times.append(time.perf_counter() - t)
after = status()
while len(times) < runs and time.perf_counter() - start < budget:
    del graph
    gc.collect()
    t = time.perf_counter()
    graph = build()
    times.append(time.perf_counter() - t)
print(json.dumps({
    "times": times,
    "peak_kib": after["VmHWM"] - before,
    "retained_kib": after["VmRSS"] - before,
    "peak_exact": exact,
}))
"""


def build_in_child(lib: str, pu: Path, pv: Path, n: int, runs: int, budget: float) -> dict:
    """Build in a fresh process on one thread (OpenMP for networkit, DuckDB's own
    setting; weakties and igraph build sequentially)."""
    out = subprocess.run(
        [sys.executable, "-c", BUILD, lib, str(pu), str(pv), str(n), str(runs), str(budget)],
        capture_output=True,
        text=True,
        env={**os.environ, "OMP_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1"},
    )
    if out.returncode != 0:
        raise SystemExit(f"building with {lib} failed:\n{out.stderr}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    times = result["times"]
    return {
        "seconds": statistics.median(times),
        "times": times,
        "calls": len(times),
        "peak_mib": result["peak_kib"] / 1024,
        "retained_mib": result["retained_kib"] / 1024,
        "peak_exact": result["peak_exact"],
    }


# --------------------------------------------------------------------------------------
# timing


@dataclass
class Timing:
    times: list[float] = field(default_factory=list)
    outputs: list[Any] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(self.times)

    def summary(self) -> dict:
        return {
            "seconds": self.seconds,
            "min_seconds": min(self.times),
            "max_seconds": max(self.times),
            "calls": len(self.times),
            "times": self.times,
        }


_FLUSH = None


def flush_caches() -> None:
    """Evict the CPU caches: read and write a buffer larger than any L3 (128 MiB)."""
    global _FLUSH
    if _FLUSH is None:
        _FLUSH = np.ones(2**27 // 8)
    _FLUSH += 1.0


def time_calls(
    fns: dict[str, Callable[[Any], Any]],
    inputs: Sequence[Any],
    budget: float,
    keep: str = "all",
    cold: bool = False,
    post: Callable[[Any], Any] | None = None,
) -> dict[str, Timing]:
    """Time fn(x) for every function and input, one call each, the garbage collector
    off during a call (as timeit does). Each function runs its inputs back to back
    (a stream of queries on different nodes) and stops once it has spent its budget
    (after >= 3 calls, or after one call if that alone took longer than the budget).
    ``cold``: evict the CPU caches before every call. ``post``: what to keep of an
    output (applied after the clock stops; big outputs are dropped before the next
    call, as a caller would)."""
    timings = {}
    for name, fn in fns.items():
        timing = timings[name] = Timing()
        spent = 0.0
        for x in inputs:
            if cold:
                flush_caches()
            gc.disable()
            t = time.perf_counter()
            out = fn(x)
            t = time.perf_counter() - t
            gc.enable()
            timing.times.append(t)
            spent += t
            if keep == "all" or (keep == "first" and not timing.outputs):
                timing.outputs.append(post(out) if post else out)
            del out
            if spent > budget and (len(timing.times) >= 3 or t > budget):
                break
    return timings


def check(ok: bool, what: str) -> None:
    if not ok:
        raise SystemExit(f"cross-check failed: {what}")


# --------------------------------------------------------------------------------------
# peers' versions of each query

DUCK_PATHS = """
with na as (select dst as x from edges where src = $a),
     nb as (select dst as y from edges where src = $b),
     p1 as (select null::integer as x, null::integer as y, 1 as len from na where x = $b),
     p2 as (select na.x, null::integer as y, 2 as len from na join nb on na.x = nb.y),
     p3 as (select e.src as x, e.dst as y, 3 as len
            from na join edges e on e.src = na.x join nb on e.dst = nb.y
            where e.src <> $b and e.dst <> $a),
     p as (select * from p1 union all select * from p2 union all select * from p3)
select x, y, len from p where len = (select min(len) from p) order by x, y
"""

DUCK_MUTUAL = """
with na as (select dst as x from edges where src = $a)
select e.dst as y, count(*)::integer as c
from na join edges e on e.src = na.x
where e.dst <> $a and e.dst not in (select x from na)
group by e.dst order by y
"""


def count_sorted(flat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(values, counts) of an int array, by sorting."""
    flat = np.sort(flat)
    if not flat.size:
        return flat, np.empty(0, dtype=np.int64)
    start = np.flatnonzero(np.concatenate(([True], flat[1:] != flat[:-1])))
    counts = np.diff(np.append(start, flat.size))
    return flat[start], counts


def mutual_from_lists(ego: int, first: np.ndarray, lists: list) -> tuple[np.ndarray, np.ndarray]:
    flat = np.fromiter(itertools.chain.from_iterable(lists), dtype=np.int64)
    nodes, counts = count_sorted(flat)
    drop = np.isin(nodes, first) | (nodes == ego)
    return nodes[~drop], counts[~drop]


def paths_from_duck(a: int, b: int, rows: dict) -> list[list[int]]:
    out = []
    for x, y, n in zip(rows["x"].tolist(), rows["y"].tolist(), rows["len"].tolist(), strict=True):
        out.append([a, b] if n == 1 else [a, x, b] if n == 2 else [a, x, y, b])
    return sorted(out)


def cap3(d: np.ndarray) -> np.ndarray:
    """Float distances (inf or huge = unreachable) as int32 badges, -1 beyond 3."""
    d = np.asarray(d, dtype=np.float64)
    out = np.full(d.shape, -1, dtype=np.int32)
    near = d <= 3
    out[near] = d[near].astype(np.int32)
    return out


# --------------------------------------------------------------------------------------
# one size


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout


def nx_constraint(graph: Any, few: np.ndarray, total: int, budget: float) -> dict:
    """NetworkX's constraint on a few nodes, one call per node, extrapolated to
    ``total`` nodes. Its cost per node grows with the degrees around the node (each
    normalised weight rescans a row), so calls are cut off at ``budget`` seconds in
    all; if that happens the estimate is a lower bound."""
    import networkx as nx

    times: list[float] = []
    values: dict[int, float] = {}
    cut = False
    unfinished = None
    previous = signal.signal(signal.SIGALRM, _alarm)
    deadline = time.perf_counter() + budget
    try:
        for x in few.tolist():
            left = deadline - time.perf_counter()
            if left <= 0:
                cut, unfinished = True, x
                break
            t = time.perf_counter()
            signal.setitimer(signal.ITIMER_REAL, left)
            try:
                values.update(nx.constraint(graph, nodes=[x]))
            except _Timeout:
                cut, unfinished = True, x
                times.append(time.perf_counter() - t)
                break
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            times.append(time.perf_counter() - t)
    finally:
        signal.signal(signal.SIGALRM, previous)
    return {
        # measured time scaled to `total` nodes; with a cut-off, unmeasured nodes count 0
        "seconds": sum(times) / (len(times) if not cut else len(few)) * total,
        "lower_bound": cut,
        "nodes_sampled": len(few),
        "nodes_done": len(values),
        "unfinished": unfinished,
        "nodes": few.tolist(),
        "degrees": [len(graph[x]) for x in few.tolist()],
        "per_node_seconds": times,
        "values": values,
    }


def total_gib() -> float:
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    return 0.0


def available_mib() -> float:
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    return 0.0


def run_size(label: str, args: argparse.Namespace, nx_bytes_per_edge: float | None) -> dict:
    import duckdb
    import igraph as ig
    import networkit as nk
    import networkx as nx
    import numba

    from weakties.graph import Graph, constraint

    # One thread for every peer query (networkit's BFS, BidirectionalBFS and
    # getPaths are sequential anyway; DuckDB is also timed on all threads);
    # weakties' parallel kernels are timed on numba's pool and on one thread.
    threads = numba.get_num_threads()
    nk.setNumberOfThreads(1)
    n, m = SIZES[label]
    pu, pv, generated = edge_files(n, m)
    u, v = np.load(pu), np.load(pv)
    log(
        f"[{label}] {n:,} nodes, {m:,} edges"
        + (f" (generated in {generated:.1f} s)" if generated else "")
    )
    budget = args.budget
    runs = args.runs
    result: dict[str, Any] = {
        "size": label,
        "n": n,
        "m": m,
        "generate_s": generated,
        "numba_threads": threads,
    }

    # NetworkX at this size?
    est_mib = (nx_bytes_per_edge or 1000) * m / 2**20
    use_nx = (
        args.networkx == "all"
        or (args.networkx == "small" and label == "small")
        or (args.networkx == "auto" and est_mib * 2 < available_mib())
    )
    result["networkx_used"] = use_nx

    # ---- 1. build, in child processes ----------------------------------------------
    builds = {}
    for lib in ("weakties", "igraph", "networkit", "duckdb") + (("networkx",) if use_nx else ()):
        b = build_in_child(lib, pu, pv, n, args.build_runs, budget if lib != "networkx" else 1.0)
        builds[lib] = b
        log(
            f"  build {lib:9s} {fmt(b['seconds']):>9s}  peak +{b['peak_mib']:,.0f} MiB, "
            f"retained {b['retained_mib']:,.0f} MiB"
        )
    result["build"] = builds

    # ---- graphs for the queries (this process) --------------------------------------
    Graph.from_edges(np.array([0, 1]), np.array([1, 2]))
    g = Graph.from_edges(u, v, n_nodes=n)
    snapshot = g.nbytes  # a constant strength (unweighted graph) is one value
    check(g.n_nodes == n and g.n_edges == m, f"weakties has {g.n_nodes} nodes, {g.n_edges} edges")
    ig_g = ig.Graph(n=n, edges=list(zip(u.tolist(), v.tolist(), strict=True)))
    nk_g = nk.GraphFromCoo((u, v), n=n, directed=False, weighted=False)
    check(ig_g.ecount() == m and nk_g.numberOfEdges() == m, "peers do not have m edges")
    con = duckdb.connect(config={"threads": 1})
    d = {"u": u, "v": v}
    con.execute(
        "create table edges as select src, dst from "
        "(select u as src, v as dst from d union all select v, u from d) order by src, dst"
    )
    del d
    nx_g = None
    if use_nx:
        log("  building the NetworkX graph for the queries ...")
        nx_g = nx.Graph()
        nx_g.add_nodes_from(range(n))
        nx_g.add_edges_from(zip(u.tolist(), v.tolist(), strict=True))
    del u, v
    gc.collect()
    gc.freeze()  # millions of NetworkX objects: keep them out of the collector's scans

    degree = g.degree()
    hub = int(np.argmax(degree))
    giant = g.bfs(hub) >= 0
    positive = degree[degree > 0]
    lo, hi = np.percentile(positive, [25, 75])
    typical = np.flatnonzero(giant & (degree >= lo) & (degree <= hi))
    second = g.volume
    result["graph"] = {
        "max_degree": int(degree.max()),
        "hub": hub,
        "isolated": int((degree == 0).sum()),
        "giant_component": int(giant.sum()),
        "median_degree": float(np.median(degree)),
        "typical_degree": [int(lo), int(hi)],
        "typical_two_hop_volume": float(np.median(second[typical])),
        "hub_two_hop_volume": int(second[hub]),
        "snapshot_bytes": int(snapshot),
    }
    log(
        f"  max degree {degree.max():,}, typical degree {lo:.0f}-{hi:.0f}, "
        f"snapshot {snapshot / 1e6:.0f} MB"
    )

    rng = np.random.default_rng([SEED, n, 1])
    k = runs + 1  # one warm-up input, then `runs` timed ones
    sources = [int(x) for x in rng.choice(typical, k, replace=False)]
    ops: dict[str, dict] = {}

    def record(op: str, timings: dict[str, Timing], **extra: Any) -> None:
        """Keep every timing; a peer timed with several methods ("igraph: ...")
        is represented by its fastest; each peer also gets weakties' one-thread
        median over the same inputs it was timed on (a slow peer may stop early)."""
        entry: dict[str, Any] = {name: t.summary() for name, t in timings.items()}
        variants = {name: t for name, t in timings.items() if ": " in name}
        for name in variants:
            del entry[name]
        for lib in {name.split(": ")[0] for name in variants}:
            mine = {name: t for name, t in variants.items() if name.startswith(lib + ": ")}
            best = min(mine, key=lambda name: mine[name].seconds)
            entry[lib] = mine[best].summary() | {"method": best.split(": ", 1)[1]}
        entry["variants"] = {name: t.summary() for name, t in variants.items()}
        one = timings.get("weakties_1thread", timings.get("weakties"))
        for lib in PEERS:
            if lib in entry and one is not None:
                entry[lib]["weakties_1thread_same_inputs"] = statistics.median(
                    one.times[: entry[lib]["calls"]]
                )
        ops[op] = entry | extra
        w = timings.get("weakties")
        c = timings.get("weakties_cold")
        line = f"  {op:14s} " + (f"weakties {fmt(w.seconds)}" if w else "weakties n/a")
        line += f" (1 thread {fmt(one.seconds)})" if "weakties_1thread" in timings else ""
        line += f" (cold {fmt(c.seconds)})" if c else ""
        line += "".join(
            f", {name} {fmt(t.seconds)}"
            for name, t in timings.items()
            if not name.startswith("weakties")
        )
        log(line)

    def warm(fns: dict[str, Callable[[Any], Any]], x: Any) -> None:
        for fn in fns.values():
            fn(x)

    def measure(
        fns: dict[str, Callable[[Any], Any]],
        inputs: list,
        keep: str = "all",
        post: Callable[[Any], Any] | None = None,
        parallel: bool = False,
    ) -> dict[str, Timing]:
        """Warm every function up on inputs[0], then time them on the rest, every
        side on the same inputs in the same order; weakties a second time with cold
        caches ("weakties_cold"), and, for a kernel that runs on numba's pool
        (``parallel``), on one thread ("weakties_1thread"); DuckDB (one thread in
        the table) a second time on all threads ("duckdb_all_threads")."""
        warm(fns, inputs[0])
        timings = time_calls(fns, inputs[1:], budget, keep, post=post)
        if "weakties" in fns:
            cold = time_calls({"w": fns["weakties"]}, inputs[1:], budget, "none", cold=True)
            timings["weakties_cold"] = cold["w"]
            if parallel:
                timings["weakties_1thread"] = one_thread(fns["weakties"], inputs)
        if "duckdb" in fns:
            con.execute(f"set threads = {threads}")
            try:
                fns["duckdb"](inputs[0])
                timings["duckdb_all_threads"] = time_calls(
                    {"d": fns["duckdb"]}, inputs[1:], budget, "none"
                )["d"]
            finally:
                con.execute("set threads = 1")
        return timings

    def one_thread(fn: Callable[[Any], Any], inputs: list) -> Timing:
        numba.set_num_threads(1)
        try:
            fn(inputs[0])
            return time_calls({"w": fn}, inputs[1:], budget, "none")["w"]
        finally:
            numba.set_num_threads(threads)

    # ---- 2. BFS --------------------------------------------------------------------
    def nk_bfs(s: int) -> np.ndarray:
        bfs = nk.distance.BFS(nk_g, s, False)
        bfs.run()
        return np.asarray(bfs.getDistances(asarray=True))

    fns: dict[str, Callable[[Any], Any]] = {
        "weakties": g.bfs,
        "igraph": lambda s: ig_g.distances(source=s)[0],
        "networkit": nk_bfs,
    }
    if nx_g is not None:
        fns["networkx"] = lambda s: nx.single_source_shortest_path_length(nx_g, s)
    t = measure(fns, sources, keep="first", parallel=True)
    ref = t["weakties"].outputs[0]
    s0 = sources[1]
    ig_d = np.array(t["igraph"].outputs[0], dtype=np.float64)
    check(
        np.array_equal(ref, np.where(np.isinf(ig_d), -1, ig_d).astype(np.int32)),
        f"BFS from {s0}: weakties and igraph distances differ",
    )
    nk_d = t["networkit"].outputs[0]
    check(
        np.array_equal(ref, np.where(nk_d > n, -1, nk_d).astype(np.int32)),
        f"BFS from {s0}: weakties and networkit distances differ",
    )
    if "networkx" in t:
        nx_d = np.full(n, -1, dtype=np.int32)
        out = t["networkx"].outputs[0]
        nx_d[np.fromiter(out.keys(), dtype=np.int64)] = np.fromiter(out.values(), dtype=np.int32)
        check(np.array_equal(ref, nx_d), f"BFS from {s0}: weakties and NetworkX differ")
    for lib in t:
        t[lib].outputs.clear()
    record("bfs", t, levels=int(ref.max()), reached=int((ref >= 0).sum()))

    # ---- 3. degree badges: 100 random targets, <= 3 hops ---------------------------
    def badge_inputs(srcs: list[int]) -> list[tuple[int, np.ndarray]]:
        return [(s, rng.choice(n, 100, replace=False).astype(np.int32)) for s in srcs]

    def nk_badges(x: tuple[int, np.ndarray]) -> np.ndarray:
        s, targets = x
        out = np.empty(targets.size)
        for i, tt in enumerate(targets.tolist()):
            # a fresh object per target: reusing one with setTarget gives wrong
            # distances in networkit 11.3
            b = nk.distance.BidirectionalBFS(nk_g, s, tt, False)
            b.run()
            out[i] = b.getDistance()
        return cap3(out)

    def nx_badges_ball(x: tuple[int, np.ndarray]) -> np.ndarray:
        s, targets = x
        ball = nx.single_source_shortest_path_length(nx_g, s, cutoff=3)
        return np.array([ball.get(tt, -1) for tt in targets.tolist()], dtype=np.int32)

    def nx_badges_pairs(x: tuple[int, np.ndarray]) -> np.ndarray:
        s, targets = x
        out = []
        for tt in targets.tolist():
            try:
                out.append(nx.shortest_path_length(nx_g, s, tt))
            except nx.NetworkXNoPath:
                out.append(math.inf)
        return cap3(np.array(out, dtype=np.float64))

    ball_mark = np.zeros(n, dtype=np.int8)

    def ig_badges_ball(x: tuple[int, np.ndarray]) -> np.ndarray:
        # the bounded search: igraph lists the ball in BFS order, so a target's
        # distance is read from its position (the 1- and 2-hop balls' sizes)
        s, targets = x
        ball = np.asarray(ig_g.neighborhood(s, order=3), dtype=np.int64)
        one = ig_g.degree(s) + 1
        two = ig_g.neighborhood_size(s, order=2)
        ball_mark[ball[:one]] = 1
        ball_mark[ball[one:two]] = 2
        ball_mark[ball[two:]] = 3
        ball_mark[s] = 0
        seen = ball_mark[targets]
        out = np.where(seen > 0, seen, -1).astype(np.int32)
        out[targets == s] = 0
        ball_mark[ball] = 0
        return out

    badge_fns: dict[str, Callable[[Any], Any]] = {
        "weakties": lambda x: g.distances(x[0], x[1], 3),
        "igraph: distances(source, targets)": lambda x: cap3(
            ig_g.distances(source=x[0], target=x[1].tolist())[0]
        ),
        "igraph: neighborhood(source, order=3)": ig_badges_ball,
        "networkit": nk_badges,
    }
    if nx_g is not None:
        badge_fns["networkx: single_source_shortest_path_length(cutoff=3)"] = nx_badges_ball
        badge_fns["networkx: shortest_path_length per target"] = nx_badges_pairs

    def badges(op: str, inputs: list[tuple[int, np.ndarray]]) -> None:
        t = measure(badge_fns, inputs)
        for name, tm in t.items():
            for i, out in enumerate(tm.outputs):
                check(
                    np.array_equal(out, t["weakties"].outputs[i]),
                    f"badges from {inputs[i + 1][0]}: weakties and {name} differ",
                )
        dist = np.concatenate(t["weakties"].outputs)
        record(
            op,
            t,
            distance_histogram={str(i): int((dist == i).sum()) for i in (-1, 0, 1, 2, 3)},
        )

    badges("badges", badge_inputs(sources))
    badges("badges_hub", badge_inputs([hub] * k))

    # ---- 4. all shortest paths <= 3 between two people ------------------------------
    pairs3: list[tuple[int, int]] = []
    while len(pairs3) < k:
        a, b = (int(x) for x in rng.choice(typical, 2, replace=False))
        if g.distance(a, b, 3) == 3:
            pairs3.append((a, b))
    pairs2: list[tuple[int, int]] = []
    typical_mask = np.zeros(n, dtype=bool)
    typical_mask[typical] = True
    for a in rng.choice(typical, 10 * k, replace=False).tolist():
        two, _ = g.mutual_counts(a)
        two = two[typical_mask[two]]
        if two.size:
            pairs2.append((a, int(rng.choice(two))))
        if len(pairs2) == k:
            break

    duck_paths = con.cursor()

    def nk_paths(x: tuple[int, int]) -> list[list[int]]:
        a, b = x
        bfs = nk.distance.BFS(nk_g, a, True, False, b)
        bfs.run()
        return sorted(bfs.getPaths(b))

    def nx_paths(x: tuple[int, int]) -> list[list[int]]:
        return sorted(nx.all_shortest_paths(nx_g, x[0], x[1]))

    def ig_paths_bounded(x: tuple[int, int]) -> list[list[int]]:
        # the bounded search: simple paths of at most 3 hops, the shortest kept
        paths = ig_g.get_all_simple_paths(x[0], to=x[1], maxlen=3)
        if not paths:
            return []
        shortest = min(len(p) for p in paths)
        return sorted(p for p in paths if len(p) == shortest)

    path_fns: dict[str, Callable[[Any], Any]] = {
        "weakties": lambda x: g.shortest_paths(x[0], x[1], 3),
        "igraph: get_all_shortest_paths(a, to=b)": lambda x: sorted(
            ig_g.get_all_shortest_paths(x[0], to=x[1])
        ),
        "igraph: get_all_simple_paths(a, to=b, maxlen=3), shortest kept": ig_paths_bounded,
        "networkit": nk_paths,
        "duckdb": lambda x: paths_from_duck(
            x[0], x[1], duck_paths.execute(DUCK_PATHS, {"a": x[0], "b": x[1]}).fetchnumpy()
        ),
    }
    if nx_g is not None:
        path_fns["networkx"] = nx_paths
    for op, pairs in (("paths3", pairs3), ("paths2", pairs2)):
        t = measure(path_fns, pairs)
        for lib, tm in t.items():
            for i, out in enumerate(tm.outputs):
                check(
                    out == t["weakties"].outputs[i],
                    f"shortest paths {pairs[i + 1]}: weakties and {lib} differ "
                    f"({len(t['weakties'].outputs[i])} vs {len(out)} paths)",
                )
        counts = [len(p) for p in t["weakties"].outputs]
        record(op, t, paths_median=statistics.median(counts), paths_max=max(counts))

    # ---- 5. mutual counts: ego -> all second degree -------------------------------
    duck_mutual = con.cursor()

    def ig_mutual(a: int) -> tuple[np.ndarray, np.ndarray]:
        first = ig_g.neighbors(a)
        return mutual_from_lists(a, np.array(first), ig_g.neighborhood(first, order=1, mindist=1))

    def nk_mutual(a: int) -> tuple[np.ndarray, np.ndarray]:
        first = list(nk_g.iterNeighbors(a))
        return mutual_from_lists(a, np.array(first), [nk_g.iterNeighbors(x) for x in first])

    def nx_mutual(a: int) -> tuple[np.ndarray, np.ndarray]:
        first = list(nx_g[a])
        return mutual_from_lists(a, np.array(first), [nx_g[x] for x in first])

    def duck_mut(a: int) -> tuple[np.ndarray, np.ndarray]:
        rows = duck_mutual.execute(DUCK_MUTUAL, {"a": a}).fetchnumpy()
        return rows["y"], rows["c"]

    mutual_fns: dict[str, Callable[[Any], Any]] = {
        "weakties": g.mutual_counts,
        "igraph": ig_mutual,
        "networkit": nk_mutual,
        "duckdb": duck_mut,
    }
    if nx_g is not None:
        mutual_fns["networkx"] = nx_mutual
    for op, egos in (("mutual", sources), ("mutual_hub", [hub] * k)):
        t = measure(mutual_fns, egos)
        for lib, tm in t.items():
            for i, (nodes, counts) in enumerate(tm.outputs):
                wn, wc = t["weakties"].outputs[i]
                check(
                    np.array_equal(nodes, wn) and np.array_equal(counts, wc),
                    f"mutual counts of {egos[i + 1]}: weakties and {lib} differ",
                )
        sizes = [len(o[0]) for o in t["weakties"].outputs]
        for tm in t.values():
            tm.outputs.clear()
        record(op, t, second_degree_median=statistics.median(sizes))

    # ---- 6. Burt's constraint for 1,000 nodes ---------------------------------------
    nodes = np.sort(rng.choice(np.flatnonzero(degree > 0), 1000, replace=False)).astype(np.int64)
    few = nodes[:: 1000 // args.nx_constraint_nodes][: args.nx_constraint_nodes]
    constraint(g, nodes=nodes)  # compiled on first call
    ig_g.constraint(vertices=nodes[:10].tolist())
    fns = {
        "weakties": lambda x: constraint(g, nodes=x),
        "igraph": lambda x: ig_g.constraint(vertices=x.tolist()),
    }
    timings = time_calls(fns, [nodes] * runs, budget)
    timings["weakties_cold"] = time_calls(
        {"w": fns["weakties"]}, [nodes] * runs, budget, "none", cold=True
    )["w"]
    timings["weakties_1thread"] = one_thread(fns["weakties"], [nodes] * (runs + 1))
    mine = np.asarray(timings["weakties"].outputs[0], dtype=np.float64)
    if mine.shape == (n,):  # indexed by node (NaN where not requested)
        mine = mine[nodes]
    theirs = np.asarray(timings["igraph"].outputs[0], dtype=np.float64)
    check(
        mine.shape == theirs.shape
        and np.allclose(mine, theirs, rtol=1e-6, atol=1e-9, equal_nan=True),
        "constraint: weakties and igraph differ",
    )
    extra: dict[str, Any] = {"nodes": len(nodes), "weakties_available": True}
    if nx_g is not None and label == "small":  # the bar is for the 100 k graph
        # other nodes than the others' (a sample, extrapolated): not in the ratio
        extra["networkx"] = nx_constraint(nx_g, few, len(nodes), args.nx_constraint_budget)
        done = extra["networkx"]["values"]
        ig_few = dict(zip(few.tolist(), ig_g.constraint(vertices=few.tolist()), strict=True))
        check(
            all(math.isclose(done[x], ig_few[x], rel_tol=1e-6) for x in done),
            "constraint: NetworkX and igraph differ",
        )
        del extra["networkx"]["values"]
        log(f"  constraint     networkx {fmt(extra['networkx']['seconds'])} (extrapolated)")
    for tm in timings.values():
        tm.outputs.clear()
    record("constraint", timings, **extra)

    # ---- 7. paths <= 3 to everyone at an organisation of 5,000 -----------------------
    def org_inputs(srcs: list[int]) -> list[tuple[int, np.ndarray]]:
        return [(s, rng.choice(n, 5000, replace=False).astype(np.int32)) for s in srcs]

    def expected_path_counts(s: int, targets: np.ndarray) -> list[int]:
        """Paths of length 1, 2, 3 from s to the targets, counted with numpy sums."""
        rows = np.repeat(np.arange(n), np.diff(g.indptr))

        def around(vec: np.ndarray) -> np.ndarray:  # per node, the sum over its neighbours
            return np.rint(np.bincount(rows, weights=vec[g.indices], minlength=n)).astype(np.int64)

        is_t = np.zeros(n, dtype=np.int64)
        is_t[targets] = 1
        near_s = np.zeros(n, dtype=np.int64)
        first = g.neighbors(s)
        near_s[first] = 1
        t_nbrs = around(is_t)  # targets among the neighbours
        t_two = around(t_nbrs)  # walks x-y-t to a target
        shared = around(near_s)  # neighbours shared with s
        one = is_t[first].sum()
        two = (t_nbrs[first] - is_t[s]).sum()  # s-x-t, t != s
        # s-x-y-t with y != s, t != x, t != s
        three = (
            t_two[first] - t_nbrs[s] - (degree[first] - 1) * is_t[first] - is_t[s] * shared[first]
        ).sum()
        return [int(one), int(two), int(three)]

    for op, srcs in (("paths_to", sources), ("paths_to_hub", [hub] * k)):
        inputs = org_inputs(srcs)
        t = measure(
            {"weakties": lambda x: g.paths_to(x[0], x[1], 3)},
            inputs,
            post=lambda p: np.bincount(p.length.astype(np.int64), minlength=4)[1:],
        )
        lengths = t["weakties"].outputs[0].tolist()
        expected = expected_path_counts(*inputs[1])
        check(
            lengths == expected,
            f"paths_to from {inputs[1][0]}: path counts by length {lengths} are not {expected}",
        )
        counts = [int(c.sum()) for c in t["weakties"].outputs]
        t["weakties"].outputs.clear()
        record(op, t, paths_median=statistics.median(counts), paths_max=max(counts))

    result["ops"] = ops
    con.close()
    gc.unfreeze()
    return result


# --------------------------------------------------------------------------------------
# report

ROWS = [
    ("build", "build from edge arrays", None),
    ("bfs", "BFS, whole graph, one source", "bfs"),
    ("badges", "degree badges: 100 targets, ≤ 3 hops", "badges"),
    ("badges_hub", "  the same from the hub", None),
    ("paths3", "all shortest paths, pair at distance 3", "paths3"),
    ("paths2", "all shortest paths, pair at distance 2", "paths2"),
    ("mutual", "mutual counts, ego → all 2nd degree", "mutual"),
    ("mutual_hub", "  the same for the hub", None),
    ("constraint", "Burt constraint, 1,000 nodes", "constraint"),
    ("paths_to", "paths ≤ 3 to an org of 5,000", "paths_to"),
    ("paths_to_hub", "  the same from the hub", None),
]
LIBS = ("weakties", "networkx", "igraph", "networkit", "duckdb")


def fmt(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.3g} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.3g} ms"
    if seconds >= 1000:
        return f"{seconds:,.0f} s"
    return f"{seconds:.3g} s"


def ratio(weakties: float | None, best: float | None) -> str:
    if weakties is None or best is None:
        return "–"
    r = best / weakties
    if r >= 1:
        return f"{r:.0f}x faster" if r >= 10 else f"{r:.1f}x faster"
    return f"{r:.2g}x"


def op_time(res: dict, op: str, lib: str) -> float | None:
    if op == "build":
        b = res["build"].get(lib)
        return b["seconds"] if b else None
    entry = res["ops"].get(op, {}).get(lib)
    return entry["seconds"] if isinstance(entry, dict) else None


def best_peer(res: dict, op: str) -> tuple[str | None, float | None, float | None]:
    """(peer, its time, weakties' one-thread time over the same inputs) for the
    fastest peer timed on the same inputs (NetworkX's extrapolated constraint is
    on other nodes: left out)."""
    if op == "build":
        peers = {lib: b["seconds"] for lib, b in res["build"].items() if lib != "weakties"}
        if not peers:
            return None, None, None
        lib = min(peers, key=lambda k: peers[k])
        return lib, peers[lib], res["build"]["weakties"]["seconds"]
    entry = res["ops"].get(op, {})
    peers = {
        lib: v
        for lib, v in entry.items()
        if lib in PEERS and isinstance(v, dict) and "weakties_1thread_same_inputs" in v
    }
    if not peers:
        return None, None, None
    lib = min(peers, key=lambda k: peers[k]["seconds"])
    return lib, peers[lib]["seconds"], peers[lib]["weakties_1thread_same_inputs"]


def table(res: dict) -> list[str]:
    lines = [
        "| operation | weakties | weakties, 1 thread | weakties, cold caches | NetworkX | igraph "
        "| networkit | DuckDB | weakties vs best peer, 1 thread each | goal | met |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    for op, title, goal_key in ROWS:
        times = {lib: op_time(res, op, lib) for lib in LIBS}
        w = times["weakties"]
        label = title
        cells = {lib: fmt(t) for lib, t in times.items()}
        entry = res["ops"].get(op, {})
        if op == "constraint" and "networkx" in entry:
            e = entry["networkx"]
            cells["networkx"] = ("≥ " if e["lower_bound"] else "") + fmt(e["seconds"]) + "*"
            label += (
                f" (*NetworkX: {e['nodes_done']} of {e['nodes_sampled']} sampled nodes "
                "timed, extrapolated)"
            )
        if op.startswith("paths_to"):
            label += f" ({entry['paths_median']:,.0f} paths)"
            cells = {lib: (c if lib == "weakties" else "no primitive") for lib, c in cells.items()}
        for lib in LIBS[1:]:
            method = entry.get(lib, {}).get("method") if isinstance(entry.get(lib), dict) else None
            if method:
                cells[lib] += f" ({METHOD_NOTES[method]})"
        if op == "build":
            one_cell = "sequential"
        elif "weakties_1thread" in entry:
            one_cell = fmt(entry["weakties_1thread"]["seconds"])
        else:
            one_cell = "sequential"
        cold = op_time(res, op, "weakties_cold") if op != "build" else None
        lib, peer_s, mine = best_peer(res, op)
        versus = "–" if lib is None else f"{ratio(mine, peer_s)} ({LIB_NAMES[lib]})"
        goal = GOALS.get(goal_key) if goal_key else None
        if op == "build":
            goal_cell, met = f"snapshot ≤ {SNAPSHOT_GOAL_MB} MB", snapshot_met(res)
        elif goal is None:
            goal_cell, met = "–", "–"
        elif op == "constraint" and res["size"] != "small":
            goal_cell, met = f"≤ {fmt(goal)} (100 k graph)", "–"
        else:
            goal_cell = f"≤ {fmt(goal)}"
            met = "–" if w is None else ("yes" if w <= goal else "**no**")
        lines.append(
            f"| {label} | {cells['weakties']} | {one_cell} | {fmt(cold)} | "
            + " | ".join(cells[lib] for lib in LIBS[1:])
            + f" | {versus} | {goal_cell} | {met} |"
        )
    return lines


LIB_NAMES = {
    "networkx": "NetworkX",
    "igraph": "igraph",
    "networkit": "networkit",
    "duckdb": "DuckDB",
}
# short marks for the peers' methods in the table (the notes name them in full)
METHOD_NOTES = {
    "distances(source, targets)": "BFS",
    "neighborhood(source, order=3)": "ball ≤ 3",
    "single_source_shortest_path_length(cutoff=3)": "ball ≤ 3",
    "shortest_path_length per target": "per target",
    "get_all_shortest_paths(a, to=b)": "BFS",
    "get_all_simple_paths(a, to=b, maxlen=3), shortest kept": "paths ≤ 3",
}


def snapshot_met(res: dict) -> str:
    mb = res["graph"]["snapshot_bytes"] / 1e6
    if res["size"] != "large":
        return f"{mb:.0f} MB"
    return f"{mb:.0f} MB, " + ("yes" if mb <= SNAPSHOT_GOAL_MB else "**no**")


def memory_table(results: list[dict]) -> list[str]:
    lines = [
        "| size | library | build peak RSS (MiB above the loaded arrays) | retained RSS (MiB) |",
        "|---|---|---:|---:|",
    ]
    for res in results:
        for lib in LIBS:
            b = res["build"].get(lib)
            if b:
                lines.append(
                    f"| {res['size']} | {lib} | {b['peak_mib']:,.0f} | {b['retained_mib']:,.0f} |"
                )
    return lines


def growth(results: list[dict]) -> list[str]:
    if len(results) < 2:
        return []
    sizes = [r["size"] for r in results]
    head = " | ".join(
        f"{s} ({r['m'] / 1e6:g} M edges)" for s, r in zip(sizes, results, strict=True)
    )
    pairs = list(itertools.pairwise(results)) + (
        [(results[0], results[-1])] if len(results) > 2 else []
    )
    pair_heads = " | ".join(f"{a['size']} → {b['size']}: ratio, slope" for a, b in pairs)
    lines = [
        f"| weakties | {head} | {pair_heads} |",
        "|---|" + "---:|" * (len(results) + len(pairs)),
    ]
    keys = [(op, title) for op, title, _ in ROWS] + [("snapshot", "snapshot memory")]
    for op, title in keys:
        if op == "snapshot":
            vals = [r["graph"]["snapshot_bytes"] for r in results]
            cells = [f"{x / 1e6:.0f} MB" for x in vals]
        else:
            vals = [op_time(r, op, "weakties") for r in results]
            cells = [fmt(x) for x in vals]
        gcells = []
        for a, b in pairs:
            va, vb = vals[results.index(a)], vals[results.index(b)]
            if not va or not vb:
                gcells.append("–")
                continue
            slope = math.log(vb / va) / math.log(b["m"] / a["m"])
            r = vb / va
            gcells.append(f"{r:.1f}x, {slope:.2f}" if r >= 1 else f"{r:.2g}x, {slope:.2f}")
        lines.append(f"| {title.strip()} | " + " | ".join([*cells, *gcells]) + " |")
    return lines


def references(results: list[dict]) -> list[str]:
    by_size = {r["size"]: r for r in results}
    lines = ["| operation | peer | graph | reference | this run |", "|---|---|---|---:|---:|"]
    for (op, lib, size), ref in REFERENCES.items():
        if size in by_size:
            mine = op_time(by_size[size], op, lib)
            lines.append(f"| {op} | {lib} | {size} | {fmt(ref)} | {fmt(mine)} |")
    return lines


def fmt_load(load: list[float]) -> str:
    return " / ".join(f"{x:.2f}" for x in load)


def write_report(
    results: list[dict], args: argparse.Namespace, versions: dict, wall: float, meta: dict
) -> None:
    sizes = " ".join(r["size"] for r in results)
    lines = [
        "# Graph engine benchmark",
        "",
        f"`flock /work/.bench.lock .venv/bin/python benchmarks/graph_bench.py --sizes {sizes} --runs {args.runs}"
        f"{f' --gamma {args.gamma}' if args.gamma != 2.3 else ''}` — "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"{total_gib():.0f} GiB RAM, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d')}; whole run {wall / 60:.1f} min.",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()) + ".",
        "",
        f"Synthetic power-law graphs (Chung-Lu, expected degrees ~ Pareto with exponent "
        f"{GAMMA}, average degree 20, seed {SEED}). Times are medians over calls on",
        "different query nodes of typical degree (interquartile range, giant component),",
        "after a warm-up call; `hub` rows use the node of highest degree. Build times are",
        "medians of fresh child processes. `x faster` = the fastest peer's time / weakties'",
        "one-thread time over the same inputs; below 1 weakties is slower. Goals are the project's bar for 1 M nodes / 10 M",
        "edges (constraint: 100 k nodes / 1 M edges); at the smaller sizes they are",
        "shown for reference. `weakties, cold caches` = the same calls, each after",
        "streaming 128 MiB through the CPU caches (L3 is 32 MiB here): a query arriving",
        "after unrelated work.",
        "",
        "**Warm, in-process.** Every query figure is a call on a graph already built and",
        "kept in the process (as a server keeps it), compiled kernels loaded, after one",
        "untimed warm-up call per library; no figure here includes starting Python or",
        "loading the network. A command-line call pays that too: see",
        "[opportunity.md](opportunity.md) for `weakties intro` per command.",
        "",
        "**Threads.** `weakties` = the engine as shipped: BFS (bottom-up steps) and",
        f"constraint run on numba's pool ({meta['threads']} threads here), every other query",
        "is sequential; `weakties, 1 thread` = the same kernels with the pool set to one",
        "thread. Every peer runs on one thread: igraph and NetworkX are single-threaded,",
        "networkit is set to 1 thread (its BFS, BidirectionalBFS and path queries are",
        "sequential anyway), DuckDB is set to 1 thread (its figures on all threads are in",
        "the notes). Builds run on one thread on every side. **`weakties vs best peer` is",
        "one thread against one thread**, over the same inputs.",
        "",
        "**Same inputs, bounded searches.** Every library answers the same query nodes in",
        "the same order; a slow peer may stop after its time budget, and its ratio then",
        "uses weakties' median over the same first inputs. Where a peer has a bounded",
        "search it is timed too and the faster of its methods counts (marked in the",
        "cells, named in the notes): igraph's `neighborhood(order=3)` ball for badges and",
        "`get_all_simple_paths(maxlen=3)` for shortest paths beside its BFS-based calls,",
        "NetworkX's cutoff-3 ball beside per-target searches.",
        "",
        f"Load average (1, 5, 15 min) at the start {fmt_load(meta['load_start'])}, at the "
        f"end {fmt_load(meta['load_end'])}: the machine is shared, and above 2 (two cores)",
        "the times are upper bounds; rerun with the command above on a quiet machine.",
        "",
    ]
    for res in results:
        gr = res["graph"]
        lines += [
            f"## {res['size']}: {res['n']:,} nodes, {res['m']:,} edges",
            "",
            f"Max degree {gr['max_degree']:,}; median degree {gr['median_degree']:g}; typical "
            f"degree {gr['typical_degree'][0]}–{gr['typical_degree'][1]}; "
            f"{gr['isolated']:,} isolated nodes; giant component {gr['giant_component']:,} "
            f"nodes; two-hop volume (sum of the neighbours' degrees) median "
            f"{gr['typical_two_hop_volume']:,.0f} for a typical node, "
            f"{gr['hub_two_hop_volume']:,} for the hub. Snapshot arrays "
            f"{gr['snapshot_bytes'] / 1e6:.0f} MB. NetworkX "
            + ("included." if res["networkx_used"] else "left out at this size (memory/time)."),
            "",
            *table(res),
            "",
        ]
        notes = size_notes(res)
        if notes:
            lines += [*notes, ""]
    lines += [
        "## Memory of a build",
        "",
        "Each library builds the graph from the same int32 edge arrays in a fresh",
        "process; peak = VmHWM during the build above the RSS with the arrays loaded",
        "(peak reset with `clear_refs`), retained = RSS held once the build returned.",
        "",
        *memory_table(results),
        "",
    ]
    if len(results) > 1:
        lines += [
            "## Growth with size (weakties)",
            "",
            "Ratio of the times between sizes and the log-log slope against the number of",
            "edges (1.0 = linear, 0 = constant).",
            "",
            *growth(results),
            "",
        ]
    if any(r["size"] in ("small", "large") for r in results):
        lines += [
            "## Peers against the reference figures of the performance bar",
            "",
            "The reference figures were measured on this machine on another synthetic graph",
            "of the same size; the peers' times depend on the degree distribution (two-hop",
            "volumes above all), so they are a sanity check, not a target.",
            "",
            *references(results),
            "",
        ]
    lines += [
        "Peer methods: BFS — igraph `distances(source=s)`, networkit `distance.BFS(G, s, "
        "storePaths=False)` + `getDistances(asarray=True)`, NetworkX "
        "`single_source_shortest_path_length`. Badges — igraph the faster of one "
        "`distances(source, targets)` (a BFS that stops once every target is reached) and "
        "the bounded `neighborhood(source, order=3)` (listed in BFS order, so a target's "
        "distance is its position against the 1- and 2-hop ball sizes), networkit "
        "`BidirectionalBFS` per target, NetworkX the faster of a cutoff-3 ball and "
        "`shortest_path_length` per target. Shortest paths — igraph the faster of "
        "`get_all_shortest_paths(a, to=b)` and the bounded `get_all_simple_paths(a, to=b, "
        "maxlen=3)` keeping the shortest, networkit `BFS(G, a, "
        "storePaths=True, target=b).getPaths(b)`, NetworkX `all_shortest_paths`, DuckDB "
        "one SQL self-join of the edge table for the 1-, 2- and 3-hop paths keeping the "
        "shortest. Mutual counts — igraph `neighborhood` of the neighbours, networkit "
        "`iterNeighbors`, NetworkX adjacency, counted with numpy; DuckDB a join and "
        "`group by`. Constraint — igraph `constraint(vertices)`, NetworkX "
        "`constraint(nodes)` on a few nodes × (1,000 / few). Paths to an organisation — "
        "no peer has the primitive. DuckDB's table holds both directions of every edge, "
        "sorted by (src, dst).",
        "",
    ]
    out = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines))
    out.with_suffix(".json").write_text(
        json.dumps(
            {"versions": versions, "runs": args.runs, "meta": meta, "results": results}, indent=2
        )
    )
    log(f"written {out} and {out.with_suffix('.json').name}")


def size_notes(res: dict) -> list[str]:
    notes = []
    ops = res["ops"]
    for op, d in ops.items():
        variants = d.get("variants", {})
        for lib in LIBS[1:]:
            mine = {k: v for k, v in variants.items() if k.startswith(lib + ": ")}
            if len(mine) > 1:
                notes.append(
                    f"- {op}, {LIB_NAMES[lib]} (the faster counted): "
                    + "; ".join(
                        f"`{k.split(': ', 1)[1]}` {fmt(v['seconds'])}" for k, v in mine.items()
                    )
                )
    duck = [
        f"{op} {fmt(d['duckdb_all_threads']['seconds'])}"
        for op, d in ops.items()
        if "duckdb_all_threads" in d
    ]
    if duck:
        notes.append(
            f"- DuckDB on all {res.get('numba_threads', os.cpu_count())} threads (the table: "
            "1 thread): " + ", ".join(duck)
        )
    h = ops["badges"].get("distance_histogram")
    if h:
        notes.append(
            "- badges: distances of the targets "
            + ", ".join(f"{k if k != '-1' else '> 3'}: {v}" for k, v in h.items() if v)
        )
    notes.append(
        f"- shortest paths: median {ops['paths3']['paths_median']:g} paths per pair at distance 3, "
        f"{ops['paths2']['paths_median']:g} at distance 2; mutual counts: median "
        f"{ops['mutual']['second_degree_median']:,.0f} second-degree nodes "
        f"({ops['mutual_hub']['second_degree_median']:,.0f} for the hub)"
    )
    e = ops["constraint"].get("networkx")
    if e and e["lower_bound"]:
        stuck = e["unfinished"]
        degree = e["degrees"][e["nodes"].index(stuck)]
        notes.append(
            f"- constraint, NetworkX: node {stuck} (degree {degree}) did not finish within "
            f"the {sum(e['per_node_seconds']):.0f} s budget; the extrapolation counts the "
            "unfinished and untimed sampled nodes as 0 s, so it is a lower bound. NetworkX "
            "rescans a contact's whole row for every normalised weight, so nodes next to "
            "hubs can cost minutes."
        )
    if not ops["constraint"]["weakties_available"]:
        notes.append("- constraint: `weakties.graph.constraint` is not implemented yet (n/a).")
    slow = [
        f"{lib} {op} ({v['calls']} call{'s' if v['calls'] > 1 else ''})"
        for op, d in ops.items()
        for lib, v in d.items()
        if isinstance(v, dict) and "calls" in v and v["calls"] < 3
    ]
    if slow:
        notes.append("- fewer than 3 calls within the time budget: " + ", ".join(slow))
    early = [
        f"{LIB_NAMES[lib]} {op} ({v['calls']} of {d['weakties']['calls']})"
        for op, d in ops.items()
        for lib, v in d.items()
        if lib in PEERS
        and isinstance(v, dict)
        and "weakties_1thread_same_inputs" in v
        and v["calls"] < d["weakties"]["calls"]
    ]
    if early:
        notes.append(
            "- stopped by the time budget before the last input, so their ratio uses "
            "weakties' median over the same first inputs: " + ", ".join(early)
        )
    return notes


def log(text: str) -> None:
    print(text, flush=True)


def main() -> None:
    global GAMMA
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", nargs="+", choices=list(SIZES), default=["small", "medium", "large"]
    )
    parser.add_argument("--runs", type=int, default=11, help="timed calls per query (median)")
    parser.add_argument("--build-runs", type=int, default=3, help="builds per library and size")
    parser.add_argument(
        "--budget",
        type=float,
        default=15.0,
        help="seconds per library and query before a slow peer stops",
    )
    parser.add_argument(
        "--networkx",
        choices=["auto", "all", "small", "none"],
        default="auto",
        help="sizes for NetworkX (auto: where it fits in half the free memory)",
    )
    parser.add_argument(
        "--nx-constraint-nodes",
        type=int,
        default=10,
        help="nodes NetworkX's constraint is timed on (then extrapolated)",
    )
    parser.add_argument(
        "--nx-constraint-budget",
        type=float,
        default=60.0,
        help="seconds for NetworkX's constraint in all",
    )
    parser.add_argument(
        "--gamma", type=float, default=GAMMA, help="exponent of the expected-degree law (2.1-2.5)"
    )
    parser.add_argument("--out", type=Path, default=HERE / "results" / "graph.md")
    args = parser.parse_args()
    GAMMA = args.gamma

    import duckdb
    import igraph
    import networkit
    import networkx
    import numba

    versions = {
        "numpy": np.__version__,
        "numba": numba.__version__,
        "networkx": networkx.__version__,
        "igraph": igraph.__version__,
        "networkit": networkit.__version__,
        "duckdb": duckdb.__version__,
    }
    meta: dict[str, Any] = {"load_start": list(os.getloadavg()), "threads": numba.get_num_threads()}
    log(f"load {fmt_load(meta['load_start'])}, {available_mib() / 1024:.1f} GiB available")
    start = time.perf_counter()
    results = []
    nx_bytes_per_edge = None
    for label in sorted(args.sizes, key=lambda s: SIZES[s][1]):
        res = run_size(label, args, nx_bytes_per_edge)
        if "networkx" in res["build"]:
            b = res["build"]["networkx"]
            nx_bytes_per_edge = max(b["peak_mib"], b["retained_mib"]) * 2**20 / res["m"]
        results.append(res)
        gc.collect()
    meta["load_end"] = list(os.getloadavg())
    write_report(results, args, versions, time.perf_counter() - start, meta)


if __name__ == "__main__":
    main()
