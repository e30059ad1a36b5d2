"""Choosing the development servers' ports: the usual one when it is free, another otherwise."""

from __future__ import annotations

import socket
from collections.abc import Collection


def is_free(host: str, port: int) -> bool:
    """Nothing listens on ``host``:``port`` (a socket can bind there now)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def choose(host: str, preferred: int, *, avoid: Collection[int] = ()) -> int:
    """``preferred`` when it is free, else a free port the system picks (never one in
    ``avoid``: the ports chosen for the other servers, not yet bound)."""
    if preferred not in avoid and is_free(host, preferred):
        return preferred
    while True:
        with socket.socket() as sock:
            sock.bind((host, 0))
            port = int(sock.getsockname()[1])
        if port not in avoid:
            return port
