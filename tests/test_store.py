"""The build loads the dataset and the ontology into an on-disk Oxigraph store inside the
publication (build/store/), which is opened read-only for queries."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox
import pytest

from pipeline import store, vocab
from tests.built import ROOT, publication, select


def test_the_store_holds_the_dump_and_the_ontology_in_their_graphs() -> None:
    opened = store.open_store(publication())
    graphs = store.graphs(opened)
    assert graphs == store.Graphs("https://w3id.org/mirai-lod/release/0.1.0",
                                  "https://w3id.org/mirai-lod/ontology")
    dump = gzip.decompress((publication() / store.NT_DUMP).read_bytes())
    # Read back through a store of its own: Oxigraph keeps numbers in canonical form
    # ("34.396560" comes back as "34.39656"), the same value.
    memory = ox.Store()
    memory.load(dump, format=ox.RdfFormat.N_TRIPLES)
    expected = {ox.Triple(q.subject, q.predicate, q.object) for q in memory}
    in_store = {ox.Triple(q.subject, q.predicate, q.object)
                for q in opened.quads_for_pattern(None, None, None, ox.NamedNode(graphs.data))}
    assert in_store == expected
    assert len(in_store) == dump.count(b"\n")
    ontology = set(ox.parse(path=ROOT / "ontology" / "mirai.ttl", format=ox.RdfFormat.TURTLE))
    assert len(list(opened.quads_for_pattern(None, None, None,
                                             ox.NamedNode(graphs.ontology)))) == len(ontology)
    assert len(opened) == len(in_store) + len(ontology)  # nothing else, no default-graph copy


def test_labels_of_ontology_terms_need_no_graph_clause() -> None:
    rows = select("SELECT ?label { mirai:Award rdfs:label ?label } ORDER BY ?label")
    assert [r["label"] for r in rows] == ["award", "採択"]
    # And GRAPH picks one of the two graphs.
    assert select("SELECT (COUNT(*) AS ?n) { GRAPH <https://w3id.org/mirai-lod/ontology> "
                  "{ ?a a mirai:Award } }") == [{"n": 0}]


def test_the_store_is_not_in_the_checksums() -> None:
    # The database files differ from build to build; SHA256SUMS covers the plain files only.
    listed = {line.split("  ", 1)[1] for line in
              (publication() / "SHA256SUMS").read_text().splitlines()}
    assert not any(name.startswith("store/") for name in listed)
    assert (publication() / "store" / "CURRENT").is_file()
    assert "queries/society5-2022-awards.rq" in listed


def test_the_store_is_opened_read_only() -> None:
    opened = store.open_store(publication())
    quad = ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"),
                   ox.Literal("o"))
    with pytest.raises((OSError, RuntimeError)):
        opened.add(quad)
    assert quad not in store.open_store(publication())


def test_no_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(store.StoreError, match="run `mirai-lod build` first"):
        store.open_store(tmp_path)


def test_the_ontology_iri_is_the_vocabularys() -> None:
    assert str(vocab.ONTOLOGY_IRI) == store.ONTOLOGY_IRI


def test_a_store_loaded_in_chunks_holds_every_triple(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The dataset is bulk-loaded a chunk at a time; chunks that do not divide it evenly still
    put every triple in, once, in the dataset's graph."""
    from pipeline.build import assemble
    from pipeline.rdf import DEFAULT_BASE

    dataset = assemble(ROOT / "tests" / "cases" / "base", DEFAULT_BASE)
    monkeypatch.setattr(store, "_LOAD_CHUNK", 7)
    assert len(dataset.ox_triples) % 7 != 0
    store.write_store(dataset, tmp_path)
    opened = store.open_store(tmp_path)
    graphs = store.graphs(opened)
    in_store = [ox.Triple(q.subject, q.predicate, q.object)
                for q in opened.quads_for_pattern(None, None, None, ox.NamedNode(graphs.data))]
    assert sorted(in_store, key=str) == dataset.ox_triples


def test_changes_between_sorted_lines() -> None:
    old = [b"a", b"b", b"d", b"f"]
    new = [b"b", b"c", b"d", b"g", b"h"]
    assert store.changes(old, new) == ([b"a", b"f"], [b"c", b"g", b"h"])
    assert store.changes([], new) == ([], new)
    assert store.changes(old, []) == (old, [])
    assert store.changes(old, old) == ([], [])


@pytest.mark.parametrize(("old", "new"), [([b"b", b"a"], [b"a"]), ([b"a"], [b"a", b"a"])])
def test_changes_refuse_lines_out_of_order(old: list[bytes], new: list[bytes]) -> None:
    with pytest.raises(ValueError, match="not in strictly ascending order"):
        store.changes(old, new)
