"""People you may know by a member's fitted ranker, on Spark: the embedded ranking.

When the run reads a member's own export and the fit kept by ``weakties model
fit`` that serves the run's date has a ranker (``FittedModels.pymk``), the
batch ranks as ``weakties suggest`` does for that member
(:func:`weakties.opportunity.pymk_model.rank` over every person of the network):

- the network is :func:`weakties.ties.history.network_at`'s — the pairs in
  conversation before the date and the ties known then — and its people;
- the candidates of a person (:func:`~weakties.opportunity.pymk_model.candidate_pairs`):
  everyone within three steps (a walk of two or three steps) or sharing a
  place held at the date, not the person, not a neighbour;
- their features (:func:`~weakties.opportunity.pymk_model.pair_features`): common
  neighbours, Jaccard, Adamic–Adar, resource allocation (one aggregation of the
  two-step walks), Katz's index truncated at three steps (the two-step walks'
  counts times each end's neighbours), shared places weighted by their size,
  and the per-person quantities of :data:`PERSON` combined as each feature's
  name says (:func:`person_column`);
- the score is the fitted additive model's, its shapes written as one column
  expression (:func:`weakties.scale.fitted.shape_sum`); each person's ``top``
  best, equal scores by candidate id, as the embedded ranking orders them.

Hubs: middle persons above ``max_degree`` and places above ``max_place`` are
skipped as in :mod:`weakties.scale.suggest` (the embedded engine has no cap;
the run counts what they left out). Keys with many rows are salted.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from weakties.errors import InputError
from weakties.opportunity.pymk_model import KATZ_BETA, PYMK_FEATURES
from weakties.scale.source import Source
from weakties.scale.suggest import MAX_DEGREE, MAX_PLACE, SALT_ABOVE, place_pairs, salted_join
from weakties.scale.ties import _CONV, pair_traces, tie_pairs
from weakties.ties.history import DAY
from weakties.ties.traces import epoch_seconds

if TYPE_CHECKING:
    from weakties.ties.learned import FittedModels

__all__ = [
    "PERSON",
    "STRUCTURE",
    "candidate_features",
    "person_column",
    "ranked",
    "run_ranker",
]

#: the features of a pair that its graph and places give (the others are the
#: per-person quantities of PERSON, combined as their names say)
STRUCTURE = ("cn", "jaccard", "adamic_adar", "resource_allocation", "katz", "places")

#: what each person did before the date, as ``Network.node`` holds it
#: (:func:`weakties.ties.history.network_at`): contacts with anyone in the last
#: 30 days, people first met in the last 30 days, days since the last contact,
#: people ever in touch with, days since the first contact. A person only tied
#: (never in conversation) has 0, 0, infinite idleness, 0 and minus infinite age
#: (their last contact at minus infinity, their first at plus infinity).
PERSON = ("active", "new", "idle", "degree", "age")

_SIDES = {"": "v", "_candidate": "v", "_own": "u", "_asker": "u", "_min": "min", "_max": "max"}


def person_column(name: str) -> tuple[str, str]:
    """``(quantity, side)`` of a per-person feature: the candidate's own
    (``active``), the person asking's (``active_own``), the lower or higher of
    the two (``active_min``, ``active_max``).

    Raises
    ------
    InputError
        A feature the batch does not compute.
    """
    for suffix in sorted(_SIDES, key=len, reverse=True):
        base = name[: len(name) - len(suffix)] if suffix else name
        if (not suffix or name.endswith(suffix)) and base in PERSON:
            return base, _SIDES[suffix]
    raise InputError(
        f"the fitted ranker reads {name!r}, which the batch does not compute "
        f"(it computes {', '.join(STRUCTURE)} and {', '.join(PERSON)} per person)"
    )


def run_ranker(source: Source, as_of: dt.datetime) -> tuple[FittedModels | None, str]:
    """The member's kept fit whose ranker the run ranks with (None: none
    serves) and in words.

    The export carries the fit that served its present for its member
    (manifest ``ranker``, :func:`weakties.service.export.ranker_choice`: the
    one ``weakties suggest`` ranks with); the run checks again that it serves the
    run's own date (at most 30 days after the fit's, never before it). At a date
    before the export's present the run does not rank with it: a place without
    dates counts from the day it was observed, which the export does not hold
    (and a fit made with the member's labels serves no date before the export)."""
    from weakties.ties.learned import FittedModels
    from weakties.ties.reasons import FITTED_MODEL

    chosen = source.ranker
    if not chosen:
        return None, "no member's kept ranker serves this view"
    fit = FittedModels.from_json(json.dumps(chosen))
    who = source.viewer
    if fit.pymk is None or not fit.usable_at(epoch_seconds(as_of)):
        return None, f"the kept ranker of {who} does not serve the run's date"
    if source.present is not None and as_of < source.present:
        return None, f"the run's date is before the export of {who}"
    name = FITTED_MODEL.format(date=fit.date)
    return fit, f"the ranker fitted on the history of {who} ({name})"


def candidate_features(
    source: Source,
    as_of: dt.datetime,
    *,
    features: tuple[str, ...] | None = None,
    max_degree: int | None = MAX_DEGREE,
    max_place: int | None = MAX_PLACE,
    salt_above: int = SALT_ABOVE,
    capped: dict[str, int] | None = None,
) -> Any:
    """Every candidate pair of every person of the network: ``u, v`` (``u`` the
    person, ``v`` the candidate) and ``features`` (all of
    :data:`weakties.opportunity.pymk_model.PYMK_FEATURES` by default), as
    :func:`~weakties.opportunity.pymk_model.candidate_pairs` and
    :func:`~weakties.opportunity.pymk_model.pair_features` compute them.

    ``capped``, if given, receives how many middle persons (``people``) and
    places (``places``) the caps left out."""
    from pyspark.sql import functions as F

    names = tuple(PYMK_FEATURES) if features is None else features
    sides = {n: person_column(n) for n in names if n not in STRUCTURE}
    c = epoch_seconds(as_of)
    traces = pair_traces(source, as_of).where(F.col("code").isin(_CONV))
    age = (F.lit(c) - F.col("t")) / DAY
    w = 1.0 / F.sqrt(F.col("g").cast("double"))
    pair = traces.groupBy("a", "b").agg(
        F.sum(F.when(age < 30, 1.0).otherwise(0.0)).alias("raw30"),
        F.sum(w * F.exp(-age / 30.0)).alias("decayed30"),
        F.max("t").alias("last"),
        F.min("t").alias("first"),
    )
    pair = pair.localCheckpoint()
    ties = tie_pairs(source, as_of)
    edges = ties.union(pair.select("a", "b")).distinct()
    adj = (
        edges.select(F.col("a").alias("u"), F.col("b").alias("x"))
        .union(edges.select(F.col("b").alias("u"), F.col("a").alias("x")))
        .localCheckpoint()
    )
    degree = adj.groupBy("u").agg(F.count("*").alias("deg")).localCheckpoint()
    if capped is not None:
        capped["people"] = (
            0 if max_degree is None else degree.where(F.col("deg") > max_degree).count()
        )

    # per person: the sums of Network.node over their pairs in conversation
    cols = ["raw30", "last", "first"]
    new = F.when(F.col("first") >= c - 30 * DAY, 1.0).otherwise(0.0).alias("new30")
    both = pair.select(F.col("a").alias("u"), *cols, new).union(
        pair.select(F.col("b").alias("u"), *cols, new)
    )
    sums = both.groupBy("u").agg(
        F.sum("raw30").alias("raw30"),
        F.sum("new30").alias("new30"),
        F.max("last").alias("last"),
        F.min("first").alias("first"),
        F.count("*").cast("double").alias("partners"),
    )
    inf = float("inf")
    node = (
        degree.join(sums, "u", "left")
        .fillna(0.0, subset=["raw30", "new30", "partners"])
        .select(
            "u",
            F.col("deg").cast("double").alias("deg"),
            F.col("raw30").alias("active"),
            F.col("new30").alias("new"),
            ((F.lit(c) - F.coalesce(F.col("last"), F.lit(-inf))) / DAY).alias("idle"),
            F.col("partners").alias("degree"),
            ((F.lit(c) - F.coalesce(F.col("first"), F.lit(inf))) / DAY).alias("age"),
        )
        .localCheckpoint()
    )

    # two-step walks p - z - v (middles under the cap): common neighbours,
    # resource allocation, Adamic-Adar of every ordered pair two steps apart
    zdeg = degree.select(F.col("u").alias("z"), "deg")
    middle = adj.select(F.col("x").alias("z"), F.col("u").alias("p")).join(zdeg, "z")
    if max_degree is not None:
        middle = middle.where(F.col("deg") <= max_degree)
    middle = middle.localCheckpoint()
    d = F.col("deg").cast("double")
    two = (
        salted_join(
            middle, middle.select("z", F.col("p").alias("v")), "z", zdeg, salt_above=salt_above
        )
        .where(F.col("p") != F.col("v"))
        .groupBy("p", "v")
        .agg(
            F.count("*").cast("double").alias("cn"),
            F.sum(F.when(d > 1, 1.0 / F.log(d)).otherwise(0.0)).alias("adamic_adar"),
            F.sum(1.0 / d).alias("resource_allocation"),
        )
        .localCheckpoint()
    )
    # three-step walks p - z - w - v: the two-step counts (p, w) times w's neighbours
    three = (
        salted_join(
            two.select("p", F.col("v").alias("w"), F.col("cn").alias("c2")),
            middle.select(F.col("z").alias("w"), F.col("p").alias("v")),
            "w",
            zdeg.withColumnRenamed("z", "w"),
            salt_above=salt_above,
        )
        .where(F.col("p") != F.col("v"))
        .groupBy("p", "v")
        .agg(F.sum("c2").alias("a3"))
    )
    walked = two.join(three, ["p", "v"], "full").fillna(
        0.0, subset=["cn", "adamic_adar", "resource_allocation", "a3"]
    )
    placed = _shared_places(source, as_of, node, max_place, salt_above, capped)
    known = adj.select(F.col("u").alias("p"), F.col("x").alias("v"))
    pairs = (
        walked.join(placed, ["p", "v"], "full")
        .fillna(0.0, subset=["cn", "adamic_adar", "resource_allocation", "a3", "places"])
        .join(known, ["p", "v"], "left_anti")
    )
    nu = node.select(*[F.col(x).alias(f"{x}_u") for x in node.columns])
    nv = node.select(*[F.col(x).alias(f"{x}_v") for x in node.columns])
    frame = pairs.join(nu, F.col("p") == F.col("u_u")).join(nv, F.col("v") == F.col("u_v"))
    col = F.col
    out: dict[str, Any] = {
        "cn": col("cn"),
        "adamic_adar": col("adamic_adar"),
        "resource_allocation": col("resource_allocation"),
        # Katz's index over beta squared, as the embedded engine divides it
        "katz": (KATZ_BETA**2 * col("cn") + KATZ_BETA**3 * col("a3")) / KATZ_BETA**2,
        "places": col("places"),
    }
    # not neighbours: the union of the two neighbourhoods, less the common ones
    union = col("deg_u") + col("deg_v") - col("cn")
    out["jaccard"] = F.when(union > 0, col("cn") / union).otherwise(0.0)
    for name, (quantity, side) in sides.items():
        mine, theirs = col(f"{quantity}_u"), col(f"{quantity}_v")
        out[name] = {
            "u": mine,
            "v": theirs,
            "min": F.least(mine, theirs),
            "max": F.greatest(mine, theirs),
        }[side]
    return frame.select(
        col("p").alias("u"),
        col("v"),
        *[out[n].cast("double").alias(n) for n in names],
    )


def _shared_places(
    source: Source,
    as_of: dt.datetime,
    node: Any,
    max_place: int | None,
    salt_above: int,
    capped: dict[str, int] | None,
) -> Any:
    """``p, v, places`` (both ways): the places both hold at the date, each
    weighing 1 / log of its people in the network
    (:func:`weakties.opportunity.pymk_model.places_at`; a place without dates
    counts as held from the day it was observed, which is before the export's
    present: the run ranks only at or after it, :func:`run_ranker`)."""
    from pyspark.sql import functions as F

    c = epoch_seconds(as_of)
    epoch = F.lit(dt.date(1970, 1, 1))

    def seconds(day: Any) -> Any:
        return F.datediff(day, epoch).cast("double") * DAY

    current = F.coalesce(F.col("is_current"), F.lit(False))
    start, end, kind = F.col("start_date"), F.col("end_date"), F.col("kind")
    held = (
        source["position"]
        .where(F.col("organization_id").isNotNull() & kind.isin("job", "study", "group"))
        # an ended job of unknown end: no span to place
        .where(~(end.isNull() & ~current & (kind == "job")))
        .where(start.isNull() | (seconds(start) < F.lit(c)))
        .where(current | end.isNull() | (seconds(end) >= F.lit(c)))
        .select(F.col("person_id").alias("p"), F.col("organization_id").alias("o"))
        .join(node.select(F.col("u").alias("p")), "p", "left_semi")
        .distinct()
    )
    return (
        place_pairs(held, max_place, salt_above, capped)
        .groupBy("p", "v")
        .agg(F.sum(1.0 / F.log(F.col("deg").cast("double"))).alias("places"))
    )


def ranked(candidates: Any, model: Any, *, top: int = 10) -> Any:
    """Each person's ``top`` candidates by the fitted ranker: ``person, rank,
    candidate, score, mutual`` (common neighbours) and the ranker's inputs as
    ``pymk_<feature>``; by score, equal scores (to 1e-12: sums taken in another
    order differ in the last bits) by candidate id."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from weakties.scale.fitted import shape_sum

    names = list(model.shapes)
    frame = candidates.select(
        "u", "v", *[F.col(n).alias(f"pymk_{n}") for n in candidates.columns if n not in ("u", "v")]
    )
    score = 1.0 / (1.0 + F.exp(-shape_sum(model, prefix="pymk_")))
    order = Window.partitionBy("u").orderBy(F.desc(F.round("score", 12)), F.col("v"))
    return (
        frame.withColumn("score", score)
        .withColumn("rank", F.row_number().over(order))
        .where(F.col("rank") <= top)
        .select(
            F.col("u").alias("person"),
            "rank",
            F.col("v").alias("candidate"),
            "score",
            F.col("pymk_cn").cast("long").alias("mutual"),
            *[f"pymk_{n}" for n in names],
        )
    )
