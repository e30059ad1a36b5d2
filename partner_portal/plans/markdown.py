"""Plans' Markdown as safe HTML: rendered by markdown-it-py, then cleaned by nh3's allow-list.

The only module that imports either library. Raw HTML in the source is never passed through
(markdown-it escapes it); the allow-list then removes anything else that is not plain document
structure: no images, no style or event attributes, and links only to http(s) and mailto.
Headings move down two levels, since a section's own heading is an h2 on the page.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from partner_portal.plans.diff import Marks, html_diff

_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "del", "s",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
_URL_SCHEMES = {"http", "https", "mailto"}

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_parser.enable(["table", "strikethrough"])


def _shift_headings(source: str) -> str:
    tokens = _parser.parse(source)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + 2)}"
    return str(_parser.renderer.render(tokens, _parser.options, {}))


@lru_cache(maxsize=512)
def render(source: str) -> Markup:
    """Markdown to HTML that is safe to put into a page as it is."""
    cleaned = nh3.clean(
        _shift_headings(source),
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return Markup(cleaned)  # noqa: S704 (sanitised above by the allow-list)


_DIFF_TAGS = _TAGS | {"ins", "del", "span"}
_DIFF_CLASSES = {
    "ins": {"portal-diff__added"},
    "del": {"portal-diff__removed"},
    "span": {"sr-only"},
}


def compare(old: str, new: str, marks: Marks) -> Markup:
    """Two versions of a section's Markdown as the reader sees them, rendered and sanitised as
    :func:`render` does, with the changes marked (<ins>/<del> with words for screen readers);
    the result goes through the same allow-list again, with only those marks added."""
    combined = html_diff(str(render(old)), str(render(new)), marks)
    cleaned = nh3.clean(
        combined,
        tags=_DIFF_TAGS,
        attributes=_ATTRIBUTES,
        allowed_classes=_DIFF_CLASSES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return Markup(cleaned)  # noqa: S704 (sanitised above by the allow-list)
