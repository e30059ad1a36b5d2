"""Settings are read from PORTAL_* variables and checked before anything starts."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import ValidationError
from starlette.datastructures import Secret

from partner_portal.platform.settings import (
    Environment,
    Settings,
    SettingsError,
    SmtpTls,
    load_settings,
    replace,
)

GOOD_PRODUCTION = {
    "PORTAL_ENV": "production",
    "PORTAL_BASE_URL": "https://partner.botkyrka.se",
    "PORTAL_SECRET_KEY": "k" * 48,
    "PORTAL_OIDC_ISSUER": "https://login.botkyrka.se/realms/partner",
    "PORTAL_OIDC_CLIENT_ID": "partnerportalen",
    "PORTAL_DATABASE_URL": "postgresql+asyncpg://portal@db/portal",
}


def problems(environ: dict[str, str]) -> list[str]:
    with pytest.raises(SettingsError) as raised:
        load_settings(environ)
    return raised.value.problems


def test_development_defaults(tmp_path: Path) -> None:
    settings = load_settings({"PORTAL_DATA_DIR": str(tmp_path)})

    assert settings.env is Environment.DEVELOPMENT
    assert settings.base_url == "http://127.0.0.1:8000"
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path.resolve()}/portal.db"
    assert settings.smtp_tls is SmtpTls.NONE
    assert set(settings.allowed_hosts) == {"127.0.0.1", "localhost"}
    assert settings.oidc_scopes == "openid profile email"


def test_development_generates_its_secret_once_and_keeps_it_private(tmp_path: Path) -> None:
    first = load_settings({"PORTAL_DATA_DIR": str(tmp_path)})
    second = load_settings({"PORTAL_DATA_DIR": str(tmp_path)})

    assert len(str(first.secret_key)) >= 48
    assert str(first.secret_key) == str(second.secret_key)
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_secrets_never_print() -> None:
    settings = load_settings(GOOD_PRODUCTION | {"PORTAL_OIDC_CLIENT_SECRET": "hemligt"})

    assert "hemligt" not in repr(settings)
    assert "k" * 48 not in repr(settings)


def test_a_good_production_configuration_starts() -> None:
    settings = load_settings(GOOD_PRODUCTION | {"PORTAL_ALLOWED_HOSTS": "intern.botkyrka.se"})

    assert settings.env is Environment.PRODUCTION
    assert settings.https
    assert set(settings.allowed_hosts) == {"partner.botkyrka.se", "intern.botkyrka.se"}


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"PORTAL_SECRET_KEY": ""}, "PORTAL_SECRET_KEY"),
        ({"PORTAL_SECRET_KEY": "short"}, "PORTAL_SECRET_KEY"),
        ({"PORTAL_BASE_URL": "http://partner.botkyrka.se"}, "PORTAL_BASE_URL must use https"),
        ({"PORTAL_OIDC_ISSUER": ""}, "PORTAL_OIDC_ISSUER is not set"),
        ({"PORTAL_OIDC_ISSUER": "http://127.0.0.1:8001"}, "PORTAL_OIDC_ISSUER must be a real"),
        ({"PORTAL_OIDC_ISSUER": "https://localhost/x"}, "PORTAL_OIDC_ISSUER must be a real"),
        ({"PORTAL_OIDC_CLIENT_ID": ""}, "PORTAL_OIDC_CLIENT_ID"),
    ],
)
def test_production_refuses_insecure_settings(change: dict[str, str], named: str) -> None:
    found = problems(GOOD_PRODUCTION | change)

    assert any(named in p for p in found), found


def test_production_refuses_the_development_tools() -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(GOOD_PRODUCTION, dev_tools=True)

    assert any("development login" in p for p in raised.value.problems)


def test_every_problem_is_reported_at_once() -> None:
    found = problems({"PORTAL_ENV": "production", "PORTAL_BASE_URL": "http://x.se"})

    assert len(found) >= 3  # secret, https, provider


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PORTAL_ENV", "staging"),
        ("PORTAL_BASE_URL", "partner.botkyrka.se"),
        ("PORTAL_BASE_URL", "https://partner.botkyrka.se/portal"),
        ("PORTAL_DATABASE_URL", "mysql://db/portal"),
        ("PORTAL_SMTP_PORT", "tjugofem"),
        ("PORTAL_SMTP_PORT", "70000"),
        ("PORTAL_SMTP_TLS", "ssl"),
        ("PORTAL_OIDC_SCOPES", "profile email"),
        ("PORTAL_SESSION_IDLE_MINUTES", "0"),
    ],
)
def test_malformed_values_are_named(variable: str, value: str, tmp_path: Path) -> None:
    found = problems({"PORTAL_DATA_DIR": str(tmp_path), variable: value})

    assert any(variable in p for p in found), found


@pytest.mark.parametrize(
    ("value", "trusted"), [("", False), ("false", False), ("0", False), ("true", True), ("1", True)]
)
def test_trusting_the_providers_email_is_off_unless_asked_for(
    value: str, trusted: bool, tmp_path: Path
) -> None:
    environ = {"PORTAL_DATA_DIR": str(tmp_path)}
    if value:
        environ["PORTAL_OIDC_TRUST_EMAIL"] = value

    assert load_settings(environ).oidc_trust_email is trusted


def test_a_trust_setting_that_is_neither_true_nor_false_is_named(tmp_path: Path) -> None:
    found = problems({"PORTAL_DATA_DIR": str(tmp_path), "PORTAL_OIDC_TRUST_EMAIL": "kanske"})

    assert any("PORTAL_OIDC_TRUST_EMAIL" in p for p in found), found


def test_settings_built_directly_take_their_arguments_not_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PORTAL_SMTP_PORT", "2525")
    monkeypatch.setenv("PORTAL_DEV_TOOLS", "true")

    settings = Settings(smtp_host="mail.botkyrka.se", smtp_password=Secret("hemligt"))

    assert (settings.smtp_host, settings.smtp_port, settings.dev_tools) == (
        "mail.botkyrka.se",
        8025,
        False,
    )
    assert "hemligt" not in repr(settings)
    assert load_settings(GOOD_PRODUCTION).dev_tools is False  # only `partner-portal dev` sets it


def test_a_changed_copy_is_checked_as_a_new_one_would_be() -> None:
    settings = load_settings(GOOD_PRODUCTION)

    assert replace(settings, smtp_port=2525).smtp_port == 2525
    with pytest.raises(ValidationError, match="PORTAL_BASE_URL must use https in production"):
        replace(settings, base_url="http://partner.botkyrka.se")


def test_values_are_read_without_surrounding_blanks(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "PORTAL_DATA_DIR": f" {tmp_path} ",
            "PORTAL_SMTP_PORT": " 2525 ",
            "PORTAL_SMTP_TLS": " STARTTLS ",
            "PORTAL_BASE_URL": " https://partner.botkyrka.se/ ",
        }
    )

    assert settings.data_dir == tmp_path
    assert (settings.smtp_port, settings.smtp_tls) == (2525, SmtpTls.STARTTLS)
    assert settings.base_url == "https://partner.botkyrka.se"
