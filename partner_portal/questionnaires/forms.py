"""Parsing a questionnaire's form: every field named ``q-…``, with all its values (several
choices post one value each). The rules of the answers are questions.check's."""

from __future__ import annotations

from starlette.datastructures import FormData

MAX_FIELDS = 2000
MAX_VALUE = 5000


def posted(form: FormData) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for name in form:
        if not name.startswith("q-") or len(fields) >= MAX_FIELDS:
            continue
        fields[name] = [v[:MAX_VALUE] for v in form.getlist(name) if isinstance(v, str)]
    return fields
