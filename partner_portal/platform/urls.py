"""URLs by route name, from the one route table, and static URLs that change with their content.

Starlette's own ``url_path_for`` tries every route in turn (each miss raises and catches an
exception): a page with a hundred links paid for thousands of them. The table here is made once
at start-up, so building a URL is one lookup and one substitution.

A static file's URL carries a hash of its content (``/static/css/portal.css?v=3f2a…``); such a
request is answered ``Cache-Control: public, max-age=31536000, immutable``, so a browser fetches
each version of a file once, and a changed file gets a new URL.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.convertors import Convertor
from starlette.routing import BaseRoute, Mount, NoMatchFound, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

IMMUTABLE = "public, max-age=31536000, immutable"


class UrlTable:
    def __init__(self, routes: Sequence[BaseRoute], static_dir: Path) -> None:
        self._routes: dict[str, Route | Mount] = {
            r.name: r for r in routes if isinstance(r, Route | Mount) and r.name
        }
        # Plain routes: the path format and its parameters' convertors, so that building a URL
        # is a substitution (the convertors still check and format each value).
        self._formats: dict[str, tuple[str, dict[str, Convertor[Any]]]] = {
            name: (route.path_format, route.param_convertors)
            for name, route in self._routes.items()
            if isinstance(route, Route)
        }
        self._static_dir = static_dir
        self._static: dict[str, str] = {}

    def path(self, name: str, /, **params: Any) -> str:
        """The path of the route named ``name`` with these path parameters."""
        found = self._formats.get(name)
        if found is None:
            route = self._routes.get(name)
            if route is None:
                raise NoMatchFound(name, params)
            return str(route.url_path_for(name, **params))
        path_format, convertors = found
        if params.keys() != convertors.keys():
            raise NoMatchFound(name, params)
        if not params:
            return path_format
        return path_format.format_map(
            {key: convertors[key].to_string(value) for key, value in params.items()}
        )

    def url(self, name: str, query: Mapping[str, Any] | None = None, /, **params: Any) -> str:
        """The path, and the query string from ``query`` when there is one."""
        path = self.path(name, **params)
        return f"{path}?{urlencode(query, doseq=True)}" if query else path

    def static(self, path: str) -> str:
        """The URL of a static file, with a hash of its content (computed once per file)."""
        url = self._static.get(path)
        if url is None:
            digest = hashlib.sha256((self._static_dir / path).read_bytes()).hexdigest()[:12]
            url = f"{self.path('static', path=path)}?v={digest}"
            self._static[path] = url
        return url


class VersionedStaticFiles(StaticFiles):
    """Static files; those asked for by a versioned URL may be cached for a year."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or b"v=" not in scope.get("query_string", b""):
            await super().__call__(scope, receive, send)
            return

        async def send_cacheable(message: Any) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                message["headers"] = [
                    *(h for h in message["headers"] if h[0].lower() != b"cache-control"),
                    (b"cache-control", IMMUTABLE.encode()),
                ]
            await send(message)

        await super().__call__(scope, receive, send_cacheable)
