"""Tie features and scores of every pair, on Spark: the embedded engine's, row for row.

The same features as :func:`weakties.ties.features.compute_features` (for
every pair with a trace or a tie, the whole view at once) and the same model
(:mod:`weakties.ties.model`): the definitions are those of the embedded
engine, written as joins and aggregations; the parity tests
(``tests/scale/``) hold them equal to 1e-9 on the same data.

Two choices keep the joins linear in the data rather than in the squares of
hub degrees:

- mutual contacts expand the neighbours of the pair's *lower-degree* end and
  look the other end up (``O(min(deg a, deg b))`` per pair, as the embedded
  merge of two sorted lists);
- places shared in time join the pair's two people's positions on the
  organisation, never the organisation's members with each other.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from weakties.model.identity import fold
from weakties.model.kinds import CONVERSATION_KINDS, INFERRED_SOURCES, KIND_CODE
from weakties.model.seniority import seniority
from weakties.scale.source import Source
from weakties.ties.features import DAY, DECAY_DAYS, MONTH, PERSONAL_GROUP
from weakties.ties.model import (
    DEFAULT,
    DORMANT_DAYS,
    GROUP_AGE_DAYS,
    ONE_WAY_STRANGER,
    STRONG_AT,
    TieModel,
)
from weakties.ties.traces import epoch_seconds

__all__ = ["FEATURES", "pair_traces", "tie_features", "tie_pairs", "tie_scores"]

FEATURES = (
    "days_known",
    "days_since_contact",
    "days_since_personal",
    "never_in_touch",
    "gap_days",
    "contacts",
    "contacts_decayed",
    "contacts_last_year",
    "active_months",
    "personal_months",
    "balance",
    "turns",
    "invitation",
    "services",
    "one_to_one_share",
    "meetings_one_to_one",
    "notes",
    "mutual_contacts",
    "shared_employer",
    "shared_school",
    "shared_groups",
    "same_industry",
    "seniority_gap",
)

_CONV = sorted(KIND_CODE[k] for k in CONVERSATION_KINDS)


def _ts(when: dt.datetime) -> dt.datetime:
    """A naive UTC datetime as an aware one (Spark reads a naive one as local time)."""
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when


def _seconds(column: Any) -> Any:
    """A timestamp column as Unix seconds to the millisecond (as the store reads it)."""
    from pyspark.sql import functions as F

    return F.bround(F.unix_micros(column) / 1e6, 3)


def _kind_code(column: Any) -> Any:
    from pyspark.sql import functions as F

    expr = F.lit(-1)
    for kind, code in KIND_CODE.items():
        expr = F.when(column == kind, F.lit(code)).otherwise(expr)
    return expr


def pair_traces(source: Source, as_of: dt.datetime) -> Any:
    """Two-party traces before ``as_of`` folded on ``(a, b)``, ``a < b``
    (as :func:`weakties.ties.traces.load_traces`)."""
    from pyspark.sql import functions as F

    it = source["interaction"]
    s, r = F.col("sender_id"), F.col("recipient_id")
    return (
        it.where(
            (F.col("occurred_at") < F.lit(_ts(as_of))) & s.isNotNull() & r.isNotNull() & (s != r)
        )
        .withColumn("code", _kind_code(F.col("kind")))
        .where(F.col("code") >= 0)
        .select(
            F.col("id").alias("trace_id"),
            F.least(s, r).alias("a"),
            F.greatest(s, r).alias("b"),
            (s < r).alias("from_a"),
            _seconds(F.col("occurred_at")).alias("t"),
            F.col("code"),
            F.greatest(F.coalesce(F.col("group_size"), F.lit(1)), F.lit(1)).alias("g"),
        )
    )


def tie_pairs(
    source: Source, as_of: dt.datetime, *, present: bool = True, inferred: bool = True
) -> Any:
    """Distinct ``(a, b)`` of the ties known before ``as_of`` and not ended by it
    (undated ones only at the present), as :meth:`Reader.tie_pairs`."""
    from pyspark.sql import functions as F

    tie = source["tie"]
    since = F.col("since")
    begun = (
        (since.isNull() | (since < F.lit(_ts(as_of)))) if present else (since < F.lit(_ts(as_of)))
    )
    alive = F.col("ended_at").isNull() | (F.col("ended_at") > F.lit(_ts(as_of)))
    rows = tie.where(begun & alive)
    if not inferred:
        rows = rows.where(~F.col("source").isin(list(INFERRED_SOURCES)))
    return rows.select(F.col("person_a_id").alias("a"), F.col("person_b_id").alias("b")).distinct()


def tie_features(
    spark: Any, source: Source, as_of: dt.datetime | None = None, *, present: bool = True
) -> Any:
    """One row per pair with a trace or a tie: ``a, b, traced, tied`` and :data:`FEATURES`
    (``tied``: the pair has a tie, which a nominal tie needs), and ``ties_declared``
    (any tie at all, as :attr:`weakties.ties.features.FeatureTable.ties_declared`)."""
    from pyspark.sql import functions as F

    when = as_of or source.now
    at = epoch_seconds(when)
    # each stage is materialised (and its plan cut): the plans stay small and
    # every stage is computed once
    traces = pair_traces(source, when).localCheckpoint()
    ties = tie_pairs(source, when, present=present).localCheckpoint()
    conv = F.col("code").isin(_CONV)
    personal = conv & (F.col("g") <= PERSONAL_GROUP)
    t = F.col("t")

    def count(cond: Any) -> Any:
        return F.sum(F.when(cond, 1.0).otherwise(0.0))

    def months(cond: Any) -> Any:
        # distinct months as the size of a set of them: two countDistinct in one
        # aggregation make Spark copy every trace once per distinct expression
        return F.size(F.array_distinct(F.collect_list(F.when(cond, month)))).cast("double")

    share = 1.0 / F.sqrt(F.col("g").cast("double"))
    month = F.floor(t / MONTH)
    # turns: direction switches along each pair's conversation in time order
    # (equal times in the order the store holds them), read off the pair's
    # conversation sorted in the same aggregation instead of a window over
    # every trace, which costs a second shuffle and a sort of all of them
    said = F.array_sort(
        F.collect_list(F.when(conv, F.struct(t.alias("t"), "trace_id", "from_a")))
    ).alias("said")
    agg = (
        traces.groupBy("a", "b")
        .agg(
            count(conv).alias("contacts"),
            F.sum(
                F.when(conv, share * F.exp(-(F.lit(at) - t) / (DECAY_DAYS * DAY))).otherwise(0.0)
            ).alias("contacts_decayed"),
            count(conv & (t >= at - 365 * DAY)).alias("contacts_last_year"),
            count(conv & F.col("from_a")).alias("sent_a"),
            count(conv & ~F.col("from_a")).alias("sent_b"),
            count(conv & (F.col("g") <= 1)).alias("one_to_one"),
            count((F.col("code") == KIND_CODE["meeting"]) & (F.col("g") <= 1)).alias(
                "meetings_one_to_one"
            ),
            count(F.col("code") == KIND_CODE["endorsement"]).alias("endorse"),
            count(F.col("code") == KIND_CODE["recommendation"]).alias("recommend"),
            count(F.col("code") == KIND_CODE["introduction"]).alias("introduce"),
            count(F.col("code") == KIND_CODE["invitation"]).alias("invites"),
            F.min(t).alias("first_any"),
            F.max(F.when(conv, t)).alias("last"),
            F.min(F.when(conv, t)).alias("first_conv"),
            F.max(F.when(personal, t)).alias("last_personal"),
            months(conv).alias("active_months"),
            months(personal).alias("personal_months"),
            said,
        )
        .withColumn(
            "turns",
            F.expr(
                "cast(if(size(said) > 1, size(filter(sequence(1, size(said) - 1), "
                "i -> said[i].from_a != said[i - 1].from_a)), 0) as double)"
            ),
        )
        .drop("said")
        .localCheckpoint()
    )
    pairs = (
        agg.select("a", "b")
        .withColumn("traced", F.lit(True))
        .join(ties.withColumn("tied", F.lit(True)), ["a", "b"], "full")
        .select(
            "a",
            "b",
            F.coalesce(F.col("traced"), F.lit(False)).alias("traced"),
            # a nominal tie is a tie never in touch; anyone else never in touch is weak
            F.coalesce(F.col("tied"), F.lit(False)).alias("tied"),
        )
        .localCheckpoint()
    )

    # the earliest start of any listable tie begun before the date (ended ones too)
    tie = source["tie"]
    since = (
        tie.where(F.col("since").isNotNull() & (F.col("since") < F.lit(_ts(when))))
        .groupBy(F.col("person_a_id").alias("a"), F.col("person_b_id").alias("b"))
        .agg(F.min(_seconds(F.col("since"))).alias("since"))
    )
    frame = pairs.join(agg, ["a", "b"], "left").join(since, ["a", "b"], "left")
    zero = [
        "contacts",
        "contacts_decayed",
        "contacts_last_year",
        "sent_a",
        "sent_b",
        "one_to_one",
        "meetings_one_to_one",
        "endorse",
        "recommend",
        "introduce",
        "invites",
        "active_months",
        "personal_months",
        "turns",
    ]
    frame = frame.fillna(0.0, subset=zero)
    c = F.col
    hi = F.greatest(c("sent_a"), c("sent_b"))
    start = F.least(c("first_any"), c("since"))  # least() skips nulls: numpy's fmin
    nan = F.lit(float("nan"))
    frame = frame.select(
        "a",
        "b",
        "traced",
        "tied",
        F.when(start.isNull(), 0.0).otherwise((F.lit(at) - start) / DAY).alias("days_known"),
        F.coalesce((F.lit(at) - c("last")) / DAY, nan).alias("days_since_contact"),
        F.coalesce((F.lit(at) - c("last_personal")) / DAY, nan).alias("days_since_personal"),
        F.when(c("last").isNull(), 1.0).otherwise(0.0).alias("never_in_touch"),
        F.when(
            c("contacts") >= 2,
            (c("last") - c("first_conv")) / DAY / F.greatest(c("contacts") - 1, F.lit(1.0)),
        )
        .otherwise(nan)
        .alias("gap_days"),
        "contacts",
        "contacts_decayed",
        "contacts_last_year",
        "active_months",
        "personal_months",
        F.when(hi > 0, F.least(c("sent_a"), c("sent_b")) / hi).otherwise(0.0).alias("balance"),
        "turns",
        F.least(c("invites"), F.lit(1.0)).alias("invitation"),
        (c("endorse") + 3 * c("recommend") + 3 * c("introduce")).alias("services"),
        F.when(c("contacts") > 0, c("one_to_one") / F.greatest(c("contacts"), F.lit(1.0)))
        .otherwise(0.0)
        .alias("one_to_one_share"),
        "meetings_one_to_one",
        F.lit(0.0).alias("notes"),  # a viewer's private notes never leave the database
    ).localCheckpoint()
    mutual = _mutual_contacts(source, when, traces, ties, pairs).localCheckpoint()
    places = _places(spark, source, when, pairs, present=present).localCheckpoint()
    frame = frame.join(mutual, ["a", "b"], "left")
    frame = frame.fillna(0.0, subset=["mutual_contacts"])
    frame = frame.join(places, ["a", "b"], "left")
    frame = frame.fillna(0.0, subset=["shared_employer", "shared_school", "shared_groups"])
    frame = frame.withColumn("same_industry", F.coalesce(c("same_industry"), nan)).withColumn(
        "seniority_gap", F.coalesce(c("seniority_gap"), nan)
    )
    # whether any tie is declared at all: without one, "not connected" says
    # nothing and the one-way rule is off (FeatureTable.ties_declared)
    declared = bool(ties.limit(1).count())
    return frame.select("a", "b", "traced", "tied", *FEATURES).withColumn(
        "ties_declared", F.lit(declared)
    )


def _mutual_contacts(source: Source, when: dt.datetime, traces: Any, ties: Any, pairs: Any) -> Any:
    """Contacts in common of each pair on the graph of ties and conversations: the
    lower-degree end's neighbours, looked up among the other end's."""
    from pyspark.sql import functions as F

    conv = traces.where(F.col("code").isin(_CONV)).select("a", "b")
    edges = ties.union(conv).distinct()
    adj = edges.select(F.col("a").alias("u"), F.col("b").alias("x")).union(
        edges.select(F.col("b").alias("u"), F.col("a").alias("x"))
    )
    degree = adj.groupBy("u").agg(F.count("*").alias("deg"))
    p = (
        pairs.select("a", "b")
        .join(degree.select(F.col("u").alias("a"), F.col("deg").alias("da")), "a", "left")
        .join(degree.select(F.col("u").alias("b"), F.col("deg").alias("db")), "b", "left")
        .fillna(0, subset=["da", "db"])
    )
    lower_a = F.col("da") <= F.col("db")
    p = p.select(
        "a",
        "b",
        F.when(lower_a, F.col("a")).otherwise(F.col("b")).alias("u"),
        F.when(lower_a, F.col("b")).otherwise(F.col("a")).alias("v"),
    )
    expanded = p.join(adj, "u")  # a, b, u, v, x
    found = expanded.join(adj.select(F.col("u").alias("v"), F.col("x")), ["v", "x"], "left_semi")
    return found.groupBy("a", "b").agg(F.count("*").cast("double").alias("mutual_contacts"))


def _places(spark: Any, source: Source, when: dt.datetime, pairs: Any, *, present: bool) -> Any:
    """Shared employer / school (overlapping in time), groups in common, same
    industry and seniority gap, as in ``weakties.ties.features``."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    day = when.date()
    lit_day = F.lit(day)
    people = pairs.select(F.col("a").alias("pid")).union(pairs.select(F.col("b").alias("pid")))
    people = people.distinct()
    # organisations are few next to positions: every task gets a copy of them
    org = F.broadcast(
        source["organization"].select(
            F.col("id").alias("organization_id"), F.col("industry").alias("org_industry")
        )
    )
    pos = (
        source["position"]
        .where(F.col("organization_id").isNotNull() & F.col("kind").isin("job", "study", "group"))
        .withColumnRenamed("person_id", "pid")
        .join(people, "pid", "left_semi")
        .join(org, "organization_id", "left")
    )
    start, end, current = (
        F.col("start_date"),
        F.col("end_date"),
        F.coalesce(F.col("is_current"), F.lit(False)),
    )
    kind = F.col("kind")
    # an ended job of unknown end: no tenure to overlap
    pos = pos.where(~(end.isNull() & ~current & (kind == "job")))
    # undated positions hold now: only at the present, and only if still held
    undated_ok = F.lit(present) & (current | (end.isNotNull() & (end >= lit_day)))
    pos = pos.where(start.isNotNull() | undated_ok)
    pos = pos.withColumn("s", F.coalesce(start, F.to_date(F.lit("0001-01-01"))))
    pos = pos.where(F.col("s") < lit_day)
    pos = pos.withColumn("e", F.least(F.coalesce(end, lit_day), lit_day))
    on_the_day = (end.isNull() & current) | (end.isNotNull() & (end >= lit_day))
    pos = pos.withColumn("on_day", on_the_day).localCheckpoint()

    stays = pos.select("pid", "organization_id", "kind", "s", "e")
    left = stays.select(
        F.col("pid").alias("a"),
        "organization_id",
        "kind",
        F.col("s").alias("s1"),
        F.col("e").alias("e1"),
    )
    right = stays.select(
        F.col("pid").alias("b"),
        "organization_id",
        "kind",
        F.col("s").alias("s2"),
        F.col("e").alias("e2"),
    )
    overlap = (
        pairs.select("a", "b")
        .join(left.where(F.col("kind") != "group"), "a")
        .join(right, ["b", "organization_id", "kind"])
        .where(F.greatest("s1", "s2") <= F.least("e1", "e2"))
        .groupBy("a", "b")
        .agg(
            F.max(F.when(F.col("kind") == "job", 1.0).otherwise(0.0)).alias("shared_employer"),
            F.max(F.when(F.col("kind") == "study", 1.0).otherwise(0.0)).alias("shared_school"),
        )
    )
    groups = (
        stays.where((F.col("kind") == "group") & (F.col("e") >= lit_day))
        .select("pid", "organization_id")
        .distinct()
    )
    common_groups = (
        pairs.select("a", "b")
        .join(groups.withColumnRenamed("pid", "a"), "a")
        .join(groups.withColumnRenamed("pid", "b"), ["b", "organization_id"])
        .groupBy("a", "b")
        .agg(F.count("*").cast("double").alias("shared_groups"))
    )
    jobs_now = pos.where((kind == "job") & F.col("on_day"))
    rungs = _lookup(
        spark, jobs_now.select("title").where(F.col("title").isNotNull()), "title", _rung, "rung"
    )
    rung = (
        jobs_now.join(rungs, "title")
        .where(F.col("rung").isNotNull())
        .groupBy("pid")
        .agg(F.max("rung").alias("rung"))
    )
    # the employer's industry: the first current job's (in the store's order)
    first = Window.partitionBy("pid").orderBy("id")
    employer_industry = (
        jobs_now.where(F.col("org_industry").isNotNull() & (F.col("org_industry") != ""))
        .withColumn("n", F.row_number().over(first))
        .where(F.col("n") == 1)
        .select("pid", F.col("org_industry").alias("employer_industry"))
    )
    own = (
        source["person"]
        .select(F.col("id").alias("pid"), F.col("industry").alias("own_industry"))
        .join(people, "pid", "left_semi")
        .where(F.col("own_industry").isNotNull() & (F.col("own_industry") != ""))
    )
    named = employer_industry.join(own, "pid", "full").select(
        "pid", F.coalesce(F.col("own_industry"), F.col("employer_industry")).alias("raw")
    )
    folded = _lookup(spark, named.select("raw"), "raw", _fold, "industry")
    industry = named.join(folded, "raw").select("pid", "industry")
    facts = industry.join(rung, "pid", "full")
    fa = facts.select(
        F.col("pid").alias("a"), F.col("industry").alias("ia"), F.col("rung").alias("ra")
    )
    fb = facts.select(
        F.col("pid").alias("b"), F.col("industry").alias("ib"), F.col("rung").alias("rb")
    )
    distance = (
        pairs.select("a", "b")
        .join(fa, "a")
        .join(fb, "b")
        .select(
            "a",
            "b",
            F.when(
                F.col("ia").isNotNull() & F.col("ib").isNotNull(),
                F.when(F.col("ia") == F.col("ib"), 1.0).otherwise(0.0),
            ).alias("same_industry"),
            F.when(
                F.col("ra").isNotNull() & F.col("rb").isNotNull(),
                F.abs(F.col("ra") - F.col("rb")).cast("double"),
            ).alias("seniority_gap"),
        )
    )
    return (
        pairs.select("a", "b")
        .join(overlap, ["a", "b"], "left")
        .join(common_groups, ["a", "b"], "left")
        .join(distance, ["a", "b"], "left")
    )


def _lookup(spark: Any, values: Any, column: str, fn: Any, name: str) -> Any:
    """``column -> fn(column)`` for the distinct values of a column, computed by
    the engine's own Python function on the driver (titles and industries are
    few next to people) and joined back as a small table, broadcast."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import IntegerType, StringType, StructField, StructType

    distinct = [row[0] for row in values.distinct().collect()]
    kind = IntegerType() if fn is _rung else StringType()
    schema = StructType([StructField(column, StringType()), StructField(name, kind)])
    return F.broadcast(spark.createDataFrame([(v, fn(v)) for v in distinct], schema))


def _fold(text: str | None) -> str | None:
    return fold(text) if text else None


def _rung(title: str | None) -> int | None:
    return seniority(title)


def tie_scores(features: Any, model: TieModel = DEFAULT) -> Any:
    """Score and class of every pair (as :class:`weakties.ties.model.TieModel`:
    the documented priors, or a member's calibration). A member's kept fit is
    applied over these by :func:`weakties.scale.fitted.fitted_scores`."""
    from pyspark.sql import functions as F

    c = F.col

    def nan_to(column: Any, value: float) -> Any:
        return F.when(F.isnan(column) | column.isNull(), value).otherwise(column)

    since = F.least(
        nan_to(c("days_since_personal"), float("inf")),
        nan_to(c("days_since_contact"), float("inf")) + GROUP_AGE_DAYS,
    )
    since = F.when(since == float("inf"), 10 * 365.0).otherwise(since)
    # someone not connected whose messages went one way only (one_way_strangers)
    stranger = c("ties_declared") & ~c("tied") & (c("contacts") > 0) & (c("balance") <= 0)
    x = {
        "recency": F.log1p(F.greatest(since, F.lit(0.0)) / 30.0),
        "duration": F.log1p(F.greatest(c("days_known"), F.lit(0.0)) / 365.0),
        "intensity": F.log1p(c("contacts_decayed")),
        "active_months": F.log1p(c("personal_months")),
        "reciprocity": c("balance") - F.when(stranger, ONE_WAY_STRANGER).otherwise(0.0),
        "turns": F.log1p(c("turns")),
        "services": F.log1p(c("services")),
        "one_to_one": c("one_to_one_share") * F.when(c("contacts") > 0, 1.0).otherwise(0.0),
        "meetings": F.log1p(c("meetings_one_to_one")),
        "notes": F.log1p(c("notes")),
        "mutual": F.log1p(c("mutual_contacts")),
        "shared_employer": c("shared_employer"),
        "shared_school": c("shared_school"),
    }
    z = F.lit(model.intercept)
    for name, weight in model.weights.items():
        z = z + F.lit(weight) * x[name]
    score = 1.0 / (1.0 + F.exp(-z))
    never = c("never_in_touch") > 0
    regular = (c("contacts") >= 3) | (c("active_months") >= 2)
    dormant = regular & (nan_to(c("days_since_contact"), -1.0) >= DORMANT_DAYS)
    klass = (
        F.when(never & c("tied"), "nominal")
        .when(never, "weak")
        .when(dormant, "dormant")
        .when((c("score") >= STRONG_AT) & ~stranger, "strong")
        .otherwise("weak")
    )
    return (
        features.withColumn("score", score).withColumn("class", klass).drop("tied", "ties_declared")
    )
