"""Swedish is the source language; the English catalog must cover every message."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from partner_portal.platform.resources import PACKAGE_DIR

ROOT = PACKAGE_DIR.parent


def extracted_messages() -> set[str]:
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)  # type: ignore[no-untyped-call]
    found: set[str] = set()
    for *_, message, _comments, _context in extract_from_dir(str(ROOT), method_map, options_map):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_has_an_english_translation() -> None:
    with (PACKAGE_DIR / "locale/en/LC_MESSAGES/messages.po").open("rb") as f:
        catalog = read_po(f, locale="en")
    translated = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalog
        if m.id and all(m.string if isinstance(m.string, tuple) else [m.string]) and not m.fuzzy
    }

    missing = sorted(extracted_messages() - translated)

    assert missing == [], "run pybabel extract/update (see babel.cfg) and translate these"


def test_the_catalog_keeps_placeholders() -> None:
    with (PACKAGE_DIR / "locale/en/LC_MESSAGES/messages.po").open("rb") as f:
        catalog = read_po(f, locale="en")
    for message in catalog:
        if message.id and "%(" in message.id:
            assert message.python_format
            for placeholder in ("%(name)s", "%(status)s"):
                assert isinstance(message.id, str)
                assert isinstance(message.string, str)
                assert (placeholder in message.id) == (placeholder in message.string)
