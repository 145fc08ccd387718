"""A fitted model's line between weak and strong is said where its scores are."""

import numpy as np

from weakties.ties.learned import STRONG_AT, LearnedScores
from weakties.ties.strength import TieScores


def test_learned_scores_say_the_fitted_line_and_the_priors_for_pairs_it_does_not_read():
    from tests.ties.test_model import profile, table

    t = table([profile(30, 2, 10), profile(None, 3, 0), profile(91, 3, 30)])
    from weakties.ties.model import DEFAULT

    score = DEFAULT.score(t)
    classes = DEFAULT.classify(t, score)
    base = TieScores(t, score, classes, DEFAULT, None, 0)  # type: ignore[arg-type]
    assert [base.strong_line(i) for i in range(3)] == [0.5] * 3
    assert base.strong_lines == {"default": 0.5}
    learned = LearnedScores(
        t, score, classes, DEFAULT, None, 0, None, None, base=base, rows=np.array([0, -1, -1])
    )
    assert STRONG_AT < 0.4
    assert [learned.strong_line(i) for i in range(3)] == [STRONG_AT, 0.5, 0.5]
    # the third pair is weak by the prior's reading: its line is said too
    assert learned.strong_lines == {"fitted": STRONG_AT, "default": 0.5}
