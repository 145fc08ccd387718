"""People you may know for everyone, on Spark: the embedded ``weakties`` score.

The same graph and score as :func:`weakties.opportunity.suggest.suggest_all`
(method ``weakties``): on the graph of ties (inferred ones left out) and of
pairs that exchanged any trace, for a candidate ``v`` of ``u``

    RA(u, v) + 0.001 · (β² (A²)_uv + β³ (A³)_uv) + 2 · Σ_shared places 1 / log |place|

with β = 0.05 and places the organisations held now. The sums are joins:

- two steps: ``(u, z) ⋈ (z, v)`` on the middle person ``z`` gives the common
  neighbours and the resource allocation ``Σ 1/deg(z)``;
- three steps: the two-step counts ``⋈ (w, v)``;
- places: ``(u, o) ⋈ (o, v)`` on the organisation.

**Hubs.** A middle person (or place) of degree ``d`` makes ``d²`` rows. Middle
persons above ``max_degree`` (and places above ``max_place``) are skipped —
through a hub, a pair's share is at most ``1/max_degree`` anyway; the parity
tests run with caps above every degree, where the result is exactly the
embedded one. Below the cap, a middle key of degree over ``salt_above`` is
*salted*: its left rows are spread over ``ceil(deg / salt_above)`` buckets
and its right rows copied to each, so that no single task joins a hub alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from weakties.opportunity.suggest import KATZ_BETA, KATZ_WEIGHT, ORG_WEIGHT
from weakties.scale.source import Source
from weakties.scale.ties import _ts, tie_pairs

__all__ = ["link_edges", "salted_join", "suggestions"]

MAX_DEGREE = 5_000
MAX_PLACE = 20_000
SALT_ABOVE = 2_000


def link_edges(source: Source, when: dt.datetime) -> Any:
    """Symmetric adjacency ``(u, x)`` of the link graph (as ``link_data_from_store``)."""
    from pyspark.sql import functions as F

    ties = tie_pairs(source, when, present=True, inferred=False)
    it = source["interaction"]
    s, r = F.col("sender_id"), F.col("recipient_id")
    traced = it.where(
        (F.col("occurred_at") < F.lit(_ts(when))) & s.isNotNull() & r.isNotNull() & (s != r)
    ).select(F.least(s, r).alias("a"), F.greatest(s, r).alias("b"))
    edges = ties.union(traced).distinct()
    return edges.select(F.col("a").alias("u"), F.col("b").alias("x")).union(
        edges.select(F.col("b").alias("u"), F.col("a").alias("x"))
    )


def salted_join(
    left: Any, right: Any, key: str, degree: Any, *, salt_above: int = SALT_ABOVE
) -> Any:
    """``left ⋈ right`` on ``key``, with hot keys (``degree`` above ``salt_above``)
    spread over several buckets: left rows to one bucket each (by a hash of the
    row), right rows copied to every bucket of their key."""
    from pyspark.sql import functions as F

    buckets = degree.select(
        key, F.greatest(F.ceil(F.col("deg") / salt_above), F.lit(1)).cast("int").alias("nb")
    )
    left = left.join(buckets, key).withColumn(
        "salt", F.pmod(F.xxhash64(*[c for c in left.columns if c != key]), F.col("nb"))
    )
    right = (
        right.join(buckets, key)
        .withColumn("salt", F.explode(F.sequence(F.lit(0), F.col("nb") - 1)))
        .drop("nb")
    )
    return left.join(right, [key, "salt"]).drop("salt", "nb")


def suggestions(
    source: Source,
    as_of: dt.datetime | None = None,
    *,
    top: int = 10,
    max_degree: int | None = MAX_DEGREE,
    max_place: int | None = MAX_PLACE,
    salt_above: int = SALT_ABOVE,
) -> Any:
    """Everyone's top ``top`` candidates: ``person, rank, candidate, score, mutual``
    (``mutual``: contacts in common), ranked by score, then candidate id."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    when = as_of or source.now
    adj = link_edges(source, when).localCheckpoint()
    degree = adj.groupBy("u").agg(F.count("*").alias("deg")).localCheckpoint()
    middle = adj.join(degree, "u")  # u is the middle person here
    if max_degree is not None:
        middle = middle.where(F.col("deg") <= max_degree)
    # two steps: u - z - v
    left = middle.select(F.col("u").alias("z"), F.col("x").alias("p"), F.col("deg"))
    right = adj.select(F.col("u").alias("z"), F.col("x").alias("v"))
    zdeg = degree.select(F.col("u").alias("z"), "deg")
    two_rows = salted_join(left.drop("deg"), right, "z", zdeg, salt_above=salt_above)
    two_rows = two_rows.join(zdeg, "z")
    two = (
        two_rows.where(F.col("p") != F.col("v"))
        .groupBy("p", "v")
        .agg(F.count("*").alias("cn"), F.sum(1.0 / F.col("deg")).alias("ra"))
        .localCheckpoint()
    )
    # three steps: (A²)_pw · A_wv (w = p adds nothing: v would be p's contact)
    a2 = two.select("p", F.col("v").alias("w"), "cn")
    wdeg = degree.select(F.col("u").alias("w"), "deg")
    step = adj.select(F.col("u").alias("w"), F.col("x").alias("v")).join(wdeg, "w")
    if max_degree is not None:
        step = step.where(F.col("deg") <= max_degree)
    three = (
        salted_join(a2, step.drop("deg"), "w", wdeg, salt_above=salt_above)
        .where(F.col("p") != F.col("v"))
        .groupBy("p", "v")
        .agg(F.sum("cn").cast("double").alias("a3"))
        .localCheckpoint()
    )
    # places held now, by people in the graph
    nodes = degree.select(F.col("u").alias("p"))
    held = (
        source["position"]
        .where(F.col("organization_id").isNotNull() & F.coalesce(F.col("is_current"), F.lit(False)))
        .select(F.col("person_id").alias("p"), F.col("organization_id").alias("o"))
        .join(nodes, "p", "left_semi")
        .distinct()
    )
    size = held.groupBy("o").agg(F.count("*").alias("size"))
    weighted = held.join(size.where(F.col("size") > 1), "o")
    if max_place is not None:
        weighted = weighted.where(F.col("size") <= max_place)
    places = (
        salted_join(
            weighted.select("o", "p"),
            weighted.select("o", F.col("p").alias("v")),
            "o",
            size.withColumnRenamed("size", "deg"),
            salt_above=salt_above,
        )
        .join(size, "o")
        .where(F.col("p") != F.col("v"))
        .groupBy("p", "v")
        .agg(F.sum(1.0 / F.log(F.col("size"))).alias("org"))
        .localCheckpoint()
    )
    scored = (
        two.join(three, ["p", "v"], "full")
        .join(places, ["p", "v"], "full")
        .join(adj.select(F.col("u").alias("p"), F.col("x").alias("v")), ["p", "v"], "left_anti")
        .fillna(0.0, subset=["ra", "a3", "org"])
        .fillna(0, subset=["cn"])
    )
    katz = KATZ_BETA**2 * F.col("cn") + KATZ_BETA**3 * F.col("a3")
    scored = scored.withColumn(
        "score", F.col("ra") + KATZ_WEIGHT * katz + ORG_WEIGHT * F.col("org")
    ).where(F.col("score") != 0)
    # rank by score then id; scores equal to 1e-12 count as equal (sums taken in
    # another order differ in the last bits)
    rank = Window.partitionBy("p").orderBy(F.desc(F.round("score", 12)), F.col("v"))
    return (
        scored.withColumn("rank", F.row_number().over(rank))
        .where(F.col("rank") <= top)
        .select(
            F.col("p").alias("person"),
            "rank",
            F.col("v").alias("candidate"),
            "score",
            F.col("cn").cast("long").alias("mutual"),
        )
    )
