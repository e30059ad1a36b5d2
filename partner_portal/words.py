"""The words for stored values, composed: each feature registers its own in its ``words.py``
(partner_portal/platform/labels.py says how), and a new one is an import and an entry here.

Whatever renders templates (the app, the job runner, devtools' seeding, the tests) imports
this module first, so that ``labels.<table>`` has every feature's words.
"""

from __future__ import annotations

from partner_portal.actions import words as actions
from partner_portal.attachments import words as attachments
from partner_portal.audit import words as audit
from partner_portal.auth import words as identity
from partner_portal.consultations import words as consultations
from partner_portal.contacts import words as contacts
from partner_portal.digests import words as digests
from partner_portal.evidence import words as evidence
from partner_portal.failed_mail import words as failed_mail
from partner_portal.followthrough import words as followthrough
from partner_portal.followup import words as followup
from partner_portal.forums import words as forums
from partner_portal.frg import words as frg
from partner_portal.meetings import words as meetings
from partner_portal.organisations import words as organisations
from partner_portal.plans import words as plans
from partner_portal.polls import words as polls
from partner_portal.privacy import words as privacy
from partner_portal.rooms import words as rooms
from partner_portal.vital_services import words as vital_services

# Imported for what importing them does: each module registers its words.
FEATURES = (
    audit,
    evidence,
    identity,
    organisations,
    rooms,
    attachments,
    plans,
    consultations,
    actions,
    meetings,
    frg,
    followup,
    followthrough,
    privacy,
    failed_mail,
    digests,
    polls,
    vital_services,
    forums,
    contacts,
)
