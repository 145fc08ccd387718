"""The single-machine ceiling: the embedded engine at 1 M / 10 M, 3 M / 30 M and
10 M people / 100 M ties, beside igraph on the same edge arrays.

Needs about 10 GiB of free memory at the largest size (it checks MemAvailable
first and stops, or leaves that size out, if there is not enough); run it alone:

    flock /work/.bench.lock .venv/bin/python benchmarks/ceiling_bench.py    # ~30 min
    .venv/bin/python benchmarks/ceiling_bench.py --sizes 10m --runs 5         # a quick look

Graphs: the graph benchmark's Chung-Lu power law (expected degrees ~ Pareto of
exponent 2.3, average degree 20), drawn in chunks so that generating 100 M
distinct edges needs about 2 GiB: endpoints by inverse CDF, pairs packed in one
int64 key, sorted and deduplicated in place, topped up until exactly m distinct
edges remain, then shuffled in place and relabelled. Cached as int32 .npy files in
benchmarks/_work/ (1.6 GB at 100 M). Per-edge strengths ~ Beta(2, 5), float32.

Measured per size, on the same arrays:

1. Build. weakties ``Graph.from_edges`` (with and without strengths) and igraph
   ``Graph(n, edges=list of tuples)`` (its fastest input; a 2-D numpy array is
   slower and peaks as high) each in a fresh child process: median time, peak RSS
   above the loaded arrays (VmHWM after ``clear_refs``), RSS retained. The
   list-of-tuples build holds ~190 bytes per edge at its peak, so it is left out
   where the previous size's measured peak says it would not fit the memory
   budget; igraph is then built by appending the edges in chunks of 10 M
   (``add_edges`` of a 2-D int32 array, which re-indexes the whole graph each
   time) in this process, timed and measured the same way.
2. Queries, warm in-process (the graph built and kept, compiled kernels loaded,
   one untimed warm-up call per side), on the same query people for both sides
   (typical degree: interquartile range, giant component):
   - degree badges: hop distance (<= 3, else none) from a member to 100 random
     people; igraph: ``distances(source, target)`` (a BFS that stops once every
     target is reached) and the bounded ``neighborhood(order=3)`` (BFS order,
     so the distance is read from the position), the faster counted;
   - the same from the person of highest degree;
   - mutual counts: every second-degree person of a member with the number of
     contacts shared; igraph: ``neighborhood`` of the member's contacts, counted
     with numpy;
   - intro to an organisation: every path of <= 3 hops from a member to 5,000
     random people, scored and ranked (``find_paths`` + ``top(10)``, as
     ``weakties intro --to ORG`` does on a kept network); igraph:
     ``get_all_simple_paths(s, to=org, maxlen=3)``, counted (no scoring).
   Every igraph answer is checked equal to weakties' (badges, mutual nodes and
   counts, path counts by length); the script stops on the first difference.

Threads: every timed operation runs on one thread on both sides (weakties'
``from_edges``, badges, mutual counts and paths are sequential numba kernels;
igraph is single-threaded). The untimed BFS that finds the giant component uses
numba's pool.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numba import njit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
WORK = HERE / "_work"

from graph_bench import cap3, check, fmt, mutual_from_lists  # noqa: E402

SIZES = {
    "1m": (100_000, 1_000_000),  # a quick look only
    "10m": (1_000_000, 10_000_000),
    "30m": (3_000_000, 30_000_000),
    "100m": (10_000_000, 100_000_000),
}
GAMMA = 2.3
SEED = 7
GENERATOR_VERSION = 1
ORG = 5000
IG_CHUNK = 10_000_000
# what the largest size needs at its peak (igraph chunked build beside the arrays)
NEED_GIB_PER_100M = 10.0


# --------------------------------------------------------------------------------------
# the graph, in chunks


@njit(cache=True)
def _compact_unique(keys, count):  # pragma: no cover - compiled
    """Squeeze repeated values out of sorted keys[:count]; the new count."""
    if count == 0:
        return 0
    out = 1
    for i in range(1, count):
        if keys[i] != keys[out - 1]:
            keys[out] = keys[i]
            out += 1
    return out


@njit(cache=True)
def _drop_positions(keys, count, drop):  # pragma: no cover - compiled
    """Remove the (sorted, distinct) positions ``drop`` from keys[:count]."""
    out = 0
    j = 0
    for i in range(count):
        if j < drop.shape[0] and drop[j] == i:
            j += 1
            continue
        keys[out] = keys[i]
        out += 1
    return out


def generate(n: int, m: int, chunk: int = 4_000_000) -> tuple[np.ndarray, np.ndarray]:
    """Exactly m distinct undirected edges without self-loops on 0..n-1 (int32 u, v),
    the graph benchmark's Chung-Lu law drawn in chunks (peak ~ 10 bytes per edge
    above the 16 of the keys)."""
    rng = np.random.default_rng([SEED, n, m, 100])
    weight = (1.0 - rng.random(n)) ** (-1.0 / (GAMMA - 1.0))
    cumulative = np.cumsum(weight)
    del weight
    total = cumulative[-1]

    def endpoints(k: int) -> np.ndarray:
        draws = rng.random(k)
        draws.sort()  # sorted lookups are cache-friendly
        draws *= total
        return np.searchsorted(cumulative, draws, side="right")

    keys = np.empty(int(m * 1.1) + chunk, dtype=np.int64)
    unique = 0
    while unique < m:
        filled = unique
        # duplicates and self-loops are a few per cent: draw what is missing, plus a margin
        want = min(int((m - unique) * 1.06) + 1000, keys.size - unique)
        while filled < unique + want:
            k = min(chunk, unique + want - filled)
            a = endpoints(k)
            b = endpoints(k)
            rng.shuffle(b)  # pair sorted a with shuffled b: i.i.d. pairs
            keep = a != b
            a, b = a[keep], b[keep]
            lo = np.minimum(a, b)
            lo *= n
            lo += np.maximum(a, b)
            keys[filled : filled + lo.size] = lo
            filled += lo.size
        keys[:filled].sort()
        unique = _compact_unique(keys, filled)
    if unique > m:
        drop = np.sort(rng.choice(unique, unique - m, replace=False))
        unique = _drop_positions(keys, unique, drop)
    keys = keys[:m]
    rng.shuffle(keys)  # edges in random order, as an export would give them
    label = rng.permutation(n).astype(np.int32)
    u = np.empty(m, dtype=np.int32)
    v = np.empty(m, dtype=np.int32)
    for i in range(0, m, chunk):
        part = keys[i : i + chunk]
        u[i : i + chunk] = label[part // n]
        v[i : i + chunk] = label[part % n]
    return u, v


def strengths(m: int, chunk: int = 10_000_000) -> np.ndarray:
    rng = np.random.default_rng([SEED, m, 200])
    w = np.empty(m, dtype=np.float32)
    for i in range(0, m, chunk):
        w[i : i + chunk] = rng.beta(2.0, 5.0, size=min(chunk, m - i))
    return w


def edge_files(n: int, m: int) -> tuple[dict[str, Path], float]:
    stem = f"ceiling_n{n}_m{m}_g{GAMMA}_s{SEED}_v{GENERATOR_VERSION}"
    files = {k: WORK / f"{stem}_{k}.npy" for k in ("u", "v", "w")}
    if all(p.exists() for p in files.values()):
        return files, 0.0
    WORK.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    u, v = generate(n, m)
    seconds = time.perf_counter() - t
    np.save(files["u"], u)
    np.save(files["v"], v)
    del u, v
    np.save(files["w"], strengths(m))
    return files, seconds


# --------------------------------------------------------------------------------------
# memory


def status() -> dict[str, int]:
    """VmHWM and VmRSS of this process, KiB."""
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(("VmHWM:", "VmRSS:")):
                out[line.split(":")[0]] = int(line.split()[1])
    return out


def reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def available_gib() -> float:
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 2**20
    return 0.0


def total_gib() -> float:
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    return 0.0


# --------------------------------------------------------------------------------------
# builds in child processes

BUILD = r"""
import gc, json, sys, time
import numpy as np
sys.path.insert(0, sys.argv[1])
from ceiling_bench import status, reset_peak

lib, pu, pv, pw = sys.argv[2:6]
n, runs = int(sys.argv[6]), int(sys.argv[7])
u = np.load(pu)
v = np.load(pv)
w = np.load(pw) if lib == "weakties+strength" else None

if lib.startswith("weakties"):
    from weakties.graph import Graph
    Graph.from_edges(np.array([0, 1]), np.array([1, 2]), np.ones(2))  # compiled kernels
    Graph.from_edges(np.array([0, 1]), np.array([1, 2]))
    def build():
        return Graph.from_edges(u, v, w, n_nodes=n)
    def size(g):
        return g.nbytes
elif lib == "igraph":
    import igraph as ig
    def build():
        return ig.Graph(n=n, edges=list(zip(u.tolist(), v.tolist())))
    def size(g):
        return None
gc.collect()
before = status()["VmRSS"]
exact = reset_peak()
times = []
cpu = []
c = time.process_time()
t = time.perf_counter()
graph = build()
times.append(time.perf_counter() - t)
cpu.append(time.process_time() - c)
after = status()
nbytes = size(graph)
for _ in range(runs - 1):
    del graph
    gc.collect()
    c = time.process_time()
    t = time.perf_counter()
    graph = build()
    times.append(time.perf_counter() - t)
    cpu.append(time.process_time() - c)
print(json.dumps({"times": times, "cpu": cpu, "peak_kib": after["VmHWM"] - before,
                  "retained_kib": after["VmRSS"] - before, "peak_exact": exact,
                  "nbytes": nbytes}))
"""


def build_in_child(lib: str, files: dict[str, Path], n: int, runs: int) -> dict:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            BUILD,
            str(HERE),
            lib,
            *(str(files[k]) for k in "uvw"),
            str(n),
            str(runs),
        ],
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise SystemExit(f"building with {lib} failed:\n{out.stderr}")
    r = json.loads(out.stdout.strip().splitlines()[-1])
    return {
        "seconds": statistics.median(r["times"]),
        "cpu_seconds": statistics.median(r["cpu"]),
        "times": r["times"],
        "cpu": r["cpu"],
        "peak_mib": r["peak_kib"] / 1024,
        "retained_mib": r["retained_kib"] / 1024,
        "peak_exact": r["peak_exact"],
        "nbytes": r["nbytes"],
        "how": "in a fresh process",
    }


# --------------------------------------------------------------------------------------
# timing: every side over the same inputs


def time_side(
    fn: Callable[[Any], Any], inputs: list, budget: float, post: Callable[[Any], Any] | None = None
) -> dict:
    """Warm up on inputs[0], then time fn on inputs[1:] in order; stop once the
    budget is spent and at least 3 calls are done. The outputs (after ``post``)
    are kept for the cross-checks."""
    fn(inputs[0])
    times: list[float] = []
    cpu: list[float] = []
    outs: list[Any] = []
    for x in inputs[1:]:
        gc.disable()
        c = time.thread_time()
        t = time.perf_counter()
        out = fn(x)
        t = time.perf_counter() - t
        c = time.thread_time() - c
        gc.enable()
        times.append(t)
        cpu.append(c)
        outs.append(post(out) if post else out)
        del out
        if sum(cpu) > budget and len(times) >= 3:
            break
    return {"times": times, "cpu": cpu, "outputs": outs}


def median(times: list[float]) -> float:
    return statistics.median(times)


# --------------------------------------------------------------------------------------
# one size


def run_size(label: str, args: argparse.Namespace, ig_list_bytes_per_edge: float | None) -> dict:
    import igraph as ig

    from weakties.graph import Graph
    from weakties.graph import snapshot as snapshot_module
    from weakties.opportunity.network import network_from_graph
    from weakties.opportunity.paths import find_paths

    n, m = SIZES[label]
    files, generated = edge_files(n, m)
    log(
        f"[{label}] {n:,} nodes, {m:,} edges"
        + (f" (generated in {generated:.0f} s)" if generated else "")
    )
    res: dict[str, Any] = {"size": label, "n": n, "m": m, "generate_s": generated}
    budget = args.budget

    # ---- 1. builds in fresh processes ---------------------------------------------
    builds: dict[str, dict] = {}
    # one build at 100 M (minutes on a busy machine), args.build_runs below
    res["build_runs"] = build_runs = args.build_runs if m <= 30_000_000 else 1
    for lib in ("weakties", "weakties+strength"):
        builds[lib] = build_in_child(lib, files, n, build_runs)
        log(
            f"  build {lib:18s} {fmt(builds[lib]['seconds']):>9s}  peak +{builds[lib]['peak_mib']:,.0f} MiB, retained {builds[lib]['retained_mib']:,.0f} MiB"
        )
    # igraph from a list of tuples: only where its peak fits the budget
    estimate = (ig_list_bytes_per_edge or 200.0) * m / 2**30
    room = min(args.memory_budget_gib, available_gib() - 2.0)
    if estimate < room:
        builds["igraph"] = build_in_child("igraph", files, n, 1)
        b = builds["igraph"]
        log(
            f"  build igraph (list)        {fmt(b['seconds']):>9s}  peak +{b['peak_mib']:,.0f} MiB, retained {b['retained_mib']:,.0f} MiB"
        )
    else:
        res["igraph_list_left_out"] = {"estimated_peak_gib": estimate, "room_gib": room}
        log(f"  build igraph (list) left out: estimated peak {estimate:.1f} GiB > {room:.1f} GiB")
    res["build"] = builds

    # ---- 2. weakties, warm in this process ------------------------------------------
    u = np.load(files["u"])
    v = np.load(files["v"])
    w = np.load(files["w"])
    base = status()["VmRSS"]
    Graph.from_edges(np.array([0, 1]), np.array([1, 2]), np.ones(2))
    g = Graph.from_edges(u, v, w, n_nodes=n)
    del w
    gc.collect()
    check(g.n_nodes == n and g.n_edges == m, f"weakties has {g.n_nodes} nodes, {g.n_edges} edges")
    degree = g.degree()
    hub = int(np.argmax(degree))
    giant = g.bfs(hub) >= 0
    positive = degree[degree > 0]
    lo, hi = np.percentile(positive, [25, 75])
    typical = np.flatnonzero(giant & (degree >= lo) & (degree <= hi))
    volume = g.volume
    res["graph"] = {
        "max_degree": int(degree.max()),
        "median_degree": float(np.median(degree)),
        "typical_degree": [int(lo), int(hi)],
        "isolated": int((degree == 0).sum()),
        "giant_component": int(giant.sum()),
        "typical_two_hop_volume": float(np.median(volume[typical])),
        "hub_two_hop_volume": int(volume[hub]),
        "snapshot_bytes_weighted": int(g.nbytes),
        "snapshot_bytes_unweighted": int(g.nbytes - g.strength.nbytes + g.strength.itemsize),
    }
    del giant
    log(
        f"  max degree {degree.max():,}, typical {lo:.0f}-{hi:.0f}, snapshot {g.nbytes / 2**20:,.0f} MiB with strengths"
    )

    rng = np.random.default_rng([SEED, n, 1])
    k = args.runs + 1  # a warm-up input, then the timed ones
    sources = [int(x) for x in rng.choice(typical, k, replace=False)]
    badge_in = [(s, rng.choice(n, 100, replace=False).astype(np.int32)) for s in sources]
    hub_in = [(hub, rng.choice(n, 100, replace=False).astype(np.int32)) for _ in range(k)]
    org = rng.choice(n, ORG, replace=False).astype(np.int32)
    org_list = org.tolist()
    res["sources"] = sources
    res["hub"] = hub

    def intro(s: int) -> Any:
        paths = find_paths(network_from_graph(g, s), org, purpose="job")
        paths.top(10)
        return paths

    def by_length(lengths: np.ndarray) -> list[int]:
        return np.bincount(lengths.astype(np.int64), minlength=4)[1:].tolist()

    ours: dict[str, dict] = {}
    ours["badges"] = time_side(lambda x: g.distances(x[0], x[1], 3), badge_in, budget)
    ours["badges_hub"] = time_side(lambda x: g.distances(x[0], x[1], 3), hub_in, budget)
    ours["mutual"] = time_side(g.mutual_counts, sources, budget)
    ours["intro"] = time_side(intro, sources, budget, post=lambda p: by_length(p.length))
    scratch = sum(a.nbytes for key, a in snapshot_module._scratch.arrays.items() if key[0] == n)
    res["weakties_rss_mib"] = (status()["VmRSS"] - base) / 1024
    res["weakties_scratch_bytes"] = int(scratch)
    res["weakties_volume_bytes"] = int(volume.nbytes)
    for op, r in ours.items():
        log(
            f"  weakties {op:11s} {fmt(median(r['cpu']))} CPU, {fmt(median(r['times']))} wall "
            f"({len(r['times'])} calls)"
        )
    res["second_degree_median"] = statistics.median(len(o[0]) for o in ours["mutual"]["outputs"])
    res["intro_paths_median"] = statistics.median(sum(o) for o in ours["intro"]["outputs"])
    g = volume = None  # free the snapshot before igraph's turn
    gc.collect()

    # ---- 3. igraph on the same arrays -----------------------------------------------
    gc.collect()
    before = status()["VmRSS"]
    exact = reset_peak()
    c = time.process_time()
    t = time.perf_counter()
    if "igraph" in builds:
        ig_g = ig.Graph(n=n, edges=list(zip(u.tolist(), v.tolist(), strict=True)))
        how = "list of tuples"
    else:
        ig_g = ig.Graph(n=n)
        for i in range(0, m, IG_CHUNK):
            ig_g.add_edges(np.column_stack((u[i : i + IG_CHUNK], v[i : i + IG_CHUNK])))
        how = f"add_edges in chunks of {IG_CHUNK // 1_000_000} M"
    seconds = time.perf_counter() - t
    cpu_seconds = time.process_time() - c
    after = status()
    res["igraph_main_build"] = {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "peak_mib": (after["VmHWM"] - before) / 1024,
        "retained_mib": (after["VmRSS"] - before) / 1024,
        "peak_exact": exact,
        "how": how,
    }
    log(
        f"  igraph build ({how}) {fmt(seconds)}, peak +{res['igraph_main_build']['peak_mib']:,.0f} MiB, retained {res['igraph_main_build']['retained_mib']:,.0f} MiB"
    )
    del u, v
    gc.collect()
    check(ig_g.ecount() == m, "igraph does not have m edges")
    check(np.array_equal(np.asarray(ig_g.degree()), degree), "igraph and weakties degrees differ")

    mark = np.zeros(n, dtype=np.int8)

    def ig_badges_bfs(x: tuple[int, np.ndarray]) -> np.ndarray:
        return cap3(ig_g.distances(source=x[0], target=x[1].tolist())[0])

    def ig_badges_ball(x: tuple[int, np.ndarray]) -> np.ndarray:
        s, targets = x
        ball = np.asarray(ig_g.neighborhood(s, order=3), dtype=np.int64)  # BFS order
        one = ig_g.degree(s) + 1
        two = ig_g.neighborhood_size(s, order=2)
        mark[ball[:one]] = 1
        mark[ball[one:two]] = 2
        mark[ball[two:]] = 3
        mark[s] = 0
        out = np.where(mark[targets] > 0, mark[targets], -1).astype(np.int32)
        out[targets == s] = 0
        mark[ball] = 0
        return out

    def ig_mutual(a: int) -> tuple[np.ndarray, np.ndarray]:
        first = ig_g.neighbors(a)
        return mutual_from_lists(a, np.array(first), ig_g.neighborhood(first, order=1, mindist=1))

    def ig_intro(s: int) -> list[int]:
        paths = ig_g.get_all_simple_paths(s, to=org_list, maxlen=3)
        return by_length(np.array([len(p) - 1 for p in paths], dtype=np.int64))

    theirs: dict[str, dict] = {
        "badges: distances(source, target)": time_side(ig_badges_bfs, badge_in, budget),
        "badges: neighborhood(order=3)": time_side(ig_badges_ball, badge_in, budget),
        "badges_hub: distances(source, target)": time_side(ig_badges_bfs, hub_in, budget),
        "badges_hub: neighborhood(order=3)": time_side(ig_badges_ball, hub_in, budget),
        "mutual: neighborhood of the contacts": time_side(ig_mutual, sources, budget),
        "intro: get_all_simple_paths(maxlen=3), counted": time_side(ig_intro, sources, budget),
    }
    for name, r in theirs.items():
        op = name.split(":")[0]
        for i, out in enumerate(r["outputs"]):
            mine = ours[op]["outputs"][i]
            same = (
                np.array_equal(out[0], mine[0]) and np.array_equal(out[1], mine[1])
                if op == "mutual"
                else (out == mine if op == "intro" else np.array_equal(out, mine))
            )
            check(same, f"{name} for input {i + 1}: igraph and weakties differ")
        log(
            f"  igraph {name:40s} {fmt(median(r['cpu']))} CPU, {fmt(median(r['times']))} wall "
            f"({len(r['times'])} calls)"
        )
    ig_g = None
    gc.collect()

    ops: dict[str, dict] = {}
    for op in ours:
        wt = ours[op]["times"]
        variants = {name: r["times"] for name, r in theirs.items() if name.split(":")[0] == op}
        cpu_variants = {name: r["cpu"] for name, r in theirs.items() if name.split(":")[0] == op}
        best_name = min(cpu_variants, key=lambda k: median(cpu_variants[k]))
        it = variants[best_name]
        wc = ours[op]["cpu"]
        ic = cpu_variants[best_name]
        ops[op] = {
            "weakties": {
                "seconds": median(wt),
                "cpu_seconds": median(wc),
                "calls": len(wt),
                "times": wt,
                "cpu": wc,
            },
            "igraph": {
                "seconds": median(it),
                "cpu_seconds": median(ic),
                "calls": len(it),
                "times": it,
                "cpu": ic,
                "method": best_name,
            },
            "igraph_variants": {k: median(t) for k, t in cpu_variants.items()},
            # the same inputs on both sides: weakties over the calls igraph made
            "weakties_same_inputs": median(wt[: len(it)]),
            "weakties_same_inputs_cpu": median(wc[: len(it)]),
        }
    res["ops"] = ops
    return res


# --------------------------------------------------------------------------------------
# report

OPS = [
    ("badges", "degree badges: 100 targets, ≤ 3 hops"),
    ("badges_hub", "  the same from the hub"),
    ("mutual", "mutual counts, member → all 2nd degree"),
    ("intro", "intro to an organisation of 5,000 (all paths ≤ 3, scored)"),
]


def igraph_held_mib(res: dict) -> float:
    """Memory igraph's graph holds: from the fresh-process build where there is
    one (in this process, memory freed by an earlier size is reused and hides it)."""
    if "igraph" in res["build"]:
        return float(res["build"]["igraph"]["retained_mib"])
    return float(res["igraph_main_build"]["retained_mib"])


def per_edge(res: dict) -> dict[str, float]:
    m, n = res["m"], res["n"]
    b = res["build"]
    ig_build = b.get("igraph") or res["igraph_main_build"]
    ig_retained = igraph_held_mib(res) * 2**20
    gr = res["graph"]
    return {
        "wt_snapshot": gr["snapshot_bytes_unweighted"] / m,
        "wt_snapshot_w": gr["snapshot_bytes_weighted"] / m,
        "wt_build_peak": b["weakties"]["peak_mib"] * 2**20 / m,
        "wt_build_peak_w": b["weakties+strength"]["peak_mib"] * 2**20 / m,
        "wt_build_ns": b["weakties"]["cpu_seconds"] / m * 1e9,
        "wt_build_ns_w": b["weakties+strength"]["cpu_seconds"] / m * 1e9,
        "wt_per_node": (8 + 8) + res["weakties_scratch_bytes"] / n,
        "ig_graph": ig_retained / m,
        "ig_build_peak": ig_build["peak_mib"] * 2**20 / m,
        "ig_build_ns": ig_build["cpu_seconds"] / m * 1e9,
    }


def write_report(results: list[dict], args: argparse.Namespace, meta: dict) -> None:
    import igraph
    import numba

    sizes = " ".join(r["size"] for r in results)
    lines = [
        "# The single-machine ceiling",
        "",
        f"`flock /work/.bench.lock .venv/bin/python benchmarks/ceiling_bench.py --sizes {sizes} "
        f"--runs {args.runs}` — {platform.machine()}, {os.cpu_count()} cores, "
        f"{total_gib():.0f} GiB RAM, Python {platform.python_version()}, numpy {np.__version__}, "
        f"numba {numba.__version__}, igraph {igraph.__version__}, {time.strftime('%Y-%m-%d')}; "
        f"whole run {meta['wall_s'] / 60:.1f} min.",
        "",
        f"Load average (1, 5, 15 min) at the start {fmt_load(meta['load_start'])}, at the end "
        f"{fmt_load(meta['load_end'])}; memory available at the start "
        f"{meta['available_start_gib']:.1f} GiB. The machine is shared: with a load above 2 "
        "(two cores) a process waits for a core, so every time is given twice: **CPU time** "
        "of the measuring thread (`time.thread_time`; `process_time` for a build), which "
        "other processes barely move, and wall time in brackets, an upper bound on a busy "
        "machine (memory bandwidth and caches are still shared: CPU times are not immune "
        "either). Ratios are of CPU times. Rerun on a quiet machine with the command above.",
        "",
        "Chung-Lu power-law graphs (expected degrees ~ Pareto of exponent 2.3, average "
        "degree 20), the same arrays (int32 ends, float32 strengths) for both sides. "
        "**Threads: one on both sides** for every timed figure (weakties' build, badges, "
        "mutual counts and paths are sequential kernels; igraph is single-threaded). "
        "Query times are **warm, in-process**: the graph built and kept, one untimed "
        "warm-up call per side, then the median over the same query members (typical "
        "degree: interquartile range, giant component) for both sides; a per-command "
        "figure (`weakties intro` in a fresh process) is measured by "
        "`opportunity_bench.py`. `x faster` = igraph's median CPU time / weakties' "
        "over the same inputs.",
        "",
        "## Per-edge costs",
        "",
        "What capacity estimates start from (bytes and nanoseconds per undirected edge, "
        "at each size; each edge is stored in both directions).",
        "",
    ]
    pe = [per_edge(r) for r in results]
    head = " | ".join(f"{r['n'] / 1e6:g} M / {r['m'] / 1e6:g} M" for r in results)
    lines += [f"| cost | {head} |", "|---|" + "---:|" * len(results)]
    rows = [
        ("weakties snapshot, bytes/edge (no strengths)", "wt_snapshot", "{:.1f}"),
        ("weakties snapshot, bytes/edge (float32 strengths)", "wt_snapshot_w", "{:.1f}"),
        ("weakties build peak above the input arrays, bytes/edge", "wt_build_peak", "{:.1f}"),
        ("  the same with strengths", "wt_build_peak_w", "{:.1f}"),
        ("weakties build time, CPU ns/edge (1 thread)", "wt_build_ns", "{:.0f}"),
        ("  the same with strengths", "wt_build_ns_w", "{:.0f}"),
        (
            "weakties per node: indptr + two-hop volume + one query thread's scratch, bytes",
            "wt_per_node",
            "{:.0f}",
        ),
        ("igraph graph held, bytes/edge", "ig_graph", "{:.1f}"),
        ("igraph build peak above the input arrays, bytes/edge", "ig_build_peak", "{:.0f}"),
        ("igraph build time, CPU ns/edge (1 thread)", "ig_build_ns", "{:.0f}"),
    ]
    for title, key, f in rows:
        lines.append(f"| {title} | " + " | ".join(f.format(p[key]) for p in pe) + " |")
    lines += [
        "",
        "igraph's build here: "
        + "; ".join(
            f"{r['n'] / 1e6:g} M / {r['m'] / 1e6:g} M: "
            + (
                "`Graph(n, edges=list of tuples)` in a fresh process"
                if "igraph" in r["build"]
                else f"{r['igraph_main_build']['how']} (the list-of-tuples build would peak at ~{r['igraph_list_left_out']['estimated_peak_gib']:.0f} GiB, over the {r['igraph_list_left_out']['room_gib']:.0f} GiB budget)"
            )
            for r in results
        )
        + ". igraph's memory held counts no strengths (its edge attributes are Python "
        "objects).",
        "",
        "## Build and memory",
        "",
        "| graph | weakties build | with strengths | weakties snapshot (with strengths) | weakties build peak | igraph build | igraph held | igraph build peak | x faster |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        b = r["build"]
        igb = b.get("igraph") or r["igraph_main_build"]
        gr = r["graph"]
        lines.append(
            f"| {r['n']:,} / {r['m']:,} | {both(b['weakties'])} | "
            f"{both(b['weakties+strength'])} | "
            f"{gr['snapshot_bytes_unweighted'] / 2**20:,.0f} MiB ({gr['snapshot_bytes_weighted'] / 2**20:,.0f} MiB) | "
            f"{b['weakties']['peak_mib']:,.0f} MiB | {both(igb)} | "
            f"{igraph_held_mib(r):,.0f} MiB | {igb['peak_mib']:,.0f} MiB | "
            f"{igb['cpu_seconds'] / b['weakties']['cpu_seconds']:.0f}x |"
        )
    lines += [
        "",
        "Build times (CPU, wall in brackets): weakties the median of "
        + ", ".join(f"{r['build_runs']} at {r['m'] / 1e6:g} M" for r in results)
        + " builds in a fresh process; "
        "igraph one build. Peaks are VmHWM above "
        "the RSS with the arrays loaded (reset with `clear_refs`).",
        "",
        "## Queries (warm, in-process, one thread each side)",
        "",
    ]
    for r in results:
        gr = r["graph"]
        lines += [
            f"### {r['n']:,} people / {r['m']:,} ties",
            "",
            f"Max degree {gr['max_degree']:,}; typical degree {gr['typical_degree'][0]}–{gr['typical_degree'][1]}; "
            f"giant component {gr['giant_component']:,}; two-hop volume median "
            f"{gr['typical_two_hop_volume']:,.0f} (hub {gr['hub_two_hop_volume']:,}); "
            f"over the {r['ops']['mutual']['weakties']['calls']} query members (medians): "
            f"second-degree people {r['second_degree_median']:,.0f}, "
            f"paths to the organisation {r['intro_paths_median']:,.0f}.",
            "",
            "| operation | weakties | igraph | igraph method | calls (weakties / igraph) | x faster |",
            "|---|---:|---:|---|---:|---:|",
        ]
        for op, title in OPS:
            o = r["ops"][op]
            lines.append(
                f"| {title} | {both(o['weakties'])} | {both(o['igraph'])} | "
                f"{o['igraph']['method'].split(': ', 1)[1]} | "
                f"{o['weakties']['calls']} / {o['igraph']['calls']} | "
                f"{ratio(o['igraph']['cpu_seconds'], o['weakties_same_inputs_cpu'])} |"
            )
        other = [
            f"{name.split(': ')[1]} {fmt(t)}"
            for op in ("badges", "badges_hub")
            for name, t in r["ops"][op]["igraph_variants"].items()
        ]
        lines += [
            "",
            "igraph badges, both methods, CPU time (typical, then hub): " + "; ".join(other) + ".",
            "",
        ]
    if len(results) > 1:
        a, z = results[0], results[-1]
        lines += [
            "## Growth",
            "",
            f"From {a['m'] / 1e6:g} M to {z['m'] / 1e6:g} M ties: ratio of weakties' CPU times and "
            "log-log slope against the number of edges (1 = linear, 0 = constant).",
            "",
            "| weakties | "
            + " | ".join(f"{r['m'] / 1e6:g} M" for r in results)
            + " | ratio | slope |",
            "|---|" + "---:|" * (len(results) + 2),
        ]
        series = [("build", [r["build"]["weakties"]["cpu_seconds"] for r in results])]
        series += [
            (op, [r["ops"][op]["weakties"]["cpu_seconds"] for r in results]) for op, _ in OPS
        ]
        series += [("snapshot bytes", [r["graph"]["snapshot_bytes_weighted"] for r in results])]
        for name, vals in series:
            slope = np.log(vals[-1] / vals[0]) / np.log(z["m"] / a["m"])
            cells = [f"{x / 2**20:,.0f} MiB" if name == "snapshot bytes" else fmt(x) for x in vals]
            lines.append(
                f"| {name} | " + " | ".join(cells) + f" | {vals[-1] / vals[0]:.1f}x | {slope:.2f} |"
            )
        lines.append("")
    lines += [
        "Cross-checks: igraph's degrees equal weakties'; every badge, every mutual count and "
        "the number of paths of each length to the organisation are equal on every timed "
        "input (the script stops otherwise).",
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines))
    slim = [
        {**r, "ops": {op: {k: v for k, v in d.items()} for op, d in r["ops"].items()}}
        for r in results
    ]
    args.out.with_suffix(".json").write_text(json.dumps({"meta": meta, "results": slim}, indent=2))
    log(f"written {args.out}")


def both(entry: dict) -> str:
    """CPU time, then wall time in brackets."""
    return f"{fmt(entry['cpu_seconds'])} ({fmt(entry['seconds'])})"


def ratio(peer: float, ours: float) -> str:
    r = peer / ours
    return f"{r:,.0f}x" if r >= 10 else f"{r:.1f}x"


def fmt_load(load: list[float]) -> str:
    return " / ".join(f"{x:.2f}" for x in load)


def log(text: str) -> None:
    print(text, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", choices=list(SIZES), default=["10m", "30m", "100m"])
    parser.add_argument("--runs", type=int, default=7, help="timed query members per operation")
    parser.add_argument("--build-runs", type=int, default=3)
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per side and query")
    parser.add_argument(
        "--memory-budget-gib", type=float, default=12.0, help="largest peak to attempt"
    )
    parser.add_argument("--out", type=Path, default=HERE / "results" / "ceiling.md")
    parser.add_argument(
        "--report-only", action="store_true", help="rewrite the .md from the .json of a run"
    )
    args = parser.parse_args()
    if args.report_only:
        saved = json.loads(args.out.with_suffix(".json").read_text())
        args.runs = saved["meta"].get("runs", args.runs)
        write_report(sorted(saved["results"], key=lambda r: r["m"]), args, saved["meta"])
        return
    meta: dict[str, Any] = {
        "runs": args.runs,
        "load_start": list(os.getloadavg()),
        "available_start_gib": available_gib(),
    }
    sizes = list(dict.fromkeys(args.sizes))  # in the order given: the largest first is safest
    need = NEED_GIB_PER_100M * max(SIZES[s][1] for s in sizes) / 1e8
    if available_gib() < need:
        raise SystemExit(
            f"{available_gib():.1f} GiB available, {need:.0f} GiB needed: "
            "wait for a quieter machine or pass smaller --sizes"
        )
    log(f"load {fmt_load(meta['load_start'])}, {meta['available_start_gib']:.1f} GiB available")
    start = time.perf_counter()
    results = []
    ig_bpe = None
    for label in sizes:
        res = run_size(label, args, ig_bpe)
        if "igraph" in res["build"]:
            ig_bpe = res["build"]["igraph"]["peak_mib"] * 2**20 / res["m"] * 1.1
        results.append(res)
        gc.collect()
        # after every size, so that a run cut short keeps what it measured
        meta["load_end"] = list(os.getloadavg())
        meta["wall_s"] = time.perf_counter() - start
        write_report(sorted(results, key=lambda r: r["m"]), args, meta)


if __name__ == "__main__":
    main()
