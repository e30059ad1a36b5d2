"""create_app(settings): the Starlette application with its middleware, routes and lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect

import partner_portal.words  # noqa: F401  (every feature's words, before anything renders)
from partner_portal import error_pages, jobs
from partner_portal.auth.oidc import OidcClient
from partner_portal.platform.compression import CompressionMiddleware
from partner_portal.platform.db import ConnectionLost, create_engine, session_factory
from partner_portal.platform.errors import PortalError
from partner_portal.platform.live import LiveHub
from partner_portal.platform.middleware import (
    AllowedHostsMiddleware,
    LanguageMiddleware,
    SecurityHeadersMiddleware,
    TrustedProxiesMiddleware,
)
from partner_portal.platform.migrate import head_revision
from partner_portal.platform.resources import resource_dir
from partner_portal.platform.routing import IndexedRouter
from partner_portal.platform.settings import Settings
from partner_portal.platform.shutdown import Shutdown
from partner_portal.platform.templating import Templates
from partner_portal.platform.urls import UrlTable
from partner_portal.routes import routes
from partner_portal.web import Portal


def create_app(settings: Settings, *, run_jobs: bool = False, dev: Any = None) -> Starlette:
    """Build the application. ``run_jobs`` runs the background jobs in this process."""
    engine = create_engine(settings.database_url)
    table = routes(dev_tools=settings.dev_tools)
    urls = UrlTable(table, resource_dir("static"))
    portal = Portal(
        settings=settings,
        engine=engine,
        sessions=session_factory(engine),
        templates=Templates(resource_dir("templates"), url=urls.url),
        oidc=OidcClient(settings) if settings.oidc_issuer else None,
        head_revision=head_revision(),
        urls=urls,
        dev=dev,
    )

    live = LiveHub(settings.database_url)  # live events to open plan pages (plans/live.py)

    shutdown = Shutdown()
    shutdown.on_drain(live.end_streams)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        shutdown.install()  # SIGTERM: readiness false and live streams ended at once
        worker = (
            asyncio.create_task(jobs.run_forever(portal.sessions, settings)) if run_jobs else None
        )
        gc.freeze()  # start-up objects live forever: keep them out of every GC pass
        try:
            yield
        finally:
            if worker is not None:
                worker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await worker
            shutdown.uninstall()
            await live.close()
            await portal.rate_limits.close()
            await engine.dispose()

    app = Starlette(
        debug=False,
        routes=table,
        middleware=[
            Middleware(TrustedProxiesMiddleware, settings=settings),  # first: all see the client
            Middleware(CompressionMiddleware),
            Middleware(SecurityHeadersMiddleware, settings=settings),
            Middleware(AllowedHostsMiddleware, settings=settings),
            Middleware(LanguageMiddleware),
        ],
        exception_handlers={
            PortalError: error_pages.portal_error,
            HTTPException: error_pages.http_error,
            DBAPIError: error_pages.database_error,
            ClientDisconnect: error_pages.client_gone,
            PoolTimeout: error_pages.database_error,
            ConnectionLost: error_pages.database_error,
            Exception: error_pages.server_error,
        },
        lifespan=lifespan,
    )
    # The same table and lifespan, tried by the shape of a path (platform.routing).
    app.router = IndexedRouter(app.router.routes, lifespan=lifespan)
    app.state.portal = portal
    app.state.live = live
    app.state.shutdown = shutdown
    return app
