"""What a background job is: the shape of the jobs registry.

Each feature declares its periodic jobs in its own ``jobs.py`` (a :class:`Job` each);
partner_portal/jobs.py lists them in one place and runs them — in-process under ``serve``,
in ``partner-portal worker``, and once each in ``worker --once``. A job is idempotent: it finds
what is due at ``ctx.now`` and does it once, so running it again (or on two machines in turn)
does nothing more. It commits its own work.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.platform.settings import Settings


@dataclass(frozen=True, slots=True)
class JobContext:
    settings: Settings
    mail: Environment  # the templates mails are rendered from
    now: datetime  # the instant the round runs at (the portal's clock)


@dataclass(frozen=True, slots=True)
class Done:
    """What one run of a job did: how many things (logged when some), and the line
    ``worker --once`` prints ("" for a job with nothing to tell)."""

    count: int
    line: str = ""


@dataclass(frozen=True, slots=True)
class Job:
    name: str  # short, for logs and failures: "frg-availability"
    run: Callable[[AsyncSession, JobContext], Awaitable[Done]]
