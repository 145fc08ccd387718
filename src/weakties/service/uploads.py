"""A member's LinkedIn export, uploaded in the browser.

The ZIP goes through the very path of ``weakties import linkedin``
(:func:`weakties.ingest.linkedin.importer.import_linkedin`) into the member's
own data: one transaction (bad input writes nothing, and the error names the
file, the line and the field), the same export again changes nothing, a newer
one records what changed. The upload is checked first: not empty, not larger
than the server allows, a ZIP by its content (not its name).

The importer's messages are the command line's: where one names an option
(``--export-date``, ``--encoding``, ``--as``, ``--date-order``...), the member is
told what to do on the page instead — the form's field, or what to change in the
file. How the export's date was found is a code
(:attr:`weakties.ingest.run.ImportSummary.export_date_how`) that the page words
in the member's language.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from weakties.errors import InputError
from weakties.ingest.run import OwnerMismatch
from weakties.ingest.sources import Limits, MiB
from weakties.service.forms import N_, FormError
from weakties.service.people import PeopleCounts, people_counts

if TYPE_CHECKING:
    from weakties.ingest.run import ImportSummary
    from weakties.service.accounts import AccountInfo
    from weakties.store.engine import Store

__all__ = ["TOO_LARGE", "ImportRefused", "UploadedExport", "import_linkedin_upload", "web_words"]

UNZIPPED = Limits(max_unzipped_total=1024 * MiB)  # what an upload may unpack to
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a ZIP with files, an empty ZIP
FIELD = "export"
DATE_FIELD = "export_date"
#: the form says how large, in MiB (the page fills ``size`` in)
TOO_LARGE = N_("The file is larger than %(size)s MiB, the most this server accepts.")

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
    """What an upload did, as ``weakties import linkedin`` reports it."""

    filename: str
    summary: ImportSummary
    people: PeopleCounts  # the member's people after the import, as LinkedIn counts them

    @property
    def added(self) -> dict[str, int]:
        return {k: v for k, v in self.summary.added.items() if v}


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


def import_linkedin_upload(
    store: Store,
    account: AccountInfo,
    filename: str,
    data: bytes,
    *,
    max_bytes: int,
    export_date: str | None = None,
) -> UploadedExport:
    """Import the uploaded LinkedIn export ``data`` into the member's own data.

    ``data`` holds at most ``max_bytes + 1`` bytes of the upload (one more than
    allowed says it is too large). ``export_date`` (YYYY-MM-DD, optional) is when
    the export was made, for one whose name carries no date.

    Raises
    ------
    FormError
        No file, a file too large, or one that is not a ZIP (field ``export``); a
        date that is not one (field ``export_date``).
    ImportRefused
        The importer's refusal, naming the file inside the ZIP, the line and the
        field; nothing was written.
    """
    from weakties.ingest.linkedin.importer import import_linkedin
    from weakties.service.context import viewer

    if not data:
        raise FormError.one(FIELD, N_("Choose the ZIP file of your LinkedIn export."))
    if len(data) > max_bytes:
        raise FormError.one(FIELD, TOO_LARGE)
    if not data.startswith(ZIP_MAGIC):
        raise FormError.one(
            FIELD,
            N_(
                "This is not a ZIP file: upload the ZIP that LinkedIn sends you, as it is "
                "(not unpacked, not one of its CSV files)."
            ),
        )
    made = _export_date(export_date)
    name = _safe_name(filename)
    with tempfile.TemporaryDirectory(prefix="weakties-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            summary = import_linkedin(
                store, path, account.handle, limits=UNZIPPED, export_date=made
            )
        except OwnerMismatch as exc:
            raise ImportRefused(str(exc), owner=exc.owner, member_name=exc.member_name) from None
        except InputError as exc:
            # the message names the ZIP by its upload name, not the temporary folder
            message = str(exc).replace(str(path), name).replace(folder + "/", "")
            raise ImportRefused(web_words(message)) from None
    with store.engine.connect() as conn:
        counts = people_counts(conn, viewer(conn, account.handle))
    return UploadedExport(name, summary, counts)
