"""Tests of the synthetic world and of the LinkedIn exports it writes."""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from weakties.synth import (
    World,
    export_files,
    export_truth,
    generate,
    generate_big_ego,
    pick_members,
    write_linkedin_export,
)
from weakties.synth.formats import CONNECTIONS_PREAMBLE, HEADERS
from weakties.synth.world import CONV_GROUP, DAY, DORMANT_DAYS, day_end, day_number

EXPECTED_FILES = {
    "Connections.csv",
    "messages.csv",
    "Invitations.csv",
    "Endorsement_Received_Info.csv",
    "Endorsement_Given_Info.csv",
    "Recommendations_Received.csv",
    "Recommendations_Given.csv",
    "Positions.csv",
    "Education.csv",
    "Skills.csv",
    "Profile.csv",
    "Email Addresses.csv",
    "PhoneNumbers.csv",
    "Company Follows.csv",
    "Learning.csv",
}
CONNECTED_ON = re.compile(r"^\d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}$")
MESSAGE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$")
CONVERSATION_ID = re.compile(r"^2-[A-Za-z0-9+/]{43}=$")
SHORT_US = re.compile(r"^([1-9]|1[0-2])/([1-9]|[12]\d|3[01])/\d{2}, ([1-9]|1[0-2]):\d{2} (AM|PM)$")
PADDED_US = re.compile(r"^\d{2}/\d{2}/\d{2}, \d{2}:\d{2} (AM|PM)$")
SLASH_UTC = re.compile(r"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} UTC$")
MONTH_YEAR = re.compile(r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}$")
JAVA_DATE = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$"
)
ZIP_NAME = re.compile(r"^Complete_LinkedInDataExport_\d{2}-\d{2}-\d{4}\.zip$")


@pytest.fixture(scope="module")
def world() -> World:
    return generate(n_people=400, seed=11)


@pytest.fixture(scope="module")
def members(world: World) -> list[int]:
    return pick_members(world, k=3, seed=2, min_degree=20)


def _rows(data: bytes, skip: int = 0) -> tuple[list[str], list[list[str]]]:
    text = data.decode("utf-8")
    lines = io.StringIO(text)
    for _ in range(skip):
        lines.readline()
    rows = list(csv.reader(lines))
    return rows[0], rows[1:]


def _last_contact(world: World) -> dict[int, tuple[int, int]]:
    """(first, last) message time per tied-or-not pair key ``lo * n + hi``."""
    m = world.messages
    n = len(world.people)
    key = np.minimum(m.sender, m.recipient) * n + np.maximum(m.sender, m.recipient)
    order = np.argsort(key, kind="stable")
    uk, idx = np.unique(key[order], return_index=True)
    ts = m.ts[order]
    lo = np.minimum.reduceat(ts, idx)
    hi = np.maximum.reduceat(ts, idx)
    return dict(zip(uk.tolist(), zip(lo.tolist(), hi.tolist(), strict=True), strict=True))


# -- the world -------------------------------------------------------------------------


def test_ids_are_list_positions_and_identities_unique(world: World) -> None:
    assert [o.id for o in world.orgs] == list(range(len(world.orgs)))
    assert [p.id for p in world.people] == list(range(len(world.people)))
    for attr in ("slug", "email", "phone"):
        values = [getattr(p, attr) for p in world.people]
        assert len(set(values)) == len(values), attr
    assert len({o.name for o in world.orgs}) == len(world.orgs)
    kinds = Counter(o.kind for o in world.orgs)
    assert kinds["company"] > kinds["school"] > 0


def test_ties_are_undirected_unique_and_dated(world: World) -> None:
    pairs = [(t.a, t.b) for t in world.ties]
    assert all(a < b for a, b in pairs)
    assert len(set(pairs)) == len(pairs)
    for t in world.ties:
        assert world.start <= t.since <= world.end
        assert t.since >= world.people[t.a].joined
        assert t.since >= world.people[t.b].joined
        assert t.inviter in (t.a, t.b)
        assert t.tie_class in ("strong", "weak", "dormant", "nominal")
        assert (t.active_class is None) == (t.tie_class == "nominal")


def test_tie_classes_match_the_message_traces(world: World) -> None:
    n = len(world.people)
    contact = _last_contact(world)
    end = day_end(world.end)
    seen = Counter()
    for t in world.ties:
        first_last = contact.get(t.a * n + t.b)
        seen[t.tie_class] += 1
        if t.tie_class == "nominal":
            assert first_last is None
            continue
        assert first_last is not None, t
        first, last = first_last
        assert first >= day_number(t.since) * DAY
        if t.tie_class == "dormant":
            assert last < end - DORMANT_DAYS * DAY
        elif t.tie_class == "strong":
            assert last >= end - 60 * DAY
        else:
            assert last >= end - DORMANT_DAYS * DAY
    assert all(seen[c] > 0 for c in ("strong", "weak", "dormant", "nominal"))


def test_ties_have_their_shared_context(world: World) -> None:
    by_person = {i: world.positions_of(i) for i in range(len(world.people))}
    groups = {(m.person, m.group): m.since for m in world.memberships}
    for t in world.ties:
        if t.basis in ("colleague", "alumni"):
            kind = "job" if t.basis == "colleague" else "study"
            spells_a = [p for p in by_person[t.a] if p.org == t.context and p.kind == kind]
            spells_b = [p for p in by_person[t.b] if p.org == t.context and p.kind == kind]
            overlaps = [
                max(pa.start, pb.start)
                for pa in spells_a
                for pb in spells_b
                if max(pa.start, pb.start) <= min(pa.end or date.max, pb.end or date.max)
            ]
            assert overlaps, t
            assert min(overlaps) <= t.since
        elif t.basis == "group":
            assert groups[(t.a, t.context)] <= t.since
            assert groups[(t.b, t.context)] <= t.since
        elif t.basis == "mutual":
            assert world.tie(t.a, t.context) is not None
            assert world.tie(t.b, t.context) is not None
        else:
            assert t.basis == "random"


def test_degrees_are_heavy_tailed_and_strong_ties_cluster(world: World) -> None:
    deg = world.degree()
    assert np.median(deg) >= 30
    assert deg.max() >= 3 * np.median(deg)
    strong: dict[int, list[int]] = {}
    for t in world.ties:
        if t.tie_class == "strong":
            strong.setdefault(t.a, []).append(t.b)
            strong.setdefault(t.b, []).append(t.a)
    assert max(len(v) for v in strong.values()) <= 15  # Dunbar's sympathy group
    closed = total = 0
    for nbrs in strong.values():
        for i, x in enumerate(nbrs):
            for y in nbrs[i + 1 :]:
                total += 1
                closed += world.tie(x, y) is not None
    assert closed / total > 0.6


def test_careers_are_sequential_with_one_current_job(world: World) -> None:
    for pid in range(len(world.people)):
        studies = world.positions_of(pid, "study")
        jobs = world.positions_of(pid, "job")
        assert 1 <= len(studies) <= 2
        assert sum(j.end is None for j in jobs) <= 1
        for prev, nxt in itertools.pairwise(jobs):
            assert prev.end is not None
            assert prev.end < nxt.start
        cur = world.current_position(pid)
        assert cur is None or cur.end is None
    assert sum(world.current_position(p) is not None for p in range(len(world.people))) > 300


def test_group_messages_reach_every_other_member(world: World) -> None:
    m = world.messages
    conv = world.conversations
    group_convs = np.flatnonzero(conv.kind == CONV_GROUP)
    assert len(group_convs) > 0
    for c in group_convs[:20].tolist():
        members = set(conv.members[c])
        assert 3 <= len(members) <= 6
        rows = np.flatnonzero(m.conversation == c)
        for msg in np.unique(m.msg[rows]).tolist():
            sel = rows[m.msg[rows] == msg]
            sender = int(m.sender[sel][0])
            assert set(m.recipient[sel].tolist()) == members - {sender}
            assert len(set(m.ts[sel].tolist())) == 1


def test_true_class_over_time(world: World) -> None:
    dormant = next(t for t in world.ties if t.tie_class == "dormant")
    assert world.true_class(dormant.a, dormant.b) == "dormant"
    times = world.contact_times(dormant.a, dormant.b)
    mid = date.fromtimestamp(int(times[-1]) // DAY * DAY)
    assert world.true_class(dormant.a, dormant.b, mid) == dormant.active_class
    before = date.fromordinal(dormant.since.toordinal() - 1)
    assert world.true_class(dormant.a, dormant.b, before) is None


def test_pick_members_forms_a_chain(world: World, members: list[int]) -> None:
    assert len(set(members)) == 3
    assert world.tie(members[0], members[1]) is not None
    assert world.tie(members[1], members[2]) is not None
    assert all(len(world.ties_of(p)) >= 20 for p in members)
    with pytest.raises(ValueError, match="min_degree"):
        pick_members(world, min_degree=10**6)


# -- exports ---------------------------------------------------------------------------


def test_same_arguments_give_byte_identical_exports(tmp_path: Path) -> None:
    w1, w2 = generate(n_people=150, seed=3), generate(n_people=150, seed=3)
    for variant in ("2024", "2022"):
        for pid in pick_members(w1, k=2, seed=1, min_degree=5):
            a = write_linkedin_export(w1, pid, tmp_path / "a", variant=variant)
            b = write_linkedin_export(w2, pid, tmp_path / "b", variant=variant)
            assert a.read_bytes() == b.read_bytes()
    other = generate(n_people=150, seed=4)
    assert export_files(other, 0)["Connections.csv"] != export_files(w1, 0)["Connections.csv"]


@pytest.mark.parametrize("variant", ["2024", "2022"])
def test_export_matches_spec_and_truth(
    world: World, members: list[int], tmp_path: Path, variant: str
) -> None:
    ego = members[0]
    path = write_linkedin_export(world, ego, tmp_path, variant=variant)
    assert ZIP_NAME.match(path.name)
    assert path.name == "Complete_LinkedInDataExport_12-01-2024.zip"
    with zipfile.ZipFile(path) as zf:
        files = {name: zf.read(name) for name in zf.namelist()}
    assert set(files) == EXPECTED_FILES
    truth = export_truth(world, ego, variant=variant)
    hdr = HEADERS[variant]
    for name, data in files.items():
        assert not data.startswith(b"\xef\xbb\xbf")
        if name != "Learning.csv":
            assert b"\r" not in data
        if name in hdr:
            skip = 3 if name == "Connections.csv" else 0
            header, _ = _rows(data, skip)
            assert tuple(header) == hdr[name], name

    # Connections.csv: preamble, hidden rows, dates, URLs
    con = files["Connections.csv"]
    assert con.decode("utf-8").startswith(CONNECTIONS_PREAMBLE)
    _, rows = _rows(con, 3)
    hidden = [r for r in rows if not any(r[:-1])]
    assert len(hidden) == truth.n_hidden_rows >= 1
    assert len(rows) == truth.n_connections + truth.n_hidden_rows
    dates = [r[-1] for r in rows]
    assert all(CONNECTED_ON.match(d) for d in dates)
    assert len(rows[0]) == (7 if variant == "2024" else 6)
    if variant == "2024":
        slugs = {r[2].removeprefix("https://www.linkedin.com/in/") for r in rows if r[2]}
        assert slugs == truth.connection_slugs
        assert sum(1 for r in rows if r[3]) == truth.n_connection_emails
    else:
        assert not any("linkedin.com/in/" in c for r in rows for c in r)

    # messages.csv
    _, rows = _rows(files["messages.csv"])
    assert all(MESSAGE_DATE.match(r[hdr["messages.csv"].index("DATE")]) for r in rows)
    assert all(CONVERSATION_ID.match(r[0]) for r in rows)
    folder = hdr["messages.csv"].index("FOLDER")
    assert {r[folder] for r in rows} <= {"INBOX", "ARCHIVE", "SPAM"}
    if variant == "2024":
        drafts = [r for r in rows if r[10] == "Yes"]
        sent = [r for r in rows if r[10] == "No"]
        assert len(drafts) == truth.n_draft_rows >= 1
        assert all(r[2] == world.people[ego].full_name for r in drafts)
        assert sum(len(r[5].split(",")) for r in sent) == truth.n_message_recipient_pairs
    else:
        sent = rows
    assert len(sent) == truth.n_message_rows > 0
    assert sum(1 for r in sent if not r[3]) == truth.n_rows_without_sender_url
    assert len({r[0] for r in sent}) == truth.n_conversations

    # the other files
    _, rows = _rows(files["Invitations.csv"])
    assert len(rows) == truth.n_invitations
    assert all(SHORT_US.match(r[2]) and r[4] in ("INCOMING", "OUTGOING") for r in rows)
    for name, n in (
        ("Endorsement_Received_Info.csv", truth.n_endorsements_received),
        ("Endorsement_Given_Info.csv", truth.n_endorsements_given),
    ):
        _, rows = _rows(files[name])
        assert len(rows) == n
        assert all(SLASH_UTC.match(r[0]) and r[-1] in ("ACCEPTED", "PENDING") for r in rows)
        if variant == "2024":
            assert all(r[4].startswith("www.linkedin.com/in/") for r in rows)
    for name, n, status in (
        ("Recommendations_Received.csv", truth.n_recommendations_received, "VISIBLE"),
        ("Recommendations_Given.csv", truth.n_recommendations_given, ""),
    ):
        _, rows = _rows(files[name])
        assert len(rows) == n
        assert all(PADDED_US.match(r[5]) and r[6] == status for r in rows)
    _, rows = _rows(files["Positions.csv"])
    assert len(rows) == len(truth.positions)
    assert all(MONTH_YEAR.match(r[4]) for r in rows)
    assert all(r[5] == "" or MONTH_YEAR.match(r[5]) for r in rows)
    assert sum(r[5] == "" for r in rows) == (world.current_position(ego) is not None)
    _, rows = _rows(files["Company Follows.csv"])
    assert len(rows) == truth.n_company_follows
    assert all(JAVA_DATE.match(r[1]) for r in rows)
    _, rows = _rows(files["Email Addresses.csv"])
    assert rows[0][0] == world.people[ego].email
    assert SHORT_US.match(rows[0][3])
    _, rows = _rows(files["Skills.csv"])
    assert tuple(r[0] for r in rows) == truth.skills


def test_export_as_of_an_earlier_date(world: World, members: list[int], tmp_path: Path) -> None:
    ego, as_of = members[1], date(2019, 6, 30)
    path = write_linkedin_export(world, ego, tmp_path, as_of=as_of, as_zip=False)
    assert path == tmp_path
    truth = export_truth(world, ego, as_of=as_of)
    expected = {t.other(ego) for t in world.ties if ego in (t.a, t.b) and t.since <= as_of}
    assert set(truth.connection_ids) == expected
    _, rows = _rows((tmp_path / "Connections.csv").read_bytes(), 3)
    months = {m: k for k, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split())}
    for r in rows:
        d, mon, y = r[-1].split()
        assert date(int(y), months[mon] + 1, int(d)) <= as_of
    _, rows = _rows((tmp_path / "messages.csv").read_bytes())
    assert max(r[6] for r in rows) < "2019-07-01"
    _, rows = _rows((tmp_path / "Positions.csv").read_bytes())
    assert all(int(r[4][-4:]) <= 2019 for r in rows)
    files = export_files(world, ego, as_of=as_of)
    assert files["Connections.csv"] == (tmp_path / "Connections.csv").read_bytes()


def test_names_with_commas_are_quoted(world: World) -> None:
    person = next(p for p in world.people if "," in p.last_name and world.ties_of(p.id))
    contact = world.ties_of(person.id)[0].other(person.id)
    data = export_files(world, contact)["Connections.csv"].decode("utf-8")
    assert f'"{person.last_name}' in data


def test_keep_content_false_blanks_free_text(world: World, members: list[int]) -> None:
    files = export_files(world, members[2], keep_content=False)
    _, rows = _rows(files["messages.csv"])
    assert rows
    assert all(r[8] == "" and r[1] == "" for r in rows)


def test_bad_arguments_are_refused(world: World) -> None:
    with pytest.raises(ValueError, match="variant"):
        export_files(world, 0, variant="2019")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no person"):
        export_files(world, len(world.people))


def test_big_ego_has_exact_counts(tmp_path: Path) -> None:
    w = generate_big_ego(n_connections=300, n_messages=2000, seed=1)
    assert len(w.ties_of(0)) == 300
    assert len(w.messages) == 2000
    truth = export_truth(w, 0)
    assert truth.n_connections == 300
    assert truth.n_hidden_rows == 2
    assert truth.n_message_rows == 2000
    path = write_linkedin_export(w, 0, tmp_path)
    with zipfile.ZipFile(path) as zf:
        _, rows = _rows(zf.read("messages.csv"))
    assert len(rows) == 2000 + truth.n_draft_rows


def _samples() -> Path:
    import os

    shared = os.environ.get("WEAKTIES_SHARED_DATA")
    root = Path(shared) if shared else Path(__file__).resolve().parents[3] / "shared" / "data"
    return root / "linkedin-samples"


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("variant", "folder"), [("2024", "export-2024-12"), ("2022", "export-2022-09")]
)
def test_headers_and_preamble_match_the_real_samples(
    world: World, members: list[int], variant: str, folder: str
) -> None:
    sample_dir = _samples() / folder
    if not sample_dir.is_dir():
        pytest.skip("shared LinkedIn samples not available")
    ours = export_files(world, members[0], variant=variant)  # type: ignore[arg-type]
    compared = 0
    for sample in sorted(sample_dir.glob("*.csv")):
        if sample.name not in ours:
            continue
        theirs = sample.read_bytes().split(b"\n")
        mine = ours[sample.name].split(b"\n")
        skip = 3 if sample.name == "Connections.csv" else 0
        assert mine[: skip + 1] == theirs[: skip + 1], sample.name
        compared += 1
    assert compared >= 7
