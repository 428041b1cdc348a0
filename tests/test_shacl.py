"""The fast validator gives exactly pySHACL's results (focus node, path, value, severity,
message, shape, constraint component) on every graph the other tests use."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from pipeline.build import assemble
from pipeline.errors import MiraiError
from pipeline.paths import ONTOLOGY_DIR, SHAPES_DIR
from pipeline.rdf import DEFAULT_BASE
from pipeline.shacl import Finding, once_is_equivalent, run_pyshacl, validate
from pipeline.validate import load_graph
from tests import test_shapes

CASES = Path(__file__).parent / "cases"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_graph(SHAPES_DIR)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_graph(ONTOLOGY_DIR)


def keys(findings: list[Finding]) -> list[tuple[str, ...]]:
    return sorted(f.key() for f in findings)


def case_graphs(tmp: Path) -> Iterator[tuple[str, Graph]]:
    """The data graph of every YAML case that loads (the others stop before validation)."""
    for case in sorted(p for p in CASES.iterdir() if p.is_dir()):
        src = tmp / case.name
        shutil.copytree(CASES / "base", src)
        if case.name != "base":
            for path in case.iterdir():
                if path.name != "expected.txt":
                    shutil.copyfile(path, src / path.name)
        try:
            yield case.name, assemble(src, DEFAULT_BASE).graph
        except MiraiError:
            continue


def test_same_results_as_pyshacl_on_yaml_cases(tmp_path: Path, shapes: Graph,
                                               ontology: Graph) -> None:
    compared = 0
    for name, graph in case_graphs(tmp_path):
        expected = keys(run_pyshacl(graph, shapes, ontology))
        assert keys(validate(graph, shapes, ontology)) == expected, name
        compared += 1
    assert compared >= 10


@pytest.mark.parametrize("case", test_shapes.CASES, ids=[c.name for c in test_shapes.CASES])
def test_same_results_as_pyshacl_on_shape_cases(case: test_shapes.Case, shapes: Graph,
                                                ontology: Graph) -> None:
    graph = test_shapes._changed(case)
    expected = keys(run_pyshacl(graph, shapes, ontology))
    assert keys(validate(graph, shapes, ontology)) == expected


@pytest.mark.parametrize(
    ("query", "once"),
    [
        ("SELECT $this ?v WHERE { $this <p> ?v . FILTER(?v > 1) }", True),
        ("SELECT $this ?v WHERE { FILTER NOT EXISTS { $this <s> ?x } $this <p> ?v ; <q> ?w . }",
         True),
        ("SELECT $this (SUM(?x) AS ?s) WHERE { $this <p> ?v . ?v <q> ?x } GROUP BY $this", True),
        # $this only inside a filter, an OPTIONAL or as an object: pre-binding differs.
        ("SELECT $this WHERE { FILTER NOT EXISTS { $this <p> ?v } }", False),
        ("SELECT $this WHERE { OPTIONAL { $this <s> ?p } }", False),
        ("SELECT $this WHERE { ?x <p> $this }", False),
        ("SELECT $this WHERE { ?x <s> ?p . FILTER($this = ?x) }", False),
        # Aggregates not grouped by $this, and subqueries.
        ("SELECT $this (SUM(?x) AS ?s) WHERE { $this <p> ?v . ?v <q> ?x } GROUP BY ?v", False),
        ("SELECT $this WHERE { { SELECT ?x WHERE { ?x <p> ?y } } $this <p> ?x }", False),
        # Keywords inside names, strings and IRIs do not count.
        ('SELECT $this WHERE { $this <urn:select> "SELECT" ; mirai:selectionRound ?r }', True),
    ],
)
def test_when_one_evaluation_is_equivalent(query: str, once: bool) -> None:
    assert once_is_equivalent(query) is once


def test_the_store_for_sparql_constraints_is_loaded_in_chunks(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import pyoxigraph as ox

    from pipeline import shacl
    from pipeline import store as store_module

    dataset = assemble(Path(__file__).parent / "cases" / "base", DEFAULT_BASE)
    monkeypatch.setattr(store_module, "_LOAD_CHUNK", 7)
    assert len(dataset.ox_triples) % 7 != 0
    store = shacl._store((), iter(dataset.ox_triples))
    assert sorted((ox.Triple(q.subject, q.predicate, q.object) for q in store),
                  key=str) == dataset.ox_triples
