"""Accounts: sign-up, sign-in and out, rate limits, resets, tokens, invitations."""

from __future__ import annotations

import logging
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.web.conftest import PASSWORD, api_headers, csrf, make_settings, post_form, sign_up
from weakties.model.tables import Account, Member, Person, RateEvent, WebSession
from weakties.service import accounts
from weakties.web.app import create_app


def count(store, table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_first_account_is_the_operator_and_the_next_a_member(client, other, store):
    first = sign_up(client, "Ana Lima", "ana@example.org")
    assert first.headers["location"] == "/in/ana-lima"
    sign_up(other, "Bo Chen", "BO@example.org", handle="bochen")
    assert client.get("/api/v1/me").json()["role"] == "operator"
    me = other.get("/api/v1/me").json()
    assert me == {
        "handle": "bochen",
        "name": "Bo Chen",
        "email": "bo@example.org",
        "role": "member",
        "locale": None,
    }
    # an account is a member with its person, like an imported one
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(Member.handle, Person.display_name).join(Person, Person.id == Member.person_id)
        ).all()
    assert sorted(rows) == [("ana-lima", "Ana Lima"), ("bochen", "Bo Chen")]


def test_sign_up_errors_name_the_field_and_write_nothing(client, store):
    sign_up(client, "Ana Lima", "ana@example.org")
    client.post("/signout", data={"csrf_token": csrf(client)})
    response = post_form(
        client, "/signup", {"name": "", "email": "ANA@example.org", "password": "short"}
    )
    assert response.status_code == 422
    assert 'aria-invalid="true" aria-describedby="e-name"' in response.text
    assert "An account with this e-mail address exists already." in response.text
    assert "The password needs at least 10 characters." in response.text
    bad_handle = post_form(
        client,
        "/signup",
        {"name": "X", "email": "x@example.org", "password": PASSWORD, "handle": "API"},
    )
    assert bad_handle.status_code == 422 and "e-handle" in bad_handle.text
    assert count(store, Account) == 1
    assert count(store, Member) == 1


def test_sign_in_and_out(client, other):
    sign_up(client, "Ana Lima", "ana@example.org")
    response = post_form(
        other, "/signin", {"email": "Ana@Example.org", "password": PASSWORD, "next": "/settings"}
    )
    assert response.status_code == 303 and response.headers["location"] == "/settings"
    cookie = response.headers["set-cookie"]
    assert "wt_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert other.get("/settings").status_code == 200
    other.post("/signout", data={"csrf_token": csrf(other, "/settings")})
    assert other.get("/api/v1/me").status_code == 401
    # the other browser's session is untouched
    assert client.get("/api/v1/me").status_code == 200


def test_next_never_leaves_the_site(client, other):
    sign_up(client, "Ana Lima", "ana@example.org")
    response = post_form(
        other,
        "/signin",
        {"email": "ana@example.org", "password": PASSWORD, "next": "//evil.example/x"},
    )
    assert response.headers["location"] == "/in/ana-lima"


def test_a_forged_session_cookie_is_refused(client, store):
    sign_up(client, "Ana Lima", "ana@example.org")
    signed = client.cookies.get("wt_session")
    token, _, signature = signed.rpartition(".")
    client.cookies.set("wt_session", token[:-2] + "AA." + signature)
    assert client.get("/api/v1/me").status_code == 401


def test_sign_in_is_rate_limited_per_address(app, client, other, store):
    sign_up(client, "Ana Lima", "ana@example.org")
    for _ in range(5):
        wrong = post_form(other, "/signin", {"email": "ana@example.org", "password": "nope" * 3})
        assert wrong.status_code == 401
        assert "Wrong e-mail address or password." in wrong.text
    right = post_form(other, "/signin", {"email": "ana@example.org", "password": PASSWORD})
    assert right.status_code == 429  # even the right password, until the window has passed
    assert "Too many failed attempts" in right.text
    assert count(store, RateEvent) == 10  # five per address, five per client
    assert other.get("/api/v1/me").status_code == 401


def test_an_unknown_address_and_a_wrong_password_read_the_same(client, other):
    sign_up(client, "Ana Lima", "ana@example.org")
    unknown = post_form(other, "/signin", {"email": "who@example.org", "password": PASSWORD})
    wrong = post_form(other, "/signin", {"email": "ana@example.org", "password": "x" * 12})
    assert unknown.status_code == wrong.status_code == 401
    assert "Wrong e-mail address or password." in unknown.text


def test_password_reset_by_a_one_time_link(client, other, store, caplog):
    sign_up(client, "Ana Lima", "ana@example.org")
    with caplog.at_level(logging.WARNING, logger="weakties.mail"):
        sent = post_form(other, "/password/forgot", {"email": "ana@example.org"})
        nobody = post_form(other, "/password/forgot", {"email": "nobody@example.org"})
    assert sent.status_code == nobody.status_code == 200
    assert "on its way" in sent.text and "on its way" in nobody.text
    (link,) = re.findall(r"/password/reset\?token=([\w-]+)", caplog.text)
    new = "a brand new passphrase"
    done = post_form(
        other, "/password/reset", {"token": link, "password": new}, page="/password/forgot"
    )
    assert done.status_code == 303
    # every session of the account ended with the reset; only the new password works
    assert client.get("/api/v1/me").status_code == 401
    assert count(store, WebSession) == 1  # the one the reset opened
    again = post_form(
        other, "/password/reset", {"token": link, "password": "another one!"}, page="/"
    )
    assert again.status_code == 422 and "invalid, used or expired" in again.text
    old = post_form(client, "/signin", {"email": "ana@example.org", "password": PASSWORD})
    assert old.status_code == 401
    ok = post_form(client, "/signin", {"email": "ana@example.org", "password": new})
    assert ok.status_code == 303


def _reset_links(caplog) -> list[str]:
    return re.findall(r"/password/reset\?token=([\w-]+)", caplog.text)


def test_using_a_reset_link_ends_the_other_links(client, other, caplog):
    sign_up(client, "Ana Lima", "ana@example.org")
    with caplog.at_level(logging.WARNING, logger="weakties.mail"):
        for _ in range(2):
            post_form(other, "/password/forgot", {"email": "ana@example.org"})
    older, newest = _reset_links(caplog)
    used = post_form(
        other, "/password/reset", {"token": newest, "password": "a brand new one"}, page="/"
    )
    assert used.status_code == 303
    stale = post_form(
        other, "/password/reset", {"token": older, "password": "taken over!!"}, page="/"
    )
    assert stale.status_code == 422 and "invalid, used or expired" in stale.text
    back = post_form(client, "/signin", {"email": "ana@example.org", "password": "taken over!!"})
    assert back.status_code == 401


def test_reset_links_are_limited_per_address_and_the_answer_tells_nothing(client, other, caplog):
    sign_up(client, "Ana Lima", "ana@example.org")
    answers = []
    with caplog.at_level(logging.WARNING, logger="weakties.mail"):
        for email in ["ana@example.org"] * 5 + ["nobody@example.org"] * 5:
            answer = post_form(other, "/password/forgot", {"email": email}, page="/password/forgot")
            answers.append((answer.status_code, "on its way" in answer.text))
    assert len(_reset_links(caplog)) == accounts.RESETS_PER_HOUR == 3
    assert set(answers) == {(200, True)}  # the same whether sent, refused or unknown


def test_a_failing_mail_server_does_not_show_which_addresses_have_accounts(
    client, other, monkeypatch
):
    sign_up(client, "Ana Lima", "ana@example.org")
    sent = []

    def down(settings, to, subject, body):
        sent.append(to)
        raise OSError("connection refused")

    monkeypatch.setattr("weakties.web.routes.accounts.send_mail", down)
    known = post_form(other, "/password/forgot", {"email": "ana@example.org"})
    unknown = post_form(other, "/password/forgot", {"email": "nobody@example.org"})
    assert sent == ["ana@example.org"]  # tried, after the answer
    assert known.status_code == unknown.status_code == 200
    assert "on its way" in known.text and "on its way" in unknown.text


def test_personal_access_tokens(client, app):
    sign_up(client, "Ana Lima", "ana@example.org")
    created = client.post("/api/v1/tokens", json={"name": "script"}, headers=api_headers(client))
    assert created.status_code == 201
    secret = created.json()["token"]
    assert secret.startswith("wt_")
    with TestClient(app) as program:
        bearer = {"Authorization": f"Bearer {secret}"}
        assert program.get("/api/v1/me", headers=bearer).json()["handle"] == "ana-lima"
        # a token needs no CSRF header: no browser sends it by itself
        second = program.post("/api/v1/tokens", json={"name": "two"}, headers=bearer)
        assert second.status_code == 201
        listed = program.get("/api/v1/tokens", headers=bearer).json()
        assert [t["name"] for t in listed] == ["script", "two"]
        assert "token" not in listed[0]  # the secret is shown once only
        token_id = listed[0]["id"]
        assert program.delete(f"/api/v1/tokens/{token_id}", headers=bearer).status_code == 204
        assert program.get("/api/v1/me", headers=bearer).status_code == 401
        assert program.get("/api/v1/me", headers={"Authorization": "Bearer wt_nope"}).json() == {
            "ok": False,
            "error": "unknown or revoked access token",
            "status": 401,
            "fields": {},
        }


def test_token_page_shows_the_secret_once(client):
    sign_up(client, "Ana Lima", "ana@example.org")
    shown = post_form(client, "/settings/tokens", {"name": "cron <job>"}, page="/settings")
    assert shown.status_code == 200
    assert re.search(r'<code class="token">wt_[\w-]+</code>', shown.text)
    assert "cron &lt;job&gt;" in shown.text
    assert "wt_" not in client.get("/settings").text


def test_another_members_token_cannot_be_revoked(client, other):
    sign_up(client, "Ana Lima", "ana@example.org")
    sign_up(other, "Bo Chen", "bo@example.org")
    created = client.post("/api/v1/tokens", json={"name": "a"}, headers=api_headers(client))
    token_id = created.json()["id"]
    response = other.delete(f"/api/v1/tokens/{token_id}", headers=api_headers(other))
    assert response.status_code == 404
    assert len(client.get("/api/v1/tokens").json()) == 1


def test_invitation_only_sign_up(store, store_url):
    app = create_app(make_settings(store_url, signup="invitation"), store=store)
    with TestClient(app) as first, TestClient(app) as second:
        sign_up(first, "Ana Lima", "ana@example.org")  # the operator needs no invitation
        refused = post_form(
            second, "/signup", {"name": "Bo", "email": "bo@example.org", "password": PASSWORD}
        )
        assert refused.status_code == 422 and "needs a valid invitation" in refused.text
        page = post_form(first, "/settings/invitations", {}, page="/settings")
        assert page.status_code == 200
        (link,) = re.findall(r'<code class="token">([^<]+)</code>', page.text)
        code = link.rsplit("invitation=", 1)[1]
        joining = second.get(f"/signup?invitation={code}")
        assert f'value="{code}"' in joining.text  # the link fills the form in
        sign_up(second, "Bo Chen", "bo@example.org", invitation=code)
        with TestClient(app) as third:
            reused = post_form(
                third,
                "/signup",
                {"name": "Cy", "email": "cy@example.org", "password": PASSWORD, "invitation": code},
            )
            assert reused.status_code == 422
    assert count(store, Account) == 2


def test_no_invitation_links_where_sign_up_is_open(client):
    sign_up(client, "Ana Lima", "ana@example.org")
    assert "Invite someone to join" not in client.get("/settings").text
    assert post_form(client, "/settings/invitations", {}, page="/settings").status_code == 404


def test_pages_that_need_a_member_send_visitors_to_sign_in(client):
    response = client.get("/settings", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/settings"


@pytest.mark.parametrize("environment", ["test", "production"])
def test_the_default_secret_is_refused_outside_development(environment):
    from pydantic import ValidationError

    from weakties.web.settings import Settings

    with pytest.raises(ValidationError, match="WEAKTIES_SECRET_KEY"):
        Settings(environment=environment)
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(environment=environment, secret_key="short")
    assert Settings(environment="development").environment == "development"


def test_passwords_are_argon2id_hashes_with_the_library_defaults(store, monkeypatch):
    from argon2 import PasswordHasher

    from weakties.service import accounts

    monkeypatch.undo()  # the real hasher, not the tests' cheap one
    accounts._hasher.cache_clear()
    with store.engine.begin() as conn:
        accounts.sign_up(conn, email="ana@example.org", password=PASSWORD, name="Ana Lima")
        stored = conn.execute(select(Account.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$")
    defaults = PasswordHasher()
    assert f"m={defaults.memory_cost},t={defaults.time_cost},p={defaults.parallelism}" in stored
    assert PASSWORD not in stored
