"""Rules for saving a questionnaire's answers. Each function owns its transaction and commits.

Like every deliverable (partner_portal.deliverables.service): it takes an ItemProgress the
rooms layer loaded after checking that the person may work on it; nothing changes once it is
handed in; nothing is stored under a "confidential – metadata only" label. The life after
saving — handed in, sent back, approved — is the rooms' (rooms.progress), as for every item.
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.platform import clock
from partner_portal.platform.errors import Invalid, NotFound
from partner_portal.platform.i18n import gettext as _
from partner_portal.questionnaires import queries
from partner_portal.questionnaires.models import QuestionnaireAnswers
from partner_portal.questionnaires.questions import check, parse
from partner_portal.rooms.models import (
    Classification,
    ItemKind,
    ItemProgress,
    ProgressStatus,
    RoomItem,
)

_HANDED_IN = frozenset({ProgressStatus.SUBMITTED, ProgressStatus.APPROVED})
_STARTS_WORK = frozenset({ProgressStatus.NOT_STARTED, ProgressStatus.RETURNED})


async def save_answers(
    db: AsyncSession,
    *,
    progress: ItemProgress,
    posted: Mapping[str, list[str]],
    actor_id: int,
) -> None:
    """Save the organisation's answers (the whole form at once) as the deliverable's draft: it
    stays changeable until it is handed in. Every required question must be answered, a
    per-service question once for each of the organisation's entries in the register.

    Side effects: the questionnaire_answers row; the progress becomes in progress (from not
    started or returned) and records who changed it when. Commits. Raises Invalid (key
    "progress") when the deliverable cannot change or is labelled confidential, Invalid (keys
    "q-…", one per field) for answers the questions refuse; NotFound for an item that is not a
    questionnaire.
    """
    if progress.status in _HANDED_IN:
        raise Invalid(
            {
                "progress": _(
                    "Underlaget är inlämnat och kan inte ändras. Be samordnaren skicka tillbaka "
                    "det om något behöver rättas."
                )
            }
        )
    if progress.classification is Classification.CONFIDENTIAL_METADATA_ONLY:
        raise Invalid(
            {
                "progress": _(
                    "Underlaget är märkt konfidentiellt – endast metadata. Innehållet lämnas "
                    "till kommunen på annat sätt och sparas inte i portalen."
                )
            }
        )
    item = (
        await db.execute(
            sa.select(col(RoomItem.kind), col(RoomItem.questions)).where(
                col(RoomItem.id) == progress.item_id
            )
        )
    ).one()
    if item.kind is not ItemKind.QUESTIONNAIRE:
        raise NotFound()
    answers, errors = check(
        parse(item.questions), await queries.services(db, progress.organisation_id), posted
    )
    if errors:
        raise Invalid(errors)
    assert progress.id is not None
    for attempt in range(2):
        row = await db.scalar(
            sa.select(QuestionnaireAnswers).where(
                col(QuestionnaireAnswers.progress_id) == progress.id
            )
        )
        if row is None:
            row = QuestionnaireAnswers(progress_id=progress.id, room_id=progress.room_id)
            db.add(row)
        row.answers = dict(answers)
        row.updated_at = clock.now()
        row.updated_by = actor_id
        try:
            await db.flush()
        except IntegrityError:
            # Two first saves at once: the other one made the row; write into that one.
            await db.rollback()
            await db.refresh(progress)
            if attempt:
                raise
            continue
        break
    if progress.status in _STARTS_WORK:
        progress.status = ProgressStatus.IN_PROGRESS
    progress.updated_at = clock.now()
    progress.updated_by = actor_id
    await db.commit()
