"""Comparing two versions of a section as the reader sees them: rendered Markdown, sanitised
as the plan view is, with <ins>/<del> around what changed and words for screen readers."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from partner_portal.plans.diff import Marks
from partner_portal.plans.markdown import compare

MARKS = Marks(added="tillagt:", removed="borttaget:")
VOID = {"br", "hr"}


class _Balance(HTMLParser):
    """Fails on an end tag that does not close the innermost open element."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open, tag
        assert self.open[-1] == tag, (tag, self.open)
        self.open.pop()


def balanced(html: str) -> bool:
    parser = _Balance()
    parser.feed(html)
    parser.close()
    return parser.open == []


def test_a_changed_word_inside_formatting_is_marked_and_the_formatting_kept() -> None:
    html = str(compare("Kommunen **leder** arbetet.", "Kommunen **styr** arbetet.", MARKS))

    assert html == (
        "<p>Kommunen <strong>"
        '<del class="portal-diff__removed"><span class="sr-only">[borttaget: </span>leder'
        '<span class="sr-only">]</span></del>'
        '<ins class="portal-diff__added"><span class="sr-only">[tillagt: </span>styr'
        '<span class="sr-only">]</span></ins>'
        "</strong> arbetet.</p>\n"
    )


def test_unchanged_text_is_rendered_without_marks() -> None:
    html = str(compare("# Rubrik\n\n1. Ett\n2. Två", "# Rubrik\n\n1. Ett\n2. Två", MARKS))

    assert "<h3>Rubrik</h3>" in html
    assert "<ol>" in html
    assert "<ins" not in html
    assert "<del" not in html


def test_list_items_and_table_cells_keep_their_structure() -> None:
    html = str(
        compare(
            "- ett\n- två\n\n| a | b |\n|---|---|\n| 1 | 2 |",
            "- ett\n- tre\n- fyra\n\n| a | b |\n|---|---|\n| 1 | 3 |\n| 4 | 5 |",
            MARKS,
        )
    )

    assert balanced(html)
    assert "<ul>\n<li>ett</li>" in html
    assert '<li><ins class="portal-diff__added"><span class="sr-only">[tillagt: </span>fyra' in (
        html
    )
    assert "<tr>\n<td><ins" in html  # an added row's cells are marked inside the cells
    assert "<ul><ins" not in html
    assert "<tr><ins" not in html


def test_a_removed_section_is_struck_through_as_a_whole() -> None:
    html = str(compare("Ett stycke.\n\n- en punkt", "", MARKS))

    assert html.count('<del class="portal-diff__removed">') == 2
    assert "<p>Ett stycke.</p>" in html
    assert "<li><del" in html
    assert "<ins" not in html


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def real_tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


ALLOWED_CLASSES = {
    "ins": "portal-diff__added",
    "del": "portal-diff__removed",
    "span": "sr-only",
}


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "[klick](javascript:alert(1))",
        '<img src=x onerror="alert(1)">',
        '<span class="sr-only" onclick="alert(1)">x</span>',
        "<ins class='evil'>x</ins>",
        '<a href="https://evil.example" style="position:fixed">x</a>',
    ],
)
def test_hostile_markdown_is_neutralised_in_the_comparison(hostile: str) -> None:
    html = str(compare("Text.", f"Text. {hostile}", MARKS))

    for tag, attrs in real_tags(html):
        assert tag not in ("script", "img", "style")
        assert not any(name.startswith("on") or name == "style" for name in attrs)
        assert not (attrs.get("href") or "").startswith("javascript")
        if "class" in attrs:
            assert attrs["class"] == ALLOWED_CLASSES[tag]
    assert balanced(html)


def test_every_comparison_is_well_formed() -> None:
    versions = [
        "Kommunen leder.",
        "Kommunen **leder** arbetet.\n\n> Ett citat med *kursiv* text.",
        "- a\n  - b\n- c\n\n```\nkod\n```",
        "## Ny rubrik\n\n1. Sjukhus\n2. Äldreboenden\n\n[Länk](https://botkyrka.se)",
        "",
    ]
    for old in versions:
        for new in versions:
            assert balanced(str(compare(old, new, MARKS))), (old, new)
