"""RDF in and out on pyoxigraph terms, checked against rdflib: the JSON-LD dump's compaction
gives the bytes rdflib's converter gives and refuses what it does not implement; the shapes and
the ontology read into the graph rdflib's parser makes."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from pipeline.build import assemble
from pipeline.paths import ONTOLOGY_DIR
from pipeline.rdf import DEFAULT_BASE, Triple
from pipeline.serialize import (
    Unsupported,
    bcp47_case,
    compact,
    jsonld,
    load_context,
    to_oxigraph,
)
from pipeline.synth import synthesize
from pipeline.validate import load_graph

ROOT = Path(__file__).parents[1]
CONTEXT = load_context(ONTOLOGY_DIR / "context.jsonld")
EX = "https://example.org/"


@pytest.mark.parametrize("tree", ["source", "tests/cases/base", "synthetic"])
def test_same_bytes_as_rdflib(tree: str, tmp_path: Path) -> None:
    if tree == "synthetic":
        source = tmp_path / "synth"
        synthesize(source, 400, seed=3, base=ROOT / "source")
    else:
        source = ROOT / tree
    dataset = assemble(source, DEFAULT_BASE)
    made = compact(dataset.ox_triples, CONTEXT)
    assert made == jsonld(dataset.triples, CONTEXT)
    assert len(json.loads(made)["@graph"]) > 20


def test_each_value_form() -> None:
    """Terms with a type, a language, a language map and none; native and typed literals;
    several values; a property and a class outside the context."""
    m = "https://w3id.org/mirai-lod/ontology#"
    s = URIRef(EX + "a")
    xsd = "http://www.w3.org/2001/XMLSchema#"
    triples: list[Triple] = [
        (s, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef(m + "Award")),
        (s, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef(EX + "Thing")),
        (s, URIRef(m + "awardedAmount"), Literal("18500000", datatype=URIRef(xsd + "integer"))),
        (s, URIRef(m + "requestedAmount"), Literal("1.5", datatype=URIRef(xsd + "decimal"))),
        (s, URIRef("http://www.w3.org/2003/01/geo/wgs84_pos#lat"),
         Literal("43.06", datatype=URIRef(xsd + "decimal"))),
        (s, URIRef(m + "nameReading"), Literal("さっぽろし", lang="ja-Hrkt")),
        (s, URIRef(m + "nameReading"), Literal("Sapporo", lang="en")),
        (s, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("札幌", lang="ja")),
        (s, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("さつ", lang="ja")),
        (s, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("no language")),
        (s, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("Sapporo-shi",
                                                                          lang="ja-Latn")),
        (s, URIRef("http://xmlns.com/foaf/0.1/homepage"), URIRef("https://www.city.sapporo.jp/")),
        (s, URIRef(m + "recipient"), URIRef(DEFAULT_BASE + "municipality/011002")),
        (s, URIRef(m + "recipient"), URIRef(EX + "other")),
        (s, URIRef(EX + "flag"), Literal("true", datatype=URIRef(xsd + "boolean"))),
        (s, URIRef(EX + "when"), Literal("2024-01-02", datatype=URIRef(xsd + "date"))),
        (URIRef(EX + "b"), URIRef(EX + "p"), Literal("plain")),
    ]
    made = compact(to_oxigraph(triples), CONTEXT)
    assert made == jsonld(triples, CONTEXT)
    node = json.loads(made)["@graph"][0]
    assert node["type"] == ["Award", EX + "Thing"]
    assert node["awardedAmount"] == 18500000
    assert node["nameReading"] == "さっぽろし"  # the term's language, found whatever its case
    assert node["label"]["ja"] == ["さつ", "札幌"]  # sorted, not in the order first seen
    assert node["label"]["ja-Latn"] == "Sapporo-shi"


def test_one_node_a_line() -> None:
    triples = [(URIRef(EX + n), URIRef(EX + "p"), Literal(n)) for n in "cab"]
    lines = compact(to_oxigraph(triples), CONTEXT).decode().splitlines()
    graph = lines[lines.index('"@graph": [') + 1:-1]
    assert [json.loads(line.rstrip(","))["id"] for line in graph] == [EX + n for n in "abc"]


def test_list_terms_unused_without_lists() -> None:
    listed = {**CONTEXT, "members": {"@id": EX + "members", "@container": "@list"}}
    triples: list[Triple] = [(URIRef(EX + "a"), URIRef(EX + "members"), URIRef(EX + "b"))]
    assert compact(to_oxigraph(triples), listed) == jsonld(triples, listed)


def test_refuses_what_it_does_not_implement() -> None:
    one = [ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.NamedNode(EX + "b"))]
    with pytest.raises(Unsupported):
        compact(one, {**CONTEXT, "@language": "ja"})
    nil = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"
    with pytest.raises(Unsupported):
        compact([ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.NamedNode(nil))],
                CONTEXT)
    with pytest.raises(TypeError):
        compact([ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.BlankNode())],
                CONTEXT)


@pytest.mark.parametrize(("tag", "cased"), [
    ("ja-hrkt", "ja-Hrkt"), ("en", "en"), ("zh-hant-tw", "zh-Hant-TW"), ("EN-us", "en-US"),
    ("de-ch-1996", "de-CH-1996"), ("x-private-ab", "x-private-ab"),
    ("az-latn-x-latn", "az-Latn-x-latn"),
])
def test_language_tags_in_recommended_case(tag: str, cased: str) -> None:
    assert bcp47_case(tag) == cased


def _literals(graph: Graph) -> set[tuple[object, ...]]:
    """Literals with what isomorphism compares loosely: datatype and language tag."""
    return {(o, o.datatype, o.language) for o in graph.objects() if isinstance(o, Literal)}


@pytest.mark.parametrize("folder", ["shapes", "ontology", "turtle"])
def test_turtle_read_as_rdflib_reads_it(folder: str, tmp_path: Path) -> None:
    if folder == "turtle":
        directory = tmp_path
        (tmp_path / "b.ttl").write_text("""@prefix ex: <https://example.org/> .
ex:a ex:p ( 1 2.50 "x" ) ; ex:q [ ex:r "y"@ja-Latn, "z"@en-US, "w"@ja ] ; ex:s true .""",
                                       encoding="utf-8")
        (tmp_path / "a.ttl").write_text("""@prefix e: <https://example.org/> .
e:a e:t "plain", "typed"^^e:T, "1e3"^^<http://www.w3.org/2001/XMLSchema#double> ; e:q [] .""",
                                        encoding="utf-8")
    else:
        directory = ROOT / folder
    fast = load_graph(directory)
    slow = Graph()
    for path in sorted(directory.glob("*.ttl")):
        slow.parse(path, format="turtle")
    assert len(fast) == len(slow) > 10
    assert isomorphic(fast, slow)
    assert _literals(fast) == _literals(slow)
    assert dict(fast.namespaces()) == dict(slow.namespaces())
