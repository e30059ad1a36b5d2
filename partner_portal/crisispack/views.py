"""A room's crisis pack: the page (downloads, and when each organisation last downloaded its
pack), the PDF and the single HTML file. Every participant of the room and the coordinators
may download (rooms.access.room answers 404 to anyone else)."""

from __future__ import annotations

from starlette.responses import Response

from partner_portal.crisispack import queries, service
from partner_portal.platform import clock
from partner_portal.platform import pdf as pdf_files
from partner_portal.rooms.access import RoomAccess
from partner_portal.web import Ctx


async def page(ctx: Ctx, access: RoomAccess) -> Response:
    pack = await service.gather(ctx.db, access.room)
    downloads = await queries.downloads(ctx.db, access.room.id)
    return ctx.render(
        "crisispack/page.html",
        {"access": access, "room": access.room, "pack": pack, "downloads": downloads},
    )


async def pdf(ctx: Ctx, access: RoomAccess) -> Response:
    pack = await service.gather(ctx.db, access.room)
    body = await service.pdf(ctx.portal.templates.env, pack, clock.now())
    await _recorded(ctx, access, "pdf", pack.fingerprint)
    return _download(body, pdf_files.MEDIA_TYPE, f"beredskapspaket-{access.room.id}.pdf")


async def html_file(ctx: Ctx, access: RoomAccess) -> Response:
    pack = await service.gather(ctx.db, access.room)
    body = service.html(ctx.portal.templates.env, pack, clock.now(), for_print=False).encode()
    await _recorded(ctx, access, "html", pack.fingerprint)
    return _download(body, "text/html; charset=utf-8", f"beredskapspaket-{access.room.id}.html")


async def _recorded(ctx: Ctx, access: RoomAccess, fmt: str, fingerprint: str) -> None:
    await service.record_download(
        ctx.db,
        access=access,
        actor=ctx.me,
        fmt=fmt,
        fingerprint=fingerprint,
        ip_address=ctx.client_ip,
    )


def _download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
