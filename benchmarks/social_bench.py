"""Social pages under load: the feed, a conversation and a job search, and how
soon a new message reaches the other member's open page.

    flock /work/.bench.lock .venv/bin/python benchmarks/social_bench.py
    flock /work/.bench.lock .venv/bin/python benchmarks/social_bench.py --think 5   # 20 people, then saturation
    flock /work/.bench.lock .venv/bin/python benchmarks/social_bench.py --throwaway-postgres
    # smaller: --members 2000 --ties 100000 --posts 100000   (writes results/social-*.md)

A platform of ``--members`` members (10,000), ``--ties`` connections (1 M pairs,
each asserted by both members as the platform writes them: 2 M tie rows),
``--posts`` posts (1 M, over a year, 70 % for everyone, 30 % for connections,
each about two of 20 topic words, one in ten written for the author's
organisation) with comments and reactions, 1,000 organisations (an about text)
where every member works and each member follows two, 5,000 open jobs, and
conversations of 25 messages (those of the measured members have 200). Members
have first and last names with accents. The rows are written in bulk, not
through the service: building the world is not what is measured. The same world
(:func:`build`) is the one ``platform_bench.py`` measures the profile,
organisation and search pages on.

Measured through the server as an operator runs it, ``weakties serve --workers
N`` on loopback (``--workers``, default what ``weakties serve`` uses; ``--workers
0``: the whole app in this process, without HTTP, as the earlier runs measured),
by ``--users`` (20) signed-in members at once, each in its own thread with its own
connection asking one page after another: ``GET /feed``, ``GET /messages/N`` (one
of their conversations) and ``GET /jobs?q=engineer&workplace=hybrid``. A figure
is the time from the request to the whole answer, as the member's thread saw it:
server time plus the local round trip.

The load model (``benchmarks/served.py``): with ``--think S`` each member waits a
random time (uniform, S on average, or ``--think MIN:MAX``) between their pages —
20 people using the site, the goal's figure — and then asks the same pages back to
back (saturation: throughput, latencies of a queue). ``--think 0``, the default,
keeps the earlier runs' model: back to back only. One member alone is measured
first, as before.

Live messages: a member's open conversation asks for new messages every
``POLL`` seconds, as its page does (htmx); another member sends a message at a
random moment; the figure is the time from the send's answer until the poll
that brings the message has its answer.

The load average is recorded at the start and the end: figures taken on a busy
machine are marked and rerun on a quiet one before they are quoted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from served import (  # noqa: E402
    Think,
    advance_sequences,
    default_workers,
    free_port,
    get_page,
    load_model,
    start_server,
    stop_server,
)

SECRET = "bench-" + "x" * 40
PASSWORD = "correct horse battery staple"
POLL = 0.5  # seconds between two polls of an open conversation (conversation.html)
ORGS = 1_000
JOBS = 5_000
CHUNK = 20_000
#: members' names (accents, so that a search folds them) and the words posts are about
FIRST = ["Ana", "Léa", "Noé", "Zoë", "Hugo", "Inès", "Jules", "Maël", "Chloé", "Émile", "Sofía"]
LAST = ["Martin", "Lefèvre", "Müller", "Ökonom", "García", "Dubois", "Nguyen", "Rossi", "Kowalski"]
TOPICS = [
    "data", "cloud", "hiring", "design", "security", "python", "research", "marketing",
    "finance", "startup", "énergie", "santé", "logistics", "retail", "robotics", "climate",
    "privacy", "teaching", "mobility", "leadership",
]  # fmt: skip
ORG_POSTS = 0.1  # the share of posts written for the author's organisation
FOLLOWED = 2  # organisations each member follows


def _chunks(rows: list[dict[str, Any]], size: int = CHUNK):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _bulk(store: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    from sqlalchemy import insert

    for part in _chunks(rows):
        with store.engine.begin() as conn:
            conn.execute(insert(table), part)


def build(store: Any, members: int, ties: int, posts: int, users: int, seed: int) -> dict:
    """The platform's rows; returns the measured members' handles and conversations."""
    from sqlalchemy import func, select

    from weakties.model.identity import name_key
    from weakties.model.tables import (
        Comment,
        Conversation,
        Follow,
        JobPosting,
        Member,
        Message,
        Organization,
        Participant,
        Person,
        Position,
        Post,
        Reaction,
        Tie,
        table_of,
    )
    from weakties.service.accounts import sign_up

    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    started = time.perf_counter()
    handles = [f"user{i:03d}" for i in range(users)]
    with store.engine.begin() as conn:  # the measured members: real accounts
        for h in handles:
            sign_up(conn, email=f"{h}@example.org", password=PASSWORD, name=h.title(), handle=h)
        first_person = conn.execute(select(func.max(Person.id))).scalar_one() + 1
        first_member = conn.execute(select(func.max(Member.id))).scalar_one() + 1
    others = members - users
    names = [f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}" for i in range(others)]
    _bulk(
        store,
        table_of(Person),
        [
            {"id": first_person + i, "display_name": name, "name_key": name_key(name),
             "headline": "Engineer" if i % 3 else "Analyst", "created_at": now, "updated_at": now}
            for i, name in enumerate(names)
        ],
    )  # fmt: skip
    _bulk(
        store,
        table_of(Member),
        [
            {"id": first_member + i, "handle": f"member{i}", "person_id": first_person + i,
             "sharing": "names", "created_at": now}
            for i in range(others)
        ],
    )  # fmt: skip
    with store.engine.connect() as conn:
        member_person = dict(conn.execute(select(Member.id, Member.person_id)).all())
    ids = sorted(member_person)
    # connections: each pair once, both members assert it (as the platform does);
    # the measured members get a typical share (a random graph, average degree 2 E / N)
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < ties:
        a, b = rng.sample(ids, 2)
        pairs.add((min(a, b), max(a, b)))
    tie_rows = []
    for a, b in pairs:
        pa, pb = sorted((member_person[a], member_person[b]))
        since = now - dt.timedelta(days=rng.randrange(1, 2000))
        for m in (a, b):
            tie_rows.append(
                {"person_a_id": pa, "person_b_id": pb, "source": "platform", "asserted_by": m,
                 "since": since, "confidence": 1.0, "created_at": now}
            )  # fmt: skip
    _bulk(store, table_of(Tie), tie_rows)
    del tie_rows
    neighbours: dict[int, list[int]] = {}
    for a, b in pairs:
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    del pairs
    org_names = {1_000_000 + o: f"Company {o} {rng.choice(LAST)}" for o in range(ORGS)}
    _bulk(
        store,
        table_of(Organization),
        [
            {"id": oid, "name": name, "norm_name": name_key(name), "kind": "organization",
             "industry": "Software", "location": rng.choice(["Lyon", "Paris", "Berlin"]),
             "about": f"{name} works on {rng.choice(TOPICS)} and {rng.choice(TOPICS)}.",
             "created_at": now}
            for oid, name in org_names.items()
        ],
    )  # fmt: skip
    works_at = {m: 1_000_000 + rng.randrange(ORGS) for m in ids}
    _bulk(
        store,
        table_of(Position),
        [
            {"person_id": member_person[m], "organization_id": works_at[m],
             "kind": "job", "title": "Engineer", "is_current": True, "source": "manual",
             "asserted_by": m, "natural_key": f"bench-{m}"}
            for m in ids
        ],
    )  # fmt: skip
    _bulk(
        store,
        table_of(Follow),
        [
            {"member_id": m, "organization_id": oid, "since": now, "active": True}
            for m in ids
            for oid in rng.sample(sorted(org_names), FOLLOWED)
        ],
    )  # fmt: skip
    day = dt.timedelta(days=365)

    def post(i: int) -> dict[str, Any]:
        """A post about two topics; some for the author's organisation."""
        author = rng.choice(ids)
        one, two = rng.sample(TOPICS, 2)
        return {
            "id": i + 1, "author_id": author,
            "audience": "everyone" if rng.random() < 0.7 else "connections",
            "organization_id": works_at[author] if rng.random() < ORG_POSTS else None,
            "body": f"Post {i} about **{one}** and {two}",
            "html": f"<p>Post {i} about <strong>{one}</strong> and {two}</p>",
            "created_at": now - day * rng.random(),
        }  # fmt: skip

    _bulk(store, table_of(Post), [post(i) for i in range(posts)])
    _bulk(
        store,
        table_of(Comment),
        [
            {"post_id": rng.randrange(1, posts + 1), "author_id": rng.choice(ids),
             "body": "Nice", "html": "<p>Nice</p>", "created_at": now}
            for _ in range(posts // 10)
        ],
    )  # fmt: skip
    seen: set[tuple[int, int]] = set()
    reaction_rows = []
    for _ in range(posts // 4):
        key = (rng.randrange(1, posts + 1), rng.choice(ids))
        if key not in seen:
            seen.add(key)
            reaction_rows.append(
                {"post_id": key[0], "member_id": key[1], "kind": "like", "created_at": now}
            )
    _bulk(store, table_of(Reaction), reaction_rows)
    del reaction_rows, seen
    _bulk(
        store,
        table_of(JobPosting),
        [
            {"organization_id": 1_000_000 + rng.randrange(ORGS), "poster_id": rng.choice(ids),
             "title": rng.choice(["Data engineer", "Software engineer", "Analyst", "Designer"]),
             "location": rng.choice(["Lyon", "Paris", "Berlin"]),
             "workplace": rng.choice(["on_site", "hybrid", "remote"]), "employment": "full_time",
             "description": "", "html": "", "status": "open",
             "expires_on": (now + dt.timedelta(days=30)).date(), "created_at": now}
            for _ in range(JOBS)
        ],
    )  # fmt: skip
    # conversations: 2 per member with a connection, 25 messages; the measured
    # members' first conversation has 200
    measured = {h: first_member - users + i for i, h in enumerate(handles)}
    conversations, participants, messages = [], [], []
    mine: dict[str, int] = {}
    cid = 0
    message_id = 0
    for m in ids:
        for k in range(2):
            friends = neighbours.get(m)
            if not friends:
                continue
            other = rng.choice(friends)
            cid += 1
            conversations.append(
                {"id": cid, "created_by": m, "created_at": now, "last_message_at": now}
            )
            for p in (m, other):
                participants.append(
                    {"conversation_id": cid, "member_id": p, "state": "active", "last_read_id": 0,
                     "joined_at": now}
                )  # fmt: skip
            size = 200 if (k == 0 and m in measured.values()) else 25
            for j in range(size):
                message_id += 1
                messages.append(
                    {"id": message_id, "conversation_id": cid, "sender_id": (m, other)[j % 2],
                     "body": f"Message {j}", "created_at": now - dt.timedelta(minutes=size - j)}
                )  # fmt: skip
            if k == 0 and m in measured.values():
                mine[next(h for h, v in measured.items() if v == m)] = cid
    _bulk(store, table_of(Conversation), conversations)
    _bulk(store, table_of(Participant), participants)
    _bulk(store, table_of(Message), messages)
    # rows written with their own ids: the platform's next ones come after them
    advance_sequences(
        store, ["person", "member", "organization", "post", "conversation", "message"]
    )
    counts = {
        "members": members, "connections": ties, "tie_rows": 2 * ties, "posts": posts,
        "comments": posts // 10, "conversations": cid, "messages": message_id, "jobs": JOBS,
        "organisations": ORGS, "org_follows": FOLLOWED * len(ids),
        "build_s": round(time.perf_counter() - started, 1),
    }  # fmt: skip
    people = [[h, h.title()] for h in handles] + [[f"member{i}", n] for i, n in enumerate(names)]
    return {
        "handles": handles,
        "conversations": mine,
        "counts": counts,
        # what the platform pages' benchmark asks for (platform_bench.py)
        "people": people,
        # an organisation where nobody works is seen by nobody: its page is a 404
        "orgs": [[oid, name] for oid, name in org_names.items() if oid in set(works_at.values())],
        "prefixes": sorted({n[:3] for n in FIRST} | {n[:4] for n in LAST}),
        "topics": TOPICS,
    }


def _client(target: Any) -> Any:
    """A browser of its own: on the served address, or on the app in this process."""
    if isinstance(target, str):
        import httpx

        return httpx.Client(base_url=target, follow_redirects=True, timeout=120)
    from fastapi.testclient import TestClient

    client = TestClient(target)
    client.__enter__()
    return client


def _signed_in(target: Any, handle: str) -> Any:
    client = _client(target)
    page = client.get("/signin")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    done = client.post(
        "/signin",
        data={"csrf_token": token, "email": f"{handle}@example.org", "password": PASSWORD},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    return client


def _percentiles(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    at = lambda q: values[min(len(values) - 1, int(q * len(values)))]  # noqa: E731
    return {
        "n": len(values),
        "p50_ms": round(1000 * statistics.median(values), 1),
        "p95_ms": round(1000 * at(0.95), 1),
        "p99_ms": round(1000 * at(0.99), 1),
        "max_ms": round(1000 * values[-1], 1),
    }


def _together(clients: dict[str, Any], path: Any, per_user: int, think: Think) -> dict[str, float]:
    """Every member at once, ``per_user`` pages each, ``think`` between two."""
    times: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(clients))

    def user(k: int, handle: str, client: Any) -> None:
        waits = random.Random(1000 + k)
        barrier.wait()
        time.sleep(think.wait(waits))  # people do not all arrive at once
        mine = []
        for _ in range(per_user):
            start = time.perf_counter()
            answer, _again = get_page(client, path(handle))
            mine.append(time.perf_counter() - start)
            assert answer.status_code == 200, answer.status_code
            time.sleep(think.wait(waits))
        with lock:
            times.extend(mine)

    started = time.perf_counter()
    threads = [
        threading.Thread(target=user, args=(k, *item)) for k, item in enumerate(clients.items())
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {**_percentiles(times), "throughput_rps": round(len(times) / wall, 1)}


def measure_pages(
    clients: dict[str, Any], world: dict, per_user: int, think: Think
) -> dict[str, Any]:
    paths = {
        "feed": lambda h: "/feed",
        "conversation": lambda h: f"/messages/{world['conversations'][h]}",
        "job search": lambda h: "/jobs?q=engineer&workplace=hybrid",
    }
    n = len(clients)
    out: dict[str, Any] = {}
    for name, path in paths.items():
        for handle, client in clients.items():  # one untimed call each: warm caches
            assert client.get(path(handle)).status_code == 200
        single: list[float] = []
        first = next(iter(clients))
        for _ in range(per_user):
            start = time.perf_counter()
            answer = clients[first].get(path(first))
            single.append(time.perf_counter() - start)
            assert answer.status_code == 200
        out[name] = {"one user": _percentiles(single)}
        if think.active:
            out[name][f"{n} users with think time"] = _together(clients, path, per_user, think)
        out[name][f"{n} users"] = _together(clients, path, per_user, Think())
    return out


def measure_live(target: Any, rounds: int) -> dict[str, float]:
    """Two members in one conversation: one polls as the open page does, one writes."""
    reader, writer = _signed_in(target, "user000"), _signed_in(target, "user001")
    page = writer.get("/messages")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    sent = writer.post(
        "/messages", data={"csrf_token": token, "to": "user000", "body": "live 0"},
        follow_redirects=False,
    )  # fmt: skip
    cid = int(sent.headers["location"].split("/")[-1].split("#")[0])
    opened = reader.get(f"/messages/{cid}")
    last = max(int(x) for x in re.findall(r'id="m(\d+)"', opened.text))
    delays: list[float] = []
    stop = threading.Event()
    arrived: dict[str, float] = {}

    def poll() -> None:
        nonlocal last
        while not stop.is_set():
            answer = reader.get(f"/messages/{cid}/after/{last}")
            got = time.perf_counter()
            for body in re.findall(r'<p class="message-body">([^<]*)</p>', answer.text):
                arrived.setdefault(body, got)
            ids = [int(x) for x in re.findall(r'id="m(\d+)"', answer.text)]
            last = max([last, *ids])
            stop.wait(POLL)

    poller = threading.Thread(target=poll)
    poller.start()
    rng = random.Random(7)
    for i in range(1, rounds + 1):
        time.sleep(rng.uniform(0.2, 1.2))
        body = f"live {i}"
        answer = writer.post(
            f"/messages/{cid}", data={"csrf_token": token, "body": body}, follow_redirects=False
        )
        done = time.perf_counter()
        assert answer.status_code == 303, answer.text
        deadline = done + 10
        while body not in arrived and time.perf_counter() < deadline:
            time.sleep(0.005)
        delays.append(arrived.get(body, float("inf")) - done)
    stop.set()
    poller.join()
    for client in (reader, writer):
        client.__exit__(None, None, None)
    return _percentiles(delays)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a database URL (default: a new SQLite file)")
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--ties", type=int, default=1_000_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=25, help="pages per user and kind")
    parser.add_argument("--live-rounds", type=int, default=40)
    parser.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        help="worker processes of weakties serve (default: what it uses, %(default)s here; "
        "0: the app in this process, no HTTP)",
    )
    parser.add_argument(
        "--think",
        type=Think.parse,
        default=Think(),
        metavar="SECONDS|MIN:MAX",
        help="wait between a member's pages (default 0: back to back only)",
    )
    parser.add_argument(
        "--out", default=None, help="results/NAME.md and .json (default social-BACKEND)"
    )
    parser.add_argument(
        "--reuse",
        type=Path,
        metavar="WORLD.json",
        help="with --db: build the world into that database once and describe it in this "
        "file; a later run with the same file measures the database as it is (the build is "
        "never timed; the measured run adds its own messages and reactions)",
    )
    parser.add_argument(
        "--throwaway-postgres",
        action="store_true",
        help="start a PostgreSQL of its own (as the test suite does) and measure on it",
    )
    args = parser.parse_args()
    if args.reuse and not args.db:
        parser.error("--reuse needs --db: the database the world is built into and kept in")
    server = None
    if args.throwaway_postgres:
        sys.path.insert(0, str(HERE.parent))
        from tests.servers import start_postgres

        server = start_postgres()
        args.db = server.new_database()
    try:
        run(args)
    finally:
        if server is not None:
            server.stop()


def run(args: argparse.Namespace) -> None:

    from weakties.store.engine import open_store
    from weakties.web.app import create_app
    from weakties.web.settings import Settings

    load_start = os.getloadavg()
    think: Think = args.think
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or str(Path(folder) / "platform.sqlite")
        backend = "postgresql" if url.startswith("postgresql") else "sqlite"
        store = open_store(url)
        if args.reuse and args.reuse.exists():
            world = json.loads(args.reuse.read_text(encoding="utf-8"))
            print(f"measuring the world described in {args.reuse}", flush=True)
        else:
            world = build(store, args.members, args.ties, args.posts, args.users, seed=5)
            if args.reuse:
                args.reuse.write_text(json.dumps(world), encoding="utf-8")
                print(f"built; described in {args.reuse}", flush=True)
        store.analyze()  # PostgreSQL's planner statistics, as after any bulk load
        server = None
        if args.workers > 0:
            store.close()
            port = free_port()
            server = start_server(url, port, args.workers, SECRET)
            target: Any = f"http://127.0.0.1:{port}"
            how = "`weakties serve` on loopback, its background loop running as on any server"
        else:
            settings = Settings(environment="test", secret_key=SECRET, db=url, worker_interval=0)
            target = create_app(settings, store=store)
            how = "the whole app in the benchmark's process, without HTTP (no background loop)"
        try:
            clients = {h: _signed_in(target, h) for h in world["handles"][: args.users]}
            pages = measure_pages(clients, world, args.requests, think)
            live = measure_live(target, args.live_rounds)
            for client in clients.values():
                client.__exit__(None, None, None)
        finally:
            if server is not None:
                stop_server(server)
            else:
                store.close()
    load_end = os.getloadavg()
    workers = max(1, args.workers)
    model = load_model(args.users, think, workers, how)
    result = {
        "backend": backend,
        "world": world["counts"],
        "users": args.users,
        "workers": args.workers,
        "think_s": [think.low, think.high],
        "load_model": " ".join(model),
        "requests_per_user": args.requests,
        "pages": pages,
        "live_message": {"poll_s": POLL, **live},
        "machine": {"python": sys.version.split()[0], "platform": platform.platform(),
                    "cpus": os.cpu_count()},
        "load_average": {"start": load_start, "end": load_end},
    }  # fmt: skip
    name = args.out or f"social-{backend}"
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    busy = max(load_start[0], load_end[0]) > (os.cpu_count() or 1)
    n = args.users
    lines = [
        f"# Feed, conversation and job search under load ({backend})",
        "",
        *model,
        "",
        f"`{' '.join(['python', 'benchmarks/social_bench.py', *sys.argv[1:]])}` — "
        f"{world['counts']['members']:,} members, "
        f"{world['counts']['connections']:,} connections ({world['counts']['tie_rows']:,} tie "
        f"rows), {world['counts']['posts']:,} posts, {world['counts']['messages']:,} messages, "
        f"{JOBS:,} jobs; {n} signed-in members at once, {args.requests} pages each "
        "per kind and phase.",
        "",
        f"Load average at start {load_start[0]:.1f}, at end {load_end[0]:.1f} on "
        f"{os.cpu_count()} cores"
        + (" — **the machine was busy: rerun before quoting**." if busy else "."),
        "",
    ]
    header = "| page | one user p50 / p95 ms |"
    rule = "|---|---|"
    if think.active:
        header += f" {n} users, think time: p50 / p95 / p99 ms |"
        rule += "---|"
    header += f" {n} users back to back: p50 / p95 / p99 ms | back to back: pages/s |"
    rule += "---|---:|"
    lines += [header, rule]
    for name_, figures in pages.items():
        one, many = figures["one user"], figures[f"{n} users"]
        row = f"| {name_} | {one['p50_ms']} / {one['p95_ms']} |"
        if think.active:
            thought = figures[f"{n} users with think time"]
            row += f" {thought['p50_ms']} / {thought['p95_ms']} / {thought['p99_ms']} |"
        row += (
            f" {many['p50_ms']} / {many['p95_ms']} / {many['p99_ms']} | {many['throughput_rps']} |"
        )
        lines.append(row)
    lines += [
        "",
        f"A new message on the other member's open page (polled every {POLL} s): "
        f"p50 {live['p50_ms']} ms, p95 {live['p95_ms']} ms, max {live['max_ms']} ms "
        f"({live['n']} messages).",
        "",
    ]
    (HERE / "results" / f"{name}.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
