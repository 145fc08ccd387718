"""A company's page gets an about text, a website and an industry from its page
admins or the operator: the first member who is there now (their own profile says
so) takes charge of it, admins add colleagues who are there too and remove admins
but never the last one; every wrong field is named and nothing is written."""

from __future__ import annotations

import re
from typing import Any

from tests.web.test_social import api, people  # noqa: F401


def _works_at(client: Any, org: str, end: str | None = None) -> int:
    body: dict[str, Any] = {"organization": org, "title": "Engineer", "start": "2020-01"}
    if end:
        body["end"] = end
    else:
        body["current"] = True
    added = api(client, "POST", "/me/positions", body)
    assert added.status_code == 201, added.text
    handle = api(client, "GET", "/me").json()["handle"]
    (org_id,) = {
        p["organization_id"]
        for p in api(client, "GET", f"/profiles/{handle}").json()["experience"]
        if p["organization"] == org
    }
    return int(org_id)


def _csrf(client: Any, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found is not None
    return found.group(1)


def test_the_first_member_there_takes_charge_and_edits(people):  # noqa: F811
    ana, bob, cyd = (people[h] for h in ("ana", "bob", "cyd"))
    org = _works_at(ana, "Acme")
    _works_at(bob, "Acme")
    _works_at(cyd, "Acme", end="2021-01")  # there formerly: not now
    page = api(ana, "GET", f"/orgs/{org}").json()
    assert (page["can_edit"], page["can_claim"], page["admins"]) == (False, True, [])
    assert "Take charge of this page" in ana.get(f"/orgs/{org}").text
    # nobody edits before taking charge; Cyd, no longer there, cannot take charge
    assert api(ana, "PUT", f"/orgs/{org}", {"about": "x"}).status_code == 409
    assert api(cyd, "POST", f"/orgs/{org}/admins", {"handle": "cyd"}).status_code == 409
    assert api(ana, "POST", f"/orgs/{org}/admins", {"handle": "ana"}).status_code == 204
    # once it has an admin, Bob (there too) may not claim it for himself
    assert api(bob, "POST", f"/orgs/{org}/admins", {"handle": "bob"}).status_code == 409
    assert api(bob, "GET", f"/orgs/{org}").json()["can_claim"] is False
    edit = {"about": "We make\nanvils.", "website": "https://acme.example/", "industry": "Tools"}
    assert api(ana, "PUT", f"/orgs/{org}", edit).status_code == 204
    seen = api(bob, "GET", f"/orgs/{org}").json()
    assert (seen["about"], seen["website"], seen["industry"]) == (
        "We make\nanvils.",
        "https://acme.example/",
        "Tools",
    )
    assert seen["admins"] == []  # admins are named to those who may edit only
    assert api(ana, "GET", f"/orgs/{org}").json()["admins"] == [{"name": "Ana", "handle": "ana"}]


def test_admins_add_colleagues_there_now_and_keep_one(people):  # noqa: F811
    ana, bob, cyd, opal = (people[h] for h in ("ana", "bob", "cyd", "opal"))
    org = _works_at(ana, "Acme")
    _works_at(bob, "Acme")
    _works_at(cyd, "Acme", end="2021-01")
    assert api(ana, "POST", f"/orgs/{org}/admins", {"handle": "ana"}).status_code == 204
    # Cyd is not there now: not an admin; Bob is; Cyd may not add anyone
    assert api(cyd, "POST", f"/orgs/{org}/admins", {"handle": "bob"}).status_code == 409
    added = api(ana, "POST", f"/orgs/{org}/admins", {"handle": "cyd"})
    assert (added.status_code, added.json()["fields"]) == (
        422,
        {"handle": "This member's profile does not say they are here now."},
    )
    assert api(ana, "POST", f"/orgs/{org}/admins", {"handle": "bob"}).status_code == 204
    assert api(bob, "GET", f"/orgs/{org}").json()["can_edit"] is True
    # the last admin stays, unless the operator removes them
    assert api(bob, "DELETE", f"/orgs/{org}/admins/ana").status_code == 204
    assert api(bob, "DELETE", f"/orgs/{org}/admins/bob").status_code == 409
    assert api(ana, "PUT", f"/orgs/{org}", {"about": "mine"}).status_code == 409
    assert api(opal, "DELETE", f"/orgs/{org}/admins/bob").status_code == 204
    assert api(opal, "PUT", f"/orgs/{org}", {"about": "Set by the operator"}).status_code == 204
    after = api(ana, "GET", f"/orgs/{org}").json()
    assert (after["about"], after["website"], after["can_claim"]) == (
        "Set by the operator",
        None,
        True,
    )


def test_wrong_fields_are_named_and_nothing_is_written(people):  # noqa: F811
    ana = people["ana"]
    org = _works_at(ana, "Initech")
    assert api(ana, "POST", f"/orgs/{org}/admins", {"handle": "ana"}).status_code == 204
    good = {"about": "Before", "website": "http://initech.example", "industry": "Software"}
    assert api(ana, "PUT", f"/orgs/{org}", good).status_code == 204
    for website in ("javascript:alert(1)", "ftp://initech.example", "initech.example", "http://"):
        bad = api(ana, "PUT", f"/orgs/{org}", {**good, "about": "After", "website": website})
        assert bad.status_code == 422, website
        assert set(bad.json()["fields"]) == {"website"}, website
    both = api(ana, "PUT", f"/orgs/{org}", {"about": "x" * 2001, "industry": "a\x00b"})
    assert (both.status_code, set(both.json()["fields"])) == (422, {"about", "industry"})
    seen = api(ana, "GET", f"/orgs/{org}").json()
    assert (seen["about"], seen["website"], seen["industry"]) == (
        "Before",
        "http://initech.example",
        "Software",
    )
    # the page's form: 422 with the error at the field and what was typed kept
    form = {
        "csrf_token": _csrf(ana, f"/orgs/{org}"),
        "about": "Typed <b>text</b>",
        "website": "javascript:alert(1)",
        "industry": "Software",
    }
    page = ana.post(f"/orgs/{org}/about", data=form, follow_redirects=False)
    assert page.status_code == 422
    assert 'id="e-website"' in page.text and 'aria-invalid="true"' in page.text
    assert "Typed &lt;b&gt;text&lt;/b&gt;" in page.text
    assert api(ana, "GET", f"/orgs/{org}").json()["about"] == "Before"
    # without the CSRF token nothing is written
    del form["csrf_token"]
    form["website"] = ""
    assert ana.post(f"/orgs/{org}/about", data=form, follow_redirects=False).status_code == 403
    assert api(ana, "GET", f"/orgs/{org}").json()["about"] == "Before"
    form["csrf_token"] = _csrf(ana, f"/orgs/{org}")
    done = ana.post(f"/orgs/{org}/about", data=form, follow_redirects=False)
    assert done.status_code == 303
    assert api(ana, "GET", f"/orgs/{org}").json()["website"] is None


def test_a_group_is_not_edited_here(people):  # noqa: F811
    ana, opal = people["ana"], people["opal"]
    made = api(ana, "POST", "/groups", {"name": "Anvil fans", "about": "Ours"})
    group = made.json()["id"]
    assert api(opal, "PUT", f"/orgs/{group}", {"about": "Theirs"}).status_code == 404
    assert api(ana, "POST", f"/orgs/{group}/admins", {"handle": "ana"}).status_code == 404
    assert api(ana, "GET", f"/groups/{group}").json()["about"] == "Ours"
