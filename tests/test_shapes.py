"""The SHACL shapes accept a small valid graph, and each broken rule gives exactly its results."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

SHAPES_PATH = Path(__file__).parents[1] / "shapes" / "mirai.ttl"

B = Namespace("https://w3id.org/mirai-lod/")
MIRAI = Namespace("https://w3id.org/mirai-lod/ontology#")
SHAPES = Namespace("https://w3id.org/mirai-lod/shapes#")

HOKKAIDO = B["prefecture/010006"]
ISHIKAWA = B["prefecture/170003"]
SAPPORO = B["municipality/011002"]
KAGA = B["municipality/172065"]
CHUO_WARD = B["ward/011011"]
PARENT_PROGRAM = B["program/revitalization-grant"]
PROGRAM = B["program/revitalization-grant-society5"]
MUNICIPALITY_CAP = B["program/revitalization-grant-society5/cap/municipality"]
CORE_CITY_CAP = B["program/revitalization-grant-society5/cap/core-city"]
NEW_AWARD = B["award/society5-2022-1-172065"]
CONTINUING_AWARD = B["award/society5-2022-1-172065-multi-habitation"]
SMART_CITY = B["technology/smart-city"]
TOTAL = B["total/society5-2022-1-national-share"]

# Two awards to 加賀市 from 令和4年度第1回 (seed document, 千円 × 1000), the places, bodies and
# program they refer to, and a total over both: 18,500,000 + 98,848,000 = 117,348,000 yen, stated
# as 1.17億円 (rounded to 1,000,000 yen).
VALID = """
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix mirai: <https://w3id.org/mirai-lod/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@base <https://w3id.org/mirai-lod/> .

# The ontology axioms the shapes rely on; the pipeline passes the whole ontology as ont_graph.
mirai:Prefecture rdfs:subClassOf mirai:LocalGovernment .
mirai:Municipality rdfs:subClassOf mirai:LocalGovernment .
mirai:CoreCity rdfs:subClassOf mirai:Municipality , mirai:LocalGovernment .
mirai:Technology rdfs:subClassOf skos:Concept .

<prefecture/010006> a mirai:Prefecture ;
    rdfs:label "北海道"@ja , "Hokkaido"@en , "Hokkaido"@ja-Latn ;
    mirai:nameReading "ほっかいどう"@ja-Hrkt ;
    mirai:localGovernmentCode "010006" ;
    foaf:homepage <https://www.pref.hokkaido.lg.jp/> ;
    geo:lat 43.063968 ;
    geo:long 141.347899 ;
    dcterms:source <source/localgovjp> .

<prefecture/170003> a mirai:Prefecture ;
    rdfs:label "石川県"@ja , "Ishikawa Prefecture"@en , "Ishikawa-ken"@ja-Latn ;
    mirai:nameReading "いしかわけん"@ja-Hrkt ;
    mirai:localGovernmentCode "170003" ;
    foaf:homepage <https://www.pref.ishikawa.lg.jp/> ;
    geo:lat 36.594682 ;
    geo:long 136.625573 ;
    dcterms:source <source/localgovjp> .

<municipality/011002> a mirai:Municipality ;
    rdfs:label "札幌市"@ja , "Sapporo City"@en , "Sapporo-shi"@ja-Latn ;
    mirai:nameReading "さっぽろし"@ja-Hrkt ;
    mirai:localGovernmentCode "011002" ;
    mirai:prefecture <prefecture/010006> ;
    mirai:municipalityKind mirai:DesignatedCity ;
    foaf:homepage <https://www.city.sapporo.jp/> ;
    geo:lat 43.06208877 ;
    geo:long 141.3543886 ;
    dcterms:source <source/localgovjp> .

<municipality/172065> a mirai:Municipality ;
    rdfs:label "加賀市"@ja , "Kaga City"@en , "Kaga-shi"@ja-Latn ;
    mirai:nameReading "かがし"@ja-Hrkt ;
    mirai:localGovernmentCode "172065" ;
    mirai:prefecture <prefecture/170003> ;
    mirai:municipalityKind mirai:City ;
    foaf:homepage <https://www.city.kaga.ishikawa.jp/> ;
    geo:lat 36.30277778 ;
    geo:long 136.315 ;
    dcterms:source <source/localgovjp> .

<ward/011011> a mirai:Ward ;
    rdfs:label "札幌市中央区"@ja , "Chuo Ward, Sapporo"@en , "Sapporo-shi Chuo-ku"@ja-Latn ;
    mirai:nameReading "さっぽろし ちゅうおうく"@ja-Hrkt ;
    mirai:localGovernmentCode "011011" ;
    mirai:city <municipality/011002> ;
    foaf:homepage <https://www.city.sapporo.jp/chuo/> ;
    geo:lat 43.0553865 ;
    geo:long 141.3409671 ;
    dcterms:source <source/localgovjp> .

<organization/cao-regional-revitalization> a mirai:GovernmentBody ;
    rdfs:label "内閣府地方創生推進事務局"@ja ,
        "Secretariat for the Promotion of Regional Revitalization, Cabinet Office"@en .

<organization/cao-grant-team> a mirai:GovernmentBody ;
    rdfs:label "内閣府地方創生推進事務局交付金チーム"@ja ,
        "Grant Team, Secretariat for the Promotion of Regional Revitalization"@en ;
    org:subOrganizationOf <organization/cao-regional-revitalization> .

<program/revitalization-grant> a mirai:Program ;
    rdfs:label "地方創生推進交付金"@ja , "Regional Revitalization Promotion Grant"@en ;
    mirai:administeredBy <organization/cao-grant-team> ;
    dcterms:source <source/cao-2022-07-12-society5-overview> .

<program/revitalization-grant-society5> a mirai:Program ;
    rdfs:label "地方創生推進交付金（Society5.0タイプ）"@ja ,
        "Regional Revitalization Promotion Grant, Society5.0 type"@en ;
    mirai:administeredBy <organization/cao-grant-team> ;
    mirai:partOf <program/revitalization-grant> ;
    mirai:subsidyRate 0.5 ;
    mirai:maxDurationYears 5 ;
    mirai:annualCap <program/revitalization-grant-society5/cap/prefecture> ,
        <program/revitalization-grant-society5/cap/municipality> ;
    dcterms:source <source/cao-2022-07-12-society5-overview> .

<program/revitalization-grant-society5/cap/prefecture> a mirai:FundingCap ;
    rdfs:label "Society5.0タイプの年度当たり交付上限額（都道府県）"@ja ,
        "Society5.0 type annual cap for a prefecture"@en ;
    mirai:appliesTo mirai:Prefecture ;
    mirai:capAmount 300000000 .

<program/revitalization-grant-society5/cap/municipality> a mirai:FundingCap ;
    rdfs:label "Society5.0タイプの年度当たり交付上限額（市区町村）"@ja ,
        "Society5.0 type annual cap for a municipality"@en ;
    mirai:appliesTo mirai:Municipality ;
    mirai:capAmount 300000000 .

<award/society5-2022-1-172065> a mirai:Award ;
    dcterms:title "マイナンバーを軸とした加賀市版電子自治体推進事業"@ja ;
    mirai:recipient <municipality/172065> ;
    mirai:program <program/revitalization-grant-society5> ;
    mirai:fiscalYear "2022"^^xsd:gYear ;
    mirai:selectionRound 1 ;
    mirai:requestedAmount 37000000 ;
    mirai:awardedAmount 18500000 ;
    mirai:awardStatus mirai:New ;
    mirai:technology <technology/smart-city> ;
    dcterms:source <source/cao-2022-07-12-society5-awards-r4-1-new> .

<award/society5-2022-1-172065-multi-habitation> a mirai:Award ;
    dcterms:title "多居住拠点による新たな地方創生事業"@ja ;
    mirai:recipient <municipality/172065> ;
    mirai:program <program/revitalization-grant-society5> ;
    mirai:fiscalYear "2022"^^xsd:gYear ;
    mirai:selectionRound 1 ;
    mirai:requestedAmount 197696000 ;
    mirai:awardedAmount 98848000 ;
    mirai:awardStatus mirai:Continuing ;
    dcterms:source <source/cao-2022-07-12-society5-awards-r4-1-continuing> .

<technology> a skos:ConceptScheme ;
    skos:prefLabel "活用技術"@ja , "Technologies"@en ;
    skos:hasTopConcept <technology/smart-city> .

<technology/smart-city> a mirai:Technology ;
    skos:prefLabel "スマートシティ"@ja , "Smart city"@en ;
    rdfs:label "スマートシティ"@ja , "Smart city"@en ;
    skos:inScheme <technology> ;
    skos:topConceptOf <technology> .

<total/society5-2022-1-national-share> a mirai:ReportedTotal ;
    rdfs:label "令和4年度第1回Society5.0タイプ採択事業の国費総額"@ja ,
        "Total national share of the Society5.0-type awards, FY2022 round 1"@en ;
    mirai:program <program/revitalization-grant-society5> ;
    mirai:fiscalYear "2022"^^xsd:gYear ;
    mirai:selectionRound 1 ;
    mirai:measure mirai:NationalShare ;
    mirai:statedAmount 117000000 ;
    mirai:roundingUnit 1000000 ;
    mirai:statedText "1.17億円"@ja ;
    mirai:statedCount 2 ;
    dcterms:source <source/cao-2022-07-12-society5-awards-r4-1> .
"""

Triple = tuple[Node, Node, Node]
GEO_LAT = URIRef("http://www.w3.org/2003/01/geo/wgs84_pos#lat")
CODE = MIRAI.localGovernmentCode
AWARDED = MIRAI.awardedAmount


@dataclass(frozen=True)
class Found:
    """What identifies one validation result."""

    severity: Node | None
    focus: Node | None
    path: Node | None
    shape: Node | None
    component: Node | None


def violation(focus: URIRef, path: URIRef, shape: str, component: str) -> Found:
    return Found(SH.Violation, focus, path, SHAPES[shape], SH[f"{component}ConstraintComponent"])


def warning(focus: URIRef, path: URIRef, shape: str, component: str) -> Found:
    return Found(SH.Warning, focus, path, SHAPES[shape], SH[f"{component}ConstraintComponent"])


@dataclass(frozen=True)
class Case:
    """A change to the valid graph and the results it must give, no more and no fewer.

    `replace` gives a subject and predicate a new value in place of all their old ones.
    """

    name: str
    replace: tuple[Triple, ...] = ()
    remove: tuple[Triple, ...] = ()
    add: tuple[Triple, ...] = ()
    expected: tuple[Found, ...] = ()


def core_city_cap(amount: int) -> tuple[Triple, ...]:
    label_ja = "Society5.0タイプの年度当たり交付上限額（中枢中核都市）"
    return (
        (KAGA, RDF.type, MIRAI.CoreCity),
        (PROGRAM, MIRAI.annualCap, CORE_CITY_CAP),
        (CORE_CITY_CAP, RDF.type, MIRAI.FundingCap),
        (CORE_CITY_CAP, RDFS.label, Literal(label_ja, lang="ja")),
        (
            CORE_CITY_CAP,
            RDFS.label,
            Literal("Society5.0 type annual cap for a core city", lang="en"),
        ),
        (CORE_CITY_CAP, MIRAI.appliesTo, MIRAI.CoreCity),
        (CORE_CITY_CAP, MIRAI.capAmount, Literal(amount)),
    )


CASES = [
    Case(
        "check-digit-wrong",
        replace=((KAGA, CODE, Literal("172066")),),
        expected=(violation(KAGA, CODE, "Municipality-localGovernmentCode-checkDigit", "SPARQL"),),
    ),
    Case(
        "code-of-five-digits",
        replace=((KAGA, CODE, Literal("17206")),),
        expected=(violation(KAGA, CODE, "Municipality-localGovernmentCode", "Pattern"),),
    ),
    Case(
        # 162019 (富山市) has a valid check digit but belongs to 富山県 (16), not 石川県 (17).
        "code-outside-its-prefecture",
        replace=((KAGA, CODE, Literal("162019")),),
        expected=(
            violation(KAGA, CODE, "Municipality-localGovernmentCode-prefectureDigits", "SPARQL"),
        ),
    ),
    Case(
        # 171000 has a valid check digit but not the prefecture form NN000C.
        "prefecture-code-not-nn000c",
        replace=((ISHIKAWA, CODE, Literal("171000")),),
        expected=(violation(ISHIKAWA, CODE, "Prefecture-localGovernmentCode", "Pattern"),),
    ),
    Case(
        # "Kaga-shi"@ja-Latn is left, and must not pass for a Japanese label.
        "ja-label-missing",
        remove=((KAGA, RDFS.label, Literal("加賀市", lang="ja")),),
        expected=(violation(KAGA, RDFS.label, "Municipality-label", "QualifiedMinCount"),),
    ),
    Case(
        "two-ja-labels",
        add=((KAGA, RDFS.label, Literal("かがし", lang="ja")),),
        expected=(violation(KAGA, RDFS.label, "Municipality-label", "UniqueLang"),),
    ),
    Case(
        "en-label-missing-warns",
        remove=((KAGA, RDFS.label, Literal("Kaga City", lang="en")),),
        expected=(warning(KAGA, RDFS.label, "Municipality-label-en", "QualifiedMinCount"),),
    ),
    Case(
        "reading-not-tagged-ja-hrkt",
        replace=((KAGA, MIRAI.nameReading, Literal("かがし", lang="ja")),),
        expected=(violation(KAGA, MIRAI.nameReading, "Municipality-nameReading", "LanguageIn"),),
    ),
    Case(
        "latitude-outside-japan",
        replace=((KAGA, GEO_LAT, Literal("10.5", datatype=XSD.decimal)),),
        expected=(violation(KAGA, GEO_LAT, "Municipality-lat", "MinInclusive"),),
    ),
    Case(
        "ward-of-a-city-that-is-not-designated",
        replace=((CHUO_WARD, MIRAI.city, KAGA),),
        expected=(violation(CHUO_WARD, MIRAI.city, "Ward-city-designatedCity", "SPARQL"),),
    ),
    Case(
        "recipient-is-a-ward",
        replace=((NEW_AWARD, MIRAI.recipient, CHUO_WARD),),
        expected=(violation(NEW_AWARD, MIRAI.recipient, "Award-recipient", "Class"),),
    ),
    Case(
        # Half of 18,000,000 is 9,000,000, so the subsidy rate warns as well.
        "awarded-more-than-requested",
        replace=((NEW_AWARD, MIRAI.requestedAmount, Literal(18000000)),),
        expected=(
            violation(
                NEW_AWARD, AWARDED, "Award-awardedAmount-withinRequested", "LessThanOrEquals"
            ),
            warning(NEW_AWARD, AWARDED, "Award-awardedAmount-subsidyRate", "SPARQL"),
        ),
    ),
    Case(
        "awarded-not-half-of-requested-warns",
        replace=((NEW_AWARD, AWARDED, Literal(18501000)),),
        expected=(warning(NEW_AWARD, AWARDED, "Award-awardedAmount-subsidyRate", "SPARQL"),),
    ),
    Case(
        # 秋田県: 530,363 千円 × 1/2 = 265,181.5 千円, and the document gives 265,181.
        "awarded-rounded-down-to-thousand-yen",
        replace=(
            (NEW_AWARD, MIRAI.requestedAmount, Literal(530363000)),
            (NEW_AWARD, AWARDED, Literal(265181000)),
            (TOTAL, MIRAI.statedAmount, Literal(364000000)),
        ),
    ),
    Case(
        "subsidy-rate-of-the-parent-program",
        remove=((PROGRAM, MIRAI.subsidyRate, Literal("0.5", datatype=XSD.decimal)),),
        add=((PARENT_PROGRAM, MIRAI.subsidyRate, Literal("0.5", datatype=XSD.decimal)),),
        replace=((NEW_AWARD, AWARDED, Literal(18501000)),),
        expected=(warning(NEW_AWARD, AWARDED, "Award-awardedAmount-subsidyRate", "SPARQL"),),
    ),
    Case(
        "own-subsidy-rate-before-the-parent-program-rate",
        add=((PARENT_PROGRAM, MIRAI.subsidyRate, Literal("0.75", datatype=XSD.decimal)),),
    ),
    Case(
        # 0.85億円 is below the continuing award's 98,848,000 yen.
        "awarded-over-the-municipality-cap",
        replace=((MUNICIPALITY_CAP, MIRAI.capAmount, Literal(85000000)),),
        expected=(violation(CONTINUING_AWARD, AWARDED, "Award-awardedAmount-annualCap", "SPARQL"),),
    ),
    Case(
        "core-city-over-the-core-city-cap",
        add=core_city_cap(85000000),
        expected=(violation(CONTINUING_AWARD, AWARDED, "Award-awardedAmount-annualCap", "SPARQL"),),
    ),
    Case(
        "core-city-cap-replaces-the-municipality-cap",
        replace=((MUNICIPALITY_CAP, MIRAI.capAmount, Literal(85000000)),),
        add=core_city_cap(300000000),
    ),
    Case(
        "core-city-without-a-core-city-cap-has-the-municipality-cap",
        replace=((MUNICIPALITY_CAP, MIRAI.capAmount, Literal(85000000)),),
        add=((KAGA, RDF.type, MIRAI.CoreCity),),
        expected=(violation(CONTINUING_AWARD, AWARDED, "Award-awardedAmount-annualCap", "SPARQL"),),
    ),
    Case(
        # The awards sum to 117,348,000: 500,001 yen off is more than half of 1,000,000.
        "total-more-than-half-a-unit-off",
        replace=((TOTAL, MIRAI.statedAmount, Literal(117848001)),),
        expected=(
            violation(
                TOTAL, MIRAI.statedAmount, "ReportedTotal-statedAmount-matchesAwards", "SPARQL"
            ),
        ),
    ),
    Case(
        "total-exactly-half-a-unit-off",
        replace=((TOTAL, MIRAI.statedAmount, Literal(117848000)),),
    ),
    Case(
        "total-of-new-awards-only",
        add=((TOTAL, MIRAI.awardStatus, MIRAI.New),),
        replace=(
            (TOTAL, MIRAI.statedAmount, Literal(19000000)),
            (TOTAL, MIRAI.statedCount, Literal(1)),
        ),
    ),
    Case(
        "total-of-project-cost",
        replace=(
            (TOTAL, MIRAI.measure, MIRAI.ProjectCost),
            (TOTAL, MIRAI.statedAmount, Literal(235000000)),
        ),
    ),
    Case(
        "stated-count-wrong",
        replace=((TOTAL, MIRAI.statedCount, Literal(3)),),
        expected=(
            violation(
                TOTAL, MIRAI.statedCount, "ReportedTotal-statedCount-matchesAwards", "SPARQL"
            ),
        ),
    ),
    Case(
        # No award is of fiscal year 2021: the sum is 0 and the count 0, and both are reported.
        "total-matching-no-awards",
        replace=((TOTAL, MIRAI.fiscalYear, Literal("2021", datatype=XSD.gYear)),),
        expected=(
            violation(
                TOTAL, MIRAI.statedAmount, "ReportedTotal-statedAmount-matchesAwards", "SPARQL"
            ),
            violation(
                TOTAL, MIRAI.statedCount, "ReportedTotal-statedCount-matchesAwards", "SPARQL"
            ),
        ),
    ),
    Case(
        "award-status-unknown",
        replace=((NEW_AWARD, MIRAI.awardStatus, MIRAI.Renewed),),
        expected=(violation(NEW_AWARD, MIRAI.awardStatus, "Award-awardStatus", "In"),),
    ),
    Case(
        # The totals compare years by their digits, so only the datatype is reported.
        "fiscal-year-as-string",
        replace=((NEW_AWARD, MIRAI.fiscalYear, Literal("2022")),),
        expected=(violation(NEW_AWARD, MIRAI.fiscalYear, "Award-fiscalYear", "Datatype"),),
    ),
    Case(
        # The minus sign also breaks the subsidy rate and the total the award counts towards.
        "negative-awarded-amount",
        replace=((NEW_AWARD, AWARDED, Literal(-18500000)),),
        expected=(
            violation(NEW_AWARD, AWARDED, "Award-awardedAmount", "MinInclusive"),
            warning(NEW_AWARD, AWARDED, "Award-awardedAmount-subsidyRate", "SPARQL"),
            violation(
                TOTAL, MIRAI.statedAmount, "ReportedTotal-statedAmount-matchesAwards", "SPARQL"
            ),
        ),
    ),
    Case(
        "technology-without-ja-pref-label",
        remove=((SMART_CITY, SKOS.prefLabel, Literal("スマートシティ", lang="ja")),),
        expected=(
            violation(SMART_CITY, SKOS.prefLabel, "Technology-prefLabel", "QualifiedMinCount"),
        ),
    ),
]


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_PATH, format="turtle")


def _valid_graph() -> Graph:
    return Graph().parse(data=VALID, format="turtle")


def _changed(case: Case) -> Graph:
    data = _valid_graph()
    for triple in (*case.remove, *((s, p, None) for s, p, _ in case.replace)):
        # A removal that removes nothing would leave the case testing the valid graph.
        assert next(data.triples(triple), None) is not None, f"not in the valid graph: {triple}"
        data.remove(triple)
    for triple in (*case.replace, *case.add):
        data.add(triple)
    return data


def _validate(data: Graph, shapes: Graph) -> tuple[bool, Graph]:
    conforms, report, _ = validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    assert isinstance(report, Graph)
    return bool(conforms), report


def _found(report: Graph) -> list[Found]:
    found = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        messages = [str(message) for message in report.objects(result, SH.resultMessage)]
        assert len(messages) == 1, f"{result}: messages {messages}"
        assert "{?" not in messages[0] and "{$" not in messages[0], messages[0]
        found.append(
            Found(
                report.value(result, SH.resultSeverity),
                report.value(result, SH.focusNode),
                report.value(result, SH.resultPath),
                report.value(result, SH.sourceShape),
                report.value(result, SH.sourceConstraintComponent),
            )
        )
    return found


def test_valid_graph_gives_no_results(shapes: Graph) -> None:
    conforms, report = _validate(_valid_graph(), shapes)
    assert _found(report) == []
    assert conforms


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_broken_rule_gives_exactly_its_results(shapes: Graph, case: Case) -> None:
    conforms, report = _validate(_changed(case), shapes)

    assert Counter(_found(report)) == Counter(case.expected)
    assert conforms == all(found.severity != SH.Violation for found in case.expected)


def test_messages_fill_in_the_figures(shapes: Graph) -> None:
    case = Case(
        "two-mistakes",
        replace=((KAGA, CODE, Literal("172066")), (TOTAL, MIRAI.statedCount, Literal(3))),
    )

    _, report = _validate(_changed(case), shapes)

    assert {str(message) for message in report.objects(None, SH.resultMessage)} == {
        "local government code 172066 has check digit 6, expected 5",
        "stated count 3 differs from the 2 awards that match the total's program, fiscal year,"
        " selection round and status",
    }


def _local_name(node: Node | None) -> str:
    assert isinstance(node, URIRef), node
    return node.split("#")[-1]


def test_every_shape_is_named_and_explains_itself(shapes: Graph) -> None:
    for node_shape in shapes.subjects(SH.targetClass, None):
        target = shapes.value(node_shape, SH.targetClass)
        assert _local_name(node_shape) == f"{_local_name(target)}Shape"
        assert shapes.value(node_shape, RDFS.label) is not None, node_shape
        assert shapes.value(node_shape, SH.message) is not None, node_shape

    property_shapes = set(shapes.subjects(RDF.type, SH.PropertyShape))
    assert property_shapes == set(shapes.objects(None, SH.property))
    for shape in property_shapes:
        owner = _local_name(next(shapes.subjects(SH.property, shape))).removesuffix("Shape")
        assert _local_name(shape).startswith(f"{owner}-"), shape
        assert shapes.value(shape, SH.name) is not None, shape
        # A shape's own message would be added to those of its SPARQL constraints.
        has_sparql = (shape, SH.sparql, None) in shapes
        assert (shapes.value(shape, SH.message) is None) == has_sparql, shape

    for constraint in set(shapes.objects(None, SH.sparql)):
        assert isinstance(constraint, URIRef), constraint
        assert shapes.value(constraint, RDFS.label) is not None, constraint
        assert shapes.value(constraint, SH.message) is not None, constraint
        assert shapes.value(constraint, SH.prefixes) == SHAPES[""], constraint
