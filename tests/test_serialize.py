"""RDF in and out on pyoxigraph terms, checked against rdflib: the JSON-LD dump's compaction
gives the bytes rdflib's converter gives and refuses what it does not implement; the shapes and
the ontology read into the graph rdflib's parser makes; the dumps written a chunk at a time are
the bytes made whole."""

from __future__ import annotations

import gzip
import io
import json
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, cast

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from pipeline.build import Dataset, assemble
from pipeline.paths import ONTOLOGY_DIR
from pipeline.rdf import DEFAULT_BASE, PREFIXES, Triple
from pipeline.serialize import (
    Unsupported,
    bcp47_case,
    compact,
    gzipped,
    jsonld,
    load_context,
    ntriples,
    subject_runs,
    to_oxigraph,
    turtle,
    write_compact,
    write_gzipped,
    write_ntriples,
    write_turtle,
)
from pipeline.shacl import _to_ox  # terms made one at a time: the reference
from pipeline.synth import synthesize
from pipeline.validate import load_graph

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

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
        # Integers as rdflib reads them: not canonical, in other digits, and not integers.
        *((s, URIRef(EX + "count"), Literal(text, datatype=URIRef(xsd + "integer")))
          for text in ("007", "+5", "-0", "1_000", "１２", "12a", "", "-")),
        (s, URIRef(EX + "when"), Literal("2024-01-02", datatype=URIRef(xsd + "date"))),
        (URIRef(EX + "b"), URIRef(EX + "p"), Literal("plain")),
    ]
    made = compact(to_oxigraph(triples), CONTEXT)
    assert made == jsonld(triples, CONTEXT)
    node = json.loads(made)["@graph"][0]
    assert node["type"] == ["Award", EX + "Thing"]
    assert node["awardedAmount"] == 18500000
    assert node[EX + "count"] == sorted([7, 5, 0, 1000, 12, "12a", "", "-"], key=json.dumps)
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
    first = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
    with pytest.raises(Unsupported):
        compact([ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(first), ox.Literal("x"))],
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


class Chunks(io.RawIOBase):
    """A binary file that keeps each write and counts flushes, to see what a writer hands it."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[bytes] = []
        self.flushes = 0

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer, /) -> int:
        self.parts.append(bytes(data))
        return len(self.parts[-1])

    def flush(self) -> None:
        self.flushes += 1


def written(write: Callable[[BinaryIO], None]) -> bytes:
    f = Chunks()
    write(cast(BinaryIO, f))
    return b"".join(f.parts)


@pytest.fixture(scope="module")
def shipped() -> Dataset:
    return assemble(ROOT / "source", DEFAULT_BASE)


def test_dumps_written_in_chunks_are_the_bytes_made_whole(shipped: Dataset) -> None:
    triples = shipped.ox_triples
    ttl = written(lambda f: write_turtle(triples, PREFIXES, f))
    assert ttl == turtle(triples, PREFIXES)
    nt = ntriples(triples)
    assert written(lambda f: write_ntriples(triples, f)) == nt
    gz = written(lambda f: write_gzipped(lambda g: write_ntriples(triples, g), f))
    assert gz == gzipped(nt)
    assert gzip.decompress(gz) == nt
    # The JSON-LD written a node at a time is what rdflib's converter makes of the whole.
    jld = written(lambda f: write_compact(triples, CONTEXT, f))
    assert jld == jsonld(shipped.triples, CONTEXT)
    assert jld == compact(triples, CONTEXT)


def test_the_gzip_header_is_the_same_on_every_build() -> None:
    """mtime 0, no file name, deflate at level 6: the bytes of no clock and no path, however
    the data comes and whatever the writer flushes."""
    data = b"<a> <b> <c> .\n" * 100_000

    def in_pieces(f: BinaryIO) -> None:
        for i in range(0, len(data), 777):
            f.write(data[i:i + 777])
            f.flush()

    made = written(lambda f: write_gzipped(in_pieces, f))
    assert made == gzipped(data)
    assert made[:10] == b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # no FNAME, MTIME 0
    assert zlib.decompress(made[10:-8], -zlib.MAX_WBITS) == data
    reference = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    assert made[10:-8] == reference.compress(data) + reference.flush()


def test_compact_writes_a_node_at_a_time_in_the_order_of_the_whole() -> None:
    """Subjects whose IRIs sort otherwise than their N-Triples text ("a1" before "a" there),
    triples of one subject apart (a sorted copy is made), and nothing at all."""
    given: list[Triple] = [(URIRef(EX + s), URIRef(EX + "p"), Literal(v)) for s, v in (
        ("a", "1"), ("a-b", "2"), ("a1", "3"), ("a", "4"), ("b", "5"))]
    ordered = to_oxigraph(given)
    _, runs = subject_runs(ordered)
    assert [s.removeprefix(EX) for s, _, _ in runs] == ["a-b", "a1", "a", "b"]
    assert runs[-1][2] == len(ordered)
    whole = jsonld(given, CONTEXT)
    assert compact(ordered, CONTEXT) == whole
    apart = [ox.Triple(ox.NamedNode(s), ox.NamedNode(p), ox.Literal(o)) for s, p, o in given]
    assert compact(apart, CONTEXT) == whole  # not grouped by subject: sorted first
    kept = list(runs)
    buffer = io.BytesIO()
    write_compact(ordered, CONTEXT, buffer, runs=runs)  # the runs found once, for several uses
    assert buffer.getvalue() == whole
    assert runs == kept  # only read
    lines = whole.decode().splitlines()
    graph = lines[lines.index('"@graph": [') + 1:-1]
    assert [json.loads(line.rstrip(","))["id"] for line in graph] == [
        EX + s for s in ("a", "a-b", "a1", "b")]
    assert compact([], CONTEXT) == jsonld([], CONTEXT)


def _one_term_at_a_time(triples: list[Triple]) -> list[ox.Triple]:
    """The pyoxigraph triples made a term at a time, each once, sorted by their text: what
    to_oxigraph must give."""
    made = [ox.Triple(_to_ox(s), _to_ox(p), _to_ox(o))  # type: ignore[arg-type]
            for s, p, o in triples]
    return sorted(set(made), key=str)


def test_to_oxigraph_gives_the_terms_in_the_order_of_their_text() -> None:
    """Every ASCII character in a literal (the escaped ones sort by their escape), language
    tags in either case (pyoxigraph lowers them), xsd:string, other datatypes, and subjects
    whose IRIs sort otherwise than their text. "x", "x"^^xsd:string and "x"@EN with "x"@en
    are one triple each to pyoxigraph, given once."""
    xsd = "http://www.w3.org/2001/XMLSchema#"
    objects: list[URIRef | Literal] = [Literal(f"x{chr(c)}") for c in range(0x80)]
    objects += [Literal(f"x{chr(c)}y\\") for c in (0x00, 0x08, 0x0C, 0x1F, 0x22, 0x5C, 0x7F)]
    objects += [Literal("x"), Literal(""), Literal("\u2028é日本"), Literal("x", lang="en-US"),
                Literal("x", lang="en-gb"), Literal("x", lang="ja"), Literal("x", lang="EN"),
                Literal("x", lang="en"),
                Literal("x", datatype=URIRef(xsd + "string")),
                Literal("1", datatype=URIRef(xsd + "integer")),
                Literal("x", datatype=URIRef(EX + "type")), URIRef(EX + "x"), URIRef(EX + "日本")]
    subjects = [URIRef(EX + s) for s in ("a", "a-b", "a1", "日本")]
    triples: list[Triple] = [(s, URIRef(EX + p), o) for s in subjects for p in ("p", "p2")
                             for o in objects]
    made = to_oxigraph(triples)
    assert made == _one_term_at_a_time(triples)
    assert [str(t) for t in made] == sorted(str(t) for t in made)
    # The dump's lines, as store.changes reads them: strictly ascending.
    lines = ntriples(made).splitlines()
    assert lines == sorted(set(lines))
    assert len(lines) == len(triples) - len(subjects) * 2 * 2


def test_to_oxigraph_refuses_blank_nodes_and_what_is_not_an_iri() -> None:
    p = URIRef(EX + "p")
    with pytest.raises(TypeError, match="blank nodes"):
        to_oxigraph([(BNode(), p, Literal("x"))])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="blank nodes"):
        to_oxigraph([(URIRef(EX + "s"), p, BNode())])  # type: ignore[list-item]
    with pytest.raises(ValueError):
        to_oxigraph([(URIRef("no scheme"), p, Literal("x"))])
