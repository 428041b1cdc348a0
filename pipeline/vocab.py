"""Terms of the mirai-lod ontology (ontology/mirai.ttl) as a closed, typed namespace.

`MIRAI.Award` is a URIRef; a misspelt term such as `MIRAI.Awrd` raises AttributeError instead of
minting a new IRI. tests/test_ontology.py keeps this list and the ontology file in step.
"""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

ONTOLOGY_IRI = URIRef("https://w3id.org/mirai-lod/ontology")


class MIRAI(DefinedNamespace):
    """https://w3id.org/mirai-lod/ontology#"""

    _NS = Namespace("https://w3id.org/mirai-lod/ontology#")
    _fail = True

    # Classes
    LocalGovernment: URIRef  # 地方公共団体: a prefecture or a municipality
    Prefecture: URIRef  # 都道府県
    Municipality: URIRef  # 市区町村, including Tokyo's special wards
    CoreCity: URIRef  # 中枢中核都市 (not 中核市); has its own funding cap
    Ward: URIRef  # 行政区 of a designated city; not a local government
    GovernmentBody: URIRef  # ministry, bureau or team of the national government
    Program: URIRef  # a national scheme that selects and supports local projects
    FundingCap: URIRef  # national share cap per project per fiscal year, per kind of recipient
    Award: URIRef  # one project selected under a program for one fiscal year
    AwardStatus: URIRef  # New or Continuing
    Technology: URIRef  # a skos:Concept for a technology field a project uses
    ReportedTotal: URIRef  # a total the source states, checked against the awards
    Measure: URIRef  # what a reported total sums: ProjectCost or NationalShare
    MunicipalityKind: URIRef  # City, DesignatedCity, Town, Village or SpecialWard
    SourceSection: URIRef  # a page or table within a source document

    # Object properties
    prefecture: URIRef  # municipality -> its prefecture
    city: URIRef  # ward -> its designated city
    municipalityKind: URIRef  # municipality -> MunicipalityKind
    recipient: URIRef  # award -> the local government that receives it
    program: URIRef  # award or reported total -> program
    awardStatus: URIRef  # award or reported total -> AwardStatus
    technology: URIRef  # award -> Technology
    administeredBy: URIRef  # program -> government body that runs it
    partOf: URIRef  # program -> broader program it is a type of
    annualCap: URIRef  # program -> FundingCap
    appliesTo: URIRef  # funding cap -> a class IRI used as a value (OWL 2 punning)
    measure: URIRef  # reported total -> Measure
    sumOf: URIRef  # reported total -> the stated totals it adds up

    # Datatype properties
    localGovernmentCode: URIRef  # six-digit code as xsd:string; wards carry one too
    nameReading: URIRef  # kana reading, @ja-Hrkt
    fiscalYear: URIRef  # xsd:gYear of the year the fiscal year starts (令和4年度 = 2022)
    selectionRound: URIRef  # xsd:integer, 第1回 = 1
    requestedAmount: URIRef  # 申請事業費, integer yen
    awardedAmount: URIRef  # 採択額 (national share), integer yen
    subsidyRate: URIRef  # xsd:decimal share of the cost the state pays
    maxDurationYears: URIRef  # xsd:integer fiscal years
    capAmount: URIRef  # integer yen
    statedAmount: URIRef  # integer yen, as the document states it
    roundingUnit: URIRef  # integer yen the stated amount is rounded to
    statedText: URIRef  # the figure as written, e.g. "5.7億円"@ja
    statedCount: URIRef  # number of awards the document states

    # Individuals
    New: URIRef  # AwardStatus: first selected in that fiscal year
    Continuing: URIRef  # AwardStatus: selected in an earlier fiscal year
    ProjectCost: URIRef  # Measure: sum of requestedAmount
    NationalShare: URIRef  # Measure: sum of awardedAmount
    City: URIRef  # MunicipalityKind: 市 other than a designated city
    DesignatedCity: URIRef  # MunicipalityKind: 政令指定都市, has wards
    Town: URIRef  # MunicipalityKind: 町
    Village: URIRef  # MunicipalityKind: 村
    SpecialWard: URIRef  # MunicipalityKind: 東京都の特別区
