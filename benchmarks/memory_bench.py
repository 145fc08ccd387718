"""Memory benchmark: peak RSS of importing very large LinkedIn files.

Two inputs, written in the exports' own format (streamed, never held in memory):

- ``Connections.csv`` of about 500 MB (2023+ format, every row a different
  person with a profile URL, 5,000 employers): about 3.5 million connections;
- ``messages.csv`` of about 300 MB (2024 format) between the owner and 20,000
  correspondents, one-to-one and group conversations.

Each is imported into a fresh SQLite file in a new process (``import_linkedin``,
what ``weakties import linkedin`` runs), which reports its own peak RSS (VmHWM)
and wall time. The bound stated in docs/importing.md is checked against the
figures: peak RSS <= 500 MiB whatever the file size.

    flock /work/.bench.lock python benchmarks/memory_bench.py            # 500 + 300 MB
    python benchmarks/memory_bench.py --connections-mb 20 --messages-mb 10   # a quick look

Results: benchmarks/results/memory.json and memory.md (with the load average at
the start and the end: figures measured on a busy machine are rerun before
they are quoted). Needs about 6 GB of free disk for the 500 MB run's database.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BOUND_MIB = 500

CHILD = """
import sys, time
from pathlib import Path
from weakties.store.engine import open_store
from weakties.ingest.linkedin.importer import import_linkedin
store = open_store(sys.argv[2])
t = time.perf_counter()
summary = import_linkedin(store, Path(sys.argv[1]), "me", export_date=None)
seconds = time.perf_counter() - t
rows = sum(f.rows for f in summary.files)
with open("/proc/self/status") as status:
    peak = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
print(seconds, peak, rows, sum(summary.added.values()))
"""

PREAMBLE = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email '
    'addresses are missing."\n'
    "\n"
)


def write_connections(path: Path, megabytes: int) -> int:
    """A Connections.csv of about ``megabytes`` MB; returns its row count."""
    target = megabytes * 1_000_000
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(PREAMBLE)
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(
            [
                "First Name",
                "Last Name",
                "URL",
                "Email Address",
                "Company",
                "Position",
                "Connected On",
            ]
        )
        start = dt.date(2015, 1, 1)
        while f.tell() < target:
            batch = []
            for i in range(rows, rows + 10_000):
                day = start + dt.timedelta(days=i % 3650)
                batch.append(
                    [
                        f"First{i}",
                        f"Last{i % 997} Name{i}",
                        f"https://www.linkedin.com/in/member-{i:08x}",
                        "",
                        f"Company {i % 5000} Ltd",
                        f"Senior Engineer {i % 40}",
                        day.strftime("%d %b %Y"),
                    ]
                )
            writer.writerows(batch)
            rows += len(batch)
    return rows


MESSAGES = [
    "CONVERSATION ID",
    "CONVERSATION TITLE",
    "FROM",
    "SENDER PROFILE URL",
    "TO",
    "RECIPIENT PROFILE URLS",
    "DATE",
    "SUBJECT",
    "CONTENT",
    "FOLDER",
    "IS MESSAGE DRAFT",
    "IS CONVERSATION DRAFT",
]


def write_messages(path: Path, megabytes: int, people: int = 20_000) -> int:
    """A messages.csv of about ``megabytes`` MB between the owner and ``people``."""
    target = megabytes * 1_000_000
    me = ("Owner Person", "https://www.linkedin.com/in/owner-person")
    rows = 0
    start = dt.datetime(2016, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(MESSAGES)
        while f.tell() < target:
            batch = []
            for i in range(rows, rows + 10_000):
                other = i * 7919 % people
                them = (
                    f"Friend{other} Surname{other}",
                    f"https://www.linkedin.com/in/friend-{other:06d}",
                )
                sender, recipient = (me, them) if i % 2 else (them, me)
                when = start + dt.timedelta(seconds=i * 97)
                group = i % 10 == 0
                to_names = recipient[0]
                to_urls = recipient[1]
                if group:
                    extra = (other + 1) % people
                    to_names += f",Friend{extra} Surname{extra}"
                    to_urls += f",https://www.linkedin.com/in/friend-{extra:06d}"
                batch.append(
                    [
                        f"2-conv{other:06d}{'g' if group else ''}==",
                        "",
                        sender[0],
                        sender[1],
                        to_names,
                        to_urls,
                        when.strftime("%Y-%m-%d %H:%M:%S UTC"),
                        "",
                        f"Message number {i} with some words of content to make it realistic.",
                        "INBOX",
                        "No",
                        "No",
                    ]
                )
            writer.writerows(batch)
            rows += len(batch)
    return rows


def run(folder: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory(dir=folder.parent) as tmp:
        db = Path(tmp) / "bench.sqlite"
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(folder), str(db)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        db_mib = db.stat().st_size / 2**20
    return {
        "seconds": float(out[0]),
        "peak_rss_mib": int(out[1]) / 1024,
        "rows": int(out[2]),
        "rows_added": int(out[3]),
        "db_mib": db_mib,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections-mb", type=int, default=500)
    parser.add_argument("--messages-mb", type=int, default=300)
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args()
    load_start = os.getloadavg()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind, megabytes, write, name in (
            ("connections", args.connections_mb, write_connections, "Connections.csv"),
            ("messages", args.messages_mb, write_messages, "messages.csv"),
        ):
            folder = Path(tmp) / kind
            folder.mkdir()
            written = write(folder / name, megabytes)
            size = (folder / name).stat().st_size
            print(f"{name}: {size / 2**20:.0f} MiB, {written:,} rows", flush=True)
            figures = run(folder) | {"file": name, "file_mib": size / 2**20, "file_rows": written}
            print(json.dumps(figures), flush=True)
            results.append(figures)
            (folder / name).unlink()
    load_end = os.getloadavg()
    meta = {
        "date": dt.date.today().isoformat(),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "command": "python benchmarks/memory_bench.py "
        f"--connections-mb {args.connections_mb} --messages-mb {args.messages_mb}",
        "loadavg_start": [round(x, 2) for x in load_start],
        "loadavg_end": [round(x, 2) for x in load_end],
        "bound_mib": BOUND_MIB,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "memory.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    lines = [
        "# Memory benchmark",
        "",
        f"`{meta['command']}` — {meta['machine']}, Python {meta['python']}, {meta['date']}.",
        f"Load average (1, 5, 15 min) at the start {meta['loadavg_start']}, "
        f"at the end {meta['loadavg_end']}.",
        "",
        "One very large file per run, imported into a fresh SQLite file in a new process",
        "(`import_linkedin`, what `weakties import linkedin` runs); peak RSS is the",
        f"process's own VmHWM. Stated bound: {BOUND_MIB} MiB whatever the file size.",
        "",
        "| file | MiB | rows | import s | rows/s | peak RSS MiB | database MiB | within bound |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['file']} | {r['file_mib']:.0f} | {r['rows']:,} | {r['seconds']:.1f} | "
            f"{r['rows'] / r['seconds']:,.0f} | {r['peak_rss_mib']:.0f} | {r['db_mib']:.0f} | "
            f"{'yes' if r['peak_rss_mib'] <= BOUND_MIB else 'NO'} |"
        )
    (args.out / "memory.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
