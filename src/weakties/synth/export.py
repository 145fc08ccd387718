"""Write a person's LinkedIn data export as of a date, and the truth to check it with.

What one export contains (everything up to the end of ``as_of``, UTC):

- ``Connections.csv``: the person's ties with ``since <= as_of``, newest first; each
  contact's Company / Position is their job on ``as_of`` (empty without one);
  e-mail only for the ~5 % of people who share it.
- ``messages.csv``: every message the person sent or received, one row per message
  (a group message is one row whose TO / RECIPIENT PROFILE URLS list every
  recipient, joined with ``,``); conversations newest first.
- ``Invitations.csv``: invitations sent in the last 365 days, accepted or pending.
- endorsements, recommendations, positions, education, skills, profile, e-mail,
  phone, company follows, and one file importers must ignore (``Learning.csv``).

Export quirks, each with its exact rule (``c`` = the contact's person id, ``m`` the
message id, ``k`` the conversation id, ``h(x) = (x * 2654435761) % 2**32``):

- **hidden members** in Connections.csv: ``ceil(n / 200)`` rows whose every cell is
  empty but ``Connected On`` (n = real connections written). They are not ties of
  the world. Row ``j`` of them is inserted before position ``200 * j + 100``
  (clipped to the end) and copies the date of the row before it;
- **stray spaces** in Connections.csv: a trailing space after the first name when
  ``c % 41 == 7``, after the last name when ``c % 53 == 11``, after the position
  when ``c % 29 == 3``, and a leading space before the company when
  ``c % 61 == 13`` (for non-empty cells);
- **SENDER PROFILE URL empty** when the sender is not the exporter and
  ``h(m) % 100 < 3`` (about 3 % of received rows);
- **FOLDER**: ``SPAM`` for InMail conversations with ``h(k) % 5 == 0``, else
  ``ARCHIVE`` when ``h(k + 7919 * person) % 10 == 0``, else ``INBOX``;
- **drafts** (2024 variant only): ``min(5, ceil(rows / 500))`` rows with IS MESSAGE
  DRAFT ``Yes`` (0 when there are no messages), written by the exporter into their
  most recent conversations, one each: the j-th (j = 1, 2, ...) dated j hours after
  its conversation's last message, capped at the end of ``as_of``. They are not
  messages of the world; importers must skip them;
- **HTML** (2024 variant, with content): InMail content uses ``<br>`` and
  ``&amp;``; other messages get a ``<br>`` when ``h(m) % 17 == 0``;
- **invitation times**: sent on the connection day or the day before (never before
  the inviter joined), at a time of day drawn from a hash of the pair;
- **pending invitations**: ties formed after ``as_of`` whose invitation was sent
  before its end, plus 2 outgoing invitations to people the exporter never ties
  with (the first two of ``(7919 * person + 104729 * j + 1) % n_people`` for
  j = 0, 1, ... that are not the exporter, not tied to them, and joined by
  ``as_of``), sent 3 and 6 days (minus a hashed time) before the end of ``as_of``.

``keep_content=False`` blanks every free text (message content, subjects and
conversation titles, invitation notes, recommendation texts, position
descriptions, the profile summary): metadata only.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from datetime import date
from pathlib import Path

import numpy as np

from weakties.synth.exportplan import (
    ExportPlan,
    ExportTruth,
    Variant,
    export_truth,
    mix,
    plan_export,
    sentence,
    text_pools,
)
from weakties.synth.formats import (
    CONNECTIONS_PREAMBLE,
    HEADERS,
    IGNORED_FILE,
    connected_on,
    csv_bytes,
    iso_utc_many,
    zip_name,
)
from weakties.synth.profilefiles import (
    endorsements_csv,
    ignored_file,
    invitations_csv,
    profile_files,
    recommendations_csv,
)
from weakties.synth.world import CONV_INMAIL, World

__all__ = [
    "ExportTruth",
    "Variant",
    "conversation_id",
    "export_files",
    "export_truth",
    "write_linkedin_export",
]


def conversation_id(world: World, conv: int) -> str:
    """``2-<base64 of 32 bytes>``: stable per world and conversation, shared by all
    participants' exports."""
    digest = hashlib.sha256(f"weakties-synth:{world.seed}:{conv}".encode()).digest()
    return "2-" + base64.b64encode(digest).decode("ascii")


def _connections_csv(world: World, plan: ExportPlan) -> bytes:
    people = world.people
    rows: list[list[str]] = []
    with_url = plan.variant == "2024"
    for c, since in plan.connections:
        p = people[c]
        job = world.current_position(c, plan.as_of)
        company = world.orgs[job.org].name if job else ""
        title = job.title if job else ""
        first = p.first_name + (" " if c % 41 == 7 else "")
        last = p.last_name + (" " if c % 53 == 11 else "")
        if title and c % 29 == 3:
            title += " "
        if company and c % 61 == 13:
            company = " " + company
        email = p.email if p.shares_email else ""
        row = [first, last, p.url, email, company, title, connected_on(since)]
        if not with_url:
            del row[2]
        rows.append(row)
    width = 7 if with_url else 6
    for k, at in enumerate(plan.hidden_at):
        pos = at + k
        near = rows[pos - 1] if pos > 0 else rows[pos]
        rows.insert(pos, [""] * (width - 1) + [near[-1]])
    return csv_bytes(HEADERS[plan.variant]["Connections.csv"], rows, CONNECTIONS_PREAMBLE)


def _messages_csv(world: World, plan: ExportPlan, keep_content: bool) -> bytes:
    m = world.messages
    people = world.people
    names = [p.full_name for p in people]
    urls = [p.url for p in people]
    v2024 = plan.variant == "2024"
    rows_idx = plan.msg_rows
    first = plan.msg_first
    r0 = rows_idx[first]
    n_rec = np.diff(np.concatenate([first, [len(rows_idx)]])).tolist()
    msg_a = m.msg[r0]
    snd = m.sender[r0].tolist()
    conv = m.conversation[r0].tolist()
    rcp = m.recipient[rows_idx].tolist()
    dates = iso_utc_many(m.ts[r0])
    no_url = ((m.sender[r0] != plan.person) & (mix(msg_a) % 100 < 3)).tolist()
    kinds = world.conversations.kind
    # Per conversation: export id, folder, title, subject.
    conv_ids: dict[int, str] = {}
    folder: dict[int, str] = {}
    title: dict[int, str] = {}
    subject: dict[int, str] = {}
    for k in dict.fromkeys(conv):
        conv_ids[k] = conversation_id(world, k)
        inmail = int(kinds[k]) == CONV_INMAIL
        if inmail and mix(k) % 5 == 0:
            folder[k] = "SPAM"
        elif mix(k + 7919 * plan.person) % 10 == 0:
            folder[k] = "ARCHIVE"
        else:
            folder[k] = "INBOX"
        title[k] = world.conversations.titles.get(k, "") if keep_content else ""
        subject[k] = title[k] if inmail else ""
    if keep_content:
        pools = text_pools(world)
        firsts = [rcp[s] for s in first.tolist()]
        content = [
            _content(pools, people[sn].locale, mi, int(kinds[k]), v2024, people[r].first_name)
            for sn, mi, k, r in zip(snd, msg_a.tolist(), conv, firsts, strict=True)
        ]
    else:
        pools = {}
        content = [""] * len(snd)
    out: list[list[str]] = []
    pos = 0
    for j, sender in enumerate(snd):
        k = conv[j]
        n = n_rec[j]
        if n == 1:
            r = rcp[pos]
            to, to_urls = names[r], urls[r]
        else:
            rs = rcp[pos : pos + n]
            to = ",".join([names[r] for r in rs])
            to_urls = ",".join([urls[r] for r in rs])
        pos += n
        sender_url = "" if no_url[j] else urls[sender]
        if v2024:
            out.append(
                [
                    conv_ids[k],
                    title[k],
                    names[sender],
                    sender_url,
                    to,
                    to_urls,
                    dates[j],
                    subject[k],
                    content[j],
                    folder[k],
                    "No",
                    "No",
                ]
            )
        else:
            out.append(
                [
                    conv_ids[k],
                    title[k],
                    names[sender],
                    sender_url,
                    to,
                    dates[j],
                    subject[k],
                    content[j],
                    folder[k],
                ]
            )
    if v2024:
        _insert_drafts(world, plan, out, conv_ids, folder, names, urls, pools, keep_content)
    return csv_bytes(HEADERS[plan.variant]["messages.csv"], out)


def _content(
    pools: dict[str, tuple[str, ...]], locale: str, msg: int, kind: int, html: bool, first_name: str
) -> str:
    text = sentence(pools, locale, msg)
    if kind == CONV_INMAIL:
        more = sentence(pools, locale, msg + 1)
        return (
            f"Hi {first_name},<br><br>{text}<br>{more} R&amp;D"
            if html
            else f"Hi {first_name}, {text} {more}"
        )
    if html and mix(msg) % 17 == 0:
        return f"{text}<br>{sentence(pools, locale, msg + 2)}"
    return text


def _insert_drafts(
    world: World,
    plan: ExportPlan,
    out: list[list[str]],
    conv_ids: dict[int, str],
    folder: dict[int, str],
    names: list[str],
    urls: list[str],
    pools: dict[str, tuple[str, ...]],
    keep_content: bool,
) -> None:
    m = world.messages
    ego = plan.person
    for c, ts in plan.drafts:
        members = world.conversations.members.get(c)
        if members is None:
            sel = np.flatnonzero(m.conversation[plan.msg_rows] == c)[0]
            r = plan.msg_rows[sel]
            members = (int(m.sender[r]), int(m.recipient[r]))
        recips = [p for p in members if p != ego]
        content = sentence(pools, world.people[ego].locale, ts) if keep_content else ""
        row = [
            conv_ids[c],
            "",
            names[ego],
            urls[ego],
            ",".join(names[r] for r in recips),
            ",".join(urls[r] for r in recips),
            iso_utc_many(np.array([ts]))[0],
            "",
            content,
            folder[c],
            "Yes",
            "No",
        ]
        # Keep the newest-first order: before the first row of the conversation.
        at = next(i for i, row_ in enumerate(out) if row_[0] == conv_ids[c])
        out.insert(at, row)


def export_files(
    world: World,
    person_id: int,
    as_of: date | None = None,
    variant: Variant = "2024",
    keep_content: bool = True,
) -> dict[str, bytes]:
    """The export's files, name -> bytes, in a fixed order."""
    as_of = world.end if as_of is None else as_of
    plan = plan_export(world, person_id, as_of, variant)
    files = {
        "Connections.csv": _connections_csv(world, plan),
        "messages.csv": _messages_csv(world, plan, keep_content),
        "Invitations.csv": invitations_csv(world, plan, keep_content),
        "Endorsement_Received_Info.csv": endorsements_csv(world, plan, given=False),
        "Endorsement_Given_Info.csv": endorsements_csv(world, plan, given=True),
        "Recommendations_Received.csv": recommendations_csv(world, plan, False, keep_content),
        "Recommendations_Given.csv": recommendations_csv(world, plan, True, keep_content),
    }
    files.update(profile_files(world, plan, keep_content))
    files[IGNORED_FILE] = ignored_file()
    return files


def write_linkedin_export(
    world: World,
    person_id: int,
    dest: Path | str,
    as_of: date | None = None,
    variant: Variant = "2024",
    as_zip: bool = True,
    keep_content: bool = True,
) -> Path:
    """Write ``person_id``'s export as of ``as_of`` (default: ``world.end``).

    With ``as_zip`` (default) writes ``dest/Complete_LinkedInDataExport_MM-DD-YYYY.zip``
    and returns its path; otherwise writes the CSV files into the folder ``dest``
    and returns ``dest``. Output is byte-identical for identical arguments (the zip
    entries carry ``as_of`` as their timestamp).
    """
    as_of = world.end if as_of is None else as_of
    files = export_files(world, person_id, as_of, variant, keep_content)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    if not as_zip:
        for name, data in files.items():
            (dest / name).write_bytes(data)
        return dest
    path = dest / zip_name(as_of)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(as_of.year, as_of.month, as_of.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data, compresslevel=1)
    path.write_bytes(buf.getvalue())
    return path
