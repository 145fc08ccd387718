"""Members' Markdown as safe HTML: rendered with markdown-it-py, then sanitised by nh3.

Raw HTML in the source is not rendered (markdown-it's ``html`` option is off)
and whatever comes out is passed through nh3 (Ammonia) with a short allow-list:
no script, no style, no image, no attribute but a link's ``href`` (``http``,
``https`` and ``mailto`` only) and ``title``; every link gets
``rel="nofollow noopener noreferrer ugc"``. Links are shown as they are: the
server never fetches a member's URL (no previews, so no request forgery).

``@handle`` becomes a link to the member's profile when the caller says that
member may be mentioned.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

__all__ = ["MENTION", "mentioned_handles", "render_markdown"]

# @handle, as handles are made (letters, digits, dashes), not inside a word or address
MENTION = re.compile(r"(?<![\w@/.])@([a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?)(?![\w@-])", re.I)
TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h3", "h4", "hr", "del", "s",
}  # fmt: skip


@cache
def _parser() -> Any:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("strikethrough")
    md.disable("image")
    return md


def mentioned_handles(text: str) -> list[str]:
    """The handles named with ``@`` in ``text``, lower-cased, in order, once each."""
    seen: dict[str, None] = {}
    for match in MENTION.finditer(text):
        seen.setdefault(match.group(1).lower(), None)
    return list(seen)


_URL = re.compile(r"(?<![\"'=(<\w])(https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]])")


def render_markdown(text: str, mentions: Iterable[str] | Callable[[str], bool] = ()) -> str:
    """Safe HTML for a member's Markdown ``text``.

    Parameters
    ----------
    text : str
        The source as the member typed it.
    mentions : iterable of str, or a predicate
        The handles that become links to profiles (the others stay text).

    Examples
    --------
    >>> render_markdown("**hi** <script>x</script>")
    '<p><strong>hi</strong> &lt;script&gt;x&lt;/script&gt;</p>\\n'
    >>> render_markdown("[a](javascript:alert(1))")
    '<p>[a](javascript:alert(1))</p>\\n'
    """
    import nh3

    allowed = mentions if callable(mentions) else {h.lower() for h in mentions}.__contains__

    def link(match: re.Match[str]) -> str:
        handle = match.group(1).lower()
        return f"[@{match.group(1)}](/in/{handle})" if allowed(handle) else match.group(0)

    source = MENTION.sub(link, text)
    source = _URL.sub(lambda m: f"<{m.group(1)}>", source)  # bare links become links
    html = _parser().render(source)
    return nh3.clean(
        html,
        tags=TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer ugc",
        strip_comments=True,
    )
