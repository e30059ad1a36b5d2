"""Which follow-up API token a coordinator acts on: the route table's loader for
``{token_id}`` (the rule itself is followup.api_tokens.token_to_revoke: coordinators only, 404
for an unknown token)."""

from __future__ import annotations

from partner_portal.followup import api_tokens
from partner_portal.followup.api_tokens import ApiToken
from partner_portal.web import Ctx


async def token_to_revoke(ctx: Ctx) -> ApiToken | None:
    """The token, while it can still be revoked (None once it is): see
    :func:`api_tokens.token_to_revoke`."""
    return await api_tokens.token_to_revoke(ctx.db, actor=ctx.me, token_id=ctx.path_id("token_id"))
