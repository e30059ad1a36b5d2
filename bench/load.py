"""Many logged-in people at once: does the portal hold, and how long do they wait?

It builds a world (bench/world.py: the demo data, a published plan with 50 comments and
``--users`` logged-in partners, each with a session of their own), starts `partner-portal serve`
on it (one process on SQLite; ``--workers`` processes on PostgreSQL) and lets every user work at
once for ``--seconds``, on loopback only: the start page, the room, the plan, a section's
comments (htmx), and now and then a comment of their own (htmx POST). Each user waits a think
time between clicks (uniform in ``--think``, seconds; ``0,0`` for none at all: every user
clicks again the moment an answer arrives). It prints, per run:

- requests answered, and per second;
- 5xx answers, other failures (4xx, timeouts, refused connections) — each must be 0;
- p50, p99 and the slowest wait, overall and per kind of request;
- whether the server's log holds a traceback.

    .venv/bin/python -m bench.load [--databases sqlite,postgresql] [--users 200]
                                   [--seconds 60] [--think 1,5] [--workers 2] [--max-requests N]
                                   [--nginx]

With ``--nginx`` (PostgreSQL only) the users go through Debian's nginx running
deploy/nginx/partner-portal.conf over TLS, in front of ``--workers`` separate `serve` processes
(as on separate hosts), with PORTAL_TRUSTED_PROXIES and the rate limits in Redis
(PORTAL_REDIS_URL, 127.0.0.1:6379) — the deployment of deploy/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import ssl
import statistics
import subprocess
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench import world as worlds
from bench.pages import BIN, forget_posted_comments, free_port, rss_mib, running
from bench.world import User, World
from tests.deploy_kit import NGINX, certificate, nginx_config

MIX = (  # what a person clicks, and how often (weights)
    ("start page", 25),
    ("room page", 25),
    ("plan page", 25),
    ("comments fragment", 20),
    ("comment POST", 5),
)
TIMEOUT = 30.0  # a request still unanswered after this counts as a failure


@dataclass
class Tally:
    waits: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[int] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    requests: int = 0


def _request(kind: str, w: World, user: User, origin: str) -> tuple[str, str, dict[str, str], str]:
    plan = f"/rum/{w.room_id}/planer/{w.plan_id}"
    section = random.choice(w.section_ids)
    cookie = "__Host-pp_session" if origin.startswith("https:") else "pp_session"
    headers = {"Cookie": f"{cookie}={user.token}", "Accept-Encoding": "br, gzip"}
    if kind == "start page":
        return "GET", "/", headers, ""
    if kind == "room page":
        return "GET", f"/rum/{w.room_id}", headers, ""
    if kind == "plan page":
        return "GET", plan, headers, ""
    htmx = {"HX-Request": "true"}
    if kind == "comments fragment":
        target = {"HX-Target": f"kommentarer-{section}"}
        return "GET", f"{plan}/avsnitt/{section}/kommentarer", headers | htmx | target, ""
    post = f"/rum/{w.room_id}/planer/{w.post_plan_id}/avsnitt/{w.post_section_id}/kommentarer"
    return (
        "POST",
        post,
        headers
        | htmx
        | {
            "HX-Target": f"kommentarer-{w.post_section_id}",
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRF-Token": user.csrf,
            "Origin": origin,
        },
        "body=Vi+har+tankarna+p%C3%A5+plats+i+Tumba.",
    )


async def _person(
    client: httpx.AsyncClient,
    w: World,
    user: User,
    origin: str,
    until: float,
    think: tuple[float, float],
    tally: Tally,
    budget: list[int],
) -> None:
    kinds = [kind for kind, _ in MIX]
    weights = [weight for _, weight in MIX]
    # People arrive over the first seconds, not all in the same millisecond.
    await asyncio.sleep(random.uniform(0, max(think[1], 1.0)))
    while time.monotonic() < until and budget[0] > 0:
        budget[0] -= 1
        kind = random.choices(kinds, weights)[0]
        method, path, headers, body = _request(kind, w, user, origin)
        started = time.monotonic()
        try:
            response = await client.request(method, path, headers=headers, content=body or None)
            tally.statuses[response.status_code] += 1
            if response.status_code >= 400:
                tally.failures[f"{response.status_code} on {kind}"] += 1
        except httpx.TimeoutException:
            tally.failures[f"timeout on {kind}"] += 1
        except httpx.TransportError as error:
            tally.failures[f"{type(error).__name__} on {kind}"] += 1
        tally.waits[kind].append((time.monotonic() - started) * 1000)
        tally.requests += 1
        if think[1] > 0:
            await asyncio.sleep(random.uniform(*think))


async def _load(
    w: World,
    base: str,
    *,
    seconds: int,
    think: tuple[float, float],
    max_requests: int,
    verify: ssl.SSLContext | bool = True,
) -> Tally:
    tally = Tally()
    budget = [max_requests]
    limits = httpx.Limits(max_connections=len(w.users), max_keepalive_connections=len(w.users))
    async with httpx.AsyncClient(
        base_url=base, limits=limits, timeout=TIMEOUT, follow_redirects=False, verify=verify
    ) as client:
        until = time.monotonic() + seconds
        await asyncio.gather(
            *(_person(client, w, user, base, until, think, tally, budget) for user in w.users)
        )
    return tally


def _largest_rss(pid: int) -> float:
    """RSS of the largest web process: ``pid`` itself, or with --workers its children."""
    children = [
        int(stat.parent.name) for stat in Path("/proc").glob("[0-9]*/stat") if _parent(stat) == pid
    ]
    sizes = []
    for each in [pid, *children]:
        try:
            sizes.append(rss_mib(each))
        except OSError:
            continue  # ended meanwhile
    return max(sizes)


def _parent(stat: Path) -> int:
    try:
        return int(stat.read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else float("nan")


def _report(kind: str, tally: Tally, seconds: int, log: Path, rss: tuple[float, float]) -> None:
    every = [wait for waits in tally.waits.values() for wait in waits]
    server_errors = sum(n for status, n in tally.statuses.items() if status >= 500)
    failures = sum(tally.failures.values())
    traceback = "Traceback" in log.read_text(errors="replace")
    print(f"  requests answered     {tally.requests:,} ({tally.requests / seconds:.1f}/s)")
    print(f"  5xx answers           {server_errors}")
    print(f"  other failures        {failures - server_errors}")
    for what, n in tally.failures.most_common(6):
        print(f"      {n:>6} × {what}")
    print(f"  traceback in the log  {'YES' if traceback else 'no'}")
    print(
        f"  wait, all requests    p50 {statistics.median(every):7.0f} ms   "
        f"p99 {_percentile(every, 0.99):7.0f} ms   slowest {max(every):7.0f} ms"
    )
    for what, waits in tally.waits.items():
        print(
            f"    {what:<20} p50 {statistics.median(waits):7.0f} ms   "
            f"p99 {_percentile(waits, 0.99):7.0f} ms   ({len(waits):,})"
        )
    print(
        f"  portal RSS (largest web process) {rss[0]:.0f} MiB at start, {rss[1]:.0f} MiB at the end"
    )
    ok = server_errors == 0 and failures == 0 and not traceback
    ok = ok and _percentile(every, 0.99) <= 2000
    print(f"  goal (0 errors, no traceback, p99 ≤ 2 s): {'met' if ok else 'NOT met'}")


@contextmanager
def _behind_nginx(
    w: World, data: Path, workers: int, log: Path
) -> Iterator[tuple[str, ssl.SSLContext, int]]:
    """``workers`` separate `serve` processes behind nginx with the shipped site; yields the
    https base URL, the TLS context that trusts it, and the first process's pid."""
    port, backends = free_port(), [free_port() for _ in range(workers)]
    base = f"https://127.0.0.1:{port}"
    environment = w.environ(base) | {
        "PORTAL_TRUSTED_PROXIES": "127.0.0.1",
        "PORTAL_REDIS_URL": os.environ.get("PORTAL_TEST_REDIS", "redis://127.0.0.1:6379/0"),
    }
    cert, key = certificate(data)
    with ExitStack() as stack:
        pids = [
            stack.enter_context(
                running(
                    [str(BIN / "partner-portal"), "serve", "--no-worker", "--port", str(b)],
                    environment,
                    f"http://127.0.0.1:{b}/healthz",
                    log.with_name(f"portal-{b}.log"),
                )
            )
            for b in backends
        ]
        conf = nginx_config(data, port, backends, cert, key)
        nginx = subprocess.Popen(
            [NGINX, "-c", str(conf), "-p", str(data), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        stack.callback(nginx.wait)
        stack.callback(nginx.terminate)
        tls = ssl.create_default_context(cafile=str(cert))
        for _ in range(100):
            try:
                httpx.get(f"{base}/healthz", verify=tls, timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base, tls, pids[0]


def run(kind: str, args: argparse.Namespace) -> None:
    if args.nginx and kind != "postgresql":
        print(f"\n## {kind}: --nginx runs on PostgreSQL only (several processes); skipped")
        return
    workers = 1 if kind == "sqlite" else args.workers
    think = tuple(float(x) for x in args.think.split(","))
    assert len(think) == 2
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        data = Path(tmp)
        with worlds.database(kind, data) as url:
            w = asyncio.run(worlds.build(url, data, users=args.users, comments=50))
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            command = [str(BIN / "partner-portal"), "serve", "--no-worker", "--port", str(port)]
            if workers > 1:
                command += ["--workers", str(workers)]
            log = data / "portal.log"
            processes = f"{workers} process{'es' if workers > 1 else ''}"
            print(
                f"\n## {kind}: {args.users} logged-in users × {args.seconds} s, {processes}, "
                f"think {think[0]:g}–{think[1]:g} s",
                flush=True,
            )
            verify: ssl.SSLContext | bool = True
            with ExitStack() as stack:
                if args.nginx:
                    print("  through nginx (deploy/nginx/partner-portal.conf), TLS", flush=True)
                    base, verify, pid = stack.enter_context(_behind_nginx(w, data, workers, log))
                else:
                    pid = stack.enter_context(
                        running(command, w.environ(base), f"{base}/healthz", log)
                    )
                rss_start = _largest_rss(pid)
                tally = asyncio.run(
                    _load(
                        w,
                        base,
                        seconds=args.seconds,
                        think=(think[0], think[1]),
                        max_requests=args.max_requests,
                        verify=verify,
                    )
                )
                rss_end = _largest_rss(pid)
            if args.nginx:
                log.write_text("".join(f.read_text() for f in data.glob("portal-*.log")))
            asyncio.run(forget_posted_comments(w))
            _report(kind, tally, args.seconds, log, (rss_start, rss_end))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--think", default="1,5", help="think time range in seconds, e.g. 1,5")
    parser.add_argument("--workers", type=int, default=2, help="processes on PostgreSQL")
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument(
        "--nginx", action="store_true", help="through nginx and the shipped site (PostgreSQL)"
    )
    args = parser.parse_args()
    for kind in args.databases.split(","):
        run(kind.strip(), args)


if __name__ == "__main__":
    main()
