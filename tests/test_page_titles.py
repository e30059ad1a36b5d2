"""Every page has a <title> of its own (WCAG 2.4.2): "what – where – Partnerportalen".

base.html ends every title with "– Partnerportalen"; each page template names what the page is
(and where, when it lives inside a room, a plan or an FRG group) in its block ``title``. Here,
without a browser: every page template fills that block, and no two fill it alike. With real
data, over the whole route table, the route walk (tests/e2e/test_every_page.py) asserts that no
two routes' pages share a title.
"""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
_BLOCK = re.compile(r"{%-?\s*block title\s*-?%}(.*?){%-?\s*endblock", re.S)


def page_titles() -> dict[str, str]:
    """Each page template (one that extends base.html) and the source of its block title."""
    found = {}
    for template in sorted(TEMPLATES.rglob("*.html")):
        source = template.read_text(encoding="utf-8")
        if '{% extends "base.html" %}' not in source:
            continue
        block = _BLOCK.search(source)
        found[str(template.relative_to(TEMPLATES))] = block.group(1).strip() if block else ""
    return found


def test_every_page_template_names_its_page_in_the_title() -> None:
    titles = page_titles()
    assert len(titles) > 50
    assert [name for name, title in titles.items() if not title] == []
    # base.html adds the portal's name: a page that repeats it would say it twice.
    assert [name for name, title in titles.items() if "Partnerportalen" in title] == []


def test_no_two_page_templates_have_the_same_title() -> None:
    by_title: dict[str, list[str]] = {}
    for name, title in page_titles().items():
        by_title.setdefault(title, []).append(name)
    assert {title: names for title, names in by_title.items() if len(names) > 1} == {}


def test_the_title_block_is_where_base_html_puts_it() -> None:
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    assert "<title>{% block title %}{% endblock %} – Partnerportalen</title>" in base
