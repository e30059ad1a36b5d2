"""Starlette's router, asking only the routes a path could be.

Starlette's router tries each route of the table in turn until one matches: a regular
expression, and the route's path worked out of the request, per route tried. The portal's table
has some 150 routes; a room's comment is some 30 routes down it (0.1 ms a request, measured).

This router groups the table once by what a path of each route must look like — its number of
segments and its first segment, when both are fixed (``/rum/{room_id:id}/planer`` is three
segments beginning ``rum``) — and tries only the routes of the request's group, in the table's
order, and the routes that cannot be grouped (a mount, a ``path`` parameter) among them where
they stand in the table. Which route answers a request is decided as before, by the routes
themselves and the table's order: the same route, a 405 for the wrong method, a redirect for a
missing or extra trailing slash, 404 otherwise.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, Route, Router
from starlette.types import Receive, Scope, Send

_Key = tuple[int, str]


def _key(route: BaseRoute) -> _Key | None:
    """(segments, first segment) every path of ``route`` has; None if it has no such shape."""
    if type(route) is not Route and not isinstance(route, Route):
        return None  # a mount (its paths go on), a host, a websocket route
    path: str = route.path
    if ":path}" in path or not path.startswith("/"):
        return None
    segments = path[1:].split("/")
    first = segments[0]
    if "{" in first:
        return None
    return len(segments), first


def _request_key(path: str) -> _Key:
    segments = path[1:].split("/")
    return len(segments), segments[0]


class IndexedRouter(Router):
    def __init__(self, routes: Sequence[BaseRoute], **kwargs: Any) -> None:
        super().__init__(routes, **kwargs)
        self._index()

    def _index(self) -> None:
        keys = [_key(route) for route in self.routes]
        groups: dict[_Key, list[BaseRoute]] = defaultdict(list)
        for key in {k for k in keys if k is not None}:
            groups[key] = [
                route for route, k in zip(self.routes, keys, strict=True) if k in (key, None)
            ]
        self._groups = dict(groups)
        self._others = [route for route, k in zip(self.routes, keys, strict=True) if k is None]
        self._indexed = list(self.routes)

    def candidates(self, scope: Scope) -> list[BaseRoute]:
        """The routes that could match ``scope``'s path, in the table's order."""
        if self.routes != self._indexed:  # the table was changed after it was made
            self._index()
        return self._groups.get(_request_key(get_route_path(scope)), self._others)

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().app(scope, receive, send)  # lifespan
            return
        if "router" not in scope:
            scope["router"] = self
        partial = None
        partial_scope: Scope = {}
        for route in self.candidates(scope):
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope["route"] = route
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL and partial is None:
                partial, partial_scope = route, child_scope
        if partial is not None:  # the path, another method: 405
            scope["route"] = partial
            scope.update(partial_scope)
            await partial.handle(scope, receive, send)
            return
        # No route of the path's shape: Starlette's own way, its trailing-slash redirect and
        # its 404 (a rare path, so the whole table is tried).
        await super().app(scope, receive, send)
