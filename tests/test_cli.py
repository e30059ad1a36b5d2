"""The `partner-portal` command as an operator runs it (each test runs the real entry point)."""

from __future__ import annotations

import asyncio
import importlib.metadata
import json
import os
import re
import signal
import smtplib
import socket
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.auth.models import PortalRole, RoleGrant
from partner_portal.devtools import ports as dev_ports
from partner_portal.platform import clock
from partner_portal.platform.db import create_engine
from partner_portal.platform.extras import EXTRAS, install_command
from partner_portal.platform.migrate import head_revision
from tests.helpers import make_person
from tests.oidc_provider import running_provider

COMMAND = str(Path(sys.executable).parent / "partner-portal")

pytestmark = pytest.mark.slow


async def run(args: Sequence[str], env: dict[str, str]) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        COMMAND,
        *args,
        env={"PATH": os.environ["PATH"], **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_migrate_builds_the_embedded_database_from_nothing(tmp_path: Path) -> None:
    status, out, _ = await run(["migrate"], {"PORTAL_DATA_DIR": str(tmp_path / "var")})

    assert status == 0
    assert "latest migration" in out
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/var/portal.db")
    async with engine.connect() as connection:
        version = await connection.scalar(sa.text("SELECT version_num FROM alembic_version"))
    await engine.dispose()
    assert version == head_revision()


async def test_production_refuses_to_start_with_insecure_settings(tmp_path: Path) -> None:
    status, _, err = await run(
        ["serve"],
        {
            "PORTAL_ENV": "production",
            "PORTAL_BASE_URL": "http://partner.botkyrka.se",
            "PORTAL_DATA_DIR": str(tmp_path),
        },
    )

    assert status == 2
    assert "cannot start" in err
    for variable in ("PORTAL_SECRET_KEY", "PORTAL_BASE_URL", "PORTAL_OIDC_ISSUER"):
        assert variable in err
    assert "Traceback" not in err


async def test_serve_needs_an_openid_provider(tmp_path: Path) -> None:
    status, _, err = await run(["serve"], {"PORTAL_DATA_DIR": str(tmp_path)})

    assert status == 2
    assert "PORTAL_OIDC_ISSUER is not set" in err


async def test_add_coordinator_grants_the_role_to_a_known_verified_person(
    database_url: str, db: AsyncSession, tmp_path: Path
) -> None:
    anna = await make_person(db, "Anna Lindqvist", email="anna@botkyrka.se")

    status, out, _ = await run(
        ["add-coordinator", "Anna@Botkyrka.se"],
        {"PORTAL_DATABASE_URL": database_url, "PORTAL_DATA_DIR": str(tmp_path)},
    )

    assert status == 0
    assert f"anna@botkyrka.se is now coordinator (person id {anna.id})" in out
    await db.rollback()
    grants = (await db.execute(sa.select(col(RoleGrant.role), col(RoleGrant.person_id)))).all()
    assert [(g.role, g.person_id) for g in grants] == [(PortalRole.COORDINATOR, anna.id)]


async def test_add_coordinator_waits_for_someone_not_yet_known(
    database_url: str, db: AsyncSession, tmp_path: Path
) -> None:
    status, out, _ = await run(
        ["add-coordinator", "ny@botkyrka.se"],
        {"PORTAL_DATABASE_URL": database_url, "PORTAL_DATA_DIR": str(tmp_path)},
    )

    assert status == 0
    assert "Whoever next logs in with the verified email ny@botkyrka.se" in out
    grant = (await db.execute(sa.select(col(RoleGrant.email), col(RoleGrant.person_id)))).one()
    assert (grant.email, grant.person_id) == ("ny@botkyrka.se", None)


async def test_add_coordinator_refuses_what_is_not_an_email(tmp_path: Path) -> None:
    status, _, err = await run(["add-coordinator", "anna"], {"PORTAL_DATA_DIR": str(tmp_path)})

    assert status == 2
    assert "is not an email address" in err


async def wait_until_answering(
    url: str, process: asyncio.subprocess.Process, *, seconds: float = 60
) -> None:
    """Until ``url`` answers: a start-up (imports, migrations check, several workers) can take
    many seconds on a loaded machine, and a test of it should not fail for that."""
    deadline = asyncio.get_running_loop().time() + seconds
    async with httpx.AsyncClient() as client:
        while asyncio.get_running_loop().time() < deadline:
            if process.returncode is not None:
                raise AssertionError(f"exited with {process.returncode}")
            try:
                await client.get(url)
                return
            except httpx.TransportError:
                await asyncio.sleep(0.1)
    raise AssertionError(f"{url} never answered")


async def test_serve_runs_the_portal_with_the_configured_provider(
    tmp_path: Path, unused_port: int
) -> None:
    await run(["migrate"], {"PORTAL_DATA_DIR": str(tmp_path)})
    with running_provider({}) as provider:
        process = await asyncio.create_subprocess_exec(
            COMMAND,
            "serve",
            "--port",
            str(unused_port),
            env={
                "PATH": os.environ["PATH"],
                "PORTAL_DATA_DIR": str(tmp_path),
                "PORTAL_OIDC_ISSUER": provider.issuer,
                "PORTAL_BASE_URL": f"http://127.0.0.1:{unused_port}",
            },
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{unused_port}"
        try:
            await wait_until_answering(f"{base}/healthz", process)
            async with httpx.AsyncClient() as client:
                ready = await client.get(f"{base}/readyz")
                login = await client.get(f"{base}/auth/login")
        finally:
            process.send_signal(signal.SIGINT)
            await asyncio.wait_for(process.wait(), timeout=20)

    assert ready.status_code == 200
    assert login.status_code == 302
    assert login.headers["location"].startswith(f"{provider.issuer}/oauth2/authorize?")


async def test_the_worker_runs_until_stopped(tmp_path: Path) -> None:
    await run(["migrate"], {"PORTAL_DATA_DIR": str(tmp_path)})
    process = await asyncio.create_subprocess_exec(
        COMMAND,
        "worker",
        env={"PATH": os.environ["PATH"], "PORTAL_DATA_DIR": str(tmp_path)},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    # Wait until it says it runs: a signal during start-up (slow on a loaded machine) would
    # test Python's import, not the worker.
    async with asyncio.timeout(60):
        while b"worker running" not in await process.stderr.readline():
            pass
    await asyncio.sleep(1)
    assert process.returncode is None
    process.send_signal(signal.SIGINT)
    await asyncio.wait_for(process.wait(), timeout=20)

    assert process.returncode == 0


async def test_worker_once_refuses_a_portal_now_without_its_offset(tmp_path: Path) -> None:
    status, out, err = await run(
        ["worker", "--once"],
        # A Swedish wall-clock time without its offset (which instant is meant is ambiguous).
        _environment(tmp_path) | {"PORTAL_NOW": clock.local_now().strftime("%Y-%m-%dT%H:%M")},
    )

    assert status == 2
    assert "cannot start" in err
    assert "PORTAL_NOW must be an ISO 8601 instant with its offset" in err
    assert "has no UTC offset" in err
    assert "Traceback" not in err
    assert out == ""


async def test_worker_once_on_a_database_not_yet_migrated_says_to_migrate(tmp_path: Path) -> None:
    status, out, err = await run(["worker", "--once"], _environment(tmp_path))

    assert status == 2
    assert "run `partner-portal migrate` first" in err
    assert "Traceback" not in err
    assert out == ""


# --- `partner-portal dev`: its ports, and stopping it ---------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def _environment(data_dir: Path) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        # A checkout run without installing it (PYTHONPATH) runs its own code here too.
        **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"},
        "PORTAL_DATA_DIR": str(data_dir),
    }


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (Linux /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        parents[int(stat.parent.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


async def _still_running(pids: set[int], *, seconds: float) -> list[int]:
    """Those of ``pids`` that have not ended within ``seconds``."""
    left = sorted(pids)
    for _ in range(int(seconds * 10)):
        left = [pid for pid in left if await asyncio.to_thread(_alive, pid)]
        if not left:
            break
        await asyncio.sleep(0.1)
    return left


def _alive(pid: int) -> bool:
    """The process still runs (an ended one its parent has not reaped yet — a zombie — does
    not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _occupy(port: int, held: list[socket.socket]) -> None:
    """Listen on ``port`` for the test. With SO_REUSEADDR, as `dev` checks a port, so that a
    connection of another test's that just closed there (TIME_WAIT) does not stand in the way;
    if the port still cannot be bound (someone listens there, or another test's connection
    uses it right now), it is taken for `dev` all the same."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError:
        sock.close()
        assert not dev_ports.is_free("127.0.0.1", port), f"port {port} could not be held"
        return
    sock.listen()
    held.append(sock)


async def _banner(process: asyncio.subprocess.Process) -> str:
    """What `dev` prints up to its last banner line."""
    assert process.stdout is not None
    lines: list[str] = []
    async with asyncio.timeout(120):
        while True:
            line = (await process.stdout.readline()).decode()
            if not line:
                raise AssertionError("dev ended before it printed its banner:\n" + "".join(lines))
            lines.append(line)
            if "Ctrl-C stops" in line:
                return "".join(lines)


async def test_dev_picks_other_ports_when_the_usual_ones_are_taken_and_stops_on_ctrl_c(
    tmp_path: Path, unused_port: int
) -> None:
    held: list[socket.socket] = []
    _occupy(unused_port + 1, held)  # the provider's usual port
    _occupy(8025, held)  # the mail catcher's
    try:
        process = await asyncio.create_subprocess_exec(
            COMMAND,
            "dev",
            "--port",
            str(unused_port),
            env=_environment(tmp_path),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        try:
            banner = await _banner(process)
            ports = re.search(
                r"Development OpenID Provider: port (\d+); mail catcher \(SMTP\): "
                r"127\.0\.0\.1:(\d+)",
                banner,
            )
            assert ports, banner
            oidc_port, smtp_port = int(ports.group(1)), int(ports.group(2))
            base = f"http://127.0.0.1:{unused_port}"
            await wait_until_answering(f"{base}/healthz", process)
            async with httpx.AsyncClient() as client:
                login = await client.get(f"{base}/auth/login")
                discovery = await client.get(
                    f"http://127.0.0.1:{oidc_port}/.well-known/openid-configuration"
                )
            with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as smtp:
                assert smtp.noop()[0] == 250
            children = _descendants(process.pid)
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGINT)
            assert process.stdout is not None
            rest = (await asyncio.wait_for(process.stdout.read(), timeout=30)).decode()
            await asyncio.wait_for(process.wait(), timeout=30)
    finally:
        for sock in held:
            sock.close()

    assert oidc_port not in (unused_port, unused_port + 1)
    assert smtp_port not in (unused_port, unused_port + 1, 8025, oidc_port)
    assert f"(port {unused_port + 1} was taken, so the provider uses {oidc_port})" in banner
    assert f"(port 8025 was taken, so the mail catcher uses {smtp_port})" in banner
    assert login.status_code == 302
    assert login.headers["location"].startswith(f"http://127.0.0.1:{oidc_port}/")
    assert discovery.status_code == 200
    # Ctrl-C stopped all of it: the portal, the provider, the catcher, and any child process.
    assert process.returncode == 0
    assert "Traceback" not in rest
    assert "stopped" in rest
    for port in (unused_port, oidc_port, smtp_port):
        assert not _listening(port), port
    left = [pid for pid in children if _alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == []


async def test_dev_refuses_a_port_asked_for_that_is_taken(tmp_path: Path, unused_port: int) -> None:
    held: list[socket.socket] = []
    _occupy(unused_port, held)
    try:
        status, _, err = await run(
            ["dev", "--port", "8000", "--smtp-port", str(unused_port)], _environment(tmp_path)
        )
    finally:
        for sock in held:
            sock.close()

    assert status == 2
    assert f"--smtp-port {unused_port}: something already listens on that port" in err
    assert "Traceback" not in err


async def test_stopping_tasks_py_stops_the_dev_portal_it_started(
    tmp_path: Path, unused_port: int
) -> None:
    """tasks.py's runner passes SIGTERM on (the venv set-up around it is not run here: it
    would reinstall the shared environment)."""
    runner = (
        "import sys; sys.path.insert(0, sys.argv[1]); import tasks; "
        "sys.exit(tasks.run(sys.argv[2:]))"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        runner,
        str(ROOT),
        COMMAND,
        "dev",
        "--port",
        str(unused_port),
        env=_environment(tmp_path),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await _banner(process)
        await wait_until_answering(f"http://127.0.0.1:{unused_port}/healthz", process)
        started = _descendants(process.pid)
        assert started  # the dev portal, at least
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        assert process.stdout is not None
        rest = (await asyncio.wait_for(process.stdout.read(), timeout=30)).decode()
        await asyncio.wait_for(process.wait(), timeout=30)

    left = [pid for pid in started if await asyncio.to_thread(_alive, pid)]
    for pid in left:  # so a failure leaves nothing running behind the test
        os.kill(pid, signal.SIGKILL)
    assert process.returncode == 0, rest
    assert "Partnerportalen (development) stopped." in rest
    assert left == []
    assert not _listening(unused_port)


async def test_serve_with_several_workers_shares_one_socket_and_stops_them_all(
    tmp_path: Path, unused_port: int
) -> None:
    await run(["migrate"], {"PORTAL_DATA_DIR": str(tmp_path)})
    with running_provider({}) as provider:
        process = await asyncio.create_subprocess_exec(
            COMMAND,
            "serve",
            "--port",
            str(unused_port),
            "--workers",
            "2",
            env={
                "PATH": os.environ["PATH"],
                "PORTAL_DATA_DIR": str(tmp_path),
                "PORTAL_OIDC_ISSUER": provider.issuer,
                "PORTAL_BASE_URL": f"http://127.0.0.1:{unused_port}",
            },
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{unused_port}"
        try:
            await wait_until_answering(f"{base}/healthz", process)
            async with httpx.AsyncClient() as client:
                ready = [await client.get(f"{base}/readyz") for _ in range(4)]
            started = _descendants(process.pid)
        finally:
            process.send_signal(signal.SIGINT)
            await asyncio.wait_for(process.wait(), timeout=30)

    assert [response.status_code for response in ready] == [200] * 4
    # Two web processes and the background jobs' own process (multiprocessing may add a helper).
    assert len(started) >= 3
    assert process.returncode == 0
    # A child may end a moment after the parent has exited (on a busy machine, the suite's 2
    # cores); anything still running 10 s later was left behind.
    left = await _still_running(started, seconds=10)
    assert left == []


async def test_serve_refuses_a_worker_count_below_one(tmp_path: Path) -> None:
    status, _, err = await run(["serve", "--workers", "0"], {"PORTAL_DATA_DIR": str(tmp_path)})
    assert status == 2
    assert "--workers" in err
    assert "Traceback" not in err


# --- `partner-portal dev` without its optional packages ----------------------------------

# Runs the installed `partner-portal` script as if the given top-level modules were not
# installed: importing one (or anything in it) fails as it does for a package that is absent.
_WITHOUT = """
import runpy, sys
from importlib.abc import MetaPathFinder

class Absent(MetaPathFinder):
    def __init__(self, names):
        self.names = names

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Absent(set(sys.argv[1].split(","))))
sys.argv = sys.argv[2:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


@pytest.mark.parametrize(
    ("absent", "named"),
    [
        ("aiosmtpd", "aiosmtpd"),
        ("aiosmtpd,oidc_provider_mock", "oidc-provider-mock, aiosmtpd"),
        # installed, but without something it needs in turn (the mock provider is a Flask app)
        ("flask", "oidc-provider-mock (it cannot import flask)"),
    ],
)
async def test_dev_without_its_extra_says_what_is_missing_and_how_to_install_it(
    absent: str, named: str, tmp_path: Path
) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _WITHOUT,
        absent,
        COMMAND,
        "dev",
        env=_environment(tmp_path / "var"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    message = err.decode()

    assert process.returncode == 2, message
    assert out == b""
    assert "Traceback" not in message
    assert message.startswith("partner-portal: cannot start `dev`.\n")
    assert f"these of its packages are missing: {named}.\n" in message
    command = install_command("dev")
    assert f"Install them into this Python with:\n    {command}\n" in message
    assert command.startswith(f"{sys.executable} -m pip install ")
    assert command.endswith("[dev]'")
    assert not (tmp_path / "var").exists()  # nothing started, nothing written


class _Recorded:
    """An installed distribution as importlib.metadata gives it, with pip's direct_url.json."""

    def __init__(self, direct_url: dict[str, object] | None) -> None:
        self.direct_url = direct_url

    def read_text(self, name: str) -> str | None:
        assert name == "direct_url.json"
        return None if self.direct_url is None else json.dumps(self.direct_url)


def test_the_install_command_names_where_the_portal_was_installed_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wheel = tmp_path / "partner_portal-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"")
    python = sys.executable

    def installed(direct_url: dict[str, object] | None) -> str:
        monkeypatch.setattr(importlib.metadata, "distribution", lambda _: _Recorded(direct_url))
        return install_command("dev")

    checkout: dict[str, object] = {"url": tmp_path.as_uri(), "dir_info": {"editable": True}}
    assert installed(checkout) == f"{python} -m pip install -e '{tmp_path}[dev]'"
    assert installed({"url": tmp_path.as_uri(), "dir_info": {}}) == (
        f"{python} -m pip install '{tmp_path}[dev]'"
    )
    assert installed({"url": wheel.as_uri(), "archive_info": {}}) == (
        f"{python} -m pip install '{wheel}[dev]'"
    )
    # From an index, or from a directory or wheel that is gone: by name.
    by_name = f"{python} -m pip install 'partner-portal[dev]'"
    assert installed(None) == by_name
    assert installed({"url": (tmp_path / "gone").as_uri(), "dir_info": {}}) == by_name

    def not_installed(_: str) -> None:
        raise importlib.metadata.PackageNotFoundError("partner-portal")

    monkeypatch.setattr(importlib.metadata, "distribution", not_installed)
    assert install_command("dev") == by_name


def test_the_optional_parts_the_command_checks_are_those_of_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {
        extra: {re.split(r"[<>=!~;\[ ]", requirement)[0] for requirement in requirements}
        for extra, requirements in project["optional-dependencies"].items()
        if extra != "test"  # the test suite's tools: no command needs them
    }

    assert {extra: set(packages) for extra, (_, packages) in EXTRAS.items()} == declared


async def test_serve_keeps_an_idle_connection_open_longer_than_a_proxy_would(
    tmp_path: Path, unused_port: int
) -> None:
    """uvicorn's default closes an idle keep-alive connection after 5 s; a proxy in front keeps
    its upstream connections for 60 s and would then send a request into a closing socket."""
    await run(["migrate"], _environment(tmp_path))
    process = await asyncio.create_subprocess_exec(
        COMMAND,
        "serve",
        "--no-worker",
        "--port",
        str(unused_port),
        env=_environment(tmp_path) | {"PORTAL_OIDC_ISSUER": "http://127.0.0.1:9/unused"},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    request = f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{unused_port}\r\n\r\n".encode()
    writer = None
    try:
        await wait_until_answering(f"http://127.0.0.1:{unused_port}/healthz", process)
        reader, writer = await asyncio.open_connection("127.0.0.1", unused_port)
        writer.write(request)
        first = await reader.readuntil(b"ok")
        await asyncio.sleep(6.5)  # idle past uvicorn's default keep-alive
        writer.write(request)
        second = await asyncio.wait_for(reader.readuntil(b"ok"), timeout=5)
    finally:
        if writer is not None:
            writer.close()
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.wait(), timeout=20)

    assert first.startswith(b"HTTP/1.1 200")
    assert second.startswith(b"HTTP/1.1 200")  # the same connection, still open
