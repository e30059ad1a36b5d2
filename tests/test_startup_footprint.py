"""What a web process loads at start-up: the heavy exporters, Alembic, the OpenID Connect
client's libraries, the calendar library, the object store's client and (on SQLite) PostgreSQL's
driver only when used."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from alembic.script import ScriptDirectory

from partner_portal.platform.migrate import alembic_config, head_revision

HEAVY = (
    "alembic",
    "weasyprint",
    "fontTools",
    "openpyxl",
    "authlib",
    "httpx2",
    "joserfc",
    "cryptography",
    "icalendar",
    "asyncpg",
    "docx",
    "lxml",
    "boto3",  # the object store's client (attachments/storage/s3.py): only with PORTAL_STORAGE=s3
    "botocore",
    "s3transfer",
)


def test_the_head_revision_read_from_the_files_is_alembics() -> None:
    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_a_web_process_on_sqlite_imports_none_of_them_until_used() -> None:
    probe = (
        "import json, sys\n"
        "from partner_portal.app import create_app\n"
        "from partner_portal.platform.settings import load_settings\n"
        "create_app(load_settings())\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))\n"
    )
    env = {**os.environ, "PORTAL_DATABASE_URL": "sqlite+aiosqlite:///:memory:"}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
