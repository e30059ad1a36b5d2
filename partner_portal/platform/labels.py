"""Words for stored values (kinds, roles, states, audit actions) in the reader's language.

Each feature owns the words for the values it defines and registers them here, per table, in
its ``words.py``; ``partner_portal/words.py`` (the composition) imports every one of those, and
whatever renders templates imports it first. This module knows no feature::

    @labels.words("kinds")
    def _kinds() -> Mapping[str, str]:
        return {"polis": _("Polis"), ...}

    labels.fixed("invitation_badges", {"sent": "badge--info", ...})

:data:`LABELS` is a template global (``labels.kinds[...]``), so that every template and every
htmx fragment of one has them: ``labels.<table>`` is every feature's part of the table merged,
in the reader's language, each table translated once per language, not once per row. Two
features giving words for the same value of a table is an error when the second registers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from types import MappingProxyType

from partner_portal.platform import i18n

Words = Callable[[], Mapping[str, str]]


class WordsClash(ValueError):
    """Two registrations give words for the same value of the same table."""


class NoSuchTable(LookupError):
    """No feature registered words for a table (is the composition imported?)."""


_parts: dict[str, list[Words]] = {}
_owners: dict[str, dict[str, str]] = {}  # table -> value -> who registered its words


def _claim(table: str, values: Mapping[str, str], owner: str) -> None:
    owners = _owners.setdefault(table, {})
    taken = sorted(v for v in values if v in owners)
    if taken:
        raise WordsClash(
            f"labels.{table}: {owner} gives words for {', '.join(map(repr, taken))}, "
            f"which {owners[taken[0]]} already gave"
        )
    owners.update(dict.fromkeys(values, owner))


def _add(table: str, part: Words, values: Mapping[str, str], owner: str) -> None:
    _claim(table, values, owner)
    _parts.setdefault(table, []).append(part)
    _merged.cache_clear()


def words(table: str) -> Callable[[Words], Words]:
    """Register the decorated function's words as (a part of) ``table``. The function is
    called under the reader's language (``i18n.gettext`` then translates), once per language;
    its keys must not depend on the language."""

    def register(part: Words) -> Words:
        token = i18n.current_language.set(i18n.DEFAULT_LANGUAGE)
        try:
            values = part()
        finally:
            i18n.current_language.reset(token)
        _add(table, part, values, f"{part.__module__}.{part.__qualname__}")
        return part

    return register


def fixed(table: str, mapping: Mapping[str, str]) -> None:
    """Register words that are the same in every language, e.g. a design system's badge
    classes for each state (colour is never the only signal: the word is always there too)."""
    frozen = MappingProxyType(dict(mapping))
    _add(table, lambda: frozen, frozen, f"a fixed map of labels.{table}")


@cache
def _merged(table: str, language: str) -> Mapping[str, str]:
    merged: dict[str, str] = {}
    for part in _parts[table]:
        merged.update(part())
    return MappingProxyType(merged)


class Labels:
    """``labels.<table>``: the table's words in the current language."""

    def __getattr__(self, table: str) -> Mapping[str, str]:
        if table.startswith("_"):
            raise AttributeError(table)
        if table not in _parts:
            # Not an AttributeError: Jinja would turn that into an undefined value and hide why.
            raise NoSuchTable(
                f"no feature registered words for labels.{table} "
                "(import partner_portal.words before rendering)"
            )
        return _merged(table, i18n.current_language.get())

    def __dir__(self) -> list[str]:
        return sorted(_parts)


LABELS = Labels()
