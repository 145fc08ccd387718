"""A member's kept fit applied on Spark: the history features and the fitted shapes.

When the run reads a member's own export and a fit kept by ``weakties model
fit`` serves the run's date, the batch scores the pairs that fit reads as the
embedded engine does (:func:`weakties.ties.learned.learned_scores`):

- the features are :func:`weakties.ties.history.tie_features` on the network
  of conversations before the date (:func:`weakties.ties.history.network_at`,
  with the ties known then), written here as aggregations, windows and joins
  over the same traces as :mod:`weakties.scale.ties` — every one of the 31,
  none left out;
- the score is the additive model's: ``1 / (1 + exp(-z))`` with ``z`` the
  intercept plus each feature's piecewise-linear shape, a sum of clipped ramps
  over the fit's knots, written as one column expression (the knots and rises
  are the fit's own numbers);
- a pair the fit does not read (never in conversation before the date: a tie
  only, or endorsements only) keeps the prior's score, class and model name;
  a pair it reads keeps a prior's nominal or dormant class (rules, not scores)
  and is otherwise strong from the fitted line
  (:data:`weakties.ties.learned.STRONG_AT`).

Which model applies is decided where the data is (see :mod:`weakties.scale.source`
and :func:`weakties.service.export.tie_model_choice`).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from weakties.scale.source import Source
from weakties.scale.ties import _CONV, pair_traces, tie_pairs
from weakties.ties.fit import AdditiveModel
from weakties.ties.history import DAY, TIE_FEATURES, WINDOWS
from weakties.ties.traces import epoch_seconds

if TYPE_CHECKING:
    from weakties.ties.learned import FittedModels
    from weakties.ties.model import TieModel

__all__ = ["FIT_FEATURES", "fitted_features", "fitted_scores", "run_model", "shape_sum"]

#: the fitted model's inputs, as columns of the batch's ties table (``fit_``
#: before each name of :data:`weakties.ties.history.TIE_FEATURES`: some names,
#: ``balance`` and ``turns``, are also prior features with other definitions)
FIT_FEATURES = tuple(TIE_FEATURES)


def fitted_features(source: Source, as_of: dt.datetime) -> Any:
    """``a, b`` and :data:`FIT_FEATURES` of every pair in conversation before
    ``as_of`` (the pairs a fitted tie model reads), as
    :func:`weakties.ties.history.tie_features` of
    :func:`weakties.ties.history.network_at`."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    c = epoch_seconds(as_of)
    today = float(int(c // DAY))
    traces = pair_traces(source, as_of).where(F.col("code").isin(_CONV)).localCheckpoint()
    t = F.col("t")
    w = 1.0 / F.sqrt(F.col("g").cast("double"))
    age = (F.lit(c) - t) / DAY

    def total(value: Any, cond: Any = None) -> Any:
        return F.sum(value if cond is None else F.when(cond, value).otherwise(0.0))

    sums = [total(w, age < days).alias(f"n{days}") for days in WINDOWS]
    pair = traces.groupBy("a", "b").agg(
        *sums,
        total(w, (age >= 30) & (age < 60)).alias("n30_60"),
        total(w * F.exp(-age / 30.0)).alias("decayed30"),
        total(w * F.exp(-age / 180.0)).alias("decayed180"),
        F.count("*").cast("double").alias("count"),
        total(w).alias("weighted"),
        total(F.lit(1.0), age < 365).alias("raw365"),
        total(F.lit(1.0), age < 30).alias("raw30"),
        total(F.lit(1.0), F.col("from_a")).alias("from_lo"),
        F.max(t).alias("last"),
        F.min(t).alias("first"),
        F.countDistinct("code").cast("double").alias("channels"),
    )
    # direction switches in time order (equal times in the store's order)
    order = Window.partitionBy("a", "b").orderBy("t", "trace_id")
    turns = (
        traces.withColumn("prev", F.lag("from_a").over(order))
        .groupBy("a", "b")
        .agg(total(F.lit(1.0), F.col("prev") != F.col("from_a")).alias("switches"))
    )
    # contact days: how many, in the last 30 days, weeks begun with one in the last
    # year (a week counts when its first contact day is in the last 364 days), gaps
    days = traces.select("a", "b", F.floor(t / DAY).alias("d")).distinct()
    weeks = (
        days.groupBy("a", "b", F.floor(F.col("d") / 7).alias("wk"))
        .agg(F.min("d").alias("d"))
        .groupBy("a", "b")
        .agg(total(F.lit(1.0), F.col("d") >= today - 364).alias("weeks_last_year"))
    )
    gap = F.col("d") - F.lag("d").over(Window.partitionBy("a", "b").orderBy("d"))
    gaps = (
        days.withColumn("gap", gap.cast("double"))
        .groupBy("a", "b")
        .agg(
            F.count("*").cast("double").alias("contact_days"),
            total(F.lit(1.0), F.col("d") >= today - 29).alias("days30"),
            F.count("gap").cast("double").alias("k"),
            F.sum("gap").alias("s1"),
            F.sum(F.col("gap") * F.col("gap")).alias("s2"),
        )
    )
    # a tie's earliest start, for the tied pairs (a start NaN: undated)
    tie = source["tie"]
    started = (
        tie.where(F.col("since").isNotNull() & (F.col("since") < F.lit(_aware(as_of))))
        .groupBy(F.col("person_a_id").alias("a"), F.col("person_b_id").alias("b"))
        .agg(F.min(F.bround(F.unix_micros(F.col("since")) / 1e6, 3)).alias("since"))
    )
    ties = tie_pairs(source, as_of).localCheckpoint()
    since = ties.join(started, ["a", "b"])
    frame = (
        pair.join(turns, ["a", "b"], "left")
        .join(weeks, ["a", "b"], "left")
        .join(gaps, ["a", "b"], "left")
        .join(since, ["a", "b"], "left")
        .fillna(0.0, subset=["switches", "weeks_last_year"])
        .localCheckpoint()
    )
    # each read once: no checkpoint (a checkpoint is a job of its own)
    elsewhere = _elsewhere(traces, frame)
    structure = _embeddedness(traces, ties, frame.select("a", "b"))
    node = _nodes(frame)
    frame = (
        frame.join(elsewhere, ["a", "b"], "left")
        .join(structure, ["a", "b"], "left")
        .fillna(0.0, subset=["mutual", "adamic_adar"])
        .join(_side(node, "a"), "a")
        .join(_side(node, "b"), "b")
    )
    return frame.select("a", "b", *_features(c))


def _aware(when: dt.datetime) -> dt.datetime:
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when


def _features(c: float) -> list[Any]:
    """The columns of :func:`weakties.ties.history.tie_features`, in its order of
    :data:`FIT_FEATURES`, from the sums of :func:`fitted_features`."""
    from pyspark.sql import functions as F

    col = F.col
    out: dict[str, Any] = {f"n{days}": col(f"n{days}") for days in WINDOWS}
    out["decayed30"] = col("decayed30")
    out["decayed180"] = col("decayed180")
    days_since = (F.lit(c) - col("last")) / DAY
    out["days_since"] = days_since
    age = (F.lit(c) - F.least(col("first"), col("since"))) / DAY  # least() skips nulls
    out["tie_age"] = age
    span = F.least(F.greatest(F.floor(age / 7.0) + 1.0, F.lit(1.0)), F.lit(52.0))
    out["regularity"] = F.least(col("weeks_last_year") / span, F.lit(1.0))
    mean = col("s1") / col("k")
    std = F.sqrt(F.greatest(col("s2") / col("k") - mean * mean, F.lit(0.0)))
    burst = (std - mean) / (std + mean)
    out["burstiness"] = F.when(
        col("k") >= 2, F.when(F.isnan(burst) | burst.isNull(), 0.0).otherwise(burst)
    ).otherwise(0.0)
    out["trend"] = F.log((col("n30") + 1.0) / (col("n30_60") + 1.0))
    interval = F.greatest(age, F.lit(1.0)) / F.greatest(col("contact_days"), F.lit(1.0))
    out["overdue"] = days_since / interval
    from_hi = col("count") - col("from_lo")
    loud = F.greatest(col("from_lo"), from_hi)
    out["balance"] = F.when(
        loud > 0, F.least(col("from_lo"), from_hi) / F.greatest(loud, F.lit(1.0))
    ).otherwise(0.0)
    out["turns"] = F.when(
        col("count") > 1, col("switches") / F.greatest(col("count") - 1, F.lit(1.0))
    ).otherwise(0.0)
    out["channels"] = col("channels")
    out["closeness"] = F.when(
        col("count") > 0, col("weighted") / F.greatest(col("count"), F.lit(1.0))
    ).otherwise(0.0)
    out["mutual"] = col("mutual")
    # the pair itself is an edge of the graph: its ends' other neighbours
    union = col("deg_a") + col("deg_b") - col("mutual") - 2.0
    out["jaccard"] = F.when(union > 0, col("mutual") / union).otherwise(0.0)
    out["adamic_adar"] = col("adamic_adar")

    def sides(name: str, a: Any, b: Any) -> None:
        out[f"{name}_min"] = F.least(a, b)
        out[f"{name}_max"] = F.greatest(a, b)

    sides("active", col("raw30_a"), col("raw30_b"))
    sides("idle", (F.lit(c) - col("last_a")) / DAY, (F.lit(c) - col("last_b")) / DAY)

    def share(part: str, side: str) -> Any:
        whole = col(f"{part}_{side}")
        return F.when(whole > 0, col(part) / whole).otherwise(0.0)

    sides("share", share("raw365", "a"), share("raw365", "b"))
    out["days30"] = col("days30")
    sides("focus", share("decayed30", "a"), share("decayed30", "b"))
    sides("elsewhere", col("elsewhere_a"), col("elsewhere_b"))
    return [out[name].cast("double").alias(name) for name in FIT_FEATURES]


def _side(node: Any, side: str) -> Any:
    """The per-person sums as one end's columns (``raw30_a`` ...)."""
    from pyspark.sql import functions as F

    return node.select(
        F.col("p").alias(side), *[F.col(x).alias(f"{x}_{side}") for x in node.columns if x != "p"]
    )


def _nodes(pairs: Any) -> Any:
    """Per person, over their pairs: contacts in the last 30 days and year,
    decayed contacts, last contact."""
    from pyspark.sql import functions as F

    cols = ["raw30", "raw365", "decayed30", "last"]
    both = pairs.select(F.col("a").alias("p"), *cols).union(pairs.select(F.col("b"), *cols))
    return both.groupBy("p").agg(
        F.sum("raw30").alias("raw30"),
        F.sum("raw365").alias("raw365"),
        F.sum("decayed30").alias("decayed30"),
        F.max("last").alias("last"),
    )


def _elsewhere(traces: Any, pairs: Any) -> Any:
    """Each side's contacts with anyone after the pair's last one, to the second
    counted from the first trace (as the embedded engine stamps them): per
    person, the traces after each second they were in touch, looked up at the
    pair's last second — one row per person and second, never pairs x traces."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    t0 = traces.agg(F.min("t")).first()[0]
    if t0 is None:
        return pairs.select(
            "a", "b", F.lit(0.0).alias("elsewhere_a"), F.lit(0.0).alias("elsewhere_b")
        )
    second = F.bround(F.col("t") - F.lit(t0), 0)
    events = traces.select(F.col("a").alias("p"), second.alias("s")).union(
        traces.select(F.col("b").alias("p"), second.alias("s"))
    )
    counted = events.groupBy("p", "s").agg(F.count("*").alias("n"))
    upto = Window.partitionBy("p").orderBy("s").rowsBetween(Window.unboundedPreceding, 0)
    whole = Window.partitionBy("p")
    after = counted.select(
        "p", "s", (F.sum("n").over(whole) - F.sum("n").over(upto)).cast("double").alias("after")
    )
    last = pairs.select("a", "b", F.bround(F.col("last") - F.lit(t0), 0).alias("s"))
    return (
        last.join(
            after.select(F.col("p").alias("a"), "s", F.col("after").alias("elsewhere_a")),
            ["a", "s"],
        )
        .join(
            after.select(F.col("p").alias("b"), "s", F.col("after").alias("elsewhere_b")),
            ["b", "s"],
        )
        .select("a", "b", "elsewhere_a", "elsewhere_b")
    )


def _embeddedness(traces: Any, ties: Any, pairs: Any) -> Any:
    """Common neighbours and Adamic-Adar of each pair, and each end's degree, on
    the graph of conversations and ties (the lower-degree end's neighbours are
    looked up among the other end's, as in :mod:`weakties.scale.ties`)."""
    from pyspark.sql import functions as F

    edges = ties.union(traces.select("a", "b")).distinct()
    adj = edges.select(F.col("a").alias("u"), F.col("b").alias("x")).union(
        edges.select(F.col("b").alias("u"), F.col("a").alias("x"))
    )
    degree = adj.groupBy("u").agg(F.count("*").cast("double").alias("deg")).localCheckpoint()
    p = pairs.join(degree.select(F.col("u").alias("a"), F.col("deg").alias("deg_a")), "a").join(
        degree.select(F.col("u").alias("b"), F.col("deg").alias("deg_b")), "b"
    )
    lower_a = F.col("deg_a") <= F.col("deg_b")
    ends = p.select(
        "a",
        "b",
        F.when(lower_a, F.col("a")).otherwise(F.col("b")).alias("u"),
        F.when(lower_a, F.col("b")).otherwise(F.col("a")).alias("v"),
    )
    common = (
        ends.join(adj, "u")
        .join(adj.select(F.col("u").alias("v"), "x"), ["v", "x"], "left_semi")
        .join(degree.select(F.col("u").alias("x"), "deg"), "x")
        .groupBy("a", "b")
        .agg(
            F.count("*").cast("double").alias("mutual"),
            F.sum(F.when(F.col("deg") > 1, 1.0 / F.log(F.col("deg"))).otherwise(0.0)).alias(
                "adamic_adar"
            ),
        )
    )
    return p.select("a", "b", "deg_a", "deg_b").join(common, ["a", "b"], "left")


def shape_sum(model: AdditiveModel, prefix: str = "fit_") -> Any:
    """``z`` of the additive model as one column expression over the columns
    ``<prefix><feature>`` (:meth:`weakties.ties.fit.AdditiveModel.z`)."""
    from pyspark.sql import functions as F

    z = F.lit(float(model.intercept))
    for name, shape in model.shapes.items():
        x = F.col(f"{prefix}{name}")
        # transform_value: NaN -> 0, infinities -> +-1e9, then log1p of the
        # non-negative part
        x = (
            F.when(F.isnan(x) | x.isNull(), 0.0)
            .when(x == F.lit(float("inf")), 1e9)
            .when(x == F.lit(float("-inf")), -1e9)
            .otherwise(x)
        )
        u = F.log1p(F.greatest(x, F.lit(0.0))) if shape.transform == "log1p" else x
        for lo, hi, rise in zip(
            shape.knots[:-1].tolist(), shape.knots[1:].tolist(), shape.rises.tolist(), strict=True
        ):
            ramp = F.least(F.greatest((u - F.lit(lo)) / F.lit(hi - lo), F.lit(0.0)), F.lit(1.0))
            z = z + F.lit(float(rise)) * ramp
    return z


def fitted_scores(scores: Any, features: Any, model: AdditiveModel, name: str, prior: str) -> Any:
    """``scores`` (the prior's, with ``score``, ``class``) read by the fitted
    model where it reads the pair (see the module doc): adds ``model`` (the
    name of what scored each row) and the fit's inputs ``fit_<feature>`` (null
    where the fit does not read the pair)."""
    from pyspark.sql import functions as F

    from weakties.ties.learned import STRONG_AT

    read = features.select(
        "a", "b", F.lit(True).alias("_read"), *[F.col(f).alias(f"fit_{f}") for f in FIT_FEATURES]
    )
    frame = scores.join(read, ["a", "b"], "left")
    inside = F.col("_read").isNotNull()
    fitted = 1.0 / (1.0 + F.exp(-shape_sum(model)))
    frame = frame.withColumn("_fitted", fitted)
    score = F.when(inside, F.col("_fitted")).otherwise(F.col("score"))
    open_ = inside & F.col("class").isin("strong", "weak")
    klass = F.when(open_, F.when(F.col("_fitted") >= STRONG_AT, "strong").otherwise("weak"))
    return (
        frame.withColumn("score", score)
        .withColumn("class", klass.otherwise(F.col("class")))
        .withColumn("model", F.when(inside, F.lit(name)).otherwise(F.lit(prior)))
        .drop("_read", "_fitted")
    )


def run_model(source: Source, as_of: dt.datetime) -> tuple[TieModel, FittedModels | None, str]:
    """What a run scores ties with: the prior (the documented default, or the
    viewer's calibration), the kept fit read over it (or None), and in words.

    The choice is the embedded engine's (:func:`weakties.ties.strength.choose_model`)
    for the export's viewer, made when the export was written (its manifest's
    ``tie_model``): the operator's whole-database view and the shared view have
    no member, and the embedded engine scores them with the priors — an
    operator's fit is only reported, never kept — so a run on them applies
    none, whoever has a kept fit; a member's export carries their calibration
    or the fit that served its present, whichever the rule chose (a fit that
    predicts the member's labels better than their calibration wins over it). The run checks
    again that the fit serves its own date (at most 30 days after the fit's,
    never before it); a fit made with the member's labels serves no date before
    the export's present, where their labels were fewer.
    """
    from weakties.ties.learned import FittedModels
    from weakties.ties.model import DEFAULT, TieModel
    from weakties.ties.reasons import FITTED_MODEL

    chosen = source.tie_model or {}
    who = source.viewer
    if chosen.get("calibration"):
        prior = TieModel.from_json(json.dumps(chosen["calibration"]))
        return prior, None, f"the calibration of {who} on their own labels ({prior.name})"
    priors = "the documented priors: the hand-set default tie model"
    if not chosen.get("fit"):
        if source.operator or source.tie_model is None:
            return DEFAULT, None, f"{priors} (no member's kept fit serves this view)"
        return DEFAULT, None, priors
    fit = FittedModels.from_json(json.dumps(chosen["fit"]))
    at = epoch_seconds(as_of)
    made_with_labels = bool(fit.summary.get("evidence", {}).get("digest"))
    if fit.ties is None or not fit.usable_at(at):
        return DEFAULT, None, f"{priors} (the kept fit of {who} does not serve the run's date)"
    if made_with_labels and source.present is not None and as_of < source.present:
        return DEFAULT, None, f"{priors} (the kept fit of {who} was made with labels given later)"
    name = FITTED_MODEL.format(date=fit.date)
    return (
        DEFAULT,
        fit,
        f"the kept fit of {who} ({name}) for the pairs in conversation before the date; "
        f"{priors} for the others",
    )
