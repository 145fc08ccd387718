"""A member's LinkedIn export, uploaded in the browser, imported in the background.

The ZIP goes through the very path of ``weakties import linkedin``
(:func:`weakties.ingest.linkedin.importer.import_linkedin`) into the member's
own data: one transaction (bad input writes nothing, and the error names the
file, the line and the field), the same export again changes nothing, a newer
one records what changed.

**At once, then in the background.** :func:`start_linkedin_import` checks the
upload while the member waits: not empty, not larger than the server allows, a
ZIP by its content (not its name), then what the importer refuses before it
reads a row (:func:`weakties.ingest.linkedin.importer.check_linkedin`: an unsafe
path in the ZIP, a zip bomb, no LinkedIn file, a header of no known version,
someone else's export). A refusal raises (:class:`FormError`,
:class:`ImportRefused`) and writes nothing. An upload that passes is kept in a
temporary folder, recorded as a row of the ``task`` table (kind :data:`KIND`:
whose it is, its stage and, once finished, its summary or the importer's
refusal) and imported by this process's import thread; the member follows it on
a page that reads :func:`import_status`, theirs only (anyone else: ``None``).

**What each worker process holds.** One daemon thread, started with the first
upload the process receives, that runs the process's imports one after the
other in the order received (the database's write lock serialises the imports of
all processes anyway); the temporary folder of each upload it has not finished
(removed when its import ends); and the progress of the import it runs (the
file being read, the rows read, the share of the bytes), in memory and in
``progress.json`` in that folder, so that every process of the same server shows
it. The progress cannot go in the database: the import is one transaction, and
on SQLite it holds the write lock until it commits; the row says the stage
(waiting, then done or failed), written before and after that transaction.

A process that exits has its imports give up (the running one at its next
progress report, every 2,000 rows: its transaction rolls back) and records them
as stopped, so that their pages say to upload the export again. One that is
killed writes nothing either, but leaves its row unfinished: once the row's lock
(:data:`IMPORT_LOCK`) expires, the server's loop (:mod:`weakties.service.tasks`)
marks it failed in the same words. A finished row is kept a day
(the loop deletes finished tasks after :data:`weakties.service.tasks.KEEP_DONE`);
deleting an account deletes its rows (:func:`forget_imports`).

The importer's messages are the command line's: where one names an option
(``--export-date``, ``--encoding``, ``--as``, ``--date-order``...), the member is
told what to do on the page instead — the form's field, or what to change in the
file. How the export's date was found is a code
(:attr:`weakties.ingest.run.ImportSummary.export_date_how`) that the page words
in the member's language.
"""

from __future__ import annotations

import atexit
import dataclasses
import datetime as dt
import io
import json
import logging
import os
import queue
import re
import shutil
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from sqlalchemy import Connection, delete, insert, select, update

from weakties.errors import InputError
from weakties.ingest.run import OwnerMismatch
from weakties.ingest.sources import Limits, MiB
from weakties.model.tables import Task, utcnow
from weakties.service.forms import N_, FormError
from weakties.service.people import PeopleCounts, people_counts

if TYPE_CHECKING:
    from weakties.service.accounts import AccountInfo
    from weakties.store.engine import Store

__all__ = [
    "IMPORT_LOCK",
    "KIND",
    "TOO_LARGE",
    "ImportRefused",
    "ImportStatus",
    "UploadedExport",
    "forget_imports",
    "import_status",
    "latest_import",
    "start_linkedin_import",
    "stopped_import",
    "wait_for_imports",
    "web_words",
]

log = logging.getLogger(__name__)

UNZIPPED = Limits(max_unzipped_total=1024 * MiB)  # what an upload may unpack to
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a ZIP with files, an empty ZIP
FIELD = "export"
DATE_FIELD = "export_date"
#: the form says how large, in MiB (the page fills ``size`` in)
TOO_LARGE = N_("The file is larger than %(size)s MiB, the most this server accepts.")
#: the ``task`` rows of uploaded imports
KIND = "linkedin_upload"
#: how long an import may run before the server's loop takes its process for
#: stopped (far more than the largest export accepted takes)
IMPORT_LOCK = dt.timedelta(hours=2)
#: an import's stages, in order
STAGES = ("waiting", "reading", "saving", "done", "failed")
_FOLDER_PREFIX = "weakties-upload-"
_PROGRESS_FILE = "progress.json"

# what the command line's advice becomes on the page (the form has the file and
# the export's date)
_WEB_WORDS = (
    (
        re.compile(r"give its date with --export-date YYYY-MM-DD"),
        "give its date in the field “Date of the export” and upload it again",
    ),
    (
        re.compile(r"if the file was saved by Excel, import it with --encoding \S+"),
        "if the file was saved by Excel, save it again as “CSV UTF-8”, put it back in the "
        "ZIP and upload that",
    ),
    (
        re.compile(r"; raise (?:the limit|it) with --max-unzipped if the export is genuine"),
        ": this server accepts no larger export",
    ),
    (
        re.compile(r"; import it with --as \S+"),
        ": upload your own export",
    ),
    (
        re.compile(r"; say which with --date-order dmy or --date-order mdy"),
        ": save the file with its dates written as YYYY-MM-DD (2024-07-04), put it "
        "back in the ZIP and upload that",
    ),
)


def web_words(message: str) -> str:
    """An importer's message as the upload page says it: the command line's options
    replaced by what to do on the page."""
    for pattern, words in _WEB_WORDS:
        message = pattern.sub(words, message)
    return message


class ImportRefused(InputError):
    """The importer refused the export: its message names the file, line and field
    (within the uploaded ZIP); nothing was written. For an export of someone else,
    ``owner`` and ``member_name`` say whose it is and who the member is."""

    def __init__(self, message: str, *, owner: str | None = None, member_name: str = ""):
        super().__init__(message)
        self.owner = owner
        self.member_name = member_name


@dataclass(frozen=True)
class UploadedExport:
    """What an upload did, as ``weakties import linkedin`` reports it: the
    import's summary (:meth:`weakties.ingest.run.ImportSummary.as_dict`, its
    ``export_date`` a date) and the member's people after it."""

    filename: str
    summary: dict[str, Any]
    people: PeopleCounts  # the member's people after the import, as LinkedIn counts them

    @property
    def added(self) -> dict[str, int]:
        return {k: v for k, v in self.summary.get("added", {}).items() if v}


@dataclass(frozen=True)
class ImportStatus:
    """Where one uploaded import is, as its page shows it.

    ``stage`` is one of :data:`STAGES`; while reading, ``file`` is the file being
    read, ``rows`` the rows read so far (all files) and ``percent`` the share of
    the export's bytes read. Once ``done``, ``result`` is what it did; once
    ``failed``, ``problem`` is the importer's refusal (``owner`` and
    ``member_name`` set for someone else's export), or ``stopped`` says the
    server stopped during it, or ``crashed`` that it failed on the server's side.
    Nothing of a failed import was written."""

    id: int
    filename: str
    stage: str
    started_at: dt.datetime
    file: str | None = None
    rows: int = 0
    percent: int = 0
    files_read: int = 0
    result: UploadedExport | None = None
    problem: str = ""
    owner: str | None = None
    member_name: str = ""
    stopped: bool = False
    crashed: bool = False

    @property
    def finished(self) -> bool:
        return self.stage in ("done", "failed")


def _safe_name(filename: str) -> str:
    """The upload's own name (its date may tell when the export was made), with
    nothing that could leave the temporary folder."""
    name = re.sub(r"[^A-Za-z0-9._() -]", "_", Path(filename.replace("\\", "/")).name)
    name = name.strip(" .")[:120] or "LinkedInDataExport"
    return name if name.lower().endswith(".zip") else f"{name}.zip"


def _export_date(value: str | None) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise FormError.one(DATE_FIELD, N_("Give the date as YYYY-MM-DD.")) from None


def _refused(exc: InputError, path: Path, name: str) -> ImportRefused:
    """The importer's refusal, the ZIP named by its upload name (not the
    temporary folder) and the command line's advice in the page's words."""
    if isinstance(exc, OwnerMismatch):
        return ImportRefused(str(exc), owner=exc.owner, member_name=exc.member_name)
    message = str(exc).replace(str(path), name).replace(str(path.parent) + "/", "")
    return ImportRefused(web_words(message))


_CHUNK = 1024 * 1024


def _spool(source: bytes | BinaryIO, path: Path, max_bytes: int) -> None:
    """Copy the upload to ``path`` a chunk at a time (never whole in memory), at
    most one byte more than allowed, and check it: not empty, not too large, a
    ZIP by its first bytes."""
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    size, head = 0, b""
    with path.open("wb") as out:
        while size <= max_bytes:
            chunk = stream.read(min(_CHUNK, max_bytes + 1 - size))
            if not chunk:
                break
            head = (head + chunk[:4])[:4] if len(head) < 4 else head
            out.write(chunk)
            size += len(chunk)
    if not size:
        raise FormError.one(FIELD, N_("Choose the ZIP file of your LinkedIn export."))
    if size > max_bytes:
        raise FormError.one(FIELD, TOO_LARGE)
    if not head.startswith(ZIP_MAGIC):
        raise FormError.one(
            FIELD,
            N_(
                "This is not a ZIP file: upload the ZIP that LinkedIn sends you, as it is "
                "(not unpacked, not one of its CSV files)."
            ),
        )


def start_linkedin_import(
    store: Store,
    account: AccountInfo,
    filename: str,
    data: bytes | BinaryIO,
    *,
    max_bytes: int,
    export_date: str | None = None,
) -> int:
    """Check the uploaded LinkedIn export ``data`` at once, then import it into the
    member's own data in the background; the import's id (for :func:`import_status`).

    ``data`` is the upload (its bytes, or a stream read a chunk at a time); more
    than ``max_bytes`` is refused. ``export_date`` (YYYY-MM-DD, optional) is when
    the export was made, for one whose name carries no date.

    Raises
    ------
    FormError
        No file, a file too large, or one that is not a ZIP (field ``export``); a
        date that is not one (field ``export_date``). Nothing was written.
    ImportRefused
        The importer's refusal of what it checks before reading the rows (see the
        module doc), naming the file inside the ZIP; nothing was written.
    """
    from weakties.ingest.linkedin.importer import check_linkedin

    name = _safe_name(filename)
    folder = Path(tempfile.mkdtemp(prefix=_FOLDER_PREFIX))
    try:
        path = folder / name
        _spool(data, path, max_bytes)
        made = _export_date(export_date)
        try:
            check_linkedin(store, path, account.handle, limits=UNZIPPED)
        except InputError as exc:
            raise _refused(exc, path, name) from None
        now = utcnow()
        dedup = f"upload-{account.member_id}-{uuid.uuid4().hex}"
        payload = {
            "dedup": dedup,
            "member_id": account.member_id,
            "handle": account.handle,
            "filename": name,
            "folder": str(folder),
            "export_date": made.isoformat() if made else None,
            "stage": "waiting",
        }
        with store.engine.begin() as conn:
            task_id = int(
                conn.execute(
                    insert(Task)
                    .values(
                        kind=KIND,
                        payload=json.dumps(payload),
                        dedup=dedup,
                        status="running",  # never claimed by the loop while it runs
                        attempts=1,
                        run_after=now,
                        locked_until=now + IMPORT_LOCK,
                        created_at=now,
                    )
                    .returning(Task.id)
                ).scalar_one()
            )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    _IMPORTS.submit(_Job(store, task_id, folder, name, account.handle, made))
    return task_id


@dataclass
class _Job:
    store: Store
    task_id: int
    folder: Path
    name: str
    handle: str
    export_date: dt.date | None
    progress: dict[str, Any] = field(default_factory=lambda: {"stage": "waiting"})

    def report(self, **values: Any) -> None:
        """Keep the progress: in memory, and in the folder for the other processes
        (the importer tells it every 2,000 rows and at the end of each file)."""
        self.progress.update(values)
        part = self.folder / f"{_PROGRESS_FILE}.part"
        try:
            part.write_text(json.dumps(self.progress), "utf-8")
            os.replace(part, self.folder / _PROGRESS_FILE)
        except OSError:  # the other processes then show less; the import goes on
            log.warning("could not write the progress of import %s", self.task_id)


class _Stopping(Exception):
    """The process is stopping: the import gives up (its transaction rolls back)."""


def _run(job: _Job, stopping: threading.Event) -> None:
    """Import one upload and record how it ended (never raises). When ``stopping``
    is set (the process exits) the import gives up at its next progress report —
    every 2,000 rows — writing nothing, and is recorded as stopped."""
    from weakties.ingest.linkedin.importer import import_linkedin
    from weakties.service.context import viewer

    path = job.folder / job.name
    rows = [0]
    files: set[str] = set()

    def progress(file: str, read: int, done: int, total: int) -> None:
        if stopping.is_set():
            raise _Stopping
        rows[0] += read
        files.add(file)
        finished = total > 0 and done >= total
        job.report(
            stage="saving" if finished else "reading",
            file=file,
            rows=rows[0],
            percent=int(100 * done / total) if total else 0,
            files_read=len(files),
        )

    outcome: dict[str, Any]
    try:
        if stopping.is_set():
            raise _Stopping
        job.report(stage="reading")
        summary = import_linkedin(
            job.store,
            path,
            job.handle,
            limits=UNZIPPED,
            export_date=job.export_date,
            progress=progress,
        )
        with job.store.engine.connect() as conn:
            counts = people_counts(conn, viewer(conn, job.handle))
        outcome = {
            "stage": "done",
            "summary": summary.as_dict(),
            "people": dataclasses.asdict(counts),
            "rows": rows[0],
        }
    except _Stopping:
        outcome = {"stage": "failed", "stopped": True}
    except InputError as exc:
        refused = _refused(exc, path, job.name)
        outcome = {
            "stage": "failed",
            "problem": str(refused),
            "owner": refused.owner,
            "member_name": refused.member_name,
        }
    except Exception:  # the transaction was rolled back: nothing written
        log.exception("import %s (%s) failed", job.task_id, job.handle)
        outcome = {"stage": "failed", "crashed": True}
    finally:
        shutil.rmtree(job.folder, ignore_errors=True)
    try:
        _finish(job.store, job.task_id, outcome)
    except Exception:  # the loop marks it stopped once its lock expires
        log.exception("could not record how import %s ended", job.task_id)


def _finish(store: Store, task_id: int, outcome: dict[str, Any]) -> None:
    with store.write(f"record the end of upload {task_id}") as conn:
        found = conn.execute(select(Task.payload).where(Task.id == task_id)).scalar()
        if found is None:  # the account was deleted meanwhile
            return
        payload = {**json.loads(found), **outcome}
        payload.pop("folder", None)
        conn.execute(
            update(Task)
            .where(Task.id == task_id)
            .values(
                payload=json.dumps(payload, default=str),
                status="done",
                finished_at=utcnow(),
                locked_until=None,
            )
        )


class _Imports:
    """This process's import thread, its queue and the progress of what it runs.

    At the process's exit (:func:`atexit`), :meth:`stop` has the import running
    give up — rolled back, recorded as stopped, like those still waiting — so that
    its page says to upload the export again at once rather than when the loop
    finds its lock expired."""

    #: seconds the exit waits for the imports to record that they stopped
    STOP_WAIT = 10.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._queue: queue.Queue[_Job] = queue.Queue()
        self._jobs: dict[int, _Job] = {}
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._hooked = False

    def submit(self, job: _Job) -> None:
        with self._lock:
            self._jobs[job.task_id] = job
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._loop, name="weakties-imports", daemon=True
                )
                self._thread.start()
            if not self._hooked:
                self._hooked = True
                atexit.register(self.stop)
        self._queue.put(job)

    def progress(self, task_id: int) -> dict[str, Any] | None:
        with self._lock:
            job = self._jobs.get(task_id)
            return dict(job.progress) if job is not None else None

    def wait(self, timeout: float) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: not self._jobs, timeout)

    def stop(self, timeout: float | None = None) -> bool:
        """Have every import of this process give up, writing nothing, and record it
        as stopped; False if they did not all end within ``timeout`` seconds."""
        self._stopping.set()
        try:
            return self.wait(self.STOP_WAIT if timeout is None else timeout)
        finally:
            self._stopping.clear()  # the next uploads (a test's) run again

    def _loop(self) -> None:
        while True:
            job = self._queue.get()
            try:
                _run(job, self._stopping)
            finally:
                with self._idle:
                    self._jobs.pop(job.task_id, None)
                    self._idle.notify_all()


_IMPORTS = _Imports()


def wait_for_imports(timeout: float = 60.0) -> bool:
    """Wait until this process has no import running or waiting; False on timeout
    (for tests and commands that must see an upload's end)."""
    return _IMPORTS.wait(timeout)


def _live_progress(task_id: int, folder: str | None) -> dict[str, Any]:
    """The progress of a running import: this process's, else the one its process
    writes in the upload's folder (another process of this server)."""
    mine = _IMPORTS.progress(task_id)
    if mine is not None:
        return mine
    if not folder or not Path(folder).name.startswith(_FOLDER_PREFIX):
        return {}
    try:
        said = json.loads((Path(folder) / _PROGRESS_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return said if isinstance(said, dict) else {}


def _result(payload: dict[str, Any]) -> UploadedExport:
    summary = dict(payload["summary"])
    if summary.get("export_date"):
        summary["export_date"] = dt.date.fromisoformat(summary["export_date"])
    return UploadedExport(
        str(payload.get("filename", "")), summary, PeopleCounts(**payload["people"])
    )


def _owned(member_id: int) -> Any:
    return (Task.kind == KIND) & Task.dedup.startswith(f"upload-{member_id}-")


def import_status(conn: Connection, account: AccountInfo, task_id: int) -> ImportStatus | None:
    """The import ``task_id`` as the member who uploaded it sees it; ``None`` when
    there is none or it is not theirs."""
    row = conn.execute(
        select(Task.payload, Task.created_at).where(Task.id == task_id, _owned(account.member_id))
    ).first()
    if row is None:
        return None
    payload = json.loads(row.payload)
    if payload.get("member_id") != account.member_id:
        return None
    stage = str(payload.get("stage", "waiting"))
    live: dict[str, Any] = {}
    if stage not in ("done", "failed"):
        live = _live_progress(task_id, payload.get("folder"))
        stage = str(live.get("stage", stage))
        if stage not in STAGES[:3]:
            stage = "waiting"
    return ImportStatus(
        id=task_id,
        filename=str(payload.get("filename", "")),
        stage=stage,
        started_at=row.created_at,
        file=live.get("file"),
        rows=int(payload.get("rows", live.get("rows", 0))),
        percent=100 if stage == "done" else int(live.get("percent", 0)),
        files_read=int(live.get("files_read", 0)),
        result=_result(payload) if stage == "done" else None,
        problem=str(payload.get("problem") or ""),
        owner=payload.get("owner"),
        member_name=str(payload.get("member_name") or ""),
        stopped=bool(payload.get("stopped")),
        crashed=bool(payload.get("crashed")),
    )


def latest_import(conn: Connection, account: AccountInfo) -> ImportStatus | None:
    """The member's latest uploaded import still kept (see the module doc)."""
    newest = conn.execute(
        select(Task.id).where(_owned(account.member_id)).order_by(Task.id.desc()).limit(1)
    ).scalar()
    return None if newest is None else import_status(conn, account, int(newest))


def stopped_import(conn: Connection, payload: dict[str, Any]) -> None:
    """Record an import whose process stopped during it (the server's loop found
    its lock expired) as failed: nothing of it was written. Its folder, if still
    there, is removed."""
    folder = payload.pop("folder", None)
    if folder and Path(folder).name.startswith(_FOLDER_PREFIX):
        shutil.rmtree(folder, ignore_errors=True)
    if payload.get("stage") in ("done", "failed"):
        return
    conn.execute(
        update(Task)
        .where(Task.kind == KIND, Task.dedup == payload.get("dedup"))
        .values(payload=json.dumps({**payload, "stage": "failed", "stopped": True}))
    )


def forget_imports(conn: Connection, member_id: int) -> None:
    """Delete the rows of the member's uploaded imports (their account goes)."""
    conn.execute(delete(Task).where(_owned(member_id)))
