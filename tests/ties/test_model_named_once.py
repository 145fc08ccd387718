"""``weakties ties`` names the model that scored in its caption and says why in
its reason line, both from the one choice: ``ties --as-of DATE`` after
``model fit --as-of DATE`` (or fitting itself for the date) names the fit and
the reason is the fit's — also when the member has no tie before the date
(their list is empty: the fit still is the model that scores it)."""

import sqlite3

import numpy as np
import pytest

from tests.ties.test_learned_cli import START, cli, imported
from weakties.ties.history import DAY

DATE = "2024-05-01"


def _log(seed: int = 2, pairs: int = 400) -> list[tuple[int, int, float]]:
    """Pairs of 100 people writing at their own rates from a random day to another."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(pairs):
        a, b = rng.choice(100, size=2, replace=False)
        t, end = rng.uniform(0, 40), rng.uniform(40, 130)
        gap = float(np.exp(rng.normal(np.log(12), 0.8)))
        while t < end:
            rows.append((int(a), int(b), START.timestamp() + t * DAY))
            t += rng.exponential(gap)
    return sorted(rows, key=lambda r: r[2])


@pytest.fixture(scope="module")
def dbs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("named")
    fresh = imported(tmp, "log", _log())
    kept = tmp / "kept.sqlite"
    with sqlite3.connect(fresh) as source, sqlite3.connect(kept) as copy:
        source.backup(copy)  # the imported log, with what is still in its journal
    done = cli(kept, "model", "fit", "--as-of", DATE)
    assert "tie strength: fitted on" in done, done
    return {"kept-fit": kept, "fitted-by-ties": fresh}


def _caption_and_reason(text: str) -> tuple[str, str]:
    flat = " ".join(text.split())
    caption = flat[flat.index("ties (model: ") : flat.index("why this model:")]
    return caption, flat[flat.index("why this model:") :]


@pytest.mark.parametrize("which", ["kept-fit", "fitted-by-ties"])
def test_the_caption_names_the_fit_and_the_reason_agrees(dbs, which):
    out = cli(dbs[which], "ties", "--as-of", DATE)
    assert " 0 ties (model: " in " ".join(out.split())  # 'owner' is no one in the log
    caption, reason = _caption_and_reason(out)
    assert f"(model: learned from the history to {DATE}" in caption
    assert "default" not in caption
    assert reason.startswith(f"why this model: the fit on the history to {DATE} serves the date")
