"""SHACL validation that stays fast on national-scale data and gives pySHACL's results.

pySHACL re-parses the text of a SPARQL-based constraint for every focus node (about 50 ms each),
which makes the check-digit rule alone take minutes on 1,963 local governments, and its core
constraints cost seconds per 10k triples. So validation is split: pipeline/shacl_core.py checks
the core constraints (the shapes graph without its sh:sparql links; pySHACL where the shapes use
something that engine does not implement), and each SPARQL-based constraint is parsed once and
run by pyoxigraph per focus node, with $this pre-bound as SHACL prescribes. tests/test_shacl.py
and tests/test_shacl_core.py check that the results are exactly pySHACL's on every test graph.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from pipeline import timeline
from pipeline.errors import MiraiError
from pipeline.parallel import Forked
from pipeline.store import bulk_load

SH = Namespace("http://www.w3.org/ns/shacl#")
_PLACEHOLDER = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True, order=True)
class Finding:
    """One validation result, in the terms of the SHACL report vocabulary."""

    focus: Node
    path: Node | None
    value: Node | None
    severity: URIRef
    messages: tuple[str, ...]
    shape: Node
    component: URIRef

    def key(self) -> tuple[str, ...]:
        """What identifies a finding, blank nodes aside (their labels differ per run)."""
        def text(node: Node | None) -> str:
            return "[]" if isinstance(node, BNode) else str(node)
        return (text(self.focus), text(self.path), text(self.value), str(self.severity),
                "|".join(self.messages), text(self.shape), str(self.component))


class ShapesError(MiraiError):
    """The shapes use something this validator does not implement."""


def findings_from_report(report: Graph) -> list[Finding]:
    out = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(node, SH.focusNode)
        severity = report.value(node, SH.resultSeverity)
        shape = report.value(node, SH.sourceShape)
        component = report.value(node, SH.sourceConstraintComponent)
        assert focus is not None and shape is not None
        assert isinstance(severity, URIRef) and isinstance(component, URIRef)
        out.append(Finding(
            focus=focus,
            path=report.value(node, SH.resultPath),
            value=report.value(node, SH.value),
            severity=severity,
            messages=tuple(sorted(str(m) for m in report.objects(node, SH.resultMessage))),
            shape=shape,
            component=component,
        ))
    return out


def run_pyshacl(data: Graph, shapes: Graph, ontology: Graph) -> list[Finding]:
    from pyshacl import validate as pyshacl_validate  # here: importing it takes a tenth of a second
    _conforms, report, _text = pyshacl_validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", advanced=True,
        allow_warnings=True)
    if not isinstance(report, Graph):
        # pySHACL returns its exception instead of a report when the shapes themselves are bad.
        raise ShapesError(f"the shapes could not be applied: {report}")
    return findings_from_report(report)


def validate(data: Graph | Collection[tuple[Node, Node, Node]], shapes: Graph,
             ontology: Graph, ox_data: Iterable[ox.Triple] | None = None,
             meanwhile: Callable[[], None] | None = None) -> list[Finding]:
    """Every result of `shapes` on `data` with `ontology` mixed in. `data` may be a plain
    collection of triples: read much faster than an rdflib graph, which is then made only if
    pySHACL is needed. `meanwhile`, if given, is called after the core constraints, while the
    SPARQL-based ones still run in the other process (work that would otherwise wait)."""
    from pipeline import shacl_core  # here: only validation needs the engine

    core = Graph()
    for triple in shapes:
        if triple[1] != SH.sparql:
            core.add(triple)
    for prefix, namespace in shapes.namespaces():
        core.bind(prefix, namespace)
    fork = timeline.Fork("sparql")

    def sparql_findings() -> tuple[list[Finding], list[timeline.Span]]:
        fork.entered()
        found = list(_sparql_findings(data, shapes, ontology, ox_data))
        return found, fork.handed_back()

    # The SPARQL-based constraints run on the other core meanwhile.
    sparql = Forked(sparql_findings)
    with timeline.span("core shapes"):
        try:
            findings = shacl_core.evaluate((data, ontology), core)
        except shacl_core.Unsupported:
            findings = run_pyshacl(data if isinstance(data, Graph) else _graph(data), core,
                                   ontology)
    if meanwhile is not None:
        meanwhile()
    with timeline.span("wait for the SPARQL-based constraints"):
        found, spans = sparql.result()
    timeline.add(spans)
    findings.extend(found)
    return findings


def _graph(triples: Iterable[tuple[Node, Node, Node]]) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph


def _to_ox(node: Node) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(str(node))
    if isinstance(node, Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        if node.datatype:
            return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
        return ox.Literal(str(node))
    raise TypeError(node)


def _from_ox(term: object) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(term)


def _store(graphs: Iterable[Iterable[tuple[Node, Node, Node]]],
           ox_triples: Iterable[ox.Triple] = ()) -> ox.Store:
    store = ox.Store()
    store.bulk_extend(
        ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o), ox.DefaultGraph())  # type: ignore[arg-type]
        for graph in graphs for s, p, o in graph)
    # As the published store: a chunk at a time (220 MB less at 1M triples than in one go).
    bulk_load(store, ox_triples)
    return store


def _prefixes(shapes: Graph, constraint: Node) -> str:
    lines = []
    for source in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(source, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines))) + "\n"


def _targets(store: ox.Store, shapes: Graph, shape: Node) -> set[Node]:
    for p in (SH.targetSubjectsOf, SH.targetObjectsOf):
        if (shape, p, None) in shapes:
            raise ShapesError(f"{shape}: {p} is not supported for SPARQL-based constraints")
    nodes: set[Node] = set(shapes.objects(shape, SH.targetNode))
    classes = list(shapes.objects(shape, SH.targetClass))
    if (shape, RDF.type, RDFS.Class) in shapes:
        classes.append(shape)  # an implicit class target
    for cls in classes:
        query = f"SELECT DISTINCT ?x {{ ?x a/<{RDFS.subClassOf}>* <{cls}> }}"
        nodes.update(_from_ox(row[0]) for row in store.query(query))  # type: ignore[union-attr]
    return nodes


def _get(solution: ox.QuerySolution, name: str) -> object | None:
    try:
        term: object = solution[name]
    except KeyError:  # not projected by the query
        return None
    return term


def _fill(template: str, solution: ox.QuerySolution) -> str:
    def replace(match: re.Match[str]) -> str:
        value = _get(solution, match[1])
        return match[0] if value is None else str(value.value)  # type: ignore[attr-defined]
    return _PLACEHOLDER.sub(replace, template)


def _name(shapes: Graph, constraint: Node, shape: Node) -> str:
    """A constraint's name in the build's timeline: its own, else its shape's."""
    for node in (constraint, shape):
        if isinstance(node, URIRef):
            return shapes.qname(node)
    return "(unnamed constraint)"


def _sparql_findings(data: Iterable[tuple[Node, Node, Node]], shapes: Graph,
                     ontology: Graph, ox_data: Iterable[ox.Triple] | None = None
                     ) -> Iterator[Finding]:
    links = sorted(shapes.subject_objects(SH.sparql), key=lambda so: (str(so[0]), str(so[1])))
    if not links:
        return
    # The data as pyoxigraph terms where the caller has them: converting costs more than the
    # queries.
    with timeline.span("store for the SPARQL-based constraints"):
        store = (_store((ontology,), ox_data) if ox_data is not None
                 else _store((data, ontology)))
    for shape, constraint in links:
        if (constraint, SH.deactivated, Literal(True)) in shapes or (
                shape, SH.deactivated, Literal(True)) in shapes:
            continue
        select = shapes.value(constraint, SH.select)
        if select is None:
            raise ShapesError(f"{constraint}: only sh:select constraints are supported")
        path = shapes.value(shape, SH.path)
        text = str(select)
        if path is not None:
            if not isinstance(path, URIRef):
                raise ShapesError(f"{shape}: only IRI paths are supported with sh:sparql")
            text = text.replace("$PATH", f"<{path}>")
            owners = list(shapes.subjects(SH.property, shape))
        else:
            owners = [shape]
        focus_nodes: set[Node] = set()
        for owner in owners:
            focus_nodes |= _targets(store, shapes, owner)
        query = _prefixes(shapes, constraint) + text
        severity = shapes.value(shape, SH.severity) or SH.Violation
        templates = sorted(str(m) for m in shapes.objects(constraint, SH.message)) or sorted(
            str(m) for m in shapes.objects(shape, SH.message))
        # Each constraint its own span: the one to rewrite when validation is slow.
        with timeline.span(f"SPARQL {_name(shapes, constraint, shape)}"):
            solutions = list(_solutions(store, query, focus_nodes))
        for focus, solution in solutions:
            failure = _get(solution, "failure")
            if isinstance(failure, ox.Literal) and failure.value == "true":
                raise ShapesError(f"{constraint} reported a failure for {focus}")
            bound_path = _get(solution, "path")
            bound_value = _get(solution, "value")
            yield Finding(
                focus=focus,
                path=_from_ox(bound_path) if bound_path is not None else path,
                value=(_from_ox(bound_value) if bound_value is not None
                       else (focus if path is None else None)),
                severity=severity,  # type: ignore[arg-type]
                messages=tuple(sorted({_fill(t, solution) for t in templates})),
                shape=shape,
                component=SH.SPARQLConstraintComponent,
            )


def _solutions(store: ox.Store, query: str,
               focus_nodes: set[Node]) -> Iterator[tuple[Node, ox.QuerySolution]]:
    """Each focus node's solutions: from one evaluation over the whole graph where that is
    equivalent to pre-binding $this, else from one evaluation per focus node."""
    if once_is_equivalent(query):
        wanted = {_to_ox(node): node for node in focus_nodes}
        rows = []
        solutions = store.query(query)
        assert isinstance(solutions, ox.QuerySolutions)
        for solution in solutions:
            this = _get(solution, "this")
            if this is None:
                raise ShapesError(f"a solution without $this in: {query}")
            if this in wanted:
                rows.append((wanted[this], solution))  # type: ignore[index]
        rows.sort(key=lambda row: str(row[0]))
        yield from rows
        return
    for focus in sorted(focus_nodes, key=str):
        solutions = store.query(query, substitutions={ox.Variable("this"): _to_ox(focus)})
        assert isinstance(solutions, ox.QuerySolutions)
        for solution in solutions:
            yield focus, solution


_STRINGS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|'
                      r"'(?:[^'\\\n]|\\.)*'|<[^<>\s\"{}|^`]*>|#[^\n]*")


def once_is_equivalent(query: str) -> bool:
    """Whether evaluating `query` once, with $this free, gives per value of $this exactly the
    solutions that pre-binding $this gives.

    That holds when the top-level group of WHERE binds $this with a triple pattern (so every
    solution has $this, and OPTIONAL, MINUS, FILTER and EXISTS see the same binding either way),
    there is no nested SELECT, and aggregates, if any, are grouped by $this.
    """
    # Strings, IRIs and comments can't hide keywords: a term becomes a placeholder token.
    text = _STRINGS.sub(lambda m: " " if m[0].startswith("#") else " _ ", query)
    upper = text.upper()
    where = upper.find("WHERE")
    if where < 0 or len(re.findall(r"\bSELECT\b", upper)) != 1:
        return False
    if ("GROUP BY" in upper or re.search(r"\b(SUM|COUNT|AVG|MIN|MAX|SAMPLE|GROUP_CONCAT)\s*\(",
                                          upper)) and not re.search(
            r"GROUP\s+BY[^}]*[$?]THIS\b", upper):
        return False
    depth = parens = 0
    top_level: list[str] = []
    for char in text[where:]:
        if char == "{":
            depth += 1
            continue
        if char == "}":
            depth -= 1
            continue
        if depth == 1:
            if char == "(":
                parens += 1
            elif char == ")":
                parens -= 1
            elif parens == 0:
                top_level.append(char)
                continue
            top_level.append(" ")
    # A triple pattern starts at the beginning of the group or after '.', with $this as subject.
    group = re.sub(r"\b(FILTER(\s+NOT)?(\s+EXISTS)?|OPTIONAL|MINUS|BIND|UNION|GRAPH|SERVICE|"
                   r"VALUES)\b", " . ", "".join(top_level), flags=re.IGNORECASE)
    statements = re.split(r"\.(?=\s)|\.$", group)
    return any(re.match(r"\s*[$?]this\s+[^\s.;,]", statement) for statement in statements)
