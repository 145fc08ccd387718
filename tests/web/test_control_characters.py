"""Control characters and bidi overrides in imported data: an import stores names,
companies and titles as written, and no page and no JSON response sends them."""

from __future__ import annotations

import datetime as dt
import json
import re

from sqlalchemy import select

from tests.support import connections, profile, url, write_files
from tests.web.conftest import sign_up
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.model.tables import Organization, Person, Position

NAME = "Evil\x1b[31mRED\x1b]0;PWNED\x07"
COMPANY = "Acme\x1b[2J Robotics"
TITLE = "Head of \u202eSALES"
# what no page nor response may carry: C0 controls but tab and line feed, DEL, C1,
# bidi overrides and isolates
UNSHOWN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _export(tmp_path):
    rows = [
        [NAME, "Lee", url("evil"), "", COMPANY, TITLE, "02 Mar 2024"],
        ["Dee", "Vo", url("dee"), "", "Globex", "CTO", "01 Feb 2024"],
    ]
    return write_files(
        tmp_path / "ana",
        {"Profile.csv": profile("Ana", "Lima"), "Connections.csv": connections(rows)},
    )


def _evil(store) -> tuple[int, int]:
    with store.engine.connect() as conn:
        person = conn.execute(select(Person.id).where(Person.first_name.like("Evil%"))).scalar()
        org = conn.execute(select(Organization.id).where(Organization.name.like("Acme%"))).scalar()
    assert person is not None and org is not None
    return person, org


def test_no_page_and_no_response_sends_a_control_character(client, store, tmp_path):
    sign_up(client, "Ana Lima", "ana@example.org", handle="ana")
    import_linkedin(store, _export(tmp_path), "ana", export_date=dt.date(2024, 3, 10))
    person, org = _evil(store)
    with store.engine.connect() as conn:  # stored as written (see docs/importing.md)
        assert (
            conn.execute(select(Person.display_name).where(Person.id == person)).scalar()
            == f"{NAME} Lee"
        )
        assert conn.execute(select(Position.title).where(Position.person_id == person)).all() == [
            (TITLE,)
        ]
    pages = (
        "/network/ties",
        f"/network/ties/{person}",
        "/network",
        "/search?q=Evil",
        f"/orgs/{org}",
    )
    for path in pages:
        page = client.get(path)
        assert page.status_code == 200, path
        assert not UNSHOWN.search(page.text), (path, UNSHOWN.search(page.text))
    said = client.get(f"/network/ties/{person}").text
    assert "Evil\ufffd[31mRED\ufffd]0;PWNED\ufffd Lee" in said  # shown, not hidden
    assert "Head of SALES" in client.get(f"/orgs/{org}").text
    for path in ("/api/v1/network/ties", "/api/v1/network/graph", f"/api/v1/orgs/{org}"):
        response = client.get(path)
        assert response.status_code == 200, path
        raw = response.content.decode()
        assert not UNSHOWN.search(raw), path
        assert not re.search(r"\\u00[01][0-9a-f]|\\[bfr]", raw), path
        assert not UNSHOWN.search(json.dumps(response.json(), ensure_ascii=False)), path
    ties = client.get("/api/v1/network/ties").json()["ties"]
    assert "Evil\ufffd[31mRED\ufffd]0;PWNED\ufffd Lee" in [t["name"] for t in ties]


def test_markup_stays_markup_and_a_typed_backslash_stays_text():
    from markupsafe import Markup

    from weakties.web.render import json_bytes, make_templates

    env = make_templates().env
    page = env.from_string("<p>{{ name }}</p>{{ hi }}").render(
        name="<b>\x1b[2J\u202eEve</b>", hi=Markup("<i>Hi\x07</i>")
    )
    assert page == "<p>&lt;b&gt;\ufffd[2JEve&lt;/b&gt;</p><i>Hi\ufffd</i>"
    typed = {"note": "C:\\u001b\\recent", "n": 1}  # a backslash typed as text
    assert json.loads(json_bytes(typed)) == typed
    assert json.loads(json_bytes({"a\x1b": ["\x9b2J\u2066x"]})) == {"a\ufffd": ["\ufffd2Jx"]}
