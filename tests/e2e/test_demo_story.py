"""The demo's story, as a new user meets it: `weakties demo` on a fresh database
tells an introduction through a warm broker with a real alternative, a draft that
says something true, and commands that give the same answer when run."""

import json
import re
import shlex
import subprocess

import pytest

from tests.cli.test_cli import weakties_exe


def run(args, **kwargs):
    return subprocess.run(
        [*weakties_exe(), *args], capture_output=True, text=True, timeout=600, **kwargs
    )


@pytest.fixture(scope="module")
def told(tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    theirs = db.with_name("theirs.sqlite")  # a database of --db is never the demo's
    done = run(["demo", "--db-file", str(db)], env={**_wide(), "WEAKTIES_DB": str(theirs)})
    assert done.returncode == 0, done.stderr
    assert "not the one of --db" in done.stderr and not theirs.exists()
    return db, done.stdout


def _wide():
    import os

    return {**os.environ, "COLUMNS": "400"}


def _commands(text):
    line = next(x for x in text.splitlines() if " intro --as you --to " in x)
    return [shlex.split(part.strip()) for part in line.split(" · ")]


def test_the_story_goes_through_a_warm_broker_and_its_command_agrees(told):
    db, text = told
    story = text[text.index("Looking at ") :]
    best = re.search(r"best \(#(\d+)\) (.+?) — (strong|weak) tie", story)
    alternative = re.search(r"or \(#(\d+)\) (.+?) — (strong|weak|dormant|nominal) tie", story)
    assert best and (alternative or "or: nobody else" in story), story[:2000]
    assert best.group(1) == "1"  # the story tells intro's own first answer
    assert best.group(3) == "strong"  # the strongest suitable broker, never a nominal tie
    assert alternative is None or best.group(2) != alternative.group(2)
    # the draft opens with something true of the tie, not a formula
    draft = story[story.index("A draft to ") :].splitlines()
    opener = next(x.strip() for x in draft[2:] if x.strip() and not x.strip().startswith("Hi "))
    assert "I hope you are well" not in opener and opener, draft[:6]
    intro, ask, _feed = _commands(text)
    assert intro[0] == "weakties" and ask[0] == "weakties"
    answered = run([*intro[1:], "--json"])
    assert answered.returncode == 0, answered.stderr
    paths = json.loads(answered.stdout)["paths"]
    broker_id, target_id = (int(ask[ask.index(x) + 1].lstrip("#")) for x in ("you", "--for"))
    assert (paths[0]["broker"]["id"], paths[0]["target"]["id"]) == (broker_id, target_id)
    assert paths[0]["broker"]["name"] == best.group(2)
    assert paths[0]["broker"]["tie"] == "strong"
    # the alternative: another warm broker, nobody in the middle in common
    if alternative is not None:
        alt = paths[int(alternative.group(1)) - 1]
        assert alt["broker"]["name"] == alternative.group(2)
        assert alt["broker"]["id"] != paths[0]["broker"]["id"]
    # and no path goes on through the member's own contact: that is no introduction
    vias = {p["via"]["id"] for p in paths if p.get("via")}
    for via in sorted(vias)[:10]:
        degree = run(["--db", str(db), "degree", "--as", "you", f"#{via}", "--json"])
        assert degree.returncode == 0, degree.stderr
        assert json.loads(degree.stdout)["degree"] != 1, via
    # draft accepts the organisation: the person there the broker's best path reaches
    org = intro[intro.index("--to") + 1]
    drafted = run(
        ["--db", str(db), "draft", "--as", "you", f"#{broker_id}", "--for", org, "--json"]
    )
    assert drafted.returncode == 0, drafted.stderr
    assert json.loads(drafted.stdout)["context"]["target"]["id"] == target_id
