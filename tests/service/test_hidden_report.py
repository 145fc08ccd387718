"""The people a member is not shown (a block either way, a suspended member) are not
in the value report nor in the graph commands, even where the member's own imported
data holds them: in no list and no count, on the page, in the API and on the command
line alike.

One world, built once: Ana's own LinkedIn data holds her connection with Bo (they
wrote to each other four to six years ago: a dormant tie; Bo endorsed her) and with
Eve (they write every week). On the platform Ana is connected with Cy, Bo with Cy
and with Dee, Eve with Cy. The fixture reads everything once as it stands, then Ana
blocks Bo and Eve is suspended; each test compares.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from weakties.errors import NotFoundError
from weakties.model.tables import Interaction, Member, Suspension, Tie, utcnow
from weakties.records import to_json
from weakties.service import accounts, connections, dashboard, moderation, network, report
from weakties.service.context import viewer
from weakties.store.engine import open_store

HANDLES = ("ana", "bob", "cyd", "dee", "eve")


def _as(store, handle, fn, *args, **kwargs):
    with store.engine.begin() as conn:
        return fn(conn, viewer(conn, handle), *args, **kwargs)


def _connect(store, a: str, b: str) -> None:
    sent = _as(store, a, connections.send_invitation, b, "Hello")
    _as(store, b, connections.answer_invitation, sent.id, accept=True)


def _ids(store) -> tuple[dict[str, int], dict[str, int]]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(Member.handle, Member.id, Member.person_id)).all()
    return {h: m for h, m, _ in rows}, {h: p for h, _, p in rows}


def _imported(store, other: str, *, since_days: int, messages: list[int]) -> None:
    """Ana's own data: her LinkedIn connection with ``other`` and their messages
    (days ago)."""
    members, people = _ids(store)
    ana, them = people["ana"], people[other]
    now = utcnow()
    low, high = sorted((ana, them))
    with store.engine.begin() as conn:
        conn.execute(
            Tie.__table__.insert().values(
                person_a_id=low,
                person_b_id=high,
                source="connection",
                asserted_by=members["ana"],
                since=now - dt.timedelta(days=since_days),
            )
        )
        for k, days in enumerate(messages):
            conn.execute(
                Interaction.__table__.insert().values(
                    kind="message",
                    sender_id=ana if k % 2 else them,
                    recipient_id=them if k % 2 else ana,
                    occurred_at=now - dt.timedelta(days=days),
                    asserted_by=members["ana"],
                    natural_key=f"ana-{other}-{k}",
                )
            )


def _report(store) -> dict[str, Any]:
    with store.engine.connect() as conn:
        return to_json(report.network_report(conn, viewer(conn, "ana"), remember=False))


def _graph(store) -> dict[str, Any]:
    def paths(to: str) -> list[list[str | None]]:
        return [[p.name for p in path] for path in _as(store, "ana", network.paths, to).paths]

    stats = _as(store, "ana", network.graph_stats)
    return {
        "paths to dee": paths("dee"),
        "mutual with cyd": [p.name for p in _as(store, "ana", network.mutual, "cyd").people],
        "degree of dee": _as(store, "ana", network.degree, "dee").label,
        "nodes": stats.nodes,
        "first degree": stats.reach.first_degree,
        "second degree": stats.reach.second_degree,
    }


HIDDEN = ('"Bob"', '"Eve"')


def _shows(found: Any) -> set[str]:
    """Which of Bo's and Eve's names a result shows (None: not found at all)."""
    text = json.dumps(to_json(found))
    return {name.strip('"') for name in HIDDEN if name in text}


def _lists(store) -> dict[str, set[str] | None]:
    """Bo's and Eve's names in Ana's other lists of people."""
    from weakties.service import brief, discover, opportunities, ties

    def shown(fn, *args, **kwargs) -> set[str] | None:
        try:
            return _shows(_as(store, "ana", fn, *args, **kwargs))
        except NotFoundError:
            return None

    return {
        "ties": shown(ties.ties),
        "who can introduce to dee": shown(opportunities.introductions, "dee"),
        "suggestions": shown(opportunities.suggest, method="katz"),
        "people you may know": shown(discover.people_you_may_know),
        "brief of cyd": shown(brief.person_brief, "cyd"),
        "opportunities": shown(opportunities.feed),
    }


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from argon2 import PasswordHasher

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    original = accounts._hasher
    accounts._hasher = lambda: cheap  # type: ignore[assignment]
    path = tmp_path_factory.mktemp("hidden") / "hidden.sqlite"
    store = open_store(f"sqlite:///{path}")
    try:
        with store.engine.begin() as conn:
            for handle in HANDLES:
                accounts.sign_up(
                    conn,
                    email=f"{handle}@example.org",
                    password="a long enough password",
                    name=handle.title(),
                    handle=handle,
                )
        for a, b in (("ana", "cyd"), ("bob", "cyd"), ("bob", "dee"), ("eve", "cyd")):
            _connect(store, a, b)
        _imported(store, "bob", since_days=3000, messages=list(range(1500, 2200, 60)))
        _imported(store, "eve", since_days=2000, messages=list(range(3, 360, 7)))
        members, people = _ids(store)
        with store.engine.begin() as conn:  # Bo endorsed Ana, in her data
            conn.execute(
                Interaction.__table__.insert().values(
                    kind="endorsement",
                    sender_id=people["bob"],
                    recipient_id=people["ana"],
                    occurred_at=utcnow() - dt.timedelta(days=1600),
                    asserted_by=members["ana"],
                    natural_key="bob-endorses-ana",
                )
            )
        before = {"report": _report(store), "graph": _graph(store), "lists": _lists(store)}
        _as(store, "ana", moderation.block, "bob")
        with store.engine.begin() as conn:
            conn.execute(
                Suspension.__table__.insert().values(member_id=members["eve"], reason="spam")
            )
        yield store, path, people, before
    finally:
        store.close()
        accounts._hasher = original  # type: ignore[assignment]


def _named(found: Any) -> tuple[set[str], set[int]]:
    """Every ``name`` and every ``id`` anywhere in a JSON document."""
    names: set[str] = set()
    ids: set[int] = set()
    if isinstance(found, dict):
        for key, value in found.items():
            if key == "name" and isinstance(value, str):
                names.add(value)
            elif key == "id" and isinstance(value, int):
                ids.add(value)
            else:
                more = _named(value)
                names |= more[0]
                ids |= more[1]
    elif isinstance(found, list):
        for value in found:
            more = _named(value)
            names |= more[0]
            ids |= more[1]
    return names, ids


def test_the_value_report_leaves_out_whom_the_member_is_not_shown(world):
    store, _path, people, before = world
    then, now = before["report"], _report(store)
    bo, eve = people["bob"], people["eve"]
    # before: Bo is a dormant tie worth a word, the only way to Dee, in a circle
    # with Cy, and owed an endorsement; Eve is a tie in touch every week
    names, ids = _named(then)
    assert {"Bob", "Eve"} <= names and {bo, eve} <= ids
    assert [d["name"] for d in then["dormant"]["worth_reconnecting"]] == ["Bob"]
    assert [b["name"] for b in then["reciprocity"]["you_owe"]] == ["Bob"]
    assert "Bob" in {b["name"] for b in then["circles"]["only_way_in"]["brokers"]}
    assert then["headline"]["ties"] == 3 and then["people"]["connections"] == 3
    assert then["reach"]["declared"]["second_degree"] == 1  # Dee, through Bo only
    # now: in no list, and no count counts them
    names, ids = _named(now)
    assert names.isdisjoint({"Bob", "Eve"}) and ids.isdisjoint({bo, eve})
    assert "Bob" not in json.dumps(now) and "Eve" not in json.dumps(now)
    assert now["headline"]["ties"] == 1 == sum(now["classes"]["counts"].values())
    assert now["classes"]["counts"]["dormant"] == 0
    assert sum(layer["ties"] for layer in now["classes"]["layers"]) <= 1
    assert now["people"]["connections"] == 1 and now["people"]["total"] == 1
    assert now["reach"]["declared"] == {"first_degree": 1, "second_degree": 0, "third_degree": 0}
    assert now["dormant"]["count"] == 0 and now["reciprocity"]["received"] == {}
    assert now["circles"]["only_way_in"] == {**now["circles"]["only_way_in"], "people": 0}
    # Bo's and Eve's own reports still see what they saw of Cy
    assert _as(store, "bob", report.network_report, remember=False).headline.ties >= 2


def test_the_page_the_api_and_the_command_line_show_the_same_report(world):
    from weakties.cli.main import app as cli_app

    store, path, _people, _before = world
    expected = _report(store)
    with store.engine.connect() as conn:
        board = to_json(dashboard.dashboard(conn, viewer(conn, "ana")))
    assert board["report"] == expected
    result = CliRunner().invoke(
        cli_app,
        ["--db", str(path), "report", "--json", "--no-remember", "--as", "ana"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == expected


def test_the_graph_commands_leave_out_whom_the_member_is_not_shown(world):
    store, _path, people, before = world
    assert before["graph"] == {
        "paths to dee": [["Ana", "Bob", "Dee"]],
        "mutual with cyd": ["Bob", "Eve"],
        "degree of dee": "2nd",
        "nodes": 5,
        "first degree": 3,
        "second degree": 1,
    }
    assert _graph(store) == {
        "paths to dee": [],
        "mutual with cyd": [],
        "degree of dee": "beyond 3rd",
        "nodes": 2,  # Ana and Cy: the graph holds the ends of the ties it may use
        "first degree": 1,
        "second degree": 0,
    }
    for ask in (network.paths, network.mutual, network.degree):
        for whom in ("bob", f"#{people['eve']}"):
            with pytest.raises(NotFoundError):
                _as(store, "ana", ask, whom)
    # Bo, who was blocked, does not see Ana either; Cy, with no block, sees Ana's
    # tie with Bo (but not Eve, who is suspended)
    with pytest.raises(NotFoundError):
        _as(store, "bob", network.mutual, "ana")
    assert [p.name for p in _as(store, "cyd", network.mutual, "ana").people] == ["Bob"]


def test_the_graph_commands_on_the_command_line(world):
    from weakties.cli.main import app as cli_app

    _store, path, _people, _before = world
    runner = CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(cli_app, ["--db", str(path), *args, "--as", "ana"])

    assert json.loads(run("mutual", "cyd", "--json").output) == []
    assert json.loads(run("paths", "dee", "--json").output) == []
    refused = run("paths", "bob")
    assert refused.exit_code != 0 and "Bob" not in refused.output


def test_every_other_list_of_people_leaves_them_out(world):
    """The tie list, who can introduce, suggestions, people you may know, a brief
    and the opportunity feed: what named Bo or Eve before names neither now; Ana can
    neither explain, label nor ask through them."""
    from weakties.service import outreach, ties

    store, _path, _people, before = world
    assert before["lists"]["ties"] == {"Bob", "Eve"}
    assert before["lists"]["who can introduce to dee"] == {"Bob"}
    assert before["lists"]["brief of cyd"] == {"Bob", "Eve"}
    now = _lists(store)
    assert {k: v for k, v in now.items() if v} == {}, now
    for refused in (
        lambda: _as(store, "ana", ties.explain, "bob"),
        lambda: _as(store, "ana", ties.label, "eve", klass="strong"),
        lambda: _as(store, "ana", outreach.ask, "bob", target="dee"),
        lambda: _as(store, "ana", outreach.ask, "cyd", target="eve"),
    ):
        with pytest.raises(NotFoundError):
            refused()
