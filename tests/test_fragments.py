"""Remembered fragments (templating.Templates.fragment): rendered once per set of values and
language, reused afterwards, and never holding another page's CSRF token."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Template, UndefinedError
from markupsafe import Markup

from partner_portal.platform import i18n, templating
from partner_portal.platform.templating import Templates


@dataclass(frozen=True, slots=True)
class Row:
    id: int
    body: str


def renders_of(templates: Templates, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the fragments ``templates`` renders from now on (not those it remembers)."""
    rendered: list[str] = []
    original = templates._render_fragment

    def counting(name: str, *args: Any) -> Markup:
        rendered.append(name)
        return original(name, *args)

    monkeypatch.setattr(templates, "_render_fragment", counting)
    return rendered


@pytest.fixture
def templates(tmp_path: Path) -> Templates:
    (tmp_path / "row.html").write_text(
        '<p id="r-{{ row.id }}">{{ row.body }} · {{ _("redigerad") }}</p>'
        '<input name="csrf_token" value="{{ csrf_token }}">'
    )
    (tmp_path / "plain.html").write_text("<p>{{ word }}</p>")
    (tmp_path / "page.html").write_text(
        '{{ fragment("row.html", csrf_token=csrf_token, row=row) }}'
    )
    return Templates(tmp_path)


def test_a_fragment_is_rendered_once_for_the_same_values(
    templates: Templates, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[str] = []
    original = templates.env.get_template

    def counting(name: str) -> Template:
        rendered.append(name)
        return original(name)

    monkeypatch.setattr(templates.env, "get_template", counting)
    first = templates.fragment("plain.html", word="a")
    again = templates.fragment("plain.html", word="a")
    other = templates.fragment("plain.html", word="b")

    assert first == again == Markup("<p>a</p>")
    assert other == Markup("<p>b</p>")
    assert rendered == ["plain.html", "plain.html"]


def test_new_values_are_a_new_fragment_and_its_text_is_escaped(templates: Templates) -> None:
    before = templates.fragment("row.html", row=Row(1, "Första"))
    after = templates.fragment("row.html", row=Row(1, "<b>Andra</b>"))

    assert "Första" in before
    assert "&lt;b&gt;Andra&lt;/b&gt;" in after
    assert "Första" not in after


def test_each_language_has_its_own_fragment(templates: Templates) -> None:
    swedish = templates.fragment("row.html", row=Row(1, "x"))
    token = i18n.current_language.set("en")
    try:
        english = templates.fragment("row.html", row=Row(1, "x"))
    finally:
        i18n.current_language.reset(token)

    assert "redigerad" in swedish
    assert "edited" in english


def test_each_page_fills_in_its_own_csrf_token_and_no_marker_is_left(
    templates: Templates,
) -> None:
    page = templates.env.get_template("page.html")

    one = page.render(csrf_token="token-one", row=Row(1, "x"))
    two = page.render(csrf_token="token-two", row=Row(1, "x"))
    anonymous = templates.fragment("row.html", row=Row(1, "x"))

    assert 'value="token-one"' in one
    assert 'value="token-two"' in two
    assert "token-one" not in two
    assert 'value=""' in anonymous
    assert templating._HOLE not in one + two + anonymous


def test_filled_in_values_share_one_fragment_and_are_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "reply.html").write_text(
        '<label for="svar-{{ thread }}">{{ _("på kommentaren av %(name)s", name=author) }}</label>'
        '<input name="parent_id" value="{{ thread }}">'
        '<input name="csrf_token" value="{{ csrf_token }}">'
        '<a href="{{ url }}">{{ word }}</a>'
    )
    templates = Templates(tmp_path)
    rendered = renders_of(templates, monkeypatch)

    first = templates.fragment(
        "reply.html", csrf_token="t1", url="/a", word="x", fill={"thread": 7, "author": "Erik"}
    )
    second = templates.fragment(
        "reply.html",
        csrf_token="t2",
        url="/a",
        word="x",
        fill={"thread": 8, "author": '<b>"Åsa"</b>'},
    )
    other = templates.fragment("reply.html", url="/b", word="x", fill={"thread": 7, "author": "E"})

    assert rendered == ["reply.html", "reply.html"]  # the same fragment for 7 and 8; /b its own
    assert first == Markup(
        '<label for="svar-7">på kommentaren av Erik</label><input name="parent_id" value="7">'
        '<input name="csrf_token" value="t1"><a href="/a">x</a>'
    )
    assert 'for="svar-8"' in second
    assert 'value="8"' in second
    assert 'value="t2"' in second
    assert "&lt;b&gt;&#34;Åsa&#34;&lt;/b&gt;" in second
    assert "Erik" not in second
    assert "t1" not in second
    assert 'href="/b"' in other
    assert templating._HOLE not in first + second + other


def test_a_fragment_not_to_be_remembered_is_rendered_each_time(
    templates: Templates, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered = renders_of(templates, monkeypatch)
    once = templates.fragment("plain.html", remember=False, word="a")
    twice = templates.fragment("plain.html", remember=False, word="a")

    assert once == twice == Markup("<p>a</p>")
    assert rendered == ["plain.html", "plain.html"]
    assert templates._remembered.currsize == 0


def test_a_fragment_cannot_read_the_page_it_is_put_into(tmp_path: Path) -> None:
    (tmp_path / "leaky.html").write_text("{{ person }}")
    templates = Templates(tmp_path)

    with pytest.raises(UndefinedError, match="person"):
        templates.fragment("leaky.html")


def test_what_is_remembered_is_bounded_by_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(templating, "FRAGMENT_BYTES_REMEMBERED", 10_000)
    (tmp_path / "big.html").write_text("<p>{{ n }}{{ 'x' * size }}</p>")
    templates = Templates(tmp_path)
    rendered: list[int] = []
    original = templates._render_fragment

    def counting(name: str, values: tuple[tuple[str, Any], ...], *holes: Any) -> Markup:
        rendered.append(dict(values)["n"])
        return original(name, values, *holes)

    monkeypatch.setattr(templates, "_render_fragment", counting)
    for n in range(10):  # 10 fragments of ~2,000 bytes with their keys: twice what is kept
        templates.fragment("big.html", n=n, size=1000)
    kept = templates._remembered.currsize
    templates.fragment("big.html", n=9, size=1000)  # the newest is still there
    templates.fragment("big.html", n=0, size=1000)  # the oldest is not
    huge = templates.fragment("big.html", n=99, size=6_000)  # more than the bound: not kept

    assert kept <= 10_000
    assert rendered == [*range(10), 0, 99]
    assert len(huge) > 6_000
    assert templates._remembered.currsize <= 10_000


def test_a_fragment_builds_urls_from_the_applications_table(tmp_path: Path) -> None:
    (tmp_path / "link.html").write_text('<a href="{{ url("room", room_id=n) }}">rum</a>')
    templates = Templates(tmp_path, url=lambda name, query=None, **params: f"/{name}/{params}")

    assert templates.fragment("link.html", n=7) == Markup(
        '<a href="/room/{&#39;room_id&#39;: 7}">rum</a>'
    )
