"""Typed settings from the ``PORTAL_*`` environment variables, validated once at start.

Every problem is collected before anything starts, so an operator sees the whole list at once,
each line naming the variable to fix.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from starlette.datastructures import Secret

from partner_portal import clock


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class SmtpTls(StrEnum):
    NONE = "none"
    STARTTLS = "starttls"
    TLS = "tls"


class SettingsError(Exception):
    """The configuration cannot be used; ``problems`` names each variable that is wrong."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("Invalid configuration:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True, kw_only=True)
class Settings:
    env: Environment = Environment.DEVELOPMENT
    base_url: str = "http://127.0.0.1:8000"
    secret_key: Secret = field(repr=False, default=Secret(""))
    data_dir: Path = Path("var")
    database_url: str = ""
    oidc_issuer: str = ""
    oidc_client_id: str = "partner-portal"
    oidc_client_secret: Secret = field(repr=False, default=Secret(""))
    oidc_scopes: str = "openid profile email"
    # PORTAL_OIDC_TRUST_EMAIL: whether this provider's `email` claim counts as verified when
    # the provider sends no `email_verified` at all (Entra ID). False: only an explicit
    # `email_verified: true` does. An explicit `false` is never overridden.
    oidc_trust_email: bool = False
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_username: str = ""
    smtp_password: Secret = field(repr=False, default=Secret(""))
    smtp_tls: SmtpTls = SmtpTls.NONE
    mail_from: str = "Partnerportalen <noreply@partnerportalen.invalid>"
    allowed_hosts: tuple[str, ...] = ()
    session_idle_minutes: int = 30
    session_max_hours: int = 12
    invitation_days: int = 14
    invitations_per_hour: int = 30
    meeting_reminder_hours: int = 24
    minutes_reminder_days: int = 3
    frg_availability_mail_days: int = 28
    frg_inactive_months: int = 12
    upload_max_mb: int = 20
    upload_max_files: int = 5
    # PORTAL_NOW: the instant the portal's clock starts at (exercises, demonstrations).
    now: datetime | None = None
    # Set by `partner-portal dev` only: the built-in development provider and mail catcher.
    dev_tools: bool = False

    @property
    def https(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def redirect_uri(self) -> str:
        return f"{self.base_url}/auth/callback"

    @property
    def sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def absolute_url(self, path: str) -> str:
        """Absolute links (emails, OIDC) come from the base URL setting, never the Host header."""
        return f"{self.base_url}{path}"


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def load_settings(environ: Mapping[str, str] | None = None, *, dev_tools: bool = False) -> Settings:
    """Read and validate settings; raise :class:`SettingsError` listing every problem.

    In development a missing secret key is generated once into the data directory.
    """
    env_vars = os.environ if environ is None else environ
    problems: list[str] = []

    def get(name: str, default: str = "") -> str:
        return env_vars.get(f"PORTAL_{name}", default).strip()

    def get_bool(name: str) -> bool:
        raw = get(name).lower()
        if raw in _TRUE:
            return True
        if raw not in _FALSE:
            problems.append(f"PORTAL_{name} must be true or false, got {raw!r}.")
        return False

    def get_int(name: str, default: int, low: int, high: int) -> int:
        raw = get(name, str(default))
        try:
            value = int(raw)
        except ValueError:
            problems.append(f"PORTAL_{name} must be a whole number, got {raw!r}.")
            return default
        if not low <= value <= high:
            problems.append(f"PORTAL_{name} must be between {low} and {high}, got {value}.")
        return value

    env_raw = get("ENV", Environment.DEVELOPMENT).lower()
    try:
        env = Environment(env_raw)
    except ValueError:
        problems.append(f"PORTAL_ENV must be 'development' or 'production', got {env_raw!r}.")
        env = Environment.PRODUCTION  # judge the rest by the stricter rules

    base_url = get("BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    base = urlsplit(base_url)
    if base.scheme not in ("http", "https") or not base.hostname:
        problems.append(f"PORTAL_BASE_URL must be an absolute http(s) URL, got {base_url!r}.")
    elif base.path or base.query or base.fragment:
        problems.append("PORTAL_BASE_URL must not have a path, query or fragment.")

    data_dir = Path(get("DATA_DIR", "var"))
    database_url = get("DATABASE_URL") or f"sqlite+aiosqlite:///{data_dir.resolve()}/portal.db"
    if not database_url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        problems.append(
            "PORTAL_DATABASE_URL must start with sqlite+aiosqlite:// or postgresql+asyncpg://."
        )

    secret_raw = get("SECRET_KEY")
    issuer = get("OIDC_ISSUER")  # compared exactly with the discovered issuer: keep as given
    smtp_tls_raw = get("SMTP_TLS", SmtpTls.NONE).lower()
    try:
        smtp_tls = SmtpTls(smtp_tls_raw)
    except ValueError:
        problems.append(f"PORTAL_SMTP_TLS must be none, starttls or tls, got {smtp_tls_raw!r}.")
        smtp_tls = SmtpTls.NONE

    now: datetime | None = None
    if now_raw := get("NOW"):
        try:
            now = clock.parse_instant(now_raw)
        except ValueError as exc:
            problems.append(f"PORTAL_NOW must be an ISO 8601 instant with its offset: {exc}.")

    if issuer:
        parsed = urlsplit(issuer)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            problems.append(f"PORTAL_OIDC_ISSUER must be an absolute URL, got {issuer!r}.")
    scopes = get("OIDC_SCOPES", "openid profile email")
    if "openid" not in scopes.split():
        problems.append("PORTAL_OIDC_SCOPES must include 'openid'.")

    if env is Environment.PRODUCTION:
        if len(secret_raw) < 32:
            problems.append(
                "PORTAL_SECRET_KEY is missing or shorter than 32 characters; production needs a "
                "long random secret (e.g. from `python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'`)."
            )
        if base.scheme != "https":
            problems.append(f"PORTAL_BASE_URL must use https in production, got {base_url!r}.")
        if dev_tools:
            problems.append("The development login and mail catcher cannot run in production.")
        if not issuer:
            problems.append(
                "PORTAL_OIDC_ISSUER is not set: production needs a real OpenID Provider."
            )
        elif urlsplit(issuer).scheme != "https" or _is_loopback(urlsplit(issuer).hostname):
            problems.append(
                f"PORTAL_OIDC_ISSUER must be a real provider over https, got {issuer!r}."
            )
        if not get("OIDC_CLIENT_ID"):
            problems.append("PORTAL_OIDC_CLIENT_ID is not set.")
        if now_raw:
            problems.append(
                "PORTAL_NOW is for exercises and demonstrations; production runs on the real "
                "clock. Unset it."
            )
    elif not secret_raw and not problems:
        secret_raw = _development_secret(data_dir)

    allowed = [h.strip().lower() for h in get("ALLOWED_HOSTS").split(",") if h.strip()]
    if base.hostname:
        allowed.append(base.hostname.lower())
    if env is Environment.DEVELOPMENT:
        allowed += ["127.0.0.1", "localhost"]

    settings = Settings(
        env=env,
        base_url=base_url,
        secret_key=Secret(secret_raw),
        data_dir=data_dir,
        database_url=database_url,
        oidc_issuer=issuer,
        oidc_client_id=get("OIDC_CLIENT_ID", "partner-portal"),
        oidc_client_secret=Secret(get("OIDC_CLIENT_SECRET")),
        oidc_scopes=scopes,
        oidc_trust_email=get_bool("OIDC_TRUST_EMAIL"),
        smtp_host=get("SMTP_HOST", "127.0.0.1"),
        smtp_port=get_int("SMTP_PORT", 8025, 1, 65535),
        smtp_username=get("SMTP_USERNAME"),
        smtp_password=Secret(get("SMTP_PASSWORD")),
        smtp_tls=smtp_tls,
        mail_from=get("MAIL_FROM", "Partnerportalen <noreply@partnerportalen.invalid>"),
        allowed_hosts=tuple(dict.fromkeys(allowed)),
        session_idle_minutes=get_int("SESSION_IDLE_MINUTES", 30, 1, 24 * 60),
        session_max_hours=get_int("SESSION_MAX_HOURS", 12, 1, 24 * 7),
        invitation_days=get_int("INVITATION_DAYS", 14, 1, 90),
        invitations_per_hour=get_int("INVITATIONS_PER_HOUR", 30, 1, 1000),
        meeting_reminder_hours=get_int("MEETING_REMINDER_HOURS", 24, 1, 24 * 14),
        minutes_reminder_days=get_int("MINUTES_REMINDER_DAYS", 3, 1, 60),
        frg_availability_mail_days=get_int("FRG_AVAILABILITY_MAIL_DAYS", 28, 1, 365),
        frg_inactive_months=get_int("FRG_INACTIVE_MONTHS", 12, 1, 120),
        upload_max_mb=get_int("UPLOAD_MAX_MB", 20, 1, 500),
        upload_max_files=get_int("UPLOAD_MAX_FILES", 5, 1, 50),
        now=now,
        dev_tools=dev_tools,
    )
    if problems:
        raise SettingsError(problems)
    return settings


def _is_loopback(host: str | None) -> bool:
    if host is None or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _development_secret(data_dir: Path) -> str:
    """Generate the development secret once and keep it, so sessions survive a restart."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(value)
    return value
