"""Readable differences: word by word between two texts (pieces a template escapes), and
between two renderings of a plan section's Markdown (see :func:`html_diff`)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from typing import Literal

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")

Op = Literal["same", "added", "removed"]


@dataclass(frozen=True, slots=True)
class Piece:
    op: Op
    text: str


def word_diff(old: str, new: str) -> list[Piece]:
    """``old`` to ``new`` as unchanged, removed and added runs of words (whitespace kept, so
    line breaks survive). Plain text: the template escapes every piece."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(Piece("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Piece("removed", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("added", "".join(b[j1:j2])))
    return pieces


# --- rendered Markdown compared ------------------------------------------------------------
#
# Two versions of a section are compared as the reader sees them: both texts are rendered and
# sanitised (partner_portal.plans.markdown), parsed into a small tree, and compared block by
# block (paragraphs, list items, table cells), then word by word inside a changed block. The
# result keeps the newer version's structure: its tags, in its order, so the markup stays well
# formed; removed words come back as <del>, added ones are wrapped in <ins>, each with text a
# screen reader speaks ("[borttaget: …]"), not colour alone. Changes of formatting only (a word
# made bold) show as the new formatting, unmarked.

_VOID = frozenset({"br", "hr"})
# Elements whose children are blocks: compared child by child.
_CONTAINERS = frozenset({"ul", "ol", "blockquote", "table", "thead", "tbody", "tr"})
# Elements that only hold a block's content: wrapped inside, never around (a list holds list
# items, a table row cells).
_WRAP_INSIDE = frozenset({"li", "td", "th"})
_WRAP_CHILDREN = frozenset({"tr", "thead", "tbody", "table", "ul", "ol"})
_BLOCKS = frozenset({"p", "ul", "ol", "li", "blockquote", "pre", "table", "hr"}) | {
    f"h{n}" for n in range(1, 7)
}


@dataclass(slots=True)
class _Node:
    tag: str  # "" for text
    attrs: tuple[tuple[str, str | None], ...] = ()
    children: list[_Node] = field(default_factory=list)
    text: str = ""


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root")
        self._open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, tuple(attrs))
        self._open[-1].children.append(node)
        if tag not in _VOID:
            self._open.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._open) - 1, 0, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self._open[-1].children.append(_Node("", text=data))


def _tree(html: str) -> list[_Node]:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root.children


def _start(node: _Node) -> str:
    attrs = "".join(f' {name}="{escape(value or "", quote=True)}"' for name, value in node.attrs)
    return f"<{node.tag}{attrs}>"


def _end(node: _Node) -> str:
    return "" if node.tag in _VOID else f"</{node.tag}>"


def _html(node: _Node) -> str:
    if not node.tag:
        return escape(node.text, quote=False)
    return _start(node) + "".join(_html(c) for c in node.children) + _end(node)


@dataclass(frozen=True, slots=True)
class Marks:
    """The words a screen reader says around a change."""

    added: str
    removed: str


def _mark(op: Op, content: str, marks: Marks) -> str:
    if op == "added":
        return (
            f'<ins class="portal-diff__added"><span class="sr-only">[{escape(marks.added)} '
            f'</span>{content}<span class="sr-only">]</span></ins>'
        )
    return (
        f'<del class="portal-diff__removed"><span class="sr-only">[{escape(marks.removed)} '
        f'</span>{content}<span class="sr-only">]</span></del>'
    )


def _whole(node: _Node, op: Op, marks: Marks) -> str:
    """A block that is only in one of the versions, marked as a whole."""
    if not node.tag:
        if not node.text.strip():
            return escape(node.text, quote=False) if op == "added" else ""
        return _mark(op, escape(node.text, quote=False), marks)
    if node.tag in _WRAP_CHILDREN:
        return _start(node) + "".join(_whole(c, op, marks) for c in node.children) + _end(node)
    if node.tag in _WRAP_INSIDE:
        inner = "".join(_html(c) for c in node.children)
        return _start(node) + (_mark(op, inner, marks) if inner.strip() else "") + _end(node)
    return _mark(op, _html(node), marks)


def _has_blocks(node: _Node) -> bool:
    return any(c.tag in _BLOCKS for c in node.children)


def _blocks(old: list[_Node], new: list[_Node], marks: Marks) -> str:
    """Sibling blocks compared: unchanged ones as they are, changed ones compared inside when
    they are the same kind of block, the rest marked whole."""
    a, b = [_html(n) for n in old], [_html(n) for n in new]
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(b[j1:j2])
            continue
        gone, came = old[i1:i2], new[j1:j2]
        for k in range(max(len(gone), len(came))):
            before = gone[k] if k < len(gone) else None
            after = came[k] if k < len(came) else None
            if before is not None and after is not None and before.tag == after.tag:
                out.append(_changed(before, after, marks))
                continue
            if before is not None:
                out.append(_whole(before, "removed", marks))
            if after is not None:
                out.append(_whole(after, "added", marks))
    return "".join(out)


def _changed(before: _Node, after: _Node, marks: Marks) -> str:
    if not after.tag:
        return _inline([before], [after], marks)
    if after.tag in _VOID:
        return _html(after)
    if after.tag in _CONTAINERS or _has_blocks(before) or _has_blocks(after):
        return _start(after) + _blocks(before.children, after.children, marks) + _end(after)
    return _start(after) + _inline(before.children, after.children, marks) + _end(after)


def _tokens(nodes: list[_Node]) -> list[tuple[str, str]]:
    """Inline content as words ("t") and tags ("o" open, "c" close, "v" void)."""
    out: list[tuple[str, str]] = []
    for node in nodes:
        if not node.tag:
            out.extend(("t", word) for word in _TOKENS.findall(node.text))
        elif node.tag in _VOID:
            out.append(("v", _start(node)))
        else:
            out.append(("o", _start(node)))
            out.extend(_tokens(node.children))
            out.append(("c", _end(node)))
    return out


def _inline(old: list[_Node], new: list[_Node], marks: Marks) -> str:
    """Word by word inside one block: the newer tags kept, removed words (not their tags)
    put back as <del>, added words wrapped in <ins>."""
    a, b = _tokens(old), _tokens(new)
    out: list[str] = []

    def run(tokens: list[tuple[str, str]], op: Op) -> None:
        words: list[str] = []

        def flush() -> None:
            text = "".join(words)
            if text.strip():
                out.append(_mark(op, escape(text, quote=False), marks))
            elif op == "added":
                out.append(escape(text, quote=False))
            words.clear()

        for kind, value in tokens:
            if kind == "t":
                words.append(value)
                continue
            flush()
            if op == "added":
                out.append(value)  # the newer version's own tags
        flush()

    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(escape(v, quote=False) if k == "t" else v for k, v in b[j1:j2])
            continue
        run(a[i1:i2], "removed")
        run(b[j1:j2], "added")
    return "".join(out)


def html_diff(old_html: str, new_html: str, marks: Marks) -> str:
    """Two renderings of a section (already sanitised HTML) as one, with the changes marked.
    The result is HTML to be sanitised again before it is shown."""
    return _blocks(_tree(old_html), _tree(new_html), marks)
