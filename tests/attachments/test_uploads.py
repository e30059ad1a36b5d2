"""Uploading files into a room: limits while reading, type by content and extension, storage
outside static/ under generated names, downloads only through the access check."""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.attachments import storage
from partner_portal.attachments.models import Attachment
from partner_portal.audit.models import AuditEvent
from partner_portal.evidence.models import Evidence, EvidenceKind
from partner_portal.jobs import housekeeping
from partner_portal.organisations.models import MembershipRole
from partner_portal.platform.ratelimit import RateLimiter
from tests.attachments import files
from tests.conftest import app_with
from tests.helpers import BASE_URL, Persona, csrf_token, log_in, make_person
from tests.organisations.factories import add_member, make_organisation
from tests.rooms.factories import accept, invite, open_room


@pytest.fixture
async def world(
    app: Starlette, db: AsyncSession, alice: Persona, bob: Persona, charlie: Persona
) -> dict[str, int]:
    """Bob and Dave act for organisations in the room; Charlie's is not in it."""
    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    upplev = await make_organisation(db, "Upplev Botkyrka AB")
    outside = await make_organisation(db, "Utanför AB")
    dave = await make_person(db, "Dave Dahl")
    await add_member(db, bob, byggen, MembershipRole.ADMIN)
    await add_member(db, dave, upplev, MembershipRole.ADMIN)
    await add_member(db, charlie, outside, MembershipRole.ADMIN)
    room_id = await open_room(db, alice)
    await invite(db, app, alice, room_id, byggen, upplev)
    await accept(db, bob, room_id, byggen)
    await accept(db, dave, room_id, upplev)
    return {"room_id": room_id, "byggen": byggen, "upplev": upplev, "dave": dave.id}


def store_of(app: Starlette) -> storage.Store:
    return storage.store_for(app.state.portal.settings)


def stored_files(app: Starlette) -> dict[str, bytes]:
    """What the app's file store holds, by key (read through the store, whichever it is)."""
    store = store_of(app)
    found = {}
    for entry in store.entries():
        opened = store.open(entry.key)
        try:
            found[entry.key] = opened.read(entry.size + 1)
        finally:
            opened.close()
    return found


def leftovers(app: Starlette) -> list[str]:
    """Whatever is left of uploads: files under ``<data dir>/uploads`` (received or stored
    there), and the files in an object store."""
    uploads = Path(app.state.portal.settings.data_dir) / "uploads"
    found = [str(p) for p in uploads.rglob("*") if p.is_file()] if uploads.exists() else []
    store = store_of(app)
    if not isinstance(store, storage.LocalStore):
        found += [store.describe() + entry.key for entry in store.entries()]
    return found


async def post_files(
    client: httpx.AsyncClient,
    app: Starlette,
    room_id: int,
    uploads: list[tuple[str, bytes]],
    **fields: str,
) -> httpx.Response:
    data = {"csrf_token": await csrf_token(client, app), "classification": "internal", **fields}
    return await client.post(
        f"/rum/{room_id}/filer",
        data=data,
        files=[("file", (name, content, "application/octet-stream")) for name, content in uploads],
    )


async def count_attachments(db: AsyncSession) -> int:
    await db.rollback()
    return int(await db.scalar(sa.select(sa.func.count()).select_from(Attachment)) or 0)


async def test_a_partner_uploads_a_file_which_is_stored_under_a_generated_name(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, world: dict[str, int], bob: Persona
) -> None:
    await log_in(client, app, bob)

    response = await post_files(client, app, world["room_id"], [("Yttrande å Ö.pdf", files.PDF)])

    assert response.status_code == 303
    assert response.headers["location"] == f"/rum/{world['room_id']}/filer?sparat=1"
    await db.rollback()
    row = (await db.execute(sa.select(Attachment))).scalar_one()
    assert row.original_name == "Yttrande å Ö.pdf"
    assert row.media_type == "application/pdf"
    assert row.size == len(files.PDF)
    assert row.organisation_id == world["byggen"]
    assert row.storage_key is not None
    assert "Yttrande" not in row.storage_key
    assert stored_files(app) == {row.storage_key: files.PDF}
    evidence = (await db.execute(sa.select(Evidence))).scalars().all()
    assert [e.kind for e in evidence if e.kind is EvidenceKind.FILE_UPLOADED] == [
        EvidenceKind.FILE_UPLOADED
    ]
    page = await client.get(f"/rum/{world['room_id']}/filer")
    assert "Yttrande å Ö.pdf" in page.text


async def test_download_is_an_attachment_with_nosniff_and_audited(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    bob: Persona,
    alice: Persona,
) -> None:
    await log_in(client, app, bob)
    await post_files(client, app, world["room_id"], [("plan.pdf", files.PDF)])
    await db.rollback()
    file_id = await db.scalar(sa.select(col(Attachment.id)))

    await log_in(client, app, alice)
    response = await client.get(f"/rum/{world['room_id']}/filer/{file_id}")

    assert response.status_code == 200
    assert response.content == files.PDF
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'attachment; filename="plan.pdf"'
    assert response.headers["x-content-type-options"] == "nosniff"
    await db.rollback()
    actions = (await db.execute(sa.select(col(AuditEvent.action)))).scalars().all()
    assert "file_downloaded" in actions


async def test_download_is_not_found_outside_the_room_and_asks_anonymous_to_log_in(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    bob: Persona,
    charlie: Persona,
) -> None:
    await log_in(client, app, bob)
    await post_files(client, app, world["room_id"], [("plan.pdf", files.PDF)])
    await db.rollback()
    file_id = await db.scalar(sa.select(col(Attachment.id)))
    url = f"/rum/{world['room_id']}/filer/{file_id}"

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE_URL
    ) as anonymous:
        assert (await anonymous.get(url)).status_code == 303
    await log_in(client, app, charlie)
    outsider = await client.get(url)
    listing = await client.get(f"/rum/{world['room_id']}/filer")

    assert outsider.status_code == 404
    assert "plan.pdf" not in outsider.text
    assert listing.status_code == 404


async def test_a_file_id_from_another_room_is_not_found(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
) -> None:
    await log_in(client, app, bob)
    await post_files(client, app, world["room_id"], [("plan.pdf", files.PDF)])
    await db.rollback()
    file_id = await db.scalar(sa.select(col(Attachment.id)))
    second_room = await open_room(db, alice, name="Styrel 2027")
    await log_in(client, app, alice)

    response = await client.get(f"/rum/{second_room}/filer/{file_id}")

    assert response.status_code == 404


@pytest.fixture
async def small_limit_client(app: Starlette) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    limited = app_with(app, upload_max_mb=1)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=limited), base_url=BASE_URL
    ) as client:
        yield limited, client
    await limited.state.portal.engine.dispose()


async def test_a_file_of_exactly_the_limit_is_accepted_one_byte_more_is_refused(
    small_limit_client: tuple[Starlette, httpx.AsyncClient],
    db: AsyncSession,
    world: dict[str, int],
    bob: Persona,
) -> None:
    app, client = small_limit_client
    await log_in(client, app, bob)
    limit = 1024 * 1024
    exact = b"a" * limit
    over = exact + b"a"

    refused = await post_files(client, app, world["room_id"], [("stor.txt", over)])
    assert refused.status_code == 413
    assert "är större än 1 MB" in refused.text
    assert leftovers(app) == []
    assert await count_attachments(db) == 0

    accepted = await post_files(client, app, world["room_id"], [("lagom.txt", exact)])
    assert accepted.status_code == 303
    assert await count_attachments(db) == 1


@pytest.mark.parametrize(
    ("name", "content", "status", "message"),
    [
        ("bild.pdf", files.PNG, 415, "stämmer inte med filändelsen"),
        ("dokument.docx", files.PDF, 415, "stämmer inte med filändelsen"),
        ("text.txt", b"hej\x00\x01binary", 415, "stämmer inte med filändelsen"),
        ("program.exe", b"MZ\x90\x00", 415, "filtyp som inte tas emot"),
        ("../../etc/passwd.pdf", files.PDF, 400, "får inte innehålla sökvägar"),
        ("C:\\Users\\x\\plan.pdf", files.PDF, 400, "får inte innehålla sökvägar"),
        ("bomb.docx", files.zip_bomb_docx(), 400, "packas upp till orimligt mycket data"),
        ("tom.pdf", b"", 400, "är tom"),
        ("trasig.docx", b"PK\x03\x04" + b"\x00" * 40, 415, "stämmer inte med filändelsen"),
    ],
)
async def test_refused_files_leave_nothing_behind(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    bob: Persona,
    name: str,
    content: bytes,
    status: int,
    message: str,
) -> None:
    await log_in(client, app, bob)

    response = await post_files(
        client, app, world["room_id"], [("ok.pdf", files.PDF), (name, content)]
    )

    assert response.status_code == status
    assert message in response.text
    assert "Filen kunde inte tas emot" in response.text
    assert leftovers(app) == []
    assert await count_attachments(db) == 0


async def test_a_real_docx_is_accepted(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, world: dict[str, int], bob: Persona
) -> None:
    await log_in(client, app, bob)

    response = await post_files(client, app, world["room_id"], [("yttrande.docx", files.docx())])

    assert response.status_code == 303
    assert await count_attachments(db) == 1


async def test_too_many_files_are_refused(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, world: dict[str, int], bob: Persona
) -> None:
    await log_in(client, app, bob)

    response = await post_files(
        client, app, world["room_id"], [(f"fil{n}.pdf", files.PDF) for n in range(6)]
    )

    assert response.status_code == 413
    assert "Högst 5 filer" in response.text
    assert leftovers(app) == []
    assert await count_attachments(db) == 0


async def test_confidential_metadata_only_refuses_content_and_records_the_fact(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, world: dict[str, int], bob: Persona
) -> None:
    await log_in(client, app, bob)

    refused = await post_files(
        client,
        app,
        world["room_id"],
        [("elanvandare.pdf", files.PDF)],
        classification="confidential_metadata_only",
        title="Elanvändare",
        note="Rekommenderat brev 3 mars",
    )
    recorded = await post_files(
        client,
        app,
        world["room_id"],
        [],
        classification="confidential_metadata_only",
        title="Elanvändare",
        note="Rekommenderat brev 3 mars",
    )

    assert refused.status_code == 422
    assert "tas inte emot i portalen" in refused.text
    assert recorded.status_code == 303
    assert leftovers(app) == []
    await db.rollback()
    row = (await db.execute(sa.select(Attachment))).scalar_one()
    assert (row.storage_key, row.size, row.note) == (None, None, "Rekommenderat brev 3 mars")
    assert (await client.get(f"/rum/{world['room_id']}/filer/{row.id}")).status_code == 404


async def test_a_form_without_a_file_says_so(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, world: dict[str, int], bob: Persona
) -> None:
    await log_in(client, app, bob)

    response = await post_files(client, app, world["room_id"], [("", b"")])

    assert response.status_code == 400
    assert "Välj minst en fil." in response.text


async def test_an_upload_without_the_csrf_token_is_refused_before_it_is_stored(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, world: dict[str, int], bob: Persona
) -> None:
    await log_in(client, app, bob)

    response = await client.post(
        f"/rum/{world['room_id']}/filer",
        data={"classification": "internal"},
        files=[("file", ("plan.pdf", files.PDF, "application/pdf"))],
    )

    assert response.status_code == 403
    assert leftovers(app) == []
    assert await count_attachments(db) == 0


async def test_the_other_organisation_in_the_room_sees_the_rooms_files(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, world: dict[str, int], bob: Persona
) -> None:
    await log_in(client, app, bob)
    await post_files(client, app, world["room_id"], [("plan.pdf", files.PDF)])
    await db.rollback()
    file_id = await db.scalar(sa.select(col(Attachment.id)))
    dave = Persona(world["dave"], "Dave Dahl", "dave@example.se")
    await log_in(client, app, dave)

    response = await client.get(f"/rum/{world['room_id']}/filer/{file_id}")

    assert response.status_code == 200


async def test_housekeeping_sweeps_upload_directories_a_killed_process_left(
    app: Starlette, db: AsyncSession
) -> None:
    settings = app.state.portal.settings
    tmp = Path(settings.data_dir) / "uploads" / "tmp"
    old, fresh = tmp / "old", tmp / "fresh"
    for directory in (old, fresh):
        directory.mkdir(parents=True)
        (directory / "1").write_bytes(b"half a file")
    two_hours_ago = time.time() - 7200  # noqa: TID251 (file times are the system's)
    os.utime(old, (two_hours_ago, two_hours_ago))

    await housekeeping(db, settings)

    assert not old.exists()
    assert (fresh / "1").exists()


async def test_uploads_are_rate_limited_per_person(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, world: dict[str, int], bob: Persona
) -> None:
    app.state.portal.upload_limiter = RateLimiter(2, 3600)
    await log_in(client, app, bob)

    statuses = [
        (await post_files(client, app, world["room_id"], [(f"{n}.pdf", files.PDF)])).status_code
        for n in range(3)
    ]

    assert statuses == [303, 303, 429]
    assert await count_attachments(db) == 2
