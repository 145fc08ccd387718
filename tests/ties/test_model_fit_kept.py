"""``weakties model fit`` keeps one fit per member and replaces it only with a
better-placed one: a fit that fitted nothing never replaces a kept fit, and a fit
as of an earlier date than the kept one's replaces it only with ``--replace``."""

import datetime as dt
import json

import numpy as np
import pytest
from sqlalchemy import insert, select
from typer.testing import CliRunner

from weakties.cli.main import app
from weakties.model.tables import Interaction, KnownPerson, Member, Person, Setting
from weakties.store.clock import set_clock
from weakties.store.engine import open_store
from weakties.ties.fit import AdditiveModel, Shape
from weakties.ties.learned import FittedModels

# the fake fit below fits a model as of this date or later, nothing before it
LONG_ENOUGH = dt.datetime(2024, 5, 1, tzinfo=dt.UTC).timestamp()


def fake_fit(traces, as_of, **_):
    """A fit as ``fit_models`` makes it, without the seconds of fitting: a model
    from LONG_ENOUGH on, nothing (too short a history) before."""
    if as_of < LONG_ENOUGH:
        return FittedModels(as_of, 30.0, None, None, {"ties": "14 days of history"})
    shape = Shape("a", "identity", np.array([-4.0, 0.0, 4.0]), np.array([2.0, 2.0]), 1, 2.0)
    return FittedModels(as_of, 30.0, AdditiveModel(-2.0, {"a": shape}), None, {}, {"cuts": 3})


@pytest.fixture
def world(tmp_path, monkeypatch):
    monkeypatch.setattr("weakties.ties.learned.fit_models", fake_fit)
    db = tmp_path / "w.db"
    store = open_store(f"sqlite:///{db}")
    with store.engine.begin() as conn:
        set_clock(conn, dt.datetime(2024, 6, 1, 12))
        me, ann = (
            conn.execute(insert(Person).values(display_name=n)).inserted_primary_key[0]
            for n in ("Me", "Ann Roy")
        )
        member = conn.execute(
            insert(Member).values(person_id=me, handle="me")
        ).inserted_primary_key[0]
        conn.execute(insert(KnownPerson).values(member_id=member, person_id=ann))
        conn.execute(
            insert(Interaction).values(
                kind="message", sender_id=me, recipient_id=ann,
                occurred_at=dt.datetime(2024, 4, 20), group_size=1,
                asserted_by=member, natural_key="m1",
            )
        )  # fmt: skip
    runner = CliRunner()

    def cli(*args: str) -> str:
        done = runner.invoke(app, ["--db", str(db), *args], catch_exceptions=False)
        assert done.exit_code == 0, done.output
        return " ".join(done.stdout.split())

    def kept() -> str:
        with store.engine.connect() as conn:
            text = conn.execute(
                select(Setting.value).where(Setting.key == f"fitted_models:{member}")
            ).scalar_one()
        return FittedModels.from_json(text).date

    kept.store = store  # type: ignore[attr-defined]
    yield cli, kept
    store.close()


def test_a_fit_of_nothing_never_replaces_the_kept_fit(world):
    cli, kept = world
    made = json.loads(cli("model", "fit", "--as-of", "2024-05-20", "--json"))
    assert made["kept"] is True and made["ties"]["fitted"]
    assert kept() == "2024-05-20"
    # nothing to fit as of an earlier date: even --replace keeps the fit
    empty = json.loads(cli("model", "fit", "--as-of", "2024-04-25", "--replace", "--json"))
    assert not empty["ties"]["fitted"]
    assert (empty["kept"], empty["stays"]) == (False, "2024-05-20")
    assert kept() == "2024-05-20"
    said = cli("model", "fit", "--as-of", "2024-04-25")
    assert "Nothing fitted for me as of 2024-04-25" in said
    assert "past period" not in said
    assert "Not kept: the fit kept from 2024-05-20 stays; this one fitted nothing." in said
    assert kept() == "2024-05-20"


def test_an_earlier_fit_replaces_the_kept_one_only_when_asked(world):
    cli, kept = world
    cli("model", "fit", "--as-of", "2024-05-20")
    earlier = json.loads(cli("model", "fit", "--as-of", "2024-05-10", "--json"))
    assert earlier["ties"]["fitted"]
    assert (earlier["kept"], earlier["stays"]) == (False, "2024-05-20")
    assert kept() == "2024-05-20"
    said = cli("model", "fit", "--as-of", "2024-05-10")
    assert "Not kept: the fit kept from 2024-05-20 stays; it is of a later date" in said
    assert "--replace" in said
    replaced = json.loads(cli("model", "fit", "--as-of", "2024-05-10", "--replace", "--json"))
    assert (replaced["kept"], replaced["stays"]) == (True, None)
    assert kept() == "2024-05-10"
    # a later fit replaces it without being asked
    later = json.loads(cli("model", "fit", "--as-of", "2024-05-25", "--json"))
    assert later["kept"] is True
    assert kept() == "2024-05-25"


def test_a_retired_fit_gives_way_to_a_fit_of_nothing_and_is_not_fitted_again(world, monkeypatch):
    """A kept fit that no longer serves the present (older than FRESH_DAYS) is
    replaced by a present fit even when that one fitted nothing (the priors serve
    either way): kept, it would be retired again at every pass of the server's
    background task, which would fit the member again each time."""
    from weakties.service.tasks import fit_due
    from weakties.store.clock import set_clock as move

    cli, kept = world
    cli("model", "fit", "--as-of", "2024-05-20")
    assert kept() == "2024-05-20"
    nothing = []

    def fits_nothing(traces, as_of, **_):
        nothing.append(as_of)
        return FittedModels(as_of, 30.0, None, None, {"ties": "no contact since"})

    monkeypatch.setattr("weakties.ties.learned.fit_models", fits_nothing)
    done = json.loads(cli("model", "fit", "--as-of", "2024-08-01", "--json"))
    assert (done["kept"], done["stays"]) == (True, None) and not done["ties"]["fitted"]
    assert kept() == "2024-08-01"
    # the background task, a day later: the fit of nothing serves (it is fresh), so
    # nobody is fitted again, pass after pass
    with kept.store.engine.begin() as conn:
        move(conn, dt.datetime(2024, 8, 2, 12))
        assert fit_due(conn) == [] and fit_due(conn) == []
    assert len(nothing) == 1
