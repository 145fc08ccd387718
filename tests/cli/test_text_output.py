"""Every command's text output on the demo database, in process: what a person reads.

The JSON forms are checked elsewhere (and by the privacy matrix); here the tables
and sentences are, command by command, on a generated world of three members.
"""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from tests.support import fit_on_short_history
from weakties.cli.main import app

runner = CliRunner()


@pytest.fixture(scope="module", autouse=True)
def _short_history():
    """The demo world is a shorter history than a fit needs: see fit_on_short_history."""
    with fit_on_short_history():
        yield


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = tmp_path_factory.mktemp("text") / "demo.sqlite"
    shown = runner.invoke(app, ["demo", "--db-file", str(db), "--people", "400", "--seed", "7"])
    assert shown.exit_code == 0, shown.output
    return db, shown.output


def run(db, *args, member="you", code=0):
    result = runner.invoke(app, ["--db", str(db), *args], env={"WEAKTIES_MEMBER": member})
    assert result.exit_code == code, result.output
    return result.output


def ids(db, *args):
    return json.loads(run(db, *args, "--json"))


def test_the_demo_tells_its_story(demo):
    _db, output = demo
    for line in (
        "weakties demo",
        "Your network",
        "The people you are most in touch with",
        "Who can introduce you, and why",
        "A draft to",
        "Network value report",
        "--as you",
    ):
        assert line in output, line


def test_people_graph_and_paths(demo):
    db, _ = demo
    contacts = ids(db, "people", "--degree", "1")
    second = ids(db, "people", "--degree", "2")
    assert contacts and second
    someone, far = f"#{contacts[0]['id']}", f"#{second[0]['id']}"
    assert "People you can see" in run(db, "people", "--limit", "3")
    assert "1st degree" in run(db, "person", someone)
    assert "Events" in run(db, "events", "--limit", "5")
    assert re.search(r"\d+ 1st \([^)]*\), [\d,]+ 2nd", run(db, "graph", "stats"))
    assert "2nd" in run(db, "degree", far) and "mutual" in run(db, "degree", far)
    assert re.search(r"\d+ mutual contacts?\b", run(db, "mutual", far))
    assert "→" in run(db, "paths", far)
    assert "No path" in run(db, "paths", far, someone, member="alex") or "→" in run(
        db, "paths", far, someone, member="alex"
    )


def test_ties_report_and_calibration(demo, tmp_path):
    db, _ = demo
    listed = run(db, "ties", "--limit", "5")
    # the demo's two years of traces are long enough for the model fitted on them
    assert "Ties of you as of" in listed and "model: learned from the history" in listed
    fitted = " ".join(run(db, "model", "fit").split())
    assert "tie strength: fitted on" in fitted
    # the line names only what was fitted, and what does not use the fit
    kept = fitted.partition("Kept:")[2]
    assert ("`weakties suggest`" in kept) == ("people you may know: not fitted" not in fitted)
    assert "every command and page that scores your ties" in kept
    strongest = ids(db, "ties", "--limit", "1")[0]
    explained = run(db, "ties", "--explain", f"#{strongest['id']}")
    assert "tie, strength" in explained and "Dunbar layer" in explained
    pairs = run(db, "ties", "--all", "--limit", "3")
    assert "as seen by you" in pairs
    whole = runner.invoke(app, ["--db", str(db), "ties", "--all", "--limit", "3"])
    assert whole.exit_code == 0 and "as seen by the operator" in whole.output
    assert "whole database" in whole.stderr
    assert "Label saved." in run(db, "ties", "label", f"#{strongest['id']}", "strong")
    assert "at least 12 labelled ties" in run(db, "ties", "calibrate", code=2)
    assert "Back to the default model." in run(db, "ties", "calibrate", "--forget")
    assert "Inferred:" in run(db, "ties", "infer")
    page = tmp_path / "report.html"
    assert "Ties by strength" in run(db, "report", "--no-remember")
    written = run(db, "report", "--html", str(page), "--no-remember")
    assert "Written:" in written and "Ties by strength" not in written
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_opportunities_asks_and_etiquette(demo):
    db, output = demo
    org = re.search(r"Looking at (.+?) —", output).group(1)  # the story's organisation
    intro = run(db, "intro", "--to", org)
    assert "Best introductions" in intro and "Draft a request: weakties draft" in intro
    broker, target = re.search(r'weakties draft "(#\d+)" --for "(#\d+)"', intro).groups()
    drafted = run(db, "draft", broker, "--for", target)
    assert "How you know" in drafted and "Record it when you send it" in drafted
    assert "Who can introduce you at" in run(db, "reach", "--org", org)
    assert "reached warmly" in run(db, "reach", "--top", "3")
    assert "People you may know" in run(db, "suggest", "--top", "3")
    everyone = runner.invoke(app, ["--db", str(db), "suggest", "--all", "--top", "1"])
    assert everyone.exit_code == 0 and json.loads(everyone.stdout)
    assert "Watching:" in run(db, "opportunities")
    assert "Your targets" in run(db, "target") and org in run(db, "target")
    assert "Added target" in run(db, "target", "add", f"person:{target}")
    assert "Removed." in run(db, "target", "remove", f"person:{target}")
    asked = run(db, "ask", broker, "--for", target)
    assert "recorded" in asked and "asks outcome" in asked
    again = run(db, "ask", broker, "--for", target, code=5)
    assert "already asked" in again
    assert "Your asks" in run(db, "asks")
    number = ids(db, "asks")[0]["id"]
    assert "declined" in run(db, "asks", "outcome", str(number), "declined")
    assert "Marked" in run(db, "do-not-ask", target)
    assert "lifted" in run(db, "do-not-ask", target, "--lift")
    assert "asks_per_week" in run(db, "etiquette")
    assert "asks_per_week = 3" in run(db, "etiquette", "set", "asks_per_week", "3")


def test_administration(demo):
    db, _ = demo
    assert "Members" in run(db, "members")
    assert "Imports" in run(db, "imports")
    assert "Possible duplicates" in run(db, "matches")
    assert "Organisations" in run(db, "orgs", "--limit", "3")
    assert "Possible duplicates" in run(db, "orgs", "suggest-merges", "--threshold", "95")
    assert "revision" in run(db, "db", "info")
    assert "at revision" in run(db, "db", "upgrade")
    assert "now shares: counts" in run(db, "members", "sharing", "alex", "counts")
    several = runner.invoke(app, ["--db", str(db), "people"])
    assert several.exit_code == 4 and "--as NAME" in several.output
    assert "you" in several.output and "alex" in several.output
