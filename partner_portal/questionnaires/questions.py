"""Questions as data, and the rules of their answers (pure functions, no database).

A template item of the kind ``questionnaire`` carries its questions as a JSON list; each is an
object with ``key``, ``kind`` (one of ``Kind``), ``label``, and optionally ``help``,
``required``, ``options`` (``[[value, label], …]`` for a choice), ``unit`` (for a number) and
``per_service`` (asked once for each of the organisation's entries in the register of vital
services). The question texts are template data in Swedish, like the templates' names.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from partner_portal.platform.i18n import gettext as _

MAX_TEXT = 2000
_NUMBER = re.compile(r"^\d{1,9}(?:[.,]\d{1,3})?$")


class Kind(enum.StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    CHOICES = "choices"  # several choices
    NUMBER = "number"  # with a unit
    DATE = "date"
    YES_NO = "yes_no"


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    kind: Kind
    label: str
    help: str = ""
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()
    unit: str = ""
    per_service: bool = False

    def option_label(self, value: str) -> str:
        return dict(self.options).get(value, value)


@dataclass(frozen=True, slots=True)
class Service:
    """An entry of the organisation's register, as a per-service question names it."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Asked:
    """One field on the form: a question, once, or for one vital service."""

    question: Question
    service: Service | None

    @property
    def key(self) -> str:
        return f"{self.question.key}@{self.service.id}" if self.service else self.question.key

    @property
    def field(self) -> str:
        return f"q-{self.question.key}" + (f"-{self.service.id}" if self.service else "")

    @property
    def title(self) -> str:
        """The question, with the vital service it is asked about."""
        if self.service is None:
            return self.question.label
        return f"{self.question.label} – {self.service.name}"


def parse(raw: Sequence[Mapping[str, Any]] | None) -> tuple[Question, ...]:
    """The item's questions; raises ValueError for data that is not a question (a template
    written wrongly is a programming error, not the user's)."""
    questions = []
    for item in raw or ():
        questions.append(
            Question(
                key=str(item["key"]),
                kind=Kind(item["kind"]),
                label=str(item["label"]),
                help=str(item.get("help", "")),
                required=bool(item.get("required", False)),
                options=tuple((str(v), str(label)) for v, label in item.get("options", ())),
                unit=str(item.get("unit", "")),
                per_service=bool(item.get("per_service", False)),
            )
        )
    if len({q.key for q in questions}) != len(questions):
        raise ValueError("two questions share a key")
    return tuple(questions)


def asked(questions: Sequence[Question], services: Sequence[Service]) -> list[Asked]:
    """Every field of the form, in order: a per-service question once per vital service."""
    fields: list[Asked] = []
    for question in questions:
        if question.per_service:
            fields.extend(Asked(question, service) for service in services)
        else:
            fields.append(Asked(question, None))
    return fields


def _required(field: Asked) -> str:
    if field.service is not None:
        return _("Svara på frågan för %(service)s.") % {"service": field.service.name}
    return _("Svara på frågan.")


def _one(field: Asked, values: Sequence[str]) -> tuple[str | list[str] | None, str | None]:
    """The answer to one field, or the message beside it."""
    question = field.question
    values = [v.strip() for v in values if v.strip()]
    if question.kind is Kind.CHOICES:
        allowed = {value for value, _label in question.options}
        if any(v not in allowed for v in values):
            return None, _("Välj bland alternativen.")
        chosen = [v for v, _label in question.options if v in values]
        if not chosen:
            return None, _required(field) if question.required else None
        return chosen, None
    value = values[0] if values else ""
    if not value:
        return None, _required(field) if question.required else None
    if question.kind is Kind.TEXT:
        if len(value) > MAX_TEXT:
            return None, _("Svaret får vara högst %(n)s tecken.") % {"n": MAX_TEXT}
        return value, None
    if question.kind is Kind.CHOICE:
        if value not in {v for v, _label in question.options}:
            return None, _("Välj ett av alternativen.")
        return value, None
    if question.kind is Kind.YES_NO:
        if value not in ("yes", "no"):
            return None, _("Välj ja eller nej.")
        return value, None
    if question.kind is Kind.NUMBER:
        if not _NUMBER.match(value):
            return None, _("Ange ett tal som är noll eller större, till exempel 12 eller 12,5.")
        return value.replace(".", ","), None
    try:
        return date.fromisoformat(value).isoformat(), None
    except ValueError:
        return None, _("Ange ett datum som ÅÅÅÅ-MM-DD, till exempel 2027-03-15.")


def check(
    questions: Sequence[Question], services: Sequence[Service], posted: Mapping[str, list[str]]
) -> tuple[dict[str, str | list[str]], dict[str, str]]:
    """The answers the form gives (by answer key) and the errors (by field name)."""
    answers: dict[str, str | list[str]] = {}
    errors: dict[str, str] = {}
    for field in asked(questions, services):
        answer, error = _one(field, posted.get(field.field, []))
        if error:
            errors[field.field] = error
        elif answer is not None:
            answers[field.key] = answer
    return answers, errors


def shown(question: Question, answer: Any, *, yes_no: tuple[str, str] | None = None) -> str:
    """An answer in words, as the page and the exports show it (the exports pass their own
    Swedish ``yes_no``, whatever the reader's language)."""
    if answer is None or answer == "" or answer == []:
        return ""
    if question.kind is Kind.CHOICES:
        return ", ".join(question.option_label(v) for v in answer)
    if question.kind is Kind.CHOICE:
        return question.option_label(str(answer))
    if question.kind is Kind.YES_NO:
        yes, no = yes_no or (_("Ja"), _("Nej"))
        return yes if answer == "yes" else no
    if question.kind is Kind.NUMBER and question.unit:
        return f"{answer} {question.unit}"
    return str(answer)
