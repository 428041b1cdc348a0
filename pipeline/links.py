"""Links to other people's data, computed from the official codes we hold (no network access):
e-Stat standard area codes, corporate numbers and their gBizINFO pages, ISO 3166-2, GeoSPARQL
points, local government code changes; and a VoID linkset that describes and counts each set."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote_plus

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, VOID

from pipeline.load import Record, Source
from pipeline.rdf import Emitter, Iris, xsd_date
from pipeline.vocab import MIRAI

if TYPE_CHECKING:  # build imports the stages, so importing it here would be a cycle
    from pipeline.build import Dataset

GEOSPARQL = Namespace("http://www.opengis.net/ont/geosparql#")
ESTAT_SAC = "http://data.e-stat.go.jp/lod/sac/"
# gBizINFO's page for one corporate number; the form its own site links to and others cite.
GBIZINFO = "https://info.gbiz.go.jp/hojin/ichiran?hojinBango="
# 法人番号 of a local government: check digit, "000020", then its 6-digit code (国税庁).
_LOCAL_GOVERNMENT_INFIX = "000020"


# --- codes -----------------------------------------------------------------------------------

def standard_area_code(code: str) -> str:
    """The 5-digit 標準地域コード: the local government code without its check digit."""
    return code[:5]


def estat_sac(code: str) -> URIRef:
    """The e-Stat 統計LOD resource of the standard area code (the code, not the government)."""
    return URIRef(f"{ESTAT_SAC}C{standard_area_code(code)}")


def corporate_check_digit(base: str) -> int:
    """Check digit of a 法人番号 over its other 12 digits: 9 − (Σ Pn×Qn mod 9), where Pn is the
    n-th digit counted from the right and Qn is 1 for odd n, 2 for even n."""
    if len(base) != 12 or not base.isascii() or not base.isdigit():
        raise ValueError(f"{base!r} is not 12 ASCII digits")
    total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(base), start=1))
    return 9 - total % 9


def corporate_number(code: str) -> str:
    """The 13-digit 法人番号 of the local government with this 6-digit code."""
    base = _LOCAL_GOVERNMENT_INFIX + code
    return f"{corporate_check_digit(base)}{base}"


def corporate_number_problem(number: str) -> str | None:
    """Why `number` is not a valid 法人番号, or None when it is."""
    if len(number) != 13 or not number.isascii() or not number.isdigit():
        return f"corporate number {number!r} is not 13 ASCII digits"
    expected = corporate_check_digit(number[1:])
    if int(number[0]) != expected:
        return f"corporate number {number} has check digit {number[0]}, expected {expected}"
    return None


def gbizinfo(number: str) -> URIRef:
    return URIRef(GBIZINFO + number)


def wikidata_query_url(code: str) -> str:
    """A Wikidata search for items whose P429 (全国地方公共団体コード) is `code`: a query to
    follow, not a claim that any item is the same thing as our resource."""
    # What urlencode gives for title=Special:Search&search=…, without its generic steps: this
    # runs once per local government page.
    return ("https://www.wikidata.org/w/index.php?title=Special%3ASearch&search="
            + quote_plus(f"haswbstatement:P429={code}"))


def wkt_point(lat: str, long: str) -> Literal:
    """A GeoSPARQL point; WKT without a CRS IRI is CRS84, so longitude comes first."""
    return Literal(f"POINT({long} {lat})", datatype=GEOSPARQL.wktLiteral)


def geometry(resource: URIRef) -> URIRef:
    # A fragment of the resource's own IRI: it dereferences to the resource's page.
    return URIRef(f"{resource}#geometry")


def change_event(iris: Iris, key: str) -> URIRef:
    return iris.of(f"change/{key}")


# --- stages ----------------------------------------------------------------------------------

def _point(e: Emitter, s: URIRef, r: Record) -> None:
    if "lat" not in r.values or "long" not in r.values:
        return
    g = geometry(s)
    e.subject(g, r)
    e.add(s, GEOSPARQL.hasGeometry, g, r, "lat")
    e.add(g, RDF.type, GEOSPARQL.Geometry, r, "lat")
    e.add(g, GEOSPARQL.asWKT, wkt_point(str(r["lat"]), str(r["long"])), r, "lat")


def _code_links(e: Emitter, s: URIRef, r: Record) -> None:
    number = corporate_number(r.key)
    e.add(s, MIRAI.standardAreaCode, estat_sac(r.key), r, "code")
    e.add(s, MIRAI.corporateNumber, Literal(number), r, "code")
    e.add(s, FOAF.page, gbizinfo(number), r, "code")


def links(e: Emitter, source: Source) -> None:
    """Links every prefecture and municipality to e-Stat, its corporate number and gBizINFO;
    prefectures to ISO 3166-2; and gives every place with coordinates a GeoSPARQL point."""
    for r in source.of("prefecture"):
        s = e.iris.prefecture(r.key)
        _code_links(e, s, r)
        e.optional(s, MIRAI.iso3166Code, r, "iso3166_2", Literal)
        _point(e, s, r)
    for r in source.of("municipality"):
        s = e.iris.municipality(r.key)
        _code_links(e, s, r)
        _point(e, s, r)
    for r in source.of("ward"):
        _point(e, e.iris.ward(r.key), r)


def code_changes(e: Emitter, source: Source) -> None:
    """The old code's URI stays: it keeps the names it had and says what replaced it."""
    for r in source.of("code-change"):
        old = e.iris.municipality(r["old_code"])
        new = e.iris.local_government(r["new_code"])
        event = change_event(e.iris, r.key)
        e.subject(old, r)
        e.subject(event, r)
        e.add(old, RDF.type, MIRAI.FormerMunicipality, r, "old_code")
        e.local_names(old, _with_code(r))
        e.add(old, MIRAI.standardAreaCode, estat_sac(r["old_code"]), r, "old_code")
        e.add(old, DCTERMS.isReplacedBy, new, r, "new_code")
        e.add(new, DCTERMS.replaces, old, r, "old_code")
        e.add(old, ORG.changedBy, event, r, "id")
        e.add(new, ORG.resultedFrom, event, r, "id")
        e.add(event, RDF.type, ORG.ChangeEvent, r, "id")
        date = str(r["date"])
        e.add(event, RDFS.label, Literal(f"{r['name_ja']}の{r['change_ja']}（{date}）", lang="ja"),
              r, "change_ja")
        e.add(event, RDFS.label, Literal(f"{r['change_en']}: {r['name_en']} ({date})", lang="en"),
              r, "change_en")
        e.add(event, DCTERMS.date, xsd_date(date), r, "date")
        e.add(event, ORG.originalOrganization, old, r, "old_code")
        e.add(event, ORG.resultingOrganization, new, r, "new_code")
        e.source_link(event, r)


def _with_code(r: Record) -> Record:
    """The record as local_names reads it: `code` is the old code, written where old_code is."""
    values = {**r.values, "code": r["old_code"]}
    locations = {**r.locations, "code": r.where("old_code")}
    return Record(r.kind, r.key, r.location, values, locations)


# --- VoID ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """Another dataset we link to, and the predicate of the links."""

    key: str
    title_ja: str
    title_en: str
    homepage: str
    predicate: URIRef
    uri_space: str | None  # where the link objects start; None when they are code literals


TARGETS: tuple[Target, ...] = (
    Target("estat-sac", "統計LOD 標準地域コード", "e-Stat statistical LOD: standard area codes",
           "https://data.e-stat.go.jp/lodw/", MIRAI.standardAreaCode, ESTAT_SAC),
    Target("gbizinfo", "gBizINFO（法人番号）", "gBizINFO (corporate numbers)",
           "https://info.gbiz.go.jp/", FOAF.page, GBIZINFO),
    Target("iso3166-2", "ISO 3166-2 都道府県コード", "ISO 3166-2 subdivision codes of Japan",
           "https://www.iso.org/iso-3166-country-codes.html", MIRAI.iso3166Code, None),
)


def link_counts(triples: Iterable[ox.Triple]) -> dict[str, int]:
    """The number of links to each target among the triples, by target key, in one pass."""
    by_predicate: dict[str, list[Target]] = defaultdict(list)
    for target in TARGETS:
        by_predicate[str(target.predicate)].append(target)
    counts = dict.fromkeys((target.key for target in TARGETS), 0)
    for t in triples:
        targets = by_predicate.get(t.predicate.value)
        if targets is None or not isinstance(t.subject, ox.NamedNode):
            continue
        o = t.object
        for target in targets:
            if target.uri_space is None or (isinstance(o, ox.NamedNode)
                                            and o.value.startswith(target.uri_space)):
                counts[target.key] += 1
    return counts


def linkset(iris: Iris, target: Target) -> URIRef:
    return iris.of(f"void/linkset/{target.key}")


def target_dataset(iris: Iris, target: Target) -> URIRef:
    return iris.of(f"void/target/{target.key}")


def void_linksets(dataset: Dataset, subjects_target: URIRef | None = None) -> Graph:
    """One void:Linkset per target dataset, its triples counted in the dataset's graph.

    `subjects_target` is the IRI of our void:Dataset (default `{base}dataset`, the catalog's);
    each linkset is a void:subset of it."""
    iris = dataset.iris
    ours = subjects_target if subjects_target is not None else iris.of("dataset")
    g = Graph(bind_namespaces="none")
    for prefix, ns in (("void", VOID), ("dcterms", DCTERMS), ("foaf", FOAF), ("rdfs", RDFS),
                       ("mirai", str(MIRAI)), ("xsd", XSD)):
        g.bind(prefix, ns)
    counts = link_counts(dataset.ox_triples)
    for target in TARGETS:
        ls = linkset(iris, target)
        theirs = target_dataset(iris, target)
        count = counts[target.key]
        g.add((ours, VOID.subset, ls))
        g.add((ls, RDF.type, VOID.Linkset))
        g.add((ls, DCTERMS.title, Literal(f"mirai-lod → {target.title_en}", lang="en")))
        g.add((ls, DCTERMS.title, Literal(f"mirai-lod → {target.title_ja}", lang="ja")))
        g.add((ls, VOID.subjectsTarget, ours))
        g.add((ls, VOID.objectsTarget, theirs))
        g.add((ls, VOID.linkPredicate, target.predicate))
        g.add((ls, VOID.triples, Literal(count, datatype=XSD.integer)))
        g.add((theirs, RDF.type, VOID.Dataset))
        g.add((theirs, DCTERMS.title, Literal(target.title_ja, lang="ja")))
        g.add((theirs, DCTERMS.title, Literal(target.title_en, lang="en")))
        g.add((theirs, FOAF.homepage, URIRef(target.homepage)))
        if target.uri_space is not None:
            g.add((theirs, VOID.uriSpace, Literal(target.uri_space)))
        else:
            g.add((theirs, RDFS.comment, Literal(
                "The code list has no IRIs per code; the links are the codes, as literals.",
                lang="en")))
    return g
