"""The DCAT-AP catalog, the VoID description and the schema.org markup: conforming to the
DCAT-AP 3.0.1 shapes, true to the files they describe, and deterministic."""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyshacl import validate
from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, VOID
from rdflib.term import Node

from pipeline import catalog
from pipeline.build import DUMP, assemble, build
from pipeline.rdf import DEFAULT_BASE
from tests.dataset_yaml import source_tree

ROOT = Path(__file__).parents[1]
DCAT_AP = ROOT.parent / "shared" / "reference" / "dcat-ap-3.0.1"
SH = Namespace("http://www.w3.org/ns/shacl#")
DCAT = catalog.DCAT
SPDX = catalog.SPDX
CATALOG = URIRef(f"{DEFAULT_BASE}catalog")
DATASET = URIRef(f"{DEFAULT_BASE}dataset")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("catalog")
    out = tmp / "build"
    build(source_tree(tmp / "src"), out, DEFAULT_BASE)
    return out


@pytest.fixture(scope="module")
def graph(out: Path) -> Graph:
    return Graph().parse(out / "catalog.ttl")


def dcat_ap_shapes(*names: str) -> Graph:
    if not DCAT_AP.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"DCAT-AP shapes not found at {DCAT_AP}")
        pytest.skip("DCAT-AP 3.0.1 shapes not available")
    shapes = Graph()
    for name in names:
        shapes.parse(DCAT_AP / name)
    return shapes


def results(data: Graph, shapes: Graph) -> set[tuple[str, str, str]]:
    """(severity, focus node, path) of every result."""
    _, report, _ = validate(data, shacl_graph=shapes, allow_warnings=True)
    assert isinstance(report, Graph)
    return {(str(report.value(r, SH.resultSeverity)).split("#")[1],
             str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultPath)))
            for r in report.subjects(SH.resultSeverity, None)}


def test_conforms_to_dcat_ap_3(graph: Graph) -> None:
    assert results(graph, dcat_ap_shapes("shapes.ttl", "range.ttl")) == set()


# The one recommended property left out, and why (README, "For data portals"): the ADMS
# publisher types have no entry for an open project that is not a legal organisation.
KNOWN_WARNINGS = {("Warning", f"{DEFAULT_BASE}catalog#publisher", str(DCTERMS.type))}


def test_recommended_properties_except_publisher_type(graph: Graph) -> None:
    assert results(graph, dcat_ap_shapes("shapes_recommended.ttl")) == KNOWN_WARNINGS


def test_shipped_catalog_conforms(tmp_path: Path) -> None:
    build(ROOT / "source", tmp_path / "build", DEFAULT_BASE)
    shipped = Graph().parse(tmp_path / "build" / "catalog.ttl")
    assert results(shipped, dcat_ap_shapes("shapes.ttl", "range.ttl")) == set()
    [version] = shipped.objects(DATASET, DCAT.version)
    assert str(version) == catalog.meta(assemble(ROOT / "source", DEFAULT_BASE)).version


def test_every_download_is_described_truly(out: Path, graph: Graph) -> None:
    dists = list(graph.objects(DATASET, DCAT.distribution))
    urls = {str(graph.value(d, DCAT.downloadURL)) for d in dists}
    files = {f"{DEFAULT_BASE}{p.relative_to(out).as_posix()}" for p in
             (out / "download").rglob("*") if p.suffix in (".ttl", ".gz", ".jsonld", ".csv")}
    assert urls == files
    assert len(dists) >= 3 + 9  # three dumps and a table per class
    for dist in dists:
        url = str(graph.value(dist, DCAT.downloadURL))
        data = (out / url.removeprefix(DEFAULT_BASE)).read_bytes()
        assert graph.value(dist, DCAT.byteSize) == Literal(
            str(len(data)), datatype=XSD.nonNegativeInteger)
        checksum = graph.value(dist, SPDX.checksum)
        assert checksum == URIRef(f"{url}#sha256")
        assert graph.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(graph.value(checksum, SPDX.checksumValue)) == hashlib.sha256(
            data).hexdigest()
        assert str(graph.value(dist, DCAT.mediaType)).startswith(
            "http://www.iana.org/assignments/media-types/")
        assert graph.value(dist, DCTERMS.license) == URIRef(catalog.CC_BY_4)


def test_media_types(graph: Graph) -> None:
    by_url = {str(graph.value(d, DCAT.downloadURL)).rsplit("/", 1)[-1]:
              str(graph.value(d, DCAT.mediaType)).removeprefix(catalog.IANA)
              for d in graph.objects(DATASET, DCAT.distribution)}
    assert by_url["mirai-lod.ttl"] == "text/turtle"
    assert by_url["mirai-lod.nt.gz"] == "application/n-triples"
    assert by_url["mirai-lod.jsonld"] == "application/ld+json"
    assert by_url["award.csv"] == "text/csv"


def test_no_blank_nodes_and_formats_agree(out: Path, graph: Graph) -> None:
    assert not any(isinstance(term, BNode) for triple in graph for term in triple)
    reference = {str(t) for t in ox.parse((out / "catalog.nt").read_bytes(),
                                          format=ox.RdfFormat.N_TRIPLES)}
    for name, fmt in (("catalog.ttl", ox.RdfFormat.TURTLE),
                      ("catalog.jsonld", ox.RdfFormat.JSON_LD),
                      ("catalog.rdf", ox.RdfFormat.RDF_XML)):
        assert {str(t) for t in ox.parse((out / name).read_bytes(), format=fmt)} == reference


def test_dates_version_and_coverage_come_from_the_source(graph: Graph) -> None:
    assert graph.value(DATASET, DCTERMS.issued) == Literal("2026-01-15", datatype=XSD.date)
    assert graph.value(DATASET, DCTERMS.modified) == Literal("2026-02-01", datatype=XSD.date)
    assert str(graph.value(DATASET, OWL.versionInfo)) == "1.0.0"
    assert str(graph.value(DATASET, DCAT.version)) == "1.0.0"
    period = graph.value(DATASET, DCTERMS.temporal)
    # The base tree's awards are for fiscal year 2022: April 2022 to March 2023.
    assert graph.value(period, DCAT.startDate) == Literal("2022-04-01", datatype=XSD.date)
    assert graph.value(period, DCAT.endDate) == Literal("2023-03-31", datatype=XSD.date)
    assert graph.value(DATASET, DCTERMS.spatial) == catalog.JAPAN
    contact = graph.value(DATASET, DCAT.contactPoint)
    assert str(graph.value(contact, catalog.VCARD.hasURL)) == "https://example.org/issues"


def test_license_and_attribution(graph: Graph) -> None:
    rights = graph.value(DATASET, DCTERMS.rights)
    labels = {str(label) for label in graph.objects(rights, URIRef(
        "http://www.w3.org/2000/01/rdf-schema#label"))}
    assert any("を加工して作成" in label for label in labels)
    assert set(graph.objects(rights, DCTERMS.source)) == {catalog.GOV_TERMS_2, catalog.PDL_1}
    assert graph.value(DATASET, DCTERMS.license) == URIRef(catalog.CC_BY_4)


def test_shipped_license_statement() -> None:
    m = catalog.meta(assemble(ROOT / "source", DEFAULT_BASE))
    assert m.license == catalog.CC_BY_4
    attribution = ("内閣府地方創生推進事務局「未来技術社会実装事業について」（2022-07-12）"
                   "を加工して作成")
    assert attribution in m.attribution_ja
    assert "CC0" in m.attribution_ja


def test_rebuild_is_byte_identical(out: Path, tmp_path: Path) -> None:
    again = tmp_path / "build"
    build(source_tree(tmp_path / "src"), again, DEFAULT_BASE)
    for name in ("catalog.ttl", "catalog.jsonld", "catalog.rdf", "void.ttl", "dataset.ttl"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


def test_void_statistics(out: Path) -> None:
    void = Graph().parse(out / "void.ttl")
    dump = Graph().parse(data=gzip.decompress((out / f"{DUMP}.nt.gz").read_bytes()),
                         format="nt")

    def count(s: Node, p: URIRef) -> int:
        value = void.value(s, p)
        assert isinstance(value, Literal)
        return int(value)

    assert count(DATASET, VOID.triples) == len(dump)
    assert count(DATASET, VOID.distinctSubjects) == len(set(dump.subjects()))
    assert count(DATASET, VOID.distinctObjects) == len(set(dump.objects()))
    assert count(DATASET, VOID.properties) == len(set(dump.predicates()))
    classes = set(dump.objects(None, RDF.type))
    assert count(DATASET, VOID.classes) == len(classes)
    partitions = {void.value(p, VOID["class"]): p
                  for p in void.objects(DATASET, VOID.classPartition)}
    assert set(partitions) == classes
    for cls, part in partitions.items():
        assert count(part, VOID.entities) == len(set(dump.subjects(RDF.type, cls)))
    props = {void.value(p, VOID.property): p
             for p in void.objects(DATASET, VOID.propertyPartition)}
    assert set(props) == set(dump.predicates())
    assert sum(count(p, VOID.triples) for p in props.values()) == len(dump)
    assert str(void.value(DATASET, VOID.uriSpace)) == DEFAULT_BASE
    assert void.value(DATASET, VOID.sparqlEndpoint) == URIRef(f"{DEFAULT_BASE}sparql")
    assert {str(d).removeprefix(DEFAULT_BASE) for d in void.objects(DATASET, VOID.dataDump)} == {
        f"{DUMP}.ttl", f"{DUMP}.nt.gz", f"{DUMP}.jsonld"}
    examples = set(void.objects(DATASET, VOID.exampleResource))
    assert examples and all((e, None, None) in dump for e in examples)


def test_void_includes_the_linksets(out: Path) -> None:
    links = pytest.importorskip("pipeline.links")
    void = Graph().parse(out / "void.ttl")
    expected = links.void_linksets(assemble(source_tree(out.parent / "src2"), DEFAULT_BASE),
                                   DATASET)
    assert len(expected) > 0
    assert set(expected) <= set(void)
    assert set(void.objects(DATASET, VOID.subset))


def test_schema_org_dataset(out: Path) -> None:
    data = catalog.dataset_jsonld(assemble(source_tree(out.parent / "src3"), DEFAULT_BASE))
    assert data["@type"] == "Dataset"
    assert data["license"] == catalog.CC_BY_4
    assert data["version"] == "1.0.0"
    assert data["temporalCoverage"] == "2022-04-01/2023-03-31"
    for download in data["distribution"]:
        assert (out / download["contentUrl"].removeprefix(DEFAULT_BASE)).is_file()


def test_catalog_page(out: Path) -> None:
    page = (out / "catalog.html").read_text(encoding="utf-8")
    ttl = (out / "download" / "mirai-lod.ttl").read_bytes()
    assert hashlib.sha256(ttl).hexdigest() in page
    assert f"{len(ttl):,}" in page
    assert "を加工して作成" in page and catalog.CC_BY_4 in page
    assert '<link rel="alternate" type="text/turtle" href="catalog.ttl">' in page
