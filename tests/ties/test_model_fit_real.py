"""``weakties model fit`` on real data (../shared/data; skipped when absent): a real
LinkedIn export is far too short a history to fit on, and says so while ``ties``
and ``suggest`` fall back to the documented priors; SNAP CollegeMsg is long
enough, and the fit sees nothing at or after its date."""

import json

import pytest
from typer.testing import CliRunner

from weakties.cli.main import app

runner = CliRunner()


def cli(db, *args: str) -> str:
    done = runner.invoke(app, ["--db", str(db), *args], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    return done.stdout


@pytest.mark.shared_data
@pytest.mark.parametrize("export", ["export-2022-09", "export-2024-12"])
def test_a_real_export_is_too_short_a_history_and_says_so(samples, tmp_path, export):
    db = tmp_path / "w.sqlite"
    cli(db, "import", "linkedin", str(samples / export), "--as", "me")
    report = json.loads(cli(db, "model", "fit", "--json"))
    assert report["kept"] is True
    for part in ("ties", "suggestions"):
        assert report[part]["fitted"] is False
        note = report[part]["note"]
        # a few dozen messages: fewer examples than a fit needs, in numbers
        assert "a fit needs" in note, note
    text = cli(db, "model", "fit")
    assert "the default model is used" in text and "Katz's index is used" in text
    ties = json.loads(cli(db, "ties", "--explain", _someone(db), "--json"))
    assert ties["model"] == "default"
    assert {row["model"] for row in json.loads(cli(db, "ties", "--json"))} == {"default"}


def _someone(db) -> str:
    return json.loads(cli(db, "ties", "--json"))[0]["name"]


@pytest.mark.slow
@pytest.mark.shared_data
def test_collegemsg_is_long_enough_to_fit(shared_data, tmp_path):
    path = shared_data / "CollegeMsg" / "CollegeMsg.txt"
    db = tmp_path / "c.sqlite"
    cli(db, "import", "interactions", str(path), "--sender", "1", "--recipient", "2",
        "--timestamp", "3")  # fmt: skip
    report = json.loads(cli(db, "model", "fit", "--all", "--as-of", "2004-07-22", "--json"))
    assert report["kept"] is False  # the operator's fit is only reported
    # weekly cuts from 30 days before the date back to 14 days after the first message
    assert report["cuts"] == 8
    assert report["ties"]["fitted"] and report["suggestions"]["fitted"]
    assert report["ties"]["positives"] >= 100
    # a date six weeks after the first message: too short, in days
    early = json.loads(cli(db, "model", "fit", "--all", "--as-of", "2004-05-20", "--json"))
    assert not early["ties"]["fitted"]
    assert "days of history; a fit needs at least 44" in early["ties"]["note"]
