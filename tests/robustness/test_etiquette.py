"""Etiquette cannot be sidestepped by rejecting a proposal or by punctuation.

A member told "no" through one record of a person, who then rejects the
proposal that links it to the person's other record, is still refused through
the other record; a request made different only by hyphens, dots or blanks
(the braille blank U+2800) inside its words or for its spaces is the same
request.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.robustness.conftest import dump, run
from weakties.opportunity.etiquette import same_text, text_fingerprint

CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Stone;Bob;;;\r\nFN:Bob Stone\r\n"
    "ORG:Initech\r\nEMAIL:bob@home.example\r\nEND:VCARD\r\n"
)


def _ids(db) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "select p.id, i.value from person p join identity i on i.person_id = p.id "
            "where i.kind in ('email', 'linkedin')"
        ).fetchall()
    return {value: pid for pid, value in rows}


def test_rejecting_the_proposal_does_not_lift_a_no_or_a_do_not_ask(seeded, tmp_path):
    db, _ = seeded
    card = tmp_path / "bob.vcf"
    card.write_text(CARD, newline="")
    assert run(db, "import", "vcard", str(card), "--as", "me").code == 0
    ids = _ids(db)
    bob, bob2, ann = ids["bob@stone.io"], ids["bob@home.example"], ids["ann"]
    me = ("--as", "me")
    assert run(db, "ask", f"#{bob}", "--for", f"#{ann}", *me).code == 0
    assert run(db, "asks", "outcome", "1", "declined", *me).code == 0
    assert run(db, "do-not-ask", f"#{bob}", *me).code == 0
    proposals = json.loads(run(db, "matches", "--json", *me).out)
    (proposal,) = [p["id"] for p in proposals if {p["a"]["id"], p["b"]["id"]} == {bob, bob2}]
    assert run(db, "matches", "reject", str(proposal), *me).code == 0
    before = dump(db)
    ran = run(db, "ask", f"#{bob2}", "--for", f"#{ann}", *me)
    # an etiquette refusal gives its headline, then one line per rule it breaks
    assert ran.code == 5, (ran.out, ran.err)
    assert "Traceback" not in ran.err
    head, *rules = ran.error_lines
    assert head == "error: not asking Bob Stone:"
    assert any("asked not to be asked" in r and f"#{bob}" in r for r in rules), rules
    assert any("declined your ask" in r and f"#{bob}" in r for r in rules), rules
    assert dump(db) == before


@pytest.mark.parametrize(
    "variant",
    [
        "Hi, could you intro-duce me to Ann? We both wo-rk on sea-rch and I would "
        "val-ue her vi-ew on the new ran-king te-am.",
        "Hi, could you i.n.t.r.o.d.u.c.e me to Ann? We both w.o.r.k on s.e.a.r.c.h and "
        "I would v.a.l.u.e her view on the new r.a.n.k.i.n.g team.",
        "Hi, could you intro\u2800duce me to Ann? We both wo\u2800rk on sea\u2800rch and "
        "I would val\u2800ue her vi\u2800ew on the new ran\u2800king te\u2800am.",
        "Hi,\u2800could\u2800you\u2800introduce\u2800me\u2800to\u2800Ann?\u2800We\u2800both"
        "\u2800work\u2800on\u2800search\u2800and\u2800I\u2800would\u2800value\u2800her"
        "\u2800view\u2800on\u2800the\u2800new\u2800ranking\u2800team.",
    ],
)
def test_punctuation_and_blanks_do_not_make_a_request_new(variant):
    text = (
        "Hi, could you introduce me to Ann? We both work on search and I would value "
        "her view on the new ranking team."
    )
    assert same_text(text_fingerprint(text), text_fingerprint(variant))
    other = "Dear Bob, a quick question about the Lisbon office lease and its renewal date."
    assert not same_text(text_fingerprint(other), text_fingerprint(variant))
