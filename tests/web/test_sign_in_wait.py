"""A sign-in refused by the rate limit says when to try again: the 429 answer
carries ``Retry-After`` (seconds until the oldest failures in the window leave
it, RFC 9110) and the page says it in minutes, in the member's language."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert

from tests.web.conftest import PASSWORD, post_form, sign_up
from weakties.model.tables import RateEvent
from weakties.store.clock import utcnow

MINUTE = dt.timedelta(minutes=1)


def _failures(store, *minutes_ago: int) -> None:
    now = utcnow()
    with store.engine.begin() as conn:
        conn.execute(
            insert(RateEvent),
            [
                {"bucket": "sign-in:email:ana@example.org", "at": now - m * MINUTE}
                for m in minutes_ago
            ],
        )


def test_a_limited_sign_in_says_when_to_try_again(client, other, store):
    sign_up(client, "Ana Lima", "ana@example.org")
    # six failures in the 15-minute window, five allowed: the limit lifts when the
    # second oldest (10 minutes ago) leaves it, in 5 minutes
    _failures(store, 14, 10, 9, 8, 7, 6)
    refused = post_form(other, "/signin", {"email": "ana@example.org", "password": PASSWORD})
    assert refused.status_code == 429
    wait = int(refused.headers["Retry-After"])
    assert 240 < wait <= 300
    assert "Too many failed attempts. Try again in 5 minutes." in refused.text
    other.cookies.set("wt_lang", "fr")
    french = post_form(other, "/signin", {"email": "ana@example.org", "password": PASSWORD})
    assert "Trop de tentatives échouées. Réessayez dans 5 minutes." in french.text


def test_a_wrong_password_has_no_wait(client, other, store):
    sign_up(client, "Ana Lima", "ana@example.org")
    _failures(store, 14, 10, 9)  # three of five: not limited
    wrong = post_form(other, "/signin", {"email": "ana@example.org", "password": "nope" * 3})
    assert wrong.status_code == 401 and "Retry-After" not in wrong.headers
    assert "Try again in" not in wrong.text
