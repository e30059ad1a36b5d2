"""CPU per request in-process: the portal's paths beside the bare baseline, no HTTP server.

`bench.pages` measures through uvicorn and wrk, where the server's own share and the machine's
other work blur what a change to the portal did. This drives both ASGI apps directly (raw
scopes, lifespan run), interleaving portal and baseline request by request, and prints the CPU
time (``time.process_time``, which async waits do not inflate) per request of each path, its
ratio to the baseline's, and where the portal's time goes: rendering templates, executing SQL
(statement building, driver, rows), and the rest (middleware, session, access, the view).

    .venv/bin/python -m bench.inprocess [--requests 400] [--profile "room page"]

``--profile NAME`` also prints a cProfile of that path (process time), its top 40 by own time
(``--sort cumulative`` by time with callees, ``--lines N`` more or fewer); with
``--spin`` it only requests that path over and over, for a sampling profiler (py-spy) to watch.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import statistics
import tempfile
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from bench import baseline, pages
from bench import world as worlds
from bench.world import World
from partner_portal.app import create_app
from partner_portal.auth import sessions
from partner_portal.platform import direct
from partner_portal.platform.templating import Templates

ASGI = Callable[[dict[str, Any], Any, Any], Coroutine[Any, Any, None]]


class Client:
    """One ASGI app, driven by hand: lifespan started, requests sent as raw scopes."""

    def __init__(self, app: ASGI, host: str) -> None:
        self.app = app
        self.host = host
        self._lifespan: asyncio.Task[None] | None = None
        self._to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def start(self) -> None:
        async def receive() -> dict[str, Any]:
            return await self._to_app.get()

        async def send(message: dict[str, Any]) -> None:
            await self._from_app.put(message)

        self._lifespan = asyncio.create_task(
            self.app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, receive, send)
        )
        await self._to_app.put({"type": "lifespan.startup"})
        message = await self._from_app.get()
        assert message["type"] == "lifespan.startup.complete", message

    async def stop(self) -> None:
        await self._to_app.put({"type": "lifespan.shutdown"})
        await self._from_app.get()
        assert self._lifespan is not None
        await self._lifespan

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, bytes]:
        raw = [(b"host", self.host.encode())]
        raw += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        if body:  # as wrk, httpx and browsers send it (the portal reads a small form early)
            raw.append((b"content-length", str(len(body)).encode()))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": raw,
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 80),
            "state": {},
        }
        sent = False
        status = 0
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        return status, b"".join(chunks)


def _headers(p: pages.Target, w: World, cookie: str, origin: str) -> dict[str, str]:
    cookies = {"cookie": f"{cookie}={w.users[0].token}", "accept-encoding": "identity"}
    return cookies | pages.request_headers(p, w, origin)


class Split:
    """CPU spent inside template rendering and inside SQL execution, summed."""

    def __init__(self) -> None:
        self.render = 0.0
        self.db = 0.0

    def install(self) -> None:
        from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

        split = self
        render = Templates.render

        def timed_render(self: Templates, *args: Any, **kwargs: Any) -> str:
            started = time.process_time()
            try:
                return render(self, *args, **kwargs)
            finally:
                split.render += time.process_time() - started

        for owner, name in [
            *((AsyncSession, name) for name in ("execute", "scalar", "scalars", "get")),
            (AsyncConnection, "execute"),  # platform.db.read
        ]:
            original = getattr(owner, name)

            def wrap(original: Any) -> Any:
                async def timed(self: Any, *args: Any, **kwargs: Any) -> Any:
                    started = time.process_time()
                    try:
                        return await original(self, *args, **kwargs)
                    finally:
                        split.db += time.process_time() - started

                return timed

            setattr(owner, name, wrap(original))
        Templates.render = timed_render  # type: ignore[method-assign]
        direct_rows = direct.rows

        async def timed_direct(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                return await direct_rows(*args, **kwargs)
            finally:
                split.db += time.process_time() - started

        direct.rows = timed_direct  # type: ignore[assignment]  # platform.db.read's


async def measure(
    w: World,
    requests: int,
    profile: str | None,
    spin: bool,
    concurrency: int,
    sort: str = "tottime",
    lines: int = 40,
) -> None:
    settings = worlds.settings_for(w.database_url, w.data_dir)
    portal = Client(create_app(settings), settings.base_url.split("://", 1)[1])
    base = Client(baseline.create_app(w.database_url), "127.0.0.1")
    await portal.start()
    await base.start()
    cookie = sessions.cookie_name(settings)
    targets = pages.paths(w)
    split = Split()
    split.install()
    try:
        base_path = f"/plan/{w.plan_id}"

        async def send(p: pages.Target, i: int) -> None:
            """The ``i``th request of ``p`` (a POST goes round its threads, as under wrk)."""
            headers = _headers(p, w, cookie, settings.base_url)
            path = p.path
            if p.rotate:
                path, headers["hx-target"] = p.rotate[i % len(p.rotate)]
            status, _ = await portal.request(p.method, path, headers, (p.body or "").encode())
            assert status == 200, (p.name, status)

        for p in targets:  # warm
            for i in range(20):
                await send(p, i)
                await base.request("GET", base_path, {})
        await pages.forget_posted_comments(w)
        times: dict[str, list[float]] = {p.name: [] for p in targets}
        times["baseline"] = []
        renders: dict[str, float] = {p.name: 0.0 for p in targets}
        dbs: dict[str, float] = {p.name: 0.0 for p in targets}
        for _ in range(requests // concurrency):
            started = time.process_time()
            await asyncio.gather(*(base.request("GET", base_path, {}) for _ in range(concurrency)))
            times["baseline"].append((time.process_time() - started) / concurrency)
            for p in targets:
                render, db = split.render, split.db
                started = time.process_time()
                await asyncio.gather(*(send(p, i) for i in range(concurrency)))
                times[p.name].append((time.process_time() - started) / concurrency)
                renders[p.name] += split.render - render
                dbs[p.name] += split.db - db
                if p.method == "POST":  # the threads keep their size, as between wrk's rounds
                    await pages.forget_posted_comments(w)
        b = statistics.median(times["baseline"])
        print(f"baseline {b * 1000:.2f} ms per request (median of {requests})")
        for p in targets:
            t = statistics.median(times[p.name])
            render = renders[p.name] / requests * 1000
            db = dbs[p.name] / requests * 1000
            print(
                f"  {p.name:<28} {t * 1000:6.2f} ms  ratio {b / t:.3f}"
                f"  · render {render:.2f} ms, SQL {db:.2f} ms"
            )
        chosen = [p for p in pages.paths(w) if p.name == profile]
        if chosen and spin:
            p = chosen[0]
            started = time.process_time()
            rounds = requests * 10 // concurrency
            for i in range(rounds):
                await asyncio.gather(*(send(p, i * concurrency + j) for j in range(concurrency)))
                if p.method == "POST" and (i + 1) * concurrency % 640 < concurrency:
                    await pages.forget_posted_comments(w)  # as between wrk's rounds
            spent = (time.process_time() - started) / (rounds * concurrency)
            print(f"{p.name}, spinning: {spent * 1000:.2f} ms per request")
        elif chosen:
            p = chosen[0]
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            for i in range(requests):
                await send(p, i)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(lines)
            print(out.getvalue())
    finally:
        await portal.stop()
        await base.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--comments", type=int, default=50)
    parser.add_argument(
        "--concurrency",
        type=int,
        default=1,
        help="requests in flight at once (wrk in bench.pages keeps 32)",
    )
    parser.add_argument("--profile", default=None, help="a path's name, e.g. 'room page'")
    parser.add_argument("--sort", default="tottime", choices=("tottime", "cumulative"))
    parser.add_argument("--lines", type=int, default=40, help="lines of the profile printed")
    parser.add_argument(
        "--spin",
        action="store_true",
        help="instead of cProfile, request the --profile path 10 × --requests times (for a "
        "sampling profiler attached from outside, e.g. py-spy)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-inprocess-") as tmp:
        data = Path(tmp)
        with worlds.database("sqlite", data) as url:
            w = asyncio.run(worlds.build(url, data, users=1, comments=args.comments))
            asyncio.run(
                measure(
                    w,
                    args.requests,
                    args.profile,
                    args.spin,
                    args.concurrency,
                    args.sort,
                    args.lines,
                )
            )


if __name__ == "__main__":
    main()
