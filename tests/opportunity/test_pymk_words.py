"""The ranker's reasons count in words that agree with the number."""

import pytest

from weakties.opportunity.pymk_model import describe


@pytest.mark.parametrize(
    ("name", "n", "text"),
    [
        ("degree", 1, "in touch with 1 person"),
        ("degree", 1200, "in touch with 1,200 people"),
        ("active", 1, "active: 1 contact in the last month"),
        ("active", 3, "active: 3 contacts in the last month"),
        ("cn", 1, "1 mutual contact"),
        ("cn", 2, "2 mutual contacts"),
    ],
)
def test_counts_agree_with_their_words(name, n, text):
    assert describe(name, {name: n, "cn": n}) == text


def test_the_pages_read_the_words_back():
    from weakties.web.pymk_reasons import _FORMS

    forms = dict(_FORMS)
    for name, n in (("degree", 1), ("degree", 1200), ("active", 1), ("cn", 1)):
        text = describe(name, {name: n, "cn": n})
        key = {"cn": "mutual"}.get(name, name)
        found = forms[key].fullmatch(text)
        assert found and int(found["n"].replace(",", "")) == n, text
