"""More active members than a process keeps: the network pages of 20 members in turn.

    flock /work/.bench.lock .venv/bin/python benchmarks/live_viewers_bench.py   # ~3 min

A platform written straight into a fresh SQLite file (``platform_bench.populate``:
``--members`` members, ``--ties`` platform ties, each connection in both members'
data). Then, in this process (it is the server's worker), ``--viewers`` members
(20 by default) open their network pages in turn, ``--rounds`` times: the service
calls behind ``/network`` (the dashboard) and ``/network/graph`` (the ego graph's
data), each in its own transaction, as a request runs them. The first round fills
the memory (cold); the next ones are what a busy server sees: with room for every
viewer they reuse what was kept, without it every page rebuilds it (least recently
active first is exactly the order that is dropped: round robin is the worst case).

Each setting of the process's memory (``--settings``: values of
``WEAKTIES_LIVE_VIEWERS``, ``mb=N`` for ``WEAKTIES_LIVE_MB``, both joined by
``+``, ``default`` for neither: e.g. ``16,default,mb=8``) is measured from an
empty memory: the median and p95 of the later rounds' pages in milliseconds, how
many viewers were kept at the end and their estimated size, and the process's
resident memory (it only grows: compare the settings by their order). ``os.getloadavg()`` at the start and the end is recorded: figures from a
busy machine are to be rerun. Results: benchmarks/results/live_viewers.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def _apply(setting: str) -> None:
    os.environ.pop("WEAKTIES_LIVE_MB", None)
    os.environ.pop("WEAKTIES_LIVE_VIEWERS", None)
    for part in setting.split("+"):
        if part == "default":
            continue
        if part.startswith("mb="):
            os.environ["WEAKTIES_LIVE_MB"] = part[3:]
        else:
            os.environ["WEAKTIES_LIVE_VIEWERS"] = part


def measure(store: Any, handles: list[str], rounds: int, setting: str) -> dict[str, Any]:
    from weakties.service import dashboard, ego, live, transaction, viewer

    _apply(setting)
    live.clear()
    cold: list[float] = []
    later: list[float] = []
    for round_ in range(rounds):
        for handle in handles:
            for page in (dashboard.dashboard, ego.ego_graph):
                start = time.perf_counter()
                with transaction(store) as conn:
                    page(conn, viewer(conn, handle))
                (cold if round_ == 0 else later).append((time.perf_counter() - start) * 1000)
    later.sort()
    return {
        "cold_median_ms": round(statistics.median(cold), 1),
        "median_ms": round(statistics.median(later), 1),
        "p95_ms": round(later[min(len(later) - 1, round(0.95 * (len(later) - 1)))], 1),
        "pages": len(later),
        "viewers_kept": live.held(store.engine),
        "kept_mb": round(live.held_bytes(store.engine) / 2**20, 1),
        "rss_mb": _rss_mb(),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    from platform_bench import populate

    from weakties.store.engine import open_store

    out: dict[str, Any] = {
        "members": args.members,
        "ties": args.ties,
        "viewers": args.viewers,
        "rounds": args.rounds,
        "load_start": os.getloadavg(),
        "rss_mb_start": _rss_mb(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'live.sqlite'}"
        built = populate(url, args.members, args.ties, seed=11)
        store = open_store(url)
        # the members after the operator: each with about 2 * ties / members contacts
        handles = built["handles"][1 : args.viewers + 1]
        out["settings"] = {
            setting: measure(store, handles, args.rounds, setting)
            for setting in args.settings.split(",")
        }
        store.close()
    out["load_end"] = os.getloadavg()
    return out


def _markdown(result: dict[str, Any], command: str) -> str:
    lines = [
        "# More active members than a process keeps",
        "",
        f"`{command}`: {result['viewers']} members in turn, {result['rounds']} rounds, "
        f"on {result['members']} members and {result['ties']} platform ties.",
        "",
        f"Python {platform.python_version()}, {os.cpu_count()} cores. Load average at the "
        f"start {result['load_start'][0]:.2f}, at the end {result['load_end'][0]:.2f}.",
        "",
        "| setting | first round, median | later rounds, median | p95 | viewers kept | kept | RSS |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for setting, f in result["settings"].items():
        lines.append(
            f"| {setting} | {f['cold_median_ms']} ms | {f['median_ms']} ms | {f['p95_ms']} ms "
            f"| {f['viewers_kept']} | {f['kept_mb']} MiB | {f['rss_mb']} MiB |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--ties", type=int, default=100_000)
    parser.add_argument("--viewers", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--settings", default="16,default,mb=8", help="comma-separated, see above")
    parser.add_argument("--no-write", action="store_true", help="print, write no result file")
    args = parser.parse_args()
    result = run(args)
    command = "python benchmarks/live_viewers_bench.py " + " ".join(sys.argv[1:])
    text = _markdown(result, command.strip())
    print(text)
    if not args.no_write:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "live_viewers.json").write_text(json.dumps(result, indent=2) + "\n")
        (RESULTS / "live_viewers.md").write_text(text)


if __name__ == "__main__":
    main()
