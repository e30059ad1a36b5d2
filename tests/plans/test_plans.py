"""Plans: publishing versions, comparing them, comments and their edit window, "changed since
you commented", evidence, and a constant number of queries per page."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.audit.models import AuditAction, AuditEvent
from partner_portal.evidence.models import Evidence, EvidenceKind, Process
from partner_portal.organisations.models import MembershipRole
from partner_portal.plans import overview
from partner_portal.plans.access import plan_for, plan_thread_for
from partner_portal.plans.forms import without_numbering
from partner_portal.plans.models import PlanComment, PlanSection, PlanVersion, PlanVersionSection
from partner_portal.platform import clock
from partner_portal.web import csrf_matches
from tests.helpers import Persona, as_current, csrf_token, log_in
from tests.organisations.factories import add_member
from tests.plans.factories import comment, edit_section, publish_draft, remove_section
from tests.queries import QueryCounter
from tests.rooms.factories import accept
from tests.test_fragments import renders_of


def plan_url(world: dict[str, int]) -> str:
    return f"/rum/{world['room_id']}/planer/{world['plan_id']}"


async def test_publishing_copies_the_draft_into_a_numbered_version(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
) -> None:
    await edit_section(
        db, alice, world["room_id"], world["plan_id"], world["section_id"], "Ansvar", "Nytt."
    )
    await log_in(client, app, alice)
    response = await client.post(
        f"{plan_url(world)}/publicera",
        data={"csrf_token": await csrf_token(client, app), "note": "Ansvar förtydligat"},
    )
    await db.rollback()
    versions = (
        await db.execute(
            sa.select(col(PlanVersion.number), col(PlanVersion.note), col(PlanVersion.published_by))
            .where(col(PlanVersion.plan_id) == world["plan_id"])
            .order_by(col(PlanVersion.number))
        )
    ).all()
    changed = (
        await db.execute(
            sa.select(col(PlanVersionSection.heading), col(PlanVersionSection.changed))
            .join(PlanVersion, col(PlanVersion.id) == col(PlanVersionSection.version_id))
            .where(col(PlanVersion.number) == 2)
            .order_by(col(PlanVersionSection.position))
        )
    ).all()
    audited = await db.scalar(
        sa.select(sa.func.count()).where(col(AuditEvent.action) == AuditAction.PLAN_PUBLISHED)
    )

    assert response.status_code == 303
    assert response.headers["location"] == plan_url(world)
    assert [(v.number, v.note, v.published_by) for v in versions] == [
        (1, "", alice.id),
        (2, "Ansvar förtydligat", alice.id),
    ]
    assert [tuple(c) for c in changed] == [("Ansvar", True), ("Prioritering", False)]
    assert audited == 2


async def test_an_unchanged_draft_is_not_published_again(
    app: Starlette, client: httpx.AsyncClient, world: dict[str, int], alice: Persona
) -> None:
    await log_in(client, app, alice)
    response = await client.post(
        f"{plan_url(world)}/publicera", data={"csrf_token": await csrf_token(client, app)}
    )

    assert response.status_code == 400
    assert "Utkastet är likadant som version 1." in response.text


async def test_readers_see_the_published_text_not_the_draft(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
) -> None:
    await edit_section(
        db, alice, world["room_id"], world["plan_id"], world["section_id"], "Utkastrubrik", "U"
    )
    await log_in(client, app, bob)
    page = await client.get(plan_url(world))

    assert "Ansvar och mandat" in page.text
    assert "Utkastrubrik" not in page.text


async def test_two_versions_compare_section_by_section(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
) -> None:
    await edit_section(
        db,
        alice,
        world["room_id"],
        world["plan_id"],
        world["section_id"],
        "Ansvar och mandat",
        "Kommunen leder arbetet.\n\nVA-huvudmannen levererar <b>vatten</b> i tankar.",
    )
    await publish_draft(db, alice, world["room_id"], world["plan_id"])
    await log_in(client, app, bob)
    response = await client.get(f"{plan_url(world)}/jamfor", params={"fran": 1, "till": 2})
    one_version = await client.get(f"{plan_url(world)}/jamfor", params={"fran": 1, "till": 9})
    text = response.text

    assert response.status_code == 200
    assert "Jämför version 1 och 2" in text
    assert (
        '<ins class="portal-diff__added"><span class="sr-only">[tillagt: </span>&lt;b&gt;<' in text
    )
    assert '<span class="sr-only">[tillagt: </span>&lt;/b&gt; i tankar<' in text
    assert "<b>vatten" not in text
    assert text.count("Oförändrat") == 1  # Prioritering
    assert text.count(">Ändrat<") == 1
    assert one_version.status_code == 404


async def test_compare_shows_the_formatted_text_with_the_changes_marked(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
) -> None:
    await edit_section(
        db,
        alice,
        world["room_id"],
        world["plan_id"],
        world["section_id"],
        "Ansvar och mandat",
        "Kommunen **leder** arbetet.\n\n- Tankar\n- Reservkraft\n\n"
        "[Läs mer](javascript:alert(1)) <script>alert(2)</script>",
    )
    await publish_draft(db, alice, world["room_id"], world["plan_id"])
    await log_in(client, app, bob)

    text = (await client.get(f"{plan_url(world)}/jamfor", params={"fran": 1, "till": 2})).text
    section = text.split('id="diff-', 1)[1].split("</section>", 1)[0]

    assert "**" not in section  # no raw Markdown
    assert "<strong>leder</strong>" in section
    assert "<ul>" in section
    assert "<li>" in section
    # The removed paragraph is struck through and said to be removed, the list added.
    assert (
        '<del class="portal-diff__removed"><span class="sr-only">[borttaget: </span>'
        "<p>VA-huvudmannen levererar vatten.</p>"
    ) in section
    assert '<li><ins class="portal-diff__added"><span class="sr-only">[tillagt: </span>Tankar' in (
        section
    )
    # Sanitised as the plan itself is: no script, no javascript: link.
    assert "<script" not in section
    assert 'href="javascript' not in section
    assert "&lt;script&gt;" in section


async def test_a_typed_number_before_a_heading_is_not_doubled(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
) -> None:
    await log_in(client, app, alice)
    response = await client.post(
        f"{plan_url(world)}/utkast/avsnitt/{world['section_id']}",
        data={"csrf_token": await csrf_token(client, app), "heading": "1. Syfte", "body": "Text"},
    )
    draft = (await client.get(f"{plan_url(world)}/utkast")).text

    assert response.status_code == 303
    assert "1. Syfte" in draft
    assert "1. 1. Syfte" not in draft
    await db.rollback()
    heading = await db.scalar(
        sa.select(col(PlanSection.heading)).where(col(PlanSection.id) == world["section_id"])
    )
    assert heading == "Syfte"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("1. Syfte", "Syfte"),
        ("2) Ansvar", "Ansvar"),
        ("3.1 Mål och medel", "Mål och medel"),
        ("112 och larmvägar", "112 och larmvägar"),
        ("2026 års plan", "2026 års plan"),
        ("Steg 1. Förbered", "Steg 1. Förbered"),
        ("1.", "1."),
    ],
)
def test_only_a_number_typed_before_the_heading_is_removed(typed: str, kept: str) -> None:
    assert without_numbering(typed) == kept


async def test_compare_marks_added_and_removed_sections(
    app: Starlette,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
) -> None:
    from partner_portal.plans import service
    from partner_portal.plans.service import SectionInput

    actor = as_current(alice, coordinator=True)
    access = await plan_for(db, actor, world["room_id"], world["plan_id"])
    await service.remove_section(db, actor=actor, access=access, section_id=world["second_section"])
    await service.add_section(
        db, actor=actor, access=access, data=SectionInput("Resurser", "Tankar", 1)
    )
    await publish_draft(db, alice, world["room_id"], world["plan_id"])

    access = await plan_for(db, actor, world["room_id"], world["plan_id"])
    _old, _new, changes, _versions = await overview.compare(db, access, 1, 2)

    assert [(c.heading_new or c.heading_old, c.state) for c in changes] == [
        ("Resurser", "added"),
        ("Ansvar och mandat", "same"),
        ("Prioritering", "removed"),
    ]


async def test_a_comment_names_its_author_and_organisation_and_is_evidence(
    app: Starlette, db: AsyncSession, world: dict[str, int], bob: Persona
) -> None:
    comment_id = await comment(
        db, app, bob, world["room_id"], world["plan_id"], world["section_id"], "Vi har en tank."
    )
    evidence = (
        await db.execute(sa.select(Evidence).where(col(Evidence.kind) == "comment_made"))
    ).one()[0]

    assert evidence.kind is EvidenceKind.COMMENT_MADE
    assert evidence.organisation_id == world["organisation_id"]
    assert evidence.person_id == bob.id
    assert evidence.process is Process.NODVATTEN
    assert evidence.room_id == world["room_id"]
    assert evidence.link == f"{plan_url(world)}#kommentar-{comment_id}"
    assert (evidence.object_type, evidence.object_id) == ("plan_comment", comment_id)


async def test_replies_thread_under_the_comment_they_answer(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
) -> None:
    first = await comment(
        db, app, bob, world["room_id"], world["plan_id"], world["section_id"], "Fråga?"
    )
    reply = await comment(
        db, app, alice, world["room_id"], world["plan_id"], world["section_id"], "Svar.",
        coordinator=True, parent_id=first,
    )  # fmt: skip
    reply_to_reply = await comment(
        db, app, bob, world["room_id"], world["plan_id"], world["section_id"], "Tack.",
        parent_id=reply,
    )  # fmt: skip
    await log_in(client, app, bob)
    page = (await client.get(plan_url(world))).text

    parents = {
        row.id: row.parent_id
        for row in await db.execute(sa.select(col(PlanComment.id), col(PlanComment.parent_id)))
    }
    assert parents == {first: None, reply: first, reply_to_reply: first}
    replies = page.split(f'id="kommentar-{first}"', 1)[1].split('class="portal-replies"', 1)[1]
    assert replies.index(f'id="kommentar-{reply}"') < replies.index(
        f'id="kommentar-{reply_to_reply}"'
    )
    assert "3 kommentarer" in page


async def test_each_thread_has_a_reply_form_of_its_own(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
) -> None:
    """One reply form is remembered for the section; each thread's id and author are filled in."""
    ids = world["room_id"], world["plan_id"], world["section_id"]
    bobs = await comment(db, app, bob, *ids, "Fråga?")
    alices = await comment(db, app, alice, *ids, "Synpunkt.", coordinator=True)
    await log_in(client, app, bob)
    page = (await client.get(plan_url(world))).text

    forms = re.findall(
        r'<span class="sr-only"> på kommentaren av ([^<]+)</span>.*?'
        r'name="parent_id" value="(\d+)".*?<label class="label" for="svar-(\d+)"',
        page,
        re.DOTALL,
    )
    assert forms == [
        (bob.name, str(bobs), str(bobs)),
        (alice.name, str(alices), str(alices)),
    ]


async def test_the_author_edits_a_comment_within_the_window_and_it_shows_as_edited(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    bob: Persona,
) -> None:
    comment_id = await comment(
        db, app, bob, world["room_id"], world["plan_id"], world["section_id"], "Första"
    )
    url = f"{plan_url(world)}/kommentarer/{comment_id}/redigera"
    await log_in(client, app, bob)
    before = (await client.get(plan_url(world))).text  # the comment's article is now remembered
    form = await client.get(url)
    saved = await client.post(
        url, data={"csrf_token": await csrf_token(client, app), "body": "Andra"}
    )
    page = (await client.get(plan_url(world))).text
    await db.rollback()
    audit = (
        await db.execute(
            sa.select(col(AuditEvent.details)).where(
                col(AuditEvent.action) == AuditAction.PLAN_COMMENT_EDITED
            )
        )
    ).scalar_one()

    assert "Första" in before
    assert form.status_code == 200
    assert saved.status_code == 303
    assert saved.headers["location"] == f"{plan_url(world)}#kommentar-{comment_id}"
    assert "Andra" in page
    assert "Första" not in page
    assert '<span class="badge badge--default">redigerad</span>' in page
    assert audit == {"earlier_text": "Första"}


async def test_a_comment_cannot_be_edited_after_fifteen_minutes(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    bob: Persona,
) -> None:
    comment_id = await comment(
        db, app, bob, world["room_id"], world["plan_id"], world["section_id"], "Första"
    )
    await db.execute(
        sa.update(PlanComment)
        .where(col(PlanComment.id) == comment_id)
        .values(created_at=clock.now() - timedelta(minutes=15, seconds=1))
    )
    await db.commit()
    url = f"{plan_url(world)}/kommentarer/{comment_id}/redigera"
    await log_in(client, app, bob)
    page = (await client.get(plan_url(world))).text
    refused = await client.post(
        url, data={"csrf_token": await csrf_token(client, app), "body": "Andra"}
    )
    await db.rollback()

    assert f"/kommentarer/{comment_id}/redigera" not in page
    assert refused.status_code == 400
    assert "En kommentar kan bara ändras de första 15 minuterna." in refused.text
    assert await db.scalar(sa.select(col(PlanComment.body))) == "Första"


async def test_only_the_author_edits_a_comment(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
) -> None:
    comment_id = await comment(
        db, app, bob, world["room_id"], world["plan_id"], world["section_id"], "Bobs"
    )
    url = f"{plan_url(world)}/kommentarer/{comment_id}/redigera"
    await log_in(client, app, bob)
    authors_page = (await client.get(plan_url(world))).text  # his threads are now remembered
    await log_in(client, app, alice)
    others_page = (await client.get(plan_url(world))).text

    # The section's threads are one remembered fragment: the author's link to change his
    # comment is not in the one another reader gets, and each page has its own reader's token.
    assert f"/kommentarer/{comment_id}/redigera" in authors_page
    assert f"/kommentarer/{comment_id}/redigera" not in others_page
    token = await csrf_token(client, app)
    tokens = re.findall(r'name="csrf_token" value="([^"]+)"', others_page)
    assert tokens
    assert all(csrf_matches(value, token) for value in tokens)
    assert (await client.get(url)).status_code == 404
    posted = await client.post(url, data={"csrf_token": await csrf_token(client, app), "body": "x"})
    assert posted.status_code == 404


@pytest.mark.parametrize("edit_again", [False, True])
async def test_a_reader_sees_changed_since_you_commented(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
    edit_again: bool,
) -> None:
    room_id, plan_id = world["room_id"], world["plan_id"]
    await comment(db, app, bob, room_id, plan_id, world["section_id"], "Oklart vem som leder.")
    await log_in(client, app, bob)
    before = (await client.get(plan_url(world))).text
    await edit_section(
        db, alice, room_id, plan_id, world["section_id"], "Ansvar och mandat", "Krisledningen."
    )
    await edit_section(db, alice, room_id, plan_id, world["second_section"], "Prio", "Ny")
    await publish_draft(db, alice, room_id, plan_id)
    if edit_again:  # commenting on the new text clears the mark
        await comment(db, app, bob, room_id, plan_id, world["section_id"], "Nu är det klart.")
    after = (await client.get(plan_url(world))).text
    await log_in(client, app, alice)
    for_alice = (await client.get(plan_url(world))).text

    assert "Ändrad sedan du kommenterade." not in before
    assert after.count("Ändrad sedan du kommenterade.") == (0 if edit_again else 1)
    first_section = after.split('class="portal-plan-section"')[1]
    assert ("Ändrad sedan du kommenterade." in first_section) is not edit_again
    assert "Ändrad sedan du kommenterade." not in for_alice  # she has not commented
    # The comment stays attached to its section in the new version.
    assert "Oklart vem som leder." in first_section


async def test_comments_on_a_removed_section_stay_readable(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
) -> None:
    await comment(
        db, app, bob, world["room_id"], world["plan_id"], world["second_section"], "Sjukhus först!"
    )
    await remove_section(db, alice, world["room_id"], world["plan_id"], world["second_section"])
    await publish_draft(db, alice, world["room_id"], world["plan_id"])
    await log_in(client, app, bob)
    page = (await client.get(plan_url(world))).text
    old = (await client.get(plan_url(world), params={"version": 1})).text

    elsewhere = page.split("Kommentarer på avsnitt som inte finns i den här versionen", 1)[1]
    assert "Prioritering" in elsewhere
    assert "Sjukhus först!" in elsewhere
    assert "Sjukhus först!" in old
    assert "Du läser en äldre version." in old


async def test_the_plan_page_takes_four_statements_whatever_the_comments(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    bob: Persona,
    query_counter: QueryCounter,
) -> None:
    room_id, plan_id = world["room_id"], world["plan_id"]
    await log_in(client, app, bob)

    await comment(db, app, bob, room_id, plan_id, world["section_id"], "1")
    few = await query_counter.for_page(client, plan_url(world))
    for n in range(20):
        section = world["section_id"] if n % 2 else world["second_section"]
        await comment(db, app, bob, room_id, plan_id, section, f"Kommentar {n}")
    many = await query_counter.for_page(client, plan_url(world))
    page = (await client.get(plan_url(world))).text

    # The session; access (room, memberships, plan) with the versions beside it; the
    # version's sections; the comments. No BEGIN: a page that only reads begins no
    # transaction on SQLite.
    assert few == many == 4
    assert page.count('class="portal-comment"') == 21


async def test_a_sections_comment_fragment_takes_two_statements_whatever_the_comments(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    bob: Persona,
    query_counter: QueryCounter,
) -> None:
    room_id, plan_id, section_id = world["room_id"], world["plan_id"], world["section_id"]
    await log_in(client, app, bob)
    fragment = f"{plan_url(world)}/avsnitt/{section_id}/kommentarer"

    none = await query_counter.for_page(client, fragment)
    empty = (await client.get(fragment)).text
    for n in range(12):
        await comment(db, app, bob, room_id, plan_id, section_id, f"Kommentar {n}")
    many = await query_counter.for_page(client, fragment)
    full = (await client.get(fragment)).text

    assert none == many == 2  # the session; access with the section and its comments beside it
    assert (empty.count('class="portal-comment"'), full.count('class="portal-comment"')) == (0, 12)
    assert [f"Kommentar {n}" in full for n in range(12)] == [True] * 12
    assert full.index("Kommentar 0") < full.index("Kommentar 11")  # oldest first


async def test_a_comment_is_written_in_its_sections_one_read_and_answered_without_reading_again(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
    query_counter: QueryCounter,
) -> None:
    room_id, plan_id, section_id = world["room_id"], world["plan_id"], world["section_id"]
    await comment(db, app, alice, room_id, plan_id, section_id, "Först", coordinator=True)
    await comment(db, app, bob, room_id, plan_id, section_id, "Sedan")
    elsewhere = await comment(db, app, bob, room_id, plan_id, world["second_section"], "Där")
    await log_in(client, app, bob)
    url = f"{plan_url(world)}/avsnitt/{section_id}/kommentarer"
    headers = {"HX-Request": "true", "HX-Target": f"kommentarer-{section_id}"}
    token = await csrf_token(client, app)

    with query_counter.counting() as statements:
        posted = await client.post(url, data={"csrf_token": token, "body": "Nu"}, headers=headers)
    wrong_thread = await client.post(
        url,
        data={"csrf_token": token, "body": "Svar", "parent_id": str(elsewhere)},
        headers=headers,
    )
    await db.rollback()
    new = await db.scalar(sa.select(sa.func.max(col(PlanComment.id))))

    # The session; access with the section, its count and the thread the comment joins beside
    # it; the comment (its author's and organisation's names returned with it); its evidence.
    # Nothing after.
    # (Beside them: SQLite's BEGIN IMMEDIATE; PostgreSQL's live event, a pg_notify.)
    heads = [s.split()[0] + " " + s.split()[1 + s.startswith("INSERT")] for s in statements]
    assert [h for h in heads if not h.startswith(("BEGIN", "SELECT pg_notify("))] == [
        "SELECT login_session.id,",
        "SELECT a.id,",
        "INSERT plan_comment",
        "INSERT evidence",
    ]
    assert posted.status_code == 200
    # The new comment's thread alone, added to the end of the section's list, with the focus on
    # the new comment; the section's head (the count) out of band.
    assert posted.headers["HX-Retarget"] == f"#kommentarer-{section_id}-tradar"
    assert posted.headers["HX-Reswap"] == "beforeend"
    answer = posted.text
    assert answer.lstrip().startswith(f'<li class="portal-thread" id="trad-{new}">')
    assert [int(i) for i in re.findall(r'<article id="kommentar-(\d+)"', answer)] == [new]
    assert answer.count("data-focus-after-swap") == 1
    focused = f'<article id="kommentar-{new}" class="portal-comment" aria-labelledby='
    assert f'{focused}"kommentar-{new}-av" tabindex="-1" data-focus-after-swap' in answer
    new_article = answer.split(f'<article id="kommentar-{new}"', 1)[1].split("</article>", 1)[0]
    assert f"<strong>{bob.name}</strong>, AB Botkyrkabyggen" in new_article
    assert "Nu" in new_article
    assert f'name="parent_id" value="{new}"' in answer  # its reply form
    status = answer.split(f'<div id="kommentarer-{section_id}-status" hx-swap-oob="true">', 1)[1]
    assert "3 kommentarer" in status.split("</div>", 1)[0]
    assert wrong_thread.status_code == 400
    assert "Kommentaren du svarar på finns inte i avsnittet." in wrong_thread.text
    assert await db.scalar(sa.select(sa.func.count()).select_from(PlanComment)) == 4


async def test_a_comment_reads_the_thread_it_joins_and_the_count_not_the_section(
    app: Starlette,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
) -> None:
    """What a comment reads before it writes does not grow with its section: a new thread reads
    no comment, a reply its own thread (whichever of its comments it answers), each with the
    section's count beside; a comment of another section is no thread here."""
    ids = world["room_id"], world["plan_id"], world["section_id"]
    first = await comment(db, app, alice, *ids, "Först", coordinator=True)
    answer = await comment(db, app, bob, *ids, "Svar", parent_id=first)
    other = await comment(db, app, bob, *ids, "Annat")
    await comment(db, app, bob, *ids, "Svar på annat", parent_id=other)
    elsewhere = await comment(
        db, app, bob, world["room_id"], world["plan_id"], world["second_section"], "Där"
    )
    reader = as_current(bob)

    async def read(parent_id: int | None) -> tuple[list[int], int | None]:
        _access, section = await plan_thread_for(db, reader, *ids, parent_id)
        assert section is not None
        return [c.id for c in section.comments], section.total

    assert await read(None) == ([], 4)
    assert await read(first) == ([first, answer], 4)
    assert await read(answer) == ([first, answer], 4)  # a reply to a reply joins the thread
    assert await read(elsewhere) == ([], 4)
    assert await read(10**9) == ([], 4)


async def test_an_answer_renders_only_the_thread_the_comment_joins(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The answer to a comment in a section that has some is the new comment's thread alone:
    a new thread's one comment, or the thread a reply joins put in its place — the other
    threads are neither rendered nor sent, and the reply form, one for the section, is looked
    up (an answer that renders or sends the section's other threads fails this)."""
    ids = world["room_id"], world["plan_id"], world["section_id"]
    alices = await comment(db, app, alice, *ids, "Först", coordinator=True)
    bobs = await comment(db, app, bob, *ids, "Sedan")
    await log_in(client, app, bob)
    await client.get(plan_url(world))  # the section's threads and reply form remembered
    url = f"{plan_url(world)}/avsnitt/{world['section_id']}/kommentarer"
    headers = {"HX-Request": "true", "HX-Target": f"kommentarer-{world['section_id']}"}
    token = await csrf_token(client, app)
    rendered = renders_of(app.state.portal.templates, monkeypatch)

    new_thread = await client.post(url, data={"csrf_token": token, "body": "Ny"}, headers=headers)
    by_new_thread = list(rendered)
    rendered.clear()
    reply = await client.post(
        url, data={"csrf_token": token, "body": "Svar", "parent_id": str(alices)}, headers=headers
    )
    await db.rollback()
    answered = await db.scalar(sa.select(sa.func.max(col(PlanComment.id))))

    assert new_thread.status_code == reply.status_code == 200
    assert by_new_thread == ["plans/_thread.html", "plans/_comment.html"]
    assert rendered == ["plans/_thread.html", "plans/_comment.html", "plans/_comment.html"]
    assert reply.headers["HX-Retarget"] == f"#trad-{alices}"
    assert reply.headers["HX-Reswap"] == "outerHTML"
    in_reply = [int(i) for i in re.findall(r'<article id="kommentar-(\d+)"', reply.text)]
    assert in_reply == [alices, answered]
    assert bobs not in in_reply
    assert reply.text.count('name="parent_id"') == 1  # the thread's own reply form
    assert f'name="parent_id" value="{alices}"' in reply.text
    assert "4 kommentarer" in reply.text


async def test_a_sections_first_comment_goes_into_the_empty_list_and_no_comments_yet_goes(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    bob: Persona,
) -> None:
    """Before the first comment the section's list is there, empty (hidden by CSS while it is),
    for the answer to add to; "no comments yet" is in the head the answer swaps."""
    await log_in(client, app, bob)
    section_id = world["section_id"]
    page = await client.get(plan_url(world))
    posted = await client.post(
        f"{plan_url(world)}/avsnitt/{section_id}/kommentarer",
        data={"csrf_token": await csrf_token(client, app), "body": "Först"},
        headers={"HX-Request": "true", "HX-Target": f"kommentarer-{section_id}"},
    )

    empty = f'<ol class="portal-thread-list" id="kommentarer-{section_id}-tradar"></ol>'
    assert empty in page.text
    head = f'<div id="kommentarer-{section_id}-status"'
    assert "Inga kommentarer ännu." in page.text.split(head, 1)[1].split(empty, 1)[0]
    assert posted.status_code == 200
    assert posted.headers["HX-Retarget"] == f"#kommentarer-{section_id}-tradar"
    assert posted.headers["HX-Reswap"] == "beforeend"
    assert posted.text.count('<article id="kommentar-') == 1
    assert posted.text.count("data-focus-after-swap") == 1
    oob = posted.text.split(f'{head} hx-swap-oob="true">', 1)[1]
    assert "1 kommentar<" in oob
    assert "Inga kommentarer ännu." not in oob


async def test_a_comment_after_a_refused_one_takes_the_error_away(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
) -> None:
    """The refusal is shown in the section's head; the answer to the next comment replaces that
    head out of band, without it."""
    ids = world["room_id"], world["plan_id"], world["section_id"]
    await comment(db, app, alice, *ids, "Först", coordinator=True)
    await log_in(client, app, bob)
    section_id = world["section_id"]
    url = f"{plan_url(world)}/avsnitt/{section_id}/kommentarer"
    headers = {"HX-Request": "true", "HX-Target": f"kommentarer-{section_id}"}
    token = await csrf_token(client, app)

    refused = await client.post(url, data={"csrf_token": token, "body": " "}, headers=headers)
    taken = await client.post(url, data={"csrf_token": token, "body": "Nu"}, headers=headers)

    head = f'<div id="kommentarer-{section_id}-status"'
    assert refused.status_code == 400
    assert "Skriv en kommentar." in refused.text.split(head, 1)[1].split("<h3", 1)[0]
    assert taken.status_code == 200
    oob = taken.text.split(f'{head} hx-swap-oob="true">', 1)[1].split("</div>\n", 1)[0]
    assert 'role="alert"' not in oob
    assert "2 kommentarer" in oob


async def test_a_section_no_longer_in_the_latest_version_takes_no_comments(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
) -> None:
    await remove_section(db, alice, world["room_id"], world["plan_id"], world["second_section"])
    await publish_draft(db, alice, world["room_id"], world["plan_id"])
    await log_in(client, app, bob)

    posted = await client.post(
        f"{plan_url(world)}/avsnitt/{world['second_section']}/kommentarer",
        data={"csrf_token": await csrf_token(client, app), "body": "Sent"},
    )
    await db.rollback()

    assert posted.status_code == 404
    assert await db.scalar(sa.select(sa.func.count()).select_from(PlanComment)) == 0


async def test_a_section_of_a_plan_in_another_room_is_not_found_though_its_comments_exist(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    bob: Persona,
) -> None:
    room_id, plan_id, section_id = world["room_id"], world["plan_id"], world["section_id"]
    await comment(db, app, bob, room_id, plan_id, section_id, "Synlig bara i rummet")
    await log_in(client, app, bob)
    other_room = room_id + 1000

    wrong_room = await client.get(
        f"/rum/{other_room}/planer/{plan_id}/avsnitt/{section_id}/kommentarer"
    )
    wrong_page = await client.get(f"/rum/{other_room}/planer/{plan_id}")

    assert (wrong_room.status_code, wrong_page.status_code) == (404, 404)
    assert "Synlig bara i rummet" not in wrong_room.text + wrong_page.text


async def test_a_comment_makes_the_organisation_active_in_the_boards_follow_up(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
) -> None:
    await log_in(client, app, alice)
    before = (await client.get("/uppfoljning")).text
    await comment(db, app, bob, world["room_id"], world["plan_id"], world["section_id"], "Ok")
    after = (await client.get("/uppfoljning")).text

    assert "Aktiv i dialogen" not in before.split("<tbody", 1)[1].split("</tbody>")[0]
    assert "Aktiv i dialogen" in after.split("<tbody", 1)[1].split("</tbody>")[0]


async def test_a_person_of_two_organisations_in_the_room_sees_each_comment_and_version_once(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    bob: Persona,
) -> None:
    """Access is one row per organisation the person acts for in the room; the page's data
    read beside it must not come twice."""
    room_id, plan_id, section_id = world["room_id"], world["plan_id"], world["section_id"]
    await add_member(db, bob, world["invited_organisation"], MembershipRole.ADMIN)
    await accept(db, bob, room_id, world["invited_organisation"])
    await comment(db, app, bob, room_id, plan_id, section_id, "En gång")
    await log_in(client, app, bob)

    page = (await client.get(plan_url(world))).text
    fragment = (await client.get(f"{plan_url(world)}/avsnitt/{section_id}/kommentarer")).text
    room = (await client.get(f"/rum/{room_id}")).text

    assert page.count('class="portal-comment"') == fragment.count('class="portal-comment"') == 1
    assert page.count("En gång") == fragment.count("En gång") == 1
    assert room.count("Upplev Botkyrka AB</th>") == room.count("AB Botkyrkabyggen</th>") == 1
