"""Accounts for the demo platform: every person of the demo world can sign in.

``weakties demo --serve`` (:mod:`weakties.web.demo`) builds the demo database as
``weakties demo`` does, then makes every person in it a platform member with an
account (one demo password for all). The three members whose exports were
imported keep their data; everyone else joins with what the world knows of them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select

from weakties.model.identity import fold
from weakties.model.tables import Account, Member, Person, utcnow
from weakties.store.engine import Store

__all__ = ["DEMO_DOMAIN", "DEMO_PASSWORD", "DemoAccounts", "open_demo_accounts"]

DEMO_PASSWORD = "weakties-demo"
DEMO_DOMAIN = "demo.weakties.invalid"


@dataclass(frozen=True)
class DemoAccounts:
    created: int
    operator_email: str
    password: str


def _handle(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")[:36] or "member"
    if len(base) < 3:
        base = f"{base}-member"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate)
    return candidate


def open_demo_accounts(store: Store, operator_handle: str = "you") -> DemoAccounts:
    """An account for every person of the demo database (idempotent).

    The member ``operator_handle`` is the operator; everyone signs in with
    ``HANDLE@demo.weakties.invalid`` and :data:`DEMO_PASSWORD`. One argon2 hash
    serves every account: hashing thousands of times would take minutes.
    """
    from argon2 import PasswordHasher

    digest = PasswordHasher().hash(DEMO_PASSWORD)
    now = utcnow()
    with store.engine.begin() as conn:
        _members_for_everyone(conn, now)
        with_account = set(conn.execute(select(Account.member_id)).scalars())
        emails = set(conn.execute(select(Account.email)).scalars())
        rows = []
        for member_id, handle in conn.execute(select(Member.id, Member.handle).order_by(Member.id)):
            if member_id in with_account:
                continue
            email = f"{handle.lower()}@{DEMO_DOMAIN}"
            if email in emails:
                continue
            emails.add(email)
            rows.append(
                {
                    "member_id": member_id,
                    "email": email,
                    "password_hash": digest,
                    "role": "operator" if handle == operator_handle else "member",
                    "created_at": now,
                }
            )
        if rows:
            conn.execute(insert(Account), rows)
        operator = conn.execute(
            select(Account.email)
            .join(Member, Member.id == Account.member_id)
            .where(Member.handle == operator_handle)
        ).scalar_one()
    return DemoAccounts(len(rows), operator, DEMO_PASSWORD)


def _members_for_everyone(conn: Connection, now: dt.datetime) -> int:
    """A member row for every person who has none (sharing names, as the demo pools)."""
    taken = {h.lower() for h in conn.execute(select(Member.handle)).scalars()}
    members = set(conn.execute(select(Member.person_id)).scalars())
    people = conn.execute(select(Person.id, Person.display_name).order_by(Person.id)).all()
    rows = [
        {
            "handle": _handle(name or f"person {pid}", taken),
            "person_id": pid,
            "sharing": "names",
            "created_at": now,
        }
        for pid, name in people
        if pid not in members
    ]
    if rows:
        conn.execute(insert(Member), rows)
    return len(rows)
