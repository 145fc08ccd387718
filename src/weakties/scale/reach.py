"""Warm reach per organisation for every member, on Spark.

For each member, every person within two steps on the graph of active ties
(declared and inferred) with their *warmth* — as
:func:`weakties.opportunity._kernels.warmest_reach` computes it: a contact's
own tie strength; for a second-degree person the best, over the contacts who
know them, of min(member–contact, contact–person). Edge strength is that of
the introduction network on a platform (:mod:`weakties.opportunity.network`):
the tie model's score of a pair with traces, never below the source's prior
(0.1 for a declared tie, 0.5 × confidence for an inferred one), in single
precision like the snapshot.

Per member and organisation (current jobs): people reachable, people reached
warmly (warmth >= 0.25); per member: people within two steps, warm people.

The two-step join goes through each member's contacts; a contact with many
ties is a hot key, salted (:func:`weakties.scale.suggest.salted_join`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from weakties.model.kinds import INFERRED_SOURCES, SOCIAL_TIE_SOURCES
from weakties.opportunity.network import INFERRED_STRENGTH, NOMINAL_STRENGTH
from weakties.opportunity.reach import WARM_AT
from weakties.scale.source import Source
from weakties.scale.suggest import SALT_ABOVE, salted_join

__all__ = ["reach", "strength_edges"]


def strength_edges(source: Source, scores: Any) -> Any:
    """Symmetric ``(u, x, s)`` of the active ties with their strength (float32)."""
    from pyspark.sql import functions as F

    tie = source["tie"].where(
        F.col("ended_at").isNull() & F.col("source").isin([*SOCIAL_TIE_SOURCES, *INFERRED_SOURCES])
    )
    prior = F.when(
        F.col("source").isin(list(INFERRED_SOURCES)),
        INFERRED_STRENGTH * F.col("confidence").cast("double"),
    ).otherwise(NOMINAL_STRENGTH)
    pairs = tie.groupBy(F.col("person_a_id").alias("a"), F.col("person_b_id").alias("b")).agg(
        F.max(prior).alias("prior")
    )
    scored = scores.where(F.col("traced")).select("a", "b", "score")
    edges = pairs.join(scored, ["a", "b"], "left").select(
        "a",
        "b",
        F.greatest(F.col("prior"), F.coalesce(F.col("score"), F.col("prior")))
        .cast("float")
        .alias("s"),
    )
    return edges.select(F.col("a").alias("u"), F.col("b").alias("x"), "s").union(
        edges.select(F.col("b").alias("u"), F.col("a").alias("x"), "s")
    )


def reach(
    source: Source,
    scores: Any,
    as_of: dt.datetime | None = None,
    *,
    warm_at: float = WARM_AT,
    salt_above: int = SALT_ABOVE,
) -> tuple[Any, Any]:
    """``(by_org, totals)``: per member and organisation ``member, org, reachable,
    warm``; per member ``member, within_two_steps, warm_people``."""
    from pyspark.sql import functions as F

    edges = strength_edges(source, scores).localCheckpoint()
    members = source["member"].select(F.col("person_id").alias("m")).distinct()
    first = edges.join(members.withColumnRenamed("m", "u"), "u", "left_semi").select(
        F.col("u").alias("m"), F.col("x").alias("c"), F.col("s").alias("s1")
    )
    degree = edges.groupBy(F.col("u").alias("c")).agg(F.count("*").alias("deg")).localCheckpoint()
    second = salted_join(
        first,
        edges.select(F.col("u").alias("c"), "x", F.col("s").alias("s2")),
        "c",
        degree,
        salt_above=salt_above,
    )
    # each person once before the contacts are taken out: the anti-join then
    # reads the people two steps away, not every walk to them
    second = (
        second.where(F.col("x") != F.col("m"))
        .groupBy("m", "x")
        .agg(F.max(F.least("s1", "s2")).alias("warmth"))
        .join(first.select("m", F.col("c").alias("x")), ["m", "x"], "left_anti")
    )
    warmth = first.select("m", F.col("c").alias("x"), F.col("s1").alias("warmth")).union(
        second.select("m", "x", "warmth")
    )
    warmth = warmth.withColumn("warm", (F.col("warmth") >= F.lit(warm_at).cast("float")))
    warmth = warmth.localCheckpoint()
    jobs = (
        source["position"]
        .where(
            (F.col("kind") == "job")
            & F.col("organization_id").isNotNull()
            & F.coalesce(F.col("is_current"), F.lit(False))
        )
        .select(F.col("person_id").alias("x"), F.col("organization_id").alias("org"))
        .distinct()
    )
    by_org = (
        warmth.join(jobs, "x")
        .groupBy(F.col("m").alias("member"), "org")
        .agg(
            F.count("*").alias("reachable"),
            F.sum(F.col("warm").cast("long")).alias("warm"),
        )
    )
    totals = warmth.groupBy(F.col("m").alias("member")).agg(
        F.count("*").alias("within_two_steps"),
        F.sum(F.col("warm").cast("long")).alias("warm_people"),
    )
    return by_org, totals
