"""The product's answers on a temporal data set the project does not have.

    python evaluation/external_check.py FILE --as-of DATE [--top 10] [--days 30]
        [--sender 1 --recipient 2 --timestamp 3] [--delimiter D] [--header]
        [--out RESULT]   # RESULT.md and RESULT.json

FILE is any log of timestamped messages, one per line: by default SNAP's
temporal networks (``SRC DST UNIXTS`` separated by blanks, no header; lines
starting with ``%`` or ``#`` are comments, as in KONECT's files), else the
columns named by position (1-based) or, with ``--header``, by name; timestamps in
Unix seconds (milliseconds above 1e11) or ISO 8601 (UTC when no offset).

It is imported into a fresh database by the command line, exactly as a member
would (``weakties import interactions``), and the two commands whose answers the
rolling evaluation reports on CollegeMsg are run as a member would run them:

- ``weakties ties --all --as-of DATE --json``: every pair in touch before DATE,
  scored (by the model fitted on the history before DATE when it allows one,
  else the documented priors; the JSON says which). Outcome: in touch again
  within the next ``--days``. ROC AUC with a 95 % bootstrap interval that
  resamples people, not pairs (the file's people drawn with replacement, 1,000
  times; a pair weighs the product of its two people's draws), beside the message count and the recency before DATE, and random (0.5);
- ``weakties suggest --all --as-of DATE --top K --json``: each person's K
  suggestions. Outcome: the pairs of people both known before DATE, never in touch
  before it, who first write within the next ``--days``. Precision@K over the
  people with such a new pair, with a 95 % interval from the same draws of people
  (a person's precision weighing what they were drawn), beside
  Katz's index (truncated at three steps, beta = 0.05), common neighbours and
  random (its expected precision).

The outcomes and baselines are read from FILE by this script itself, not through
weakties, and the pairs ``ties --all`` lists are compared with the pairs in touch
before DATE in the file: a pair missing or extra (a misread date, a time zone, a
lost line) is reported. Nothing after DATE may change the answers: run it again on
the file cut at DATE to check that too.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))

import stats

DAY = 86400.0
KATZ_BETA = 0.05

Run = Callable[[list[str]], str]


def command_line(args: list[str]) -> str:
    """``weakties ARGS`` in a process of its own, as a member runs it; its output."""
    done = subprocess.run(
        [sys.executable, "-m", "weakties.cli.main", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"weakties {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def seconds(text: str) -> float:
    """Unix seconds of a timestamp cell: epoch seconds or milliseconds, or ISO 8601."""
    try:
        value = float(text)
    except ValueError:
        when = dt.datetime.fromisoformat(text.strip())
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        return when.timestamp()
    return value / 1000.0 if value > 1e11 else value


def rows(
    path: Path, sender: str, recipient: str, timestamp: str, delimiter: str | None, header: bool
) -> Iterator[tuple[str, str, float]]:
    """(sender, recipient, Unix seconds) of each message; self-messages left out."""
    with path.open(newline="", encoding="utf-8-sig") as f:
        lines = (line for line in f if line.strip() and line.lstrip()[0] not in "%#")
        if delimiter is None:
            cells: Iterator[list[str]] = (line.split() for line in lines)
        else:
            cells = csv.reader(lines, delimiter="\t" if delimiter == "tab" else delimiter)
        names = [c.strip().lower() for c in next(cells)] if header else []

        def column(col: str) -> int:
            return names.index(col.lower()) if header else int(col) - 1

        s, r, t = column(sender), column(recipient), column(timestamp)
        for row in cells:
            if row[s] != row[r]:
                yield row[s].strip(), row[r].strip(), seconds(row[t])


def pair_of(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    return lo.astype(np.int64) << 32 | hi.astype(np.int64)


def katz_and_cn(adjacency: sp.csr_array, person: int) -> tuple[np.ndarray, np.ndarray]:
    """Katz's index (three steps) and common neighbours of one person with everyone."""
    e = np.zeros(adjacency.shape[0])
    e[person] = 1.0
    one = adjacency @ e
    two = adjacency @ one
    three = adjacency @ two
    return KATZ_BETA * one + KATZ_BETA**2 * two + KATZ_BETA**3 * three, two


def top(score: np.ndarray, allowed: np.ndarray, k: int) -> np.ndarray:
    """The k best allowed people by score, ties by index; none with a zero score."""
    idx = np.flatnonzero(allowed & (score > 0))
    return idx[np.lexsort((idx, -score[idx]))][:k]


def check(
    path: Path,
    as_of: str,
    *,
    top_k: int = 10,
    days: float = 30.0,
    sender: str = "1",
    recipient: str = "2",
    timestamp: str = "3",
    delimiter: str | None = None,
    header: bool = False,
    run: Run = command_line,
    seed: int = 0,
) -> dict:
    cut = seconds(as_of)
    found = list(rows(path, sender, recipient, timestamp, delimiter, header))
    names = np.array(sorted({n for s, r, _ in found for n in (s, r)}))
    index = {n: i for i, n in enumerate(names.tolist())}
    a = np.array([index[s] for s, _, _ in found], dtype=np.int64)
    b = np.array([index[r] for _, r, _ in found], dtype=np.int64)
    t = np.array([w for _, _, w in found])
    key = pair_of(a, b)
    before, after = t < cut, (t >= cut) & (t < cut + days * DAY)
    pairs, count = np.unique(key[before], return_counts=True)
    last = np.full(pairs.size, -np.inf)
    np.maximum.at(last, np.searchsorted(pairs, key[before]), t[before])
    again = np.isin(pairs, key[after])

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "check.sqlite")
        options = ["--sender", sender, "--recipient", recipient, "--timestamp", timestamp]
        if delimiter is not None:
            options += ["--delimiter", "space" if delimiter == " " else delimiter]
        if not header:
            options.append("--no-header")
        run(["--db", db, "import", "interactions", str(path), *options])
        tied = json.loads(run(["--db", db, "ties", "--all", "--as-of", as_of, "--json"]))
        suggested = json.loads(
            run(["--db", db, "suggest", "--all", "--as-of", as_of, "--top", str(top_k), "--json"])
        )["suggestions"]

    # tie persistence: the product's pairs against the file's
    listed = pair_of(
        np.array([index.get(str(p["a"]), -1) for p in tied]),
        np.array([index.get(str(p["b"]), -1) for p in tied]),
    )
    product = dict(zip(listed.tolist(), (float(p["score"]) for p in tied), strict=True))
    models = sorted({str(p.get("model", "")) for p in tied})
    score = np.array([product.get(k, np.nan) for k in pairs.tolist()])
    missing = int(np.isnan(score).sum())
    extra = int((~np.isin(listed, pairs)).sum())
    rng = np.random.default_rng(seed)
    # people resampled, not pairs: a pair weighs the product of its two people's draws
    drawn = stats.People.draw(rng, np.arange(names.size))
    weights = drawn.pairs(pairs >> 32, pairs & 0xFFFFFFFF)
    y = again.astype(float)

    def auc(values: np.ndarray) -> dict:
        r = stats.ranked(np.nan_to_num(values, nan=-np.inf), y)
        reps = np.array([stats.weighted_auc(r, w) for w in weights])
        lo, hi = stats.interval(reps)
        return {"auc": round(stats.auc(np.nan_to_num(values, nan=-np.inf), y), 4),
                "interval": [round(lo, 4), round(hi, 4)]}  # fmt: skip

    persistence = {
        "weakties ties --all": auc(score),
        "message count": auc(count.astype(float)),
        "recency": auc(last),
        "random": {"auc": 0.5, "interval": [0.5, 0.5]},
    }

    # people you may know: the first contacts after DATE among people known before it
    known = np.unique(np.concatenate([a[before], b[before]]))
    lo_, hi_ = pairs >> 32, pairs & 0xFFFFFFFF
    adjacency = sp.csr_array(
        (np.ones(2 * pairs.size), (np.r_[lo_, hi_], np.r_[hi_, lo_])),
        shape=(names.size, names.size),
    )
    is_known = np.zeros(names.size, dtype=bool)
    is_known[known] = True
    fresh = np.unique(key[after])
    fresh = fresh[~np.isin(fresh, pairs)]
    fresh = fresh[is_known[fresh >> 32] & is_known[fresh & 0xFFFFFFFF]]
    people = np.unique(np.r_[fresh >> 32, fresh & 0xFFFFFFFF])
    precision: dict[str, list[float]] = {m: [] for m in ("weakties suggest --all", "katz", "cn")}
    random_precision = []
    degree = np.diff(adjacency.indptr)
    partners: dict[int, set[int]] = {}
    for k in fresh.tolist():
        x, z = k >> 32, k & 0xFFFFFFFF
        partners.setdefault(x, set()).add(z)
        partners.setdefault(z, set()).add(x)
    for u in people.tolist():
        new = partners[u]
        listed_u = [index.get(str(v), -1) for v in suggested.get(str(names[u]), [])]
        precision["weakties suggest --all"].append(len(new & set(listed_u[:top_k])) / top_k)
        katz, cn = katz_and_cn(adjacency, u)
        allowed = is_known.copy()
        allowed[u] = False
        allowed[adjacency.indices[adjacency.indptr[u] : adjacency.indptr[u + 1]]] = False
        for name, values in (("katz", katz), ("cn", cn)):
            precision[name].append(len(new & set(top(values, allowed, top_k).tolist())) / top_k)
        random_precision.append(len(new) / max(int(allowed.sum()), 1))
    precision["random"] = random_precision
    per_person = drawn.of(people)

    def mean_ci(values: list[float]) -> dict:
        v = np.array(values)
        if v.size == 0:
            return {"precision": None, "interval": None}
        reps = stats.weighted_mean(v, per_person)
        lo, hi = stats.interval(reps)
        return {"precision": round(float(v.mean()), 4), "interval": [round(lo, 4), round(hi, 4)]}

    return {
        "file": path.name,
        "as_of": as_of,
        "days": days,
        "top": top_k,
        "messages": int(t.size),
        "people": int(names.size),
        "ties": {
            "pairs": int(pairs.size),
            "in_touch_again": int(again.sum()),
            "missing_from_ties_all": missing,
            "not_in_the_file": extra,
            "models": models,
            "auc": persistence,
        },
        "suggest": {
            "people_with_a_new_pair": int(people.size),
            "new_pairs": int(fresh.size),
            "suggested_for": len(suggested),
            "precision_at_k": {name: mean_ci(v) for name, v in precision.items()},
        },
        "degree_mean": round(float(degree.mean()), 2) if degree.size else 0.0,
    }


def markdown(result: dict) -> str:
    t, s = result["ties"], result["suggest"]
    lines = [
        f"# {result['file']} as of {result['as_of']}",
        "",
        *([f"`{result['command']}` ({result['date']}).", ""] if "command" in result else []),
        f"{result['messages']:,} messages among {result['people']:,} people; outcome: the "
        f"next {result['days']:g} days. Scored by: {'; '.join(t['models'])}.",
        "",
        f"## Tie persistence ({t['pairs']:,} pairs in touch before, "
        f"{t['in_touch_again']:,} in touch again)",
        "",
        f"Pairs of the file missing from `ties --all`: {t['missing_from_ties_all']}; "
        f"listed but not in the file before the date: {t['not_in_the_file']}.",
        "",
        "| predictor | ROC AUC | 95 % interval |",
        "|---|---:|---:|",
        *[
            f"| {name} | {v['auc']:.4f} | [{v['interval'][0]:.4f}, {v['interval'][1]:.4f}] |"
            for name, v in t["auc"].items()
        ],
        "",
        f"## People you may know ({s['people_with_a_new_pair']:,} people with a first "
        f"contact, {s['new_pairs']:,} new pairs)",
        "",
        f"| method | precision@{result['top']} | 95 % interval |",
        "|---|---:|---:|",
        *[
            f"| {name} | {v['precision']:.4f} | [{v['interval'][0]:.4f}, {v['interval'][1]:.4f}] |"
            if v["precision"] is not None
            else f"| {name} | — | — |"
            for name, v in s["precision_at_k"].items()
        ],
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--as-of", required=True)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--days", type=float, default=30.0)
    parser.add_argument("--sender", default="1")
    parser.add_argument("--recipient", default="2")
    parser.add_argument("--timestamp", default="3")
    parser.add_argument("--delimiter", default=None, help="a character or 'tab' (default: blanks)")
    parser.add_argument("--header", action="store_true", help="the first line names the columns")
    parser.add_argument("--out", type=Path, help="write OUT.md and OUT.json")
    args = parser.parse_args()
    result = check(
        args.file,
        args.as_of,
        top_k=args.top,
        days=args.days,
        sender=args.sender,
        recipient=args.recipient,
        timestamp=args.timestamp,
        delimiter=args.delimiter,
        header=args.header,
    )
    shown = [a if " " not in a else repr(a) for a in sys.argv[1:]]
    result["command"] = " ".join(["python evaluation/external_check.py", *shown])
    result["date"] = dt.date.today().isoformat()
    text = markdown(result)
    if args.out:
        args.out.with_suffix(".json").write_text(json.dumps(result, indent=2))
        args.out.with_suffix(".md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
