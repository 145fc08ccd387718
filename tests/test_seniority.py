"""Seniority rungs of job titles, English and French."""

import pytest

from weakties.model.seniority import seniority


@pytest.mark.parametrize(
    ("title", "rung"),
    [
        ("Software Engineering Intern", 0),
        ("Stagiaire marketing", 0),
        ("Junior Data Analyst", 1),
        ("Analyste junior", 1),
        ("Data Analyst", 2),
        ("Chargée de clientèle", 2),
        ("Senior Data Analyst", 3),
        ("Ingénieur confirmé", 3),
        ("Lead Developer", 4),
        ("Senior Engineering Manager", 4),
        ("Responsable d'équipe support", 4),
        ("Head of Marketing", 5),
        ("Responsable Marketing", 5),
        ("Directrice commerciale", 5),
        ("VP Engineering", 6),
        ("Co-founder & CEO", 6),
        ("Fondatrice", 6),
        ("Directeur général", 6),
    ],
)
def test_rungs(title, rung):
    assert seniority(title) == rung


def test_no_title():
    assert seniority(None) is None and seniority("  ") is None
