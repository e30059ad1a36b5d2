"""The deployment kit in deploy/: that it names every setting, and (below) that its nginx site
works in front of the portal as shipped."""

from __future__ import annotations

import re
from pathlib import Path

from partner_portal.platform.settings import Settings

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def test_the_environment_file_names_every_setting() -> None:
    text = (DEPLOY / "partner-portal.env").read_text(encoding="utf-8")
    named = set(re.findall(r"^#? ?(PORTAL_[A-Z_]+)=", text, flags=re.M))
    settings = {f"PORTAL_{name.upper()}" for name in Settings.model_fields}

    assert settings - named == set()
    assert named - settings <= {"PORTAL_TRUSTED_PROXIES", "PORTAL_REDIS_URL"} - settings
