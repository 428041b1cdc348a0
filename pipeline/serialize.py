"""Whole-dataset dumps: Turtle, gzipped N-Triples and compacted JSON-LD, byte-identical for the
same triples. pyoxigraph writes Turtle and N-Triples (fast, streaming); rdflib's converter
compacts JSON-LD with the published context."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.plugins.serializers.jsonld import Converter
from rdflib.plugins.shared.jsonld.context import Context
from rdflib.term import Node

from pipeline.rdf import Triple, to_graph

# Module constants: each RDF.first looks the name up again.
_RDF_FIRST, _RDF_NIL = RDF.first, RDF.nil


def to_oxigraph(triples: Iterable[Triple] | Graph) -> list[ox.Triple]:
    out = []
    for s, p, o in triples:
        if not isinstance(s, URIRef) or not isinstance(p, URIRef):
            raise TypeError(f"blank nodes are not published: {s!r}")
        obj: ox.NamedNode | ox.Literal
        if isinstance(o, URIRef):
            obj = ox.NamedNode(str(o))
        elif isinstance(o, Literal):
            if o.language:
                obj = ox.Literal(str(o), language=o.language)
            elif o.datatype:
                obj = ox.Literal(str(o), datatype=ox.NamedNode(str(o.datatype)))
            else:
                obj = ox.Literal(str(o))
        else:
            raise TypeError(f"blank nodes are not published: {o!r}")
        out.append(ox.Triple(ox.NamedNode(str(s)), ox.NamedNode(str(p)), obj))
    # Sorted by N-Triples text: the same set of triples always gives the same bytes. The text
    # of the whole triple sorts as (subject, predicate, object) would: subject and predicate
    # are "<…>", and ">" never occurs inside one, so neither can be a prefix of another.
    out.sort(key=str)
    return out


def turtle(triples: list[ox.Triple], prefixes: dict[str, str]) -> bytes:
    data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    assert data is not None  # no output file given: the bytes are returned
    return data


def ntriples(triples: list[ox.Triple]) -> bytes:
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert data is not None
    return data


def gzipped(data: bytes) -> bytes:
    buffer = io.BytesIO()
    # mtime=0 and no file name: the gzip header would otherwise change on every build.
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="", compresslevel=9) as f:
        f.write(data)
    return buffer.getvalue()


def load_context(path: Path) -> dict[str, Any]:
    context: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["@context"]
    return context


class _Subjects:
    """The part of a Graph that rdflib's JSON-LD converter reads, answered from one pass over
    the triples instead of an index lookup per subject and per object."""

    def value(self, subject: Any, predicate: Any = None) -> None:
        del subject, predicate  # only asked for rdf:first, which _nodes made sure is absent


def _nodes(data: Graph | list[Triple], context: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The node objects rdflib's compaction makes of `data` (a graph, or the triples a graph
    would be made of), without its per-subject graph lookups; None where that shortcut does
    not hold (RDF lists, named graphs)."""
    if isinstance(data, Graph) and data.context_aware:
        return None
    # subject → predicate → objects, each in the order a graph made of `data` lists them: the
    # order it first holds them (a language map keeps several values in that order).
    by_subject: dict[Node, dict[Node, dict[Node, None]]] = {}
    for s, p, o in data:
        if isinstance(s, BNode) or isinstance(o, BNode):
            raise TypeError("blank nodes are not published")
        if p == _RDF_FIRST or o == _RDF_NIL:
            return None
        by_subject.setdefault(s, {}).setdefault(p, {})[o] = None
    converter = Converter(Context(context), False, False)
    facade = _Subjects()
    nodes = []
    for s, objects in by_subject.items():
        node = _node(converter, facade, s, ((p, o) for p, objs in objects.items() for o in objs))
        if isinstance(data, Graph) and any(
                isinstance(v, dict) and any(isinstance(x, list) for x in v.values())
                for v in node.values()):
            # Iterating a graph gives no such order: ask it for this subject's.
            node = _node(converter, facade, s, list(data.predicate_objects(s)))
        nodes.append(node)
    # The converter's values are rdflib terms (str subclasses); JSON makes them plain.
    loaded: list[dict[str, Any]] = json.loads(json.dumps(nodes, ensure_ascii=False,
                                                             sort_keys=True))
    return loaded


def _node(converter: Converter, facade: _Subjects, s: Node,
          pairs: Iterable[tuple[Any, Any]]) -> dict[str, Any]:
    node: dict[str, Any] = {converter.context.id_key: converter.context.shrink_iri(str(s))}
    nodemap: dict[str, Any] = {}
    for p, o in pairs:
        converter.add_to_node(facade, s, p, o, node, nodemap)  # type: ignore[arg-type]
    return node


def jsonld(data: Graph | list[Triple], context: dict[str, Any]) -> bytes:
    """Compacted JSON-LD of a graph, or of the triples one would be made of (the same bytes,
    without making it)."""
    fast = _nodes(data, context)
    if fast is not None:
        nodes = fast
    else:
        graph = data if isinstance(data, Graph) else to_graph(data)
        if any(isinstance(t, BNode) for triple in graph for t in triple):
            raise TypeError("blank nodes are not published")
        raw = graph.serialize(format="json-ld", context=context, auto_compact=True)
        document = json.loads(raw)
        if "@graph" in document:
            nodes = document["@graph"]
        else:  # a graph of one subject compacts to a single node object
            node = {k: v for k, v in document.items() if k != "@context"}
            nodes = [node] if node else []
    for node in nodes:
        for key, value in node.items():
            if isinstance(value, list):
                node[key] = sorted(value, key=lambda v: json.dumps(v, sort_keys=True,
                                                                   ensure_ascii=False))
    nodes.sort(key=lambda n: n.get("id", n.get("@id", "")))
    # The context is embedded so the dump reads offline; the same context is published
    # separately (context.jsonld) for clients that want to reference it.
    out = {"@context": context, "@graph": nodes}
    return (json.dumps(out, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()
