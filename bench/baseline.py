"""The yardstick: a bare Starlette app that renders a plan's comments page straight from the
database driver (aiosqlite or asyncpg) and Jinja2 — what this stack can do at best.

It reads the same rows the portal's page shows (a published plan's sections and their comments
with each author's name and organisation) and renders a page of the same shape (the portal's
header, menu, headings, one article per comment, footer, the same stylesheets and scripts
linked), under uvicorn with the options `partner-portal serve` uses. No login, no CSRF, no
access checks, no translations: everything the portal adds is what the ratio measures.

Beside it, the same yardstick for a write (``POST`` to the portal's comment path): whose the
session cookie is, with their name and organisation and the plan's version, in one read; then,
one writer at a time, ``BEGIN IMMEDIATE`` (a transaction on PostgreSQL), the comment
``INSERT … RETURNING``, its evidence row, ``COMMIT``; and the new comment rendered as the
portal's answer is (one ``<li>`` with its article). bench.pages prints its throughput ÷ b too:
what this stack can do for the portal's writing request, with nothing of the portal's around it.

    .venv/bin/python -m bench.baseline --database-url URL --port 8100
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import aiosqlite
import asyncpg  # type: ignore[import-untyped]
import uvicorn
from jinja2 import Environment
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse
from starlette.routing import Route

PAGE = """<!doctype html>
<html lang="sv">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{ plan.title }} – Partnerportalen</title>
  <link rel="stylesheet" href="/static/vendor/fkui-theme-default-6.44.0/theme-light.css">
  <link rel="stylesheet" href="/static/vendor/fkui-design-6.44.0/fkui.min.css">
  <link rel="stylesheet" href="/static/css/portal.css">
  <script src="/static/vendor/htmx-2.0.11.min.js" defer></script>
  <script src="/static/js/portal.js" defer></script>
</head>
<body>
  <a class="skip-link" href="#main">Hoppa till huvudinnehållet</a>
  <header class="page-header portal-header">
    <p class="page-header__app-name">
      <a href="/">Partnerportalen <span>Botkyrka kommun</span></a></p>
    <div class="page-header__right"><span>{{ person }}</span>
      <form method="post" action="/auth/logout"><button type="submit">Logga ut</button></form>
    </div>
  </header>
  <nav class="portal-nav" aria-label="Huvudmeny"><ul>
    {% for href, label in menu %}<li><a href="{{ href }}">{{ label }}</a></li>{% endfor %}
  </ul></nav>
  <main id="main" class="portal-main" tabindex="-1">
    <h1>{{ plan.title }}</h1>
    {% for section in sections %}
    <section aria-labelledby="avsnitt-{{ section.id }}">
      <h2 id="avsnitt-{{ section.id }}">{{ section.heading }}</h2>
      <div class="portal-plan-text">{% for paragraph in section.body.split("\n\n") %}
        <p>{{ paragraph }}</p>{% endfor %}</div>
      <div id="kommentarer-{{ section.id }}">
        <h3>Kommentarer ({{ comments[section.id]|length }})</h3>
        {% for c in comments[section.id] %}
        <article class="portal-comment" id="kommentar-{{ c.id }}">
          <p class="portal-comment__meta"><strong>{{ c.author }}</strong>, {{ c.organisation }}
            <time datetime="{{ c.created_at }}">{{ c.created_at }}</time></p>
          <p>{{ c.body }}</p>
        </article>
        {% endfor %}
        <form method="post" action="/x"><label for="k-{{ section.id }}">Din kommentar</label>
          <textarea id="k-{{ section.id }}" name="body"></textarea>
          <button type="submit" class="button button--secondary">Skicka</button></form>
      </div>
    </section>
    {% endfor %}
  </main>
  <footer class="portal-footer"><p>Partnerportalen drivs av Botkyrka kommun.</p></footer>
</body>
</html>
"""

MENU = [
    ("/", "Start"),
    ("/rum", "Planeringsrum"),
    ("/moten", "Möten"),
    ("/atgarder", "Åtgärder"),
    ("/frg", "FRG"),
]

PLAN = "SELECT id, title, latest_version FROM plan WHERE id = $1"
SECTIONS = (
    "SELECT s.section_id AS id, s.heading, s.body FROM plan_version_section s "
    "JOIN plan_version v ON v.id = s.version_id "
    "WHERE v.plan_id = $1 AND v.number = $2 ORDER BY s.position"
)
COMMENTS = (
    "SELECT c.id, c.section_id, c.body, c.created_at, p.name AS author, o.name AS organisation "
    "FROM plan_comment c JOIN person p ON p.id = c.author_id "
    "LEFT JOIN organisation o ON o.id = c.organisation_id "
    "WHERE c.plan_id = $1 ORDER BY c.section_id, c.created_at"
)


ANSWER = """<li id="trad-{{ c.id }}" class="portal-thread">
  <article class="portal-comment" id="kommentar-{{ c.id }}" tabindex="-1" data-focus-after-swap>
    <p class="portal-comment__meta"><strong>{{ c.author }}</strong>, {{ c.organisation }}
      <time datetime="{{ c.created_at }}">{{ c.created_at }}</time></p>
    <p>{{ c.body }}</p>
  </article>
</li>
"""

# Who writes (the session cookie's person, their name and organisation) and the plan's version
# and process, in one read.
WRITER = (
    "SELECT s.person_id, p.name AS author, m.organisation_id, o.name AS organisation, "
    "pl.latest_version, pl.room_id, r.process "
    "FROM login_session s JOIN person p ON p.id = s.person_id "
    "JOIN membership m ON m.person_id = p.id AND m.ended_at IS NULL "
    "JOIN organisation o ON o.id = m.organisation_id, plan pl JOIN room r ON r.id = pl.room_id "
    "WHERE s.token_hash = $1 AND pl.id = $2"
)
INSERT_COMMENT = (
    "INSERT INTO plan_comment (plan_id, section_id, parent_id, version_number, author_id, "
    "organisation_id, body, created_at, edited_at) "
    "VALUES ($1, $2, NULL, $3, $4, $5, $6, $7, NULL) RETURNING id"
)
INSERT_EVIDENCE = (
    "INSERT INTO evidence (occurred_at, organisation_id, person_id, kind, process, room_id, "
    "object_type, object_id, link, details) "
    "VALUES ($1, $2, $3, 'comment_made', $4, $5, 'plan_comment', $6, $7, '{}')"
)


def _qmark(sql: str) -> str:
    """PostgreSQL's numbered parameters as SQLite's ``?`` (each statement here has them in
    order)."""
    for n in range(9, 0, -1):
        sql = sql.replace(f"${n}", "?")
    return sql


def create_app(database_url: str) -> Starlette:
    env = Environment(autoescape=True)
    page = env.from_string(PAGE)
    answer = env.from_string(ANSWER)
    state: dict[str, Any] = {}
    sqlite = database_url.startswith("sqlite")

    async def fetch(sql: str, *args: Any) -> list[dict[str, Any]]:
        if sqlite:
            connection: aiosqlite.Connection = state["db"]
            cursor = await connection.execute(_qmark(sql), args)
            rows = await cursor.fetchall()
            return [dict(r) for r in rows]
        async with state["pool"].acquire() as connection:
            return [dict(r) for r in await connection.fetch(sql, *args)]

    async def plan_page(request: Request) -> HTMLResponse:
        plan_id = int(request.path_params["plan_id"])
        [plan] = await fetch(PLAN, plan_id)
        sections = await fetch(SECTIONS, plan_id, plan["latest_version"])
        comments: dict[int, list[dict[str, Any]]] = {s["id"]: [] for s in sections}
        for row in await fetch(COMMENTS, plan_id):
            comments.setdefault(row["section_id"], []).append(row)
        html = page.render(
            plan=plan, sections=sections, comments=comments, menu=MENU, person="Erik Öberg"
        )
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    async def comment(request: Request) -> HTMLResponse | PlainTextResponse:
        plan_id = int(request.path_params["plan_id"])
        section_id = int(request.path_params["section_id"])
        body = str((await request.form()).get("body", ""))
        token = request.cookies.get("pp_session", "")
        writer_rows = await fetch(WRITER, hashlib.sha256(token.encode()).hexdigest(), plan_id)
        if not writer_rows or not body:
            return PlainTextResponse("", status_code=400)
        w = writer_rows[0]
        # The yardstick is not the portal: no exercise clock (PORTAL_NOW) to ask.
        now = datetime.now(UTC)  # noqa: TID251
        values = (plan_id, section_id, w["latest_version"], w["person_id"], w["organisation_id"])
        link = f"/rum/{w['room_id']}/planer/{plan_id}#kommentar-"

        def evidence(stamp: object, comment_id: int) -> tuple[object, ...]:
            who = (w["organisation_id"], w["person_id"], w["process"], w["room_id"])
            return (stamp, *who, comment_id, f"{link}{comment_id}")

        if sqlite:
            db: aiosqlite.Connection = state["db"]
            stamp = now.replace(tzinfo=None).isoformat(" ")
            async with state["writer"]:
                await db.execute("BEGIN IMMEDIATE")
                cursor = await db.execute(_qmark(INSERT_COMMENT), (*values, body, stamp))
                row = await cursor.fetchone()
                assert row is not None
                comment_id = row[0]
                await db.execute(_qmark(INSERT_EVIDENCE), evidence(stamp, comment_id))
                await db.commit()
        else:
            async with state["pool"].acquire() as pg, pg.transaction():
                comment_id = await pg.fetchval(INSERT_COMMENT, *values, body, now)
                await pg.execute(INSERT_EVIDENCE, *evidence(now, comment_id))
        c = {
            "id": comment_id,
            "author": w["author"],
            "organisation": w["organisation"],
            "created_at": now,
            "body": body,
        }
        return HTMLResponse(answer.render(c=c), headers={"Cache-Control": "no-store"})

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if sqlite:
            state["db"] = await aiosqlite.connect(database_url.split(":///", 1)[1])
            state["db"].row_factory = aiosqlite.Row
            state["writer"] = asyncio.Lock()
            await state["db"].execute("PRAGMA journal_mode=WAL")
            await state["db"].execute("PRAGMA synchronous=NORMAL")
            await state["db"].execute("PRAGMA foreign_keys=ON")
            await state["db"].execute("PRAGMA busy_timeout=5000")
        else:
            dsn = database_url.replace("postgresql+asyncpg://", "postgresql://")
            state["pool"] = await asyncpg.create_pool(dsn, min_size=1, max_size=5)
        yield
        if sqlite:
            await state["db"].close()
        else:
            await state["pool"].close()

    return Starlette(
        routes=[
            Route("/plan/{plan_id:int}", plan_page),
            Route(
                "/rum/{room_id:int}/planer/{plan_id:int}/avsnitt/{section_id:int}/kommentarer",
                comment,
                methods=["POST"],
            ),
        ],
        lifespan=lifespan,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    # The same server and options as `partner-portal serve`.
    uvicorn.run(create_app(args.database_url), host="127.0.0.1", port=args.port, log_level="info")


if __name__ == "__main__":
    main()
