"""Deny by default: every route in the one route table declares who may use it, and every
route whose path names an object declares the loader that checks the person may have it."""

from __future__ import annotations

import re

from starlette.routing import Mount, Route

from partner_portal.auth.access import Policy
from partner_portal.routes import routes
from partner_portal.web import PortalRoute


def test_every_route_declares_an_access_policy() -> None:
    for dev_tools in (False, True):
        for entry in routes(dev_tools=dev_tools):
            assert isinstance(entry, Route | Mount)
            assert isinstance(getattr(entry, "access", None), Policy), entry.path
            assert entry.name, entry.path


def test_every_route_that_names_an_object_declares_its_object_access() -> None:
    """A path with an ``{…:id}`` names an object: the route table says which loader loads it
    and checks access (``route(…, load=…)``), so no view can forget to. What a loader checks
    is tested per feature (the outsider tests in tests/*/test_access.py)."""
    undeclared = [
        f"{'/'.join(sorted(entry.methods or []))} {entry.path}"
        for entry in routes(dev_tools=True)
        if isinstance(entry, PortalRoute)
        and re.search(r"\{\w+:id\}", entry.path)
        and entry.load is None
    ]

    assert undeclared == []


def test_route_names_are_unique() -> None:
    names = [r.name for r in routes(dev_tools=True) if isinstance(r, Route | Mount)]

    assert len(names) == len(set(names))


def test_the_development_mailbox_exists_only_under_dev() -> None:
    def paths(dev: bool) -> set[str]:
        return {r.path for r in routes(dev_tools=dev) if isinstance(r, Route)}

    assert "/dev/mail" in paths(True)
    assert "/dev/mail" not in paths(False)


def test_the_operator_interface_keeps_its_paths() -> None:
    table = {r.name: r.path for r in routes(dev_tools=False) if isinstance(r, Route)}

    assert table["login"] == "/auth/login"
    assert table["login_callback"] == "/auth/callback"
    assert table["logout"] == "/auth/logout"
    assert table["healthz"] == "/healthz"
    assert table["readyz"] == "/readyz"
