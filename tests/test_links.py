"""How a link from a mail that leads nowhere is told (platform.links.gone)."""

from __future__ import annotations

from partner_portal.platform import i18n, links


def test_a_link_that_leads_nowhere_says_why_the_same_way_everywhere() -> None:
    expired = links.gone(links.Why.EXPIRED, "Be om en ny länk.")
    unknown = links.gone(links.Why.UNKNOWN)

    assert expired.status == 410
    assert (expired.title, expired.message) == (
        "Länken har gått ut",
        "Länken har gått ut. Be om en ny länk.",
    )
    assert unknown.title == "Länken gäller inte"
    assert unknown.message.startswith("Länken gäller inte. Kontrollera att du har fått med hela")
    with i18n.speaking("en"):
        assert links.gone(links.Why.USED).title == "The link has already been used"
