"""Exports, read back cell by cell: CSV through the csv module, XLSX through openpyxl."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from typing import Any

from openpyxl import load_workbook

from partner_portal.deliverables import exports
from partner_portal.deliverables.models import WaterCategory
from partner_portal.deliverables.queries import StyrelExportRow, WaterExportRow
from partner_portal.rooms.models import ProgressStatus
from tests.deliverables.factories import gsrn

A, B = gsrn(1), gsrn(2)


def styrel_row(**changes: Any) -> StyrelExportRow:
    row = StyrelExportRow(
        organisation_id=1,
        organisation_name="AB Botkyrkabyggen",
        user_id=1,
        user_name="Tumba vårdboende",
        activity="Äldreboende; 60 platser",
        user_class=1,
        justification='Syrgas och "larm"\nkräver el inom timmar.',
        address="Tumbavägen 1, 147 30 Tumba",
        grid_company="Ellevio AB",
        gsrn=A,
        point_class=1,
        status=ProgressStatus.SUBMITTED,
    )
    return replace(row, **changes)


def water_row(**changes: Any) -> WaterExportRow:
    row = WaterExportRow(
        organisation_id=1,
        organisation_name="Botkyrka kommun",
        site="Förskolan Solgläntan",
        category=WaterCategory.SCHOOL,
        persons=60,
        litres_per_day=240,
        vulnerable=45,
        own_tank=False,
        note="",
        status=ProgressStatus.APPROVED,
    )
    return replace(row, **changes)


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    text = data[3:].decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


ROWS = [styrel_row(), styrel_row(gsrn=B, point_class=3)]


def test_the_styrel_csv() -> None:
    data = exports.styrel_csv(ROWS)

    assert read_csv(data) == [
        [
            "Prioritetsklass",
            "Elanvändare",
            "Verksamhet",
            "Motivering",
            "Adress",
            "Anläggnings-ID (GSRN)",
            "Elnätsföretag",
            "Elledning",
            "Organisation",
        ],
        [
            "1",
            "Tumba vårdboende",
            "Äldreboende; 60 platser",
            'Syrgas och "larm"\nkräver el inom timmar.',
            "Tumbavägen 1, 147 30 Tumba",
            A,
            "Ellevio AB",
            "",
            "AB Botkyrkabyggen",
        ],
        [
            "3",
            "Tumba vårdboende",
            "Äldreboende; 60 platser",
            'Syrgas och "larm"\nkräver el inom timmar.',
            "Tumbavägen 1, 147 30 Tumba",
            B,
            "Ellevio AB",
            "",
            "AB Botkyrkabyggen",
        ],
    ]


def test_the_csv_is_crlf_separated_by_semicolons_with_numbers_unquoted() -> None:
    text = exports.styrel_csv(ROWS)[3:].decode("utf-8")

    lines = text.split("\r\n")
    assert lines[0].startswith("Prioritetsklass;Elanvändare;Verksamhet;")
    assert lines[1].startswith('1;Tumba vårdboende;"Äldreboende; 60 platser";')
    assert f";{A};" in lines[1]
    assert text.endswith("\r\n")


def test_the_water_csv() -> None:
    data = exports.water_csv(
        [
            water_row(),
            water_row(
                site="Tumba vårdboende",
                category=WaterCategory.CARE,
                own_tank=True,
                note="Tank 2 m³",
                persons=1200,
            ),
        ]
    )

    rows = read_csv(data)
    assert rows[0] == [
        "Organisation",
        "Plats",
        "Kategori",
        "Antal personer",
        "Liter per dygn",
        "Personer som inte kan hämta vatten själva",
        "Egen tank",
        "Anteckning",
    ]
    assert rows[1] == [
        "Botkyrka kommun",
        "Förskolan Solgläntan",
        "Förskola och skola",
        "60",
        "240",
        "45",
        "Nej",
        "",
    ]
    assert rows[2] == [
        "Botkyrka kommun",
        "Tumba vårdboende",
        "Vård och omsorg",
        "1200",
        "240",
        "45",
        "Ja",
        "Tank 2 m³",
    ]
    assert "\r\nBotkyrka kommun;Förskolan Solgläntan;Förskola och skola;60;240;45;Nej;\r\n" in (
        data.decode("utf-8-sig")
    )


def test_formulas_are_neutralised_in_csv() -> None:
    data = exports.styrel_csv(
        [
            styrel_row(
                user_name='=HYPERLINK("http://example.com","Klicka")',
                activity="+46 8 530 610 00",
                justification="-1+1",
                address="@SUM(A1)",
                grid_company="\tEllevio",
                organisation_name="Kommun = bra",
            )
        ]
    )

    row = read_csv(data)[1]
    assert row[1] == '\'=HYPERLINK("http://example.com","Klicka")'
    assert row[2] == "'+46 8 530 610 00"
    assert row[3] == "'-1+1"
    assert row[4] == "'@SUM(A1)"
    assert row[6] == "'\tEllevio"
    assert row[8] == "Kommun = bra"  # only the first character matters


def test_an_empty_export_has_the_headers() -> None:
    assert len(read_csv(exports.styrel_csv([]))) == 1
    sheet = load_workbook(io.BytesIO(exports.water_xlsx([]))).active
    assert sheet is not None
    assert sheet.max_row == 1


def test_the_styrel_xlsx() -> None:
    workbook = load_workbook(io.BytesIO(exports.styrel_xlsx(ROWS)))

    assert workbook.sheetnames == ["STYREL"]
    sheet = workbook["STYREL"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == list(exports.STYREL_HEADERS)
    assert values[1] == [
        1,
        "Tumba vårdboende",
        "Äldreboende; 60 platser",
        'Syrgas och "larm"\nkräver el inom timmar.',
        "Tumbavägen 1, 147 30 Tumba",
        A,
        "Ellevio AB",
        None,  # Elledning: empty for the grid company
        "AB Botkyrkabyggen",
    ]
    assert values[2][0] == 3
    assert values[2][5] == B
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["A2"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width == exports.STYREL_WIDTHS[1]
    assert sheet.column_dimensions["F"].width == exports.STYREL_WIDTHS[5]
    gsrn_cell = sheet["F2"]
    assert (gsrn_cell.data_type, gsrn_cell.number_format) == ("s", "@")
    assert sheet["A2"].data_type == "n"


def test_the_water_xlsx() -> None:
    workbook = load_workbook(io.BytesIO(exports.water_xlsx([water_row(own_tank=True)])))

    assert workbook.sheetnames == ["Nödvatten"]
    sheet = workbook["Nödvatten"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values == [
        list(exports.WATER_HEADERS),
        ["Botkyrka kommun", "Förskolan Solgläntan", "Förskola och skola", 60, 240, 45, "Ja", None],
    ]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["F"].width == exports.WATER_WIDTHS[5]
    assert {sheet[f"{c}2"].data_type for c in "DEF"} == {"n"}


def test_formulas_stay_text_in_xlsx() -> None:
    workbook = load_workbook(
        io.BytesIO(
            exports.styrel_xlsx(
                [styrel_row(user_name="=1+1", activity="@cmd", address="Storgatan 1\x07")]
            )
        )
    )

    sheet = workbook["STYREL"]
    name, activity = sheet["B2"], sheet["C2"]
    assert (name.value, name.data_type, name.quotePrefix) == ("=1+1", "s", True)
    assert (activity.value, activity.data_type, activity.quotePrefix) == ("@cmd", "s", True)
    assert not sheet["D2"].quotePrefix
    assert sheet["E2"].value == "Storgatan 1"  # a control character Excel would refuse
