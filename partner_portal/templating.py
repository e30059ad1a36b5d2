"""Jinja2 with autoescape on for every file, gettext, and jinja2-fragments for htmx blocks."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2_fragments import render_block

from partner_portal import i18n
from partner_portal.labels import LABELS


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


class Templates:
    def __init__(self, directory: Path) -> None:
        self.env = create_environment(directory)

    def render(self, name: str, context: Mapping[str, Any], *, block: str | None = None) -> str:
        """The whole page, or only ``block`` of it (the htmx swap target of the same template)."""
        if block is not None:
            return str(render_block(self.env, name, block, **context))
        return self.env.get_template(name).render(context)

    def has_block(self, name: str, block: str) -> bool:
        return block in self.env.get_template(name).blocks
