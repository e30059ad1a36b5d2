"""Installed from a wheel, the portal still finds its templates, static files and migrations."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from partner_portal.platform.resources import PACKAGE_DIR

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(PACKAGE_DIR.parent),
        ],
        check=True,
        capture_output=True,
    )
    [built] = out.glob("partner_portal-*.whl")
    return built


def test_the_wheel_carries_templates_static_files_migrations_and_catalogs(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())

    for expected in (
        "partner_portal/templates/base.html",
        "partner_portal/templates/errors/error.html",
        "partner_portal/static/vendor/htmx-2.0.11.min.js",
        "partner_portal/static/vendor/fkui-design-6.44.0/fkui.min.css",
        "partner_portal/migrations/env.py",
        "partner_portal/migrations/versions/0001_people_sessions_audit.py",
        "partner_portal/locale/en/LC_MESSAGES/messages.po",
    ):
        assert expected in names


def test_an_installed_wheel_renders_pages_and_migrates(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = f"""
import asyncio, httpx
from partner_portal.platform.resources import resource_dir
from partner_portal.platform.migrate import upgrade
from partner_portal.platform.settings import load_settings
from partner_portal.app import create_app
assert str(resource_dir("templates")).startswith({str(site)!r}), resource_dir("templates")
settings = load_settings({{"PORTAL_DATA_DIR": {str(tmp_path)!r}}})
upgrade(settings.database_url)
async def main():
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as c:
        page = await c.get("/tillganglighet")
        css = await c.get("/static/css/portal.css")
        ready = await c.get("/readyz")
    await app.state.portal.engine.dispose()
    print(page.status_code, css.status_code, ready.status_code)
asyncio.run(main())
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "200 200 200"
