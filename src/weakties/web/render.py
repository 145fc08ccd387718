"""Rendering pages: the Jinja2 environment, the context every template gets."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape
from starlette.responses import JSONResponse, RedirectResponse, Response

from weakties.model.text import shown
from weakties.web.deps import Ctx
from weakties.web.i18n import Language
from weakties.web.path_reasons import link_facts, path_reason

__all__ = [
    "ShownJSON",
    "json_bytes",
    "make_templates",
    "page_words",
    "redirect",
    "render",
    "safe_next",
    "shown_value",
]

TEMPLATES = Path(__file__).with_name("templates")
# a command of the command line named in a text the core writes for both faces (a
# report's basis: "inferred from the data (weakties ties infer)")
_COMMAND = re.compile(r"\s*\(weakties [^()]*\)")


def page_words(text: str | None) -> str:
    """A text the core writes, as a page says it: without the command line's
    commands, which a page has no use for."""
    return _COMMAND.sub("", text or "")


def shown_value(value: Any) -> Any:
    """What a page prints of a value: a text without control characters or bidi
    overrides (:func:`weakties.model.text.shown`), markup kept as markup.

    Every ``{{ ... }}`` of every template goes through it (the environment's
    ``finalize``): a name holding ``ESC`` or U+202E, stored by an earlier
    import or typed somewhere no form checks, never reaches a browser as is."""
    if isinstance(value, str):
        cleaned = shown(value)
        if cleaned is not value:
            return Markup(cleaned) if isinstance(value, Markup) else cleaned
    return value


def make_templates() -> Jinja2Templates:
    """Templates with autoescaping on for every file and the i18n extension; every
    value printed without control characters (:func:`shown_value`)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        finalize=shown_value,
    )
    env.policies["ext.i18n.trimmed"] = True
    env.filters["page_words"] = page_words
    env.filters["path_reason"] = path_reason
    env.filters["link_facts"] = link_facts
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    return Jinja2Templates(env=env)


def _shown_json(value: Any) -> Any:
    if isinstance(value, str):
        return shown(value)
    if isinstance(value, dict):
        return {_shown_json(k): _shown_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_shown_json(v) for v in value]
    return value


# what JSON holds of a text no response shows: the controls json.dumps writes as
# escapes (\u001b, \b, \f, \r: the same typed as text after a backslash matches
# too, and is then left as it is), and DEL, the C1 controls and the bidi
# overrides, which it writes as they are
_UNSHOWN_JSON = re.compile(r"\\u00[01][0-9a-f]|\\[bfr]|[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def json_bytes(content: Any) -> bytes:
    """``content`` as the API writes it (as FastAPI's JSON response does), no text
    in it holding a control character or a bidi override (see :func:`shown_value`)."""
    text = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    if _UNSHOWN_JSON.search(text):
        text = json.dumps(
            _shown_json(content), ensure_ascii=False, allow_nan=False, separators=(",", ":")
        )
    return text.encode("utf-8")


class ShownJSON(JSONResponse):
    """Every JSON response of the server: :func:`json_bytes`."""

    def render(self, content: Any) -> bytes:
        return json_bytes(content)


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
