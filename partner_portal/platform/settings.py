"""Typed settings from the ``PORTAL_*`` environment variables, validated once at start.

The fields of :class:`Settings` are the one source of names, defaults and limits: pydantic-settings
reads ``PORTAL_<FIELD>`` for each, pydantic checks them all, and every problem is collected before
anything starts, so an operator sees the whole list at once, each line naming the variable to fix.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import SplitResult, urlsplit

from annotated_types import Ge, Le
from pydantic import BeforeValidator, Field, ValidationError, ValidationInfo, field_validator
from pydantic_core import ErrorDetails
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from starlette.datastructures import Secret

from partner_portal.platform import clock


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


def _secret(value: object) -> object:
    return Secret(value.strip()) if isinstance(value, str) else value


def _lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


def _flag(value: object) -> object:
    """An empty variable is false, as an unset one is."""
    return False if isinstance(value, str) and not value.strip() else value


def _instant(value: object) -> object:
    if not isinstance(value, str):
        return value
    if not value.strip():
        return None
    try:
        return clock.parse_instant(value.strip())
    except ValueError as exc:
        message = f"PORTAL_NOW must be an ISO 8601 instant with its offset: {exc}."
        raise ValueError(message) from None


def _host_list(value: object) -> object:
    if not isinstance(value, str):
        return value
    return tuple(h.strip().lower() for h in value.split(",") if h.strip())


def _networks(value: object) -> object:
    """Comma-separated addresses and networks (CIDR), each written out in its canonical form."""
    if not isinstance(value, str):
        return value
    networks = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        try:
            network = ipaddress.ip_network(item, strict=False)
        except ValueError:
            message = (
                "PORTAL_TRUSTED_PROXIES must list IP addresses or networks (CIDR, e.g. "
                f"10.0.0.0/8), comma-separated; {item!r} is neither."
            )
            raise ValueError(message) from None
        single = network.num_addresses == 1
        networks.append(str(network.network_address) if single else str(network))
    return tuple(networks)


# A secret is a starlette Secret (``str()`` gives the value) and never shows in a repr.
SecretText = Annotated[Secret, BeforeValidator(_secret), Field(repr=False)]
Flag = Annotated[bool, BeforeValidator(_flag)]


class Settings(BaseSettings):
    """The portal's settings; field ``x`` is read from ``PORTAL_X`` by :func:`load_settings`.

    Built directly (``Settings(base_url=...)``), it takes only its arguments and the defaults:
    the environment is read by :func:`load_settings` alone. The checks run either way.
    """

    model_config = SettingsConfigDict(
        env_prefix="PORTAL_",
        frozen=True,
        extra="forbid",
        str_strip_whitespace=True,
        arbitrary_types_allowed=True,
        validate_default=True,  # the defaults pass the same checks (production's, the derived URL)
        hide_input_in_errors=True,  # a secret's value never reaches an error message
        enable_decoding=False,  # PORTAL_ALLOWED_HOSTS is a comma-separated list, not JSON
    )

    # The order matters: a check reads the fields above it (``env`` first).
    env: Annotated[Environment, BeforeValidator(_lower)] = Environment.DEVELOPMENT
    base_url: str = "http://127.0.0.1:8000"
    secret_key: SecretText = Secret("")
    data_dir: Path = Path("var")
    # Empty: the SQLite file in the data directory.
    database_url: str = ""
    oidc_issuer: str = ""  # compared exactly with the discovered issuer: kept as given
    oidc_client_id: str = "partner-portal"
    oidc_client_secret: SecretText = Secret("")
    oidc_scopes: str = "openid profile email"
    # PORTAL_OIDC_TRUST_EMAIL: whether this provider's `email` claim counts as verified when
    # the provider sends no `email_verified` at all (Entra ID). False: only an explicit
    # `email_verified: true` does. An explicit `false` is never overridden.
    oidc_trust_email: Flag = False
    smtp_host: str = "127.0.0.1"
    smtp_port: Annotated[int, Ge(1), Le(65535)] = 8025
    smtp_username: str = ""
    smtp_password: SecretText = Secret("")
    smtp_tls: Annotated[SmtpTls, BeforeValidator(_lower)] = SmtpTls.NONE
    mail_from: str = "Partnerportalen <noreply@partnerportalen.invalid>"
    # Hosts answered besides the base URL's (load_settings adds that one, and loopback in
    # development).
    allowed_hosts: Annotated[tuple[str, ...], BeforeValidator(_host_list)] = ()
    session_idle_minutes: Annotated[int, Ge(1), Le(24 * 60)] = 30
    session_max_hours: Annotated[int, Ge(1), Le(24 * 7)] = 12
    invitation_days: Annotated[int, Ge(1), Le(90)] = 14
    invitations_per_hour: Annotated[int, Ge(1), Le(1000)] = 30
    meeting_reminder_hours: Annotated[int, Ge(1), Le(24 * 14)] = 24
    minutes_reminder_days: Annotated[int, Ge(1), Le(60)] = 3
    frg_availability_mail_days: Annotated[int, Ge(1), Le(365)] = 28
    frg_inactive_months: Annotated[int, Ge(1), Le(120)] = 12
    upload_max_mb: Annotated[int, Ge(1), Le(500)] = 20
    upload_max_files: Annotated[int, Ge(1), Le(50)] = 5
    # The reverse proxies (addresses, CIDR networks) whose X-Forwarded-For/-Proto are believed;
    # empty: none, and the peer's own address is the client's.
    trusted_proxies: Annotated[tuple[str, ...], BeforeValidator(_networks)] = ()
    # Empty: rate limits are counted in each process's memory. Set: in this Redis, shared by
    # every process (platform/ratelimit.py).
    redis_url: str = ""
    # Where attachments' content is kept: `local` (<data dir>/uploads/files), or an
    # S3-compatible object store, `s3://bucket/prefix`, shared by every host
    # (partner_portal/attachments/storage/). The S3 settings below are for that store only.
    storage: str = "local"
    # Empty: Amazon S3 itself. Set: another S3-compatible store (MinIO, Ceph), path-style.
    s3_endpoint_url: str = ""
    s3_region: str = ""
    # Both empty: boto3's own credential chain (AWS_* variables, an instance role).
    s3_access_key_id: str = ""
    s3_secret_access_key: SecretText = Secret("")
    # PORTAL_NOW: the instant the portal's clock starts at (exercises, demonstrations).
    now: Annotated[datetime | None, BeforeValidator(_instant)] = None
    # Set by `partner-portal dev` only (never read from the environment): the built-in
    # development provider and mail catcher.
    dev_tools: bool = False

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)  # the environment: through load_settings only

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str, info: ValidationInfo) -> str:
        value = value.rstrip("/")
        base = urlsplit(value)
        if base.scheme not in ("http", "https") or not base.hostname:
            raise ValueError(f"PORTAL_BASE_URL must be an absolute http(s) URL, got {value!r}.")
        if base.path or base.query or base.fragment:
            raise ValueError("PORTAL_BASE_URL must not have a path, query or fragment.")
        if _production(info) and base.scheme != "https":
            raise ValueError(f"PORTAL_BASE_URL must use https in production, got {value!r}.")
        return value

    @field_validator("secret_key")
    @classmethod
    def _secret_key(cls, value: Secret, info: ValidationInfo) -> Secret:
        if _production(info) and len(str(value)) < 32:
            raise ValueError(
                "PORTAL_SECRET_KEY is missing or shorter than 32 characters; production needs a "
                "long random secret (e.g. from `python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'`)."
            )
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str, info: ValidationInfo) -> str:
        if not value:
            data_dir = info.data.get("data_dir", Path("var"))
            return f"sqlite+aiosqlite:///{data_dir.resolve()}/portal.db"
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "PORTAL_DATABASE_URL must start with sqlite+aiosqlite:// or postgresql+asyncpg://."
            )
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str) -> str:
        if not value:
            return value
        if _url_with_host(value, ("redis", "rediss")) is None:
            # The URL may carry a password: it is not repeated here.
            raise ValueError(
                "PORTAL_REDIS_URL must be redis://host:port/db or rediss://host:port/db (TLS)."
            )
        return value

    @field_validator("storage")
    @classmethod
    def _storage(cls, value: str) -> str:
        if value.lower() == "local":
            return "local"
        parsed = urlsplit(value)
        bucket = parsed.netloc
        prefix = parsed.path.strip("/")
        segments = prefix.split("/") if prefix else []
        usable = (
            parsed.scheme == "s3"
            and bool(_S3_BUCKET.match(bucket))
            and ".." not in bucket
            and not parsed.query
            and not parsed.fragment
            and all(_S3_SEGMENT.match(s) and s not in (".", "..") for s in segments)
        )
        if not usable:
            raise ValueError(
                "PORTAL_STORAGE must be `local` or `s3://bucket/prefix` (an S3 bucket name: "
                "3-63 lower-case letters, digits, dots and hyphens; the prefix optional, of "
                f"letters, digits, `.`, `_`, `-` and `/`), got {value!r}."
            )
        return f"s3://{bucket}/{prefix}" if prefix else f"s3://{bucket}"

    @field_validator("s3_endpoint_url")
    @classmethod
    def _s3_endpoint_url(cls, value: str, info: ValidationInfo) -> str:
        if not value:
            return value
        _only_with_s3("PORTAL_S3_ENDPOINT_URL", info)
        value = value.rstrip("/")
        parsed = _url_with_host(value, ("http", "https"))
        if parsed is None or parsed.path or parsed.query or parsed.fragment or parsed.username:
            raise ValueError(
                "PORTAL_S3_ENDPOINT_URL must be the store's address, http(s)://host[:port] "
                f"(no path, no credentials), got {value!r}."
            )
        if _production(info) and parsed.scheme != "https" and not _is_loopback(parsed.hostname):
            raise ValueError(
                "PORTAL_S3_ENDPOINT_URL must use https in production (the files and the "
                f"credentials would cross the network in clear text), got {value!r}."
            )
        return value

    @field_validator("s3_region")
    @classmethod
    def _s3_region(cls, value: str, info: ValidationInfo) -> str:
        if not value:
            return value
        _only_with_s3("PORTAL_S3_REGION", info)
        if not _S3_REGION.match(value):
            raise ValueError(
                f"PORTAL_S3_REGION must be a region name such as eu-north-1, got {value!r}."
            )
        return value

    @field_validator("s3_access_key_id")
    @classmethod
    def _s3_access_key_id(cls, value: str, info: ValidationInfo) -> str:
        if value:
            _only_with_s3("PORTAL_S3_ACCESS_KEY_ID", info)
        return value

    @field_validator("s3_secret_access_key")
    @classmethod
    def _s3_secret_access_key(cls, value: Secret, info: ValidationInfo) -> Secret:
        if str(value):
            _only_with_s3("PORTAL_S3_SECRET_ACCESS_KEY", info)
        key_id = info.data.get("s3_access_key_id")  # None: that one is wrong (said already)
        if key_id is not None and bool(str(value)) != bool(key_id):
            raise ValueError(
                "PORTAL_S3_ACCESS_KEY_ID and PORTAL_S3_SECRET_ACCESS_KEY go together: set both "
                "(or neither, for boto3's own credentials: an instance role)."
            )
        return value

    @field_validator("oidc_issuer")
    @classmethod
    def _oidc_issuer(cls, value: str, info: ValidationInfo) -> str:
        parsed = urlsplit(value)
        if value and (parsed.scheme not in ("http", "https") or not parsed.hostname):
            raise ValueError(f"PORTAL_OIDC_ISSUER must be an absolute URL, got {value!r}.")
        if not _production(info):
            return value
        if not value:
            raise ValueError(
                "PORTAL_OIDC_ISSUER is not set: production needs a real OpenID Provider."
            )
        if parsed.scheme != "https" or _is_loopback(parsed.hostname):
            raise ValueError(
                f"PORTAL_OIDC_ISSUER must be a real provider over https, got {value!r}."
            )
        return value

    @field_validator("oidc_client_id")
    @classmethod
    def _oidc_client_id(cls, value: str, info: ValidationInfo) -> str:
        if _production(info) and not value:
            raise ValueError("PORTAL_OIDC_CLIENT_ID is not set.")
        return value

    @field_validator("oidc_scopes")
    @classmethod
    def _oidc_scopes(cls, value: str) -> str:
        if "openid" not in value.split():
            raise ValueError("PORTAL_OIDC_SCOPES must include 'openid'.")
        return value

    @field_validator("now")
    @classmethod
    def _now(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        if value is not None and _production(info):
            raise ValueError(
                "PORTAL_NOW is for exercises and demonstrations; production runs on the real "
                "clock. Unset it."
            )
        return value

    @field_validator("dev_tools")
    @classmethod
    def _dev_tools(cls, value: bool, info: ValidationInfo) -> bool:
        if value and _production(info):
            raise ValueError("The development login and mail catcher cannot run in production.")
        return value

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


_S3_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_S3_SEGMENT = re.compile(r"^[A-Za-z0-9._-]+$")
_S3_REGION = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def _only_with_s3(variable: str, info: ValidationInfo) -> None:
    """An S3 setting without an S3 store is a mistake to name: the files would otherwise go to
    each host's own disk unnoticed."""
    if info.data.get("storage") == "local":  # absent: PORTAL_STORAGE itself is wrong (said)
        raise ValueError(
            f"{variable} is set but PORTAL_STORAGE is `local`: set PORTAL_STORAGE to "
            f"s3://bucket/prefix to use the object store, or unset {variable}."
        )


def _production(info: ValidationInfo) -> bool:
    """Production's rules apply in production, and when PORTAL_ENV itself is wrong (the stricter
    rules judge the rest)."""
    return info.data.get("env") is not Environment.DEVELOPMENT


class _Variables(EnvSettingsSource):
    """The ``PORTAL_*`` variables of one mapping, read as pydantic-settings reads os.environ."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(Settings)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        # Names as pydantic-settings matches them (any case); values without surrounding blanks.
        return {name.lower(): value.strip() for name, value in self._environ.items()}


def load_settings(environ: Mapping[str, str] | None = None, *, dev_tools: bool = False) -> Settings:
    """Read and validate settings; raise :class:`SettingsError` listing every problem.

    In development a missing secret key is generated once into the data directory.
    """
    values = _Variables(os.environ if environ is None else environ)()
    try:
        settings = Settings(**(values | {"dev_tools": dev_tools}))
    except ValidationError as error:
        raise SettingsError([_problem(e) for e in error.errors()]) from None

    hosts = [*settings.allowed_hosts]
    if hostname := urlsplit(settings.base_url).hostname:
        hosts.append(hostname.lower())
    derived: dict[str, Any] = {}
    if settings.env is Environment.DEVELOPMENT:
        hosts += ["127.0.0.1", "localhost"]
        if not str(settings.secret_key):
            derived["secret_key"] = Secret(_development_secret(settings.data_dir))
    derived["allowed_hosts"] = tuple(dict.fromkeys(hosts))
    return settings.model_copy(update=derived)


def replace(settings: Settings, /, **changes: Any) -> Settings:
    """A copy of ``settings`` with some fields changed, checked as a new one would be."""
    return Settings(**(dict(settings) | changes))


def _problem(error: ErrorDetails) -> str:
    """One line naming the variable, for one of pydantic's errors."""
    field = str(error["loc"][0])
    variable = f"PORTAL_{field.upper()}"
    context = error.get("ctx", {})
    if error["type"] == "value_error":
        return str(context["error"])  # our own checks say it all
    if error["type"] in ("greater_than_equal", "less_than_equal"):
        limits = Settings.model_fields[field].metadata
        low = next(m.ge for m in limits if isinstance(m, Ge))
        high = next(m.le for m in limits if isinstance(m, Le))
        return f"{variable} must be between {low} and {high}, got {error['input']}."
    if error["type"] == "int_parsing":
        return f"{variable} must be a whole number, got {error['input']!r}."
    if error["type"] == "bool_parsing":
        return f"{variable} must be true or false, got {error['input']!r}."
    if error["type"] == "enum":
        return f"{variable} must be {context['expected']}, got {error['input']!r}."
    return f"{variable}: {error['msg']}."


def _url_with_host(value: str, schemes: tuple[str, ...]) -> SplitResult | None:
    """``value`` split, if it is a URL of one of ``schemes`` with a host and (if any) a port
    that is a number; None otherwise."""
    try:
        parsed = urlsplit(value)
        usable = parsed.scheme in schemes and bool(parsed.hostname)
        usable = usable and parsed.port != 0  # .port raises on a port that is no number
    except ValueError:
        return None
    return parsed if usable else None


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
