"""SHACL validation of the dataset, each result tied back to the YAML record it came from.

Results are data (severity, message, location); the caller decides whether to raise, print or
write them. The ontology is mixed into the data graph so that shapes can target superclasses
(sh:class mirai:LocalGovernment matches a mirai:Prefecture).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from pipeline import shacl
from pipeline.errors import Location
from pipeline.rdf import Origins
from pipeline.serialize import XSD_STRING, bcp47_case

SH = Namespace("http://www.w3.org/ns/shacl#")
_SEVERITY = {SH.Violation: "error", SH.Warning: "warning", SH.Info: "info"}
_RANK = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Result:
    severity: str  # error (sh:Violation), warning or info
    message: str
    focus: str
    path: str | None
    value: str | None
    shape: str
    component: str
    location: Location | None

    def format(self, relative_to: Path | None = None) -> str:
        where = "<dataset>"
        if self.location is not None:
            path = self.location.path
            if relative_to is not None and path.is_absolute() and path.is_relative_to(
                    relative_to):
                path = path.relative_to(relative_to)
            where = f"{path}:{self.location.line}:{self.location.column}"
        return f"{where}: {self.severity}: {self.message} ({self.focus}, {self.shape})"


@dataclass(frozen=True)
class Report:
    results: tuple[Result, ...]

    @property
    def conforms(self) -> bool:
        return not any(r.severity == "error" for r in self.results)

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)


def load_graph(directory: Path) -> Graph:
    """The Turtle files of `directory` as one rdflib graph, with their prefixes bound. Parsed
    by pyoxigraph: rdflib's parser takes a tenth of a second for each of ours, paid by every
    build in each of its processes. The terms are those rdflib's parser would make (tested)."""
    graph = Graph()
    for path in sorted(directory.glob("*.ttl")):
        blank: dict[str, BNode] = {}
        parser = ox.parse(path=path, format=ox.RdfFormat.TURTLE)
        add = graph.add
        for quad in parser:
            add((_rdflib(quad.subject, blank), URIRef(quad.predicate.value),
                 _rdflib(quad.object, blank)))
        for prefix, namespace in parser.prefixes.items():
            graph.bind(prefix, namespace)
    return graph


def _rdflib(term: object, blank: dict[str, BNode]) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        node = blank.get(term.value)
        if node is None:
            node = blank[term.value] = BNode()
        return node
    if isinstance(term, ox.Literal):
        if term.language:  # pyoxigraph gives tags in lower case; written as the file has them
            return Literal(term.value, lang=bcp47_case(term.language))
        if term.datatype.value == XSD_STRING:  # rdflib's parser makes plain literals
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"not a term of a Turtle file: {term!r}")


def _text(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, BNode):
        # Property paths and anonymous shapes: the report's own blank nodes carry no name.
        return "[]"
    return str(node)


def validate_graph(data: Graph | Collection[tuple[Node, Node, Node]], shapes: Graph,
                   ontology: Graph, origins: Origins,
                   ox_data: Iterable[ox.Triple] | None = None,
                   meanwhile: Callable[[], None] | None = None) -> Report:
    """The report of `shapes` on `data`; `ox_data`, where given, is the same triples as
    pyoxigraph terms; `meanwhile`: see shacl.validate."""
    results = []
    for f in shacl.validate(data, shapes, ontology, ox_data, meanwhile):
        path = f.path if isinstance(f.path, URIRef) else None
        location = origins.locate(f.focus, path) if isinstance(f.focus, URIRef) else None
        results.append(Result(
            severity=_SEVERITY.get(f.severity, "error"),
            message="; ".join(f.messages) or "constraint not met",
            focus=_text(f.focus) or "",
            path=_text(f.path),
            value=_text(f.value),
            shape=_text(f.shape) or "",
            component=_text(f.component) or "",
            location=location,
        ))
    results.sort(key=_order)
    return Report(tuple(results))


def _order(r: Result) -> tuple[object, ...]:
    where = (str(r.location.path), r.location.line, r.location.column) if r.location else ("",)
    return (where, _RANK[r.severity], r.focus, r.path or "", r.shape, r.message, r.value or "")


def to_json(report: Report) -> str:
    def one(r: Result) -> dict[str, object]:
        d = asdict(r)
        loc = d.pop("location")
        d["file"] = str(loc["path"]) if loc else None
        d["line"] = loc["line"] if loc else None
        d["column"] = loc["column"] if loc else None
        return d

    body = {
        "conforms": report.conforms,
        "errors": report.count("error"),
        "warnings": report.count("warning"),
        "results": [one(r) for r in report.results],
    }
    return json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def to_report_graph(report: Report, base: str) -> Graph:
    """The SHACL validation report with stable IRIs instead of blank nodes, so that it is
    byte-identical from run to run and safe to publish."""
    graph = Graph(bind_namespaces="none")
    graph.bind("sh", SH)
    graph.bind("xsd", XSD)
    root = URIRef(base + "validation-report")
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, Literal(report.conforms)))
    severities = {v: k for k, v in _SEVERITY.items()}
    for n, r in enumerate(report.results, start=1):
        node = URIRef(f"{root}#result-{n}")
        graph.add((root, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.resultSeverity, severities[r.severity]))
        graph.add((node, SH.resultMessage, Literal(r.message)))
        graph.add((node, SH.focusNode, URIRef(r.focus)))
        if r.path and r.path != "[]":
            graph.add((node, SH.resultPath, URIRef(r.path)))
        if r.shape and r.shape != "[]":
            graph.add((node, SH.sourceShape, URIRef(r.shape)))
        if r.component:
            graph.add((node, SH.sourceConstraintComponent, URIRef(r.component)))
        if r.value is not None:
            graph.add((node, SH.value, Literal(r.value)))
    return graph
