"""The HTML network value report: well-formed, complete, escaped, offline, proportional."""

from __future__ import annotations

import copy
import html
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from weakties.report.html import render_html

HEADINGS = [
    "Tie classes",
    "Dunbar layers",
    "Reach",
    "Diversity",
    "Brokerage",
    "Circles",
    "Dormant ties worth reconnecting",
    "Decaying ties",
    "Reciprocity",
]
VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr"}


def sample() -> dict[str, Any]:
    """A reduced copy of a real report."""
    return {
        "member": "you",
        "as_of": "2024-12-02",
        "model": "default",
        "classes": {
            "basis": "every tie of yours and everyone you were in touch with, scored as of then",
            "counts": {"strong": 18, "weak": 126, "dormant": 22, "nominal": 95},
            "layers": [
                {"layer": 5, "ties": 5, "median_contacts_last_year": 17.0},
                {"layer": 15, "ties": 10, "median_contacts_last_year": 6.5},
                {"layer": 150, "ties": 100, "median_contacts_last_year": 1.0},
            ],
            "layers_caveat": "Dunbar's layers are filled by rank of tie strength: they prove "
            "nothing — a ratio near 3 between layers also appears in random data.",
        },
        "reach": {
            "declared": {"first_degree": 259, "second_degree": 273, "third_degree": 0},
            "with_inferred": {"first_degree": 259, "second_degree": 1273, "third_degree": 40},
            "basis": "declared: your connections; with_inferred: adds inferred ties",
            "second_degree_counted_only": 7,
        },
        "diversity": {
            "basis": "current employer, industry and location of your first degree, where known",
            "known": {"organisations": 234, "industries": 2, "locations": 2, "of": 259},
            "organisations": {
                "distinct": 86,
                "entropy_bits": 5.815,
                "evenness": 0.905,
                "top": [
                    {"name": "Pearson Agency", "people": 36},
                    {"name": "Gentry & Associates Corporation", "people": 9},
                ],
            },
            "industries": {
                "distinct": 2,
                "entropy_bits": 1.0,
                "evenness": 1.0,
                "top": [{"name": "Software Development", "people": 1}],
            },
            "locations": {
                "distinct": 2,
                "entropy_bits": 1.0,
                "evenness": 1.0,
                "top": [{"name": "Paris, Île-de-France, France", "people": 1}],
            },
        },
        "brokerage": {
            "basis": "Burt's measures on your ego network",
            "constraint": 0.0128,
            "effective_size": 251.8726,
            "efficiency": 0.9725,
            "hierarchy": 0.1545,
            "reading": "low constraint and high efficiency: you broker between circles",
        },
        "circles": {
            "basis": "Leiden communities of your contacts",
            "circles": [
                {
                    "size": 51,
                    "organisations": ["Muller S.A.", "Castro Technologies"],
                    "strongest_tie": {"id": 223, "name": "Renée Maréchal", "score": 0.811},
                },
                {
                    "size": 36,
                    "organisations": ["Pearson Agency"],
                    "strongest_tie": {"id": 213, "name": "Stacey Wilson", "score": 0.736},
                },
            ],
            "only_way_in": {
                "basis": "second-degree people you reach through one contact only",
                "people": 263,
                "brokers": [
                    {"id": 184, "name": "Martin Berthelot", "people": 212, "strength": 0.0}
                ],
            },
        },
        "dormant": {
            "basis": "no contact for three years or more, formerly regular",
            "count": 22,
            "worth_reconnecting": [
                {
                    "id": 191,
                    "name": "Jonathan Freeman",
                    "contacts": 179,
                    "years_since": 4.9,
                    "months_active": 41,
                }
            ],
        },
        "decaying": {
            "basis": "ties that were strong a year ago and lost more than 0.15 of strength since",
            "count": 1,
            "ties": [{"id": 176, "name": "Laurent Lenoir", "a_year_ago": 0.636, "now": 0.024}],
        },
        "reciprocity": {
            "basis": "endorsements (1), recommendations and introductions (3 each), both ways",
            "given": {"endorsement": 55},
            "received": {"endorsement": 64, "introduction": 1},
            "balance": -9,
            "you_owe": [{"id": 28, "name": "Matthew Stevens", "balance": 4}],
            "owe_you": [{"id": 62, "name": "George Rios", "balance": 4}],
        },
        "headline": {
            "ties": 261,
            "strong": 18,
            "weak": 126,
            "dormant": 22,
            "nominal": 95,
            "second_degree": 273,
            "third_degree": 0,
            "constraint": 0.0128,
            "organisations": 86,
            "connections": 237,
            "address_book": 22,
            "only_messaged": 2,
            "invitations": 0,
            "others": 0,
        },
    }


def empty() -> dict[str, Any]:
    """Every section present, with empty lists and null numbers."""
    nothing: dict[str, Any] = {"distinct": 0, "entropy_bits": None, "evenness": None, "top": []}
    return {
        "member": "nobody",
        "as_of": "2024-12-02",
        "model": "default",
        "classes": {"basis": "b", "counts": {}, "layers": [], "layers_caveat": ""},
        "reach": {"declared": {}, "with_inferred": {}, "basis": "b"},
        "diversity": {
            "basis": "b",
            "known": {"of": 0},
            "organisations": nothing,
            "industries": nothing,
            "locations": nothing,
        },
        "brokerage": {
            "basis": "b",
            "constraint": None,
            "effective_size": None,
            "efficiency": float("nan"),
            "hierarchy": None,
            "reading": "r",
        },
        "circles": {
            "basis": "b",
            "circles": [{"size": None, "organisations": [], "strongest_tie": {"name": None}}],
            "only_way_in": {"basis": "b", "people": 0, "brokers": []},
        },
        "dormant": {"basis": "b", "count": 0, "worth_reconnecting": []},
        "decaying": {"basis": "b", "count": None, "ties": [{"name": "x", "now": None}]},
        "reciprocity": {
            "basis": "b",
            "given": {},
            "received": {},
            "balance": None,
            "you_owe": [],
            "owe_you": [],
        },
        "headline": dict.fromkeys(["ties", "strong", "constraint"]),
        "change": {"since": None, "deltas": {"ties": None}},
    }


class Page(HTMLParser):
    """Checks that every non-void tag closes in order; collects headings and rects."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.headings: list[str] = []
        self.rects: dict[str, list[float]] = {}
        self.section = ""
        self.in_h2 = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "section":
            self.section = attr.get("id") or ""
        if tag == "rect":
            self.rects.setdefault(self.section, []).append(float(attr["width"] or "nan"))
        if tag == "h2":
            self.in_h2 = True
            self.headings.append("")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "rect":
            self.rects.setdefault(self.section, []).append(float(dict(attrs)["width"] or "nan"))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
            return
        self.stack.pop()
        if tag == "h2":
            self.in_h2 = False

    def handle_data(self, data: str) -> None:
        if self.in_h2:
            self.headings[-1] += data


def test_page_is_well_formed() -> None:
    text = render_html(sample())
    page = Page(text)
    assert text.startswith("<!DOCTYPE html>")
    assert page.errors == []
    assert page.stack == []
    for tag in ("<html", "<head>", "<body>", "<main>", "</main>", "</html>"):
        assert text.count(tag) == 1


def test_every_section_heading_in_order() -> None:
    text = render_html(sample())
    assert Page(text).headings == HEADINGS
    assert "Network value report — you, as of 2024-12-02</h1>" in text
    assert "<h3>Only way in</h3>" in text


def test_basis_and_caveat_are_shown() -> None:
    report = sample()
    text = render_html(report)
    for key in ("classes", "reach", "diversity", "brokerage", "circles", "dormant"):
        assert f"Computed from: {html.escape(report[key]['basis'])}</p>" in text
    assert html.escape(report["classes"]["layers_caveat"]) in text
    assert html.escape(report["brokerage"]["reading"]) in text


def test_strings_from_the_data_are_escaped() -> None:
    report = sample()
    report["member"] = "Ann <script>alert(1)</script> & Co"
    report["circles"]["circles"][0]["strongest_tie"]["name"] = "<script>x()</script>"
    report["circles"]["circles"][0]["organisations"] = ["<b>Org</b> & Sons"]
    report["diversity"]["organisations"]["top"][0]["name"] = '"><script>y()</script>'
    report["reciprocity"]["you_owe"][0]["name"] = "<img src=x onerror=z()>"
    text = render_html(report)
    assert "<script" not in text.lower()
    assert "<img" not in text and "<b>" not in text
    assert "Ann &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in text
    assert "&lt;b&gt;Org&lt;/b&gt; &amp; Sons" in text
    assert Page(text).errors == []


def test_counts_appear_as_formatted_numbers() -> None:
    report = sample()
    report["classes"]["counts"]["weak"] = 12345
    text = render_html(report)
    classes = text.split('<section id="classes">')[1].split("</section>")[0]
    for shown in ("18", "12,345", "22", "95"):
        assert f">{shown}</text>" in classes
    assert ">1,273</td>" in text  # reach with inferred ties
    assert ">0.0128<" in text  # constraint, four decimals
    assert ">251.9<" in text  # effective size, one decimal
    assert "−9" in text  # reciprocity balance with a true minus sign


def test_empty_sections_and_null_numbers_render() -> None:
    text = render_html(empty())
    page = Page(text)
    assert page.errors == [] and page.stack == []
    assert page.headings == HEADINGS
    assert "None" not in text.replace("None.</p>", "")
    assert not re.search(r"\bnan\b", text, re.IGNORECASE)
    assert "—" in text
    assert "(no name)" in text
    assert all(w == 0 for w in page.rects.get("classes", []))


def test_missing_sections_render() -> None:
    text = render_html({})
    assert Page(text).headings == HEADINGS


def test_no_external_resource() -> None:
    text = render_html(sample())
    for needle in ("http://", "https://", "//", "<script", "<link", "@import", "url(", "src="):
        assert needle not in text.lower(), needle
    assert not re.search(r"href\s*=", text)


def test_class_bars_are_proportional() -> None:
    report = sample()
    text = render_html(report)
    widths = Page(text).rects["classes"]
    counts = [report["classes"]["counts"][k] for k in ("strong", "weak", "dormant", "nominal")]
    assert len(widths) == len(counts)
    assert max(widths) > 100
    for w, n in zip(widths, counts, strict=True):
        assert w / max(widths) == pytest.approx(n / max(counts), abs=1e-3)


def test_charts_are_accessible() -> None:
    text = render_html(sample())
    svgs = re.findall(r"<svg[^>]*>(?:<title>[^<]+</title>)?", text)
    assert len(svgs) == 4  # classes, layers, reach, organisations
    for svg in svgs:
        assert 'role="img"' in svg and "viewBox=" in svg and "<title>" in svg


def test_change_since_previous_report() -> None:
    report = sample()
    assert 'class="delta' not in render_html(report)
    report = copy.deepcopy(report)
    report["change"] = {
        "since": "2024-11-01",
        "deltas": {"connections": 12, "strong": -2, "constraint": -0.0011, "third_degree": None},
    }
    text = render_html(report)
    assert "2024-11-01" in text
    assert '<span class="delta good">+12</span>' in text
    assert '<span class="delta bad">−2</span>' in text
    assert '<span class="delta good">−0.0011</span>' in text  # less constraint is better
    assert '<span class="delta flat">n/a</span>' in text


def test_the_note_on_the_date_is_rendered() -> None:
    note = "as of 2022-09-10, the day after your newest export (2022-09-09)"
    page = render_html({**sample(), "note": note})
    assert note in page
    assert 'class="note"' not in render_html({**sample(), "note": None})
