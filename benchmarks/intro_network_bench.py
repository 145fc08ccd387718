"""The introduction network of a platform: built once for all, or once per member.

"Who can introduce me" reads a member's introduction network (every visible tie
with its strength). On a platform it is built once per server process for every
member who sees the same ties (``shared_network``), and each member adds their
own tie strengths (``viewer_network``); before, each member's was built from every
tie and trace (``build_network``, still what a team's member gets). This script
times both on a database built by ``platform_bench.py`` (``--reuse``), each in a
process of its own so that its peak resident memory is its own, one thread each
(the same work on both sides: the network one member's pages read).

    flock /work/.bench.lock python benchmarks/intro_network_bench.py \\
        --db sqlite:////tmp/benchw/platform.sqlite --members user000,user001,user002
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _child(db: str, mode: str, members: list[str]) -> dict[str, Any]:
    """One measurement, in this (new) process: printed as JSON."""
    from weakties.opportunity.network import build_network, shared_network, viewer_network
    from weakties.service.context import reader, viewer
    from weakties.service.network import _shared_view
    from weakties.store.engine import open_store
    from weakties.store.reader import Reader

    store = open_store(db)
    out: dict[str, Any] = {"mode": mode}
    with store.engine.connect() as conn:
        first = viewer(conn, members[0])
        if mode == "alone":
            t0 = time.perf_counter()
            net = build_network(reader(conn, first))
            out["seconds"] = time.perf_counter() - t0
            out["edges"] = int(net.graph.n_edges)
        else:
            scope = _shared_view(conn, first)
            if scope is None:
                raise SystemExit(f"{members[0]} does not see the shared view's ties")
            t0 = time.perf_counter()
            base = shared_network(Reader(conn, scope, now=first.now, clock=first.clock))
            out["seconds"] = time.perf_counter() - t0
            out["edges"] = int(base.graph.n_edges)
            own = []
            for handle in members:
                who = viewer(conn, handle)
                t1 = time.perf_counter()
                viewer_network(reader(conn, who), base)
                own.append(time.perf_counter() - t1)
            out["own_seconds"] = own
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    store.close()
    return out


def _run(db: str, mode: str, members: list[str]) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--child",
        mode,
        "--db",
        db,
        "--members",
        ",".join(members),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a database built by platform_bench.py")
    parser.add_argument("--members", default="user000,user001,user002")
    parser.add_argument("--child", choices=("shared", "alone"), help=argparse.SUPPRESS)
    parser.add_argument("--out", default="intro_network")
    args = parser.parse_args()
    members = args.members.split(",")
    if args.child:
        print(json.dumps(_child(args.db, args.child, members)))
        return
    load_start = os.getloadavg()
    shared = _run(args.db, "shared", members)
    alone = _run(args.db, "alone", members[:1])
    load_end = os.getloadavg()
    result = {
        "db": args.db,
        "members": members,
        "shared": shared,
        "alone": alone,
        "load_average": {"start": load_start, "end": load_end},
        "machine": {"python": sys.version.split()[0], "platform": platform.platform()},
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / f"{args.out}.json").write_text(json.dumps(result, indent=2) + "\n")
    own = shared["own_seconds"]
    ratio = alone["seconds"] / max(own[0], 1e-9)
    lines = [
        "# The introduction network of a platform: once for all, or once per member",
        "",
        f"`python benchmarks/intro_network_bench.py {' '.join(sys.argv[1:])}` on "
        f"{result['when']}; load average {load_start[0]:.1f} at the start, "
        f"{load_end[0]:.1f} at the end on {os.cpu_count()} cores. Each measurement in a "
        "process of its own (its peak resident memory is its own), one thread.",
        "",
        "| what | seconds | peak resident memory (MB) | ties |",
        "|---|---:|---:|---:|",
        f"| the shared network, built once per server process (`shared_network`) | "
        f"{shared['seconds']:.1f} | {shared['peak_rss_mb']:.0f} | {shared['edges']:,} |",
        f"| a member's own part on it (`viewer_network`), {len(own)} members | "
        f"{', '.join(f'{x:.2f}' for x in own)} | (in the same process) | |",
        f"| one member's network built alone, as each member's was (`build_network`) | "
        f"{alone['seconds']:.1f} | {alone['peak_rss_mb']:.0f} | {alone['edges']:,} |",
        "",
        f"A member's first page on a worker: {own[0]:.2f} s with the shared network "
        f"built, {alone['seconds']:.1f} s alone ({ratio:.0f}× as long); N members "
        f"cost N × {alone['seconds']:.0f} s alone, "
        f"{shared['seconds']:.0f} s + N × {sum(own) / len(own):.1f} s shared.",
        "",
    ]
    (HERE / "results" / f"{args.out}.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
