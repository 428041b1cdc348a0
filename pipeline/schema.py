"""What each source file holds: its record kind, key and fields.

This is data, read by the loader; adding a field to a kind starts here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    """How a field's YAML value is read."""

    TEXT = "text"  # one line of plain text
    ID = "id"  # a lowercase identifier that becomes part of an IRI
    CODE = "code"  # a 6-digit 全国地方公共団体コード, full-width digits allowed
    INT = "int"  # a whole number, never negative
    DECIMAL = "decimal"  # a decimal number kept exactly as written
    URL = "url"  # an absolute http(s) URL
    DATE = "date"  # YYYY-MM-DD
    FISCAL_YEAR = "fiscal-year"  # 令和4年度, R4 or 2022
    RATIO = "ratio"  # 1/2 or 0.5
    IDS = "ids"  # a list of identifiers


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    required: bool = True
    refers_to: str | None = None  # the record kind an ID or CODE field points at
    choices: tuple[str, ...] = ()
    maximum: int | None = None


@dataclass(frozen=True)
class RecordKind:
    name: str  # singular, as used in messages and IRIs
    file: str  # file name under source/
    key: str  # the field that identifies a record
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


_LG_FIELDS = (
    Field("name_ja", Kind.TEXT),
    Field("name_kana", Kind.TEXT),
    Field("name_en", Kind.TEXT),
    Field("name_latn", Kind.TEXT),
    Field("homepage", Kind.URL, required=False),
    Field("lat", Kind.DECIMAL, required=False),
    Field("long", Kind.DECIMAL, required=False),
    Field("source", Kind.ID, refers_to="source"),
)

# Ten trillion yen: far above any grant, so a figure beyond it is a typo (extra digits).
_MAX_YEN = 10**13

KINDS: tuple[RecordKind, ...] = (
    RecordKind(
        "source",
        "sources.yaml",
        "id",
        (
            Field("id", Kind.ID),
            Field("title_ja", Kind.TEXT),
            Field("title_en", Kind.TEXT, required=False),
            Field("part_of", Kind.ID, required=False, refers_to="source"),
            Field("publisher", Kind.ID, required=False, refers_to="organization"),
            Field("creator", Kind.TEXT, required=False),
            Field("issued", Kind.DATE, required=False),
            Field("url", Kind.URL, required=False),
            Field("license", Kind.URL, required=False),
            Field("version", Kind.TEXT, required=False),
        ),
    ),
    RecordKind(
        "prefecture",
        "prefectures.yaml",
        "code",
        (Field("code", Kind.CODE), *_LG_FIELDS),
    ),
    RecordKind(
        "municipality",
        "municipalities.yaml",
        "code",
        (
            Field("code", Kind.CODE),
            Field("prefecture", Kind.CODE, refers_to="prefecture"),
            Field(
                "kind",
                Kind.ID,
                choices=("city", "designated-city", "town", "village", "special-ward"),
            ),
            *_LG_FIELDS,
        ),
    ),
    RecordKind(
        "ward",
        "wards.yaml",
        "code",
        (Field("code", Kind.CODE), Field("city", Kind.CODE, refers_to="municipality"),
         *_LG_FIELDS),
    ),
    RecordKind(
        "organization",
        "organizations.yaml",
        "id",
        (
            Field("id", Kind.ID),
            Field("name_ja", Kind.TEXT),
            Field("name_en", Kind.TEXT),
            Field("parent", Kind.ID, required=False, refers_to="organization"),
            Field("homepage", Kind.URL, required=False),
            Field("source", Kind.ID, refers_to="source"),
        ),
    ),
    RecordKind(
        "technology",
        "technologies.yaml",
        "id",
        (
            Field("id", Kind.ID),
            Field("name_ja", Kind.TEXT),
            Field("name_en", Kind.TEXT),
            Field("broader", Kind.IDS, required=False, refers_to="technology"),
            Field("source", Kind.ID, refers_to="source"),
        ),
    ),
    RecordKind(
        "program",
        "programs.yaml",
        "id",
        (
            Field("id", Kind.ID),
            Field("name_ja", Kind.TEXT),
            Field("name_en", Kind.TEXT),
            Field("administered_by", Kind.ID, refers_to="organization"),
            Field("part_of", Kind.ID, required=False, refers_to="program"),
            Field("subsidy_rate", Kind.RATIO, required=False),
            Field("max_years", Kind.INT, required=False, maximum=100),
            Field("cap_prefecture_yen", Kind.INT, required=False, maximum=_MAX_YEN),
            Field("cap_municipality_yen", Kind.INT, required=False, maximum=_MAX_YEN),
            Field("cap_core_city_yen", Kind.INT, required=False, maximum=_MAX_YEN),
            Field("source", Kind.ID, refers_to="source"),
        ),
    ),
    RecordKind(
        "award",
        "awards.yaml",
        "id",
        (
            Field("id", Kind.ID),
            Field("program", Kind.ID, refers_to="program"),
            Field("fiscal_year", Kind.FISCAL_YEAR),
            Field("round", Kind.INT, required=False, maximum=99),
            Field("status", Kind.ID, choices=("new", "continuing")),
            Field("recipient", Kind.CODE, refers_to="local-government"),
            Field("title", Kind.TEXT),
            Field("requested_thousand_yen", Kind.INT, maximum=_MAX_YEN // 1000),
            Field("awarded_thousand_yen", Kind.INT, maximum=_MAX_YEN // 1000),
            Field("technologies", Kind.IDS, required=False, refers_to="technology"),
            Field("source", Kind.ID, refers_to="source"),
        ),
    ),
    RecordKind(
        "reported-total",
        "reported-totals.yaml",
        "id",
        (
            Field("id", Kind.ID),
            Field("name_ja", Kind.TEXT),
            Field("name_en", Kind.TEXT),
            Field("program", Kind.ID, refers_to="program"),
            Field("fiscal_year", Kind.FISCAL_YEAR),
            Field("round", Kind.INT, required=False, maximum=99),
            Field("status", Kind.ID, required=False, choices=("new", "continuing")),
            Field("measure", Kind.ID, choices=("project-cost", "national-share")),
            Field("stated_oku_yen", Kind.DECIMAL),
            Field("stated_count", Kind.INT, required=False, maximum=10**7),
            Field("sum_of", Kind.IDS, required=False, refers_to="reported-total"),
            Field("source", Kind.ID, refers_to="source"),
        ),
    ),
)

KIND_BY_FILE = {k.file: k for k in KINDS}
KIND_BY_NAME = {k.name: k for k in KINDS}
