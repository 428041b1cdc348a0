"""Links to other data: the code algorithms on known codes and on every code we publish, each
link set's size, the VoID linksets that count them, and the code-change records."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from rdflib import RDF, XSD, BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, VOID

from pipeline.build import Dataset, assemble, check
from pipeline.codes import code_problem
from pipeline.links import (
    GBIZINFO,
    GEOSPARQL,
    TARGETS,
    corporate_check_digit,
    corporate_number,
    corporate_number_problem,
    estat_sac,
    geometry,
    void_linksets,
    wikidata_query_url,
)
from pipeline.localgov import LocalGovReferenceError, read_reference, render_yaml
from pipeline.rdf import DEFAULT_BASE, GEO
from pipeline.vocab import MIRAI
from tests.test_localgov import ISHIKAWA, KAGA, write_reference

ROOT = Path(__file__).parents[1]
CASES = Path(__file__).parent / "cases"
BASE = DEFAULT_BASE
PREFECTURES, MUNICIPALITIES, FORMER = 47, 1741, 1


@pytest.fixture(scope="module")
def shipped() -> Dataset:
    return assemble(ROOT / "source", BASE)


def codes_of(dataset: Dataset, cls: URIRef) -> dict[URIRef, str]:
    g = dataset.graph
    return {s: str(g.value(s, MIRAI.localGovernmentCode))  # type: ignore[misc]
            for s in g.subjects(RDF.type, cls)}


def local_governments(dataset: Dataset) -> dict[URIRef, str]:
    return {**codes_of(dataset, MIRAI.Prefecture), **codes_of(dataset, MIRAI.Municipality)}


def reference_check_digit(number_without_check: str) -> int:
    """The 国税庁 rule written out as stated: P_n is the n-th digit from the right (n = 1..12),
    Q_n = 1 when n is odd and 2 when it is even; check digit = 9 - (Σ P_n × Q_n mod 9)."""
    total = 0
    for n in range(1, 13):
        p = int(number_without_check[12 - n])
        q = 1 if n % 2 == 1 else 2
        total += p * q
    return 9 - (total % 9)


# --- the algorithms on known codes -----------------------------------------------------------

@pytest.mark.parametrize(
    ("code", "number"),
    [
        ("172065", "2000020172065"),  # 加賀市
        ("402311", "5000020402311"),  # 那珂川市
        ("130001", "8000020130001"),  # 東京都
        ("010006", "7000020010006"),  # 北海道
        ("271004", "6000020271004"),  # 大阪市
    ],
)
def test_corporate_number_of_known_local_governments(code: str, number: str) -> None:
    assert corporate_number(code) == number
    assert corporate_number_problem(number) is None


def test_check_digit_of_a_corporate_number_that_is_not_a_local_government() -> None:
    # 国税庁 itself: 7000012050002.
    assert corporate_check_digit("000012050002") == 7
    assert corporate_number_problem("7000012050002") is None


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("3000020172065", "has check digit 3, expected 2"),
        ("200002017206", "is not 13 ASCII digits"),
        ("２000020172065", "is not 13 ASCII digits"),
    ],
)
def test_bad_corporate_numbers_are_named(number: str, problem: str) -> None:
    assert problem in (corporate_number_problem(number) or "")


def test_check_digit_agrees_with_the_rule_as_written_on_many_numbers() -> None:
    for i in range(0, 10**12, 9_999_991_397):  # about 100 spread-out 12-digit numbers
        base = f"{i:012d}"
        assert corporate_check_digit(base) == reference_check_digit(base), base
    # Every remainder 0..8 occurs, so the digit ranges over 1..9 (never 0).
    digits = {corporate_check_digit(f"{i:012d}") for i in range(9)}
    assert digits == set(range(1, 10))


def test_estat_code_is_the_first_five_digits() -> None:
    assert estat_sac("172065") == URIRef("http://data.e-stat.go.jp/lod/sac/C17206")
    assert estat_sac("170003") == URIRef("http://data.e-stat.go.jp/lod/sac/C17000")


def test_wikidata_query_url_searches_p429() -> None:
    assert wikidata_query_url("172065") == (
        "https://www.wikidata.org/w/index.php?title=Special%3ASearch"
        "&search=haswbstatement%3AP429%3D172065")


# --- every code we publish --------------------------------------------------------------------

def test_the_published_local_governments(shipped: Dataset) -> None:
    assert len(codes_of(shipped, MIRAI.Prefecture)) == PREFECTURES
    assert len(codes_of(shipped, MIRAI.Municipality)) == MUNICIPALITIES


def test_every_corporate_number_is_valid_and_ends_with_the_code(shipped: Dataset) -> None:
    g = shipped.graph
    for s, code in local_governments(shipped).items():
        numbers = [str(o) for o in g.objects(s, MIRAI.corporateNumber)]
        assert len(numbers) == 1, s
        [number] = numbers
        assert number[1:] == "000020" + code, s
        assert int(number[0]) == reference_check_digit(number[1:]), s
        assert corporate_number_problem(number) is None
        assert list(g.objects(s, FOAF.page)) == [URIRef(GBIZINFO + number)], s


def test_every_estat_link_is_the_first_five_digits(shipped: Dataset) -> None:
    g = shipped.graph
    for s, code in local_governments(shipped).items():
        assert list(g.objects(s, MIRAI.standardAreaCode)) == [
            URIRef("http://data.e-stat.go.jp/lod/sac/C" + code[:5])], s


def test_every_prefecture_has_its_iso_code(shipped: Dataset) -> None:
    g = shipped.graph
    for s, code in codes_of(shipped, MIRAI.Prefecture).items():
        assert list(g.objects(s, MIRAI.iso3166Code)) == [Literal(f"JP-{code[:2]}")], s
    assert set(g.subjects(MIRAI.iso3166Code)) == set(codes_of(shipped, MIRAI.Prefecture))


def test_every_point_is_long_lat_of_the_w3c_geo_coordinates(shipped: Dataset) -> None:
    g = shipped.graph
    with_coordinates = set(g.subjects(GEO.lat))
    assert len(with_coordinates) > PREFECTURES + MUNICIPALITIES  # wards have points too
    assert set(g.subjects(GEOSPARQL.hasGeometry)) == with_coordinates
    for s in with_coordinates:
        assert isinstance(s, URIRef)
        [point] = g.objects(s, GEOSPARQL.hasGeometry)
        assert point == geometry(s) == URIRef(f"{s}#geometry")
        assert (point, RDF.type, GEOSPARQL.Geometry) in g
        [wkt] = g.objects(point, GEOSPARQL.asWKT)
        assert wkt == Literal(f"POINT({g.value(s, GEO.long)} {g.value(s, GEO.lat)})",
                              datatype=GEOSPARQL.wktLiteral)


# --- link sets and their VoID description ----------------------------------------------------

def test_each_link_set_covers_its_local_governments(shipped: Dataset) -> None:
    g = shipped.graph
    expected = {
        "estat-sac": PREFECTURES + MUNICIPALITIES + FORMER,
        "gbizinfo": PREFECTURES + MUNICIPALITIES,
        "iso3166-2": PREFECTURES,
    }
    assert {t.key for t in TARGETS} == set(expected)
    for target in TARGETS:
        links = [(s, o) for s, o in g.subject_objects(target.predicate)
                 if target.uri_space is None or str(o).startswith(target.uri_space)]
        assert len(links) == expected[target.key], target.key
        assert len({s for s, _ in links}) == expected[target.key], "one link per subject"


def test_void_linksets_count_the_links(shipped: Dataset) -> None:
    void = void_linksets(shipped)
    counts = {}
    for ls in void.subjects(RDF.type, VOID.Linkset):
        assert isinstance(ls, URIRef) and str(ls).startswith(f"{BASE}void/linkset/")
        [triples] = void.objects(ls, VOID.triples)
        assert isinstance(triples, Literal) and triples.datatype == XSD.integer
        counts[str(ls).removeprefix(f"{BASE}void/linkset/")] = int(triples)
        for p in (VOID.subjectsTarget, VOID.objectsTarget, VOID.linkPredicate):
            assert len(list(void.objects(ls, p))) == 1, (ls, p)
        objects = void.value(ls, VOID.objectsTarget)
        assert (objects, RDF.type, VOID.Dataset) in void
        assert len(list(void.objects(objects, DCTERMS.title))) == 2
    assert counts == {
        "estat-sac": PREFECTURES + MUNICIPALITIES + FORMER,
        "gbizinfo": PREFECTURES + MUNICIPALITIES,
        "iso3166-2": PREFECTURES,
    }
    assert not any(isinstance(n, BNode) for t in void for n in t)


def test_void_subjects_target_is_our_dataset(shipped: Dataset) -> None:
    default = URIRef(f"{BASE}dataset")
    assert set(void_linksets(shipped).objects(None, VOID.subjectsTarget)) == {default}
    other = URIRef(f"{BASE}void#dataset")
    void = void_linksets(shipped, other)
    assert set(void.objects(None, VOID.subjectsTarget)) == {other}
    assert len(list(void.objects(other, VOID.subset))) == len(TARGETS)


# --- code changes ----------------------------------------------------------------------------

def test_nakagawa_old_code_stays_and_says_what_replaced_it(shipped: Dataset) -> None:
    g = shipped.graph
    old, new = URIRef(f"{BASE}municipality/403059"), URIRef(f"{BASE}municipality/402311")
    assert (old, RDF.type, MIRAI.FormerMunicipality) in g
    assert (old, RDF.type, MIRAI.Municipality) not in g
    assert (old, DCTERMS.isReplacedBy, new) in g and (new, DCTERMS.replaces, old) in g
    assert Literal("那珂川町", lang="ja") in set(g.objects(old, URIRef(
        "http://www.w3.org/2000/01/rdf-schema#label")))
    assert g.value(old, MIRAI.localGovernmentCode) == Literal("403059")
    assert g.value(old, DCTERMS.source) == URIRef(f"{BASE}source/soumu-local-government-codes")
    [event] = g.objects(old, ORG.changedBy)
    assert (new, ORG.resultedFrom, event) in g
    assert (event, RDF.type, ORG.ChangeEvent) in g
    assert g.value(event, DCTERMS.date) == Literal("2018-10-01", datatype=XSD.date)
    assert g.value(event, ORG.originalOrganization) == old
    assert g.value(event, ORG.resultingOrganization) == new
    assert g.value(event, DCTERMS.source) is not None


def test_old_codes_are_valid_and_not_current(shipped: Dataset) -> None:
    current = set(local_governments(shipped).values())
    old = codes_of(shipped, MIRAI.FormerMunicipality)
    assert sorted(old.values()) == ["403059"]
    for code in old.values():
        assert code_problem(code) is None
        assert code not in current


CODE_CHANGE = """\
- id: test-change
  date: 2018-10-01
  old_code: "{old}"
  new_code: "172065"
  change_ja: 市制施行
  change_en: Became a city
  name_ja: 旧町
  name_kana: きゅうまち
  name_en: Old Town
  name_latn: Kyu-machi
  source: reference
"""


def base_tree_with_change(tmp_path: Path, old: str) -> Path:
    src = tmp_path / "src"
    shutil.copytree(CASES / "base", src)
    (src / "code-changes.yaml").write_text(CODE_CHANGE.format(old=old), encoding="utf-8")
    return src


def test_a_code_change_conforms(tmp_path: Path) -> None:
    dataset = assemble(base_tree_with_change(tmp_path, "172057"), BASE)
    report = check(dataset)
    assert report.results == ()
    assert (URIRef(f"{BASE}municipality/172057"), RDF.type, MIRAI.FormerMunicipality) in (
        dataset.graph)


def test_an_old_code_in_the_current_list_is_an_error_at_its_line(tmp_path: Path) -> None:
    report = check(assemble(base_tree_with_change(tmp_path, "011002"), BASE))
    errors = [r for r in report.results if "must not be in the current list" in r.message]
    assert errors and all(r.severity == "error" for r in errors)
    assert {(r.location.path.name, r.location.line) for r in errors  # type: ignore[union-attr]
            } == {("code-changes.yaml", 3)}


def test_a_wrong_corporate_number_is_caught_by_the_shapes(tmp_path: Path) -> None:
    dataset = assemble(base_tree_with_change(tmp_path, "172057"), BASE)
    kaga = URIRef(f"{BASE}municipality/172065")
    changed = (MIRAI.corporateNumber, MIRAI.standardAreaCode)
    triples = [t for t in dataset.triples if not (t[0] == kaga and t[1] in changed)]
    triples += [(kaga, MIRAI.corporateNumber, Literal("3000020172065")),
                (kaga, MIRAI.standardAreaCode, estat_sac("172057"))]
    dataset = dataclasses.replace(dataset, triples=triples)
    messages = sorted(r.message for r in check(dataset).results)
    assert messages == [
        "corporate number 3000020172065 should be 2000020172065 (check digit, 000020, "
        "local government code)",
        "standard area code http://data.e-stat.go.jp/lod/sac/C17205 is not C17206, the first "
        "five digits of local government code 172065",
    ]


# --- ISO 3166-2 from the reference list -------------------------------------------------------

def test_iso_code_is_read_from_the_reference(tmp_path: Path) -> None:
    ref = read_reference(write_reference(tmp_path, ISHIKAWA, KAGA))
    assert [p.iso3166_2 for p in ref.prefectures] == ["JP-17"]
    assert "  source: localgovjp\n  iso3166_2: JP-17\n" in render_yaml(ref)["prefectures.yaml"]


def test_an_iso_code_that_does_not_match_the_prefecture_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LocalGovReferenceError, match="ISO 3166-2 code JP-18 does not match"):
        read_reference(write_reference(tmp_path, ISHIKAWA.replace("JP-17", "JP-18"), KAGA))
