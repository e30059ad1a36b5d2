"""Jinja2 with autoescape on for every file, gettext, jinja2-fragments for htmx blocks, and
remembered fragments for what a page repeats unchanged from request to request."""

from __future__ import annotations

import contextlib
import itertools
import secrets
from collections.abc import Callable, Hashable, Mapping
from functools import lru_cache
from pathlib import Path
from types import BuiltinFunctionType, FunctionType, MethodType
from typing import Any

from cachetools import LRUCache
from jinja2 import BytecodeCache, Environment, FileSystemLoader, StrictUndefined
from jinja2.bccache import Bucket
from jinja2.runtime import Context, Macro
from jinja2_fragments import render_block
from markupsafe import Markup, escape

from partner_portal.platform import i18n
from partner_portal.platform.labels import LABELS


class _Context(Context):
    """Jinja's context with a quicker way to call what a template calls.

    Jinja asks every callable — each ``_()``, ``url()``, ``.get()`` and macro, some 300 on a
    room page — whether it wants the context passed in, by looking for an attribute most of them
    do not have (a failed lookup is an exception inside Python), and gives a function that does
    want it, when called in a loop, a new derived context each time. Here a plain function,
    method, builtin or macro is recognised by its type and called at once; only what
    ``pass_context`` and its kin mark (their mark lives in the function's ``__dict__``) and
    other callables take Jinja's own way."""

    def call(__self, __obj: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        kind = type(__obj)
        if kind is BuiltinFunctionType or kind is Macro:
            plain = True
        elif kind is FunctionType:
            plain = "jinja_pass_arg" not in __obj.__dict__
        elif kind is MethodType:
            plain = "jinja_pass_arg" not in getattr(__obj.__func__, "__dict__", ())  # type: ignore[attr-defined]
        else:
            plain = False
        if not plain:
            return super().call(__obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception"
            )


def _gettext(message: str, /, **variables: Any) -> Markup:
    """``_()`` and ``{% trans %}`` as Jinja's new-style gettext has them — the translation is
    a format string whose values are escaped — without asking the context for anything: the
    language is the request's (platform.i18n), and every template autoescapes."""
    if not variables:
        return _translated(message, i18n.current_language.get())
    return Markup(i18n.gettext(message)) % variables  # noqa: S704 (a catalog's text)


@lru_cache(maxsize=4096)
def _translated(message: str, _language: str) -> Markup:
    """A text without values, in the current language (the key's), made once: a page has a
    hundred of them. (Formatted as Jinja formats it, so a "%%" still becomes "%".)"""
    text = Markup(i18n.gettext(message))  # noqa: S704 (a catalog's text)
    return text % {} if "%" in text else text


def _ngettext(singular: str, plural: str, num: int, /, **variables: Any) -> Markup:
    variables.setdefault("num", num)
    return Markup(i18n.ngettext(singular, plural, num)) % variables  # noqa: S704


class _CompiledOnce(BytecodeCache):
    """Compiled templates kept in memory for the environments of a process that makes more
    than one (the test suite makes an app per test): each finds a template compiled already
    instead of parsing and compiling it anew. A web process makes one environment, and keeps
    no second copy of its compiled templates (2 MiB). Jinja keys a template by its name and
    file and checks its source's checksum, so an edited file is compiled again; every
    environment here is made by ``create_environment`` with the same options."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if (code := self._code.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledOnce()
_ENVIRONMENTS_MADE = itertools.count(1)


def create_environment(directory: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(directory),
        bytecode_cache=_COMPILED if next(_ENVIRONMENTS_MADE) > 1 else None,
        autoescape=True,  # every file, whatever its extension
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.context_class = _Context
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    # The same as what was just installed (which also tells {% trans %} to format new-style),
    # called without the context (see _Context).
    env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext)
    env.globals["labels"] = LABELS
    env.filters["datetime"] = i18n.format_datetime
    env.filters["date"] = i18n.format_date
    return env


# How much memory a process gives remembered fragments, in bytes as estimated by _fragment_size:
# a thread of one comment counts 1.3 kB (its HTML and its key), a section's threads some tens.
# Bounded by size, not count, so that big fragments cannot swell the process. 2 MiB holds the
# threads of 50 busy sections (bench.pages' comment POSTs, some 1,600 threads); 4 MiB made those
# POSTs 8-12 % faster as the threads grew past it, and the process 2-3 MiB bigger, over its
# 120 MiB goal.
FRAGMENT_BYTES_REMEMBERED = 2 * 1024 * 1024
# Where a remembered fragment's own values go (its CSRF token, and what ``fill`` names): a marker
# random per process, so no content has it, that ends in a character no name holds.
_HOLE = f"hole{secrets.token_hex(12)}"


def _marker(name: str) -> str:
    return f"{_HOLE}{name}."


_CSRF_HOLE = _marker("csrf_token")


class _Key:
    """A fragment's key, hashed once: the values may be a section's every comment, and the
    cache looks a key up more than once."""

    __slots__ = ("hash", "parts")

    def __init__(self, parts: tuple[Hashable, ...]) -> None:
        self.parts = parts
        self.hash = hash(parts)

    def __hash__(self) -> int:
        return self.hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Key) and self.hash == other.hash and self.parts == other.parts


def _fragment_size(html: Markup) -> int:
    """The HTML (a character is a byte: the portal's text is Latin-1 but for rare names), and
    as much again for its key: the rows it was made from, which the cache keeps alive."""
    return 2 * len(html) + 256


class Templates:
    def __init__(self, directory: Path, *, url: Callable[..., str] | None = None) -> None:
        """``url``: the application's ``url(name, query=None, **params)``, for fragments (a
        page's own context has the same function)."""
        self.env = create_environment(directory)
        self._remembered: LRUCache[_Key, Markup] = LRUCache(
            FRAGMENT_BYTES_REMEMBERED, getsizeof=_fragment_size
        )
        self.env.globals["fragment"] = self.fragment
        if url is not None:
            self.env.globals["url"] = url

    def fragment(
        self,
        name: str,
        /,
        *,
        csrf_token: str = "",
        fill: Mapping[str, str | int] | None = None,
        remember: bool = True,
        **values: Hashable,
    ) -> Markup:
        """``name`` rendered with ``values`` only, remembered: the same values in the same
        language give the same HTML without rendering it again. So a fragment's template may
        read nothing but its values, translations, filters and ``url()`` (the application's
        route table, the same for every request) — not the request, nor who reads — and every
        value must be hashable (a frozen dataclass row, a tuple, a string, a number), which
        makes the values themselves the key: an edited comment is a new key.

        Values that differ from call to call while the rest stays the same — the masked CSRF
        token on every page, and what ``fill`` names (a thread's id and author in its reply
        form, the same form for every thread) — are left as holes: the template writes them
        plainly (``{{ csrf_token }}``; no filter, no test, no branch on them), the remembered
        HTML holds a marker no content can contain (random per process), and each call fills
        in its own values, escaped. One fragment then serves every thread of a section.

        ``remember=False`` renders without keeping the result (nor looking for it), for values
        that will not come again — a thread with the focus on the comment just posted: kept,
        such one-off fragments would push out what other requests reuse."""
        items = tuple(sorted(values.items()))
        holes = tuple(sorted(fill)) if fill else ()
        if not remember:
            html = self._render_fragment(name, items, holes)
        else:
            key = _Key((name, i18n.current_language.get(), items, holes))
            try:
                html = self._remembered[key]
            except KeyError:
                html = self._render_fragment(name, items, holes)
                with contextlib.suppress(ValueError):  # bigger than the whole bound: not kept
                    self._remembered[key] = html
        nested = csrf_token == _CSRF_HOLE  # inside a fragment being rendered: it fills the token
        if (nested and not fill) or _HOLE not in html:
            return html
        filled = str(html) if nested else str.replace(html, _CSRF_HOLE, escape(csrf_token))
        for hole, value in (fill or {}).items():
            filled = filled.replace(_marker(hole), escape(str(value)))
        return Markup(filled)  # noqa: S704 (escaped)

    def _render_fragment(
        self, name: str, values: tuple[tuple[str, Hashable], ...], holes: tuple[str, ...] = ()
    ) -> Markup:
        context = dict(values)
        context.update((hole, _marker(hole)) for hole in holes)
        html = self.env.get_template(name).render(context, csrf_token=_CSRF_HOLE)
        return Markup(html)  # noqa: S704 (an autoescaped template's output)

    def render(self, name: str, context: Mapping[str, Any], *, block: str | None = None) -> str:
        """The whole page, or only ``block`` of it (the htmx swap target of the same template)."""
        if block is not None:
            return str(render_block(self.env, name, block, **context))
        return self.env.get_template(name).render(context)

    def has_block(self, name: str, block: str) -> bool:
        return block in self.env.get_template(name).blocks
