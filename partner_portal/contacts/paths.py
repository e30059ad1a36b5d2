"""Where the directory's pages live: the patterns the route table and the mail's links share."""

from __future__ import annotations

from partner_portal.platform import paths

DIRECTORY = "/kontakter"
ENTRY = "/kontakter/{organisation_id:id}"
CONFIRM_LINK = "/kontakter/bekrafta/{token}"


def entry_path(organisation_id: int) -> str:
    return paths.fill(ENTRY, organisation_id=organisation_id)


def confirm_link(token: str) -> str:
    return paths.fill(CONFIRM_LINK, token=token)
