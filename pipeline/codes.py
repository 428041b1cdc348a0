"""Official codes and calendar conventions: 全国地方公共団体コード and 和暦 fiscal years."""

from __future__ import annotations

import re

_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_CODE = re.compile(r"[0-9]{6}")


def normalize_digits(text: str) -> str:
    """Full-width digits, common when codes are typed in Japanese input modes, become ASCII."""
    return text.translate(_FULL_WIDTH_DIGITS)


def check_digit(first_five: str) -> int:
    """Check digit of a 全国地方公共団体コード (総務省, 地方公共団体コード 検査数字)."""
    weights = (6, 5, 4, 3, 2)
    total = sum(int(d) * w for d, w in zip(first_five, weights, strict=True))
    return (11 - total % 11) % 10


def code_problem(code: str) -> str | None:
    """Why `code` is not a valid 6-digit local government code, or None when it is."""
    if not _CODE.fullmatch(code):
        return f"local government code {code!r} is not 6 ASCII digits"
    expected = check_digit(code[:5])
    if int(code[5]) != expected:
        return f"local government code {code} has check digit {code[5]}, expected {expected}"
    return None


def is_prefecture_code(code: str) -> bool:
    return code[2:5] == "000"


# First calendar year of each era; an era's year N is first_year + N - 1.
_ERAS = {
    "明治": (1868, 45),
    "大正": (1912, 15),
    "昭和": (1926, 64),
    "平成": (1989, 31),
    "令和": (2019, None),
}
_ERA_INITIALS = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}
_WAREKI = re.compile(
    r"(?P<era>明治|大正|昭和|平成|令和|[MTSHR])\s*(?P<year>元|[0-9]{1,2})\s*(?:年度)?"
)


class FiscalYearError(ValueError):
    pass


def parse_fiscal_year(text: str) -> int:
    """The calendar year in which a Japanese fiscal year begins.

    Accepts 令和4年度, R4, R4年度, 令和元年度, 平成31年度 (FY2019 began in April 2019 while the
    era was still 平成) and plain Western years. Full-width digits are allowed.
    """
    text = normalize_digits(text.strip())
    if re.fullmatch(r"[0-9]{4}(年度)?", text):
        return int(text[:4])
    match = _WAREKI.fullmatch(text)
    if not match:
        raise FiscalYearError(f"{text!r} is not a fiscal year (e.g. 令和4年度, R4 or 2022)")
    era = _ERA_INITIALS.get(match["era"], match["era"])
    first, last = _ERAS[era]
    year = 1 if match["year"] == "元" else int(match["year"])
    if year < 1 or (last is not None and year > last):
        raise FiscalYearError(f"{text!r}: {era} has no year {year}")
    return first + year - 1


def fiscal_year_label(year: int) -> str:
    """The 和暦 name of a fiscal year as the government writes it, e.g. 2019 → 令和元年度."""
    for era, (first, _last) in sorted(_ERAS.items(), key=lambda kv: -kv[1][0]):
        if year >= first:
            n = year - first + 1
            return f"{era}{'元' if n == 1 else n}年度"
    raise FiscalYearError(f"{year} is before the 明治 era")
