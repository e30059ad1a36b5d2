"""Saving a person's own settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.auth.service import set_language
from partner_portal.auth.sessions import CurrentPerson


@dataclass(frozen=True, slots=True)
class PreferencesInput:
    language: str  # one of i18n.LANGUAGES (the form checks it)


async def save(db: AsyncSession, *, actor: CurrentPerson, data: PreferencesInput) -> None:
    """Side effects: the person's language (their pages and their mail). Commits."""
    await set_language(db, actor.id, data.language)
