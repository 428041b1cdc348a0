"""What the shipped source publishes of the source document beyond the awards, checked with SPARQL
over the built dump against the figures the document states (and, for the table of 62 regions,
against the document's own text)."""

from __future__ import annotations

import gzip
import os
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from pipeline.build import DUMP, build
from pipeline.rdf import DEFAULT_BASE

ROOT = Path(__file__).parents[1]
SEED = ROOT.parent / "shared" / "seed" / "000_cb0f11025447f5c4.txt"
B = DEFAULT_BASE
PREFIXES = """
PREFIX mirai: <https://w3id.org/mirai-lod/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX vcard: <http://www.w3.org/2006/vcard/ns#>
PREFIX org: <http://www.w3.org/ns/org#>
"""
# Legend of the FY2021 table: symbol → program id.
LEGEND = {"☆": "future-tech", "□": "mic-smart-city", "○": "meti-maas", "●": "mlit-maas",
          "■": "mlit-smart-city-model"}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    out = tmp_path_factory.mktemp("doc") / "build"
    report = build(ROOT / "source", out, DEFAULT_BASE)
    assert report.results == ()
    store = ox.Store()
    store.load(gzip.decompress((out / f"{DUMP}.nt.gz").read_bytes()),
               format=ox.RdfFormat.N_TRIPLES)
    return store


def rows(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    # b:program/x is shorthand for <{B}program/x> ('/' cannot appear in a prefixed name).
    query = re.sub(r"(?<![\w:])b:([\w/-]+)", lambda m: f"<{B}{m[1]}>", query)
    result = store.query(PREFIXES + query)
    assert isinstance(result, ox.QuerySolutions)
    return [tuple(v.value if v is not None else "" for v in row) for row in result]


def col(store: ox.Store, query: str) -> list[str]:
    return [r[0] for r in rows(store, query)]


def seed_text() -> str:
    if not SEED.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"source document not found at {SEED}")
        pytest.skip("source document not available")
    return SEED.read_text(encoding="utf-8")


# 1. 未来技術社会実装事業 ----------------------------------------------------------------------

def test_future_tech_selections_per_year(store: ox.Store) -> None:
    # 「H30:14事業、R1:8事業 R2:12事業 R3:9事業」 and, as of R4.4.1, 9 / 5 / 12 / 9 still supported.
    got = rows(store, """
        SELECT ?year ?label ?n ?still ?asOf {
          ?s a mirai:Selection ; mirai:program b:program/future-tech ; mirai:fiscalYear ?year ;
             mirai:inFiscalYear ?fy ; mirai:statedCount ?n ; mirai:stillSupportedCount ?still ;
             mirai:asOf ?asOf .
          ?fy rdfs:label ?label FILTER(lang(?label) = "ja") } ORDER BY ?year""")
    assert got == [
        ("2018", "平成30年度", "14", "9", "2022-04-01"),
        ("2019", "令和元年度", "8", "5", "2022-04-01"),
        ("2020", "令和2年度", "12", "12", "2022-04-01"),
        ("2021", "令和3年度", "9", "9", "2022-04-01"),
    ]


def test_future_tech_total(store: ox.Store) -> None:
    # 「H30年度からR3年度までに合計43事業を選定 … 現在35事業 … （8事業はR3年度末までに支援を終了）」
    [(n, still, ended, parts, part_sum, still_sum)] = rows(store, """
        SELECT ?n ?still ?ended (COUNT(?p) AS ?parts) (SUM(?pn) AS ?sum) (SUM(?ps) AS ?ssum) {
          b:selection/future-tech-2018-2021 mirai:statedCount ?n ;
             mirai:stillSupportedCount ?still ; mirai:endedCount ?ended ; dcterms:hasPart ?p .
          ?p mirai:statedCount ?pn ; mirai:stillSupportedCount ?ps }
        GROUP BY ?n ?still ?ended""")
    assert (n, still, ended, parts) == ("43", "35", "8", "4")
    assert (part_sum, still_sum) == ("43", "35")
    assert int(still) + int(ended) == int(n)


def test_future_tech_purpose_and_roles(store: ox.Store) -> None:
    purpose = col(store, """
        SELECT ?t { ?p mirai:pointOf b:program/future-tech ;
                       mirai:pointKind b:point-kind/purpose ; schema:position 1 ;
                       rdfs:label ?t FILTER(lang(?t) = "ja") }""")
    assert len(purpose) == 1 and purpose[0].startswith("AI、IoTや自動運転、ドローン等の未来技術")
    roles = col(store, """
        SELECT ?t { ?p mirai:pointOf b:initiative/local-support-lead ;
                       mirai:pointKind b:point-kind/role ; schema:position ?n ;
                       rdfs:label ?t FILTER(lang(?t) = "ja") } ORDER BY ?n""")
    assert [r.split(":")[0] for r in roles] == [
        "社会実装に向けたワンストップ支援", "関係省庁連絡会議への報告",
        "その他、未来技術社会実装事業全般に関する相談への対応"]
    council = col(store, """
        SELECT ?d { b:initiative/regional-implementation-council mirai:program
                    b:program/future-tech ; dcterms:description ?d }""")
    assert council and "現地支援体制（地域実装協議会）" in council[0]


# 2. 地方創生推進交付金 -----------------------------------------------------------------------

def test_revitalization_grant(store: ox.Store) -> None:
    [(text, yen, qualifier, rate)] = rows(store, """
        SELECT ?text ?yen ?q ?rate {
          b:program/revitalization-grant mirai:budget ?b ; mirai:subsidyRate ?rate .
          ?b mirai:fiscalYear "2022"^^<http://www.w3.org/2001/XMLSchema#gYear> ;
             mirai:statedText ?text ; mirai:statedAmount ?yen ; mirai:amountQualifier ?q }""")
    assert (text, yen, rate) == ("1,000億円の内数", str(1000 * 10**8), "0.5")
    assert qualifier.endswith("#ShareOfFigure")
    requirements = col(store, """
        SELECT ?t { ?p mirai:pointOf b:program/revitalization-grant-society5 ;
                       mirai:pointKind b:point-kind/requirement ; schema:position ?n ;
                       rdfs:label ?t FILTER(lang(?t) = "ja") } ORDER BY ?n""")
    assert requirements == ["国・専門家等の協働PDCAサイクルが存在",
                            "既に一部実証済で、5年後までに本格実装",
                            "Society5.0に向けた技術を活用し地域課題を解決、地方創生に寄与",
                            "新たな社会システムづくりにチャレンジ"]
    assert col(store, """SELECT ?y { b:program/revitalization-grant-society5
                          mirai:firstFiscalYear/mirai:fiscalYear ?y }""") == ["2020"]
    limits = col(store, """
        SELECT ?t { ?p mirai:pointKind b:point-kind/application-limit ; rdfs:label ?t
                    FILTER(lang(?t) = "ja") } ORDER BY ?t""")
    assert any("原則9事業以内（うち広域連携3事業）" in t for t in limits)
    assert any("申請上限件数の「枠外」" in t for t in limits)


# 4. The map of the Society5.0 projects --------------------------------------------------------

@pytest.mark.parametrize(("code", "expected"), [
    ("172065", [("①まちづくり（R2）", "2020", "community-development"),
                ("②スマートシティ（R4）", "2022", "smart-city")]),
    ("090000", [("①スマート農業（R2）", "2020", "smart-agriculture"),
                ("②スマート林業（R3）", "2021", "smart-forestry")]),
])
def test_map_start_years(store: ox.Store, code: str, expected: list[tuple[str, str, str]]) -> None:
    recipient = f"{'prefecture' if code[2:5] == '000' else 'municipality'}/{code}"
    got = rows(store, f"""
        SELECT ?text ?year ?tech {{
          ?a mirai:recipient b:{recipient} ; mirai:mapText ?text ;
             mirai:firstFiscalYear/mirai:fiscalYear ?year ; mirai:technology ?t .
          BIND(STRAFTER(STR(?t), "technology/") AS ?tech) }} ORDER BY ?text""")
    assert got == expected


def test_every_award_has_its_map_text(store: ox.Store) -> None:
    assert col(store, """SELECT (COUNT(?a) AS ?n) { ?a a mirai:Award ;
                         mirai:mapText ?t }""") == ["26"]
    # The 7 new awards of FY2022 started in FY2022 (R4新規).
    assert col(store, """SELECT (COUNT(?a) AS ?n) { ?a mirai:awardStatus mirai:New ;
                         mirai:firstFiscalYear b:fiscal-year/2022 }""") == ["7"]


# 5. and 6. Programs of the two tables ----------------------------------------------------------

def test_advanced_services_table(store: ox.Store) -> None:
    got = rows(store, """
        SELECT ?id ?office {
          ?p a mirai:Program ; dcterms:source b:source/cao-2022-07-12-advanced-services ;
             mirai:administeredBy ?o ; mirai:supportSummary ?s .
          ?o rdfs:label ?office FILTER(lang(?office) = "ja")
          BIND(STRAFTER(STR(?p), "program/") AS ?id) } ORDER BY ?id""")
    assert got == [
        ("digital-garden-city-grant", "内閣官房デジ田事務局"),
        ("future-tech", "内閣府地方創生推進事務局未来技術実装担当"),
        ("meti-maas", "経済産業省製造産業局自動車課"),
        ("mic-smart-city", "総務省情報流通行政局地域通信振興課"),
        ("mlit-maas", "国土交通省総合政策局モビリティサービス推進課"),
        ("mlit-smart-city-model", "国土交通省都市局都市計画課"),
        ("revitalization-grant", "内閣府地方創生推進事務局交付金チーム"),
        ("super-city-research", "内閣府地方創生推進事務局国家戦略特区担当"),
    ]
    assert col(store, """SELECT ?o { b:program/digital-garden-city-grant
                          mirai:coAdministeredBy ?o }""") == [f"{B}organization/digital-agency"]


def test_office_hierarchy(store: ox.Store) -> None:
    chain = col(store, """
        SELECT ?l { b:organization/meti-its org:subOrganizationOf* ?o .
                    ?o rdfs:label ?l FILTER(lang(?l) = "ja") } ORDER BY STRLEN(?l)""")
    assert chain == ["経済産業省", "経済産業省製造産業局", "経済産業省製造産業局自動車課",
                     "経済産業省製造産業局自動車課ITS・自動走行推進室"]


@pytest.mark.parametrize(("program", "text", "yen", "qualifier"), [
    # 「R4年度予算」 row of 政府のスマートシティ関連事業例.
    ("future-tech", "0.8億円の内数 (シンポジウム等、普及啓を目的とした取組に係る費用等)",
     80_000_000, "ShareOfFigure"),
    ("mic-smart-city", "4.6億円", 460_000_000, "StatedFigure"),
    ("mlit-smart-city-model", "2.65億円", 265_000_000, "StatedFigure"),
    ("meti-maas", "数億円程度", None, "ApproximateFigure"),
    ("mlit-maas", "0.73億円", 73_000_000, "StatedFigure"),
])
def test_smart_city_budgets_as_stated(store: ox.Store, program: str, text: str, yen: int | None,
                                      qualifier: str) -> None:
    got = rows(store, f"""
        SELECT ?text ?yen ?q {{
          b:program/{program} mirai:budget ?b .
          ?b mirai:inFiscalYear b:fiscal-year/2022 ; mirai:statedText ?text ;
             mirai:amountQualifier ?q ; mirai:supplementaryBudget false .
          OPTIONAL {{ ?b mirai:statedAmount ?yen }} }}""")
    assert got == [(text, "" if yen is None else str(yen), f"{B[:-1]}/ontology#{qualifier}")]


def test_supplementary_budget(store: ox.Store) -> None:
    assert rows(store, """
        SELECT ?text ?yen { b:program/mlit-maas mirai:budget ?b .
          ?b mirai:supplementaryBudget true ; mirai:inFiscalYear b:fiscal-year/2021 ;
             mirai:statedText ?text ; mirai:statedAmount ?yen }""") == [
        ("R3年度補正 285億円の内数", str(285 * 10**8))]


def test_rounding_of_budgets(store: ox.Store) -> None:
    # 2.65億円 is written to 0.01億円 (1,000,000 yen); 4.6億円 to 0.1億円.
    got = {text: unit for text, unit in rows(store, """
        SELECT ?text ?unit { ?b a mirai:Budget ; mirai:statedText ?text ;
                             mirai:roundingUnit ?unit }""")}
    assert got["2.65億円"] == "1000000"
    assert got["4.6億円"] == "10000000"


@pytest.mark.parametrize(("program", "selections"), [
    # 「過去の選定数」
    ("future-tech", [("2018", "14"), ("2019", "8"), ("2020", "12"), ("2021", "9")]),
    ("mic-smart-city", [("2017", "6"), ("2018", "3"), ("2019", "5"), ("2020", "5"),
                        ("2021", "9")]),
    ("mlit-smart-city-model", [("2019", "15"), ("2020", "14"), ("2021", "20")]),
    ("meti-maas", [("2019", "13"), ("2020", "16"), ("2021", "14")]),
    ("mlit-maas", [("2019", "19"), ("2020", "36"), ("2021", "12")]),
])
def test_past_selections(store: ox.Store, program: str, selections: list[tuple[str, str]]) -> None:
    assert rows(store, f"""
        SELECT ?y ?n {{ ?s a mirai:Selection ; mirai:program b:program/{program} ;
                         mirai:fiscalYear ?y ; mirai:statedCount ?n }} ORDER BY ?y""") == selections


def test_contacts(store: ox.Store) -> None:
    got = rows(store, """
        SELECT ?p ?mail { ?p schema:contactPoint/vcard:hasEmail ?mail } ORDER BY ?p""")
    assert [(p.rsplit("/", 1)[1], m) for p, m in got] == [
        ("future-tech", "mailto:g.mirai.s5m@cao.go.jp"),
        ("meti-maas", "mailto:contact_mobility_pt@meti.go.jp"),
        ("mic-smart-city", "mailto:ict-town@ml.soumu.go.jp"),
        ("mlit-maas", "mailto:hqt-mobilityservice1002@gxb.mlit.go.jp"),
        ("mlit-smart-city-model", "mailto:hqt-smartcity-mlit@gxb.mlit.go.jp"),
    ]


def test_former_names_with_periods(store: ox.Store) -> None:
    got = rows(store, """
        SELECT ?p ?name ?from ?until {
          ?p mirai:otherName ?n . ?n rdfs:label ?name FILTER(lang(?name) = "ja")
          OPTIONAL { ?n mirai:fromFiscalYear/mirai:fiscalYear ?from }
          OPTIONAL { ?n mirai:untilFiscalYear/mirai:fiscalYear ?until } } ORDER BY ?name""")
    assert [(p.rsplit("/", 1)[1], n, f, u) for p, n, f, u in got] == [
        ("mlit-smart-city-model", "スマートシティモデルプロジェクト", "", ""),
        ("mic-smart-city", "データ利活用型スマートシティ推進事業", "", "2020"),  # ※1
        ("mic-smart-city", "データ連携促進型スマートシティ推進事業", "2021", ""),
        ("mlit-maas", "新モビリティサービス推進事業", "2019", "2019"),  # ※2
    ]


# 7. The FY2021 joint selection ------------------------------------------------------------------

def test_joint_selection_counts(store: ox.Store) -> None:
    assert rows(store, """
        SELECT ?n ?coop (COUNT(?r) AS ?regions) {
          b:selection/smart-city-2021 mirai:statedCount ?n ; mirai:cooperatingCount ?coop .
          ?r mirai:jointSelection b:selection/smart-city-2021 } GROUP BY ?n ?coop""") == [
        ("62", "42", "62")]


def test_every_region_names_a_local_government(store: ox.Store) -> None:
    assert col(store, """SELECT ?r { ?r a mirai:Region
                         FILTER NOT EXISTS { ?r mirai:localGovernment ?lg .
                                             ?lg mirai:localGovernmentCode ?c } }""") == []


def _marks(store: ox.Store, region: str, p: str) -> str:
    return "".join(sorted(col(store, f"""SELECT ?m {{ b:region/{region} {p} ?prog .
                                          ?prog mirai:legendSymbol ?m }}""")))


@pytest.mark.parametrize(("number", "now", "before"), [
    (1, "■", "□●"),  # 北海道札幌市
    (37, "○", "☆○●■"),  # 愛知県春日井市
    (16, "☆●■", "○●■"),  # 群馬県前橋市
])
def test_region_marks(store: ox.Store, number: int, now: str, before: str) -> None:
    region = f"smart-city-2021-{number:02d}"
    assert _marks(store, region, "mirai:selectedIn/mirai:program") == "".join(sorted(now))
    assert _marks(store, region, "mirai:previouslySelectedBy") == "".join(sorted(before))


def test_regions_match_the_document_table(store: ox.Store) -> None:
    table = re.findall(r"^\| (\d+) \| (.+?) \| (\S*) \|\s*(\S*)\s*\|$", seed_text(), re.M)
    assert len(table) == 62
    published = {int(n): (name, now, before) for n, name, now, before in rows(store, """
        SELECT ?n ?name
               (GROUP_CONCAT(DISTINCT ?m; separator="") AS ?now)
               (GROUP_CONCAT(DISTINCT ?e; separator="") AS ?before) {
          ?r a mirai:Region ; schema:position ?n ; rdfs:label ?name FILTER(lang(?name) = "ja")
          ?r mirai:selectedIn/mirai:program/mirai:legendSymbol ?m .
          OPTIONAL { ?r mirai:previouslySelectedBy/mirai:legendSymbol ?e } }
        GROUP BY ?n ?name""")}
    for n, name, now, before in table:
        got_name, got_now, got_before = published[int(n)]
        assert got_name == name
        assert sorted(got_now) == sorted(now), name
        assert sorted(got_before) == sorted(before), name


@pytest.mark.parametrize(("number", "targets"), [
    (27, ["municipality/141305", "municipality/143821"]),  # 川崎市、箱根町
    (26, ["municipality/142018"]),  # 山手線周辺/横須賀市: only 横須賀市 is a local government
    (38, ["municipality/244414", "municipality/244422", "municipality/244431",  # 三重県の6町
          "municipality/244708", "municipality/244716", "municipality/245437"]),
    (45, ["prefecture/280003"]),  # 播磨科学公園都市: an area; the prefecture
    (55, ["prefecture/420000"]),  # 長崎県
])
def test_region_local_governments(store: ox.Store, number: int, targets: list[str]) -> None:
    got = col(store, f"""SELECT ?lg {{ b:region/smart-city-2021-{number:02d}
                                       mirai:localGovernment ?lg }} ORDER BY ?lg""")
    assert got == [B + t for t in targets]


def test_district_of_a_ward(store: ox.Store) -> None:
    # 仙台市泉区南光台・八乙女地区: the city, its ward, and the district as written.
    assert rows(store, """
        SELECT ?lg ?ward ?d { b:region/smart-city-2021-09 mirai:localGovernment ?lg ;
                                 mirai:ward ?ward ; mirai:districtName ?d }""") == [
        (f"{B}municipality/041009", f"{B}ward/041050", "南光台・八乙女地区")]
    note = col(store, """SELECT ?c { b:region/smart-city-2021-45 rdfs:comment ?c
                         FILTER(lang(?c) = "ja") }""")
    assert note and "複数の市町にまたがる" in note[0]


@pytest.mark.parametrize(("program", "stated"), [
    ("future-tech", 9), ("mic-smart-city", 9), ("meti-maas", 14), ("mlit-maas", 12)])
def test_fy2021_counts_match_the_marked_regions(store: ox.Store, program: str,
                                                stated: int) -> None:
    # The past-selection counts of the FY2022 table agree with the FY2021 marks (for ■ the
    # table counts only the leading model projects: 20 stated, 30 regions marked).
    assert rows(store, f"""
        SELECT ?n (COUNT(?r) AS ?marked) {{
          b:selection/{program}-2021 mirai:statedCount ?n .
          ?r mirai:selectedIn b:selection/{program}-2021 }} GROUP BY ?n""") == [
        (str(stated), str(stated))]


# 8. スマートシティ官民連携プラットフォーム -------------------------------------------------------

def test_platform(store: ox.Store) -> None:
    [(members, as_of, founded, dtype, url)] = rows(store, """
        SELECT ?m ?asOf ?f (STR(DATATYPE(?f)) AS ?dt) ?url {
          b:initiative/smart-city-platform mirai:memberCount ?m ; mirai:asOf ?asOf ;
             schema:foundingDate ?f ; <http://xmlns.com/foaf/0.1/homepage> ?url }""")
    assert (members, as_of, founded, url) == ("904", "2022-04-30", "2019-08",
                                             "https://www.mlit.go.jp/scpf/index.html")
    assert dtype == "http://www.w3.org/2001/XMLSchema#gYearMonth"
    founders = col(store, """SELECT ?l { b:initiative/smart-city-platform schema:founder ?o .
                             ?o rdfs:label ?l FILTER(lang(?l) = "ja") } ORDER BY ?l""")
    assert founders == ["内閣府", "国土交通省", "経済産業省", "総務省"]
    services = col(store, """SELECT ?l { ?p mirai:pointOf b:initiative/smart-city-platform ;
                             mirai:pointKind b:point-kind/service ; schema:position ?n ;
                             rdfs:label ?l FILTER(lang(?l) = "ja") } ORDER BY ?n""")
    assert services == ["事業支援", "分科会", "マッチング支援", "普及促進活動"]


# 9. デジタル田園都市国家構想 ----------------------------------------------------------------

@pytest.mark.parametrize(("target", "value", "unit", "deadline"), [
    ("dgc-1000-local-governments", "1000", "団体", "2025-03-31"),
    ("dgc-satellite-offices", "1000", "団体", "2025-03-31"),
    ("dgc-5g-coverage", "99", "%", "2031-03-31"),
    ("dgc-optical-fibre", "99.9", "%", "2028-03-31"),
    ("dgc-digital-talent", "2300000", "人", "2027-03-31"),
    ("dgc-submarine-cable", "", "", "2026-03-31"),
])
def test_targets(store: ox.Store, target: str, value: str, unit: str, deadline: str) -> None:
    got = rows(store, f"""
        SELECT ?v ?u ?end {{
          b:target/{target} dcterms:isPartOf b:initiative/digital-garden-city ;
             mirai:byEndOfFiscalYear/schema:endDate ?end .
          OPTIONAL {{ b:target/{target} schema:value ?v }}
          OPTIONAL {{ b:target/{target} schema:unitText ?u }} }}""")
    assert got == [(value, unit, deadline)]


def test_minimum_target(store: ox.Store) -> None:
    # 「2022年度に2万人以上で「デジタル推進委員」の取組をスタート」: at least, in FY2022.
    assert rows(store, """SELECT ?v ?y { b:target/dgc-digital-volunteers schema:minValue ?v ;
                          mirai:inFiscalYear/mirai:fiscalYear ?y }""") == [("20000", "2022")]


def test_pillars_and_issues(store: ox.Store) -> None:
    pillars = col(store, """
        SELECT ?l { ?p mirai:pointKind b:point-kind/pillar ; schema:position ?n ;
                    mirai:pointOf b:point/dgc-area-regional-issues ;
                    rdfs:label ?l FILTER(lang(?l) = "en") } ORDER BY ?n""")
    assert len(pillars) == 5
    stats = rows(store, """
        SELECT ?issue ?text ?v ?y { ?s a mirai:Statistic ; mirai:concerns ?p ;
            mirai:statedText ?text ; schema:value ?v ; mirai:referenceYear ?y .
          ?p rdfs:label ?issue FILTER(lang(?issue) = "ja") } ORDER BY ?issue ?y""")
    assert ("人口減少・少子高齢化", "7,450万人(2021年)", "74500000", "2021") in stats
    assert ("過疎化・東京圏への一極集中", "80,441人(2021年)", "80441", "2021") in stats
    assert ("地域産業の空洞化", "最大1.5倍(2018年)", "1.5", "2018") in stats
    assert len(stats) == 6


# Also: fiscal years, organizations, provenance ----------------------------------------------

@pytest.mark.parametrize(("year", "ja", "alt"), [
    (2017, "平成29年度", ["H29年度"]),
    (2018, "平成30年度", ["H30年度"]),
    (2019, "令和元年度", ["R1年度", "平成31年度"]),
    (2022, "令和4年度", ["R4年度"]),
])
def test_fiscal_years(store: ox.Store, year: int, ja: str, alt: list[str]) -> None:
    s = f"b:fiscal-year/{year}"
    assert rows(store, f"""SELECT ?ja ?en ?start ?end {{ {s} a mirai:FiscalYear ;
        rdfs:label ?ja, ?en ; schema:startDate ?start ; schema:endDate ?end
        FILTER(lang(?ja) = "ja" && lang(?en) = "en") }}""") == [
        (ja, f"FY{year}", f"{year}-04-01", f"{year + 1}-03-31")]
    assert col(store, f"SELECT ?a {{ {s} skos:altLabel ?a }} ORDER BY ?a") == sorted(alt)


def test_provenance(store: ox.Store) -> None:
    assert rows(store, """SELECT ?by ?issued {
        b:source/cao-2022-07-12 prov:wasAttributedTo ?by ; dcterms:issued ?issued ;
            dcterms:title "未来技術社会実装事業について"@ja }""") == [
        (f"{B}organization/cao-regional-revitalization", "2022-07-12")]


def test_every_new_record_cites_a_section_of_the_document(store: ox.Store) -> None:
    classes = ["Selection", "JointSelection", "Region", "Budget", "ProgramName", "Initiative",
               "Point", "Target", "Statistic"]
    for cls in classes:
        assert col(store, f"""SELECT ?s {{ ?s a mirai:{cls}
            FILTER NOT EXISTS {{ ?s dcterms:source/dcterms:isPartOf+
                                 b:source/cao-2022-07-12 }} }}""") == [], cls


@pytest.mark.parametrize(("cls", "count"), [
    ("Selection", 19), ("JointSelection", 1), ("Region", 62), ("Budget", 7),
    ("ProgramName", 4), ("Initiative", 4), ("Point", 62), ("Target", 9), ("Statistic", 6),
    ("FiscalYear", 11), ("Program", 11),  # 2017-2022 and the target years
])
def test_counts(store: ox.Store, cls: str, count: int) -> None:
    assert col(store, f"SELECT (COUNT(*) AS ?n) {{ ?s a mirai:{cls} }}") == [str(count)]


def test_overlap_with_future_tech_is_kept_as_stated(store: ox.Store) -> None:
    notes = col(store, """
        SELECT ?t { ?p mirai:pointOf b:program/revitalization-grant-society5 ;
                       mirai:pointKind b:point-kind/note ; rdfs:label ?t
                    FILTER(lang(?t) = "ja") } ORDER BY ?t""")
    assert "採択事業26件 ※うち、未来技術社会実装事業選定事業10件" in notes
