"""The terminal report says why where it has no figure: the Dunbar layers of a
member in touch only with people who are not their connections, and the second
and third degree of one person's export, which holds none of their contacts'
ties — "not known", as the Reach section says, never 0."""

import html
import io

import pytest
from rich.console import Console

from tests.support import MESSAGES_2024, connections, csv_text, profile, url, write_files
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.records import to_json
from weakties.report.html import render_html
from weakties.report.text import print_report
from weakties.service import transaction, viewer
from weakties.service.report import network_report
from weakties.store.engine import open_store


def _message(conversation, sender, to, when):
    return [conversation, "", sender[0], url(sender[1]), to[0], url(to[1]),
            f"{when} 10:00:00 UTC", "", "", "INBOX", "No", "No"]  # fmt: skip


ME, ZOE = ("Yan Member", "yan"), ("Zoe Stranger", "zoe-stranger")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """One export: a connection never written to, and a stranger written to twice."""
    tmp = tmp_path_factory.mktemp("why")
    folder = write_files(
        tmp / "Complete_LinkedInDataExport_06-01-2024",
        {
            "Profile.csv": profile("Yan", "Member"),
            "Connections.csv": connections(
                [["Cy", "Never", url("cy-never"), "", "Hooli", "Analyst", "01 Jan 2021"]]
            ),
            "messages.csv": csv_text(
                MESSAGES_2024,
                [_message("z1", ME, ZOE, "2024-05-20"), _message("z1", ZOE, ME, "2024-05-21")],
            ),
        },
    )
    store = open_store(tmp / "why.sqlite")
    try:
        import_linkedin(store, [folder], "yan")
        with transaction(store) as conn:
            yield to_json(network_report(conn, viewer(conn, "yan"), remember=False))
    finally:
        store.close()


def _text(report):
    out = io.StringIO()
    print_report(report, Console(file=out, width=400, color_system=None))
    return out.getvalue()


def test_no_layer_says_why(report):
    classes = report["classes"]
    # in touch with someone (so the classes section has figures), in no layer
    assert classes["missing"] is None and classes["counts"]["weak"] == 1
    assert classes["layers"] == []
    why = classes["layers_missing"]
    assert why.startswith("not enough data: ") and "not among your connections" in why
    assert "weakties import" in why
    text = " ".join(_text(report).split())
    assert "Dunbar layers: " + why in text
    assert html.escape(why) in render_html(report)


def test_the_headline_does_not_count_degrees_it_cannot_know(report):
    assert report["reach"]["missing"].startswith("not enough data: ")
    headline = next(x for x in _text(report).splitlines() if "second degree" in x)
    assert "second degree not known" in headline and "third degree not known" in headline
    assert "strong 0" in headline  # the figures that are known are still shown
    page = render_html(report)
    assert page.count('class="unknown">not known<') == 2


def test_layers_and_degrees_are_shown_when_known(report):
    known = {
        **report,
        "classes": {
            **report["classes"],
            "layers": [{"layer": 50, "ties": 1, "median_contacts_last_year": 2.0}],
            "layers_missing": None,
        },
        "reach": {**report["reach"], "missing": None},
    }
    text = _text(known)
    assert "Dunbar layers" in text and "not enough data: the layers" not in text
    assert "second degree 0" in text and "not known" not in text
