"""Whole-dataset dumps: Turtle, gzipped N-Triples and compacted JSON-LD, byte-identical for the
same triples. pyoxigraph writes Turtle and N-Triples (fast, streaming); rdflib compacts JSON-LD
with the published context."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from pipeline.rdf import Triple


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
    # Sorted by N-Triples text: the same set of triples always gives the same bytes.
    out.sort(key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
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


def jsonld(graph: Graph, context: dict[str, Any]) -> bytes:
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
