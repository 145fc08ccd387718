"""The ties a report lists say how their score adds up — the same parts as
``weakties ties --explain`` (one decomposition), numbers that add up, and a
known trace moves the part it should and no other."""

import json
import math

from tests.ties.test_explanations_known import NOW, cli, export
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.store.clock import set_clock


def _json(text):
    return json.loads(text[text.index("{") :])


def _adds_up(why):
    assert math.isclose(why["base"] + sum(p["push"] for p in why["parts"]), why["log_odds"],
                        abs_tol=1e-9)  # fmt: skip
    # the parts are rounded to hundredths: the score they give is the score, to that
    assert abs(1 / (1 + math.exp(-why["log_odds"])) - why["score"]) < 0.005
    assert all(p["text"] and p["push"] != 0 for p in why["parts"])


def _dee(db):
    report = _json(cli(db, "report", "--json", "--no-remember"))
    (dee,) = [d for d in report["dormant"]["worth_reconnecting"] if d["name"] == "Dee"]
    return dee


def test_a_listed_tie_adds_up_as_its_explanation_and_a_note_moves_its_notes_part(
    store, db_path, tmp_path
):
    db = db_path
    import_linkedin(store, export(tmp_path), "me")
    with store.engine.begin() as conn:
        set_clock(conn, NOW)
    dee = _dee(db)
    why = dee["why"]
    _adds_up(why)
    assert why["model"] == "default"
    # dormant for four years: the last contact weighs most, and against
    assert why["parts"][0]["feature"] == "recency" and why["parts"][0]["push"] < -4
    assert "last contact 4.0 years ago" == why["parts"][0]["text"]
    explained = _json(cli(db, "ties", "--explain", "Dee", "--json"))
    assert (explained["base"], explained["log_odds"]) == (why["base"], why["log_odds"])
    assert [(r["feature"], r["push"]) for r in explained["reasons"]] == [
        (p["feature"], p["push"]) for p in why["parts"]
    ]
    assert "notes" not in {p["feature"] for p in why["parts"]}

    cli(db, "note", "add", "Dee", "we met at a conference", "--date", "2024-05-01")
    after = _dee(db)["why"]
    _adds_up(after)
    parts = {p["feature"]: p["push"] for p in after["parts"]}
    # the default weight of notes (0.4) times log(1 + 1 note)
    assert parts.pop("notes") == round(0.4 * math.log(2), 2)
    assert parts == {p["feature"]: p["push"] for p in why["parts"]}
    assert after["log_odds"] > why["log_odds"]


def test_the_text_and_html_reports_show_the_parts(store, db_path, tmp_path):
    db = db_path
    import_linkedin(store, export(tmp_path), "me")
    with store.engine.begin() as conn:
        set_clock(conn, NOW)
    why = _dee(db)["why"]
    shown = cli(db, "report", "--no-remember")
    assert "how each score adds up" in shown
    line = next(x for x in shown.splitlines() if x.strip().startswith("Dee:"))
    assert why["parts"][0]["text"] in line and f"{why['base']:+.2f}".replace("-", "−") in line
    page = tmp_path / "r.html"
    cli(db, "report", "--no-remember", "--html", str(page))
    assert why["parts"][0]["text"] in page.read_text()
