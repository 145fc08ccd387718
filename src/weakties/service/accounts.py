"""Platform accounts: sign-up, sign-in, sessions, access tokens, password resets.

An account is the sign-in of a member (the existing ``member`` and ``person``
rows); the first account on a platform is its operator. Secrets (session
tokens, access tokens, reset links, invitation codes) are random, shown once,
and stored only as a SHA-256 hash; passwords as argon2id hashes.

Failed sign-ins are counted per e-mail address and per client in the database
(``rate_event``), so that the limit holds across worker processes; the caller
commits a refused or failed attempt before telling the member.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import secrets
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, delete, func, insert, select, update

from weakties.model.identity import email_key, fold, name_key
from weakties.model.tables import (
    AccessToken,
    Account,
    Identity,
    IdentityStatement,
    Member,
    PasswordReset,
    Person,
    RateEvent,
    SignupInvitation,
    WebSession,
    utcnow,
)
from weakties.service.forms import N_, FormError, has_control_characters

if TYPE_CHECKING:
    from argon2 import PasswordHasher

    from weakties.service.context import Viewer

__all__ = [
    "AccountInfo",
    "SignIn",
    "account_by_session",
    "account_by_token",
    "change_locale",
    "close_session",
    "create_access_token",
    "create_signup_invitation",
    "list_access_tokens",
    "make_operator",
    "open_session",
    "request_password_reset",
    "reset_password",
    "revoke_access_token",
    "sign_in",
    "sign_up",
]

PASSWORD_MIN = 10
PASSWORD_MAX = 1024
HANDLE_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$")
RESERVED_HANDLES = frozenset(
    {"admin", "api", "static", "settings", "signin", "signout", "signup", "operator", "me"}
)
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
RESET_HOURS = 1
#: reset links sent per account in an hour; more requests send nothing (and say the same)
RESETS_PER_HOUR = 3
INVITATION_DAYS = 14


@dataclass(frozen=True)
class AccountInfo:
    """Who is signed in: the account and the member it belongs to."""

    account_id: int
    member_id: int
    person_id: int
    handle: str
    name: str
    email: str
    role: str
    locale: str | None

    @property
    def is_operator(self) -> bool:
        return self.role == "operator"

    def viewer(self, conn: Connection) -> Viewer:
        """The account's member as the service layer sees them (scope and dates)."""
        from weakties.service.context import viewer

        return viewer(conn, self.handle)


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: an account, or why not."""

    account: AccountInfo | None
    error: str | None = None  # a marked message (N_)
    limited: bool = False  # refused by the rate limit, whatever the password
    retry_after: int | None = None  # when limited: seconds until the limit lifts


@cache
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_secret(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _account_query() -> Any:
    return (
        select(
            Account.id,
            Account.member_id,
            Member.person_id,
            Member.handle,
            Person.display_name,
            Account.email,
            Account.role,
            Account.locale,
        )
        .join(Member, Member.id == Account.member_id)
        .join(Person, Person.id == Member.person_id)
    )


def _info(row: Row[Any]) -> AccountInfo:
    return AccountInfo(*tuple(row))


def account_by_id(conn: Connection, account_id: int) -> AccountInfo | None:
    row = conn.execute(_account_query().where(Account.id == account_id)).first()
    return _info(row) if row is not None else None


def _check_password(password: str, fields: dict[str, str], field: str = "password") -> None:
    if len(password) < PASSWORD_MIN:
        fields[field] = N_("The password needs at least 10 characters.")
    elif len(password) > PASSWORD_MAX:
        fields[field] = N_("The password is too long.")


def _free_handle(conn: Connection, wanted: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", fold(wanted)).strip("-")[:36] or "member"
    if len(base) < 3:
        base = f"{base}-member"
    candidate, n = base, 1
    while (
        candidate in RESERVED_HANDLES
        or conn.execute(select(Member.id).where(func.lower(Member.handle) == candidate)).first()
    ):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def sign_up(
    conn: Connection,
    *,
    email: str,
    password: str,
    name: str,
    handle: str | None = None,
    invitation: str | None = None,
    mode: str = "open",
) -> AccountInfo:
    """Create a member, their person and their account. The first one is the operator.

    Raises
    ------
    FormError
        A field is missing or wrong, the e-mail or handle is taken, or the platform
        is invitation-only and the invitation is missing, used or expired.
    """
    fields: dict[str, str] = {}
    for field, value in (("name", name), ("email", email), ("handle", handle or "")):
        if has_control_characters(value):
            fields[field] = N_("Remove the control characters.")
    if invitation and has_control_characters(invitation):
        invitation = None
    if fields:
        raise FormError(fields)
    name = " ".join(name.split())
    key = email_key(email) if EMAIL_RE.match(email.strip()) else None
    if not name:
        fields["name"] = N_("Give your name.")
    elif len(name) > 200:
        fields["name"] = N_("The name is too long.")
    if key is None:
        fields["email"] = N_("Give a valid e-mail address.")
    elif conn.execute(select(Account.id).where(Account.email == key)).first():
        fields["email"] = N_("An account with this e-mail address exists already.")
    _check_password(password, fields)
    if handle:
        handle = handle.strip().lower()
        if not HANDLE_RE.match(handle) or handle in RESERVED_HANDLES:
            fields["handle"] = N_("3 to 40 lowercase letters, digits or dashes.")
        elif conn.execute(select(Member.id).where(func.lower(Member.handle) == handle)).first():
            fields["handle"] = N_("This handle is taken.")
    first_account = conn.execute(select(func.count()).select_from(Account)).scalar_one() == 0
    invitation_id = None
    if mode == "invitation" and not first_account:
        row = None
        if invitation:
            row = conn.execute(
                select(SignupInvitation.id).where(
                    SignupInvitation.code_hash == hash_secret(invitation.strip()),
                    SignupInvitation.used_at.is_(None),
                    SignupInvitation.expires_at > utcnow(),
                )
            ).first()
        if row is None:
            fields["invitation"] = N_("Sign-up here needs a valid invitation.")
        else:
            invitation_id = row.id
    if fields:
        raise FormError(fields)
    assert key is not None
    now = utcnow()
    parts = name.split(" ", 1)
    first, last = parts[0], parts[1] if len(parts) > 1 else None
    person_id = conn.execute(
        insert(Person)
        .values(
            display_name=name,
            first_name=first,
            last_name=last,
            name_key=name_key(first, last),
            created_at=now,
            updated_at=now,
        )
        .returning(Person.id)
    ).scalar_one()
    member_id = conn.execute(
        insert(Member)
        .values(
            handle=handle or _free_handle(conn, name),
            person_id=person_id,
            sharing="names",
            created_at=now,
        )
        .returning(Member.id)
    ).scalar_one()
    if not conn.execute(
        select(Identity.id).where(Identity.kind == "email", Identity.value == key)
    ).first():
        conn.execute(
            insert(Identity).values(
                person_id=person_id,
                kind="email",
                value=key,
                raw=email.strip(),
                asserted_by=member_id,
                created_at=now,
            )
        )
        conn.execute(insert(IdentityStatement).values(kind="email", value=key, member_id=member_id))
    account_id = conn.execute(
        insert(Account)
        .values(
            member_id=member_id,
            email=key,
            password_hash=_hasher().hash(password),
            role="operator" if first_account else "member",
            created_at=now,
        )
        .returning(Account.id)
    ).scalar_one()
    if invitation_id is not None:
        conn.execute(
            update(SignupInvitation).where(SignupInvitation.id == invitation_id).values(used_at=now)
        )
    info = account_by_id(conn, account_id)
    assert info is not None
    return info


def _lifts_at(
    conn: Connection, bucket: str, since: dt.datetime, limit: int, window: dt.timedelta
) -> dt.datetime | None:
    """When ``bucket`` holds fewer than ``limit`` failures within ``window`` again
    (None: it does now): once the oldest ones in the window have left it."""
    times = list(
        conn.execute(
            select(RateEvent.at)
            .where(RateEvent.bucket == bucket, RateEvent.at > since)
            .order_by(RateEvent.at)
        ).scalars()
    )
    if len(times) < limit:
        return None
    return times[len(times) - limit] + window


def sign_in(
    conn: Connection,
    email: str,
    password: str,
    *,
    client: str,
    attempts: int = 5,
    window: dt.timedelta = dt.timedelta(minutes=15),
) -> SignIn:
    """Check an e-mail and password, within the rate limit.

    ``attempts`` failures per e-mail address (and four times as many per client)
    within ``window`` refuse further attempts until the window has passed, even
    with the right password; the refusal says in how many seconds the oldest of
    those failures leave the window (``retry_after``). The caller must commit even
    a failure.
    """
    now = utcnow()
    if has_control_characters(email):
        return SignIn(None, N_("Wrong e-mail address or password."))
    key = email_key(email) or email.strip().lower()
    buckets = (f"sign-in:email:{key}", f"sign-in:client:{client}")
    since = now - window
    lifts = [
        at
        for at in (
            _lifts_at(conn, buckets[0], since, attempts, window),
            _lifts_at(conn, buckets[1], since, 4 * attempts, window),
        )
        if at is not None
    ]
    if lifts:
        wait = math.ceil((max(lifts) - now).total_seconds())
        return SignIn(None, N_("Too many failed attempts."), True, max(wait, 1))
    row = conn.execute(
        select(Account.id, Account.password_hash).where(Account.email == key)
    ).first()
    from argon2.exceptions import InvalidHashError, VerificationError

    ok = False
    try:
        if row is None:
            # spend the same time as for a real account: no account enumeration by timing
            _hasher().verify(_dummy_hash(), password)
        else:
            ok = _hasher().verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or row is None:
        conn.execute(insert(RateEvent), [{"bucket": b, "at": now} for b in buckets])
        return SignIn(None, N_("Wrong e-mail address or password."))
    values: dict[str, object] = {"last_sign_in_at": now}
    if _hasher().check_needs_rehash(row.password_hash):
        values["password_hash"] = _hasher().hash(password)
    conn.execute(update(Account).where(Account.id == row.id).values(**values))
    return SignIn(account_by_id(conn, row.id))


@cache
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))


def open_session(conn: Connection, account_id: int, *, days: int) -> str:
    """A new session for the account; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    conn.execute(delete(WebSession).where(WebSession.expires_at < now))
    conn.execute(
        insert(WebSession).values(
            token_hash=hash_secret(token),
            account_id=account_id,
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
        )
    )
    return token


def account_by_session(conn: Connection, token: str) -> AccountInfo | None:
    row = conn.execute(
        _account_query()
        .join(WebSession, WebSession.account_id == Account.id)
        .where(WebSession.token_hash == hash_secret(token), WebSession.expires_at > utcnow())
    ).first()
    return _info(row) if row is not None else None


def close_session(conn: Connection, token: str) -> None:
    conn.execute(delete(WebSession).where(WebSession.token_hash == hash_secret(token)))


@dataclass(frozen=True)
class TokenInfo:
    id: int
    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None


def create_access_token(conn: Connection, account: AccountInfo, name: str) -> tuple[str, TokenInfo]:
    """A personal access token for the API; the secret is returned only here."""
    name = " ".join(name.split())
    if not name or len(name) > 100 or has_control_characters(name):
        raise FormError.one("name", N_("Name the token (at most 100 characters)."))
    secret = "wt_" + secrets.token_urlsafe(32)
    now = utcnow()
    token_id = conn.execute(
        insert(AccessToken)
        .values(
            token_hash=hash_secret(secret), account_id=account.account_id, name=name, created_at=now
        )
        .returning(AccessToken.id)
    ).scalar_one()
    return secret, TokenInfo(token_id, name, now, None)


def list_access_tokens(conn: Connection, account: AccountInfo) -> list[TokenInfo]:
    rows = conn.execute(
        select(AccessToken.id, AccessToken.name, AccessToken.created_at, AccessToken.last_used_at)
        .where(AccessToken.account_id == account.account_id)
        .order_by(AccessToken.id)
    )
    return [TokenInfo(*row) for row in rows]


def revoke_access_token(conn: Connection, account: AccountInfo, token_id: int) -> bool:
    done = conn.execute(
        delete(AccessToken).where(
            AccessToken.id == token_id, AccessToken.account_id == account.account_id
        )
    )
    return bool(done.rowcount)


#: how stale a token's "last used" may be before a request writes it again
TOKEN_USE_RESOLUTION = dt.timedelta(minutes=1)


def account_by_token(
    conn: Connection, secret: str, *, commit_use: bool = False
) -> AccountInfo | None:
    """The account of a personal access token; its "last used" time kept to the
    minute (a write for every API call would make each one a writing transaction).

    ``commit_use``: when the time is written, commit it at once, so that the
    request that goes on in the same connection does not hold the write (on
    SQLite, the database's write lock) for as long as it runs."""
    digest = hash_secret(secret)
    row = conn.execute(
        _account_query()
        .add_columns(AccessToken.last_used_at)
        .join(AccessToken, AccessToken.account_id == Account.id)
        .where(AccessToken.token_hash == digest)
    ).first()
    if row is None:
        return None
    *info, used = tuple(row)
    now = utcnow()
    if used is None or not now - TOKEN_USE_RESOLUTION < used <= now:
        conn.execute(
            update(AccessToken).where(AccessToken.token_hash == digest).values(last_used_at=now)
        )
        if commit_use:
            conn.commit()
    return AccountInfo(*info)


def request_password_reset(conn: Connection, email: str) -> tuple[str, str] | None:
    """A one-time reset token for the account with this address: (address, token).

    None when there is no such account, or when it was sent RESETS_PER_HOUR links in
    the last hour already (so that a stranger cannot fill its mailbox); the caller
    says the same in every case.
    """
    if has_control_characters(email):
        return None
    key = email_key(email)
    row = conn.execute(select(Account.id, Account.email).where(Account.email == key)).first()
    if row is None:
        return None
    now = utcnow()
    recent = conn.execute(
        select(func.count())
        .select_from(PasswordReset)
        .where(
            PasswordReset.account_id == row.id,
            PasswordReset.created_at > now - dt.timedelta(hours=1),
        )
    ).scalar_one()
    if recent >= RESETS_PER_HOUR:
        return None
    token = secrets.token_urlsafe(32)
    conn.execute(
        insert(PasswordReset).values(
            token_hash=hash_secret(token),
            account_id=row.id,
            created_at=now,
            expires_at=now + dt.timedelta(hours=RESET_HOURS),
        )
    )
    return row.email, token


def reset_password(conn: Connection, token: str, password: str) -> AccountInfo:
    """Set a new password with a reset token (once); every open session ends, and
    every other unused reset link of the account stops working.

    Raises
    ------
    FormError
        The link is unknown, used or expired, or the password is too short.
    """
    fields: dict[str, str] = {}
    row = conn.execute(
        select(PasswordReset.id, PasswordReset.account_id).where(
            PasswordReset.token_hash == hash_secret(token),
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > utcnow(),
        )
    ).first()
    if row is None:
        fields["token"] = N_("This link is invalid, used or expired: ask for a new one.")
    _check_password(password, fields)
    if fields:
        raise FormError(fields)
    assert row is not None
    conn.execute(
        update(Account)
        .where(Account.id == row.account_id)
        .values(password_hash=_hasher().hash(password))
    )
    conn.execute(
        update(PasswordReset)
        .where(PasswordReset.account_id == row.account_id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
    )
    conn.execute(delete(WebSession).where(WebSession.account_id == row.account_id))
    info = account_by_id(conn, row.account_id)
    assert info is not None
    return info


def create_signup_invitation(conn: Connection, account: AccountInfo) -> str:
    """An invitation code for the invitation-only sign-up (valid 14 days, once)."""
    code = secrets.token_urlsafe(18)
    now = utcnow()
    conn.execute(
        insert(SignupInvitation).values(
            code_hash=hash_secret(code),
            created_by=account.account_id,
            created_at=now,
            expires_at=now + dt.timedelta(days=INVITATION_DAYS),
        )
    )
    return code


def change_locale(conn: Connection, account: AccountInfo, locale: str | None) -> None:
    if locale not in (None, "en", "fr"):
        raise FormError.one("locale", N_("Choose English or French."))
    conn.execute(update(Account).where(Account.id == account.account_id).values(locale=locale))


def make_operator(conn: Connection, account: AccountInfo, handle: str) -> bool:
    """The operator ``account`` makes the member ``handle`` an operator too (so that
    the only operator can hand over before leaving). True if the role changed.

    Raises
    ------
    RefusedError
        ``account`` is not an operator.
    NotFoundError
        No member with an account has this handle.
    """
    from weakties.errors import NotFoundError, RefusedError

    if not account.is_operator:
        raise RefusedError(N_("Only the operator may do this."))
    if has_control_characters(handle):
        raise NotFoundError(f"no member {handle!r}")
    row = conn.execute(
        select(Account.id, Account.role)
        .join(Member, Member.id == Account.member_id)
        .where(func.lower(Member.handle) == handle.lower())
    ).first()
    if row is None:
        raise NotFoundError(f"no member {handle!r}")
    if row.role == "operator":
        return False
    conn.execute(update(Account).where(Account.id == row.id).values(role="operator"))
    return True
