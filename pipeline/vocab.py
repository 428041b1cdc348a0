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
    FiscalYear: URIRef  # 年度
    Selection: URIRef  # 選定
    JointSelection: URIRef  # 合同選定
    Region: URIRef  # プロジェクト実施地域
    Budget: URIRef  # 予算
    AmountQualifier: URIRef  # 金額の種別
    ProgramName: URIRef  # 施策名
    Initiative: URIRef  # 構想・取組
    Point: URIRef  # 記載事項
    Target: URIRef  # 目標
    Statistic: URIRef  # 統計値
    FormerMunicipality: URIRef  # a municipality under a code no longer in use; isReplacedBy

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
    inFiscalYear: URIRef  # 年度
    firstFiscalYear: URIRef  # 開始年度
    fromFiscalYear: URIRef  # 使用開始年度
    untilFiscalYear: URIRef  # 使用終了年度
    byEndOfFiscalYear: URIRef  # 達成期限（年度末）
    selectedIn: URIRef  # 選定
    previouslySelectedBy: URIRef  # 過年度選定施策
    localGovernment: URIRef  # 地方公共団体
    ward: URIRef  # 行政区
    jointSelection: URIRef  # 合同選定
    includesSelection: URIRef  # 構成する選定
    budget: URIRef  # 予算
    amountQualifier: URIRef  # 金額の種別
    otherName: URIRef  # 別名
    coAdministeredBy: URIRef  # 共管
    pointOf: URIRef  # 記載対象
    pointKind: URIRef  # 事項の種類
    concerns: URIRef  # 関連事項
    standardAreaCode: URIRef  # local government -> e-Stat standard area code resource (a code)

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
    statedCount: URIRef  # a number the document states
    stillSupportedCount: URIRef  # 支援継続件数
    endedCount: URIRef  # 支援終了件数
    asOf: URIRef  # 基準日
    cooperatingCount: URIRef  # 事業間連携地域数
    districtName: URIRef  # 地区名
    supportSummary: URIRef  # 事業内容
    supportTarget: URIRef  # 主な支援対象
    legendSymbol: URIRef  # 凡例記号
    memberCount: URIRef  # 会員数
    referenceYear: URIRef  # 対象年
    mapText: URIRef  # 事業一覧図の表記
    supplementaryBudget: URIRef  # 補正予算
    corporateNumber: URIRef  # 13-digit 法人番号 as xsd:string
    iso3166Code: URIRef  # ISO 3166-2 subdivision code of a prefecture, e.g. "JP-17"

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
    StatedFigure: URIRef  # 記載額
    ShareOfFigure: URIRef  # 内数
    ApproximateFigure: URIRef  # 概算


# Each term also a class attribute, found by Python's own lookup: otherwise every `MIRAI.x` is
# a call of the namespace's __getattr__ in Python, and the build names terms millions of times.
# A misspelt term is still no attribute, and raises as before.
for _term in MIRAI.__annotations__:
    setattr(MIRAI, _term, MIRAI[_term])
del _term
