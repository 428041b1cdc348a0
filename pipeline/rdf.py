"""Records → RDF triples, with an index from every subject (and subject + property) back to the
line of YAML it came from, so a validation result can point at the text a person edits."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV

from pipeline.errors import Location
from pipeline.load import Record, Source
from pipeline.vocab import MIRAI

DEFAULT_BASE = "https://w3id.org/mirai-lod/"
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
SCHEMA = Namespace("https://schema.org/")

PREFIXES: dict[str, str] = {
    "mirai": str(MIRAI),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "org": str(ORG),
    "prov": str(PROV),
    "geo": str(GEO),
    "schema": str(SCHEMA),
    "geosparql": "http://www.opengis.net/ont/geosparql#",
}

_KIND = {
    "city": MIRAI.City,
    "designated-city": MIRAI.DesignatedCity,
    "town": MIRAI.Town,
    "village": MIRAI.Village,
    "special-ward": MIRAI.SpecialWard,
}
_STATUS = {"new": MIRAI.New, "continuing": MIRAI.Continuing}
# rdflib's own namespaces look a term up in Python at each use: the terms named once per
# record, or per value, are looked up here once.
_TYPE, _LABEL, _SOURCE, _TITLE = RDF.type, RDFS.label, DCTERMS.source, DCTERMS.title
_INTEGER, _DATE, _GYEAR, _DECIMAL = XSD.integer, XSD.date, XSD.gYear, XSD.decimal
_MEASURE = {"project-cost": MIRAI.ProjectCost, "national-share": MIRAI.NationalShare}
_CAPS = (
    ("prefecture", "cap_prefecture_yen", MIRAI.Prefecture, "都道府県", "prefectures"),
    ("municipality", "cap_municipality_yen", MIRAI.Municipality, "市区町村", "municipalities"),
    ("core-city", "cap_core_city_yen", MIRAI.CoreCity, "中枢中核都市", "core cities"),
)
OKU = 100_000_000  # 1億円 in yen


@dataclass(frozen=True)
class Iris:
    """Every IRI the dataset mints, from one base, so the scheme lives in one place."""

    base: str = DEFAULT_BASE
    # One URIRef for each IRI, however many records name it (a program, a recipient): at a
    # million triples, a quarter less memory for them, and faster than making each anew.
    _made: dict[str, URIRef] = field(default_factory=dict, init=False, repr=False,
                                     compare=False)

    def __post_init__(self) -> None:
        if not self.base.endswith("/"):
            raise ValueError(f"base IRI must end with '/': {self.base}")

    def of(self, path: str) -> URIRef:
        iri = self._made.get(path)
        if iri is None:
            iri = self._made[path] = URIRef(self.base + path)
        return iri

    def prefecture(self, code: str) -> URIRef:
        return self.of(f"prefecture/{code}")

    def municipality(self, code: str) -> URIRef:
        return self.of(f"municipality/{code}")

    def ward(self, code: str) -> URIRef:
        return self.of(f"ward/{code}")

    def local_government(self, code: str) -> URIRef:
        # Prefecture codes are NN000C; any other code is a municipality's.
        return self.prefecture(code) if code[2:5] == "000" else self.municipality(code)

    def organization(self, key: str) -> URIRef:
        return self.of(f"organization/{key}")

    def program(self, key: str) -> URIRef:
        return self.of(f"program/{key}")

    def cap(self, program: str, level: str) -> URIRef:
        return self.of(f"program/{program}/cap/{level}")

    def award(self, key: str) -> URIRef:
        return self.of(f"award/{key}")

    def technology(self, key: str) -> URIRef:
        return self.of(f"technology/{key}")

    def technology_scheme(self) -> URIRef:
        return self.of("technology")

    def total(self, key: str) -> URIRef:
        return self.of(f"total/{key}")

    def source(self, key: str) -> URIRef:
        return self.of(f"source/{key}")


Triple = tuple[URIRef, URIRef, URIRef | Literal]


@dataclass
class Origins:
    """Where each subject, and each of its properties, is written in the source."""

    subjects: dict[URIRef, Location] = field(default_factory=dict)
    values: dict[tuple[URIRef, URIRef], Location] = field(default_factory=dict)

    def locate(self, subject: URIRef, path: URIRef | None = None) -> Location | None:
        if path is not None and (subject, path) in self.values:
            return self.values[(subject, path)]
        return self.subjects.get(subject)


def ja_literal(text: str) -> Literal:
    return Literal(text, lang="ja")


def en_literal(text: str) -> Literal:
    return Literal(text, lang="en")


# rdflib makes a typed literal in about 10 µs, and amounts, counts and rounds recur: at a
# million triples, making the triples took 4.0-4.3 s with each value's literal made once,
# against 4.5-5.6 s.
@functools.lru_cache(maxsize=1 << 17, typed=True)  # typed: True is not 1
def int_literal(value: int) -> Literal:
    return Literal(value, datatype=_INTEGER)


def xsd_date(text: str) -> Literal:
    return Literal(text, datatype=_DATE)


@functools.lru_cache(maxsize=512)  # a few dozen years, each named by thousands of awards
def gyear(year: int | str) -> Literal:
    return Literal(str(year), datatype=_GYEAR)


def _decimal(text: str | Decimal) -> Literal:
    return Literal(str(text), datatype=_DECIMAL)


class Emitter:
    """Collects triples and where each came from; one per build."""

    def __init__(self, iris: Iris) -> None:
        self.iris = iris
        self.triples: list[Triple] = []
        self.origins = Origins()

    def subject(self, subject: URIRef, record: Record) -> None:
        self.origins.subjects.setdefault(subject, record.location)

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal, record: Record | None = None,
            field_name: str | None = None) -> None:
        self.triples.append((s, p, o))
        if record is not None and field_name is not None:
            self.origins.values.setdefault((s, p), record.where(field_name))

    def begin(self, s: URIRef, record: Record, *types: URIRef) -> URIRef:
        """Start the description of `s`: it comes from `record` and has these types."""
        self.subject(s, record)
        for t in types:
            self.add(s, _TYPE, t)
        return s

    def optional(self, s: URIRef, p: URIRef, record: Record, field_name: str,
                 make: Callable[[Any], URIRef | Literal]) -> None:
        """(s, p, make(value)) where the record has the field."""
        if field_name in record.values:
            self.add(s, p, make(record[field_name]), record, field_name)

    def each(self, s: URIRef, p: URIRef, record: Record, field_name: str,
             make: Callable[[Any], URIRef | Literal]) -> None:
        """(s, p, make(item)) for each item of a list field."""
        for item in record.get(field_name, ()):
            self.add(s, p, make(item), record, field_name)

    def source_link(self, s: URIRef, record: Record) -> None:
        self.add(s, _SOURCE, self.iris.source(record["source"]), record, "source")

    def source_links(self, s: URIRef, record: Record) -> None:
        """For records whose `source` is a list of sections (a fact can sit in two tables)."""
        self.each(s, _SOURCE, record, "source", self.iris.source)

    def names(self, s: URIRef, record: Record) -> None:
        self.add(s, _LABEL, ja_literal(record["name_ja"]), record, "name_ja")
        self.add(s, _LABEL, en_literal(record["name_en"]), record, "name_en")

    def local_names(self, s: URIRef, record: Record) -> None:
        self.names(s, record)
        self.add(s, RDFS.label, Literal(record["name_latn"], lang="ja-Latn"), record, "name_latn")
        self.add(s, MIRAI.nameReading, Literal(record["name_kana"], lang="ja-Hrkt"), record,
                 "name_kana")
        self.add(s, MIRAI.localGovernmentCode, Literal(record["code"]), record, "code")
        self.optional(s, FOAF.homepage, record, "homepage", URIRef)
        self.optional(s, GEO.lat, record, "lat", _decimal)
        self.optional(s, GEO.long, record, "long", _decimal)
        self.source_link(s, record)


def sources(e: Emitter, source: Source) -> None:
    for r in source.of("source"):
        s = e.iris.source(r.key)
        e.subject(s, r)
        if "part_of" in r.values:
            e.add(s, RDF.type, MIRAI.SourceSection)
            e.add(s, DCTERMS.isPartOf, e.iris.source(r["part_of"]), r, "part_of")
        else:
            e.add(s, RDF.type, PROV.Entity)
            e.add(s, RDF.type, FOAF.Document)
        e.add(s, DCTERMS.title, ja_literal(r["title_ja"]), r, "title_ja")
        e.add(s, RDFS.label, ja_literal(r["title_ja"]), r, "title_ja")
        if "title_en" in r.values:
            e.add(s, DCTERMS.title, en_literal(r["title_en"]), r, "title_en")
            e.add(s, RDFS.label, en_literal(r["title_en"]), r, "title_en")
        e.optional(s, DCTERMS.publisher, r, "publisher", e.iris.organization)
        e.optional(s, DCTERMS.creator, r, "creator", Literal)
        e.optional(s, DCTERMS.issued, r, "issued", xsd_date)
        e.optional(s, FOAF.page, r, "url", URIRef)
        e.optional(s, DCTERMS.license, r, "license", URIRef)
        e.optional(s, SCHEMA.version, r, "version", Literal)


def local_governments(e: Emitter, source: Source) -> None:
    for r in source.of("prefecture"):
        s = e.begin(e.iris.prefecture(r.key), r, MIRAI.Prefecture)
        e.local_names(s, r)
    for r in source.of("municipality"):
        s = e.begin(e.iris.municipality(r.key), r, MIRAI.Municipality)
        e.local_names(s, r)
        e.add(s, MIRAI.prefecture, e.iris.prefecture(r["prefecture"]), r, "prefecture")
        e.add(s, MIRAI.municipalityKind, _KIND[r["kind"]], r, "kind")
    for r in source.of("ward"):
        s = e.begin(e.iris.ward(r.key), r, MIRAI.Ward)
        e.local_names(s, r)
        e.add(s, MIRAI.city, e.iris.municipality(r["city"]), r, "city")


def organizations(e: Emitter, source: Source) -> None:
    for r in source.of("organization"):
        s = e.begin(e.iris.organization(r.key), r, MIRAI.GovernmentBody)
        e.names(s, r)
        e.optional(s, ORG.subOrganizationOf, r, "parent", e.iris.organization)
        e.optional(s, FOAF.homepage, r, "homepage", URIRef)
        e.source_link(s, r)


def technologies(e: Emitter, source: Source) -> None:
    scheme = e.iris.technology_scheme()
    records = source.of("technology")
    if not records:
        return
    e.add(scheme, RDF.type, SKOS.ConceptScheme)
    for label in (ja_literal("技術・分野"), en_literal("Technologies and fields")):
        e.add(scheme, RDFS.label, label)
        e.add(scheme, SKOS.prefLabel, label)
    for r in records:
        s = e.begin(e.iris.technology(r.key), r, MIRAI.Technology)
        for name, lang in (("name_ja", "ja"), ("name_en", "en")):
            e.add(s, SKOS.prefLabel, Literal(r[name], lang=lang), r, name)
            e.add(s, RDFS.label, Literal(r[name], lang=lang), r, name)
        e.add(s, SKOS.inScheme, scheme)
        broader = r.get("broader", ())
        for other in broader:
            e.add(s, SKOS.broader, e.iris.technology(other), r, "broader")
            e.add(e.iris.technology(other), SKOS.narrower, s, r, "broader")
        if not broader:
            e.add(s, SKOS.topConceptOf, scheme)
            e.add(scheme, SKOS.hasTopConcept, s)
        e.source_link(s, r)


def programs(e: Emitter, source: Source) -> None:
    for r in source.of("program"):
        s = e.begin(e.iris.program(r.key), r, MIRAI.Program)
        e.names(s, r)
        e.add(s, MIRAI.administeredBy, e.iris.organization(r["administered_by"]), r,
              "administered_by")
        e.optional(s, MIRAI.partOf, r, "part_of", e.iris.program)
        if "subsidy_rate" in r.values:
            rate: Fraction = r["subsidy_rate"]
            e.add(s, MIRAI.subsidyRate, _decimal(Decimal(rate.numerator) / rate.denominator),
                  r, "subsidy_rate")
        e.optional(s, MIRAI.maxDurationYears, r, "max_years", int_literal)
        for level, name, cls, level_ja, level_en in _CAPS:
            if name not in r.values:
                continue
            cap = e.iris.cap(r.key, level)
            e.subject(cap, r)
            e.add(s, MIRAI.annualCap, cap, r, name)
            e.add(cap, RDF.type, MIRAI.FundingCap)
            e.add(cap, RDFS.label, ja_literal(f"{r['name_ja']}の{level_ja}の年度当たり交付上限額"))
            e.add(cap, RDFS.label, en_literal(f"Annual cap for {level_en}: {r['name_en']}"))
            e.add(cap, MIRAI.appliesTo, cls)
            e.add(cap, MIRAI.capAmount, int_literal(r[name]), r, name)
        e.source_link(s, r)


def awards(e: Emitter, source: Source) -> None:
    for r in source.of("award"):
        s = e.begin(e.iris.award(r.key), r, MIRAI.Award)
        e.add(s, _TITLE, ja_literal(r["title"]), r, "title")
        e.add(s, MIRAI.recipient, e.iris.local_government(r["recipient"]), r, "recipient")
        e.add(s, MIRAI.program, e.iris.program(r["program"]), r, "program")
        e.add(s, MIRAI.fiscalYear, gyear(r["fiscal_year"]), r,
              "fiscal_year")
        e.optional(s, MIRAI.selectionRound, r, "round", int_literal)
        e.add(s, MIRAI.awardStatus, _STATUS[r["status"]], r, "status")
        e.add(s, MIRAI.requestedAmount, int_literal(r["requested_thousand_yen"] * 1000), r,
              "requested_thousand_yen")
        e.add(s, MIRAI.awardedAmount, int_literal(r["awarded_thousand_yen"] * 1000), r,
              "awarded_thousand_yen")
        e.each(s, MIRAI.technology, r, "technologies", e.iris.technology)
        e.source_link(s, r)


def totals(e: Emitter, source: Source) -> None:
    for r in source.of("reported-total"):
        s = e.begin(e.iris.total(r.key), r, MIRAI.ReportedTotal)
        e.names(s, r)
        e.add(s, MIRAI.program, e.iris.program(r["program"]), r, "program")
        e.add(s, MIRAI.fiscalYear, gyear(r["fiscal_year"]), r,
              "fiscal_year")
        e.optional(s, MIRAI.selectionRound, r, "round", int_literal)
        if "status" in r.values:
            e.add(s, MIRAI.awardStatus, _STATUS[r["status"]], r, "status")
        e.add(s, MIRAI.measure, _MEASURE[r["measure"]], r, "measure")
        stated = Decimal(r["stated_oku_yen"])
        exponent = stated.as_tuple().exponent
        assert isinstance(exponent, int)
        # The figure is rounded to its last written digit: 5.7億円 → to 0.1億円.
        unit = OKU * Decimal(10) ** exponent
        e.add(s, MIRAI.statedAmount, int_literal(int(stated * OKU)), r, "stated_oku_yen")
        e.add(s, MIRAI.roundingUnit, int_literal(int(unit)), r, "stated_oku_yen")
        e.add(s, MIRAI.statedText, ja_literal(f"{r['stated_oku_yen']}億円"), r, "stated_oku_yen")
        e.optional(s, MIRAI.statedCount, r, "stated_count", int_literal)
        e.each(s, MIRAI.sumOf, r, "sum_of", e.iris.total)
        e.source_link(s, r)


Stage = Callable[[Emitter, Source], None]


def to_triples(source: Source, iris: Iris, stages: Sequence[Stage]) -> tuple[list[Triple],
                                                                              Origins]:
    """All triples of the dataset, in a stable order, and where each came from."""
    e = Emitter(iris)
    for stage in stages:
        stage(e, source)
    # A triple stated twice (e.g. a type emitted by two stages) is one triple of the graph.
    return list(dict.fromkeys(e.triples)), e.origins


def to_graph(triples: list[Triple]) -> Graph:
    graph = Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    for triple in triples:
        graph.add(triple)
    return graph


def iter_subjects(triples: list[Triple]) -> Iterator[URIRef]:
    seen: set[URIRef] = set()
    for s, _, _ in triples:
        if s not in seen:
            seen.add(s)
            yield s
