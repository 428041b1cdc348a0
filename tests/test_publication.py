"""The shipped source/ builds, and what it publishes matches the source document and the
reference list of local governments."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from pipeline import localgov
from pipeline.build import DUMP, build
from pipeline.rdf import DEFAULT_BASE

ROOT = Path(__file__).parents[1]
REFERENCE = ROOT.parent / "shared" / "reference" / "localgovjp"
PREFIXES = """
PREFIX mirai: <https://w3id.org/mirai-lod/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    out = tmp_path_factory.mktemp("pub") / "build"
    report = build(ROOT / "source", out, DEFAULT_BASE)
    assert report.results == ()  # no warnings either
    store = ox.Store()
    store.load(gzip.decompress((out / f"{DUMP}.nt.gz").read_bytes()),
               format=ox.RdfFormat.N_TRIPLES)
    return store


def one(store: ox.Store, query: str) -> list[str]:
    result = store.query(PREFIXES + query)
    assert isinstance(result, ox.QuerySolutions)
    return [row[0].value if row[0] is not None else "" for row in result]


@pytest.mark.parametrize(
    ("cls", "count"),
    [("Prefecture", 47), ("Municipality", 1741), ("Ward", 175), ("Award", 26)],
)
def test_counts(store: ox.Store, cls: str, count: int) -> None:
    assert one(store, f"SELECT (COUNT(*) AS ?n) {{ ?s a mirai:{cls} }}") == [str(count)]


@pytest.mark.parametrize(
    ("status", "count", "requested", "awarded"),
    # Sums of the document's tables, in yen (千円 × 1000).
    [("New", 7, 566_945_000, 283_472_000), ("Continuing", 19, 2_006_084_000, 1_003_040_000)],
)
def test_award_sums(store: ox.Store, status: str, count: int, requested: int,
                    awarded: int) -> None:
    row = store.query(PREFIXES + f"""
        SELECT (COUNT(?a) AS ?n) (SUM(?r) AS ?req) (SUM(?w) AS ?aw) {{
          ?a mirai:awardStatus mirai:{status} ; mirai:requestedAmount ?r ;
             mirai:awardedAmount ?w }}""")
    assert isinstance(row, ox.QuerySolutions)
    [(n, req, aw)] = [(r[0].value, r[1].value, r[2].value) for r in row]
    assert (int(n), int(req), int(aw)) == (count, requested, awarded)


def test_award_of_kaga(store: ox.Store) -> None:
    titles = one(store, """
        SELECT ?t { ?a mirai:recipient <https://w3id.org/mirai-lod/municipality/172065> ;
                       <http://purl.org/dc/terms/title> ?t } ORDER BY ?t""")
    assert titles == [
        "マイナンバーを軸とした加賀市版電子自治体推進事業",
        "多居住拠点による新たな地方創生事業",
    ]


def test_every_recipient_is_a_named_local_government(store: ox.Store) -> None:
    missing = one(store, """
        SELECT ?a { ?a a mirai:Award ; mirai:recipient ?r
          FILTER NOT EXISTS { ?r rdfs:label ?l FILTER(lang(?l) = "ja") } }""")
    assert missing == []


def test_shipped_local_governments_match_the_reference() -> None:
    if not REFERENCE.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"reference list not found at {REFERENCE}")
        pytest.skip("reference list not available")
    files = localgov.render_yaml(localgov.read_reference(REFERENCE))
    for name, text in files.items():
        assert (ROOT / "source" / name).read_text(encoding="utf-8") == text, name
