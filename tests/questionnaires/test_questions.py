"""The rules of answers, as pure functions: every kind of question, required or not."""

from __future__ import annotations

from datetime import timedelta

from partner_portal.platform import clock
from partner_portal.questionnaires.questions import Kind, Question, Service, check, parse

SITES = (Service(1, "Solgården"), Service(2, "Tallen"))


def test_each_kind_takes_its_own_answers_and_refuses_others() -> None:
    day = (clock.today() + timedelta(days=60)).isoformat()  # from the test clock
    questions = parse(
        [
            {"key": "t", "kind": "text", "label": "T", "required": True},
            {"key": "c", "kind": "choice", "label": "C", "options": [["a", "A"], ["b", "B"]]},
            {"key": "m", "kind": "choices", "label": "M", "options": [["a", "A"], ["b", "B"]]},
            {"key": "n", "kind": "number", "label": "N", "unit": "timmar"},
            {"key": "d", "kind": "date", "label": "D"},
            {"key": "y", "kind": "yes_no", "label": "Y", "per_service": True, "required": True},
        ]
    )
    good, errors = check(
        questions,
        SITES,
        {
            "q-t": [" svar "],
            "q-c": ["b"],
            "q-m": ["b", "a"],
            "q-n": ["12.5"],
            "q-d": [day],
            "q-y-1": ["yes"],
            "q-y-2": ["no"],
        },
    )
    assert errors == {}
    assert good == {
        "t": "svar",
        "c": "b",
        "m": ["a", "b"],  # in the options' order
        "n": "12,5",
        "d": day,
        "y@1": "yes",
        "y@2": "no",
    }

    bad, errors = check(
        questions,
        SITES,
        {"q-c": ["z"], "q-m": ["z"], "q-n": ["-1"], "q-d": ["31/1"], "q-y-1": ["kanske"]},
    )
    assert bad == {}
    assert set(errors) == {"q-t", "q-c", "q-m", "q-n", "q-d", "q-y-1", "q-y-2"}
    assert errors["q-y-2"] == "Svara på frågan för Tallen."


def test_optional_questions_may_be_left_empty_and_no_sites_means_no_per_site_fields() -> None:
    questions = (
        Question("n", Kind.NUMBER, "N"),
        Question("y", Kind.YES_NO, "Y", required=True, per_service=True),
    )
    assert check(questions, (), {}) == ({}, {})
