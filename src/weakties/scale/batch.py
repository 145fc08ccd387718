"""The nightly batch: tie scores, people you may know, warm reach — on Spark.

``weakties batch ties|suggest|reach|all --source URL --output URL`` reads the
store (see :mod:`weakties.scale.source`), computes with
:mod:`weakties.scale.ties`, :mod:`weakties.scale.suggest` and
:mod:`weakties.scale.reach`, and writes one run (see :mod:`weakties.scale.runs`):
the results switch only when the run is complete.

The tie scores are the priors' for the operator's whole-database view; on a
member's own export they are read by the model the embedded engine scores that
member's ties with — their calibration, or their kept fit where it reads a pair
(:mod:`weakties.scale.fitted`) — and each row names its model (``model``).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from weakties.errors import InputError
from weakties.scale import runs
from weakties.scale.suggest import MAX_DEGREE, MAX_PLACE, SALT_ABOVE
from weakties.store import clock

__all__ = ["JOBS", "BatchResult", "run_batch"]

log = logging.getLogger(__name__)

JOBS = ("ties", "suggest", "reach", "all")


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What a run wrote and how long each step took.

    ``seconds`` covers the whole run, step by step: ``session`` (only when the
    run started Spark), ``read`` (opening the source), ``ties``, ``suggest``,
    ``reach`` (computing and writing their tables) and ``switch`` (serving
    the run and removing old ones).
    """

    run_id: str
    output: str
    as_of: str
    source_viewer: str
    rows: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)
    pruned: list[str] = field(default_factory=list)
    models: dict[str, str] = field(default_factory=dict)
    #: middle persons (``people``) and places the suggestions' caps left out;
    #: with both 0 the suggestions are exactly the embedded engine's
    capped: dict[str, int] = field(default_factory=dict)


#: What a run scores and ranks with (kept in its manifest and said by ``weakties
#: batch``). Ties: the documented priors, or — on a member's own export — the
#: model the embedded engine scores their ties with (their calibration, or the
#: fit kept by ``weakties model fit`` that serves the date, applied by
#: :mod:`weakties.scale.fitted`); the run says which (:func:`weakties.scale.fitted.run_model`).
#: Suggestions: on a member's own export, the ranker fitted on their history
#: when their kept fit has one that serves the date (:mod:`weakties.scale.ranker`);
#: else the heuristic, which ranks worse (docs/scale.md).
MODELS = {
    "ties": "the documented priors: the hand-set default tie model",
    "suggest": "the weakties heuristic (resource allocation, shared organisations, a little "
    "Katz), not a ranker fitted on a member's history, which ranks better "
    "(precision@10 0.0060 vs 0.0236 on CollegeMsg's rolling splits)",
    "reach": "tie strengths scored with the run's tie model",
}


def run_batch(
    job: str,
    source_url: str,
    output_url: str,
    *,
    spark: Any = None,
    master: str | None = None,
    top: int = 10,
    max_degree: int | None = MAX_DEGREE,
    max_place: int | None = MAX_PLACE,
    salt_above: int = SALT_ABOVE,
    as_of: dt.datetime | None = None,
) -> BatchResult:
    """Run ``job`` ("ties", "suggest", "reach" or "all") as one run.

    Raises
    ------
    InputError
        An unknown job, or a source that is not a store.
    SparkUnavailable
        Without pyspark or Java.
    """
    if job not in JOBS:
        raise InputError(f"batch job must be one of {', '.join(JOBS)}, not {job!r}")
    from weakties.scale.session import spark_session
    from weakties.scale.source import load_source

    seconds: dict[str, float] = {}

    @contextmanager
    def step(name: str) -> Iterator[None]:
        begin = time.perf_counter()
        yield
        seconds[name] = round(time.perf_counter() - begin, 3)
        log.info("batch: %s in %.1f s", name, seconds[name])

    output = runs.output_path(output_url)
    output.mkdir(parents=True, exist_ok=True)
    if spark is None:
        with step("session"):
            spark = spark_session(master)
    session = spark
    with step("read"):
        source = load_source(session, source_url, now=as_of)
        when = source.now
        run_id = runs.new_run(output)
        folder = runs.run_folder(output, run_id)
    started = clock.utcnow().replace(tzinfo=dt.UTC)
    wanted = ("ties", "suggest", "reach") if job == "all" else (job,)
    rows: dict[str, int] = {}
    capped: dict[str, int] = {}

    def write(name: str, frame: Any) -> None:
        frame.write.mode("errorifexists").parquet(str(folder / name))
        rows[name] = int(session.read.parquet(str(folder / name)).count())
        log.info("batch %s: %s, %d row(s)", run_id, name, rows[name])

    from pyspark.sql import functions as F

    from weakties.scale import fitted as fit_job
    from weakties.scale import ties as tie_job
    from weakties.ties.reasons import FITTED_MODEL

    prior, fit, tie_model = fit_job.run_model(source, when)

    def scored() -> Any:
        """Every pair's score: the prior's, read by the kept fit where it applies."""
        features = tie_job.tie_features(session, source, when)
        frame = tie_job.tie_scores(features, prior)
        if fit is None or fit.ties is None:
            return frame.withColumn("model", F.lit(prior.name))
        name = FITTED_MODEL.format(date=fit.date)
        inputs = fit_job.fitted_features(source, when)
        return fit_job.fitted_scores(frame, inputs, fit.ties, name, prior.name)

    scores = None
    if "ties" in wanted:
        with step("ties"):
            write("ties", scored())
        scores = session.read.parquet(str(folder / "ties"))
    ranker, ranker_words = None, ""
    if "suggest" in wanted:
        from weakties.scale import ranker as rank_job
        from weakties.scale.suggest import suggestions

        ranker, ranker_words = rank_job.run_ranker(source, when)
        with step("suggest"):
            if ranker is not None and ranker.pymk is not None:
                # the ranker's inputs, and the common neighbours said beside each
                wanted_features = tuple(dict.fromkeys(["cn", *ranker.pymk.shapes]))
                candidates = rank_job.candidate_features(
                    source,
                    when,
                    features=wanted_features,
                    max_degree=max_degree,
                    max_place=max_place,
                    salt_above=salt_above,
                    capped=capped,
                )
                found = rank_job.ranked(candidates, ranker.pymk, top=top)
            else:
                found = suggestions(
                    source,
                    when,
                    top=top,
                    max_degree=max_degree,
                    max_place=max_place,
                    salt_above=salt_above,
                    capped=capped,
                )
            write("suggest", found)
    if "reach" in wanted:
        from weakties.scale.reach import reach

        with step("reach"):
            if scores is None:
                # the scores are read once, by the strengths that reach checkpoints
                scores = scored()
            by_org, totals = reach(source, scores, when, salt_above=salt_above)
            write("reach", by_org)
            write("reach_totals", totals)
    finished = clock.utcnow().replace(tzinfo=dt.UTC)
    models = {name: MODELS[name] for name in wanted}
    if "ties" in models:
        models["ties"] = tie_model
    if "reach" in models:
        models["reach"] = f"tie strengths scored with {tie_model}"
    if "suggest" in models:
        models["suggest"] = (
            ranker_words if ranker is not None else f"{MODELS['suggest']} ({ranker_words})"
        )
    manifest: dict[str, Any] = {
        "run": run_id,
        "job": job,
        "models": models,
        # the date of the member's fit whose ranker ranked the suggestions (None:
        # the heuristic), said where the suggestions are served
        "ranker": None if ranker is None else ranker.date,
        "tables": sorted(rows),
        "rows": rows,
        "capped": capped,
        "seconds": seconds,
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": finished.isoformat(timespec="seconds"),
        "as_of": when.isoformat(timespec="seconds"),
        "source": source.url,
        "source_viewer": source.viewer,
        "source_operator": source.operator,
        "members_by_name": source.members_by_name,
        "exported_at": source.exported_at,
        "parameters": {
            "top": top,
            "max_degree": max_degree,
            "max_place": max_place,
            "salt_above": salt_above,
            "master": session.sparkContext.master,
        },
    }
    with step("switch"):
        # the time of the switch itself is known only after RUN.json is written:
        # the manifest holds every step but this one
        runs.commit(output, run_id, manifest)
        pruned = runs.prune(output)
    return BatchResult(
        run_id,
        str(output),
        str(manifest["as_of"]),
        source.viewer,
        rows,
        seconds,
        pruned,
        models,
        capped,
    )
