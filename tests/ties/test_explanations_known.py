"""``ties`` and ``ties --explain`` on pairs whose traces are known: the classes, the
scores' order and the reasons in words, with the default model (a short history)
and with the model fitted on the member's own history (a long one)."""

import datetime as dt
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from tests.support import MESSAGES_2024, connections, csv_text, profile, url, write_files
from weakties.cli.main import app
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.store.clock import set_clock

runner = CliRunner()
NOW = dt.datetime(2024, 6, 1, 12)


def message(i: int, frm: str, to: str, when: dt.datetime) -> list[str]:
    names = {"me": "Me Myself"}
    return [
        f"conv-{min(frm, to)}-{max(frm, to)}",
        "",
        names.get(frm, frm.title()),
        url(frm),
        names.get(to, to.title()),
        url(to),
        when.strftime("%Y-%m-%d %H:%M:%S UTC"),
        "",
        "",
        "INBOX",
        "No",
        "No",
    ]


def known_traces() -> list[list[str]]:
    rows = []
    # ann: every week for two years, both ways, the last 6 days ago
    for k in range(104):
        when = NOW - dt.timedelta(days=6 + 7 * k)
        rows.append(message(k, "ann" if k % 2 else "me", "me" if k % 2 else "ann", when))
    # bob: I wrote once, 400 days ago
    rows.append(message(0, "me", "bob", NOW - dt.timedelta(days=400)))
    # dee: every month for a year, until four years ago
    for k in range(12):
        rows.append(message(k, "dee", "me", NOW - dt.timedelta(days=4 * 365 + 30 * k)))
    return rows


CONTACTS = [
    ["Ann", "", url("ann"), "", "Acme", "CTO", "01 Jan 2020"],
    ["Bob", "", url("bob"), "", "Globex", "Dev", "01 Jan 2020"],
    ["Cy", "", url("cy"), "", "Initech", "Ops", "01 Jan 2020"],
    ["Dee", "", url("dee"), "", "Hooli", "PM", "01 Jan 2019"],
]


def export(tmp_path, extra_contacts=(), extra_messages=()):
    files = {
        "Profile.csv": profile("Me", "Myself"),
        "Connections.csv": connections([*CONTACTS, *extra_contacts]),
        "messages.csv": csv_text(MESSAGES_2024, [*known_traces(), *extra_messages]),
    }
    return write_files(tmp_path / "export", files)


def cli(db, *args):
    done = runner.invoke(app, ["--db", str(db), *args], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    return done.output


def load(store, db, path):
    import_linkedin(store, path, "me")
    with store.engine.begin() as conn:
        set_clock(conn, NOW)
    return {t["name"]: t for t in json.loads(cli(db, "ties", "--json"))}


def model_of(db) -> str:
    return json.loads(cli(db, "ties", "--explain", "Ann", "--json"))["model"]


def test_default_model_explains_known_ties(store, db_path, tmp_path):
    ties = load(store, db_path, export(tmp_path))
    assert model_of(db_path) == "default"
    assert ties["Ann"]["class"] == "strong"
    assert ties["Bob"]["class"] == "weak"
    assert ties["Cy"]["class"] == "nominal"
    assert ties["Dee"]["class"] == "dormant"
    assert ties["Ann"]["score"] > ties["Bob"]["score"] > ties["Cy"]["score"]
    ann = {r["feature"]: r["text"] for r in ties["Ann"]["reasons"]}
    assert ann["intensity"] == "52 contacts in the last year, 104 in all"
    assert ann["reciprocity"] == "both sides write"
    # connected on 1 January 2020, never in touch: that takes away, the years add
    assert [r["text"] for r in ties["Cy"]["reasons"]] == ["never in touch", "known for 4.4 years"]
    bob = json.loads(cli(db_path, "ties", "--explain", "Bob", "--json"))
    texts = {r["feature"]: r["text"] for r in bob["reasons"]}
    assert texts["recency"] == "last contact 13 months ago"
    assert texts["active_months"] == "in personal touch in 1 different month"
    assert texts["duration"] == "known for 4.4 years"
    # one message 400 days ago: little intensity left, and every part is shown
    pushes = {r["feature"]: r["push"] for r in bob["reasons"]}
    assert abs(pushes["intensity"]) < pushes["duration"]
    assert bob["base"] + sum(pushes.values()) == pytest.approx(bob["log_odds"], abs=1e-9)
    assert bob["features"]["contacts"] == 1
    # the text form says the same
    plain = cli(db_path, "ties", "--explain", "Ann")
    assert "strong tie" in plain and "last contact 6 days ago" in plain
    assert "both sides write" in plain
    # which model scored, and why: too short a history to fit, no calibration
    assert "model: default" in plain
    assert "why this model: the documented priors: " in plain
    assert bob["model_because"].startswith("the documented priors")
    assert "why this model: the documented priors: " in cli(db_path, "ties")


def fillers(rng):
    """Three hundred other contacts writing at their own steady rates over two years:
    a history long enough to fit on."""
    contacts, messages = [], []
    for i in range(300):
        slug = f"f{i}"
        contacts.append([f"F{i}", "", url(slug), "", "Co", "Dev", "01 Jan 2021"])
        rate = float(np.exp(rng.normal(np.log(1 / 45), 1.0)))
        t = 0.0
        while True:
            t += rng.exponential(1 / rate)
            if t > 730:
                break
            when = NOW - dt.timedelta(days=730 - t)
            mine = rng.random() < 0.5
            messages.append(message(0, "me" if mine else slug, slug if mine else "me", when))
    return contacts, messages


@pytest.mark.slow
def test_learned_model_explains_known_ties(store, db_path, tmp_path):
    contacts, messages = fillers(np.random.default_rng(4))
    ties = load(store, db_path, export(tmp_path, contacts, messages))
    model = model_of(db_path)
    assert model.startswith("learned from the history to 2024-06-01")
    assert ties["Ann"]["class"] == "strong"
    assert ties["Bob"]["class"] == "weak"
    assert ties["Cy"]["class"] == "nominal"  # never in touch: a rule, not a score
    assert ties["Dee"]["class"] == "dormant"
    # a score is a chance of contact within 30 days: weekly contact, nearly sure
    assert ties["Ann"]["score"] > 0.8
    assert ties["Bob"]["score"] < 0.25  # silent 400 days: little chance
    ann = json.loads(cli(db_path, "ties", "--explain", "Ann", "--json"))
    reasons = {r["feature"]: r for r in ann["reasons"]}
    # weekly contact is what decides: the most recent windows, the regularity, both sides
    assert ann["reasons"][0]["feature"] == "intensity"
    assert reasons["intensity"]["push"] > 1
    assert reasons["intensity"]["text"] == (
        "4 contacts in the last month, 52 in the last year, 104 in all"
    )
    assert reasons["regularity"]["text"] == "in touch in 52 of the last 52 weeks"
    assert reasons["reciprocity"]["text"] == "both sides write"
    assert ann["features"]["days_since"] == pytest.approx(6.0, abs=0.6)
    assert ann["features"]["n30"] == 4
    bob = json.loads(cli(db_path, "ties", "--explain", "Bob", "--json"))
    why_not = {r["feature"]: r for r in bob["reasons"]}
    assert why_not["intensity"]["push"] < -1
    assert (
        why_not["intensity"]["text"] == "0 contacts in the last month, 0 in the last year, 1 in all"
    )
    assert why_not["reciprocity"]["text"] == "only one side writes"
    # kept with the member: the text listing names the same fit
    assert f"model: {model}" in " ".join(cli(db_path, "ties").split())
