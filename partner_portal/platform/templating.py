"""Jinja2 with autoescape on for every file, gettext, jinja2-fragments for htmx blocks, and
remembered fragments for what a page repeats unchanged from request to request."""

from __future__ import annotations

import secrets
from collections.abc import Hashable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2_fragments import render_block
from markupsafe import Markup, escape

from partner_portal.platform import i18n
from partner_portal.platform.labels import LABELS


def create_environment(directory: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(directory),
        autoescape=True,  # every file, whatever its extension
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    env.globals["labels"] = LABELS
    env.filters["datetime"] = i18n.format_datetime
    env.filters["date"] = i18n.format_date
    return env


# How many rendered fragments a process remembers (a comment's article is about a kilobyte).
FRAGMENTS_REMEMBERED = 2048
# Where a remembered fragment's CSRF token goes: random per process, so no content has it.
_CSRF_HOLE = f"csrf-{secrets.token_hex(16)}"


class Templates:
    def __init__(self, directory: Path) -> None:
        self.env = create_environment(directory)
        self._remembered = lru_cache(maxsize=FRAGMENTS_REMEMBERED)(self._render_fragment)
        self.env.globals["fragment"] = self.fragment

    def fragment(self, name: str, /, *, csrf_token: str = "", **values: Hashable) -> Markup:
        """``name`` rendered with ``values`` only, remembered: the same values in the same
        language give the same HTML without rendering it again. So a fragment's template may
        read nothing but its values, translations and filters — no request, no ``url()`` — and
        every value must be hashable (a frozen dataclass row, a string, a number), which makes
        the values themselves the key: an edited comment is a new key.

        The one value that differs on every page, the masked CSRF token, is left as a hole:
        the template writes ``{{ csrf_token }}``, the remembered HTML holds a marker no
        content can contain (random per process), and each call fills in its own token."""
        html = self._remembered(name, i18n.current_language.get(), tuple(sorted(values.items())))
        if _CSRF_HOLE not in html:
            return html
        return Markup(html.replace(_CSRF_HOLE, escape(csrf_token)))  # noqa: S704 (escaped)

    def _render_fragment(
        self, name: str, _language: str, values: tuple[tuple[str, Hashable], ...]
    ) -> Markup:
        html = self.env.get_template(name).render(dict(values), csrf_token=_CSRF_HOLE)
        return Markup(html)  # noqa: S704 (an autoescaped template's output)

    def render(self, name: str, context: Mapping[str, Any], *, block: str | None = None) -> str:
        """The whole page, or only ``block`` of it (the htmx swap target of the same template)."""
        if block is not None:
            return str(render_block(self.env, name, block, **context))
        return self.env.get_template(name).render(context)

    def has_block(self, name: str, block: str) -> bool:
        return block in self.env.get_template(name).blocks
