"""Words for stored values: every value a template labels has its words in Swedish and English,
registered by the feature that defines it (partner_portal/platform/labels.py)."""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import pytest
from jinja2 import DictLoader

from partner_portal.actions.models import ActionStatus
from partner_portal.audit.models import AuditAction
from partner_portal.consultations.models import Decision
from partner_portal.evidence.models import EvidenceKind, Process
from partner_portal.followup.levels import Level
from partner_portal.followup.programme_models import QuestionRule
from partner_portal.forums.models import AgreementField
from partner_portal.mail.preference_models import DigestFrequency, MailCategory
from partner_portal.meetings.models import Rsvp
from partner_portal.organisations.invitation_states import InvitationState
from partner_portal.organisations.models import MembershipRole, OrganisationKind
from partner_portal.platform import i18n, labels
from partner_portal.platform.labels import LABELS
from partner_portal.platform.resources import resource_dir
from partner_portal.platform.templating import create_environment
from partner_portal.polls.models import PollAnswer
from partner_portal.reminders.models import Owed, Step
from partner_portal.rooms.models import (
    Classification,
    ItemKind,
    ParticipationStatus,
    ProgressStatus,
)
from partner_portal.rooms.status import CellState, PhaseState
from partner_portal.vital_services.models import (
    CheckKind,
    Dependency,
    EntryField,
    Sector,
    VersionAction,
)

# Each table of words and the enums whose values it names. A new table needs its enums here.
WORDS: Mapping[str, tuple[type[enum.StrEnum], ...]] = {
    "kinds": (OrganisationKind,),
    "roles": (MembershipRole,),
    "invitation_states": (InvitationState,),
    "audit_actions": (AuditAction,),
    "processes": (Process,),
    "evidence": (EvidenceKind,),
    "progress": (ProgressStatus, CellState),
    "item_kinds": (ItemKind,),
    "participation": (ParticipationStatus,),
    "classifications": (Classification,),
    "phase_states": (PhaseState,),
    "levels": (Level,),
    "question_rules": (QuestionRule,),
    "decisions": (Decision,),
    "rsvp": (Rsvp,),
    "poll_answers": (PollAnswer,),
    "action_status": (ActionStatus,),
    "owed": (Owed,),
    "reminder_steps": (Step,),
    "digest_frequencies": (DigestFrequency,),
    "mail_categories": (MailCategory,),
    "sectors": (Sector,),
    "dependencies": (Dependency,),
    "register_versions": (VersionAction,),
    "register_fields": (EntryField,),
    "register_checks": (CheckKind,),
    "agreement_fields": (AgreementField,),
}
BADGES: Mapping[str, tuple[type[enum.StrEnum], ...]] = {
    "invitation_badges": (InvitationState,),
    "progress_badges": (ProgressStatus, CellState),
    "action_badges": (ActionStatus,),
}


@contextmanager
def language(code: str) -> Iterator[None]:
    token = i18n.current_language.set(code)
    try:
        yield
    finally:
        i18n.current_language.reset(token)


def values(enums: tuple[type[enum.StrEnum], ...]) -> set[str]:
    return {member.value for e in enums for member in e}


def test_every_registered_table_is_checked_here() -> None:
    assert sorted(dir(LABELS)) == sorted({*WORDS, *BADGES})


@pytest.mark.parametrize("table", sorted(WORDS))
def test_every_value_has_words_in_swedish_and_english(table: str) -> None:
    with language("sv"):
        swedish = dict(getattr(LABELS, table))
    with language("en"):
        english = dict(getattr(LABELS, table))

    assert set(swedish) == values(WORDS[table]), "each value has words, and no words are stray"
    assert set(english) == set(swedish)
    untranslated = sorted(v for v in swedish if not english[v] or english[v] == swedish[v])
    assert untranslated == [], "translate these in locale/en/LC_MESSAGES/messages.po"


@pytest.mark.parametrize("table", sorted(BADGES))
def test_every_state_has_a_badge_the_same_in_every_language(table: str) -> None:
    with language("sv"):
        swedish = dict(getattr(LABELS, table))
    with language("en"):
        english = dict(getattr(LABELS, table))

    assert set(swedish) == values(BADGES[table])
    assert english == swedish
    assert all(badge.startswith("badge--") for badge in swedish.values())


def test_a_table_is_translated_once_per_language() -> None:
    with language("en"):
        english = LABELS.kinds
        assert LABELS.kinds is english
        assert english["polis"] == "Police"
    with language("sv"):
        assert LABELS.kinds["polis"] == "Polis"


def test_audit_actions_merge_every_features_words() -> None:
    with language("sv"):
        actions = LABELS.audit_actions
    assert actions["login"] == "Inloggning"  # auth
    assert actions["room_opened"] == "Planeringsrum öppnat"  # rooms
    assert actions["frg_callout_sent"] == "FRG-utlarmning skickad"  # frg


def test_two_features_may_not_give_words_for_the_same_value() -> None:
    def polis() -> Mapping[str, str]:
        return {"polis": "Polisen", "tull": "Tullverket"}

    with pytest.raises(labels.WordsClash, match=r"labels\.kinds: .*'polis'.*already gave"):
        labels.words("kinds")(polis)
    with pytest.raises(labels.WordsClash, match=r"labels\.action_badges: .*'done'"):
        labels.fixed("action_badges", {"done": "badge--error"})

    # Refused whole: nothing of either was registered.
    assert "tull" not in LABELS.kinds
    assert LABELS.action_badges["done"] == "badge--success"


def test_a_table_no_feature_registered_says_so_even_in_a_template() -> None:
    with pytest.raises(labels.NoSuchTable, match=r"import partner_portal\.words"):
        LABELS.no_such_table  # noqa: B018 (the look-up is the test)

    env = create_environment(resource_dir("templates"))
    env.loader = DictLoader({"t.html": "{{ labels.no_such_table['x'] }}"})
    with pytest.raises(labels.NoSuchTable):
        env.get_template("t.html").render()
