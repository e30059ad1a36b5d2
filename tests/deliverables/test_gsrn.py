"""GSRN ids: 18 digits, the Swedish prefix 735999, the GS1 mod-10 check digit."""

from __future__ import annotations

import pytest

from partner_portal.deliverables.gsrn import format_gsrn, gs1_check_digit, normalise_gsrn

# GS1's own worked example (an SSCC, 17 digits before the check digit like a GSRN): 9.
GS1_EXAMPLE = "37610425002123456"
# 735999 + 11 digits; weights 3,1,3,1… from the right give a sum of 182, so the check digit is 8.
VALID = "735999123456789018"


def test_the_check_digit_follows_gs1() -> None:
    assert gs1_check_digit(GS1_EXAMPLE) == 9
    assert gs1_check_digit("400638133393") == 1  # the GTIN-13 4006381333931
    assert gs1_check_digit(VALID[:-1]) == 8


def test_a_valid_gsrn_is_kept() -> None:
    assert normalise_gsrn(VALID) == VALID


@pytest.mark.parametrize(
    "raw",
    [
        "735999 1234 5678 9018",
        "735 999 123 456 789 018",
        "735999-123456789-018",
        "  735999123456789018  ",
        "735999\u00a0123456789018",  # a non-breaking space, as pasted from a PDF invoice
    ],
)
def test_spaces_and_hyphens_between_groups_are_accepted(raw: str) -> None:
    assert normalise_gsrn(raw) == VALID


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("735999123456789017", "wrong check digit"),
        ("735999123456789019", "wrong check digit"),
        ("735998123456789019", "another prefix, though its own check digit is right"),
        ("73599912345678901", "17 digits"),
        ("7359991234567890180", "19 digits"),
        ("73599912345678901A", "a letter"),
        ("735999I23456789018", "a letter that looks like a digit"),
        ("735999١٢٣456789018", "digits of another script"),
        ("", "empty"),
        ("735999.123456789018", "a full stop is not a separator"),
    ],
)
def test_invalid_gsrns_are_refused(raw: str, why: str) -> None:
    assert normalise_gsrn(raw) is None, why


def test_the_other_prefix_example_really_has_a_valid_check_digit() -> None:
    # So that the prefix test above fails for the prefix, not for the check digit.
    assert gs1_check_digit("73599812345678901") == 9


def test_formatted_for_reading() -> None:
    assert format_gsrn(VALID) == "735999 1234 5678 9018"
