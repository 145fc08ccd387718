"""Rendering pages: the Jinja2 environment, the context every template gets."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import escape
from starlette.responses import RedirectResponse, Response

from weakties.web.deps import Ctx
from weakties.web.i18n import Language

__all__ = ["make_templates", "page_words", "redirect", "render", "safe_next"]

TEMPLATES = Path(__file__).with_name("templates")
# a command of the command line named in a text the core writes for both faces (a
# report's basis: "inferred from the data (weakties ties infer)")
_COMMAND = re.compile(r"\s*\(weakties [^()]*\)")


def page_words(text: str | None) -> str:
    """A text the core writes, as a page says it: without the command line's
    commands, which a page has no use for."""
    return _COMMAND.sub("", text or "")


def make_templates() -> Jinja2Templates:
    """Templates with autoescaping on for every file and the i18n extension."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
    )
    env.policies["ext.i18n.trimmed"] = True
    env.filters["page_words"] = page_words
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    return Jinja2Templates(env=env)


def translators(lang: Language) -> dict[str, Any]:
    """``_``/``gettext``/``ngettext`` for the templates, new-style: ``_("Hi %(name)s",
    name=user_text)`` escapes ``user_text``. The message itself is escaped too: a
    message that is not in the catalogue comes back as it was given, and it may be
    user text (an error naming what was typed), so translations carry no markup."""

    @pass_context
    def gettext(context: Context, message: str, **variables: Any) -> str:
        out = lang.gettext(message)
        if context.eval_ctx.autoescape:
            out = escape(out)
        return out % variables if variables else out

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, n: int, **variables: Any) -> str:
        out = lang.ngettext(singular, plural, n)
        if context.eval_ctx.autoescape:
            out = escape(out)
        return out % {"num": n, **variables}

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext, "lang": lang}


def render(ctx: Ctx, name: str, *, status: int = 200, **context: Any) -> Response:
    lang = ctx.lang
    templates: Jinja2Templates = ctx.request.app.state.templates
    return templates.TemplateResponse(
        ctx.request,
        name,
        {
            **translators(lang),
            "me": ctx.account,
            "csrf_token": ctx.csrf_token,
            "settings": ctx.settings,
            "errors": {},
            **context,
        },
        status_code=status,
    )


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to go to after a form, never another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def redirect(url: str) -> RedirectResponse:
    """After a successful form: see the result with GET (no resubmission on reload)."""
    return RedirectResponse(url, status_code=303)
