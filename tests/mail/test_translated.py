"""Every word of every mail goes through gettext, so the catalogue test
(tests/test_i18n.py) fails on an untranslated mail string as it does for the web pages."""

from __future__ import annotations

import re

import pytest

from partner_portal.mail.facade import KINDS
from partner_portal.platform.resources import resource_dir
from tests.test_i18n import extracted_messages

EMAILS = resource_dir("templates") / "emails"


def test_mail_strings_are_extracted_from_subjects_bodies_and_layouts() -> None:
    found = extracted_messages()

    assert "Påminnelse: %(title)s, %(when)s" in found  # a subject file
    assert "Hej %(name)s!" in found  # a text body
    assert "Kalendern uppdateras med det bifogade meddelandet." in found  # both bodies
    assert "Botkyrka kommun, kommunledningsförvaltningen" in found  # the shared layouts
    assert "Läs remissen och lämna yttrandet" in found  # a button label in the HTML


def test_every_mail_kind_has_its_three_templates_and_every_template_is_a_kind() -> None:
    names = {p.name.rsplit("-", 1)[0] for p in EMAILS.glob("*-subject.txt")}

    assert names == set(KINDS)
    for name in names:
        for part in ("subject.txt", "body.txt", "body.html"):
            assert (EMAILS / f"{name}-{part}").exists()


_NOT_WORDS = [
    re.compile(r"\{%-?\s*trans\b.*?%\}.*?\{%-?\s*endtrans\s*-?%\}", re.S),  # translated
    re.compile(r"\{\{.*?\}\}", re.S),  # values, _("…") and macro calls
    re.compile(r"\{%.*?%\}", re.S),  # tags
    re.compile(r"\{#.*?#\}", re.S),  # comments
    re.compile(r"<[^>]*>", re.S),  # HTML elements and their attributes
    re.compile(r"&[a-z]+;|https?://\S+"),
]


@pytest.mark.parametrize("path", sorted(EMAILS.iterdir()), ids=lambda p: p.name)
def test_no_mail_template_writes_a_word_outside_gettext(path: object) -> None:
    text = path.read_text()  # type: ignore[attr-defined]
    for pattern in _NOT_WORDS:
        text = pattern.sub(" ", text)

    assert re.findall(r"[^\W\d_]{2,}", text) == []
