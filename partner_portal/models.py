"""Every table, imported in one place so Alembic and tests see the whole schema."""

from partner_portal.actions.models import Action
from partner_portal.attachments.models import Attachment
from partner_portal.audit.models import AuditEvent
from partner_portal.auth.models import LoginAttempt, LoginSession, Person, RoleGrant
from partner_portal.consultations.models import (
    Consultation,
    ConsultationRecipient,
    ConsultationResponse,
    Statement,
)
from partner_portal.contacts.models import CrisisPerson, OrganisationContact
from partner_portal.deliverables.models import (
    ConnectionPoint,
    ReadinessStatus,
    StyrelUser,
    WaterNeed,
)
from partner_portal.digests.models import DigestSent
from partner_portal.evidence.models import Evidence
from partner_portal.followup.api_tokens import ApiToken
from partner_portal.followup.programme_models import (
    FollowupQuestion,
    ManualAnswer,
    ProgrammeVersion,
)
from partner_portal.forums.models import Agreement, AgreementCommitment, AgreementVersion
from partner_portal.frg.models import (
    Absence,
    Callout,
    FrgGroup,
    FrgInvitation,
    FrgSkill,
    Recipient,
    Volunteer,
    VolunteerSkill,
    WeeklySlot,
)
from partner_portal.mail.models import OutboxMessage
from partner_portal.mail.preference_models import MailPreference, UnsubscribeLink
from partner_portal.meetings.models import (
    CalendarFeed,
    Meeting,
    MeetingDecision,
    MeetingOrganisation,
    MeetingPerson,
    MeetingSeries,
    SeriesOccurrence,
)
from partner_portal.organisations.models import Invitation, Membership, Organisation
from partner_portal.plans.models import (
    Plan,
    PlanComment,
    PlanSection,
    PlanVersion,
    PlanVersionSection,
)
from partner_portal.polls.models import (
    DatePoll,
    DatePollAnswer,
    DatePollLink,
    DatePollOption,
    DatePollOrganisation,
)
from partner_portal.questionnaires.models import QuestionnaireAnswers
from partner_portal.reminders.models import ReminderSent
from partner_portal.rooms.models import (
    ItemProgress,
    Participation,
    ProcessTemplate,
    Room,
    RoomItem,
    RoomPhase,
    TemplateItem,
    TemplatePhase,
)
from partner_portal.vital_services.models import (
    VitalService,
    VitalServiceDependency,
    VitalServicePoint,
    VitalServiceVersion,
)

__all__ = [
    "Absence",
    "Action",
    "Agreement",
    "AgreementCommitment",
    "AgreementVersion",
    "ApiToken",
    "Attachment",
    "AuditEvent",
    "CalendarFeed",
    "Callout",
    "ConnectionPoint",
    "Consultation",
    "ConsultationRecipient",
    "ConsultationResponse",
    "CrisisPerson",
    "DatePoll",
    "DatePollAnswer",
    "DatePollLink",
    "DatePollOption",
    "DatePollOrganisation",
    "DigestSent",
    "Evidence",
    "FollowupQuestion",
    "FrgGroup",
    "FrgInvitation",
    "FrgSkill",
    "Invitation",
    "ItemProgress",
    "LoginAttempt",
    "LoginSession",
    "MailPreference",
    "ManualAnswer",
    "Meeting",
    "MeetingDecision",
    "MeetingOrganisation",
    "MeetingPerson",
    "MeetingSeries",
    "Membership",
    "Organisation",
    "OrganisationContact",
    "OutboxMessage",
    "Participation",
    "Person",
    "Plan",
    "PlanComment",
    "PlanSection",
    "PlanVersion",
    "PlanVersionSection",
    "ProcessTemplate",
    "ProgrammeVersion",
    "QuestionnaireAnswers",
    "ReadinessStatus",
    "Recipient",
    "ReminderSent",
    "RoleGrant",
    "Room",
    "RoomItem",
    "RoomPhase",
    "SeriesOccurrence",
    "Statement",
    "StyrelUser",
    "TemplateItem",
    "TemplatePhase",
    "UnsubscribeLink",
    "VitalService",
    "VitalServiceDependency",
    "VitalServicePoint",
    "VitalServiceVersion",
    "Volunteer",
    "VolunteerSkill",
    "WaterNeed",
    "WeeklySlot",
]
