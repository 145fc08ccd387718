"""Calibration recovers a known model: labels drawn from known weights over the
model's own inputs give back those weights (``weakties ties calibrate``)."""

import datetime as dt

import numpy as np
import pytest

from tests.support import MESSAGES_2024, connections, csv_text, profile, url, viewer_of, write_files
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.service import ties as service_ties
from weakties.service.context import reader
from weakties.store import write
from weakties.store.clock import set_clock
from weakties.ties.model import DEFAULT, TieModel, transform
from weakties.ties.strength import score_ties

N_CONTACTS = 2500
NOW = dt.datetime(2024, 6, 1)
# the known model: recency (log months since the last contact) and reciprocity
TRUE_WEIGHTS = {"recency": -1.2, "reciprocity": 1.6}
TRUE_INTERCEPT = 1.5


def history(rng: np.random.Generator):
    """My export: N contacts, each with 1-12 messages over a random stretch of the
    last three years, each written by me or by them in a proportion of the tie's own
    (so that recency and reciprocity vary independently)."""
    contacts, messages = [], []
    for i in range(N_CONTACTS):
        slug = f"c{i}"
        contacts.append([f"C{i}", f"Person{i}", url(slug), "", "Co", "Dev", "01 Jan 2021"])
        n = int(rng.integers(1, 13))
        last = float(rng.uniform(1, 700))
        spread = float(rng.uniform(0, 300))
        mine = float(rng.uniform(0, 1))
        for k in range(n):
            ago = last + spread * k / max(n - 1, 1)
            when = NOW - dt.timedelta(days=ago)
            if rng.random() < mine:
                sender, surl, to, turl = "Me Myself", url("me"), f"C{i} Person{i}", url(slug)
            else:
                sender, surl, to, turl = f"C{i} Person{i}", url(slug), "Me Myself", url("me")
            messages.append(
                [
                    f"conv{i}",
                    "",
                    sender,
                    surl,
                    to,
                    turl,
                    when.strftime("%Y-%m-%d %H:%M:%S UTC"),
                    "",
                    "",
                    "INBOX",
                    "No",
                    "No",
                ]
            )
    return {
        "Profile.csv": profile("Me", "Myself"),
        "Connections.csv": connections(contacts),
        "messages.csv": csv_text(MESSAGES_2024, messages),
    }


@pytest.mark.slow
def test_calibration_recovers_known_weights(store, tmp_path):
    rng = np.random.default_rng(3)
    import_linkedin(store, write_files(tmp_path / "export", history(rng)), "me")
    with store.engine.begin() as conn:
        set_clock(conn, NOW)
        me = viewer_of(conn, "me")
        # the inputs as calibration reads them (as of the data's own present)
        mine = reader(conn, me)
        scores = score_ties(mine, model=DEFAULT)
        inputs = transform(scores.table)
        z = TRUE_INTERCEPT + sum(w * inputs[name] for name, w in TRUE_WEIGHTS.items())
        truth = 1.0 / (1.0 + np.exp(-z))
        drawn = rng.random(truth.size) < truth
        for i in range(len(scores)):
            klass = "strong" if drawn[i] else "weak"
            write.set_label(mine, scores.other(i), label=klass, closeness=None)
        result = service_ties.calibrate(conn, me)
    weights = result.weights
    assert result.quality["labels"] == N_CONTACTS
    assert weights["recency"] == pytest.approx(TRUE_WEIGHTS["recency"], abs=0.3), weights
    assert weights["reciprocity"] == pytest.approx(TRUE_WEIGHTS["reciprocity"], abs=0.4), weights
    # inputs that vary here but are not in the known model get little; inputs that
    # do not vary (the same tie age for all, no meetings) cannot be told from the
    # intercept and are left out of the comparison
    varying = [k for k in weights if k not in TRUE_WEIGHTS and np.std(inputs[k]) > 1e-6]
    assert {"intensity", "active_months"} <= set(varying)
    assert max(abs(weights[k]) for k in varying) < 0.45, weights
    # the fitted probabilities are the known ones
    fitted = TieModel(result.weights, result.intercept).score(scores.table)
    assert np.mean(np.abs(fitted - truth)) < 0.04
    # nonsense weights would not pass: the default's are far from the known ones
    assert abs(DEFAULT.weights["recency"] - TRUE_WEIGHTS["recency"]) > 0.3
    assert abs(DEFAULT.weights["reciprocity"] - TRUE_WEIGHTS["reciprocity"]) > 0.4
