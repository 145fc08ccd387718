"""The tie strength model: a transparent logistic score, classes, explanations.

Score. ``strength = 1 / (1 + exp(-z))`` with ``z = intercept + sum_k w_k x_k``
over transformed features ``x_k`` (logarithms of counts and durations, so that
the hundredth message adds less than the first). The default weights are set
by hand, in the order of importance found by Gilbert & Karahalios (2009): days
since last contact (−) first, by far; then days since first contact (+),
intensity (words exchanged), intimacy and structure — with Marsden & Campbell's
(1984) caution that frequency alone overstates co-workers: a shared employer
weighs little, closeness (one-to-one contact, reciprocity) weighs much.

The intercept places the strong/weak line (0.5) between monthly and quarterly
contact, between Dunbar's 15 and 50 layers (Dunbar 2016). For a two-year
one-to-one tie, the default gives: weekly contact 0.88, monthly 0.75 (0.57 when
one side writes), quarterly 0.45, twice a year 0.24, yearly 0.10; weekly contact
that stopped a year ago 0.03; a single one-way message a month ago 0.14.
Group contact counts less (see :mod:`weakties.ties.features`): each trace
weighs ``1/sqrt(recipients)`` in intensity, regularity counts personal contact
only (at most four recipients), and recency reads group contact as if it were
a year older — so a weekly 40-person call for two years gives 0.006 (weak: in
touch, not close), a weekly three-person thread 0.80.
``tests/ties/test_model.py`` checks these figures.

How recency was weighted. A first set of weights gave recency a third of the
weight it has now; on SNAP CollegeMsg, strength as of the middle date then
predicted which pairs stay in touch worse than recency alone (ROC AUC 0.73 vs
0.80). Recency was raised to the weight above (and intensity lowered), in line
with its first rank in Gilbert & Karahalios; the same evaluation now gives 0.81.
That evaluation is therefore not out of sample for this one choice, and the
second half holds every reporting cut of the rolling evaluation
(``evaluation/results/rolling.md``): the default model's figures there are
flattered by it, as docs/ties.md (Validation) says.

Classes.
- ``nominal``: connected, never in touch (no message, e-mail, meeting or call);
  someone never in touch and not connected (known from an invitation, an
  endorsement or an inferred tie) is not a nominal tie but a weak one, as the
  score says: an acquaintance at most;
- ``dormant``: in touch at least three times (or in two different months) and
  not for three years or more (Levin, Walter & Murnighan 2011);
- ``strong``: score >= 0.5; ``weak``: the rest.

One-way exchanges with someone not connected (sponsored InMail, marketing
senders, unanswered cold messages: :func:`one_way_strangers`) count far below
no reciprocity (the reciprocity input is ``balance - 5``, −3 in log-odds), so
that however many such messages they never make a tie strong; the
explanation says so as "mostly one side writes". Only where ties are declared at
all: in a bare message log everyone is "not connected", which says nothing.

Users may calibrate the weights on their own labels (:mod:`weakties.ties.calibrate`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from weakties.ties.features import FeatureTable

__all__ = ["CLASSES", "DEFAULT", "TieModel", "is_dormant", "transform"]

CLASSES = ("strong", "weak", "dormant", "nominal")
DORMANT_DAYS = 3 * 365.25  # three years, leap days included
GROUP_AGE_DAYS = 365.0  # group contact is worth personal contact this much older
STRONG_AT = 0.5


def is_dormant(
    contacts: np.ndarray, active_months: np.ndarray, days_since_contact: np.ndarray
) -> np.ndarray:
    """Dormant (Levin, Walter & Murnighan 2011): in touch regularly once (three
    contacts, or contact in two different months), not for three years now."""
    regular = (contacts >= 3) | (active_months >= 2)
    with np.errstate(invalid="ignore"):
        return regular & (np.nan_to_num(days_since_contact, nan=-1.0) >= DORMANT_DAYS)


#: how much a one-way exchange with someone not connected takes from reciprocity
#: (in units of balance: with the default weight, 0.6 x 5 = 3 in log-odds)
ONE_WAY_STRANGER = 5.0


def one_way_strangers(table: FeatureTable) -> np.ndarray:
    """Pairs not connected (no social tie) whose messages went one way only: one
    side wrote, the other never answered — LinkedIn's sponsored InMail and
    marketing senders ("... from LinkedIn Premium", a cloud provider), cold
    recruiters, or the member's own unanswered messages. However many, they
    are no relationship: they never make a tie strong.

    Only where ties are declared at all (:attr:`FeatureTable.ties_declared`): a
    message log without connections (CollegeMsg, a mail archive imported alone)
    makes every pair "not connected", and there the rule would mark down every
    one-way exchange for a fact the data never records. On CollegeMsg's
    development cuts that lowered the default model's AUC for "in touch again
    within 30 days" from 0.781 to 0.745 (``evaluation/one_way_rule.py``)."""
    v = table.values
    if table.tied is None or not table.ties_declared:
        return np.zeros(len(table), dtype=bool)
    return ~table.tied & (v["contacts"] > 0) & (v["balance"] <= 0)


def transform(table: FeatureTable) -> dict[str, np.ndarray]:
    """The model's inputs from raw features (all finite)."""
    v = table.values
    # a large call or a mass e-mail is not recent *personal* contact: group
    # contact counts as if it were GROUP_AGE_DAYS older
    since = np.fmin(v["days_since_personal"], v["days_since_contact"] + GROUP_AGE_DAYS)
    since = np.nan_to_num(since, nan=10 * 365.0)
    return {
        "recency": np.log1p(np.maximum(since, 0) / 30.0),
        "duration": np.log1p(np.maximum(v["days_known"], 0) / 365.0),
        "intensity": np.log1p(v["contacts_decayed"]),
        "active_months": np.log1p(v["personal_months"]),
        # reciprocity: the balance of who writes, and far below none for a one-way
        # exchange with someone not connected (see one_way_strangers)
        "reciprocity": v["balance"] - ONE_WAY_STRANGER * one_way_strangers(table),
        "turns": np.log1p(v["turns"]),
        "services": np.log1p(v["services"]),
        "one_to_one": v["one_to_one_share"] * (v["contacts"] > 0),
        "meetings": np.log1p(v["meetings_one_to_one"]),
        "notes": np.log1p(v["notes"]),
        "mutual": np.log1p(v["mutual_contacts"]),
        "shared_employer": v["shared_employer"],
        "shared_school": v["shared_school"],
    }


@dataclass(frozen=True)
class TieModel:
    """Weights of the logistic score (see the module doc)."""

    weights: dict[str, float]
    intercept: float
    name: str = "default"
    quality: dict[str, Any] = field(default_factory=dict)

    def z(self, x: dict[str, np.ndarray]) -> np.ndarray:
        total = np.full(next(iter(x.values())).shape, self.intercept, dtype=np.float64)
        for name, weight in self.weights.items():
            total += weight * x[name]
        return total

    def score(self, table: FeatureTable) -> np.ndarray:
        """Strength in [0, 1] of every pair of the table."""
        z = self.z(transform(table))
        return 1.0 / (1.0 + np.exp(-z))

    def classify(self, table: FeatureTable, score: np.ndarray) -> np.ndarray:
        """strong / weak / dormant / nominal for every pair."""
        v = table.values
        never = v["never_in_touch"] > 0
        dormant = ~never & is_dormant(v["contacts"], v["active_months"], v["days_since_contact"])
        out = np.where((score >= STRONG_AT) & ~one_way_strangers(table), "strong", "weak").astype(
            object
        )
        out[dormant] = "dormant"
        if table.tied is None:
            out[never] = "nominal"
        else:
            # nominal is a connection never in touch; anyone else never in touch
            # is at most an acquaintance
            out[never & table.tied] = "nominal"
            out[never & ~table.tied] = "weak"
        return out

    def contributions(self, table: FeatureTable, i: int) -> list[tuple[str, float]]:
        """Each input's signed part of pair ``i``'s log-odds, largest first.

        A part is the input's weight times its value, so that the intercept plus
        the parts is exactly ``z`` (the score is ``1 / (1 + exp(-z))``): an
        explanation adds up. Recency's part is never positive (the longer ago,
        the more it takes away; never in touch counts as ten years), the other
        default weights never negative.
        """
        x = transform(table)
        parts = [(name, weight * float(x[name][i])) for name, weight in self.weights.items()]
        return sorted(parts, key=lambda item: -abs(item[1]))

    def to_json(self) -> str:
        return json.dumps(
            {
                "name": self.name,
                "intercept": self.intercept,
                "weights": self.weights,
                "quality": self.quality,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> TieModel:
        data = json.loads(text)
        return cls(
            {k: float(w) for k, w in data["weights"].items()},
            float(data["intercept"]),
            data.get("name", "calibrated"),
            data.get("quality", {}),
        )


DEFAULT = TieModel(
    weights={
        "recency": -2.0,  # days since last contact: the strongest single predictor (-)
        "duration": 0.2,  # days since first contact (+)
        "intensity": 0.4,  # time-decayed contacts ("words exchanged")
        "active_months": 0.35,  # regularity rather than bursts
        "reciprocity": 0.6,  # both write: closeness (Marsden & Campbell)
        "services": 0.25,  # endorsements, recommendations, introductions
        "one_to_one": 0.4,  # private rather than group contact: intimacy
        "meetings": 0.5,  # one-to-one meetings
        "notes": 0.4,  # the member wrote about them
        "mutual": 0.3,  # shared contacts (structural)
        "shared_employer": 0.15,  # co-workers: little on its own
        "shared_school": 0.1,
    },
    intercept=-2.0,
)
