"""The deliverable forms: what they accept, and the Swedish messages beside each field."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from starlette.datastructures import FormData, UploadFile

from partner_portal.deliverables import forms
from partner_portal.deliverables.models import WarOrganisation, WaterCategory
from partner_portal.deliverables.queries import PointRow, StyrelUserRow
from partner_portal.deliverables.service import PointInput, ReadinessInput
from partner_portal.platform import clock
from partner_portal.platform.errors import Invalid
from tests.deliverables.factories import gsrn

A, B, C = gsrn(1), gsrn(2), gsrn(3)


def styrel_form(points: Sequence[tuple[str, str]] = ((A, "1"),), **fields: str) -> FormData:
    base = {
        "csrf_token": "x",
        "name": "Tumba vårdboende",
        "activity": "Äldreboende med 60 platser",
        "priority_class": "1",
        "justification": "Syrgas och larm kräver el inom timmar.",
        "address": "Tumbavägen 1, 147 30 Tumba",
        "grid_company": "Ellevio AB",
    }
    base.update(fields)
    items: list[tuple[str, str | UploadFile]] = list(base.items())
    for number, point_class in points:
        items += [("gsrn", number), ("point_class", point_class)]
    return FormData(items)


def errors_of(
    form: FormData, parse: Callable[[FormData], object] = forms.styrel_user
) -> dict[str, str]:
    with pytest.raises(Invalid) as caught:
        parse(form)
    return caught.value.errors


# --- STYREL ------------------------------------------------------------------------------


def test_an_electricity_user_with_two_points_of_different_classes() -> None:
    spaced = f"{B[:6]} {B[6:10]} {B[10:14]} {B[14:]}"
    data = forms.styrel_user(styrel_form([(A, "1"), (spaced, "3")]))

    assert data.name == "Tumba vårdboende"
    assert data.priority_class == 1
    assert data.points == (PointInput(A, 1), PointInput(B, 3))
    assert data.point_indexes == (0, 1)


def test_text_is_tidied() -> None:
    data = forms.styrel_user(
        styrel_form(name="  Tumba \n vårdboende\x07 ", justification="Rad ett\r\nRad två  ")
    )

    assert data.name == "Tumba vårdboende"
    assert data.justification == "Rad ett\nRad två"


def test_a_point_without_a_class_has_the_users_class() -> None:
    data = forms.styrel_user(styrel_form([(A, "")], priority_class="4"))

    assert data.points == (PointInput(A, 4),)


def test_empty_point_rows_are_skipped_and_errors_keep_their_position() -> None:
    data = forms.styrel_user(styrel_form([("", ""), (A, "2"), ("", "")]))
    assert data.points == (PointInput(A, 2),)
    assert data.point_indexes == (1,)

    errors = errors_of(styrel_form([("", ""), (A, "2"), ("7359991", "")]))
    assert set(errors) == {"gsrn-2"}


def test_two_classes_on_one_point_are_refused() -> None:
    errors = errors_of(styrel_form([(A, "1"), (A, "3")]))

    assert set(errors) == {"gsrn-1"}
    assert "redan som punkt 1 med en annan prioritetsklass" in errors["gsrn-1"]
    assert "En anslutningspunkt kan bara ha en prioritetsklass." in errors["gsrn-1"]


def test_the_same_gsrn_twice_is_refused_however_it_is_written() -> None:
    spaced = f"{A[:6]} {A[6:10]} {A[10:14]} {A[14:]}"
    errors = errors_of(styrel_form([(A, "2"), (B, "2"), (spaced, "2")]))

    assert errors == {"gsrn-2": "Samma anläggnings-id står redan som punkt 1."}


def test_an_invalid_gsrn_says_what_a_gsrn_looks_like() -> None:
    errors = errors_of(styrel_form([(A[:-1] + str((int(A[-1]) + 1) % 10), "1")]))

    assert errors["gsrn-0"].startswith("Anläggnings-id (GSRN) är 18 siffror som börjar med 735999")


def test_a_class_without_a_gsrn_asks_for_the_gsrn() -> None:
    errors = errors_of(styrel_form([(A, "1"), ("", "5")]))

    assert errors == {"gsrn-1": "Ange anläggnings-id (GSRN) för anslutningspunkten."}


@pytest.mark.parametrize("bad", ["0", "9", "-1", "1.0", "ett", "12"])
def test_classes_outside_1_to_8_are_refused(bad: str) -> None:
    errors = errors_of(styrel_form([(A, bad)], priority_class=bad))

    assert errors == {
        "priority_class": "Välj en prioritetsklass mellan 1 och 8.",
        "point_class-0": "Välj en prioritetsklass mellan 1 och 8.",
    }


def test_at_least_one_point() -> None:
    errors = errors_of(styrel_form([]))

    assert errors == {"gsrn-0": "Ange minst en anslutningspunkt med anläggnings-id (GSRN)."}


def test_missing_fields_each_get_a_swedish_message() -> None:
    errors = errors_of(FormData([("csrf_token", "x")]))

    assert errors == {
        "name": "Ange elanvändarens namn.",
        "activity": "Beskriv kort verksamheten, till exempel äldreboende eller vattenverk.",
        "priority_class": "Välj en prioritetsklass mellan 1 och 8.",
        "justification": "Motivera prioritetsklassen: vad händer, och hur snart, om elen bryts?",
        "address": "Ange adressen.",
        "grid_company": "Ange elnätsföretaget. Det står på elnätsfakturan.",
        "gsrn-0": "Ange minst en anslutningspunkt med anläggnings-id (GSRN).",
    }


def test_overlong_text_is_refused() -> None:
    errors = errors_of(styrel_form(name="x" * 201))

    assert errors == {"name": "Högst 200 tecken."}


def test_too_many_points() -> None:
    errors = errors_of(styrel_form([(gsrn(n), "1") for n in range(51)]))

    assert set(errors) == {"gsrn-0"}
    assert "Högst 50 anslutningspunkter" in errors["gsrn-0"]


def test_a_plain_mapping_works_too() -> None:
    data = forms.styrel_user(
        {
            "name": "Vattenverket",
            "activity": "Vattenverk",
            "priority_class": "2",
            "justification": "Dricksvatten",
            "address": "Verksvägen 2",
            "grid_company": "Ellevio AB",
            "gsrn": [A, B],
            "point_class": ["2", "4"],
        }
    )

    assert data.points == (PointInput(A, 2), PointInput(B, 4))


# --- water -------------------------------------------------------------------------------


def water_form(**fields: str) -> FormData:
    base = {
        "site": "Förskolan Solgläntan",
        "category": "school",
        "persons": "60",
        "litres_per_day": "240",
        "vulnerable": "45",
        "own_tank": "no",
        "water_note": "",
    }
    base.update(fields)
    return FormData(list(base.items()))


def test_a_water_need() -> None:
    data = forms.water_need(water_form(persons="1 200", litres_per_day="4\u00a0000"))

    assert data.category is WaterCategory.SCHOOL
    assert (data.persons, data.litres_per_day, data.vulnerable) == (1200, 4000, 45)
    assert data.own_tank is False
    assert not data.below_minimum


def test_below_three_litres_a_person_is_a_warning_not_an_error() -> None:
    data = forms.water_need(water_form(persons="100", litres_per_day="299", vulnerable=""))

    assert data.below_minimum
    assert data.vulnerable == 0
    assert not forms.water_need(water_form(persons="100", litres_per_day="300")).below_minimum


def test_animals_need_water_without_persons() -> None:
    data = forms.water_need(
        water_form(category="animals", persons="0", litres_per_day="5000", vulnerable="0")
    )

    assert (data.persons, data.below_minimum) == (0, False)


def test_water_form_errors() -> None:
    errors = errors_of(
        water_form(
            site="",
            category="hospital",
            persons="-5",
            litres_per_day="",
            own_tank="",
            water_note="x" * 1001,
        ),
        forms.water_need,
    )

    assert errors == {
        "site": "Ange platsen, till exempel enhetens namn.",
        "category": "Välj en kategori.",
        "persons": "Ange ett heltal, 0 eller större.",
        "litres_per_day": "Ange hur många liter vatten platsen behöver per dygn.",
        "own_tank": "Svara ja eller nej.",
        "water_note": "Högst 1000 tecken.",
    }


def test_more_vulnerable_than_persons_is_refused() -> None:
    errors = errors_of(water_form(persons="10", vulnerable="11"), forms.water_need)

    assert errors == {"vulnerable": "Kan inte vara fler än antalet personer på platsen."}


# --- höjd beredskap ----------------------------------------------------------------------


def test_readiness() -> None:
    ticked = forms.readiness(
        FormData([("war_organisation", "in_progress"), ("security_analysis_done", "on")])
    )
    unticked = forms.readiness(FormData([("war_organisation", "no")]))

    assert ticked == ReadinessInput(WarOrganisation.IN_PROGRESS, True)
    assert unticked == ReadinessInput(WarOrganisation.NO, False)


def test_readiness_needs_an_answer() -> None:
    errors = errors_of(FormData([("war_organisation", "maybe")]), forms.readiness)

    assert errors == {"war_organisation": "Svara ja, nej eller att krigsorganisationen är på gång."}


# --- refilling ---------------------------------------------------------------------------


def test_refill_numbers_the_points_and_adds_one_on_request() -> None:
    form = styrel_form([(A, "1"), ("fel", "")], editing="7")
    form = FormData([*form.multi_items(), ("add_point", "1")])

    assert forms.adds_point(form)
    values = forms.refill(form, add_point=True)

    assert values["name"] == "Tumba vårdboende"
    assert values["editing"] == "7"
    assert (values["gsrn-0"], values["point_class-0"]) == (A, "1")
    assert (values["gsrn-1"], values["point_class-1"]) == ("fel", "")
    assert values["points"] == "3"
    assert "csrf_token" not in values
    assert "add_point" not in values
    assert forms.refill(FormData([]))["points"] == "1"


def test_an_existing_user_as_values() -> None:
    row = StyrelUserRow(
        id=5,
        position=1,
        name="Vattenverket",
        activity="Vattenverk",
        priority_class=2,
        justification="Dricksvatten",
        address="Verksvägen 2",
        grid_company="Ellevio AB",
        updated_at=clock.now(),
        points=(PointRow(1, A, 2), PointRow(2, B, 4)),
    )

    values = forms.styrel_values(row)

    assert values["editing"] == "5"
    assert values["points"] == "2"
    assert (values["gsrn-1"], values["point_class-1"]) == (B, "4")
    # What the form would post back parses to the same user.
    single = {k: v for k, v in values.items() if "-" not in k and k != "points"}
    posted = styrel_form([(A, "2"), (B, "4")], **single)
    assert forms.styrel_user(posted).points == (PointInput(A, 2), PointInput(B, 4))
