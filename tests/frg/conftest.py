from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.frg.factories import make_group, make_lead
from tests.helpers import Persona


@pytest.fixture
async def group(db: AsyncSession) -> int:
    return await make_group(db)


@pytest.fixture
async def lead(db: AsyncSession, group: int) -> Persona:
    return await make_lead(db, group)
