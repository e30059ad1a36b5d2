"""Liveness and readiness for operators and orchestrators."""

from __future__ import annotations

import logging

import anyio
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import JSONResponse, PlainTextResponse, Response

from partner_portal.attachments import storage
from partner_portal.platform.migrate import current_revision, known_revisions
from partner_portal.web import Ctx

log = logging.getLogger(__name__)


async def healthz(ctx: Ctx) -> Response:
    """200 while the process lives."""
    return PlainTextResponse("ok")


async def readyz(ctx: Ctx) -> Response:
    """200 only when the database answers, its schema is not behind the code (a newer one counts
    as ready: a rolling upgrade), uploads can be received (a file written in
    ``<data dir>/uploads/tmp``) and the file store can be used (the local one: its directory may
    be written; an object store: a HEAD of its bucket answers) —
    and the process is not shutting down (platform/shutdown.py). With
    PORTAL_REDIS_URL it also says whether Redis answers (the rate limits' store), without making
    the process unready: the limits are then counted in each process (platform/ratelimit.py),
    and the portal serves on."""
    if ctx.request.app.state.shutdown.draining:
        return JSONResponse({"status": "draining"}, status_code=503)
    expected = ctx.portal.head_revision
    try:
        async with ctx.portal.engine.connect() as connection:
            found = await current_revision(connection)
    except (SQLAlchemyError, OSError) as exc:
        log.warning("readiness: database unavailable: %s", exc)
        return JSONResponse(
            {"status": "unavailable", "reason": "database unreachable or schema missing"},
            status_code=503,
        )
    if found != expected and (found is None or found in known_revisions()):
        # Behind this code: `partner-portal migrate` has not run yet.
        return JSONResponse(
            {"status": "unavailable", "schema": found, "expected": expected}, status_code=503
        )
    # A schema newer than this code is a rolling upgrade under way (deploy/README.md): the
    # migrations keep the previous version working, so this process stays in rotation until
    # it is restarted with the new code.
    try:
        await anyio.to_thread.run_sync(storage.probe_writable, ctx.settings.data_dir)
    except OSError as exc:
        log.warning("readiness: the file store cannot be written: %s", exc)
        return JSONResponse(
            {"status": "unavailable", "reason": "file store not writable"}, status_code=503
        )
    store = storage.store_for(ctx.settings)
    try:
        await anyio.to_thread.run_sync(store.probe)
    except OSError as exc:
        log.warning("readiness: the file store, %s, is not usable: %s", store.describe(), exc)
        return JSONResponse(
            {"status": "unavailable", "reason": "file store unavailable"}, status_code=503
        )
    ready: dict[str, str | None] = {"status": "ready", "schema": found}
    if found != expected:
        ready["code"] = expected  # the revision this process's code was written for
    redis = await ctx.portal.rate_limits.redis_answers()
    if redis is not None:
        ready["rate_limits"] = "redis" if redis else "in-process: redis does not answer"
    return JSONResponse(ready)
