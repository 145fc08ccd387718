"""The server's CPU per request of the profile and organisation pages and of their
"who can introduce me" section, in process, signed in as a browser is.

    flock /work/.bench.lock python benchmarks/intro_pages_cpu.py --db sqlite:////tmp/pages/platform.sqlite
    flock /work/.bench.lock python benchmarks/intro_pages_cpu.py --db URL --base /tmp/base/src

The world is the one ``platform_bench.py --db URL --reuse WORLD.json`` built
(``--world``: its description; measure a copy of the database, as the pages write
sessions). The app is called in this process through FastAPI's test client, with
no background loop: ``--users`` members (20) sign in with the sign-in form, and
each asks for one page of each kind, then its section until it is worked out (the
platform's introduction network is built then, untimed). Then ``--visits`` visits
of each kind, the users taking turns: a random member's profile ``/in/H`` or a
random organisation's page ``/orgs/ID``, then its section ``/introducers?…`` as
htmx asks for it. The CPU time of this process per request (the test client's
share included), mean, p50 and p95, and the statements each sent.

CPU time still grows with the machine's load (two cores shared): figures of two
runs at different loads do not compare. ``--base DIR`` (the ``src`` folder of an
earlier commit, e.g. ``git archive OLD src | tar -x -C /tmp/base``) measures the
earlier code and this one in the same run, visit after visit in turn, for the
modules listed in ``BASE_MODULES``: the earlier copy is loaded beside this one and
swapped in for every other visit (the rest of the code is this one's). ``--profile``
writes the functions that took the time (cProfile, the endpoints only) to
``PREFIX-ROUTE.prof``.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from platform_bench import HTMX, SECRET, section_done, section_of  # noqa: E402
from social_bench import PASSWORD  # noqa: E402

#: what ``--base`` swaps: (file under src/weakties, the module that holds the
#: names, the names: ``Class.method`` for a method) — a name that is a module
#: (a route module's reference to a service) is swapped for the earlier module
BASE_MODULES: list[tuple[str, str, tuple[str, ...]]] = [
    ("web/path_reasons.py", "weakties.web.path_reasons", ("_hop", "_tail")),
    ("service/introductions.py", "weakties.web.routes.introductions", ("intro",)),
    ("store/read_ties.py", "weakties.store.read_ties", ("TieReads.neighbours",)),
    ("service/orgpages.py", "weakties.service.orgpages", ("org_page",)),
    (
        "store/read_orgs.py",
        "weakties.store.read_orgs",
        ("OrgReads.visible_orgs", "OrgReads.org_rows", "OrgReads._org_filter"),
    ),
]


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _swaps(base: Path) -> list[tuple[Any, str, Any, Any]]:
    """(module or class, name, earlier value, this value) for each name ``--base`` swaps."""
    out = []
    for k, (file, holder, names) in enumerate(BASE_MODULES):
        old = _load(base / "weakties" / file, f"_base_{k}")
        module = importlib.import_module(holder)
        for dotted in names:
            owner, earlier = module, old
            *classes, name = dotted.split(".")
            for cls in classes:  # a method: swapped on its class
                owner, earlier = getattr(owner, cls), getattr(earlier, cls)
            now = getattr(owner, name)
            # a module referenced by name (the routes' ``intro``) is swapped whole
            then = old if isinstance(now, ModuleType) else getattr(earlier, name)
            out.append((owner, name, then, now))
    return out


def _stats(values: list[float]) -> str:
    if not values:
        return "-"
    v = sorted(values)
    return (
        f"mean {1000 * statistics.fmean(v):.1f}, p50 {1000 * v[len(v) // 2]:.1f}, "
        f"p95 {1000 * v[int(0.95 * len(v))]:.1f} ms (n={len(v)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="a copy of the world's database")
    parser.add_argument("--world", type=Path, default=Path("/tmp/benchw/world-sqlite.json"))
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--visits", type=int, default=200, help="per page kind")
    parser.add_argument("--pages", default="profile,organisation")
    parser.add_argument("--base", type=Path, default=None, help="an earlier commit's src")
    parser.add_argument("--profile", default=None, help="PREFIX of the cProfile files")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()

    import fastapi.routing
    from fastapi.testclient import TestClient
    from sqlalchemy import event

    from weakties.web.app import create_app
    from weakties.web.settings import Settings

    profiles: dict[str, cProfile.Profile] = {}
    if args.profile:
        run_endpoint = fastapi.routing._run_sync_endpoint

        def profiled(*, function: Any, arguments: dict[str, Any]) -> Any:
            found = profiles.get(function.__name__)
            if found is None:
                return run_endpoint(function=function, arguments=arguments)
            found.enable()
            try:
                return run_endpoint(function=function, arguments=arguments)
            finally:
                found.disable()

        fastapi.routing._run_sync_endpoint = profiled  # type: ignore[assignment]

    world = json.loads(args.world.read_text(encoding="utf-8"))
    settings = Settings(environment="test", secret_key=SECRET, db=args.db, worker_interval=0)
    app = create_app(settings)
    sent = [0]

    @event.listens_for(app.state.store.engine, "before_cursor_execute")
    def _count(*_: Any) -> None:
        sent[0] += 1

    rng = random.Random(args.seed)
    people, orgs = world["people"], world["orgs"]

    def target(kind: str) -> str:
        if kind == "profile":
            return f"/in/{people[rng.randrange(len(people))][0]}"
        return f"/orgs/{orgs[rng.randrange(len(orgs))][0]}"

    load_start = os.getloadavg()
    kinds = args.pages.split(",")
    with TestClient(app):
        clients = []
        for handle in world["handles"][: args.users]:
            client = TestClient(app)
            form = client.get("/signin")
            token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
            assert token is not None
            done = client.post(
                "/signin",
                data={"csrf_token": token.group(1), "email": f"{handle}@example.org",
                      "password": PASSWORD},
                follow_redirects=False,
            )  # fmt: skip
            assert done.status_code == 303, done.text[:300]
            clients.append(client)
        for kind in kinds:  # untimed: the network is built, each user's first pages
            for client in clients:
                later = section_of(client.get(target(kind)))
                while later is not None and not section_done(client.get(later, headers=HTMX)):
                    time.sleep(1)
        swaps = _swaps(args.base) if args.base else []
        if args.profile:
            profiles.update(
                {n: cProfile.Profile() for n in ("profile_page", "org_page", "introducers_page")}
            )
        for kind in kinds:
            # by code (0: this one, 1: the earlier one): page and section CPU, statements
            cpu: dict[int, tuple[list[float], list[float]]] = {0: ([], []), 1: ([], [])}
            statements: dict[int, tuple[list[int], list[int]]] = {0: ([], []), 1: ([], [])}
            for i in range(args.visits):
                code = i % 2 if swaps else 0
                for module, name, old, now in swaps:
                    setattr(module, name, old if code else now)
                client = clients[i % len(clients)]
                path = target(kind)
                sent[0] = 0
                t0 = time.process_time()
                page = client.get(path)
                cpu[code][0].append(time.process_time() - t0)
                statements[code][0].append(sent[0])
                assert page.status_code == 200, (path, page.status_code)
                later = section_of(page)
                if later is None:
                    continue  # the page held its section
                sent[0] = 0
                t0 = time.process_time()
                section = client.get(later, headers=HTMX)
                cpu[code][1].append(time.process_time() - t0)
                statements[code][1].append(sent[0])
                assert section_done(section), (later, section.status_code)
            for code in (1, 0) if swaps else (0,):
                label = ("earlier code, " if code else "this code, ") if swaps else ""
                for part, name in ((0, "page"), (1, "its section")):
                    sql = statements[code][part]
                    print(
                        f"{kind} {name}: {label}CPU {_stats(cpu[code][part])}; "
                        f"statements {statistics.fmean(sql) if sql else 0:.1f}",
                        flush=True,
                    )
    for name, found in profiles.items():
        found.dump_stats(f"{args.profile}-{name}.prof")
    load_end = os.getloadavg()
    print(
        f"load average {load_start[0]:.1f} at the start, {load_end[0]:.1f} at the end "
        f"on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
