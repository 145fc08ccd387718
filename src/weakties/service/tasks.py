"""Background work as rows: the ``task`` table, claimed and run by the server's own loop.

There is no broker. A task is a row (kind, JSON payload, when it is due); any
worker process claims a due task with one conditional ``UPDATE`` (the one whose
update changed the row runs it), so several processes share the work on SQLite
and PostgreSQL alike; a task whose worker died is claimed again once its lock
expires; a failing task is retried with a growing delay, then kept as failed
with its error. Each task runs in its own transaction.

Kinds:

- ``job_followers``: tell the followers of an organisation about a new job.
- ``expire_jobs``: close the jobs whose expiry day has passed (hourly).
- ``scan_invitations``: notify invitations received and accepted (from the
  ``invitation`` table, past a stored watermark).
- ``scan_events``: turn career moves found in imports into notifications for
  the members who may see them (the store's event rules decide who).
- ``scan_opportunities``: notify the next platform members of their opportunity
  feed's items (:func:`weakties.service.discover.scan_opportunities`).
- ``linkedin_upload``: a LinkedIn export uploaded in the browser, imported by a
  thread of the process that received it (:mod:`weakties.service.uploads`); the
  loop only claims one whose lock expired — its process stopped during the
  import — and records it as failed.
- ``fit_models``: fit and keep the models of a few members whose kept fit does
  not serve their present (none yet, a month old, or made before their newest
  label or ask outcome; :func:`weakties.ties.learned.serving_fit`) — pages
  never fit, they score with the fit this keeps
  (:mod:`weakties.service.models`).

:func:`tick` is one pass of the loop: it schedules the periodic kinds (one row
per period, deduplicated) and runs what is due. :class:`Worker` calls it every
``interval`` seconds in a thread of the web server.
"""

from __future__ import annotations

import atexit
import datetime as dt
import json
import logging
import os
import threading
import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from weakties.model.kinds import SOCIAL_TIE_SOURCES
from weakties.model.tables import (
    Event,
    Follow,
    Invitation,
    JobPosting,
    Member,
    Setting,
    Task,
    Tie,
    table_of,
    utcnow,
)
from weakties.store.engine import Store

__all__ = ["Worker", "enqueue", "fit_due", "run_due", "tick"]

log = logging.getLogger(__name__)

LOCK = dt.timedelta(minutes=2)
MAX_ATTEMPTS = 5
KEEP_DONE = dt.timedelta(days=1)
# periodic kinds and their period in seconds
PERIODIC = {
    "scan_invitations": 2,
    "scan_events": 10,
    "scan_opportunities": 60,
    "expire_jobs": 3600,
    "fit_models": 120,
}
#: members fitted per ``fit_models`` pass (a fit takes seconds on a large network)
FITS_PER_PASS = 2


def enqueue(
    conn: Connection,
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    dedup: str | None = None,
    run_after: dt.datetime | None = None,
) -> bool:
    """Add a task (in the caller's transaction); False if ``dedup`` exists already."""
    if dedup is not None and conn.execute(select(Task.id).where(Task.dedup == dedup)).first():
        return False
    conn.execute(
        insert(Task).values(
            kind=kind,
            payload=json.dumps(payload or {}),
            dedup=dedup,
            status="pending",
            run_after=run_after or utcnow(),
            created_at=utcnow(),
        )
    )
    return True


def _watermark(conn: Connection, name: str, default: str = "0") -> str:
    value = conn.execute(select(Setting.value).where(Setting.key == f"task:{name}")).scalar()
    return default if value is None else str(value)


def _set_watermark(conn: Connection, name: str, value: str) -> None:
    key = f"task:{name}"
    if conn.execute(update(Setting).where(Setting.key == key).values(value=value)).rowcount == 0:
        conn.execute(insert(Setting).values(key=key, value=value))


def _job_followers(conn: Connection, payload: dict[str, Any]) -> None:
    from weakties.service.notifications import notify

    job = conn.execute(
        select(table_of(JobPosting)).where(JobPosting.id == payload["job_id"])
    ).first()
    if job is None or job.status != "open":
        return
    followers = conn.execute(
        select(Follow.member_id).where(
            Follow.organization_id == job.organization_id, Follow.active.is_(True)
        )
    ).scalars()
    for member_id in followers:
        notify(
            conn,
            member_id,
            "job",
            dedup=f"job-{job.id}",
            thread=f"org-jobs-{job.organization_id}",
            actor_id=job.poster_id,
            job_id=job.id,
            detail=job.title,
        )


def _expire_jobs(conn: Connection, payload: dict[str, Any]) -> None:
    from weakties.service.jobs import expire_jobs

    expire_jobs(conn)


def _scan_invitations(conn: Connection, payload: dict[str, Any]) -> None:
    from weakties.service.notifications import notify

    last_id = int(_watermark(conn, "invitations_id"))
    last_answer = _watermark(conn, "invitations_answered", "1970-01-01T00:00:00")
    new = conn.execute(
        select(table_of(Invitation))
        .where(Invitation.id > last_id)
        .order_by(Invitation.id)
        .limit(5000)
    ).all()
    for inv in new:
        if inv.status in ("pending", "accepted"):
            notify(
                conn,
                inv.recipient_id,
                "invitation",
                dedup=f"invitation-{inv.id}",
                thread="invitations",
                actor_id=inv.sender_id,
                at=inv.created_at,
            )
    if new:
        _set_watermark(conn, "invitations_id", str(new[-1].id))
    answered = (
        conn.execute(
            select(table_of(Invitation))
            .where(
                Invitation.status == "accepted",
                Invitation.answered_at > dt.datetime.fromisoformat(last_answer),
            )
            .order_by(Invitation.answered_at)
            .limit(5000)
        )
    ).all()
    for inv in answered:
        notify(
            conn,
            inv.sender_id,
            "acceptance",
            dedup=f"acceptance-{inv.id}",
            thread="acceptances",
            actor_id=inv.recipient_id,
            at=inv.answered_at,
        )
    if answered:
        _set_watermark(conn, "invitations_answered", answered[-1].answered_at.isoformat())


def _scan_events(conn: Connection, payload: dict[str, Any]) -> None:
    """Career moves found by imports -> notifications for each member whose scoped
    reader lists the event (the store's event rules, not a copy of them)."""
    from weakties.service.context import viewer
    from weakties.service.notifications import notify
    from weakties.service.social import shown_reader

    last_id = int(_watermark(conn, "events_id"))
    events = conn.execute(
        select(Event.id, Event.member_id, Event.person_id, Event.detail)
        .where(Event.id > last_id, Event.kind == "career_move")
        .order_by(Event.id)
        .limit(2000)
    ).all()
    top = conn.execute(select(Event.id).order_by(Event.id.desc()).limit(1)).scalar()
    handles = dict(conn.execute(select(Member.id, Member.handle)).all())
    person_member = dict(conn.execute(select(Member.person_id, Member.id)).all())
    for event_id, member_id, person_id, detail in events:
        # who might see it: its finder, and members with a social tie to the person
        ends = conn.execute(
            select(Tie.person_a_id, Tie.person_b_id).where(
                or_(Tie.person_a_id == person_id, Tie.person_b_id == person_id),
                Tie.source.in_(SOCIAL_TIE_SOURCES),
                Tie.ended_at.is_(None),
            )
        ).all()
        candidates = {member_id} | {
            person_member[b if a == person_id else a]
            for a, b in ends
            if (b if a == person_id else a) in person_member
        }
        to = (json.loads(detail) if detail else {}).get("to") or {}
        line = " · ".join(str(v) for v in (to.get("title"), to.get("org")) if v) or None
        for candidate in sorted(candidates):
            if candidate not in handles or person_member.get(person_id) == candidate:
                continue
            who = viewer(conn, handles[candidate])
            # read as the candidate is shown the network: nothing about whom a block
            # or a suspension hides from them, nor found in such a member's data
            seen = shown_reader(conn, who).events(kinds=["career_move"], person_id=person_id)
            if not any(e["id"] == event_id for e in seen) and not any(
                e["detail"].get("to") == to for e in seen
            ):
                continue
            notify(
                conn,
                candidate,
                "career_move",
                dedup=f"career-{person_id}-{json.dumps(to, sort_keys=True)}"[:100],
                thread=f"person-{person_id}",
                person_id=person_id,
                event_id=event_id,
                detail=line,
            )
    if events:
        _set_watermark(conn, "events_id", str(events[-1][0]))
    elif top is not None and top > last_id:
        _set_watermark(conn, "events_id", str(top))


def _scan_opportunities(conn: Connection, payload: dict[str, Any]) -> None:
    from weakties.service.discover import scan_opportunities

    scan_opportunities(conn)


def _linkedin_upload(conn: Connection, payload: dict[str, Any]) -> None:
    from weakties.service.uploads import stopped_import

    stopped_import(conn, payload)


def _fit_models(conn: Connection, payload: dict[str, Any]) -> None:
    fit_due(conn, limit=int(payload.get("limit", FITS_PER_PASS)))


def fit_due(conn: Connection, *, limit: int = FITS_PER_PASS) -> list[str]:
    """Fit and keep the models of at most ``limit`` members whose kept fit does
    not serve their present — first those whose fit it retired (their pages
    read the priors until then), then those who never had one; the handles
    fitted.

    Which members have a kept fit is read in one query: only theirs are
    checked one by one (a platform of 10,000 members without fits built 10,000
    viewers every pass to learn that each had none)."""
    from weakties.service.context import reader, viewer
    from weakties.service.models import fit
    from weakties.ties.learned import SETTING, kept_fit, serving_fit

    prefix = f"{SETTING}:"
    with_fit = {
        key[len(prefix) :]
        for key in conn.execute(
            select(Setting.key).where(Setting.key.startswith(prefix, autoescape=True))
        ).scalars()
    }
    retired: list[tuple[int, str]] = []
    never: list[tuple[int, str]] = []
    for member_id, handle in conn.execute(select(Member.id, Member.handle).order_by(Member.id)):
        if str(member_id) not in with_fit:
            never.append((int(member_id), str(handle)))
            continue
        who = viewer(conn, handle)
        r = reader(conn, who)
        if serving_fit(r, member_id, who.now) is None:
            # a damaged fit is as none
            (never if kept_fit(r, member_id) is None else retired).append(
                (int(member_id), str(handle))
            )
    done = []
    for _, handle in (retired + never)[:limit]:
        result = fit(conn, viewer(conn, handle))
        log.info("models fitted for %s as of %s", handle, result.as_of)
        done.append(handle)
    return done


HANDLERS: dict[str, Callable[[Connection, dict[str, Any]], None]] = {
    "job_followers": _job_followers,
    "expire_jobs": _expire_jobs,
    "scan_invitations": _scan_invitations,
    "scan_events": _scan_events,
    "scan_opportunities": _scan_opportunities,
    "fit_models": _fit_models,
    "linkedin_upload": _linkedin_upload,
}


def _claim(store: Store, now: dt.datetime, limit: int) -> list[tuple[int, str, str, int]]:
    claimed = []
    with store.engine.begin() as conn:
        due = conn.execute(
            select(Task.id, Task.kind, Task.payload, Task.attempts)
            .where(
                or_(
                    (Task.status == "pending") & (Task.run_after <= now),
                    (Task.status == "running") & (Task.locked_until < now),
                )
            )
            .order_by(Task.run_after, Task.id)
            .limit(limit)
        ).all()
    for task_id, kind, payload, attempts in due:
        with store.engine.begin() as conn:
            won = conn.execute(
                update(Task)
                .where(
                    Task.id == task_id,
                    Task.attempts == attempts,
                    or_(
                        Task.status == "pending",
                        (Task.status == "running") & (Task.locked_until < now),
                    ),
                )
                .values(status="running", locked_until=now + LOCK, attempts=attempts + 1)
            ).rowcount
        if won:
            claimed.append((task_id, kind, payload, attempts + 1))
    return claimed


def run_due(
    store: Store,
    *,
    limit: int = 50,
    now: dt.datetime | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Claim and run the due tasks; returns how many ran (successfully or not).

    Each runs as background work (:func:`weakties.service.live.background`): it
    keeps nothing in the memory of the members' pages, nor pushes them out."""
    from weakties.service.live import background

    now = now or utcnow()
    ran = 0
    claimed = _claim(store, now, limit)
    for n, (task_id, kind, payload, attempts) in enumerate(claimed):
        if stop is not None and stop.is_set():
            _release(store, claimed[n:])  # for the next pass, here or elsewhere
            break
        ran += 1
        try:
            with background(), store.engine.begin() as conn:
                HANDLERS[kind](conn, json.loads(payload))
                conn.execute(
                    update(Task)
                    .where(Task.id == task_id)
                    .values(status="done", finished_at=utcnow(), locked_until=None)
                )
        except Exception as exc:  # a task's failure is recorded, the loop goes on
            log.exception("task %s (%s) failed", task_id, kind)
            final = attempts >= MAX_ATTEMPTS
            with store.engine.begin() as conn:
                conn.execute(
                    update(Task)
                    .where(Task.id == task_id)
                    .values(
                        status="failed" if final else "pending",
                        run_after=utcnow() + dt.timedelta(seconds=2**attempts * 5),
                        locked_until=None,
                        error=f"{type(exc).__name__}: {exc}"[:1000],
                        finished_at=utcnow() if final else None,
                    )
                )
    return ran


def _release(store: Store, claimed: list[tuple[int, str, str, int]]) -> None:
    """Give back tasks claimed and not run, as they were before the claim."""
    with store.engine.begin() as conn:
        for task_id, _kind, _payload, attempts in claimed:
            conn.execute(
                update(Task)
                .where(Task.id == task_id, Task.status == "running")
                .values(status="pending", locked_until=None, attempts=attempts - 1)
            )


def schedule_periodic(store: Store, now: dt.datetime | None = None) -> None:
    """One row per periodic kind and period (the dedup key holds it across workers)."""
    now = now or utcnow()
    epoch = int(now.timestamp())
    for kind, period in PERIODIC.items():
        try:
            with store.engine.begin() as conn:
                enqueue(conn, kind, dedup=f"{kind}-{epoch // period}", run_after=now)
        except IntegrityError:  # another worker scheduled the same period
            pass
    with store.engine.begin() as conn:
        conn.execute(delete(Task).where(Task.status == "done", Task.finished_at < now - KEEP_DONE))


def tick(store: Store, stop: threading.Event | None = None) -> int:
    """One pass of the loop: schedule the periodic work, run what is due (until
    ``stop`` is set)."""
    schedule_periodic(store)
    return run_due(store, stop=stop)


_WORKERS: weakref.WeakSet[Worker] = weakref.WeakSet()


def _finish_at_exit(worker: Worker) -> None:
    """Have the process wait at exit for ``worker``'s task running then.

    The loop's thread is a daemon (a process stops without waiting for its next
    pass), but a daemon thread still running when the interpreter shuts down is
    ended inside whatever it runs — for a fit, numba's compiled kernels and their
    OpenMP threads — and the process aborted (exit status 134) after its work
    was done. At exit (before the interpreter shuts down) every loop is told to
    stop and is waited for: it ends after the task it runs."""
    if not _WORKERS:
        atexit.register(_stop_workers)
    _WORKERS.add(worker)


def _stop_workers() -> None:
    workers = list(_WORKERS)
    for worker in workers:
        worker._stop.set()
    for worker in workers:
        worker.stop(timeout=None)


class Worker:
    """The server's own loop: :func:`tick` every ``interval`` seconds in a thread.

    Once per installation: the loop runs only while its process holds the
    database's ``tasks`` lock (:class:`weakties.store.exclusive.Exclusive`), so
    that the worker processes of one server, or several servers on one
    PostgreSQL database, do not all schedule and poll; the others try again every
    ``interval`` and take over when the holder stops."""

    def __init__(self, store: Store, interval: float):
        self.store = store
        self.interval = interval
        self.passes = 0  # passes of the loop run by this process
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="weakties-tasks", daemon=True)

    def start(self) -> None:
        _finish_at_exit(self)
        self._thread.start()

    def stop(self, timeout: float | None = 10) -> None:
        """Stop after the task running now (waiting ``timeout`` seconds for it; a
        process that exits waits for it to the end, see :func:`_finish_at_exit`)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=timeout)

    def _run(self) -> None:
        from weakties.store.exclusive import Exclusive

        lock = Exclusive(self.store, "tasks")
        holding = False
        try:
            while not self._stop.wait(self.interval):
                try:
                    if not lock.acquire():
                        holding = False
                        continue  # another process runs them
                    if not holding:
                        holding = True
                        log.info("background tasks: this process (%d) runs them", os.getpid())
                    tick(self.store, stop=self._stop)
                    self.passes += 1
                except Exception:  # the database may be busy or gone for a moment
                    log.exception("background tasks: one pass failed")
        finally:
            lock.release()
