"""The programme's follow-up questions as data: programme versions, their questions (each with
the rule that answers it from the evidence) and the coordinator's written answers to the
questions the portal has no evidence for.

Seeds Trygghets- och säkerhetsprogram 2021–2024 with focus area 4.2's questions a–g exactly as
the report asked them before (the same Swedish texts), and focus area 4.1's questions about the
municipality's own förvaltningar (nämnder): the guidelines, the drinking-water plan, STYREL,
RSA, and — written by the coordinator — the exercises and training. The data is frozen here, as
it was decided; later revisions are new versions made in the portal.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


THE_PROGRAMMES = ["kommunalt_bolag", "stiftelse", "samverkansorgan"]
NAMNDER = ["forvaltning"]

SECTIONS = [
    {
        "number": "4.1",
        "sv": "Stärka krisberedskapen genom övning och tydliga arbetssätt",
        "en": "Strengthening crisis preparedness through exercises and clear ways of working",
    },
    {
        "number": "4.2",
        "sv": "Stärka kommunens motståndskraft genom dialog med externa parter",
        "en": "Strengthening the municipality's resilience through dialogue with external parties",
    },
]

# (section, point, rule, process, kinds, Swedish, English)
QUESTIONS: list[tuple[str, str, str, str | None, list[str], str, str]] = [
    (
        "4.1",
        "a",
        "manual",
        None,
        NAMNDER,
        "Utbildar och övar de berörda nämnderna enligt övnings- och utbildningsplanen?",
        "Do the committees concerned train and exercise according to the exercise and "
        "training plan?",
    ),
    (
        "4.1",
        "b",
        "participation",
        "riktlinjer",
        NAMNDER,
        "Deltog nämnderna i arbetet med riktlinjerna för trygghets- och säkerhetsarbetet?",
        "Did the committees take part in the work on the guidelines for safety and security work?",
    ),
    (
        "4.1",
        "c",
        "participation",
        "nodvatten",
        NAMNDER,
        "Deltog de berörda nämnderna i arbetet med nödvattenplanen?",
        "Did the committees concerned take part in the work on the emergency drinking water plan?",
    ),
    (
        "4.1",
        "d",
        "participation",
        "el_styrel",
        NAMNDER,
        "Är de berörda nämnderna med i styrelarbetet?",
        "Do the committees concerned take part in the STYREL work?",
    ),
    (
        "4.1",
        "e",
        "participation",
        "rsa",
        NAMNDER,
        "Deltog nämnderna i risk- och sårbarhetsanalysen?",
        "Did the committees take part in the risk and vulnerability analysis?",
    ),
    (
        "4.2",
        "a",
        "participation",
        "nodvatten",
        THE_PROGRAMMES,
        "Deltog bolagen, stiftelserna och samverkansorganen i arbetet med nödvattenplanen?",
        "Did the companies, foundations and collaboration bodies take part in the work on the "
        "emergency drinking water plan?",
    ),
    (
        "4.2",
        "b",
        "participation",
        "el_styrel",
        THE_PROGRAMMES,
        "Deltog bolagen, stiftelserna och samverkansorganen i styrelarbetet?",
        "Did the companies, foundations and collaboration bodies take part in the STYREL work?",
    ),
    (
        "4.2",
        "c",
        "participation",
        "riktlinjer",
        THE_PROGRAMMES,
        "Deltog bolagen, stiftelserna och samverkansorganen i arbetet med riktlinjerna?",
        "Did the companies, foundations and collaboration bodies take part in the work on the "
        "guidelines?",
    ),
    (
        "4.2",
        "d",
        "dialogue",
        "hojd_beredskap",
        [],
        "Är dialogen etablerad i planeringen för höjd beredskap?",
        "Is the dialogue established in the planning for heightened preparedness?",
    ),
    (
        "4.2",
        "e",
        "dialogue_any",
        None,
        ["frg"],
        "Är dialogen etablerad med Frivilliga resursgruppen (FRG)?",
        "Is the dialogue established with the voluntary resource group (FRG)?",
    ),
    (
        "4.2",
        "f",
        "dialogue",
        "samverkan",
        [],
        "Är samverkan etablerad i de stående forumen?",
        "Is collaboration established in the standing forums?",
    ),
    (
        "4.2",
        "g",
        "participation",
        "rsa",
        THE_PROGRAMMES,
        "Deltog bolagen, stiftelserna och samverkansorganen i risk- och sårbarhetsanalysen?",
        "Did the companies, foundations and collaboration bodies take part in the risk and "
        "vulnerability analysis?",
    ),
]


def upgrade() -> None:
    programme = op.create_table(
        "programme_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("decision", sa.String(200), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        _fk("programme_version", "created_by", "person"),
        sa.PrimaryKeyConstraint("id", name="pk_programme_version"),
    )
    op.create_index("ix_programme_version_valid_from", "programme_version", ["valid_from"])
    question = op.create_table(
        "followup_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(10), nullable=False),
        sa.Column("point", sa.String(10), nullable=False),
        sa.Column("text_sv", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("rule", sa.String(32), nullable=False),
        sa.Column("process", sa.String(32), nullable=True),
        sa.Column("kinds", sa.JSON(), nullable=False),
        _fk("followup_question", "programme_id", "programme_version"),
        sa.PrimaryKeyConstraint("id", name="pk_followup_question"),
        sa.UniqueConstraint(
            "programme_id", "position", name="uq_followup_question_programme_id_position"
        ),
        sa.UniqueConstraint(
            "programme_id",
            "section",
            "point",
            name="uq_followup_question_programme_id_section_point",
        ),
    )
    op.create_table(
        "followup_manual_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("written_at", _TS, nullable=False),
        sa.Column("written_by", sa.Integer(), nullable=True),
        _fk("followup_manual_answer", "question_id", "followup_question"),
        _fk("followup_manual_answer", "written_by", "person"),
        sa.PrimaryKeyConstraint("id", name="pk_followup_manual_answer"),
        sa.UniqueConstraint(
            "question_id",
            "first_day",
            "last_day",
            name="uq_followup_manual_answer_question_id_first_day_last_day",
        ),
    )
    op.execute(
        programme.insert().values(
            id=1,
            name="Trygghets- och säkerhetsprogram 2021–2024",
            decision=None,
            valid_from=date(2021, 1, 1),
            valid_to=date(2024, 12, 31),
            sections=SECTIONS,
            created_at=sa.func.now(),
            created_by=None,
        )
    )
    op.execute(
        question.insert().values(
            [
                {
                    "programme_id": 1,
                    "position": position,
                    "section": section,
                    "point": point,
                    "rule": rule,
                    "process": process,
                    "kinds": kinds,
                    "text_sv": sv,
                    "text_en": en,
                }
                for position, (section, point, rule, process, kinds, sv, en) in enumerate(
                    QUESTIONS, start=1
                )
            ]
        )
    )
    if op.get_bind().dialect.name == "postgresql":
        # The seeded row took id 1 explicitly: the next version gets 2.
        op.execute(
            "SELECT setval(pg_get_serial_sequence('programme_version', 'id'), "
            "(SELECT max(id) FROM programme_version))"
        )


def downgrade() -> None:
    op.drop_table("followup_manual_answer")
    op.drop_table("followup_question")
    op.drop_index("ix_programme_version_valid_from", table_name="programme_version")
    op.drop_table("programme_version")
