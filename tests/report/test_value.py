"""The network value report on a synthetic world: consistent numbers, every section."""

import datetime as dt
import io
from collections import Counter

import pytest
from rich.console import Console

from tests.support import viewer_of
from weakties.demo import build_demo
from weakties.records import to_json
from weakties.report.text import print_report
from weakties.report.value import _entropy
from weakties.service.context import reader
from weakties.service.report import network_report as service_report
from weakties.ties.strength import score_ties


def network_report(conn, as_of, remember=False):
    """The member's report (JSON form) as of a date."""
    return to_json(service_report(conn, viewer_of(conn, "you", as_of=as_of), remember=remember))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store, result = build_demo(tmp_path_factory.mktemp("demo") / "d.sqlite", n_people=800, seed=3)
    as_of = dt.datetime.combine(result.world.end, dt.time()) + dt.timedelta(days=1)
    return store, as_of


def test_sections_agree_with_the_underlying_queries(demo):
    store, as_of = demo
    with store.engine.begin() as conn:
        me = viewer_of(conn, "you")
        report = network_report(conn, as_of)
        scores = score_ties(reader(conn, me), as_of=as_of)
        named, counted = reader(conn, me).degrees()
    counts = report["classes"]["counts"]
    assert sum(counts.values()) == len(scores)
    assert counts["strong"] == int((scores.classes == "strong").sum())
    # layers hold the connections one is in touch with: no dormant or nominal tie
    assert sum(layer["ties"] for layer in report["classes"]["layers"]) == int(
        (scores.layer > 0).sum()
    )
    assert set(scores.classes[scores.layer > 0]) <= {"strong", "weak"}
    declared = report["reach"]["declared"]
    assert declared["first_degree"] == sum(1 for d in named.values() if d == 1)
    assert declared["second_degree"] == sum(1 for d in named.values() if d == 2)
    assert report["reach"]["second_degree_counted_only"] == counted
    assert report["reach"]["with_inferred"]["second_degree"] >= 0
    b = report["brokerage"]
    assert 0 < b["constraint"] <= 1 and 0 < b["efficiency"] <= 1
    assert b["effective_size"] <= declared["first_degree"]
    dormant = report["dormant"]["worth_reconnecting"]
    assert [d["contacts"] for d in dormant] == sorted(
        (d["contacts"] for d in dormant), reverse=True
    )
    assert all(d["years_since"] >= 3 for d in dormant)
    circles = report["circles"]["circles"]
    assert circles and sum(c["size"] for c in circles) <= declared["first_degree"]
    for key in ("basis",):
        for section in (
            "classes",
            "reach",
            "diversity",
            "brokerage",
            "circles",
            "dormant",
            "decaying",
            "reciprocity",
        ):
            assert report[section][key], section


def test_change_since_the_previous_report(demo):
    store, as_of = demo
    with store.engine.begin() as conn:
        first = network_report(conn, as_of - dt.timedelta(days=400), remember=True)
        second = network_report(conn, as_of)
    assert second["change"]["since"] == first["as_of"]
    deltas = second["change"]["deltas"]
    assert deltas["ties"] == second["headline"]["ties"] - first["headline"]["ties"]


def test_entropy():
    assert _entropy(Counter({"a": 2, "b": 2})) == {
        "distinct": 2,
        "entropy_bits": 1.0,
        "evenness": 1.0,
        "top": [{"name": "a", "people": 2}, {"name": "b", "people": 2}],
    }
    assert _entropy(Counter())["distinct"] == 0


def test_text_rendering(demo):
    store, as_of = demo
    with store.engine.begin() as conn:
        report = service_report(conn, viewer_of(conn, "you", as_of=as_of), remember=False)
    out = io.StringIO()
    print_report(report, Console(file=out, width=120))
    text = out.getvalue()
    for heading in (
        "Ties by strength",
        "Dunbar layers",
        "Reach",
        "Diversity",
        "Brokerage",
        "Reciprocity",
    ):
        assert heading in text
    assert "computed from:" in text


def test_a_report_at_an_earlier_date_never_replaces_a_later_baseline(demo):
    store, as_of = demo
    with store.engine.begin() as conn:
        network_report(conn, as_of, remember=True)
        earlier = network_report(conn, as_of - dt.timedelta(days=400), remember=True)
        again = network_report(conn, as_of + dt.timedelta(days=1))
    assert earlier["change"] is None  # nothing remembered from before its date
    assert again["change"]["since"] == as_of.date().isoformat()
    # the network as it stood: fewer ties 400 days earlier
    assert (
        earlier["reach"]["declared"]["first_degree"] <= again["reach"]["declared"]["first_degree"]
    )


def test_the_json_report_follows_its_documented_schema(demo):
    import json
    from pathlib import Path

    import jsonschema

    from weakties.report.schema import json_schema

    committed = Path(__file__).resolve().parents[2] / "docs" / "report-schema.json"
    schema = json.loads(committed.read_text(encoding="utf-8"))
    assert schema == json_schema(), "regenerate: python -m weakties.report.schema"
    store, as_of = demo
    with store.engine.begin() as conn:
        report = network_report(conn, as_of)
    assert report["schema_version"] == 1
    jsonschema.validate(report, schema)
    broken = dict(report, classes={**report["classes"], "counts": "many"})
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_the_headline_alone_is_the_reports(demo):
    """What the month's change compares with: the headline of the network as it
    stood a month before, computed without the report's lists, is the report's."""
    from weakties.report.value import network_headline

    store, as_of = demo
    before = as_of - dt.timedelta(days=30)
    with store.engine.begin() as conn:
        r = reader(conn, viewer_of(conn, "you", as_of=before))
        alone = network_headline(r, as_of=before)
        whole = network_report(conn, before)
    assert alone == whole["headline"] and alone["ties"] > 0


def test_every_listed_tie_says_how_its_score_adds_up(demo):
    import math

    store, as_of = demo
    with store.engine.begin() as conn:
        report = network_report(conn, as_of)
    listed = [
        *(c["strongest_tie"] for c in report["circles"]["circles"]),
        *report["circles"]["only_way_in"]["brokers"],
        *report["dormant"]["worth_reconnecting"],
        *report["decaying"]["ties"],
    ]
    whys = [x["why"] for x in listed if x["why"]]
    whys += [x["why_a_year_ago"] for x in report["decaying"]["ties"]]
    assert len(whys) >= 10
    for why in whys:
        total = why["base"] + sum(p["push"] for p in why["parts"])
        assert math.isclose(total, why["log_odds"], abs_tol=1e-9)
        assert abs(1 / (1 + math.exp(-why["log_odds"])) - why["score"]) < 0.005
    # the listed score is the one that adds up
    for c in report["circles"]["circles"]:
        assert c["strongest_tie"]["why"]["score"] == c["strongest_tie"]["score"]
