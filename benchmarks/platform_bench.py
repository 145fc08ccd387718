"""The platform under load: the pages members use, at 20 users.

    flock /work/.bench.lock python benchmarks/platform_bench.py --think 1:5   # 20 people, then saturation
    flock /work/.bench.lock python benchmarks/platform_bench.py --members 2000 --ties 100000 --posts 100000
    flock /work/.bench.lock python benchmarks/platform_bench.py --throwaway-postgres --think 1:5
    flock /work/.bench.lock python benchmarks/platform_bench.py --db URL --reuse WORLD.json --think 1:5

The platform is the social benchmark's world (``social_bench.build``, written in
bulk into a fresh database, SQLite by default or the given PostgreSQL URL):
``--members`` members (10,000) with first and last names, ``--ties`` connections
(1 M, each asserted by both members as an accepted invitation writes it: 2 M tie
rows), ``--posts`` posts (1 M, each about two of 20 topic words, one in ten
written for the author's organisation), 1,000 organisations with an about text,
where every member works, each followed by some members, 5,000 open jobs at them,
comments, reactions and conversations; then the planner's statistics
(``Store.analyze()``), as after any bulk load. With ``--db URL --reuse
WORLD.json`` the world is built once into that database and described in the
file, and a later run (of this script or of ``social_bench.py``) measures the
database as it is: one build serves both benchmarks.

The app is served as an operator serves it, ``weakties serve --workers N`` in its
own process on 127.0.0.1 (``--workers``, default what ``weakties serve`` uses),
and ``--users`` members (20) sign in as a browser does (the sign-in form, a
session cookie) and ask for the pages members use, one page kind at a time:

- the social pages of issue 13, as ``social_bench.py`` asks for them: ``GET
  /feed``, ``GET /messages/N`` (one of the member's conversations, 200
  messages) and ``GET /jobs?q=engineer&workplace=hybrid``;
- ``GET /search?q=NAME``: the first letters of a first or last name (people
  ranked by degree, organisations, groups, posts, jobs);
- ``GET /search?q=TOPIC``: a topic word, which a tenth of the posts have (the
  posts the member may read among 1 M, newest first, and the jobs);
- ``GET /in/HANDLE``: a random member's profile (degree, mutual connections,
  paths, career, who can introduce you);
- ``GET /orgs/ID``: a random organisation's page (about, people here with
  degrees, people in your network here, open jobs, recent posts, followers,
  who can introduce you).

Who can introduce you, when the page shows itself first, comes as the browser
asks for it next (``GET /introducers?…`` with htmx's header, at once): measured
as its own request, and with the page as the visit.

First every member asks for a few pages of each kind, untimed, each on a new
connection (a member's first pages on each worker process make what it keeps for
them; how many, their median and slowest are reported apart; ``--warm-seconds``
at most). Each answer is checked before it is timed as a success: status 200 (no
redirect to the sign-in page) and a mark of the page's content (the member's or
the organisation's name as the page's heading, the people, posts, jobs or
messages found); anything else is an error, with its reason kept. With ``--api``
the same three reads as earlier runs through the JSON API with a personal access
token of each member (``/api/v1/profiles/H``, ``/api/v1/orgs/ID``,
``/api/v1/search?q=``) make a second table. Bounded: ``--requests`` per page kind
with think time, ``--saturation-requests`` back to back, ``--seconds`` for the
timed requests in all.

The load model (``benchmarks/served.py``): with ``--think S`` each user waits a
random time (uniform, S on average, or ``--think MIN:MAX``) between its requests —
20 people using the site, the goal's figure — and then the same requests are sent
back to back (saturation: throughput). ``--think 0``, the default, sends back to
back only.

Latencies are measured by the client on loopback (server time plus the local
round trip); the load average at the start and the end is recorded, and a run on
a busy machine says so. Results: ``results/platform.md`` and ``platform.json``
(``--out``). ``populate`` below is the earlier, smaller platform (accounts with
tokens, ties, no posts) that ``platform_cpu.py`` and ``live_viewers_bench.py``
build.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import html
import json
import os
import random
import re
import secrets
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
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
from social_bench import FIRST, LAST, _signed_in, build  # noqa: E402

RESULTS = HERE / "results"
SECRET = "bench-secret-" + "x" * 40


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def populate(url: str, members: int, ties: int, seed: int) -> dict[str, Any]:
    """Write the platform; returns the handles, organisation ids and tokens."""
    from sqlalchemy import insert

    from weakties.model import tables as t
    from weakties.model.orgnames import org_key
    from weakties.store.engine import open_store

    rng = random.Random(seed)
    store = open_store(url)
    now = dt.datetime(2026, 12, 1)
    n_orgs = max(1, members // 20)
    tokens: list[str] = []
    started = time.perf_counter()
    with store.engine.begin() as conn:
        names = [f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}" for i in range(members)]
        conn.execute(
            insert(t.Person),
            [
                {"id": i + 1, "display_name": n, "headline": rng.choice(LAST) + " engineer"}
                for i, n in enumerate(names)
            ],
        )
        conn.execute(
            insert(t.Member),
            [
                {"id": i + 1, "handle": f"m{i + 1}", "person_id": i + 1, "created_at": now}
                for i in range(members)
            ],
        )
        conn.execute(
            insert(t.Account),
            [
                {
                    "id": i + 1,
                    "member_id": i + 1,
                    "email": f"m{i + 1}@bench.invalid",
                    "password_hash": "unused",
                    "role": "operator" if i == 0 else "member",
                    "created_at": now,
                }
                for i in range(members)
            ],
        )
        tokens = [f"wt_bench{secrets.token_hex(16)}" for _ in range(64)]
        conn.execute(
            insert(t.AccessToken),
            [
                {
                    "token_hash": _hash(tok),
                    "account_id": rng.randint(1, members),
                    "name": "bench",
                    "created_at": now,
                }
                for tok in tokens
            ],
        )
        orgs = [f"Company {i} {rng.choice(LAST)}" for i in range(n_orgs)]
        conn.execute(
            insert(t.Organization),
            [
                {"id": i + 1, "name": n, "norm_name": org_key(n), "kind": "organization"}
                for i, n in enumerate(orgs)
            ],
        )
        conn.execute(
            insert(t.OrgAlias),
            [
                {
                    "organization_id": i + 1,
                    "kind": "organization",
                    "alias": n,
                    "norm_alias": org_key(n),
                }
                for i, n in enumerate(orgs)
            ],
        )
        conn.execute(
            insert(t.Position),
            [
                {
                    "person_id": i + 1,
                    "organization_id": rng.randint(1, n_orgs),
                    "kind": "job",
                    "title": "Engineer",
                    "source": "platform",
                    "asserted_by": i + 1,
                    "start_date": dt.date(2020, 1, 1),
                    "is_current": True,
                    "seen_on": now.date(),
                    "natural_key": f"bench-{i}",
                }
                for i in range(members)
            ],
        )
        # connections: each is a tie in each member's data (2 rows per connection)
        pairs: set[tuple[int, int]] = set()
        while len(pairs) * 2 < ties:
            a, b = rng.randint(1, members), rng.randint(1, members)
            if a != b:
                pairs.add((min(a, b), max(a, b)))
        batch: list[dict[str, Any]] = []
        for a, b in pairs:
            for by in (a, b):
                batch.append(
                    {
                        "person_a_id": a,
                        "person_b_id": b,
                        "source": "platform",
                        "asserted_by": by,
                        "since": now,
                        "confidence": 1.0,
                        "created_at": now,
                    }
                )
            if len(batch) >= 50_000:
                conn.execute(insert(t.Tie), batch)
                batch = []
        if batch:
            conn.execute(insert(t.Tie), batch)
    # rows written with their own ids: the platform's next ones come after them
    advance_sequences(store, ["person", "member", "account", "organization"])
    # the planner's statistics of what was just loaded and the search indexes'
    # pending rows, as after any bulk load (PostgreSQL; autovacuum would do it only
    # a minute or more into the run)
    store.analyze()
    store.close()
    return {
        "handles": [f"m{i + 1}" for i in range(members)],
        "orgs": list(range(1, n_orgs + 1)),
        "prefixes": sorted({n.split()[0][:3] for n in names} | {n.split()[1][:4] for n in names}),
        "tokens": tokens,
        "ties": len(pairs) * 2,
        "populate_s": time.perf_counter() - started,
    }


#: a page kind: the path of user k's next request, and the check that its answer is the page
Route = tuple[Callable[[int], str], Callable[[str, Any], bool]]

#: where a page's "who can introduce me" loads from when the page shows itself
#: first (a platform's page whose paths were not worked out yet for this member)
LATER = re.compile(r'id="introducers-paths" aria-busy="true" hx-get="(/introducers\?[^"]+)"')
#: what htmx sends with the request it makes for a section
HTMX = {"HX-Request": "true"}


def section_of(answer: Any) -> str | None:
    """The address the page in ``answer`` loads its section from (None: the page
    holds it already, or has none)."""
    found = LATER.search(answer.text)
    return None if found is None else html.unescape(found.group(1))


def section_done(answer: Any) -> bool:
    """A section's answer holds the worked-out paths (a 204 is "still being built")."""
    return (
        answer.status_code == 200
        and 'id="introducers-paths"' in answer.text
        and 'aria-busy="true"' not in answer.text
    )


#: the page kinds (--pages), by the first word of their names below
PAGES = ("feed", "conversation", "job", "search", "profile", "organisation")


def _routes(
    world: dict[str, Any], rng: random.Random, api: bool, users: int, pages: str = ",".join(PAGES)
) -> dict[str, Route]:
    """The page kinds measured, each drawing its next target at random (called
    under the load's lock: one draw at a time)."""
    people = world["people"]
    orgs = world["orgs"]
    conversations = [world["conversations"][h] for h in world["handles"][:users]]

    def page(pattern: str) -> Callable[[str, Any], bool]:
        """The answer holds ``pattern``: what the page shows when it did its work."""
        return lambda path, answer: re.search(pattern, answer.text) is not None

    def titled(kind: str) -> Callable[[str, Any], bool]:
        """The member's or the organisation's own name is the page's heading."""
        names = (
            {f"/in/{h}": n for h, n in people}
            if kind == "in"
            else {f"/orgs/{i}": n for i, n in orgs}
        )
        # "who can introduce you" is on the page, worked out, or the page loads
        # it next (then measured as its own request: see load)
        return lambda path, answer: (
            f"<h1>{html.escape(names[path], quote=False)}" in answer.text
            and (kind == "in" or 'id="h-jobs"' in answer.text)
            and ('aria-busy="true"' not in answer.text or section_of(answer) is not None)
        )

    def one(items: list[Any]) -> Any:
        return items[rng.randrange(len(items))]

    wanted = set(pages.split(","))
    if not api:
        # the social pages first, the pages with "who can introduce you" last
        every: dict[str, Route] = {
            "feed `/feed`": (lambda k: "/feed", page(r'<article class="card post"')),
            "conversation `/messages/N`": (
                lambda k: f"/messages/{conversations[k]}",
                page(r'<li id="m\d+" class="message'),
            ),
            "job search `/jobs?q=engineer&workplace=hybrid`": (
                lambda k: "/jobs?q=engineer&workplace=hybrid",
                page(r'<li class="job">'),
            ),
            "search, a name `/search?q=`": (
                lambda k: f"/search?q={one(world['prefixes'])}",
                page(r'<h2 id="h-people">'),
            ),
            "search, a topic `/search?q=`": (
                lambda k: f"/search?q={one(world['topics'])}",
                page(r'<li class="post-hit">'),
            ),
            "profile `/in/H`": (lambda k: f"/in/{one(people)[0]}", titled("in")),
            "organisation `/orgs/ID`": (lambda k: f"/orgs/{one(orgs)[0]}", titled("orgs")),
        }
        return {
            name: route for name, route in every.items() if name.split()[0].rstrip(",") in wanted
        }

    def json_has(key: str, want: Callable[[str], Any]) -> Callable[[str, Any], bool]:
        return lambda path, answer: answer.json().get(key) == want(path)

    def last(path: str) -> str:
        return path.rsplit("/", 1)[1]

    return {
        "profile `/api/v1/profiles/H`": (
            lambda k: f"/api/v1/profiles/{one(people)[0]}",
            json_has("handle", last),
        ),
        "organisation `/api/v1/orgs/ID`": (
            lambda k: f"/api/v1/orgs/{one(orgs)[0]}",
            json_has("id", lambda p: int(last(p))),
        ),
        "search `/api/v1/search?q=`": (
            lambda k: f"/api/v1/search?q={one(world['prefixes'] + world['topics'])}",
            lambda path, answer: bool(answer.json().get("people") or answer.json().get("posts")),
        ),
    }


#: untimed pages of each kind each member asks first, each on a new connection
WARM = 2


def warm_up(
    clients: list[Any], routes: dict[str, Route], seconds: float
) -> dict[str, dict[str, float]]:
    """Each member asks for ``WARM`` pages of each kind, untimed in the tables, each on
    a connection of its own, all members at once: a member's first pages on a worker
    process make what it keeps for them (their network), and a new connection may
    reach either worker, as a browser's does after its idle one was closed. None is
    sent after ``seconds`` (those under way finish). Returns how many, their median
    and the slowest per kind."""
    import httpx

    out: dict[str, dict[str, float]] = {}
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    for name, (path, _check) in routes.items():
        times: list[float] = []

        def user(k: int, c: Any) -> None:
            target = ""
            answer = None
            for _ in range(WARM):
                if time.monotonic() > deadline:
                    return
                with lock:
                    target = path(k)
                with httpx.Client(
                    base_url=c.base_url, cookies=c.cookies, headers=c.headers, timeout=600
                ) as fresh:
                    t0 = time.perf_counter()
                    answer = fresh.get(target, follow_redirects=False)
                    answer.read()
                    with lock:
                        times.append(time.perf_counter() - t0)
            # a page whose section loads next asks for it as the browser does: at
            # once, then every 3 s while the worker builds the platform's network
            # (204), untimed, until it is done or the warm-up's time is out
            later = None if answer is None else section_of(answer)
            while later is not None:
                if section_done(c.get(later, headers=HTMX)):
                    return
                if time.monotonic() > deadline:
                    return
                time.sleep(3)

        threads = [threading.Thread(target=user, args=(k, c)) for k, c in enumerate(clients)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        out[name] = {
            "pages": len(times),
            "p50_ms": 1000 * statistics.median(times) if times else float("nan"),
            "max_ms": 1000 * max(times) if times else float("nan"),
        }
    return out


def load(
    clients: list[Any],
    routes: dict[str, Route],
    requests: int,
    seconds: float,
    seed: int,
    think: Think,
) -> dict[str, dict[str, Any]]:
    """Each page kind in turn, ``requests`` requests shared by the clients, one
    thread each (a user: one browser, signed in)."""
    import httpx

    results: dict[str, dict[str, Any]] = {}
    lock = threading.Lock()
    for name, (path, check) in routes.items():
        todo = [requests]  # requests still to send
        latencies: list[float] = []
        errors: list[int | str] = []
        resent: list[str] = []
        # a page that shows itself first and loads its section next: the section's
        # request (as htmx sends it, at once) and the whole visit, page then section
        sections: list[float] = []
        section_errors: list[int | str] = []
        visits: list[float] = []
        deadline = time.monotonic() + seconds / len(routes)

        def user(k: int, c: Any) -> None:
            waits = random.Random(seed * 1000 + k)
            # people do not all arrive at once: each starts within one think time
            time.sleep(min(think.wait(waits), max(0.0, deadline - time.monotonic())))
            while time.monotonic() < deadline:
                with lock:
                    if not todo[0]:
                        return
                    todo[0] -= 1
                    target = path(k)
                t0 = time.perf_counter()
                try:
                    answer, again = get_page(c, target)
                    if again:
                        with lock:
                            resent.append(target)
                    answer.read()
                    elapsed = time.perf_counter() - t0
                    status: int | str = answer.status_code
                    if status == 200 and not check(target, answer):
                        status = "200 without the page's content"
                except httpx.TimeoutException:  # counted, not a dead client thread
                    elapsed, status = time.perf_counter() - t0, "timeout"
                except httpx.TransportError as exc:
                    elapsed, status = time.perf_counter() - t0, type(exc).__name__
                with lock:
                    if status == 200:
                        latencies.append(elapsed)
                    else:
                        errors.append(status)
                later = section_of(answer) if status == 200 else None
                if status == 200 and later is None:
                    with lock:  # a visit whose page held its section: the page alone
                        visits.append(elapsed)
                if later is not None:
                    t1 = time.perf_counter()
                    try:
                        part = c.get(later, headers=HTMX)
                        done: int | str = 200
                        if not section_done(part):
                            # a 200 that is not the worked-out section (a sign-in
                            # page, a section still busy) is an error, not a success
                            done = (
                                "200 without the section"
                                if part.status_code == 200
                                else part.status_code
                            )
                    except httpx.TimeoutException:
                        done = "timeout"
                    except httpx.TransportError as exc:
                        done = type(exc).__name__
                    t2 = time.perf_counter()
                    with lock:
                        if done == 200:
                            sections.append(t2 - t1)
                            visits.append(t2 - t0)
                        else:
                            section_errors.append(done)
                pause = think.wait(waits)
                if pause:
                    time.sleep(min(pause, max(0.0, deadline - time.monotonic())))

        started = time.perf_counter()
        threads = [threading.Thread(target=user, args=(k, c)) for k, c in enumerate(clients)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        wall = time.perf_counter() - started
        results[name] = _row(latencies, errors, wall, resent=len(resent), unsent=todo[0])
        if sections or section_errors:  # the visits of every answered page
            results[f"{name}, its section `/introducers?…`"] = _row(sections, section_errors, wall)
            results[f"{name}, then its section: the visit"] = _row(visits, section_errors, wall)
    return results


def _row(
    latencies: list[float], errors: list[int | str], wall: float, resent: int = 0, unsent: int = 0
) -> dict[str, Any]:
    q = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [float("nan")] * 99
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "timeouts": sum(1 for e in errors if e == "timeout"),
        "error_kinds": {str(k): v for k, v in Counter(errors).items()},
        "resent": resent,  # on a new connection: the idle one was closed
        "unsent": unsent,  # not sent before the route's share of --seconds ran out
        "throughput_rps": len(latencies) / wall if wall else 0.0,
        "p50_ms": q[49] * 1000,
        "p95_ms": q[94] * 1000,
        "p99_ms": q[98] * 1000,
    }


GOAL_MS = 100.0


def _table(results: dict[str, dict[str, Any]], goal: bool) -> list[str]:
    lines = [
        "| page | answered | errors (timeouts) | not sent | throughput (req/s) "
        "| p50 (ms) | p95 (ms) | p99 (ms) |" + (" p95 ≤ 100 ms |" if goal else ""),
        "|---|---:|---:|---:|---:|---:|---:|---:|" + ("---|" if goal else ""),
    ]
    for name, r in results.items():
        met = "met" if r["p95_ms"] <= GOAL_MS and not r["errors"] else "**not met**"
        lines.append(
            f"| {name} | {r['requests']} | {r['errors']} ({r['timeouts']}) | {r['unsent']} "
            f"| {r['throughput_rps']:.1f} | "
            f"{r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['p99_ms']:.0f} |"
            + (f" {met} |" if goal else "")
        )
    kinds = {n: r["error_kinds"] for n, r in results.items() if r["error_kinds"]}
    if kinds:
        lines += ["", "Errors: " + "; ".join(f"{n}: {k}" for n, k in kinds.items()) + "."]
    return lines


def _tokens(store: Any, handles: list[str]) -> list[str]:
    """A personal access token for each measured member (for the API's table)."""
    from sqlalchemy import insert, select

    from weakties.model import tables as t

    now = dt.datetime(2026, 12, 1)
    with store.engine.begin() as conn:
        accounts = dict(
            conn.execute(
                select(t.Member.handle, t.Account.id)
                .join(t.Account, t.Account.member_id == t.Member.id)
                .where(t.Member.handle.in_(handles))
            ).all()
        )
        tokens = [f"wt_bench{secrets.token_hex(16)}" for _ in handles]
        conn.execute(
            insert(t.AccessToken),
            [
                {"token_hash": _hash(tok), "account_id": accounts[h], "name": "bench",
                 "created_at": now}
                for tok, h in zip(tokens, handles, strict=True)
            ],
        )  # fmt: skip
    return tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--ties", type=int, default=1_000_000, help="connections (2 tie rows each)")
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument(
        "--requests",
        type=int,
        default=200,
        help="per page kind with think time (and at saturation unless --saturation-requests)",
    )
    parser.add_argument("--saturation-requests", type=int, default=100, help="per page kind")
    parser.add_argument(
        "--seconds", type=float, default=840, help="the timed requests, all pages together"
    )
    parser.add_argument(
        "--warm-seconds", type=float, default=120, help="the untimed first pages (per table)"
    )
    parser.add_argument("--api", action="store_true", help="the JSON API too, a second table")
    parser.add_argument(
        "--pages",
        default=",".join(PAGES),
        help="the page kinds measured, of %(default)s (profile and organisation show who can "
        "introduce you: each worker builds the platform's introduction network once, in the "
        "background, during the untimed first pages; a page shown before it is ready counts as "
        "an error)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        help="worker processes of weakties serve (default: what it uses, %(default)s here)",
    )
    parser.add_argument(
        "--think",
        type=Think.parse,
        default=Think(),
        metavar="SECONDS|MIN:MAX",
        help="wait between a user's requests (default 0: back to back only)",
    )
    parser.add_argument(
        "--db", default=None, help="a database URL (default: a new SQLite file; its tables empty)"
    )
    parser.add_argument(
        "--reuse",
        type=Path,
        metavar="WORLD.json",
        help="with --db: build the world into that database once and describe it in this "
        "file; a later run with the same file (this script's or social_bench.py's) "
        "measures the database as it is",
    )
    parser.add_argument(
        "--throwaway-postgres",
        action="store_true",
        help="start a PostgreSQL of its own (as the test suite does) and measure on it",
    )
    parser.add_argument("--seed", type=int, default=5, help="the world's (social_bench's is 5)")
    parser.add_argument("--out", default="platform", help="results/NAME.md and .json")
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


def _world(url: str, args: argparse.Namespace) -> dict[str, Any]:
    """The world built now, or the one ``--reuse`` describes; with the API's tokens."""
    from weakties.store.engine import open_store

    store = open_store(url)
    try:
        if args.reuse and args.reuse.exists():
            world = json.loads(args.reuse.read_text(encoding="utf-8"))
            if "people" not in world:
                raise SystemExit(f"{args.reuse} was built by an earlier build: build it again")
            print(f"measuring the world described in {args.reuse}", flush=True)
        else:
            world = build(store, args.members, args.ties, args.posts, args.users, args.seed)
            if args.reuse:
                args.reuse.write_text(json.dumps(world), encoding="utf-8")
                print(f"built; described in {args.reuse}", flush=True)
        world["tokens"] = _tokens(store, world["handles"][: args.users]) if args.api else []
        # the planner's statistics of what was loaded, as after any bulk load (PostgreSQL)
        store.analyze()
    finally:
        store.close()
    return world


def run(args: argparse.Namespace) -> None:
    import httpx

    load_start = os.getloadavg()
    think: Think = args.think
    phases = {"with think time": think} if think.active else {}
    phases["saturation"] = Think()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{tmp}/platform.sqlite"
        world = _world(url, args)
        port = free_port()
        server = start_server(url, port, args.workers, SECRET)
        base = f"http://127.0.0.1:{port}"
        handles = world["handles"][: args.users]
        browsers = [_signed_in(base, h) for h in handles]
        for browser in browsers:
            browser.timeout = httpx.Timeout(60)
        tokens = [
            httpx.Client(base_url=base, headers={"Authorization": f"Bearer {tok}"}, timeout=60)
            for tok in world["tokens"]
        ]
        kinds = {"pages": (browsers, False)} | ({"api": (tokens, True)} if args.api else {})
        measured: dict[str, dict[str, Any]] = {}
        first: dict[str, dict[str, dict[str, float]]] = {}
        try:
            for kind, (clients, api) in kinds.items():
                first[kind] = warm_up(
                    clients,
                    _routes(world, random.Random(args.seed + 1), api, args.users, args.pages),
                    args.warm_seconds,
                )
            for phase, model in phases.items():
                for kind, (clients, api) in kinds.items():
                    rng = random.Random(args.seed)  # the same targets in each phase
                    measured.setdefault(kind, {})[phase] = load(
                        clients,
                        _routes(world, rng, api, args.users, args.pages),
                        args.requests if model.active else args.saturation_requests,
                        args.seconds / len(phases) / len(kinds),
                        args.seed,
                        model,
                    )
        finally:
            for client in browsers + tokens:
                client.close()
            stop_server(server)
    load_end = os.getloadavg()
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    model = load_model(
        args.users,
        think,
        args.workers,
        "`weakties serve` on loopback, its background loop running as on any server",
    )
    counts = world["counts"]
    record = {
        "backend": backend,
        "world": counts,
        "users": args.users,
        "workers": args.workers,
        "think_s": [think.low, think.high],
        "load_model": " ".join(model),
        "goal_p95_ms": GOAL_MS,
        "warm_up": first,
        "pages": measured["pages"],
        **({"api": measured["api"]} if "api" in measured else {}),
        "load_start": load_start,
        "load_end": load_end,
        "cpus": os.cpu_count(),
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.out}.json").write_text(json.dumps(record, indent=1) + "\n")
    lines = [
        f"# The pages members use, under load ({backend})",
        "",
        f"{counts['members']:,} members, {counts['connections']:,} connections "
        f"({counts['tie_rows']:,} tie rows), {counts['posts']:,} posts, "
        f"{counts['organisations']:,} organisations, {counts['jobs']:,} open jobs "
        f"(`social_bench.build`, built in {counts['build_s']:.0f} s, not timed).",
        "",
        *model,
        "",
        f"`{' '.join(['python', 'benchmarks/platform_bench.py', *sys.argv[1:]])}` "
        f"ending {record['when']}; load average {load_start[0]:.1f} at the start, "
        f"{load_end[0]:.1f} at the end on {os.cpu_count()} cores (the end counts the "
        "benchmark's own server and clients)"
        + (
            " — a busy machine: rerun on a quiet one before quoting."
            if load_start[0] > 1.0  # what ran before: the end is the run's own load
            else "."
        ),
        "Latencies as the client saw them (server time plus the local round trip), "
        "of the answered requests: an answer counts only with status 200 and the "
        "page's content (else it is an error, its reason given); a request "
        "unanswered after 60 s is a timeout, and requests still waiting when the "
        "page's share of the time ran out were not sent. The goal: p95 ≤ 100 ms "
        f"at {args.users} people using the site (the think-time phase).",
        "A member's or an organisation's page on a platform shows itself first when who "
        "can introduce the member there was not worked out for them yet, and loads that "
        "section next (htmx asks for it at once; without JavaScript, a link): the "
        "section's request is a row of its own, and the visit, the page then its "
        "section as the member waits for both, another.",
    ]
    titles = {"pages": "The pages, signed in with a session cookie", "api": "The JSON API, "
              "with a personal access token"}  # fmt: skip
    lines += [
        "",
        f"First, untimed in the tables: each member asked for {WARM} pages of each kind, "
        "each on a new connection, all members at once (a member's first pages on each "
        "worker process make what it keeps for them); median and slowest of these: "
        + "; ".join(
            f"{name} {w['p50_ms']:.0f} / {w['max_ms']:.0f} ms"
            for kind in first.values()
            for name, w in kind.items()
        )
        + ".",
    ]
    for kind, by_phase in measured.items():
        for phase, results in by_phase.items():
            title = (
                f"{args.users} users with think time ({think})"
                if phase == "with think time"
                else f"Saturation: {args.users} users back to back"
            )
            lines += ["", f"## {titles[kind]}: {title}", ""]
            lines += _table(results, goal=phase == "with think time")
    (RESULTS / f"{args.out}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
