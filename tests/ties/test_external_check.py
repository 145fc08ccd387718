"""evaluation/external_check.py: the product's commands on a temporal data set in
SNAP's format, scored by the script against what the file says happened after
the date — on a log small enough that every figure is worked out by hand."""

import datetime as dt
import importlib.util
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from weakties.cli.main import app

SCRIPT = Path(__file__).resolve().parents[2] / "evaluation" / "external_check.py"
DATE = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def external():
    spec = importlib.util.spec_from_file_location("external_check", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def snap_log(path: Path) -> Path:
    """Twenty days before the date (too short a history to fit: the priors score):
    1-2 and 1-3 write every day both ways and go on after it; 3-4 and 4-5 wrote
    once, long before, and stop; 2-6 and 3-6 wrote a few times. After the date
    2 and 3, who share 1 and 6, write for the first time."""
    lines = ["% SRC DST UNIXTS (a KONECT-style comment)"]

    def at(days: float) -> int:
        return int(DATE.timestamp() + days * 86400)

    for d in range(-20, 10):
        for x, y in ((1, 2), (2, 1), (1, 3), (3, 1)):
            lines.append(f"{x} {y} {at(d + 0.3)}")
    lines += [f"3 4 {at(-19)}", f"4 5 {at(-18)}", f"7 7 {at(-5)}"]  # 7-7: a self-message
    for d in (-15, -9, -3):
        lines += [f"2 6 {at(d)}", f"6 3 {at(d + 0.5)}"]
    lines += [f"2 3 {at(4)}", f"3 2 {at(5)}"]
    path.write_text("\n".join(lines) + "\n")
    return path


def in_process(args: list[str]) -> str:
    done = CliRunner().invoke(app, args, catch_exceptions=False)
    assert done.exit_code == 0, done.output
    return done.stdout


def test_a_snap_log_is_checked_against_what_happened_after(external, tmp_path):
    log = snap_log(tmp_path / "log.txt")
    seen = {}

    def run(args):
        seen[args[2]] = args
        return in_process(args)

    result = external.check(log, "2024-03-01T00:00:00Z", top_k=1, run=run)
    assert seen["ties"][-3:] == ["--as-of", "2024-03-01T00:00:00Z", "--json"]
    assert seen["suggest"][-5:] == ["--as-of", "2024-03-01T00:00:00Z", "--top", "1", "--json"]
    ties = result["ties"]
    # the pairs ties --all lists are exactly the file's before the date
    assert (ties["pairs"], ties["missing_from_ties_all"], ties["not_in_the_file"]) == (6, 0, 0)
    assert ties["in_touch_again"] == 2  # 1-2 and 1-3
    auc = ties["auc"]
    assert auc["recency"]["auc"] == 1.0 and auc["weakties ties --all"]["auc"] == 1.0
    # 1-2 and 1-3 wrote most, but so often that counts do not tie: still first
    assert auc["message count"]["auc"] == 1.0
    pymk = result["suggest"]
    assert (pymk["new_pairs"], pymk["people_with_a_new_pair"]) == (1, 2)
    found = pymk["precision_at_k"]
    # 2 and 3 share two contacts: each is the other's first suggestion, by Katz too
    assert found["katz"]["precision"] == 1.0 and found["cn"]["precision"] == 1.0
    assert found["weakties suggest --all"]["precision"] == 1.0
    text = external.markdown(result)
    assert "| weakties ties --all | 1.0000 |" in text


def test_a_pair_the_product_leaves_out_is_reported(external, tmp_path):
    log = snap_log(tmp_path / "log.txt")

    def run(args):
        out = in_process(args)
        if args[2] == "ties":
            pairs = json.loads(out)
            out = json.dumps([p for p in pairs if {p["a"], p["b"]} != {"4", "5"}])
        return out

    result = external.check(log, "2024-03-01", top_k=1, run=run)
    assert result["ties"]["missing_from_ties_all"] == 1
    assert result["ties"]["not_in_the_file"] == 0
