"""Sign-up, sign-in and out, password reset, settings (language, access tokens,
"do not ask me to introduce")."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Form
from starlette.background import BackgroundTask
from starlette.responses import Response

from weakties.service import accounts, memberdata
from weakties.service.forms import FormError
from weakties.store import clock
from weakties.store.errors import NotFoundError, RefusedError
from weakties.web.deps import LANG_COOKIE, Page
from weakties.web.mail import send_mail
from weakties.web.render import redirect, render, safe_next
from weakties.web.security import SESSION_COOKIE

__all__ = ["router"]

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)

FormStr = Annotated[str, Form()]


def _client(ctx: Page) -> str:
    client = ctx.request.client
    return client.host if client else "unknown"


def _signed_in(ctx: Page, account: accounts.AccountInfo, target: str) -> Response:
    with ctx.tx() as conn:
        token = accounts.open_session(conn, account.account_id, days=ctx.settings.session_days)
    response = redirect(target)
    response.set_cookie(
        SESSION_COOKIE,
        ctx.cookies.sign_session(token),
        max_age=ctx.settings.session_days * 86400,
        httponly=True,
        samesite="lax",
        secure=ctx.settings.secure_cookies,
    )
    return response


@router.get("/signup")
def signup_form(ctx: Page, invitation: str = "") -> Response:
    return render(ctx, "signup.html", form={"invitation": invitation})


@router.post("/signup")
def signup(
    ctx: Page,
    name: FormStr = "",
    email: FormStr = "",
    password: FormStr = "",
    handle: FormStr = "",
    invitation: FormStr = "",
) -> Response:
    try:
        with ctx.tx() as conn:
            account = accounts.sign_up(
                conn,
                email=email,
                password=password,
                name=name,
                handle=handle or None,
                invitation=invitation or None,
                mode=ctx.settings.signup,
            )
            if ctx.lang.code != ctx.settings.default_locale:
                accounts.change_locale(conn, account, ctx.lang.code)
    except FormError as exc:
        form = {"name": name, "email": email, "handle": handle, "invitation": invitation}
        return render(ctx, "signup.html", status=422, form=form, errors=exc.fields)
    return _signed_in(ctx, account, f"/in/{account.handle}")


@router.get("/signin")
def signin_form(ctx: Page, next: str = "") -> Response:
    return render(ctx, "signin.html", form={"next": safe_next(next, "")})


@router.post("/signin")
def signin(ctx: Page, email: FormStr = "", password: FormStr = "", next: FormStr = "") -> Response:
    window = dt.timedelta(minutes=ctx.settings.sign_in_window_minutes)
    with ctx.tx() as conn:  # a failure is recorded (the rate limit) before we answer
        result = accounts.sign_in(
            conn,
            email,
            password,
            client=_client(ctx),
            attempts=ctx.settings.sign_in_attempts,
            window=window,
        )
    if result.account is None:
        status = 429 if result.limited else 401
        wait = result.retry_after
        response = render(
            ctx,
            "signin.html",
            status=status,
            form={"email": email, "next": safe_next(next, "")},
            errors={"form": result.error or ""},
            # the page says it in minutes, the header (RFC 9110) in seconds
            wait_minutes=-(-wait // 60) if wait else None,
        )
        if wait:
            response.headers["Retry-After"] = str(wait)
        return response
    return _signed_in(ctx, result.account, safe_next(next, f"/in/{result.account.handle}"))


@router.post("/signout")
def signout(ctx: Page) -> Response:
    token = ctx.cookies.session_token(ctx.request.cookies.get(SESSION_COOKIE))
    if token:
        with ctx.tx() as conn:
            accounts.close_session(conn, token)
    response = redirect("/")
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/password/forgot")
def forgot_form(ctx: Page) -> Response:
    return render(ctx, "forgot.html", form={}, sent=False)


@router.post("/password/forgot")
def forgot(ctx: Page, email: FormStr = "") -> Response:
    with ctx.tx() as conn:
        found = accounts.request_password_reset(conn, email)
    # The same answer whether or not the address has an account (or was sent too many
    # links): the mail is sent after the answer, so that its time tells nothing either.
    response = render(ctx, "forgot.html", form={}, sent=True)
    if found is not None:
        address, token = found
        link = f"{ctx.settings.base_url.rstrip('/')}/password/reset?token={token}"
        response.background = BackgroundTask(
            _send_reset_mail,
            ctx.settings,
            address,
            ctx._("Your weakties password"),
            ctx._("Choose a new password within an hour with this link:") + f"\n\n{link}\n",
        )
    return response


def _send_reset_mail(settings: Any, to: str, subject: str, body: str) -> None:
    """Send a reset link after the answer; a mail server's failure is logged."""
    try:
        send_mail(settings, to, subject, body)
    except Exception:  # the visitor has had their answer: nothing to tell them
        log.exception("the password reset e-mail could not be sent")


@router.get("/password/reset")
def reset_form(ctx: Page, token: str = "") -> Response:
    return render(ctx, "reset.html", form={"token": token})


@router.post("/password/reset")
def reset(ctx: Page, token: FormStr = "", password: FormStr = "") -> Response:
    try:
        with ctx.tx() as conn:
            account = accounts.reset_password(conn, token, password)
    except FormError as exc:
        return render(ctx, "reset.html", status=422, form={"token": token}, errors=exc.fields)
    return _signed_in(ctx, account, f"/in/{account.handle}")


def _settings(ctx: Page, *, status: int = 200, **extra: Any) -> Response:
    """The settings page, with what it shows of the member's own settings."""
    from weakties.service import outreach

    account = ctx.require()
    with ctx.tx() as conn:
        tokens = accounts.list_access_tokens(conn, account)
        not_asked, reason = outreach.not_to_be_asked(conn, account.viewer(conn))
    extra.setdefault("new_token", None)
    extra.setdefault("do_not_ask", {"on": not_asked, "reason": reason or ""})
    return render(ctx, "settings.html", status=status, tokens=tokens, **extra)


@router.get("/settings")
def settings_page(ctx: Page) -> Response:
    return _settings(ctx)


@router.post("/settings/do-not-ask")
def settings_do_not_ask(ctx: Page, do_not_ask: FormStr = "", reason: FormStr = "") -> Response:
    """The member's own "do not ask me to introduce" switch (a checkbox: absent is off)."""
    from weakties.service import outreach

    account = ctx.require()
    on = do_not_ask == "on"
    try:
        with ctx.tx() as conn:
            outreach.set_do_not_ask_me(conn, account.viewer(conn), on, reason)
    except FormError as exc:
        return _settings(
            ctx, status=422, errors=exc.fields, do_not_ask={"on": on, "reason": reason}
        )
    return redirect("/settings#do-not-ask")


@router.post("/settings/language")
def settings_language(ctx: Page, locale: FormStr = "") -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        accounts.change_locale(conn, account, locale or None)
    return redirect("/settings")


@router.post("/settings/invitations")
def settings_new_invitation(ctx: Page) -> Response:
    """A one-time sign-up link for someone to join an invitation-only platform."""
    account = ctx.require()
    if ctx.settings.signup != "invitation":
        raise NotFoundError("sign-up is open here: no invitation is needed")
    with ctx.tx() as conn:
        code = accounts.create_signup_invitation(conn, account)
    link = f"{ctx.settings.base_url.rstrip('/')}/signup?invitation={code}"
    return _settings(ctx, new_invitation=link)


@router.post("/settings/tokens")
def settings_new_token(ctx: Page, name: FormStr = "") -> Response:
    account = ctx.require()
    try:
        with ctx.tx() as conn:
            secret, _info = accounts.create_access_token(conn, account, name)
    except FormError as exc:
        return _settings(ctx, status=422, errors=exc.fields)
    # shown once, on this page only (not in a redirect's URL)
    return _settings(ctx, new_token=secret)


@router.post("/settings/tokens/{token_id}/delete")
def settings_revoke_token(ctx: Page, token_id: int) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        if not accounts.revoke_access_token(conn, account, token_id):
            raise NotFoundError(f"no token {token_id}")
    return redirect("/settings")


@router.get("/settings/export")
def settings_export(ctx: Page) -> Response:
    """All the member's data, one ZIP."""
    account = ctx.require()
    with ctx.tx() as conn:
        archive = memberdata.export_member_data(conn, account)
    day = clock.utcnow().date().isoformat()
    return Response(
        archive,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="weakties-{account.handle}-{day}.zip"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/settings/delete")
def settings_delete(ctx: Page, password: FormStr = "") -> Response:
    account = ctx.require()
    try:
        with ctx.tx() as conn:
            memberdata.delete_account(conn, account, password)
    except (FormError, RefusedError) as exc:
        status, errors = (
            (422, exc.fields) if isinstance(exc, FormError) else (409, {"password": str(exc)})
        )
        return _settings(ctx, status=status, errors=errors)
    response = redirect("/?deleted=1")
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.post("/language")
def choose_language(ctx: Page, locale: FormStr = "", next: FormStr = "") -> Response:
    """The language for a visitor who is not signed in (or for the member, saved)."""
    code = locale if locale in ("en", "fr") else ctx.settings.default_locale
    if ctx.account is not None:
        with ctx.tx() as conn:
            accounts.change_locale(conn, ctx.account, code)
    response = redirect(safe_next(next))
    response.set_cookie(
        LANG_COOKIE, code, max_age=365 * 86400, samesite="lax", secure=ctx.settings.secure_cookies
    )
    return response
