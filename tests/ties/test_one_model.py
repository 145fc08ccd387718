"""One model scores a member's ties everywhere: after ``weakties model fit``, the
ties list, the report, the network dashboard, the tie review and one tie's page,
the ego graph, keep in touch, the person brief and the introduction network all
read the ties with the fit — and when the member also calibrated the model on
their own labels, the one that predicts those labels better scores (each judged
on labels it did not learn from), the calibration when no fit serves. Reading
never fits: a fit that no longer serves (the member said more about their ties
since) is left for every reader alike, until the background task fits again."""

import datetime as dt
import json
from collections import Counter

import numpy as np
import pytest
from typer.testing import CliRunner

from tests.support import fit_on_short_history, viewer_of
from weakties.cli.main import app
from weakties.demo import build_demo
from weakties.opportunity.network import build_network
from weakties.service import brief, dashboard, ego, keep_in_touch, models, report, tie_review
from weakties.service import ties as service
from weakties.service.context import reader
from weakties.ties.model import DEFAULT
from weakties.ties.strength import choose_model, score_ties


@pytest.fixture(scope="module", autouse=True)
def _short_history():
    """The demo world is a shorter history than a fit needs: see fit_on_short_history."""
    with fit_on_short_history():
        yield


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    """The demo world with the member's fit kept, and what the ties list says."""
    db = tmp_path_factory.mktemp("one-model") / "d.sqlite"
    store, _ = build_demo(db, n_people=600, seed=5)
    with store.engine.begin() as conn:
        me = viewer_of(conn, "you")
        result = models.fit(conn, me)
        assert result.kept and result.ties.fitted, result.ties.note
        scores, _ = service._scored(conn, me, reader(conn, me))
    return store, db, scores


def _same(found, expected, ndigits=None):
    """Two readings of the same ties ({person: (class, score)}) agree: the same
    people and classes, scores equal (rounded as shown when ``ndigits``)."""
    assert found.keys() == expected.keys()
    assert {p: k for p, (k, _) in found.items()} == {p: k for p, (k, _) in expected.items()}
    for p, (_, score) in expected.items():
        want = round(score, ndigits) if ndigits is not None else score
        assert found[p][1] == pytest.approx(want, abs=1e-12), p


def _by_person(scores):
    return {
        scores.other(i): (str(scores.classes[i]), float(scores.score[i]))
        for i in range(len(scores))
    }


def test_the_fit_reads_the_ties_differently_from_the_priors(fitted):
    """The checks below can tell the fit from the priors on this world."""
    store, _, scores = fitted
    assert scores.model_name.startswith("learned from the history")
    with store.engine.begin() as conn:
        r = reader(conn, viewer_of(conn, "you"))
        prior = score_ties(r, model=DEFAULT)
    learned, hand = _by_person(scores), _by_person(prior)
    assert learned.keys() == hand.keys()
    assert sum(learned[p][0] != hand[p][0] for p in learned) >= 2
    in_touch = [p for p in learned if learned[p][0] != "nominal"]  # the fit reads contact
    assert sum(abs(learned[p][1] - hand[p][1]) > 0.01 for p in in_touch) > len(in_touch) // 2


def test_every_caller_scores_with_the_fit(fitted):
    store, _, scores = fitted
    expected = _by_person(scores)
    layers = {scores.other(i): int(scores.layer[i]) or None for i in range(len(scores))}
    counts = Counter(klass for klass, _ in expected.values())
    with store.engine.begin() as conn:
        me = viewer_of(conn, "you")
        r = reader(conn, me)
        assert choose_model(r).fitted is not None
        # the engine's own default is the fit, for every caller that asks it
        _same(_by_person(score_ties(r)), expected)

        listed = service.ties(conn, me)
        assert listed.model == scores.model_name
        assert Counter(t.klass for t in listed.ties) == counts

        value = report.network_report(conn, me, remember=False)
        assert value.model == scores.model_name
        assert value.classes.counts == {k: counts.get(k, 0) for k in value.classes.counts}
        board = dashboard.dashboard(conn, me)
        assert board.report.classes == value.classes
        # the month's change compares with the network a month earlier by the same fit
        assert board.month is not None
        since = dt.datetime.fromisoformat(value.as_of) - dashboard.MONTH
        then = score_ties(r, as_of=since, model=DEFAULT, fitted=choose_model(r).fitted)
        assert board.month.then["strong"] == int((then.classes == "strong").sum())

        table = tie_review.tie_table(conn, me, limit=1000)
        assert table.model == scores.model_name
        _same({t.id: (t.klass, t.score) for t in table.ties}, expected, 4)

        # one tie's page: the same model, the same class and score as the table
        for pid in sorted(expected)[:: max(1, len(expected) // 5)]:
            detail = tie_review.tie_detail(conn, me, pid)
            assert detail.tie.model == scores.model_name
            assert (detail.tie.klass, detail.row.klass) == (expected[pid][0],) * 2
            assert detail.tie.score == float(f"{expected[pid][1]:.4g}")
            assert detail.row.score == pytest.approx(round(expected[pid][1], 4), abs=1e-12)

        graph = ego.ego_graph(conn, me)
        assert graph.nodes
        for node in graph.nodes:
            klass, score = expected[node.id]
            assert (node.klass, node.score, node.layer) == (klass, round(score, 4), layers[node.id])

        due = keep_in_touch.reminders(conn, me).due
        assert due
        for reminder in due:
            assert (reminder.klass, reminder.layer) == (
                expected[reminder.id][0],
                layers[reminder.id],
            )

        for pid in sorted(expected)[:: max(1, len(expected) // 6)]:
            about = brief.person_brief(conn, me, person_id=pid)
            assert (about.tie, about.score) == (expected[pid][0], round(expected[pid][1], 4))

        network = build_network(r)
        ids = network.graph.person_ids
        assert ids is not None and network.ego.nodes.size
        for node, klass, score in zip(
            network.ego.nodes, network.ego.klass, network.ego.score, strict=True
        ):
            assert (klass, score) == (
                expected[int(ids[node])][0],
                pytest.approx(expected[int(ids[node])][1]),
            )


def test_report_and_ties_commands_count_alike(fitted):
    _, db, _ = fitted
    runner = CliRunner()

    def run(*args):
        done = runner.invoke(app, ["--db", str(db), *args, "--as", "you"], catch_exceptions=False)
        assert done.exit_code == 0, done.output
        return json.loads(done.stdout)

    listed = run("ties", "--json")
    value = run("report", "--json")
    counts = Counter(t["class"] for t in listed)
    assert value["model"].startswith("learned from the history")
    assert value["classes"]["counts"] == {k: counts.get(k, 0) for k in value["classes"]["counts"]}
    # each row says which model scored it: the fit, or the priors for a pair
    # never in touch (which the fitted model does not read)
    models = Counter(t["model"] for t in listed)
    assert models[value["model"]] > 0 and set(models) <= {value["model"], "default"}
    assert all(t["model"] == value["model"] for t in listed if t["contacts"] > 0)
    pairs = run("ties", "--all", "--json")
    assert {p["model"] for p in pairs} <= {value["model"], "default"}
    assert all(p["model"] == value["model"] for p in pairs if p["contacts"] > 0)


def test_a_calibration_scores_when_no_fit_serves(fitted):
    store, _, scores = fitted
    with store.engine.connect() as conn:
        undo = conn.begin()  # the calibration is undone for the other tests
        me = viewer_of(conn, "you")
        r = reader(conn, me)
        strong = [scores.other(i) for i in np.argsort(-scores.score)[:8]]
        weak = [
            scores.other(i) for i in np.argsort(scores.score)[:40] if scores.classes[i] == "weak"
        ]
        weak = [p for p in weak if p not in strong]
        for pid in strong:
            service.label(conn, me, f"#{pid}", klass="strong")
        for pid in weak[:10]:
            service.label(conn, me, f"#{pid}", klass="weak")
        try:
            # the labels retire the fit (made before them): nothing to compare with
            result = service.calibrate(conn, me)
            choice = choose_model(r)
            assert choice.calibrated and choice.fitted is None and choice.verdict is None
            assert result.scoring == choice.prior.name
            assert "no fit on the history serves the date" in result.scoring_because
            calibrated = score_ties(r)
            assert calibrated.model_name == choice.prior.name != DEFAULT.name
            listed = service.ties(conn, me)
            value = report.network_report(conn, me, remember=False)
            assert listed.model == value.model == calibrated.model_name
            counts = Counter(t.klass for t in listed.ties)
            assert value.classes.counts == {k: counts.get(k, 0) for k in value.classes.counts}
        finally:
            undo.rollback()


def _label_in_touch(conn, me, strong_of, weak_of):
    """Label 8 ties the fit reads (in touch) strong and 8 weak, chosen by
    ``strong_of`` and ``weak_of`` from (the fit's scores, the priors' scores, the
    rows the fit reads)."""
    r = reader(conn, me)
    by_fit, by_priors = score_ties(r), score_ties(r, model=DEFAULT)
    inside = np.flatnonzero(by_fit.rows >= 0)
    strong = strong_of(by_fit, by_priors, inside)
    weak = weak_of(by_fit, by_priors, np.setdiff1d(inside, strong))
    assert len(strong) == len(weak) == 8
    for i in strong:
        service.label(conn, me, f"#{by_fit.other(i)}", klass="strong")
    for i in weak:
        service.label(conn, me, f"#{by_fit.other(i)}", klass="weak")


def test_the_fit_scores_when_it_predicts_the_members_labels_better(fitted):
    """The member calls close the ties the fit on their history ranks highest,
    and distant those the priors rank highest among the rest: the features of a
    calibration cannot tell them apart on labels it did not see, the fit can —
    the fit scores, and every face says why."""
    store, _, _ = fitted
    with store.engine.connect() as conn:
        undo = conn.begin()
        try:
            me = viewer_of(conn, "you")
            _label_in_touch(
                conn,
                me,
                lambda f, p, inside: list(inside[np.argsort(-f.score[inside])][:8]),
                lambda f, p, rest: list(rest[np.argsort(-p.score[rest])][:8]),
            )
            service.calibrate(conn, me)
            # the labels retired the fit; the new one is compared with the calibration
            result = models.fit(conn, me)
            assert result.kept and result.scoring.startswith("learned from the history")
            choice = choose_model(reader(conn, me))
            assert choice.fitted is not None and not choice.calibrated
            verdict = choice.verdict
            assert verdict["winner"] == "fitted" and verdict["labels"] == 16
            assert verdict["fitted_auc"] > verdict["calibrated_auc"]
            listed = service.ties(conn, me)
            assert listed.model == result.scoring
            assert "predicts your labels better than your calibration" in listed.model_because
            pid = listed.ties[0].id
            assert service.explain(conn, me, f"#{pid}").model_because == listed.model_because
            shown = models.show(conn, me)
            assert shown.scoring == listed.model and shown.comparison["winner"] == "fitted"
            assert shown.calibration["labels"] == 16
        finally:
            undo.rollback()


def test_the_calibration_scores_when_it_predicts_the_members_labels_better(fitted):
    """The member calls close their colleagues among the ties in touch, and
    distant the others: the calibration learns the shared employer, which the
    fit on the history never reads — the calibration scores."""
    store, _, _ = fitted
    with store.engine.connect() as conn:
        undo = conn.begin()
        try:
            me = viewer_of(conn, "you")
            _label_in_touch(
                conn,
                me,
                lambda f, p, inside: [
                    i for i in inside if p.table.values["shared_employer"][i] > 0
                ][:8],
                lambda f, p, rest: [i for i in rest if p.table.values["shared_employer"][i] == 0][
                    :8
                ],
            )
            fit_result = models.fit(conn, me)
            assert fit_result.ties.fitted
            # no calibration yet: the fit scores
            assert fit_result.scoring.startswith("learned from the history")
            result = service.calibrate(conn, me)
            r = reader(conn, me)
            choice = choose_model(r)
            assert choice.calibrated and choice.fitted is None
            assert result.scoring == choice.prior.name == score_ties(r).model_name
            verdict = choice.verdict
            assert verdict["winner"] == "calibrated"
            assert verdict["calibrated_auc"] > verdict["fitted_auc"]
            assert (
                "your calibration predicts your labels at least as well" in result.scoring_because
            )
            assert models.show(conn, me).comparison["winner"] == "calibrated"
        finally:
            undo.rollback()


def test_reading_never_fits_and_every_reader_agrees(fitted):
    """A label given after the fit: the kept fit no longer serves, for every reader
    alike (the one rule of choose_model and fitted_for). One tie's page then reads
    the priors as the table does, and writes nothing; the background task fits
    again, and every reader has the new fit."""
    from sqlalchemy import select, update

    from weakties.model.tables import Setting, TieLabel
    from weakties.service.tasks import fit_due
    from weakties.ties.learned import SETTING

    store, _, scores = fitted
    with store.engine.connect() as conn:
        undo = conn.begin()  # the label and the new fit are undone for the other tests
        try:
            me = viewer_of(conn, "you")
            key = f"{SETTING}:{me.member_id}"

            def kept() -> str:
                return conn.execute(select(Setting.value).where(Setting.key == key)).scalar_one()

            before = kept()
            pid = scores.other(int(np.argmax(scores.score)))
            service.label(conn, me, f"#{pid}", klass="weak")
            # given on the demo's day (its clock), after the fit was made
            conn.execute(
                update(TieLabel)
                .where(TieLabel.member_id == me.member_id)
                .values(created_at=me.now - dt.timedelta(hours=1))
            )
            r = reader(conn, me)
            assert choose_model(r).fitted is None
            assert models.fitted_for(conn, me, r.now) is None
            table = tie_review.tie_table(conn, me, limit=1000)
            detail = tie_review.tie_detail(conn, me, pid)
            assert table.model == detail.tie.model == DEFAULT.name
            assert kept() == before  # the page fitted nothing, kept nothing
            assert "you" in fit_due(conn, limit=3)  # and the other members, who had none
            assert kept() != before and fit_due(conn, limit=3) == []
            r = reader(conn, me)
            refit = choose_model(r).fitted
            assert refit is not None and refit.summary["evidence"]["labels"] >= 1
            table = tie_review.tie_table(conn, me, limit=1000)
            detail = tie_review.tie_detail(conn, me, pid)
            assert table.model == detail.tie.model == score_ties(r).model_name != DEFAULT.name
            row = next(t for t in table.ties if t.id == pid)
            assert detail.tie.klass == row.klass
            assert detail.tie.score == pytest.approx(row.score, abs=1e-4)
        finally:
            undo.rollback()
