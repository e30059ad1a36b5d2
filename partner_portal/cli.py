"""The `partner-portal` command: dev, serve, migrate, add-coordinator, worker [--once], backup,
restore."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import re
import signal
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import Secret

from partner_portal.platform import clock, migrate
from partner_portal.platform.db import create_engine, session_factory
from partner_portal.platform.extras import missing_message, missing_packages
from partner_portal.platform.settings import Settings, SettingsError, load_settings, replace

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession
    from starlette.applications import Starlette

# The web application, uvicorn and the models are imported by the commands that use them, so
# that `migrate`, `backup`, `restore` and `add-coordinator` start in a fraction of the time.

T = TypeVar("T")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="partner-portal",
        description="Partnerportalen – Botkyrka kommuns portal för samverkan i krisberedskap.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    dev = commands.add_parser("dev", help="run the embedded development default")
    dev.add_argument("--host", default="127.0.0.1")
    dev.add_argument("--port", type=int, default=8000)
    dev.add_argument(
        "--oidc-port",
        type=int,
        help="development provider (default: port + 1, or a free port if that is taken)",
    )
    dev.add_argument(
        "--smtp-port",
        type=int,
        help="development mail catcher (default: 8025, or a free port if that is taken)",
    )

    serve = commands.add_parser("serve", help="run with the configured database, provider, SMTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers",
        type=_positive,
        default=1,
        metavar="N",
        help="web processes sharing the socket (default 1); jobs then run in one more process",
    )
    serve.add_argument(
        "--no-worker", action="store_true", help="leave background jobs to `partner-portal worker`"
    )

    commands.add_parser("migrate", help="apply database migrations")
    add = commands.add_parser(
        "add-coordinator", help="make whoever logs in with this verified email a coordinator"
    )
    add.add_argument("email")
    worker = commands.add_parser(
        "worker",
        help="run background jobs (email delivery, housekeeping); on PostgreSQL several may run",
    )
    worker.add_argument(
        "--once",
        action="store_true",
        help="run every job that is due once, then exit (cron, timers, tests; with PORTAL_NOW: "
        "what would go out at that instant)",
    )

    backup = commands.add_parser(
        "backup",
        help="copy the database (SQLite; PostgreSQL with --with-database) and the uploaded "
        "files into a new directory, with a manifest",
    )
    backup.add_argument("directory", metavar="DIR", type=Path)
    backup.add_argument(
        "--with-database",
        action="store_true",
        help="PostgreSQL: also run pg_dump into DIR (SQLite's database is always in a backup)",
    )
    restore = commands.add_parser(
        "restore", help="restore a backup made by `backup` into the configured data directory"
    )
    restore.add_argument("directory", metavar="DIR", type=Path)
    restore.add_argument(
        "--force",
        action="store_true",
        help="replace a database and file store that are not empty (stop the portal first)",
    )
    restore.add_argument(
        "--with-database",
        action="store_true",
        help="PostgreSQL: also run pg_restore into the configured (empty) database",
    )

    args = parser.parse_args(argv)
    _configure_logging()
    try:
        if args.command == "dev":
            if missing := missing_packages("dev"):
                print(missing_message("dev", missing), file=sys.stderr)
                return 2
            return _dev(args)
        settings = load_settings()
        _start_clock(settings)
        if args.command == "serve":
            return _serve(settings, args)
        if args.command == "migrate":
            _migrate(settings)
            print("The database is at the latest migration.")
            return 0
        if args.command == "add-coordinator":
            return _add_coordinator(settings, args.email)
        if args.command == "worker":
            return _worker_once(settings) if args.once else _worker(settings)
        if args.command in ("backup", "restore"):
            return _backup_or_restore(settings, args)
    except SettingsError as exc:
        print(f"partner-portal: cannot start.\n{exc}", file=sys.stderr)
        return 2
    parser.error(f"unknown command {args.command}")
    return 2  # pragma: no cover


def _configure_logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx2").setLevel(logging.WARNING)  # one line per provider request


def _start_clock(settings: Settings) -> None:
    """PORTAL_NOW: the one clock starts at that instant in this process, and the log says so."""
    if settings.now is None:
        return
    clock.start_at(settings.now)
    logging.getLogger("partner_portal").warning(
        "PORTAL_NOW is set: the portal's clock started at %s and runs on from there "
        "(exercise time, not the real time).",
        settings.now.isoformat(),
    )


def _migrate(settings: Settings) -> None:
    """Apply migrations, then write the standard process templates where none exist yet."""
    from partner_portal.rooms.catalogue import install_standard_templates

    if settings.sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(settings.database_url)
    _run_db(settings, install_standard_templates)


# uvicorn's own limits under `serve`. Timeouts on slow request headers and bodies belong to the
# reverse proxy in front (README: "Behind a reverse proxy"); these hold for the embedded default
# too, where people reach uvicorn directly.
SERVER_OPTIONS: dict[str, Any] = {
    "log_level": "info",
    # Idle keep-alive longer than a proxy's to its upstream (nginx: 60 s), so that the proxy,
    # not uvicorn, closes an idle connection: never one the proxy is about to reuse.
    "timeout_keep_alive": 75,
    # Beyond this many connections at once, uvicorn answers 503 itself: a guard for memory, far
    # above what the portal serves (requests beyond its database pool wait, then get the
    # portal's own Swedish 503 page).
    "limit_concurrency": 1000,
    "backlog": 2048,
    # On SIGTERM: finish what is in flight for up to 20 s, then close (live streams end).
    "timeout_graceful_shutdown": 20,
    # X-Forwarded-* are believed from PORTAL_TRUSTED_PROXIES only, in the app (not uvicorn's
    # default of trusting 127.0.0.1).
    "proxy_headers": False,
}


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    if not settings.oidc_issuer:
        print(
            "partner-portal: cannot start.\nPORTAL_OIDC_ISSUER is not set: `serve` needs an "
            "OpenID Provider (use `partner-portal dev` for the built-in development one).",
            file=sys.stderr,
        )
        return 2
    import uvicorn

    from partner_portal.app import create_app

    if args.workers == 1:
        app = create_app(settings, run_jobs=not args.no_worker)
        uvicorn.run(app, host=args.host, port=args.port, **SERVER_OPTIONS)
        return 0
    # Several web processes: each builds its app from the environment (web_app); the
    # background jobs run once, in a process of their own beside them, stopped with them.
    jobs = None
    if not args.no_worker:
        jobs = subprocess.Popen([sys.executable, "-m", "partner_portal.cli", "worker"])
    try:
        uvicorn.run(
            "partner_portal.cli:web_app",
            factory=True,
            workers=args.workers,
            host=args.host,
            port=args.port,
            **SERVER_OPTIONS,
        )
    finally:
        if jobs is not None:
            jobs.send_signal(signal.SIGINT)
            try:
                jobs.wait(timeout=20)
            except subprocess.TimeoutExpired:
                jobs.kill()
    return 0


def web_app() -> Starlette:
    """One web process of `serve --workers N` (uvicorn calls this in each)."""
    from partner_portal.app import create_app

    _configure_logging()
    settings = load_settings()
    _start_clock(settings)
    return create_app(settings, run_jobs=False)


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def _dev(args: argparse.Namespace) -> int:
    """The portal with a local OpenID Provider and a mail catcher, all in this one process
    (threads), on SQLite. The provider takes port + 1 and the catcher 8025 when they are free,
    other free ports otherwise (said in the banner); a port asked for explicitly must be free.
    Ctrl-C or SIGTERM stops all three."""
    import uvicorn

    from partner_portal.app import create_app

    try:
        from partner_portal.devtools import ports
        from partner_portal.devtools.mailcatcher import MailCatcher
        from partner_portal.devtools.people import DEMO_PEOPLE
        from partner_portal.devtools.provider import running_provider
        from partner_portal.devtools.seed import seed_demo
    except ModuleNotFoundError as exc:  # something the extra's packages need in turn
        if (exc.name or "").startswith("partner_portal"):
            raise
        print(missing_message("dev", [exc.name or str(exc)]), file=sys.stderr)
        return 2

    settings = load_settings(dev_tools=True)
    _start_clock(settings)
    public_host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host  # noqa: S104
    base_url = f"http://{public_host}:{args.port}"
    local = "127.0.0.1"
    taken = [
        f"--{option} {port}: something already listens on that port; choose another"
        for option, host, port in (
            ("port", args.host, args.port),
            ("oidc-port", local, args.oidc_port),
            ("smtp-port", local, args.smtp_port),
        )
        if port is not None and not ports.is_free(host, port)
    ]
    if taken:
        print("partner-portal: cannot start.\n" + "\n".join(taken), file=sys.stderr)
        return 2
    oidc_port = args.oidc_port or ports.choose(local, args.port + 1, avoid={args.port})
    smtp_port = args.smtp_port or ports.choose(local, 8025, avoid={args.port, oidc_port})
    notes = [
        f"  (port {wanted} was taken, so {what} uses {chosen})\n"
        for what, wanted, chosen, asked in (
            ("the provider", args.port + 1, oidc_port, args.oidc_port),
            ("the mail catcher", 8025, smtp_port, args.smtp_port),
        )
        if asked is None and chosen != wanted
    ]
    catcher = MailCatcher(port=smtp_port)
    # uvicorn stops on SIGINT and SIGTERM, then raises the signal again; both become
    # KeyboardInterrupt here (so does either signal during start-up), and the way out stops the
    # provider and the catcher rather than cutting them off.
    with contextlib.suppress(KeyboardInterrupt), ExitStack() as stack:
        stack.enter_context(_signal_as_interrupt(signal.SIGTERM))
        issuer = stack.enter_context(running_provider(port=oidc_port))
        catcher.start()
        stack.callback(catcher.stop)
        settings = replace(
            settings,
            base_url=base_url,
            allowed_hosts=(*settings.allowed_hosts, public_host),
            oidc_issuer=issuer,
            oidc_client_id="partner-portal-dev",
            oidc_client_secret=Secret("partner-portal-dev"),
            # The built-in provider vouches for whatever identity is typed into it, and sends
            # no email_verified for one that is not a demo person.
            oidc_trust_email=True,
            smtp_host=local,
            smtp_port=smtp_port,
        )
        _migrate(settings)
        _run_db(settings, lambda db: seed_demo(db, issuer=issuer, settings=settings))
        people = "\n".join(f"    {p.name:<16} {p.description}" for p in DEMO_PEOPLE)
        print(
            f"\nPartnerportalen (development) runs at {base_url}/\n"
            f"  Log in through the development provider at {issuer} as one of:\n{people}\n"
            f"  Mail sent by the portal is caught and shown at {base_url}/dev/mail\n"
            f"  Development OpenID Provider: port {oidc_port}; mail catcher (SMTP): "
            f"{local}:{smtp_port}\n"
            f"{''.join(notes)}"
            f"  Data lives in {settings.data_dir.resolve()}\n"
            f"  Ctrl-C stops the portal, the provider and the mail catcher.\n",
            flush=True,
        )
        app = create_app(settings, run_jobs=True, dev=catcher)
        uvicorn.run(app, host=args.host, port=args.port, log_level="info", proxy_headers=False)
    print("Partnerportalen (development) stopped.", flush=True)
    return 0


@contextlib.contextmanager
def _signal_as_interrupt(signum: int) -> Iterator[None]:
    def leave(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signum, leave)
    try:
        yield
    finally:
        signal.signal(signum, previous)


def _add_coordinator(settings: Settings, email: str) -> int:
    from partner_portal.auth.models import PortalRole
    from partner_portal.auth.service import grant_role_by_email

    email = email.strip().lower()
    if not _EMAIL.match(email):
        print(f"partner-portal: {email!r} is not an email address.", file=sys.stderr)
        return 2
    granted = _run_db(settings, lambda db: grant_role_by_email(db, PortalRole.COORDINATOR, email))
    if granted:
        print(f"{email} is now coordinator (person id {', '.join(map(str, granted))}).")
    else:
        print(f"Whoever next logs in with the verified email {email} becomes coordinator.")
    return 0


def _worker(settings: Settings) -> int:
    from partner_portal import jobs

    async def run() -> None:
        engine = create_engine(settings.database_url)
        logging.getLogger("partner_portal.worker").info("worker running; Ctrl-C stops it")
        try:
            await jobs.run_forever(session_factory(engine), settings)
        finally:
            await engine.dispose()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())
    return 0


def _worker_once(settings: Settings) -> int:
    """Every due job once (see :func:`partner_portal.jobs.run_once`), a summary on stdout; 0 if
    every job ran, 1 if one failed (the log has why)."""
    from partner_portal import jobs

    async def run() -> jobs.Once | str:
        engine = create_engine(settings.database_url)
        try:
            # A database that is not there or not migrated is one sentence, not three jobs'
            # tracebacks: this runs from cron, whose mail someone reads.
            try:
                async with engine.connect() as connection:
                    found = await migrate.current_revision(connection)
            except (SQLAlchemyError, OSError) as exc:
                reason = (str(exc).splitlines() or [type(exc).__name__])[0]
                return (
                    f"the database cannot be read ({reason}); if it is new, run "
                    "`partner-portal migrate` first."
                )
            if found != (expected := migrate.head_revision()):
                return (
                    f"the database is at migration {found}, not the latest ({expected}); run "
                    "`partner-portal migrate` first."
                )
            return await jobs.run_once(session_factory(engine), settings)
        finally:
            await engine.dispose()

    when = clock.local_now().isoformat(timespec="seconds")
    try:
        done = asyncio.run(run())
    except KeyboardInterrupt:
        print("partner-portal: worker --once interrupted.", file=sys.stderr)
        return 130
    if isinstance(done, str):
        print(f"partner-portal: worker --once: {done}", file=sys.stderr)
        return 2
    lines = "".join(f"  {line}\n" for line in done.lines)
    print(
        f"Due jobs run once at {when}{' (PORTAL_NOW)' if settings.now else ''}:\n"
        f"{lines}"
        f"  emails sent: {done.delivered}",
        flush=True,
    )
    if done.failed:
        print(
            f"partner-portal: worker --once: {', '.join(done.failed)} failed (see the log above).",
            file=sys.stderr,
        )
        return 1
    return 0


def _backup_or_restore(settings: Settings, args: argparse.Namespace) -> int:
    """`backup DIR` or `restore DIR`: what was done on stdout (0), or why not on stderr (2)."""
    from partner_portal.backup import procedure
    from partner_portal.backup.manifest import Refused

    try:
        if args.command == "backup":
            lines = procedure.back_up(settings, args.directory, with_database=args.with_database)
        else:
            lines = procedure.restore(
                settings, args.directory, force=args.force, with_database=args.with_database
            )
    except Refused as exc:
        print(f"partner-portal: {args.command}: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"partner-portal: {args.command}: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    print("\n".join(lines), flush=True)
    return 0


def _run_db(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    async def run() -> T:
        engine = create_engine(settings.database_url)
        try:
            async with session_factory(engine)() as db:
                return await work(db)
        finally:
            await engine.dispose()

    return asyncio.run(run())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
