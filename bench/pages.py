"""The request path against the stack's limit: the portal's pages beside a bare baseline.

For each database (SQLite, PostgreSQL) it builds a world (bench/world.py: the demo data, a
published plan with 50 partner comments, a logged-in partner, and another plan of 50 threads of
10 comments each that the POSTs go round, so that each POST answers with a thread about the
size of the fragment GET's however many are posted in a round), starts `partner-portal serve`
and the bare baseline app (bench/baseline.py) on it, each one uvicorn process with the same
options, and loads them with wrk in interleaved rounds (baseline, then each portal path, round
after round), so that whatever else the machine is doing touches both alike. It prints:

- requests/s of each path and its ratio to the baseline's (**b**) in the same round — median
  and spread over the rounds;
- SQL statements per request for each path (counted in-process on the same database);
- unloaded latency: p50 and p99 of one request at a time, and their ratio;
- RSS of the portal process at start, after the first wrk run that brings it past 10,000
  requests (the goal's point), and at the end;
- bytes of a first load (HTML + CSS + JS, as served to a browser that accepts compression).

    .venv/bin/python -m bench.pages [--databases sqlite,postgresql] [--rounds 3]
                                    [--seconds 5] [--connections 32]

Needs `wrk` (Debian package `wrk`).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import col

from bench import world as worlds
from bench.world import World
from partner_portal.app import create_app
from partner_portal.auth import sessions
from partner_portal.plans.models import PlanComment
from partner_portal.platform.db import create_engine

ROOT = Path(__file__).resolve().parent.parent
# The bare baseline's comment POST, loaded like the portal's: what the stack can do for a write.
BARE_POST = "bare comment POST (no portal)"
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Target:
    name: str
    method: str
    path: str
    htmx_target: str | None = None
    body: str | None = None
    # Under load, requests go round these (path, htmx target) pairs instead of ``path`` alone.
    rotate: tuple[tuple[str, str], ...] = ()


def paths(w: World) -> list[Target]:
    plan = f"/rum/{w.room_id}/planer/{w.plan_id}"
    section = w.section_ids[0]
    thread = f"{plan}/avsnitt/{section}/kommentarer"
    post_threads = tuple(
        (f"/rum/{w.room_id}/planer/{w.post_plan_id}/avsnitt/{s}/kommentarer", f"kommentarer-{s}")
        for s in w.post_section_ids
    )
    return [
        Target("room page", "GET", f"/rum/{w.room_id}"),
        Target("plan page (50 comments)", "GET", plan),
        Target("htmx comments fragment GET", "GET", thread, f"kommentarer-{section}"),
        Target(
            "htmx comment POST",
            "POST",
            post_threads[0][0],
            post_threads[0][1],
            "body=Vi+ser+till+att+tankarna+finns+p%C3%A5+plats.",
            rotate=post_threads,
        ),
    ]


# --- processes ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running(command: list[str], env: dict[str, str], url: str, log: Path) -> Iterator[int]:
    """A server process; yields its pid once ``url`` answers."""
    with log.open("w") as out:
        process = subprocess.Popen(
            command,
            env={"PATH": os.environ["PATH"], **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        try:
            for _ in range(300):
                if process.poll() is not None:
                    raise RuntimeError(log.read_text())
                try:
                    httpx.get(url, timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            yield process.pid
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- load --------------------------------------------------------------------------------

WRK_SCRIPT = """
wrk.method = "{method}"
wrk.headers["Cookie"] = "pp_session={token}"
{extra}
"""


@dataclass(frozen=True)
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


def wrk(url: str, script: str, *, seconds: int, connections: int) -> Load:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
        lua = f.name
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{seconds}s",
                "--latency",
                # wrk's own 2 s limit would count a slow answer as a socket error: the figure
                # is meant to count what the server got wrong, and latency is printed anyway.
                "--timeout",
                "10s",
                "-s",
                lua,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(lua)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        errors += sum(int(g) for g in match.groups())
    return Load(rps, _latency(out, "50%"), _latency(out, "99%"), errors, requests)


def _latency(out: str, percentile: str) -> float:
    match = re.search(rf"{re.escape(percentile)}\s+([\d.]+)(us|ms|s)\b", out)
    if match is None:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def script_for(p: Target, w: World, origin: str) -> str:
    user = w.users[0]
    extra = []
    if p.htmx_target:
        extra.append('wrk.headers["HX-Request"] = "true"')
        extra.append(f'wrk.headers["HX-Target"] = "{p.htmx_target}"')
    if p.method == "POST":
        extra.append('wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"')
        extra.append(f'wrk.headers["X-CSRF-Token"] = "{user.csrf}"')
        extra.append(f'wrk.headers["Origin"] = "{origin}"')
        extra.append(f'wrk.body = "{p.body}"')
    if p.rotate:
        pairs = ", ".join(f'{{"{path}", "{target}"}}' for path, target in p.rotate)
        extra.append(f"local targets = {{{pairs}}}")
        extra.append("local i = 0")
        extra.append("request = function()")
        extra.append("  i = i % #targets + 1")
        extra.append('  wrk.headers["HX-Target"] = targets[i][2]')
        extra.append("  return wrk.format(nil, targets[i][1])")
        extra.append("end")
    return WRK_SCRIPT.format(method=p.method, token=user.token, extra="\n".join(extra))


# --- in-process figures -------------------------------------------------------------------


def request_headers(p: Target, w: World, origin: str) -> dict[str, str]:
    """What a browser sends beside the session cookie for ``p``: htmx's headers for a swap,
    the form's type, the CSRF token and the origin for a POST."""
    headers: dict[str, str] = {}
    if p.htmx_target:
        headers |= {"hx-request": "true", "hx-target": p.htmx_target}
    if p.method == "POST":
        headers |= {
            "content-type": "application/x-www-form-urlencoded",
            "x-csrf-token": w.users[0].csrf,
            "origin": origin,
        }
    return headers


async def statements_per_request(w: World) -> dict[str, int]:
    settings = worlds.settings_for(w.database_url, w.data_dir)
    app = create_app(settings)
    counted: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        counted.append(statement)

    engine = app.state.portal.engine.sync_engine
    transport = httpx.ASGITransport(app=app)
    result = {}
    user = w.users[0]
    async with httpx.AsyncClient(transport=transport, base_url=settings.base_url) as client:
        client.cookies.set(sessions.cookie_name(settings), user.token)
        for p in paths(w):
            headers = request_headers(p, w, settings.base_url)
            await client.request(p.method, p.path, headers=headers, content=p.body)  # warm
            counted.clear()
            event.listen(engine, "before_cursor_execute", count)
            try:
                response = await client.request(p.method, p.path, headers=headers, content=p.body)
            finally:
                event.remove(engine, "before_cursor_execute", count)
            assert response.status_code == 200, (p.name, response.status_code, response.text[:500])
            result[p.name] = len(counted)
    await app.state.portal.engine.dispose()
    return result


async def forget_posted_comments(w: World) -> None:
    """Back to the world as built: the POST's answer (the thread) keeps its size each round."""
    engine = create_engine(w.database_url)
    async with engine.begin() as connection:
        await connection.execute(
            sa.delete(PlanComment).where(
                col(PlanComment.plan_id) == w.post_plan_id, col(PlanComment.id) > w.post_last_id
            )
        )
    await engine.dispose()


def first_load_bytes(base: str, path: str, token: str) -> tuple[int, int]:
    """(bytes as served to a browser accepting compression, bytes uncompressed) of a page with
    the CSS and JS it links."""

    def size(client: httpx.Client, url: str, encoding: str) -> tuple[int, str]:
        with client.stream("GET", url, headers={"Accept-Encoding": encoding}) as response:
            raw = b"".join(response.iter_raw())
        return len(raw), response.headers.get("content-type", "")

    served = plain = 0
    with httpx.Client(base_url=base, headers={"Cookie": f"pp_session={token}"}) as client:
        page = client.get(path).text
        assets = re.findall(r'<(?:link rel="stylesheet" href|script src)="([^"]+)"', page)
        for url in [path, *assets]:
            served += size(client, url, "gzip, br")[0]
            plain += size(client, url, "identity")[0]
    return served, plain


def unloaded(base: str, p: Target, w: World, count: int = 400) -> tuple[float, float]:
    headers = {"cookie": f"pp_session={w.users[0].token}"} | request_headers(p, w, base)
    times = []
    with httpx.Client(base_url=base, headers=headers) as client:
        for _ in range(count):
            started = time.perf_counter()
            response = client.get(p.path)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


# --- the run -------------------------------------------------------------------------------


def run(kind: str, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        data = Path(tmp)
        with worlds.database(kind, data) as url:
            w = asyncio.run(worlds.build(url, data, users=1, comments=args.comments))
            portal_port, baseline_port = free_port(), free_port()
            portal = f"http://127.0.0.1:{portal_port}"
            baseline = f"http://127.0.0.1:{baseline_port}"
            env = w.environ(portal)
            print(f"\n## {kind}: statements per request", flush=True)
            counts = asyncio.run(statements_per_request(w))
            for name, n in counts.items():
                print(f"  {name:<32} {n}")
            portal_cmd = [str(BIN / "partner-portal"), "serve", "--no-worker", "--port"]
            baseline_cmd = [str(BIN / "python"), "-m", "bench.baseline", "--database-url", url]
            with (
                running(
                    [*portal_cmd, str(portal_port)], env, f"{portal}/healthz", data / "portal.log"
                ) as portal_pid,
                running(
                    [*baseline_cmd, "--port", str(baseline_port)],
                    {"PYTHONPATH": str(ROOT)},
                    f"{baseline}/plan/{w.plan_id}",
                    data / "baseline.log",
                ),
            ):
                rss_start = rss_mib(portal_pid)
                figures: dict[str, list[float]] = {p.name: [] for p in paths(w)}
                figures[BARE_POST] = []
                base_rps: list[float] = []
                errors = 0
                bare_errors = 0  # the baseline's, apart: the portal's are the goal's
                served = 0
                at_goal: tuple[int, float] | None = None  # (requests, RSS) past 10,000 first
                for round_ in range(args.rounds):
                    b = wrk(
                        f"{baseline}/plan/{w.plan_id}",
                        WRK_SCRIPT.format(method="GET", token="", extra=""),
                        seconds=args.seconds,
                        connections=args.connections,
                    )
                    base_rps.append(b.rps)
                    line = [f"round {round_ + 1}: b = {b.rps:7.1f}/s"]
                    for p in paths(w):
                        script = script_for(p, w, portal)
                        load = wrk(
                            portal + p.path,
                            script,
                            seconds=args.seconds,
                            connections=args.connections,
                        )
                        if p.method == "POST":
                            asyncio.run(forget_posted_comments(w))
                        figures[p.name].append(load.rps / b.rps)
                        errors += load.errors
                        served += load.requests
                        if at_goal is None and served >= 10_000:
                            at_goal = (served, rss_mib(portal_pid))
                        line.append(
                            f"{p.name} {load.rps:7.1f}/s ({load.rps / b.rps:.3f} b)"
                            + (f" {load.errors} errors" if load.errors else "")
                        )
                    # The stack's own write: the bare baseline's comment POST (bench.baseline).
                    post = next(p for p in paths(w) if p.method == "POST")
                    bare = wrk(
                        baseline + post.path,
                        script_for(post, w, baseline),
                        seconds=args.seconds,
                        connections=args.connections,
                    )
                    asyncio.run(forget_posted_comments(w))
                    bare_errors += bare.errors
                    figures[BARE_POST].append(bare.rps / b.rps)
                    line.append(
                        f"{BARE_POST} {bare.rps:7.1f}/s ({bare.rps / b.rps:.3f} b)"
                        + (f" {bare.errors} errors" if bare.errors else "")
                    )
                    print("  " + " · ".join(line), flush=True)
                print(f"\n## {kind}: throughput ÷ b (median, min–max of {args.rounds} rounds)")
                print(f"  b (baseline) median {statistics.median(base_rps):.0f} req/s")
                for name, ratios in figures.items():
                    print(
                        f"  {name:<32} {statistics.median(ratios):.3f} "
                        f"({min(ratios):.3f}–{max(ratios):.3f})"
                    )
                print(f"  errors under load (non-2xx/3xx, socket): {errors}")
                if bare_errors:
                    log = (data / "baseline.log").read_text()
                    wrong = [x for x in log.splitlines() if '" 200' not in x and "INFO" in x]
                    print(f"  the bare baseline's errors: {bare_errors}; its log says:")
                    for x in wrong[-5:] + [x for x in log.splitlines() if "Error" in x][-5:]:
                        print(f"    {x}")
                print(f"\n## {kind}: unloaded latency, one request at a time")
                for p in paths(w):
                    if p.method != "GET":
                        continue
                    p50, p99 = unloaded(portal, p, w)
                    print(
                        f"  {p.name:<32} p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  ({p99 / p50:.1f}×)"
                    )
                while served < 10_000:
                    load = wrk(
                        portal + paths(w)[1].path,
                        script_for(paths(w)[1], w, portal),
                        seconds=3,
                        connections=8,
                    )
                    served += load.requests
                    if at_goal is None and served >= 10_000:
                        at_goal = (served, rss_mib(portal_pid))
                assert at_goal is not None
                print(f"\n## {kind}: memory and bytes")
                print(
                    f"  portal RSS at start {rss_start:.0f} MiB, "
                    f"after {at_goal[0]:,} requests (the first wrk run past 10,000) "
                    f"{at_goal[1]:.1f} MiB, after {served:,} {rss_mib(portal_pid):.1f} MiB"
                )
                on_wire, plain = first_load_bytes(portal, paths(w)[0].path, w.users[0].token)
                print(
                    f"  first load of the room page: {on_wire / 1024:.0f} KB as served, "
                    f"{plain / 1024:.0f} KB uncompressed"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--comments", type=int, default=50)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench.pages needs wrk: apt-get install wrk")
    for kind in args.databases.split(","):
        run(kind.strip(), args)


if __name__ == "__main__":
    main()
