"""What a query costs when it crosses shards: the ceiling benchmark's graphs split
by member over shard processes on loopback, against the same query on one
in-process snapshot.

    flock /work/.bench.lock .venv/bin/python benchmarks/shard_bench.py            # ~10 minutes
    .venv/bin/python benchmarks/shard_bench.py --sizes 300k --queries 50         # a quick look

This is the simulation behind ``docs/scale.md`` ("Online: member-sharded
snapshots with scatter-gather"). Graphs: the ceiling benchmark's Chung-Lu power
law (average degree 20), 300 k / 3 M and 1 M / 10 M ties, read from its cache in
``benchmarks/_work/`` (generated there when absent).

Sharding: a person belongs to shard ``hash(id) mod K`` (a multiplicative hash, so
neighbouring ids spread). Shard ``s`` builds a weakties ``Graph`` of every tie
with at least one end it owns, so the adjacency row of each person it owns is
complete (a tie between two shards is held by both: the price of one-shard
first-degree reads). Each shard is its own process serving requests on
127.0.0.1 over TCP (``multiprocessing.connection``, numpy arrays pickled with
protocol 5, ``TCP_NODELAY`` on both ends); the coordinator is this process. Requests to several shards are
all sent before any answer is read, so the shards work at the same time.

Two queries, on the same members and targets for every side:

- **mutual counts** (second degree: every person two steps away and how many of
  the member's contacts lead there). One process: ``Graph.mutual_counts``.
  Sharded, two rounds: the member's row from its shard; the contacts grouped by
  shard and scattered, each shard counting the neighbours of the contacts it
  owns (``np.unique``), the coordinator summing the partial counts and removing
  the member and their contacts.
- **degree badges** for 100 random people (distance 1, 2, 3 or none). One
  process: ``Graph.distances(a, targets, 3)``. Sharded, two rounds: the member's
  row and the targets' rows (one scatter); distance 1 and 2 decided at the
  coordinator; for the rest, the member's contacts are scattered with the
  targets' neighbours and each shard answers which targets one of its contacts
  touches (distance 3).

Every sharded answer is checked equal to the one-process answer (the script
stops at the first difference). Figures: median and p95 latency over the query
members, warm (one untimed query per side first), round trips, shards touched
per query, bytes sent and received by the coordinator per query; K = 1 (one
remote shard: the cost of the transport alone), 2 and 4.

Limits, stated beside the figures: 2 cores for up to 4 shard processes and the
coordinator (a query's shards compete for the cores; on separate machines they
would not, but a network would add its round trip, ~0.1-0.5 ms in one data
centre, to each of the two rounds); loopback TCP, not a network; one query at a
time (latency, not throughput).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import secrets
import statistics
import sys
import time
from multiprocessing import Process
from multiprocessing.connection import Client, Connection, Listener
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import ceiling_bench  # noqa: E402  (the graphs and their cache)

from weakties.graph import Graph  # noqa: E402

SIZES = {"300k": (300_000, 3_000_000), "1m": (1_000_000, 10_000_000)}
SHARDS = (1, 2, 4)
GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def owner(ids: np.ndarray, k: int) -> np.ndarray:
    """The shard of each person id: a multiplicative hash, mod k."""
    with np.errstate(over="ignore"):
        h = ids.astype(np.uint64) * GOLDEN
    return ((h >> np.uint64(32)) % np.uint64(k)).astype(np.int64)


# --------------------------------------------------------------------------------------
# a shard process


def _serve(files: dict[str, str], n: int, k: int, shard: int, address: Any, key: bytes) -> None:
    u = np.load(files["u"])
    v = np.load(files["v"])
    mine = (owner(u, k) == shard) | (owner(v, k) == shard)
    g = Graph.from_edges(u[mine], v[mine], n_nodes=n)
    held = int(mine.sum())
    del u, v, mine
    with Listener(address, authkey=key) as listener, listener.accept() as conn:
        _no_delay(conn)
        conn.send_bytes(pickle.dumps(("ready", held)))
        while True:
            request = pickle.loads(conn.recv_bytes())
            op = request[0]
            if op == "stop":
                return
            answer = _answer(g, op, request[1:])
            conn.send_bytes(pickle.dumps(answer, protocol=5))


def _rows(g: Graph, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The adjacency rows of ``ids``, concatenated, with their lengths."""
    starts, stops = g.indptr[ids], g.indptr[ids + 1]
    lengths = (stops - starts).astype(np.int64)
    if not ids.size:
        return np.empty(0, dtype=g.indices.dtype), lengths
    return np.concatenate([g.indices[a:b] for a, b in zip(starts, stops, strict=True)]), lengths


def _answer(g: Graph, op: str, args: tuple[Any, ...]) -> Any:
    if op == "rows":
        return _rows(g, args[0])
    if op == "count":  # the neighbours of these contacts, counted
        flat, _ = _rows(g, args[0])
        nodes, counts = np.unique(flat, return_counts=True)
        return nodes, counts.astype(np.int32)
    if op == "touch":  # which targets a neighbour of these contacts reaches
        contacts, ys, ts = args  # ys sorted: (y, target) pairs of the targets' neighbours
        flat, _ = _rows(g, contacts)
        hit = np.unique(flat[np.isin(flat, ys)])
        return np.unique(ts[np.isin(ys, hit)])
    raise ValueError(f"unknown request {op!r}")


# --------------------------------------------------------------------------------------
# the coordinator


class Cluster:
    """K shard processes and the coordinator's connections, with traffic counters."""

    def __init__(self, files: dict[str, Path], n: int, k: int) -> None:
        self.k = k
        key = secrets.token_bytes(16)
        self.processes: list[Process] = []
        self.conns: list[Connection] = []
        addresses = []
        for shard in range(k):
            address = ("127.0.0.1", _free_port())
            addresses.append(address)
            p = Process(
                target=_serve,
                args=({a: str(b) for a, b in files.items()}, n, k, shard, address, key),
                daemon=True,
            )
            p.start()
            self.processes.append(p)
        self.held = []
        for address in addresses:
            conn = _connect(address, key)
            _no_delay(conn)
            self.conns.append(conn)
            self.held.append(pickle.loads(conn.recv_bytes())[1])
        self.reset()

    def reset(self) -> None:
        self.sent = self.received = self.rounds = 0
        self.touched: set[int] = set()

    def scatter(self, requests: dict[int, tuple[Any, ...]]) -> dict[int, Any]:
        """Send every shard its request, then read every answer: one round trip."""
        for shard, request in requests.items():
            data = pickle.dumps(request, protocol=5)
            self.sent += len(data)
            self.conns[shard].send_bytes(data)
        answers = {}
        for shard in requests:
            data = self.conns[shard].recv_bytes()
            self.received += len(data)
            answers[shard] = pickle.loads(data)
        self.rounds += 1
        self.touched.update(requests)
        return answers

    def close(self) -> None:
        for conn in self.conns:
            conn.send_bytes(pickle.dumps(("stop",)))
            conn.close()
        for p in self.processes:
            p.join(timeout=30)


def _no_delay(conn: Connection) -> None:
    """Small answers leave at once: without TCP_NODELAY, Nagle's algorithm and the
    peer's delayed acknowledgement hold a request's second write for ~40 ms."""
    import socket

    sock = socket.socket(fileno=conn.fileno())
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    finally:
        sock.detach()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _connect(address: Any, key: bytes) -> Connection:
    deadline = time.monotonic() + 600  # a shard loads and builds before it listens
    while True:
        try:
            return Client(address, authkey=key)
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _by_shard(ids: np.ndarray, k: int) -> dict[int, np.ndarray]:
    shards = owner(ids, k)
    return {int(s): ids[shards == s] for s in np.unique(shards)}


def sharded_mutual_counts(c: Cluster, a: int) -> tuple[np.ndarray, np.ndarray]:
    home = int(owner(np.array([a]), c.k)[0])
    contacts, _ = c.scatter({home: ("rows", np.array([a]))})[home]
    parts = c.scatter({s: ("count", ids) for s, ids in _by_shard(contacts, c.k).items()})
    nodes = np.concatenate([p[0] for p in parts.values()])
    counts = np.concatenate([p[1] for p in parts.values()])
    order = np.argsort(nodes, kind="stable")
    nodes, counts = nodes[order], counts[order]
    first = np.flatnonzero(np.r_[True, nodes[1:] != nodes[:-1]])
    nodes, counts = nodes[first], np.add.reduceat(counts, first) if nodes.size else counts
    keep = ~np.isin(nodes, contacts) & (nodes != a)
    return nodes[keep], counts[keep]


def sharded_badges(c: Cluster, a: int, targets: np.ndarray) -> np.ndarray:
    """Distance (<= 3, else -1) from a to each target, in two rounds."""
    everyone = np.concatenate([[a], targets]).astype(np.int64)
    groups = _by_shard(everyone, c.k)
    answers = c.scatter({s: ("rows", ids) for s, ids in groups.items()})
    # every target's row, flattened, with the position of its target beside it
    flats, owners = [], []
    contacts = np.empty(0, dtype=np.int32)
    position = {int(t): i for i, t in enumerate(targets)}
    for s, ids in groups.items():
        flat, lengths = answers[s]
        starts = np.concatenate([[0], np.cumsum(lengths)])
        for j, node in enumerate(ids.tolist()):
            part = flat[starts[j] : starts[j + 1]]
            if node == a:
                contacts = part
            if node in position:
                flats.append(part)
                owners.append(np.full(part.size, position[node], dtype=np.int64))
    flat = np.concatenate(flats) if flats else np.empty(0, dtype=np.int32)
    whose = np.concatenate(owners) if owners else np.empty(0, dtype=np.int64)
    out = np.full(targets.size, -1, dtype=np.int64)
    out[np.unique(whose[np.isin(flat, contacts)])] = 2
    out[np.isin(targets, contacts)] = 1
    out[targets == a] = 0
    open_ = out == -1
    if open_.any() and contacts.size:
        keep = open_[whose]
        ys, ts = flat[keep], whose[keep]
        order = np.argsort(ys, kind="stable")
        ys, ts = ys[order], ts[order]
        parts = c.scatter(
            {s: ("touch", ids, ys, ts) for s, ids in _by_shard(contacts, c.k).items()}
        )
        for reached in parts.values():
            out[reached] = 3
    return out


# --------------------------------------------------------------------------------------
# measurement


def _timed(fn: Any, inputs: list[Any]) -> tuple[list[Any], list[float]]:
    fn(inputs[0])  # warm-up, untimed
    answers, seconds = [], []
    for x in inputs:
        t = time.perf_counter()
        answers.append(fn(x))
        seconds.append(time.perf_counter() - t)
    return answers, seconds


def _summary(seconds: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in seconds)
    return {
        "median_ms": statistics.median(ms),
        "p95_ms": ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))],
    }


def measure(name: str, queries: int) -> dict[str, Any]:
    n, m = SIZES[name]
    files, _ = ceiling_bench.edge_files(n, m)
    u, v = np.load(files["u"]), np.load(files["v"])
    g = Graph.from_edges(u, v, n_nodes=n)
    del u, v
    rng = np.random.default_rng([ceiling_bench.SEED, n, 300])
    degree = np.diff(g.indptr)
    lo, hi = np.percentile(degree[degree > 0], [25, 75])
    typical = np.flatnonzero((degree >= lo) & (degree <= hi))
    members = rng.choice(typical, size=queries, replace=False)
    target_sets = [rng.choice(n, size=100, replace=False) for _ in range(queries)]
    badge_inputs = list(zip(members.tolist(), target_sets, strict=True))

    result: dict[str, Any] = {"people": n, "ties": m, "queries": queries, "sides": []}
    mutual_ref, sec = _timed(g.mutual_counts, members.tolist())
    badge_ref, sec_b = _timed(lambda x: g.distances(x[0], x[1], 3), badge_inputs)
    result["sides"].append(
        {"shards": 0, "mutual": _summary(sec), "badges": _summary(sec_b), "held_ties": [m]}
    )
    g = None  # the shards build their own
    for k in SHARDS:
        cluster = Cluster(files, n, k)
        try:
            side: dict[str, Any] = {"shards": k, "held_ties": cluster.held}
            for query, fn, inputs, ref in (
                (
                    "mutual",
                    lambda a: sharded_mutual_counts(cluster, a),
                    members.tolist(),
                    mutual_ref,
                ),
                ("badges", lambda x: sharded_badges(cluster, *x), badge_inputs, badge_ref),
            ):
                fn(inputs[0])  # warm-up
                rounds, touched, sent, received, seconds = [], [], [], [], []
                for x, expected in zip(inputs, ref, strict=True):
                    cluster.reset()
                    t = time.perf_counter()
                    got = fn(x)
                    seconds.append(time.perf_counter() - t)
                    _check(query, got, expected, k)
                    rounds.append(cluster.rounds)
                    touched.append(len(cluster.touched))
                    sent.append(cluster.sent)
                    received.append(cluster.received)
                side[query] = {
                    **_summary(seconds),
                    "rounds": statistics.mean(rounds),
                    "shards_touched": statistics.mean(touched),
                    "kib_sent": statistics.mean(sent) / 1024,
                    "kib_received": statistics.mean(received) / 1024,
                }
            result["sides"].append(side)
        finally:
            cluster.close()
        print(f"  {name}: {k} shard(s) done", flush=True)
    return result


def _check(query: str, got: Any, expected: Any, k: int) -> None:
    if query == "mutual":
        same = np.array_equal(got[0], expected[0]) and np.array_equal(got[1], expected[1])
    else:
        same = np.array_equal(np.asarray(got), np.asarray(expected))
    if not same:
        raise SystemExit(f"{query} over {k} shard(s) differs from the one-process answer")


def _markdown(meta: dict[str, Any], results: list[dict[str, Any]]) -> str:
    lines = [
        "# Queries across shards",
        "",
        f"`{meta['command']}` — {meta['machine']}.",
        f"Load average at the start {meta['load_start']}, at the end {meta['load_end']}.",
        "",
        "One process: the whole graph in one in-process snapshot (weakties `Graph`).",
        "K shards: K processes on 127.0.0.1, each holding the complete rows of the people",
        "it owns; the coordinator scatters and gathers (see the script's docstring).",
        "Every sharded answer was checked equal to the one-process answer.",
        "Times in ms (median / p95 over the query members, warm); traffic is what the",
        "coordinator sent and received per query.",
        "",
    ]
    for r in results:
        lines += [
            f"## {r['people']:,} people / {r['ties']:,} ties ({r['queries']} members, 100 targets each)",
            "",
            "| side | ties held per shard | mutual counts | ratio | badges (100) | ratio | rounds | shards touched (mutual / badges) | KiB out / in (mutual) | KiB out / in (badges) |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        base = r["sides"][0]
        for s in r["sides"]:
            label = "one process" if s["shards"] == 0 else f"{s['shards']} shard(s)"
            held = ", ".join(f"{h / 1e6:.1f} M" for h in s["held_ties"])
            mu, ba = s["mutual"], s["badges"]
            row = [
                label,
                held,
                f"{mu['median_ms']:.2f} / {mu['p95_ms']:.2f}",
                f"{mu['median_ms'] / base['mutual']['median_ms']:.1f}×",
                f"{ba['median_ms']:.2f} / {ba['p95_ms']:.2f}",
                f"{ba['median_ms'] / base['badges']['median_ms']:.1f}×",
            ]
            if s["shards"]:
                row += [
                    f"{mu['rounds']:.1f} / {ba['rounds']:.1f}",
                    f"{mu['shards_touched']:.1f} / {ba['shards_touched']:.1f}",
                    f"{mu['kib_sent']:.1f} / {mu['kib_received']:.1f}",
                    f"{ba['kib_sent']:.1f} / {ba['kib_received']:.1f}",
                ]
            else:
                row += ["—", "—", "—", "—"]
            lines.append("| " + " | ".join(row) + " |")
        lines.append("")
    lines += [
        "Ratios are to the one-process median of the same size. On this machine the",
        "shards share 2 cores with the coordinator; loopback has no network round trip.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", choices=sorted(SIZES), default=["300k", "1m"])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args()
    meta: dict[str, Any] = {
        "command": "python benchmarks/shard_bench.py " + " ".join(sys.argv[1:]),
        "machine": (
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"numpy {np.__version__}"
        ),
        "load_start": [round(x, 2) for x in os.getloadavg()],
    }
    results = []
    for name in args.sizes:
        print(f"{name} …", flush=True)
        results.append(measure(name, args.queries))
    meta["load_end"] = [round(x, 2) for x in os.getloadavg()]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "shards.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    text = _markdown(meta, results)
    (args.out / "shards.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
