"""What each source file holds: its record kind, key and fields.

This is data, read by the loader; adding a field to a kind starts here.
"""

from __future__ import annotations

import functools
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
        return self._by_name.get(name)

    @functools.cached_property
    def _by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}


# Fields many kinds share, spelled once.
_ID = Field("id", Kind.ID)
_NAMES = (Field("name_ja", Kind.TEXT), Field("name_en", Kind.TEXT))
_SOURCE = Field("source", Kind.ID, refers_to="source")
_PROGRAM = Field("program", Kind.ID, refers_to="program")
_FISCAL_YEAR = Field("fiscal_year", Kind.FISCAL_YEAR)
_ROUND = Field("round", Kind.INT, required=False, maximum=99)
_NOTES = (Field("note_ja", Kind.TEXT, required=False), Field("note_en", Kind.TEXT, required=False))

# A local government's names: Japanese, reading, English, romanised.
_LOCAL_NAMES = (
    Field("name_ja", Kind.TEXT),
    Field("name_kana", Kind.TEXT),
    Field("name_en", Kind.TEXT),
    Field("name_latn", Kind.TEXT),
)
_LG_FIELDS = (
    *_LOCAL_NAMES,
    Field("homepage", Kind.URL, required=False),
    Field("lat", Kind.DECIMAL, required=False),
    Field("long", Kind.DECIMAL, required=False),
    _SOURCE,
)

_MAX_COUNT = 10**7

# Ten trillion yen: far above any grant, so a figure beyond it is a typo (extra digits).
_MAX_YEN = 10**13

# What the source document says of a program besides its caps (pipeline/document.py).
_PROGRAM_DETAILS = (
    Field("co_administered_by", Kind.ID, required=False, refers_to="organization"),
    Field("first_fiscal_year", Kind.FISCAL_YEAR, required=False),
    Field("description_ja", Kind.TEXT, required=False),
    Field("support_summary_ja", Kind.TEXT, required=False),
    Field("support_target_ja", Kind.TEXT, required=False),
    Field("contact_name_ja", Kind.TEXT, required=False),
    Field("contact_email", Kind.TEXT, required=False),
    Field("legend_mark", Kind.TEXT, required=False),
    Field("listed_in", Kind.IDS, required=False, refers_to="source"),
)
_SOURCES = Field("source", Kind.IDS, refers_to="source")

KINDS: tuple[RecordKind, ...] = (
    RecordKind(
        "source",
        "sources.yaml",
        "id",
        (
            _ID,
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
        (Field("code", Kind.CODE), *_LG_FIELDS,
         Field("iso3166_2", Kind.TEXT, required=False)),  # JP-01 … JP-47
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
            _ID,
            *_NAMES,
            Field("parent", Kind.ID, required=False, refers_to="organization"),
            Field("homepage", Kind.URL, required=False),
            _SOURCE,
        ),
    ),
    RecordKind(
        "technology",
        "technologies.yaml",
        "id",
        (
            _ID,
            *_NAMES,
            Field("broader", Kind.IDS, required=False, refers_to="technology"),
            _SOURCE,
        ),
    ),
    RecordKind(
        "program",
        "programs.yaml",
        "id",
        (
            _ID,
            *_NAMES,
            Field("administered_by", Kind.ID, refers_to="organization"),
            Field("part_of", Kind.ID, required=False, refers_to="program"),
            Field("subsidy_rate", Kind.RATIO, required=False),
            Field("max_years", Kind.INT, required=False, maximum=100),
            Field("cap_prefecture_yen", Kind.INT, required=False, maximum=_MAX_YEN),
            Field("cap_municipality_yen", Kind.INT, required=False, maximum=_MAX_YEN),
            Field("cap_core_city_yen", Kind.INT, required=False, maximum=_MAX_YEN),
            *_PROGRAM_DETAILS,
            _SOURCE,
        ),
    ),
    RecordKind(
        "award",
        "awards.yaml",
        "id",
        (
            _ID,
            _PROGRAM,
            _FISCAL_YEAR,
            _ROUND,
            Field("status", Kind.ID, choices=("new", "continuing")),
            Field("recipient", Kind.CODE, refers_to="local-government"),
            Field("title", Kind.TEXT),
            Field("requested_thousand_yen", Kind.INT, maximum=_MAX_YEN // 1000),
            Field("awarded_thousand_yen", Kind.INT, maximum=_MAX_YEN // 1000),
            Field("technologies", Kind.IDS, required=False, refers_to="technology"),
            Field("map_text", Kind.TEXT, required=False),
            Field("first_fiscal_year", Kind.FISCAL_YEAR, required=False),
            _SOURCE,
        ),
    ),
    RecordKind(
        "reported-total",
        "reported-totals.yaml",
        "id",
        (
            _ID,
            *_NAMES,
            _PROGRAM,
            _FISCAL_YEAR,
            _ROUND,
            Field("status", Kind.ID, required=False, choices=("new", "continuing")),
            Field("measure", Kind.ID, choices=("project-cost", "national-share")),
            Field("stated_oku_yen", Kind.DECIMAL),
            Field("stated_count", Kind.INT, required=False, maximum=_MAX_COUNT),
            Field("sum_of", Kind.IDS, required=False, refers_to="reported-total"),
            _SOURCE,
        ),
    ),
    # What the catalog (DCAT, VoID) says about the dataset as a whole; no triples in the dump.
    RecordKind(
        "dataset",
        "dataset.yaml",
        "id",
        (
            _ID,
            Field("title_ja", Kind.TEXT),
            Field("title_en", Kind.TEXT),
            Field("description_ja", Kind.TEXT),
            Field("description_en", Kind.TEXT),
            Field("version", Kind.TEXT),
            Field("issued", Kind.DATE),  # first publication
            Field("release", Kind.DATE),  # the date of this version
            Field("publisher_ja", Kind.TEXT),
            Field("publisher_en", Kind.TEXT),
            Field("contact", Kind.URL),
            Field("license", Kind.URL),
            Field("attribution_ja", Kind.TEXT),
            Field("attribution_en", Kind.TEXT),
            Field("sources", Kind.IDS, refers_to="source"),
        ),
    ),
    # A local government whose code changed: the old code keeps its URI, with the names it had.
    RecordKind(
        "code-change",
        "code-changes.yaml",
        "id",
        (
            _ID,
            Field("date", Kind.DATE),
            Field("old_code", Kind.CODE),
            Field("new_code", Kind.CODE, refers_to="municipality"),
            Field("change_ja", Kind.TEXT),
            Field("change_en", Kind.TEXT),
            *_LOCAL_NAMES,
            _SOURCE,
        ),
    ),
)

# Kinds of pipeline/document.py: the rest of the source document.
KINDS += (
    RecordKind(
        "program-name",
        "program-names.yaml",
        "id",
        (
            _ID,
            _PROGRAM,
            *_NAMES,
            Field("from", Kind.FISCAL_YEAR, required=False),
            Field("until", Kind.FISCAL_YEAR, required=False),
            _SOURCES,
        ),
    ),
    RecordKind(
        "selection",
        "selections.yaml",
        "id",
        (
            _ID,
            _PROGRAM,
            Field("fiscal_year", Kind.FISCAL_YEAR, required=False),
            Field("count", Kind.INT, maximum=_MAX_COUNT),
            Field("still_supported", Kind.INT, required=False, maximum=_MAX_COUNT),
            Field("ended", Kind.INT, required=False, maximum=_MAX_COUNT),
            Field("as_of", Kind.DATE, required=False),
            Field("parts", Kind.IDS, required=False, refers_to="selection"),
            *_NOTES,
            _SOURCES,
        ),
    ),
    RecordKind(
        "joint-selection",
        "joint-selections.yaml",
        "id",
        (
            _ID,
            *_NAMES,
            _FISCAL_YEAR,
            Field("selections", Kind.IDS, refers_to="selection"),
            Field("region_count", Kind.INT, maximum=_MAX_COUNT),
            Field("cooperating_count", Kind.INT, required=False, maximum=_MAX_COUNT),
            _SOURCES,
        ),
    ),
    RecordKind(
        "region",
        "regions.yaml",
        "id",
        (
            _ID,
            Field("joint_selection", Kind.ID, refers_to="joint-selection"),
            Field("number", Kind.INT, maximum=_MAX_COUNT),
            *_NAMES,
            Field("local_governments", Kind.IDS, refers_to="local-government"),
            Field("wards", Kind.IDS, required=False, refers_to="ward"),
            Field("district_ja", Kind.TEXT, required=False),
            *_NOTES,
            Field("selected_in", Kind.IDS, refers_to="selection"),
            Field("earlier", Kind.IDS, required=False, refers_to="program"),
            _SOURCES,
        ),
    ),
    RecordKind(
        "budget",
        "budgets.yaml",
        "id",
        (
            _ID,
            _PROGRAM,
            _FISCAL_YEAR,
            Field("account", Kind.ID, required=False, choices=("initial", "supplementary")),
            Field("stated_text", Kind.TEXT),
            Field("oku_yen", Kind.DECIMAL, required=False),
            Field("qualifier", Kind.ID, choices=("stated", "share-of", "approximate")),
            *_NOTES,
            _SOURCES,
        ),
    ),
    RecordKind(
        "initiative",
        "initiatives.yaml",
        "id",
        (
            _ID,
            *_NAMES,
            Field("description_ja", Kind.TEXT, required=False),
            Field("program", Kind.ID, required=False, refers_to="program"),
            Field("founders", Kind.IDS, required=False, refers_to="organization"),
            Field("founded", Kind.TEXT, required=False),
            Field("member_count", Kind.INT, required=False, maximum=_MAX_COUNT),
            Field("members_as_of", Kind.DATE, required=False),
            Field("homepage", Kind.URL, required=False),
            _SOURCES,
        ),
    ),
    RecordKind(
        "point",
        "points.yaml",
        "id",
        (
            _ID,
            Field("program", Kind.ID, required=False, refers_to="program"),
            Field("initiative", Kind.ID, required=False, refers_to="initiative"),
            Field("parent", Kind.ID, required=False, refers_to="point"),
            Field("kind", Kind.ID, choices=(
                "purpose", "basic-idea", "requirement", "application-limit", "role", "service",
                "member-type", "social-issue", "policy-area", "pillar", "measure",
                "regional-vision", "next-step", "note")),
            Field("order", Kind.INT, maximum=999),
            Field("text_ja", Kind.TEXT),
            Field("text_en", Kind.TEXT),
            _SOURCES,
        ),
    ),
    RecordKind(
        "target",
        "targets.yaml",
        "id",
        (
            _ID,
            Field("initiative", Kind.ID, refers_to="initiative"),
            Field("point", Kind.ID, required=False, refers_to="point"),
            Field("text_ja", Kind.TEXT),
            Field("text_en", Kind.TEXT),
            Field("value", Kind.DECIMAL, required=False),
            Field("unit_ja", Kind.TEXT, required=False),
            Field("comparison", Kind.ID, required=False, choices=("at-least",)),
            Field("by_end_of", Kind.FISCAL_YEAR, required=False),
            Field("in_fiscal_year", Kind.FISCAL_YEAR, required=False),
            _SOURCES,
        ),
    ),
    RecordKind(
        "statistic",
        "statistics.yaml",
        "id",
        (
            _ID,
            Field("point", Kind.ID, refers_to="point"),
            *_NAMES,
            Field("value", Kind.DECIMAL),
            Field("unit_ja", Kind.TEXT, required=False),
            Field("year", Kind.INT, maximum=2100),
            Field("stated_text", Kind.TEXT),
            _SOURCES,
        ),
    ),
)

KIND_BY_FILE = {k.file: k for k in KINDS}
KIND_BY_NAME = {k.name: k for k in KINDS}
