import pytest

from weakties.model.orgnames import org_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Trinity Industries, Inc.", "TRINITY INDUSTRIES INC"),
        ("Acme, LLC", "ACME L.L.C."),
        ("Dupont SAS", "Dupont S.A.S."),
        ("Dupont SARL", "dupont"),
        ("Widgets Pty. Ltd.", "Widgets"),
        ("Siemens AG", "Siemens"),
        ("Procter & Gamble Co.", "Procter and Gamble"),
        ("Société Générale S.A.", "Societe Generale"),
        ("The Joint Staff", "Joint Staff"),
        ("Volkswagen GmbH & Co. KG", "Volkswagen"),
    ],
)
def test_same_normal_form(a, b):
    assert org_key(a) == org_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Accenture", "Accenture Federal Services"),
        ("Syracuse University", "iConsult Collaborative at Syracuse University"),
        ("AT&T", "ATT"),
    ],
)
def test_different_organisations_stay_apart(a, b):
    assert org_key(a) != org_key(b)


def test_degenerate_names_are_kept():
    assert org_key("SA") == "sa"
    assert org_key("The Company") == "company"
    assert org_key("") == ""
    assert org_key("  ") == ""
