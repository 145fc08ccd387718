"""Import benchmark: a LinkedIn export of N connections and 10 N messages.

For each size, the synthetic world writes one member's export (ZIP, 2024 format);
each measurement imports it into a fresh SQLite file in a new process, so that the
peak RSS is the import's own. Reported: median wall time of the runs, peak RSS,
rows per second (CSV rows read), and how time grows with size (the log-log slope
between consecutive sizes: 1.0 is linear).

Side by side, in the same run and on the same files, two floors that do much less
work: a plain load (csv module + sqlite3 executemany into one table per file, no
identity resolution, no keys, no indexes) and DuckDB's read_csv into tables. The
ratios say what weakties pays for resolving people, deduplicating with natural
keys, indexing and checking everything in one transaction.

    python benchmarks/import_bench.py            # 3k, 10k and 30k connections
    python benchmarks/import_bench.py --sizes 3000 --runs 1
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

# The child's own peak RSS. ru_maxrss would not do: Linux carries it across exec,
# so a child would report the parent's peak (the generated world) as its own.
PEAK = """
def peak_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
"""

IMPORT = (
    PEAK
    + """
import sys, time
from pathlib import Path
from weakties.store.engine import open_store
from weakties.ingest.linkedin.importer import import_linkedin
store = open_store(sys.argv[2])
t = time.perf_counter()
summary = import_linkedin(store, Path(sys.argv[1]), "me")
seconds = time.perf_counter() - t
rows = sum(f.rows for f in summary.files)
peak = peak_kib()
t = time.perf_counter()
again = import_linkedin(store, Path(sys.argv[1]), "me")
assert again.unchanged
print(seconds, peak, rows, summary.added["interaction"], time.perf_counter() - t)
"""
)

PLAIN = (
    PEAK
    + """
import csv, io, sqlite3, sys, time, zipfile
t = time.perf_counter()
db = sqlite3.connect(sys.argv[2])
rows = 0
with zipfile.ZipFile(sys.argv[1]) as z:
    for name in z.namelist():
        if name not in ("Connections.csv", "messages.csv"):
            continue
        with z.open(name) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            if name == "Connections.csv":
                for _ in range(3):
                    text.readline()
            reader = csv.reader(text)
            header = next(reader)
            table = name.split(".")[0].lower()
            cols = ", ".join(f"c{i}" for i in range(len(header)))
            db.execute(f"create table {table} ({cols})")
            marks = ", ".join("?" * len(header))
            batch = []
            for row in reader:
                batch.append(row[: len(header)] + [None] * (len(header) - len(row)))
                if len(batch) == 5000:
                    db.executemany(f"insert into {table} values ({marks})", batch)
                    rows += len(batch)
                    batch = []
            db.executemany(f"insert into {table} values ({marks})", batch)
            rows += len(batch)
db.commit()
print(time.perf_counter() - t, peak_kib(), rows, 0, 0)
"""
)

DUCKDB = (
    PEAK
    + """
import sys, time, zipfile, tempfile, os
import duckdb
t = time.perf_counter()
folder = tempfile.mkdtemp()
with zipfile.ZipFile(sys.argv[1]) as z:
    z.extract("Connections.csv", folder)
    z.extract("messages.csv", folder)
con = duckdb.connect(sys.argv[2])
opts = "header=true, all_varchar=true"
con.execute(
    f"create table connections as select * from read_csv('{folder}/Connections.csv', "
    f"skip=3, {opts})"
)
con.execute(f"create table messages as select * from read_csv('{folder}/messages.csv', {opts})")
rows = con.execute(
    "select (select count(*) from connections) + (select count(*) from messages)"
).fetchone()[0]
con.close()
print(time.perf_counter() - t, peak_kib(), rows, 0, 0)
"""
)


def measure(script: str, export: Path, runs: int) -> dict[str, float]:
    times, rss, again, rows, traces = [], [], [], 0, 0
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "bench.db"
            out = subprocess.run(
                [sys.executable, "-c", script, str(export), str(db)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
        times.append(float(out[0]))
        rss.append(int(out[1]) / 1024)
        rows, traces = int(out[2]), int(out[3])
        again.append(float(out[4]))
    return {
        "seconds": statistics.median(times),
        "min_seconds": min(times),
        "rss_mib": max(rss),
        "rows": rows,
        "traces": traces,
        "again_seconds": statistics.median(again),
    }


def have_duckdb() -> bool:
    try:
        import duckdb  # noqa: F401
    except ImportError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[3000, 10000, 30000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "import.md")
    args = parser.parse_args()

    from weakties.synth import generate_big_ego, write_linkedin_export

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            t = time.perf_counter()
            world = generate_big_ego(n_connections=n, n_messages=10 * n, seed=1)
            export = write_linkedin_export(world, 0, Path(tmp) / str(n), as_of=world.end)
            made = time.perf_counter() - t
            size = export.stat().st_size
            with zipfile.ZipFile(export) as z:
                unpacked = sum(i.file_size for i in z.infolist())
            row = {
                "connections": n,
                "messages": 10 * n,
                "zip_mib": size / 2**20,
                "unpacked_mib": unpacked / 2**20,
                "generate_s": made,
            }
            row["weakties"] = measure(IMPORT, export, args.runs)
            row["plain"] = measure(PLAIN, export, args.runs)
            if have_duckdb():
                row["duckdb"] = measure(DUCKDB, export, args.runs)
            results.append(row)
            w = row["weakties"]
            print(
                f"{n:>7,} connections: weakties {w['seconds']:.2f} s, {w['rss_mib']:.0f} MiB, "
                f"plain {row['plain']['seconds']:.2f} s"
                + (f", duckdb {row['duckdb']['seconds']:.2f} s" if "duckdb" in row else ""),
                flush=True,
            )
    write_report(results, args)


def write_report(results: list[dict], args: argparse.Namespace) -> None:
    lines = [
        "# Import benchmark",
        "",
        f"`python benchmarks/import_bench.py --sizes {' '.join(map(str, args.sizes))} "
        f"--runs {args.runs}` — {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d')}.",
        "",
        "One member's export (2024 format, ZIP) with N connections and 10 N messages,",
        "imported into a fresh SQLite file in a new process; median of the runs.",
        "`plain` = csv + sqlite3 executemany of the raw rows (no resolution, keys or",
        "indexes); `duckdb` = DuckDB read_csv into tables. Ratios are weakties / peer.",
        "`again` = the same export imported a second time (content hashes: nothing to do).",
        "",
        "| connections | messages | unpacked MiB | weakties s | peak RSS MiB | CSV rows/s "
        "| traces | again s | plain s | ratio | duckdb s | ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        w, p, d = r["weakties"], r["plain"], r.get("duckdb")
        lines.append(
            f"| {r['connections']:,} | {r['messages']:,} | {r['unpacked_mib']:.1f} | "
            f"{w['seconds']:.2f} | {w['rss_mib']:.0f} | {w['rows'] / w['seconds']:,.0f} | "
            f"{w['traces']:,} | {w['again_seconds']:.2f} | {p['seconds']:.2f} | "
            f"{w['seconds'] / p['seconds']:.1f}x | "
            + (f"{d['seconds']:.2f} | {w['seconds'] / d['seconds']:.1f}x |" if d else "– | – |")
        )
    lines += ["", "Growth of the weakties import time with size (log-log slope; 1.0 = linear):", ""]
    for a, b in itertools.pairwise(results):
        slope = math.log(b["weakties"]["seconds"] / a["weakties"]["seconds"]) / math.log(
            b["connections"] / a["connections"]
        )
        lines.append(f"- {a['connections']:,} → {b['connections']:,} connections: {slope:.2f}")
    lines += [
        "",
        "Goal (issue 2): 30,000 connections and 300,000 messages in ≤ 10 s and ≤ 1 GB "
        "peak RSS on 2 cores.",
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines))
    (args.out.with_suffix(".json")).write_text(json.dumps(results, indent=2))
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
