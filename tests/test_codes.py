from __future__ import annotations

import pytest

from pipeline.codes import (
    FiscalYearError,
    check_digit,
    code_problem,
    fiscal_year_label,
    normalize_digits,
    parse_fiscal_year,
)


@pytest.mark.parametrize(
    "code",
    ["010006", "011002", "172065", "402311", "131016", "090000", "470007"],
)
def test_known_codes_pass(code: str) -> None:
    assert code_problem(code) is None
    assert check_digit(code[:5]) == int(code[5])


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("172066", "check digit 6, expected 5"),
        ("10006", "not 6 ASCII digits"),
        ("17206a", "not 6 ASCII digits"),
        ("１７２０６５", "not 6 ASCII digits"),
    ],
)
def test_bad_codes_are_explained(code: str, why: str) -> None:
    problem = code_problem(code)
    assert problem is not None and why in problem


def test_full_width_digits_normalise() -> None:
    assert normalize_digits("１７２０６５") == "172065"
    assert code_problem(normalize_digits("１７２０６５")) is None


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("令和4年度", 2022),
        ("令和元年度", 2019),
        ("平成31年度", 2019),
        ("平成30年度", 2018),
        ("R4", 2022),
        ("R4年度", 2022),
        ("H30", 2018),
        ("2022", 2022),
        ("２０２２年度", 2022),
        ("令和４年度", 2022),
        ("昭和22年度", 1947),
    ],
)
def test_fiscal_years(text: str, year: int) -> None:
    assert parse_fiscal_year(text) == year


@pytest.mark.parametrize("text", ["平成32年度", "令和0年度", "大化4年度", "4年度", "R", "二〇二二"])
def test_bad_fiscal_years(text: str) -> None:
    with pytest.raises(FiscalYearError):
        parse_fiscal_year(text)


@pytest.mark.parametrize(
    ("year", "label"), [(2018, "平成30年度"), (2019, "令和元年度"), (2022, "令和4年度")]
)
def test_fiscal_year_labels(year: int, label: str) -> None:
    assert fiscal_year_label(year) == label
    assert parse_fiscal_year(label) == year
