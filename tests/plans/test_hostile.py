"""Hostile content — script tags, javascript: and data: links, event attributes — typed into
plans and comments is neutralised in the page, in htmx fragments and in exports."""

from __future__ import annotations

import io
from html.parser import HTMLParser

import httpx
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from partner_portal.plans.markdown import render
from tests.helpers import Persona, csrf_token, log_in
from tests.plans.factories import comment, make_plan

HOSTILE_MARKDOWN = """Läs [mer](javascript:alert(1)) och [här](data:text/html;base64,PHNjcmlwdD4=).

<script>alert('md')</script>
<img src=x onerror="alert('img')">
<a href="https://example.se" onclick="alert('a')">länk</a>

![bild](data:image/svg+xml;base64,PHN2Zz4=)

[Botkyrka](https://www.botkyrka.se) <iframe src="https://evil.example"></iframe>
"""
HOSTILE_COMMENT = (
    "=HYPERLINK(\"http://evil.example\") <script>alert('c')</script> "
    "<img src=x onerror=alert(2)> [x](javascript:alert(3))"
)


class _Elements(HTMLParser):
    """Every element and attribute a browser would build from the HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def assert_neutral(html: str) -> None:
    """No element runs or loads anything: the hostile parts are at most visible text."""
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        if tag == "script":
            assert (dict(attrs).get("src") or "").startswith("/static/"), attrs  # our own files
        assert tag not in ("iframe", "img", "object", "embed"), tag
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src", "action"):
                assert not (value or "").strip().lower().startswith(("javascript:", "data:")), value


def test_markdown_keeps_structure_and_safe_links_only() -> None:
    html = str(render(HOSTILE_MARKDOWN + "\n# Rubrik\n\n- punkt **fet**"))

    assert_neutral(html)
    assert (
        '<a href="https://www.botkyrka.se" rel="noopener noreferrer nofollow">Botkyrka</a>' in html
    )
    assert "&lt;script&gt;" in html  # raw HTML is shown as text, never run
    assert "<h3>Rubrik</h3>" in html  # below the page's h1 and the section's h2
    assert "<li>punkt <strong>fet</strong></li>" in html
    assert 'href="mailto:a@b.se"' in str(render("[post](mailto:a@b.se)"))


async def test_the_page_fragment_and_exports_neutralise_hostile_content(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
) -> None:
    room_id = world["room_id"]
    plan_id, (section_id,) = await make_plan(
        db, alice, room_id, [("Rubrik <script>alert('h')</script>", HOSTILE_MARKDOWN)]
    )
    await comment(db, app, bob, room_id, plan_id, section_id, HOSTILE_COMMENT)
    base = f"/rum/{room_id}/planer/{plan_id}"
    await log_in(client, app, bob)
    page = await client.get(base)
    fragment = await client.get(
        f"{base}/avsnitt/{section_id}/kommentarer",
        headers={"HX-Request": "true", "HX-Target": f"kommentarer-{section_id}"},
    )
    posted = await client.post(
        f"{base}/avsnitt/{section_id}/kommentarer",
        data={"csrf_token": await csrf_token(client, app), "body": HOSTILE_COMMENT},
        headers={"HX-Request": "true", "HX-Target": f"kommentarer-{section_id}"},
    )
    csv_export = await client.get(f"{base}/kommentarer.csv")
    xlsx_export = await client.get(f"{base}/kommentarer.xlsx")

    for response in (page, fragment, posted):
        assert response.status_code == 200
        assert_neutral(response.text)
        assert "&lt;script&gt;alert(&#39;c&#39;)&lt;/script&gt;" in response.text
    assert "Rubrik &lt;script&gt;" in page.text
    assert not fragment.text.lstrip().startswith("<!doctype")
    assert posted.text.count('class="portal-comment"') == 1  # the new thread alone
    assert posted.text.count("data-focus-after-swap") == 1  # on the new comment

    csv_text = csv_export.content.decode("utf-8-sig")
    assert csv_export.headers["content-disposition"].startswith("attachment;")
    assert "'=HYPERLINK" in csv_text  # a spreadsheet shows it as text, never runs it
    assert ";=HYPERLINK" not in csv_text
    sheet = load_workbook(io.BytesIO(xlsx_export.content)).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.column == 9]
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert cells[0].value == HOSTILE_COMMENT
