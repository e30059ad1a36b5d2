"""Building FRG mails (invitations, availability asks, call-outs), shared by the services that
send them."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment

from partner_portal.mail.messages import build
from partner_portal.platform import i18n


def mail(env: Environment, name: str, to: str, context: dict[str, Any]) -> Any:
    """Build an FRG mail in Swedish, whatever language the person who caused it reads."""
    language = i18n.current_language.set("sv")
    try:
        return build(env, name, to, context)
    finally:
        i18n.current_language.reset(language)
