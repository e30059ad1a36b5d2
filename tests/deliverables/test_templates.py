"""The partials the item page includes: they render on their own, label every field, keep ids
unique, and need no script."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from typing import Any

import pytest
from jinja2 import Environment

from partner_portal.deliverables import forms
from partner_portal.deliverables.models import WarOrganisation, WaterCategory
from partner_portal.deliverables.queries import (
    PointRow,
    ReadinessRow,
    StyrelUserRow,
    WaterNeedRow,
)
from partner_portal.platform import clock
from partner_portal.platform.resources import resource_dir
from partner_portal.platform.templating import create_environment
from partner_portal.rooms.models import Classification, ItemProgress, ProgressStatus
from tests.deliverables.factories import gsrn

A, B = gsrn(1), gsrn(2)
BASE = "/rum/3/punkter/7/organisationer/2"


@pytest.fixture(scope="module")
def env() -> Environment:
    return create_environment(resource_dir("templates"))


class Page(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.fields: list[dict[str, str]] = []
        self.forms: list[dict[str, str]] = []
        self.buttons: list[dict[str, str]] = []
        self.attribute_names: set[str] = set()
        self.tags: set[str] = set()
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.tags.add(tag)
        self.attribute_names.update(attributes)
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "label" and "for" in attributes:
            self.label_for.add(attributes["for"])
        if tag in {"input", "select", "textarea"} and attributes.get("type") != "hidden":
            self.fields.append({"tag": tag, **attributes})
        if tag == "form":
            self.forms.append(attributes)
        if tag == "button":
            self.buttons.append(attributes)


def render(env: Environment, name: str, **context: Any) -> tuple[str, Page]:
    progress = ItemProgress(
        id=1,
        room_id=3,
        item_id=7,
        organisation_id=2,
        status=ProgressStatus.IN_PROGRESS,
        classification=Classification.INTERNAL,
    )
    full: dict[str, Any] = {
        "progress": progress,
        "rows": [],
        "editable": True,
        "errors": {},
        "values": {},
        "csrf_token": "token-123",
        "url": lambda name, query=None, **params: f"/{name}",
        "action_base": BASE,
    }
    full.update(context)
    html = env.get_template(f"deliverables/{name}").render(full)
    return html, Page(html)


def assert_accessible_and_scriptless(html: str, page: Page) -> None:
    duplicates = [i for i, n in Counter(page.ids).items() if n > 1]
    assert duplicates == []
    unlabelled = [f for f in page.fields if f.get("id") not in page.label_for]
    assert unlabelled == []
    assert "script" not in page.tags
    assert not any(re.match(r"^on", name) for name in page.attribute_names)
    assert "caption" in page.tags or "<table" not in html
    for form in page.forms:
        assert form["method"] == "post"
    assert html.count('name="csrf_token" value="token-123"') == len(page.forms)


def styrel_rows() -> list[StyrelUserRow]:
    return [
        StyrelUserRow(
            id=5,
            position=1,
            name="Tumba vårdboende",
            activity="Äldreboende",
            priority_class=1,
            justification="Syrgas",
            address="Tumbavägen 1",
            grid_company="Ellevio AB",
            updated_at=clock.now(),
            points=(PointRow(1, A, 1), PointRow(2, B, 3)),
        )
    ]


def test_the_styrel_partial_with_rows_and_an_empty_form(env: Environment) -> None:
    html, page = render(env, "_styrel.html", rows=styrel_rows())

    assert_accessible_and_scriptless(html, page)
    assert "Elanvändare i underlaget" in html
    assert "735999 0000 0000 001" in html  # the GSRN grouped for reading
    assert "klass 3" in html
    assert {f["action"] for f in page.forms} == {f"{BASE}/styrel", f"{BASE}/styrel/5/ta-bort"}
    assert f'href="{BASE}/styrel/5#styrel-formular"' in html
    assert [f["name"] for f in page.fields if f.get("name") in {"gsrn", "point_class"}] == [
        "gsrn",
        "point_class",
    ]
    [add] = [b for b in page.buttons if b.get("name") == "add_point"]
    assert add["type"] == "submit"
    assert add["formaction"] == f"{BASE}/styrel#f-gsrn-1"
    # The class rules as guidance, in Swedish.
    assert "inom timmar kan få allvarliga konsekvenser för liv och hälsa" in html
    assert "De kopplas bort först." in html


def test_the_styrel_form_refilled_after_adding_a_point_and_with_errors(env: Environment) -> None:
    values = {
        "name": "Vattenverket",
        "editing": "5",
        "points": "3",
        "gsrn-0": A,
        "point_class-0": "2",
        "gsrn-1": A,
        "point_class-1": "4",
    }
    errors = {
        "gsrn-1": "Samma anslutningspunkt står redan som punkt 1 med en annan prioritetsklass.",
        "status": "Välj ett läge.",  # the item page's own form: not summarised here
    }

    html, page = render(env, "_styrel.html", rows=styrel_rows(), values=values, errors=errors)

    assert_accessible_and_scriptless(html, page)
    assert f'action="{BASE}/styrel/5"' in html
    assert '<input type="hidden" name="editing" value="5">' in html
    assert len([f for f in page.fields if f.get("name") == "gsrn"]) == 3
    assert 'href="#f-gsrn-1">Anläggnings-id, punkt 2: Samma anslutningspunkt' in html
    assert "Välj ett läge." not in html
    [invalid] = [f for f in page.fields if f.get("aria-invalid") == "true"]
    assert invalid["id"] == "f-gsrn-1"
    assert 'value="Vattenverket"' in html
    assert '<option value="4" selected>' in html


def test_the_styrel_partial_read_only(env: Environment) -> None:
    contexts: tuple[dict[str, Any], ...] = (
        {"editable": False},
        {"progress": None, "editable": False, "rows": []},
    )
    for context in contexts:
        html, page = render(env, "_styrel.html", **({"rows": styrel_rows()} | context))
        assert_accessible_and_scriptless(html, page)
        assert page.forms == []


def test_the_styrel_partial_under_the_confidential_label_has_no_form(env: Environment) -> None:
    progress = ItemProgress(
        id=1,
        room_id=3,
        item_id=7,
        organisation_id=2,
        status=ProgressStatus.IN_PROGRESS,
        classification=Classification.CONFIDENTIAL_METADATA_ONLY,
    )

    _html, page = render(env, "_styrel.html", progress=progress)

    assert page.forms == []


def water(id: int, persons: int, litres: int) -> WaterNeedRow:
    return WaterNeedRow(
        id=id,
        position=id,
        site=f"Plats {id}",
        category=WaterCategory.ANIMALS,
        persons=persons,
        litres_per_day=litres,
        vulnerable=0,
        own_tank=True,
        note="",
        updated_at=clock.now(),
    )


def test_the_water_partial_warns_below_the_reference_volume(env: Environment) -> None:
    html, page = render(env, "_water.html", rows=[water(1, 10, 29), water(2, 10, 30)])

    assert_accessible_and_scriptless(html, page)
    assert "1 plats har mindre än 3 liter per person och dygn." in html
    assert html.count("Under 3 liter per person") == 1
    assert "3–5 liter per person och dygn de första dygnen" in html
    assert "10–15 liter" in html
    assert "Djurhållning" in html
    assert {f["action"] for f in page.forms} == {
        f"{BASE}/vatten",
        f"{BASE}/vatten/1/ta-bort",
        f"{BASE}/vatten/2/ta-bort",
    }


def test_the_water_form_refilled(env: Environment) -> None:
    row = water(2, 10, 30)
    html, page = render(
        env,
        "_water.html",
        rows=[row],
        values=forms.water_values(row),
        errors={"own_tank": "Svara ja eller nej."},
    )

    assert_accessible_and_scriptless(html, page)
    assert f'action="{BASE}/vatten/2"' in html
    assert 'href="#f-own_tank">Egen tank: Svara ja eller nej.' in html
    assert 'value="yes" checked' in html
    assert '<option value="animals" selected>' in html


def test_the_readiness_partial(env: Environment) -> None:
    row = ReadinessRow(WarOrganisation.IN_PROGRESS, True, clock.now())

    html, page = render(env, "_readiness.html", rows=row)

    assert_accessible_and_scriptless(html, page)
    assert [f["action"] for f in page.forms] == [f"{BASE}/beredskap"]
    assert 'value="in_progress" checked' in html
    assert 'name="security_analysis_done" value="on"' in html
    assert " checked>" in html.split('id="f-security_analysis_done"')[1].split("\n")[0]
    assert "skriv aldrig in eller ladda upp något ur den i portalen" in html
    assert "Under arbete" in html


def test_the_readiness_partial_before_any_answer(env: Environment) -> None:
    html, page = render(
        env, "_readiness.html", rows=None, errors={"war_organisation": "Svara."}, values={}
    )

    assert_accessible_and_scriptless(html, page)
    assert "Ingen status är angiven ännu." in html
    assert "checked" not in html
