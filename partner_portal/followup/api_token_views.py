"""The coordinator's page for the follow-up API's tokens: the list, issuing one, revoking one."""

from __future__ import annotations

from starlette.responses import Response

from partner_portal import confirm, forms
from partner_portal.followup import api_tokens
from partner_portal.followup.api_tokens import NAME_MAX_LENGTH, ApiToken, IssuedToken
from partner_portal.platform.errors import Invalid
from partner_portal.platform.i18n import gettext as _
from partner_portal.web import Ctx


async def index(ctx: Ctx) -> Response:
    return await _page(ctx)


async def issue(ctx: Ctx) -> Response:
    form = await ctx.request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        issued = await api_tokens.issue(
            ctx.db,
            actor=ctx.me,
            person_id=forms.positive_int(forms.text(form, "person", max_length=12)),
            name=forms.text(form, "name", max_length=NAME_MAX_LENGTH),
            ip_address=ctx.client_ip,
        )
    except Invalid as invalid:
        return await _page(ctx, values=values, errors=invalid.errors, status=400)
    # Rendered, not redirected: the token exists in plain text only in this one response (never
    # in a URL, a session or the database), and the wrapper marks it no-store.
    return await _page(ctx, issued=issued)


async def revoke(ctx: Ctx, token: ApiToken | None) -> Response:
    """``token``: None when it is already revoked (revoking it again changes nothing)."""
    if token is not None and not confirm.confirmed(await ctx.request.form()):
        return confirm.ask(
            ctx,
            confirm.Confirmation(
                title=_("Återkalla API-nyckeln %(name)s?") % {"name": token.name},
                explanation=[
                    _(
                        "Verktyg som använder nyckeln får inte längre läsa uppföljningen. En "
                        "återkallad nyckel kan inte användas igen; utfärda en ny om det behövs."
                    )
                ],
                button=_("Ja, återkalla nyckeln"),
                action=ctx.url("api_token_revoke", token_id=token.id),
                cancel=ctx.url("api_tokens"),
            ),
        )
    await api_tokens.revoke(
        ctx.db, actor=ctx.me, token_id=ctx.path_id("token_id"), ip_address=ctx.client_ip
    )
    return ctx.redirect(ctx.url("api_tokens"))


async def _page(
    ctx: Ctx,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    issued: IssuedToken | None = None,
    status: int = 200,
) -> Response:
    readers = await api_tokens.readers(ctx.db)
    return ctx.render(
        "followup/api_tokens.html",
        {
            "tokens": await api_tokens.tokens(ctx.db),
            "readers": readers,
            # People may share a name; the address tells them apart.
            "reader_options": [
                (r.id, f"{r.name} ({r.email})" if r.email else r.name) for r in readers
            ],
            "values": values or {},
            "errors": errors or {},
            "issued": issued,
            "name_max_length": NAME_MAX_LENGTH,
            "api_base": f"{ctx.settings.base_url.rstrip('/')}/api/v1",
        },
        status=status,
    )
