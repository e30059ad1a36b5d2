#!/usr/bin/env python3
"""The two commands for a fresh machine that has only Python (standard library only):

    python3 tasks.py dev     # run the portal: SQLite, local login, mail catcher
    python3 tasks.py test    # lint, type-check and run every test (SQLite, PostgreSQL, Chromium)

Both create ./.venv and install the project into it when pyproject.toml has changed. ``test`` also
provides what the tests need from the system where it can (Debian/Ubuntu as root): Chromium, a
PostgreSQL server on 127.0.0.1:5432 with trust authentication for local connections, and a Redis
server on 127.0.0.1:6379 (the shared rate limits). Both install Pango where it is missing: the
portal's PDFs are made by WeasyPrint, which needs it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import venv
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
CHROMIUM = Path("/usr/bin/chromium")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("dev", "test"):
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "dev":
        ensure_venv("dev")
        ensure_pango()
        return run([str(BIN / "partner-portal"), "dev", *rest])
    ensure_venv("test")
    ensure_pango()
    ensure_chromium()
    ensure_nginx()
    ensure_postgres()
    ensure_redis()
    for step in (
        [str(BIN / "ruff"), "check", "."],
        [str(BIN / "ruff"), "format", "--check", "."],
        [str(BIN / "mypy")],
        [str(BIN / "lint-imports")],
        [str(BIN / "pytest"), *_parallel(rest), *rest],
    ):
        print(f"\n$ {' '.join(Path(step[0]).name if i == 0 else s for i, s in enumerate(step))}")
        status = run(step)
        if status != 0:
            return status
    return 0


def _parallel(rest: list[str]) -> list[str]:
    """pytest-xdist: one worker more than there are cores (much of the time is spent waiting on
    the browser and subprocesses: with one worker per core, the suite kept two cores 62 % busy,
    10 min 12 s; with three workers on them, 9 min 25 s, on the same day), a test file's tests
    on one worker (so a file's browser session and development portal start once). ``-n 0``
    among the arguments runs serially; PORTAL_TEST_WORKERS sets the number."""
    if any(a == "-n" or a.startswith(("-n", "--numprocesses")) for a in rest):
        return ["--dist", "loadfile", "--no-loadscope-reorder"]
    workers = os.environ.get("PORTAL_TEST_WORKERS") or str((os.cpu_count() or 1) + 1)
    # The files in the order tests/conftest.py gives them: browser files, the longest, first.
    return ["-n", workers, "--dist", "loadfile", "--no-loadscope-reorder"]


_STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def run(command: list[str], **kwargs: object) -> int:
    """Run ``command`` until it ends; a stop signal to this process (Ctrl-C, SIGTERM, SIGHUP)
    is passed on to it, once, and waited for, so that stopping tasks.py stops what it started.
    The command runs in a process group of its own: Ctrl-C in the terminal reaches it only
    through here, not twice."""
    group: dict[str, object] = {"process_group": 0} if os.name == "posix" else {}
    process = subprocess.Popen(command, cwd=ROOT, **group, **kwargs)  # type: ignore[call-overload]

    def pass_on(signum: int, _frame: object) -> None:
        if process.poll() is None:
            process.send_signal(signum)

    previous = {signum: signal.signal(signum, pass_on) for signum in _STOP_SIGNALS}
    try:
        return int(process.wait())
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if process.poll() is None:  # only if waiting itself failed
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def ensure_venv(extra: str) -> None:
    """Create .venv and install the project (editable) with ``extra``, when anything changed."""
    stamp = VENV / f".installed-{extra}"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print("Creating .venv …", flush=True)
        venv.create(VENV, with_pip=True)
    print(f"Installing Partnerportalen and its {extra} dependencies into .venv …", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.check_call([*pip, "-e", f".[{extra}]"], cwd=ROOT)
    stamp.write_text(wanted)


def _can_install_system_packages() -> bool:
    return shutil.which("apt-get") is not None and hasattr(os, "geteuid") and os.geteuid() == 0


def _apt_install(*packages: str) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.check_call(["apt-get", "update", "-q"], env=env)
    subprocess.check_call(["apt-get", "install", "-y", "-q", *packages], env=env)


def ensure_chromium() -> None:
    """The browser tests drive Debian's Chromium (browsers cannot be downloaded by Playwright)."""
    if CHROMIUM.exists():
        return
    if not _can_install_system_packages():
        sys.exit(f"The browser tests need Chromium at {CHROMIUM}: install the 'chromium' package.")
    print("Installing Chromium (Debian package) …", flush=True)
    _apt_install("chromium")


# What WeasyPrint (the portal's PDFs: partner_portal/platform/pdf.py) needs from the system:
# Pango and HarfBuzz's subsetter, and fonts with every character a name may have.
PANGO_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core")


def _has_pango() -> bool:
    from ctypes.util import find_library

    return all(find_library(name) for name in ("pango-1.0", "pangoft2-1.0", "harfbuzz-subset"))


def ensure_pango() -> None:
    """The PDFs (crisis packs, the board report) are made by WeasyPrint, which needs Pango."""
    if _has_pango():
        return
    if not _can_install_system_packages():
        sys.exit(
            "The portal's PDFs need Pango (WeasyPrint): install " + " ".join(PANGO_PACKAGES) + "."
        )
    print("Installing Pango for WeasyPrint (Debian packages) …", flush=True)
    _apt_install(*PANGO_PACKAGES)


def _answers(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:``port``."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _postgres_answers() -> bool:
    return _answers(5432)


def ensure_nginx() -> None:
    """tests/test_deploy.py runs deploy/nginx/partner-portal.conf in Debian's nginx."""
    if shutil.which("nginx") or Path("/usr/sbin/nginx").exists():
        return
    if not _can_install_system_packages():
        sys.exit("The deployment test needs nginx: install the 'nginx' package.")
    print("Installing nginx (Debian package) …", flush=True)
    _apt_install("nginx")


def ensure_postgres() -> None:
    """Tests run on PostgreSQL too: use the server on 127.0.0.1:5432, or start/install one."""
    if os.environ.get("PORTAL_TEST_DATABASES", "sqlite,postgresql") == "sqlite":
        return
    if _postgres_answers():
        return
    if shutil.which("pg_ctlcluster") is None:
        if not _can_install_system_packages():
            sys.exit(
                "The tests need PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth). Start "
                "one, or run only the SQLite tests with PORTAL_TEST_DATABASES=sqlite."
            )
        print("Installing PostgreSQL (Debian package) …", flush=True)
        _apt_install("postgresql")
    for cluster in sorted(Path("/etc/postgresql").glob("*/main")):
        hba = cluster / "pg_hba.conf"
        lines = hba.read_text().splitlines()
        trusted = [
            " ".join([*line.split()[:-1], "trust"])
            if line.split()[:1] in (["local"], ["host"])
            else line
            for line in lines
        ]
        hba.write_text("\n".join(trusted) + "\n")
        version = cluster.parent.name
        subprocess.call(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
            stderr=subprocess.DEVNULL,
        )
        subprocess.call(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "reload"])
    for _ in range(30):
        if _postgres_answers():
            return
        time.sleep(1)
    sys.exit("PostgreSQL did not start on 127.0.0.1:5432.")


REDIS_PORT = 6379


def ensure_redis() -> None:
    """The rate-limit tests count in a real Redis on 127.0.0.1:6379 (PORTAL_TEST_REDIS may name
    another, which is then left alone): use the one there, or install and start one."""
    wanted = urlsplit(os.environ.get("PORTAL_TEST_REDIS", f"redis://127.0.0.1:{REDIS_PORT}/0"))
    if wanted.hostname not in ("127.0.0.1", "localhost") or wanted.port != REDIS_PORT:
        return
    if _answers(REDIS_PORT):
        return
    if shutil.which("redis-server") is None:
        if not _can_install_system_packages():
            sys.exit(
                f"The tests need Redis on 127.0.0.1:{REDIS_PORT}: install and start "
                "redis-server, or name another with PORTAL_TEST_REDIS=redis://host:port/db."
            )
        print("Installing Redis (Debian package) …", flush=True)
        _apt_install("redis-server")
    if not _answers(REDIS_PORT):  # the package's own service may have started it
        # Counts of rate limits only: nothing kept on disk.
        server = ["redis-server", "--bind", "127.0.0.1", "--port", str(REDIS_PORT)]
        subprocess.call([*server, "--daemonize", "yes", "--save", "", "--appendonly", "no"])
    for _ in range(30):
        if _answers(REDIS_PORT):
            return
        time.sleep(1)
    sys.exit(f"Redis did not start on 127.0.0.1:{REDIS_PORT}.")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
