"""The seed's story, end to end: three members' exports imported; the viewer looks at
an organisation; the path through the connected member to the employee there is
found, explained and draftable; a second ask through the same broker the same day
is refused with the reason."""

import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tests.support import viewer_of
from weakties.cli.main import app
from weakties.demo import build_demo
from weakties.model.tables import Organization, Person, Position
from weakties.service.context import reader

runner = CliRunner()


def cli(db, *args):
    # three members share the demo database: the story is told for "you"
    return runner.invoke(
        app, ["--db", str(db), *args], catch_exceptions=False, env={"WEAKTIES_MEMBER": "you"}
    )


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    db = tmp_path_factory.mktemp("story") / "story.sqlite"
    store, _result = build_demo(db, n_people=800, seed=5)
    with store.engine.begin() as conn:
        you = viewer_of(conn, "you")
        sam = viewer_of(conn, "sam")
        mine = reader(conn, you).first_degree()
        assert sam.person_id in mine  # the connected member
        # people sam knows that you do not, and where they work now
        theirs = sorted(reader(conn, sam).first_degree() - mine - {you.person_id})
        jobs = conn.execute(
            select(Position.person_id, Position.organization_id, Organization.name)
            .join(Organization, Organization.id == Position.organization_id)
            .where(
                Position.person_id.in_(theirs),
                Position.is_current.is_(True),
                Position.kind == "job",
            )
            .order_by(Position.person_id)
        ).all()
        names = dict(conn.execute(select(Person.id, Person.display_name)).all())
    store.close()
    assert jobs, "sam has contacts you do not know, with a known employer"
    employee, org_id, org = jobs[0]
    other = next(pid for pid, _o, _n in jobs if pid != employee)
    return db, sam, employee, org_id, org, other, names


def test_the_seed_story(story):
    db, sam, employee, org_id, org, other, names = story
    # the viewer looks at the organisation
    shown = cli(
        db, "intro", "--to", f"org:#{org_id}", "--per-broker", "0", "--limit", "500", "--json"
    )
    assert shown.exit_code == 0, shown.output
    result = json.loads(shown.stdout)
    through_sam = [
        p
        for p in result["paths"]
        if p["length"] == 2 and p["broker"]["id"] == sam.person_id and p["target"]["id"] == employee
    ]
    assert len(through_sam) == 1
    path = through_sam[0]
    # explained: the broker, how the viewer knows them, how they know the employee
    assert path["why"].startswith(names[sam.person_id] + " — ")
    assert names[employee] in path["why"]
    assert "mutual contact" in path["why"]
    assert path["target"]["role"] and org in path["target"]["role"]
    # draftable, in English and French
    for lang, hello in (("en", "Hi "), ("fr", "Bonjour ")):
        drafted = cli(
            db, "draft", f"#{sam.person_id}", "--for", f"#{employee}", "--lang", lang, "--json"
        )
        assert drafted.exit_code == 0, drafted.output
        text = json.loads(drafted.stdout)["draft"]
        assert text.startswith(hello + names[sam.person_id].split()[0])
        assert names[employee].split()[0] in text
    # the ask is recorded; a second one through the same broker the same day is refused
    first = cli(db, "ask", f"#{sam.person_id}", "--for", f"#{employee}", "--org", f"#{org_id}")
    assert first.exit_code == 0, first.output
    assert "recorded" in first.stdout
    second = cli(db, "ask", f"#{sam.person_id}", "--for", f"#{other}", "--json")
    assert second.exit_code == 5
    refusal = json.loads(second.stdout)
    assert refusal["refused"] is True
    rules = {r["rule"] for r in refusal["reasons"]}
    assert "open_per_broker" in rules
    assert "already asked" in refusal["message"] and "possible on" in refusal["message"]
    # the ledger shows the open ask, and the path is now on hold
    ledger = json.loads(cli(db, "asks", "--json").stdout)
    assert [(a["broker_id"], a["target_id"], a["status"]) for a in ledger] == [
        (sam.person_id, employee, "open")
    ]
    again = json.loads(
        cli(
            db, "intro", "--to", f"org:#{org_id}", "--per-broker", "0", "--limit", "500", "--json"
        ).stdout
    )
    held = [p for p in again["paths"] if (p.get("broker") or {}).get("id") == sam.person_id]
    assert held and all(p["status"] == "pending" for p in held)
    assert "ask pending since" in held[0]["why"]
