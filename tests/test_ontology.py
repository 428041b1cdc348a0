"""The ontology file parses, agrees with pipeline.vocab, and documents every term in ja and en."""

import inspect
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Literal, URIRef
from rdflib.compare import graph_diff, to_isomorphic
from rdflib.namespace import VANN
from rdflib.term import Node

from pipeline.vocab import MIRAI, ONTOLOGY_IRI

ONTOLOGY_PATH = Path(__file__).parents[1] / "ontology" / "mirai.ttl"
NS = str(MIRAI._NS)
DECLARATIONS = {
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.NamedIndividual,
}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

# Read from the class body, so collecting the tests reads no file.
VOCAB_NAMES = sorted(name for name in inspect.get_annotations(MIRAI) if not name.startswith("_"))


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_PATH, format="turtle")


def _from_oxigraph(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language is not None:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _declared_terms(graph: Graph) -> set[URIRef]:
    return {
        subject
        for subject, kind in graph.subject_objects(RDF.type)
        if kind in DECLARATIONS and isinstance(subject, URIRef) and subject.startswith(NS)
    }


def test_rdflib_and_oxigraph_read_the_same_triples(ontology: Graph) -> None:
    oxigraph = Graph()
    for t in ox.parse(path=ONTOLOGY_PATH, format=ox.RdfFormat.TURTLE):
        oxigraph.add(
            (_from_oxigraph(t.subject), _from_oxigraph(t.predicate), _from_oxigraph(t.object))
        )
    _, only_rdflib, only_oxigraph = graph_diff(to_isomorphic(ontology), to_isomorphic(oxigraph))
    assert not only_rdflib, f"only in rdflib: {sorted(map(str, only_rdflib))}"
    assert not only_oxigraph, f"only in oxigraph: {sorted(map(str, only_oxigraph))}"


def test_ontology_header(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    assert ontology.value(ONTOLOGY_IRI, VANN.preferredNamespacePrefix) == Literal("mirai")
    assert ontology.value(ONTOLOGY_IRI, VANN.preferredNamespaceUri) == Literal(NS)


def test_ontology_declares_exactly_the_vocab_terms(ontology: Graph) -> None:
    declared = _declared_terms(ontology)
    in_vocab: set[URIRef] = {getattr(MIRAI, name) for name in VOCAB_NAMES}
    assert not (declared - in_vocab), f"missing from MIRAI: {sorted(declared - in_vocab)}"
    assert not (in_vocab - declared), f"not declared: {sorted(in_vocab - declared)}"


def test_every_mirai_iri_used_is_declared(ontology: Graph) -> None:
    # Catches a misspelt term inside the ontology itself, e.g. `rdfs:range mirai:Awrd`.
    used = {
        node
        for triple in ontology
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(NS)
    }
    undeclared = used - _declared_terms(ontology)
    assert not undeclared, f"used but not declared: {sorted(undeclared)}"


@pytest.mark.parametrize("name", VOCAB_NAMES)
def test_term_has_one_label_and_definition_per_language(ontology: Graph, name: str) -> None:
    term: URIRef = getattr(MIRAI, name)
    counts = {
        (predicate, lang): len(
            [v for v in ontology.objects(term, predicate) if getattr(v, "language", None) == lang]
        )
        for predicate in (RDFS.label, SKOS.definition)
        for lang in ("ja", "en")
    }
    wrong = {key: count for key, count in counts.items() if count != 1}
    assert not wrong, f"{name}: expected exactly one of each, found {wrong}"
    assert set(ontology.objects(term, RDFS.isDefinedBy)) == {ONTOLOGY_IRI}


def test_undefined_term_raises() -> None:
    with pytest.raises(AttributeError):
        _ = MIRAI.NoSuchTerm


def test_no_blank_nodes(ontology: Graph) -> None:
    blank = [triple for triple in ontology if any(isinstance(n, BNode) for n in triple)]
    assert not blank, f"triples with blank nodes: {blank}"


def test_every_individual_has_a_declared_class(ontology: Graph) -> None:
    classes = set(ontology.subjects(RDF.type, OWL.Class))
    for individual in ontology.subjects(RDF.type, OWL.NamedIndividual):
        types = set(ontology.objects(individual, RDF.type)) - {OWL.NamedIndividual}
        assert types & classes, f"{individual} has no class declared in the ontology"


def test_domains_and_ranges_in_namespace_are_classes(ontology: Graph) -> None:
    classes = set(ontology.subjects(RDF.type, OWL.Class))
    for predicate in (RDFS.domain, RDFS.range):
        for prop, target in ontology.subject_objects(predicate):
            if str(target).startswith(NS):
                assert target in classes, f"{prop} {predicate} {target}: not a class"
