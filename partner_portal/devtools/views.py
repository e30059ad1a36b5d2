"""/dev/mail: what the development mail catcher has received."""

from __future__ import annotations

from starlette.responses import Response

from partner_portal.web import Ctx


async def mailbox(ctx: Ctx) -> Response:
    catcher = ctx.portal.dev
    mails = list(catcher.mails) if catcher is not None else []
    return ctx.render("devtools/mail.html", {"mails": mails})
