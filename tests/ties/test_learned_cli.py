"""The external check on a temporal data set the project does not have: import a log,
then ``ties --all --as-of DATE --json`` and ``suggest --all --as-of DATE --top K
--json``. The fit happens at DATE from what came before it only; the scores are
those of the evaluated models; every ISO form of the date gives the same answer."""

import datetime as dt
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from weakties.cli.main import app
from weakties.ties.history import DAY, Traces, network_at, pair_key, tie_features
from weakties.ties.learned import STRONG_AT, fit_models

runner = CliRunner()
START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
AS_OF = dt.datetime(2024, 11, 5, tzinfo=dt.UTC)


def log(seed: int = 1) -> list[tuple[int, int, float]]:
    """People writing to each other at their own rates; pairs start at random days."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(700):
        a, b = rng.choice(160, size=2, replace=False)
        begin = rng.uniform(0, 330)
        rate = float(np.exp(rng.normal(np.log(1 / 20), 1.0)))
        t = begin
        while t < 400:
            rows.append((int(a), int(b), START.timestamp() + t * DAY))
            t += rng.exponential(1 / rate)
            if rng.random() < 0.02:
                break  # the pair stops writing
    return sorted(rows, key=lambda r: r[2])


def write_log(path, rows) -> None:
    lines = ["sender,recipient,when"]
    for a, b, t in rows:
        stamp = dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        lines.append(f"u{a},u{b},{stamp}")
    path.write_text("\n".join(lines) + "\n")


def cli(db, *args: str) -> str:
    done = runner.invoke(app, ["--db", str(db), *args], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    return done.stdout


# (database, arguments) -> output of a command that writes nothing (a fit at
# --as-of is not kept), for the tests that read the same answer
_read: dict[tuple[str, ...], str] = {}


def read(db, *args: str) -> str:
    key = (str(db), *args)
    if key not in _read:
        _read[key] = cli(db, *args)
    return _read[key]


def imported(tmp_path, name, rows):
    path = tmp_path / f"{name}.csv"
    write_log(path, rows)
    db = tmp_path / f"{name}.sqlite"
    cli(db, "import", "interactions", str(path), "--sender", "sender", "--recipient",
        "recipient", "--timestamp", "when")  # fmt: skip
    return db


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("log")
    rows = log()
    before = [r for r in rows if r[2] < AS_OF.timestamp()]
    return rows, imported(tmp, "all", rows), imported(tmp, "before", before)


def test_ties_all_is_the_evaluated_fit(stores):
    rows, db, _ = stores
    pairs = json.loads(read(db, "ties", "--all", "--as-of", "2024-11-05", "--json"))
    arr = np.array(rows)
    traces = Traces.of(arr[:, 0].astype(int), arr[:, 1].astype(int), arr[:, 2])
    at = AS_OF.timestamp()
    fitted = fit_models(traces, at, pymk=False)
    assert fitted.ties is not None, fitted.notes
    net = network_at(traces.before(at), at)
    scores = fitted.ties.score(tie_features(net))
    expected = dict(zip(net.keys.tolist(), scores.tolist(), strict=True))
    keys = pair_key(
        np.array([int(p["a"][1:]) for p in pairs]), np.array([int(p["b"][1:]) for p in pairs])
    )
    assert sorted(keys.tolist()) == sorted(expected)
    for key, p in zip(keys.tolist(), pairs, strict=True):
        assert p["score"] == pytest.approx(expected[key], abs=1e-4)
        if p["class"] in ("strong", "weak"):
            assert (p["class"] == "strong") == (p["score"] >= STRONG_AT)
    assert {p["class"] for p in pairs} >= {"strong", "weak"}


def test_nothing_at_or_after_the_date_changes_the_answers(stores):
    _, everything, before = stores
    for command in (
        ["ties", "--all", "--as-of", "2024-11-05", "--json"],
        ["suggest", "--all", "--as-of", "2024-11-05", "--top", "5", "--json"],
    ):
        assert read(everything, *command) == cli(before, *command), command


def test_every_iso_form_of_the_date_gives_the_same_answer(stores, monkeypatch):
    """Each form through the command. Two are answered in full: the date alone and
    a time at another offset (the same instant); a form that hands the service the
    same viewer, date and options as one answered before gets that answer again
    instead of a second fit of several seconds (the same arguments give the same
    answer: the two full answers are compared), and one that does not is answered
    in full."""
    from weakties.service import opportunities

    _, db, _ = stores
    full = opportunities.suggest_all
    answered: list[tuple[object, object]] = []
    in_full = {"2024-11-05", "2024-11-05T01:00:00+01:00"}

    def suggest_all(conn, who, **options):
        asked = (who.scope, who.now, who.as_of, who.data_date, sorted(options.items()))
        reached[form] = asked
        same = [found for seen, found in answered if seen == asked]
        if same and form not in in_full:
            return same[0]
        found = full(conn, who, **options)
        answered.append((asked, found))
        return found

    monkeypatch.setattr(opportunities, "suggest_all", suggest_all)
    answers, reached = {}, {}
    for form in (
        "2024-11-05",
        "2024-11-05T00:00:00",
        "2024-11-05T00:00:00Z",
        "2024-11-05T01:00:00+01:00",
        "2024-11-05T00:00",
    ):
        answers[form] = cli(db, "suggest", "--all", "--as-of", form, "--top", "3", "--json")
    assert len(set(answers.values())) == 1
    # every form names the same instant
    assert all(asked == reached["2024-11-05"] for asked in reached.values()), reached
    found = json.loads(answers["2024-11-05"])
    # the history allows the fitted ranker, and the answer says it ranked
    assert found["method"] == "learned"
    assert sum(len(v) for v in found["suggestions"].values()) > 100


def test_model_fit_reports_what_it_fitted(stores):
    _, db, _ = stores
    report = json.loads(cli(db, "model", "fit", "--as-of", "2024-11-05", "--json"))
    assert report["ties"]["fitted"] and report["suggestions"]["fitted"]
    assert report["cuts"] == 12
    assert report["kept"] is True
    said = " ".join(cli(db, "model", "fit", "--as-of", "2024-11-05").split())
    assert "Kept: every command and page that scores your ties" in said
    assert "`weakties suggest` ranks with the fitted ranker" in said
    short = json.loads(cli(db, "model", "fit", "--as-of", "2024-02-01", "--json"))
    assert not short["ties"]["fitted"]
    assert "days of history" in short["ties"]["note"]
