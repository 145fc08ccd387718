"""People you may know for everyone, on Spark: the embedded ``weakties`` score.

The same graph and score as :func:`weakties.opportunity.suggest.suggest_all`
(method ``weakties``): on the graph of ties (inferred ones left out) and of
pairs that exchanged any trace, for a candidate ``v`` of ``u``

    RA(u, v) + 0.001 · (β² (A²)_uv + β³ (A³)_uv) + 2 · Σ_shared places 1 / log |place|

with β = 0.05 and places the organisations held now.

**The work grows with the two-step volume, not with n² · d.** The embedded
engine multiplies sparse matrices; written as joins, the three-step term
``(A³)_uv`` over every pair makes the two-step pairs times the degree in
rows — ``n² · d`` once two steps reach most of the graph. Here:

- one aggregation of the two-step walks ``u - z - v`` (each unordered pair
  once), the shared places' rows and the ties gives, per pair two steps apart
  or sharing a place, the common neighbours, the resource allocation
  ``Σ 1/deg(z)`` and the places term: the candidates and their *base* score
  (everything but the three-step term);
- the three-step term is ``β³/1000 = 1.25e-7`` per walk, and ``(A³)_uv`` is at
  most the two-step walks from either end (``w2(u) = Σ deg(z)`` over u's
  contacts) and ``deg(u) · deg(v)``. Per person, ``kth`` is the ``top``-th
  best base; a candidate whose base plus that bound stays below ``kth`` (by
  more than the ranking's rounding) cannot enter the top ``top`` and is
  dropped before its walks are counted; the others' ``(A³)_uv`` is summed
  over the lower-degree end's contacts, as mutual contacts are;
- someone three steps away and no closer scores at most ``1.25e-7 · w2(u)``:
  they are looked for (all three-step walks, as before) only for the people
  with fewer than ``top`` candidates or whose ``kth`` that bound reaches —
  people with few candidates, whose three steps are few too.

The result is the embedded one, candidate for candidate (the parity tests).

**Hubs.** A middle person (or place) of degree ``d`` makes ``d²`` rows. Middle
persons above ``max_degree`` (and places above ``max_place``) are skipped —
through a hub, a pair's share is at most ``1/max_degree`` anyway; the
embedded engine has no cap, and the run reports how many people and places
its caps left out (``capped``), zero at the sizes the parity tests and the
benchmark run. Below the cap, a middle key of degree over ``salt_above`` is
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
#: what one three-step walk adds to a score
THREE = KATZ_WEIGHT * KATZ_BETA**3
#: above the rounding of scores to 1e-12 before ranking
MARGIN = 1e-9


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
    row), right rows copied to every bucket of their key.

    Without a hot key it is the plain join: the buckets cost two more joins
    and a copy of every right row, for nothing when no key needs them (one
    small job over ``degree`` finds out)."""
    from pyspark.sql import functions as F

    hottest = degree.agg(F.max("deg")).first()[0]
    if hottest is None or hottest <= salt_above:
        return left.join(right, key)

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
    capped: dict[str, int] | None = None,
) -> Any:
    """Everyone's top ``top`` candidates: ``person, rank, candidate, score, mutual``
    (``mutual``: contacts in common), ranked by score, then candidate id.

    ``capped``, if given, receives how many middle persons (``people``) and
    places (``places``) the caps left out: with both 0 the result is exactly the
    embedded engine's."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    when = as_of or source.now
    adj = link_edges(source, when).localCheckpoint()
    degree = adj.groupBy("u").agg(F.count("*").alias("deg")).localCheckpoint()
    zdeg = degree.select(F.col("u").alias("z"), "deg")
    # the middle steps: (z, p) for z a contact of p, hubs above the cap left out
    middle = adj.select(F.col("x").alias("z"), F.col("u").alias("p")).join(zdeg, "z")
    if max_degree is not None:
        middle = middle.where(F.col("deg") <= max_degree)
    middle = middle.localCheckpoint()
    if capped is not None:
        capped["people"] = (
            0 if max_degree is None else degree.where(F.col("deg") > max_degree).count()
        )
    # every pair two steps apart or sharing a place, in one aggregation of the
    # walks p - z - v, the shared places' rows and the ties (to tell them
    # apart); each unordered pair once (p < v), then both ways
    walks = (
        salted_join(
            middle, middle.select("z", F.col("p").alias("v")), "z", zdeg, salt_above=salt_above
        )
        .where(F.col("p") < F.col("v"))
        .select("p", "v", F.lit(1).alias("cn"), (1.0 / F.col("deg")).alias("ra"))
        .withColumn("org", F.lit(0.0))
        .withColumn("tied", F.lit(0))
    )
    places = _place_rows(source, degree, max_place, salt_above, capped).select(
        "p", "v", F.lit(0).alias("cn"), F.lit(0.0).alias("ra"), "org", F.lit(0).alias("tied")
    )
    ties = adj.where(F.col("u") < F.col("x")).select(
        F.col("u").alias("p"),
        F.col("x").alias("v"),
        F.lit(0).alias("cn"),
        F.lit(0.0).alias("ra"),
        F.lit(0.0).alias("org"),
        F.lit(1).alias("tied"),
    )
    pairs = (
        walks.unionByName(places)
        .unionByName(ties)
        .groupBy("p", "v")
        .agg(
            F.sum("cn").alias("cn"),
            F.sum("ra").alias("ra"),
            F.sum("org").alias("org"),
            F.max("tied").alias("tied"),
        )
        .where((F.col("cn") > 0) | (F.col("org") > 0))
    )
    pairs = pairs.unionByName(
        pairs.select(F.col("v").alias("p"), F.col("p").alias("v"), "cn", "ra", "org", "tied")
    ).localCheckpoint()
    # The three-step term adds THREE x (A^3)_pv to a score, and (A^3)_pv is at
    # most the walks of two steps from either end (w2: the contacts' degrees
    # summed) and deg(p) x deg(v). A person's candidates that cannot reach
    # their top-th best without it (kth) are dropped before it is counted.
    # Someone three steps away and no closer scores at most THREE x w2(p):
    # such people are looked for only for a person with fewer than `top`
    # candidates or whose kth that could reach ("far" people: few).
    ends = (
        middle.groupBy("p")
        .agg(F.sum("deg").cast("double").alias("w2"))
        .join(degree.select(F.col("u").alias("p"), F.col("deg").alias("dp")), "p", "right")
        .fillna(0.0, subset=["w2"])
        .localCheckpoint()
    )
    base = (
        pairs.where(F.col("tied") == 0)
        .withColumn(
            "base",
            F.col("ra") + KATZ_WEIGHT * KATZ_BETA**2 * F.col("cn") + ORG_WEIGHT * F.col("org"),
        )
        .join(F.broadcast(ends), "p")
        .join(
            F.broadcast(
                ends.select(
                    F.col("p").alias("v"), F.col("w2").alias("w2v"), F.col("dp").alias("dv")
                )
            ),
            "v",
        )
    )
    whole = (
        Window.partitionBy("p")
        .orderBy(F.desc("base"))
        .rowsBetween(Window.unboundedPreceding, Window.unboundedFollowing)
    )
    kth = F.nth_value("base", top).over(whole)
    bound = F.least(F.col("w2"), F.col("w2v"), F.col("dp").cast("double") * F.col("dv"))
    kept = (
        base.withColumn("kth", kth)
        .withColumn("far", F.col("kth").isNull() | (THREE * F.col("w2") >= F.col("kth") - MARGIN))
        .where(F.col("far") | (F.col("base") + THREE * bound >= F.col("kth") - MARGIN))
        .select("p", "v", "cn", "base", "far", "dp", "dv")
        .localCheckpoint()
    )
    # (A^3)_pv of the near candidates kept: over the lower-degree end's contacts
    # x (under the cap), the other end's common neighbours with x (the walks
    # p - z - w - v with both middles under the cap, from either end)
    low_p = F.col("dp") <= F.col("dv")
    near = kept.where(~F.col("far")).select(
        "p",
        "v",
        "cn",
        "base",
        F.when(low_p, F.col("p")).otherwise(F.col("v")).alias("e"),
        F.when(low_p, F.col("v")).otherwise(F.col("p")).alias("o"),
    )
    a3_near = (
        near.join(middle.select(F.col("p").alias("e"), F.col("z").alias("x")), "e")
        .join(
            pairs.select(F.col("p").alias("x"), F.col("v").alias("o"), F.col("cn").alias("c2")),
            ["x", "o"],
        )
        .groupBy("p", "v")
        .agg(F.sum("c2").cast("double").alias("a3"))
    )
    scored_near = near.join(a3_near, ["p", "v"], "left").fillna(0.0, subset=["a3"])
    # everyone three steps away, for the far people
    far = F.broadcast(kept.where(F.col("far")).select("p").distinct())
    a2 = (
        pairs.where(F.col("cn") > 0)
        .join(far, "p", "left_semi")
        .select("p", F.col("v").alias("w"), "cn")
    )
    three = (
        salted_join(
            a2,
            middle.select(F.col("z").alias("w"), F.col("p").alias("v")),
            "w",
            zdeg.withColumnRenamed("z", "w"),
            salt_above=salt_above,
        )
        .where(F.col("p") != F.col("v"))
        .groupBy("p", "v")
        .agg(F.sum("cn").cast("double").alias("a3"))
    )
    scored_far = (
        kept.where(F.col("far"))
        .select("p", "v", "cn", "base")
        .join(three, ["p", "v"], "full")
        .join(adj.select(F.col("u").alias("p"), F.col("x").alias("v")), ["p", "v"], "left_anti")
        .fillna(0.0, subset=["base", "a3"])
        .fillna(0, subset=["cn"])
    )
    scored = (
        scored_near.select("p", "v", "cn", "base", "a3")
        .union(scored_far.select("p", "v", "cn", "base", "a3"))
        .withColumn("score", F.col("base") + THREE * F.col("a3"))
        .where(F.col("score") != 0)
    )
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


def place_pairs(
    held: Any, max_place: int | None, salt_above: int, capped: dict[str, int] | None = None
) -> Any:
    """``p, v, deg``: every ordered pair of different people holding the same place
    (``held``: ``p, o`` rows, each once), ``deg`` its people — places of one person,
    or above ``max_place`` people, left out (``capped["places"]``: how many the cap
    left out). Hot places are salted."""
    from pyspark.sql import functions as F

    size = held.groupBy("o").agg(F.count("*").alias("deg"))
    if capped is not None:
        capped["places"] = 0 if max_place is None else size.where(F.col("deg") > max_place).count()
    shared = size.where(F.col("deg") > 1)
    if max_place is not None:
        shared = shared.where(F.col("deg") <= max_place)
    weighted = held.join(shared, "o")
    return salted_join(
        weighted.select("o", "p", "deg"),
        weighted.select("o", F.col("p").alias("v")),
        "o",
        shared,
        salt_above=salt_above,
    ).where(F.col("p") != F.col("v"))


def _place_rows(
    source: Source,
    degree: Any,
    max_place: int | None,
    salt_above: int,
    capped: dict[str, int] | None = None,
) -> Any:
    """``p, v, org`` (``p < v``), one row per place both hold now: 1 / log |place| (places of
    one person, or above ``max_place`` people, left out)."""
    from pyspark.sql import functions as F

    nodes = degree.select(F.col("u").alias("p"))
    held = (
        source["position"]
        .where(F.col("organization_id").isNotNull() & F.coalesce(F.col("is_current"), F.lit(False)))
        .select(F.col("person_id").alias("p"), F.col("organization_id").alias("o"))
        .join(nodes, "p", "left_semi")
        .distinct()
    )
    return (
        place_pairs(held, max_place, salt_above, capped)
        .where(F.col("p") < F.col("v"))
        .select("p", "v", (1.0 / F.log(F.col("deg"))).alias("org"))
    )
