"""Files' background job: what a killed process left behind is cleared (the registry is
partner_portal/platform/schedule.py)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.attachments import storage
from partner_portal.attachments.reconcile import reconcile
from partner_portal.platform.schedule import Done, Job, JobContext

# A request may still own a directory or a stored file this young.
ABANDONED_UPLOAD_AGE = timedelta(hours=1)


async def _clear_abandoned_uploads(db: AsyncSession, ctx: JobContext) -> Done:
    """Remove upload directories and stored files a killed process left behind (and, in an
    object store, its unfinished multipart uploads), and report attachments whose file is
    missing (partner_portal.attachments.reconcile)."""
    age = ABANDONED_UPLOAD_AGE.total_seconds()
    store = storage.store_for(ctx.settings)
    swept = await asyncio.to_thread(storage.sweep_abandoned, ctx.settings.data_dir, age)
    await asyncio.to_thread(store.sweep, age)
    await reconcile(db, store, older_than_seconds=age)
    await db.commit()
    return Done(swept, f"abandoned upload directories removed: {swept}")


ABANDONED_UPLOADS = Job("abandoned-uploads", _clear_abandoned_uploads)
