"""Every report section on a single small real export: a meaningful figure, or
"not enough data: <what is missing, how to get it>" — in the JSON, the terminal
and the page; no verdict from missing data, no circle of one, no "computed from"
without its heading."""

import io
import re

import pytest
from rich.console import Console

from tests.support import viewer_of
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.records import to_json
from weakties.report.html import render_html
from weakties.report.text import print_report
from weakties.service.report import network_report

SECTIONS = {
    "classes": "Ties by strength",
    "reach": "Reach",
    "diversity": "Diversity",
    "brokerage": "Brokerage (Burt)",
    "circles": "Your circles",
    "dormant": "Dormant ties worth reconnecting",
    "decaying": "Decaying ties",
    "reciprocity": "Reciprocity",
}
HOW = re.compile(r"weakties |export|import", re.IGNORECASE)


def _report(store, samples, folder):
    import_linkedin(store, samples / folder, "me")
    with store.engine.begin() as conn:
        return to_json(network_report(conn, viewer_of(conn, "me"), remember=False))


def _check_section(key, section):
    assert section["needs"], key
    missing = section["missing"]
    if missing is not None:
        assert missing.startswith("not enough data: ") and HOW.search(missing), (key, missing)
        return False
    return True


@pytest.mark.shared_data
@pytest.mark.parametrize("folder", ["export-2022-09", "export-2024-12"])
def test_each_section_has_a_figure_or_says_what_is_missing(store, samples, folder):
    report = _report(store, samples, folder)
    shown = {key: _check_section(key, report[key]) for key in SECTIONS}
    first = report["reach"]["declared"]["first_degree"]
    # one person's export: their contacts, not whom the contacts know
    assert report["reach"]["declared"]["second_degree"] == 0
    assert not shown["reach"] and not shown["brokerage"] and not shown["circles"]
    b = report["brokerage"]
    assert b["constraint"] is None and b["efficiency"] is None  # no verdict without ties
    assert report["circles"]["circles"] == []
    # LinkedIn's connections list has companies, not industries or locations
    div = report["diversity"]
    for key in ("industries", "locations"):
        assert div[key]["missing"] and div["known"][key] < first / 2, key
    if shown["diversity"] and div["known"]["organisations"] >= first / 2:
        assert div["organisations"]["missing"] is None
    # a section that shows figures shows meaningful ones
    if shown["classes"]:
        assert sum(report["classes"]["counts"][k] for k in ("strong", "weak", "dormant"))
    if shown["reciprocity"]:
        r = report["reciprocity"]
        assert r["given"] or r["received"]


@pytest.mark.shared_data
def test_terminal_and_page_say_it_too(store, samples):
    report = _report(store, samples, "export-2022-09")
    out = io.StringIO()
    print_report(report, Console(file=out, width=300, color_system=None))
    text = out.getvalue()
    assert "not enough data" in text
    page = render_html(report)
    titles = list(SECTIONS.values())
    for key, title in SECTIONS.items():
        section = report[key]
        assert title in text, key
        block = " ".join(_block(text, title, titles).split())
        if section["missing"]:
            assert section["missing"] in block, key
            assert "computed from" not in block, key  # no basis for figures not shown
            assert section["missing"].replace("'", "&#x27;") in page, key
        else:
            assert "computed from: " + section["basis"][:40] in block, key
    # no verdict, no circle of one, no evenness of 2 people
    assert "you broker between circles" not in text and "constraint" not in _block(
        text, "Brokerage (Burt)", titles
    )
    assert "evenness" not in _line(text, "industries")
    # every "computed from" belongs to a section shown with its heading
    assert text.count("computed from:") == sum(1 for k in SECTIONS if not report[k]["missing"])


def _block(text, title, titles):
    start = text.index(title)
    ends = [text.find(t, start + len(title)) for t in titles if t != title]
    ends = [e for e in ends if e > start]
    return text[start : min(ends) if ends else len(text)]


def _line(text, word):
    return next(x for x in text.splitlines() if x.strip().startswith(word))
