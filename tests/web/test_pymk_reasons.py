"""Every reason the fitted people-you-may-know ranker words
(:func:`weakties.opportunity.pymk_model.describe`) reads back into its facts, so
the page can word it in the member's language; Katz's and the batch's lines do not."""

from __future__ import annotations

import pytest

from weakties.opportunity.pymk_model import PYMK_FEATURES, describe
from weakties.web.pymk_reasons import RankerReason, ranker_reasons

RAW = {"cn": 3.0, "active": 1.0, "new": 2.0, "idle": 75.0, "degree": 1.0, "age": 20.0}
EXPECTED = {
    "cn": RankerReason("mutual", 3),
    "jaccard": RankerReason("mutual", 3),
    "adamic_adar": RankerReason("mutual", 3),
    "resource_allocation": RankerReason("mutual", 3),
    "katz": RankerReason("paths"),
    "places": RankerReason("places"),
    "active": RankerReason("active", 1),
    "new": RankerReason("new", 2),
    "idle": RankerReason("idle", 2 * 30.4 + 0.5),
    "degree": RankerReason("degree", 1),
    "age": RankerReason("new_here"),
}


@pytest.mark.parametrize("feature", sorted(PYMK_FEATURES))
def test_every_feature_reads_back(feature):
    text = describe(feature, RAW)
    assert text is not None
    assert ranker_reasons(text) == [EXPECTED[feature]]


def test_a_line_of_several_reasons_keeps_their_order():
    line = "; ".join(describe(f, RAW) or "" for f in ("degree", "idle", "cn"))
    assert [r.key for r in ranker_reasons(line) or []] == ["degree", "idle", "mutual"]
    assert ranker_reasons(describe("idle", {**RAW, "idle": 0.2}) or "") == [
        RankerReason("idle", 0.5)
    ]
    assert ranker_reasons("the fitted ranker's pick") == []


@pytest.mark.parametrize(
    "line",
    [
        "2 mutual contacts (Ann Roy, Bo Kim); also at Acme",
        "three steps away through your contacts' contacts",
        "shared places, or three steps away through your contacts' contacts",
    ],
)
def test_other_rankers_lines_are_not_the_fitted_rankers(line):
    assert ranker_reasons(line) is None
