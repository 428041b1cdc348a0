"""The core-constraint engine gives pySHACL's results, component by component, and hands over
to pySHACL where the shapes need something it does not implement."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import pytest
from rdflib import Graph, Literal, URIRef

from pipeline import shacl_core
from pipeline.paths import ONTOLOGY_DIR, SHAPES_DIR
from pipeline.shacl import SH, Finding, run_pyshacl, validate
from pipeline.validate import load_graph

PREFIXES = """
@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

# Every component the engine implements, each on data that breaks it in several ways.
SHAPES = PREFIXES + """
ex:Text a sh:NodeShape ; sh:languageIn ( "ja" "en-GB" ) ; sh:not ex:Latin .
ex:Latin a sh:NodeShape ; sh:languageIn ( "ja-Latn" ) .
ex:Lenient a sh:NodeShape ; sh:severity sh:Warning ; sh:datatype xsd:integer .
ex:Off a sh:NodeShape ; sh:deactivated true ; sh:datatype xsd:integer .
ex:Named a sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .
ex:Strict a sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ;
    sh:severity sh:Warning ] ; sh:datatype xsd:integer .

ex:ThingShape a sh:NodeShape ;
    sh:targetClass ex:Thing ;
    sh:nodeKind sh:IRI ;
    sh:message "a thing is an IRI" ;
    sh:property ex:count, ex:label, ex:code, ex:kind, ex:part, ex:low, ex:high, ex:size,
        ex:note, ex:lenient, ex:off, ex:tag, ex:maker, ex:named, ex:strict .

ex:count a sh:PropertyShape ; sh:path ex:count ; sh:minCount 1 ; sh:maxCount 1 ;
    sh:datatype xsd:integer ; sh:minInclusive 0 ; sh:maxExclusive 100 ;
    sh:lessThanOrEquals ex:limit ; sh:message "count" .
ex:label a sh:PropertyShape ; sh:path rdfs:label ; sh:uniqueLang true ;
    sh:qualifiedValueShape ex:Text ; sh:qualifiedMinCount 1 ; sh:qualifiedMaxCount 2 ;
    sh:message "label"@en, "ラベル"@ja .
ex:code a sh:PropertyShape ; sh:path ex:code ; sh:pattern "^[0-9]{3}$" ;
    sh:minLength 3 ; sh:maxLength 3 ; sh:datatype xsd:string ; sh:message "code" .
ex:kind a sh:PropertyShape ; sh:path ex:kind ; sh:in ( ex:A ex:B "c" ) ; sh:hasValue ex:A ;
    sh:message "kind" .
ex:part a sh:PropertyShape ; sh:path ex:part ; sh:class ex:Part ; sh:nodeKind sh:IRI ;
    sh:severity sh:Warning ; sh:message "part" .
ex:low a sh:PropertyShape ; sh:path ex:low ; sh:minExclusive 0.5 ; sh:maxInclusive 10 ;
    sh:message "low" .
ex:high a sh:PropertyShape ; sh:path ex:day ; sh:minInclusive "2020-01-01"^^xsd:date ;
    sh:datatype xsd:date ; sh:message "day" .
ex:size a sh:PropertyShape ; sh:path ex:size ; sh:pattern "^A" ; sh:flags "i" ;
    sh:severity sh:Info ; sh:message "size" .
ex:note a sh:PropertyShape ; sh:path ex:note ; sh:datatype rdf:langString ;
    sh:message "note" .
ex:lenient a sh:PropertyShape ; sh:path ex:lenient ; sh:not ex:Lenient ;
    sh:message "lenient" .
ex:off a sh:PropertyShape ; sh:path ex:off ; sh:not ex:Off ; sh:message "off" .
ex:tag a sh:PropertyShape ; sh:path ex:tag ;
    sh:qualifiedValueShape [ sh:datatype xsd:integer ] ; sh:qualifiedValueShapesDisjoint true ;
    sh:qualifiedMaxCount 1 ; sh:message "tag" .
ex:maker a sh:PropertyShape ; sh:path ex:maker ;
    sh:qualifiedValueShape [ sh:datatype xsd:decimal ] ; sh:qualifiedValueShapesDisjoint true ;
    sh:qualifiedMinCount 1 ; sh:message "maker" .
ex:named a sh:PropertyShape ; sh:path ex:ref ; sh:not ex:Named ; sh:message "named" .
ex:strict a sh:PropertyShape ; sh:path ex:lenient ; sh:not ex:Strict ; sh:message "strict" .

ex:Gadget a rdfs:Class, sh:NodeShape ; sh:property [ sh:path ex:count ; sh:maxCount 0 ;
    sh:message "a gadget has no count" ] .
ex:UsedShape a sh:NodeShape ; sh:targetSubjectsOf ex:uses ; sh:targetNode ex:nowhere ;
    sh:property [ sh:path ex:uses ; sh:nodeKind sh:Literal ; sh:message "uses" ] .
ex:UsedByShape a sh:NodeShape ; sh:targetObjectsOf ex:uses ; sh:nodeKind sh:BlankNodeOrIRI ;
    sh:message "used" .
"""

DATA = PREFIXES + """
ex:SubThing rdfs:subClassOf ex:Thing .
ex:BigPart rdfs:subClassOf ex:Part .
ex:p1 a ex:BigPart .
ex:p2 a ex:Other .

ex:t1 a ex:Thing ; ex:count 5, 7 ; ex:limit 6 ; rdfs:label "一"@ja, "二"@ja, "one"@en-GB ;
    ex:code "12", "1234", "abc"^^xsd:string, 123 ; ex:kind ex:B, "c", ex:Z ;
    ex:part ex:p1, ex:p2, "p3" ; ex:low 0.5, 1, 11, "x" ; ex:day "2019-12-31"^^xsd:date,
    "2020-02-30"^^xsd:date, "2021-01-01"^^xsd:date ; ex:size "abc", "Abc", "b" ;
    ex:note "n"@en, "n" ; ex:lenient "x", 4 ; ex:off "y" ; ex:tag 1, 2, "z" ; ex:maker 1.5, 2 ;
    ex:ref ex:t2, [ ex:name "anonymous" ] .
ex:t2 a ex:SubThing ; ex:count "many", -1, 100 ; rdfs:label "Ichi"@ja-Latn, "x"@ja-latn,
    "plain" ; ex:kind ex:A ; ex:limit "z" ; ex:maker 2.5 .
_:b a ex:Thing ; ex:count 1 ; rdfs:label "三"@ja ; ex:kind ex:A ; ex:maker 1.0 .
ex:t3 a ex:Thing ; rdfs:label "四"@ja ; ex:kind ex:A ; ex:maker 3.5 .
ex:g1 a ex:Gadget ; ex:count 1 .
ex:u1 ex:uses ex:g1, "fine" .
"""


def graph(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


def keys(findings: list[Finding]) -> list[tuple[str, ...]]:
    return sorted(f.key() for f in findings)


def fast(data: Graph, shapes: Graph, ontology: Graph) -> list[Finding]:
    return [Finding(r.focus, r.path, r.value, r.severity, r.messages, r.shape, r.component)
            for r in shacl_core.evaluate((data, ontology), shapes)]


def test_every_component_as_pyshacl_gives_it() -> None:
    data, shapes, ontology = graph(DATA), graph(SHAPES), Graph()
    expected = keys(run_pyshacl(data, shapes, ontology))
    got = keys(fast(data, shapes, ontology))
    assert got == expected
    # The data breaks each component at least once, or the comparison proves little.
    components = {k[6].rsplit("#", 1)[1] for k in got}
    assert components >= {
        "ClassConstraintComponent", "DatatypeConstraintComponent",
        "NodeKindConstraintComponent", "MinCountConstraintComponent",
        "MaxCountConstraintComponent", "MinInclusiveConstraintComponent",
        "MaxInclusiveConstraintComponent", "MinExclusiveConstraintComponent",
        "MaxExclusiveConstraintComponent", "MinLengthConstraintComponent",
        "MaxLengthConstraintComponent", "PatternConstraintComponent",
        "UniqueLangConstraintComponent", "InConstraintComponent",
        "HasValueConstraintComponent", "NotConstraintComponent",
        "QualifiedMinCountConstraintComponent", "QualifiedMaxCountConstraintComponent",
        "LessThanOrEqualsConstraintComponent"}
    assert len(got) >= 40


@pytest.mark.parametrize("values", [3, 40])
def test_a_triple_in_both_graphs_counts_once(values: int) -> None:
    """The union of data and ontology, as pySHACL reads it: a value given twice is one value,
    however many values the subject has (a short list is looked through, a long one kept in a
    set too)."""
    shapes = graph(PREFIXES + f"""
    ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:v ;
        sh:minCount {values} ; sh:maxCount {values} ; sh:message "count" ] .""")
    triples = [f"ex:a ex:v {i} ." for i in range(values)]
    data = graph(PREFIXES + "\n".join(triples[:values * 2 // 3]))
    # pySHACL mixes in an ontology's classes, properties and named individuals, whole.
    ontology = graph(PREFIXES + "ex:a a <http://www.w3.org/2002/07/owl#NamedIndividual> .\n"
                     + "\n".join(triples[values // 3:]))
    both = Graph()
    both += data
    both += ontology
    assert len(data) + len(ontology) > len(both) == values + 1
    assert fast(data, shapes, ontology) == []
    assert keys(run_pyshacl(data, shapes, ontology)) == []
    # One value too many, then one short, in both graphs: each found once, as by pySHACL.
    v = URIRef("http://example.org/v")
    for added, removed, component in ((values, None, "MaxCount"), (None, values, "MaxCount"),
                                      (None, values - 1, "MinCount")):
        for g in (data, ontology):
            if added is not None:
                g.add((URIRef("http://example.org/a"), v, Literal(added)))
            if removed is not None:
                g.remove((None, v, Literal(removed)))
        got = keys(fast(data, shapes, ontology))
        if added is None and removed == values:  # back to the values the shape wants
            assert got == []
            continue
        assert [k[6].rsplit("#", 1)[1] for k in got] == [f"{component}ConstraintComponent"]
        assert got == keys(run_pyshacl(data, shapes, ontology))


def test_the_published_shapes_run_without_pyshacl() -> None:
    shapes = load_graph(SHAPES_DIR)
    core = Graph()
    for triple in shapes:
        if triple[1] != SH.sparql:
            core.add(triple)
    assert shacl_core.evaluate((Graph(), load_graph(ONTOLOGY_DIR)), core) == []


@pytest.mark.parametrize("extra", [
    "ex:ThingShape sh:or ( [ sh:datatype xsd:string ] [ sh:nodeKind sh:IRI ] ) .",
    'ex:ThingShape sh:property [ sh:path [ sh:inversePath ex:ref ] ; sh:maxCount 0 ; '
    'sh:message "inverse" ] .',
    "ex:ThingShape sh:property [ sh:path ex:count ; sh:datatype xsd:string ] .",  # no message
    "ex:ThingShape sh:closed true .",
    "ex:ThingShape sh:node ex:Named .",
])
def test_what_it_does_not_implement_goes_to_pyshacl(extra: str) -> None:
    shapes = graph(SHAPES + extra)
    data, ontology = graph(DATA), Graph()
    with pytest.raises(shacl_core.Unsupported):
        shacl_core.evaluate((data, ontology), shapes)
    assert keys(validate(data, shapes, ontology)) == keys(run_pyshacl(data, shapes, ontology))


def test_constraint_parameters_are_pyshacls() -> None:
    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS

    assert set(ALL_CONSTRAINT_PARAMETERS) == shacl_core.CONSTRAINT_PARAMETERS


_XSD = "http://www.w3.org/2001/XMLSchema#"
# Values of the types sh:minInclusive and its kin meet: equal, ordered and unorderable pairs,
# naive and aware times, a lexical form that is not of its datatype, strings and languages.
_LITERALS = [
    ("1", "integer"), ("01", "integer"), ("2", "integer"), ("-3", "integer"), ("1.0", "decimal"),
    ("1.5", "decimal"), ("1e0", "double"), ("NaN", "double"), ("INF", "double"),
    ("x", "integer"), ("2024-04-01", "date"), ("2024-04-02", "date"),
    ("2024-04-01T00:00:00", "dateTime"), ("2024-04-01T09:00:00+09:00", "dateTime"),
    ("2024-04-01T00:00:00Z", "dateTime"), ("10:00:00", "time"), ("10:00:00Z", "time"),
    ("09:00:00+09:00", "time"), ("2024", "gYear"), ("true", "boolean"), ("a", "string"),
    ("b", "string"), ("a", "@ja"), ("a", None), ("-1.50", "decimal"), ("1", "decimal"),
    ("100000000000000000001", "integer"), ("100000000000000000000.5", "decimal"),
    ("255", "unsignedByte"), ("0", "nonNegativeInteger"), ("1", "boolean"), ("1.5", "float"),
]


def _literal(lexical: str, kind: str | None) -> Literal:
    if kind is None:
        return Literal(lexical)
    if kind.startswith("@"):
        return Literal(lexical, lang=kind[1:])
    return Literal(lexical, datatype=URIRef(_XSD + kind))


def _outcome(compare: Callable[[Literal, Literal], int], a: Literal, b: Literal) -> object:
    try:
        return compare(a, b)
    except Exception as error:  # noqa: BLE001 - which error is part of the outcome
        return type(error)


def test_literals_compare_as_pyshacl_compares_them() -> None:
    from pyshacl.rdfutil.compare import compare_literal

    literals = [_literal(*spec) for spec in _LITERALS]
    outcomes: dict[object, int] = {}
    for a in literals:
        for b in literals:
            ours = _outcome(shacl_core.compare_literal, a, b)
            assert ours == _outcome(compare_literal, a, b), (a, b)
            outcomes[ours] = outcomes.get(ours, 0) + 1
    assert {-1, 0, 1, TypeError} <= set(outcomes)  # each branch is among those compared


def test_validation_does_not_import_pyshacl() -> None:
    code = ("import sys; from pipeline.shacl import validate; from pipeline.validate import "
            "load_graph; from pipeline.paths import ONTOLOGY_DIR, SHAPES_DIR; "
            "from rdflib import Graph; "
            "validate(Graph(), load_graph(SHAPES_DIR), load_graph(ONTOLOGY_DIR)); "
            "print(sorted(m for m in sys.modules if m.startswith('pyshacl')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
