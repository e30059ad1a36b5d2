"""The contact directory: this feature's part of the one route table (composed in
partner_portal.routes). Reading routes load the organisation through contacts.access.visible,
changing routes through contacts.access.kept; the mail's confirmation link is a LINK_TOKEN
route (its secret authorises the POST, no login)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from partner_portal.auth.access import LINK_TOKEN, LOGGED_IN
from partner_portal.contacts import access
from partner_portal.contacts import views as contacts
from partner_portal.contacts.paths import CONFIRM_LINK, DIRECTORY, ENTRY
from partner_portal.platform.paths import GET_POST, POST
from partner_portal.web import route


def routes() -> list[BaseRoute]:
    return [
        route(DIRECTORY, contacts.index, name="contacts", access=LOGGED_IN),
        route(f"{DIRECTORY}.{{fmt}}", contacts.export, name="contacts_export", access=LOGGED_IN),
        route(
            CONFIRM_LINK,
            contacts.confirm_link,
            name="contacts_confirm_link",
            access=LINK_TOKEN,
            methods=GET_POST,
        ),
        route(
            ENTRY,
            contacts.edit,
            name="contacts_entry",
            access=LOGGED_IN,
            load=access.kept,
            methods=GET_POST,
        ),
        route(
            f"{ENTRY}/bekrafta",
            contacts.confirm,
            name="contacts_confirm",
            access=LOGGED_IN,
            load=access.kept,
            methods=POST,
        ),
        route(
            f"{ENTRY}.vcf",
            contacts.entry_vcard,
            name="contacts_entry_vcard",
            access=LOGGED_IN,
            load=access.visible,
        ),
    ]
