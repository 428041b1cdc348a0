"""Whole-dataset dumps: Turtle, gzipped N-Triples and compacted JSON-LD, byte-identical for the
same triples. pyoxigraph writes Turtle and N-Triples (fast, streaming). JSON-LD is compacted
with the published context by rdflib's converter (`jsonld`, for any graph) or, for the dump,
by `compact`: the same algorithm on pyoxigraph terms, tested to give the same bytes.

Each dump is also written into a binary file a chunk at a time (`write_turtle`,
`write_gzipped`, `write_compact`): the same bytes, never held whole."""

from __future__ import annotations

import functools
import gzip
import io
import itertools
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, BinaryIO, cast

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.plugins.serializers.jsonld import PLAIN_LITERAL_TYPES, Converter
from rdflib.plugins.shared.jsonld.context import UNDEF, Context
from rdflib.plugins.shared.jsonld.keys import ID, LANG, LIST, SET, VOCAB
from rdflib.term import Node

from pipeline.rdf import Triple, to_graph

# Module constants: each RDF.first looks the name up again.
_RDF_FIRST, _RDF_NIL = RDF.first, RDF.nil
_RDF_TYPE, _RDF_FIRST_IRI = str(RDF.type), str(RDF.first)
_RDF_NIL_IRI = str(RDF.nil)


# How pyoxigraph writes a literal's text in N-Triples (oxrdf's print_quoted_str): the lines
# to_oxigraph makes are then the text of the triples it returns.
_NT_ESCAPES = {**{c: f"\\u{c:04X}" for c in (*range(0x20), 0x7F)}, 0x08: "\\b", 0x09: "\\t",
               0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"}
# Lines read by one call of the parser: the text of all of them is never held at once.
_PARSE_CHUNK = 100_000


def to_oxigraph(triples: Iterable[Triple] | Graph) -> list[ox.Triple]:
    """The triples as pyoxigraph terms, each once, sorted by their N-Triples text: the same
    set of triples always gives the same bytes.

    Each triple is written here as the N-Triples line pyoxigraph would write for it, and the
    sorted lines are read back by pyoxigraph's parser, in Rust: making each term in Python and
    sorting by its text took a quarter longer. A line sorts as the triple's text alone would:
    subject and predicate are "<…>", in which ">" never occurs, and where one object's text is
    the start of another's, what follows it in the other ("@", "^" or "-") sorts after the
    line's " ." (tests/test_serialize.py compares the two orders)."""
    lines = []
    for s, p, o in triples:
        if not isinstance(s, URIRef) or not isinstance(p, URIRef):
            raise TypeError(f"blank nodes are not published: {s!r}")
        if isinstance(o, URIRef):
            lines.append(f"<{s}> <{p}> <{o}> .\n")
            continue
        if not isinstance(o, Literal):
            raise TypeError(f"blank nodes are not published: {o!r}")
        text = str.translate(o, _NT_ESCAPES)
        if o.language:  # pyoxigraph keeps language tags in lower case
            lines.append(f'<{s}> <{p}> "{text}"@{o.language.lower()} .\n')
        elif o.datatype and str.__ne__(o.datatype, XSD_STRING):  # a URIRef never == a str
            lines.append(f'<{s}> <{p}> "{text}"^^<{o.datatype}> .\n')
        else:  # a simple literal: an xsd:string is written without its type
            lines.append(f'<{s}> <{p}> "{text}" .\n')
    lines.sort()
    # Once each: "x" and "x"^^xsd:string, or tags "EN" and "en", are one triple to pyoxigraph.
    lines = [line for line, after in itertools.pairwise(lines) if line != after] + lines[-1:]
    out: list[ox.Triple] = []
    try:
        for start in range(0, len(lines), _PARSE_CHUNK):
            chunk = "".join(lines[start:start + _PARSE_CHUNK])
            out.extend(q.triple for q in ox.parse(chunk, format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError as error:  # as ox.NamedNode("not an IRI") raises
        raise ValueError(str(error)) from None
    return out


def turtle(triples: list[ox.Triple], prefixes: dict[str, str]) -> bytes:
    data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    assert data is not None  # no output file given: the bytes are returned
    return data


def write_turtle(triples: list[ox.Triple], prefixes: dict[str, str], out: BinaryIO) -> None:
    """The bytes of `turtle`, written into `out` as pyoxigraph makes them."""
    ox.serialize(triples, out, format=ox.RdfFormat.TURTLE, prefixes=prefixes)


def ntriples(triples: list[ox.Triple]) -> bytes:
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert data is not None
    return data


def write_ntriples(triples: list[ox.Triple], out: BinaryIO) -> None:
    """The bytes of `ntriples`, written into `out` as pyoxigraph makes them."""
    ox.serialize(triples, out, format=ox.RdfFormat.N_TRIPLES)


def gzipped(data: bytes) -> bytes:
    buffer = io.BytesIO()
    write_gzipped(lambda f: f.write(data), buffer)
    return buffer.getvalue()


def write_gzipped(write: Callable[[BinaryIO], object], out: BinaryIO) -> None:
    """What `write` writes, compressed into `out` as it goes: the bytes `gzipped` makes of it
    whole (deflate's output does not depend on how its input is cut)."""
    # mtime=0 and no file name: the gzip header would otherwise change on every build. Level 6,
    # gzip's own default: level 9 makes N-Triples 10% smaller in 3.6 times the time.
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, filename="", compresslevel=6) as f:
        write(cast(BinaryIO, _Unflushed(f)))


class _Unflushed:
    """A file that passes on what is written to `f` but not a flush: a GzipFile flushed ends a
    deflate block there (other bytes than the whole compressed at once), and pyoxigraph
    flushes the file it writes to when done."""

    def __init__(self, f: gzip.GzipFile) -> None:
        self.f = f

    def write(self, data: bytes) -> int:
        return self.f.write(data)

    def flush(self) -> None:
        pass


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
    return _document(nodes, context)


def _document(nodes: list[dict[str, Any]], context: dict[str, Any]) -> bytes:
    """The document of compacted node objects: the nodes by id, each as `_sorted` makes it,
    the context embedded."""
    nodes = [_sorted(node) for node in nodes]
    nodes.sort(key=lambda n: n.get("id", n.get("@id", "")))
    buffer = io.BytesIO()
    _write_document(nodes, context, buffer)
    return buffer.getvalue()


def _sorted(node: dict[str, Any]) -> dict[str, Any]:
    """`node` with every array sorted: its order carries no meaning."""
    for key, value in node.items():
        if isinstance(value, list):
            node[key] = sorted(value, key=_json_key)
        elif isinstance(value, dict):  # a language map
            for lang, texts in value.items():
                if isinstance(texts, list):
                    value[lang] = sorted(texts)
    return node


def _write_document(nodes: Iterable[dict[str, Any]], context: dict[str, Any],
                    out: BinaryIO) -> None:
    """The document of `nodes`, in their order, written into `out` a node at a time."""
    # The context is embedded so the dump reads offline; the same context is published
    # separately (context.jsonld) for clients that want to reference it. One node object a
    # line: diffs and grep work on it, and each line is made by json's C encoder (it has no
    # indented mode), several times faster than an indented document.
    out.write(('{"@context": ' + json.dumps(context, ensure_ascii=False, indent=1,
                                            sort_keys=True) + ',\n"@graph": [\n').encode())
    separator = ""
    for node in nodes:
        out.write((separator + json.dumps(node, ensure_ascii=False, sort_keys=True)).encode())
        separator = ",\n"
    out.write(b"\n]}\n")


def _json_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


class Unsupported(Exception):
    """A context feature `compact` does not implement; `jsonld` handles every context."""


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"  # as pyoxigraph names plain literals
_NATIVE = {str(t) for t in PLAIN_LITERAL_TYPES}
_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


@functools.lru_cache(maxsize=256)
def bcp47_case(tag: str) -> str:
    """A language tag in the case RFC 5646 (2.1.1) recommends: pyoxigraph gives tags in lower
    case, the context names them as written ("ja-Hrkt"), and terms are chosen by exact match.
    Subtags after a singleton ("x-…") keep lower case."""
    parts = tag.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(out[-1]) == 1:  # after a singleton: an extension or private use
            out.extend(p.lower() for p in parts[len(out):])
            break
        out.append(part.title() if len(part) == 4 else part.upper() if len(part) == 2
                   else part.lower())
    return "-".join(out)


class _Compactor:
    """rdflib's JSON-LD compaction (Converter.add_to_node) for triples without lists or blank
    nodes, on plain strings: which key and which value form a (predicate, object kind) takes
    is worked out once, not once per triple."""

    def __init__(self, context: dict[str, Any]) -> None:
        self.ctx = Context(context)
        if self.ctx.language or not self.ctx.active:
            raise Unsupported("a default language, or an empty context")
        self.iris: dict[str, str] = {}
        self.rules: dict[tuple[str, bool, str | None, str | None], tuple[str, str, bool]] = {}
        self.natives: dict[tuple[str, str], Any] = {}

    def iri(self, iri: str) -> str:
        short = self.iris.get(iri)
        if short is None:
            short = self.iris[iri] = self.ctx.shrink_iri(iri)
        return short

    def rule(self, p: str, literal: bool, datatype: str | None = None,
             language: str | None = None) -> tuple[str, str, bool]:
        """(key, form, as a set) for the objects of `p` that are IRIs, or literals of that
        datatype (None for rdflib's plain literals) or language."""
        key = (p, literal, datatype, language)
        found = self.rules.get(key)
        if found is None:
            found = self._rule(p, literal, datatype, language)
            if found[0] in ("id", "@id"):  # the key the nodes are sorted by
                raise Unsupported(f"a value under the key {found[0]}")
            self.rules[key] = found
        return found

    def _rule(self, p: str, literal: bool, datatype: str | None,
              language: str | None) -> tuple[str, str, bool]:
        ctx = self.ctx
        if literal:
            term = ctx.find_term(p, datatype, language=language)
        else:
            # Container None, as rdflib's converter asks for objects that are not lists.
            term = next((t for c in (ID, VOCAB, UNDEF)
                         if (t := ctx.find_term(p, c, None))),  # type: ignore[arg-type]
                        None)
        form = ""
        if term:
            name, container = term.name, term.container
            if LIST in container or (not literal and (term.language or LANG in container)):
                raise Unsupported(f"the term {name}")
            if term.type:
                if not literal:
                    form = {ID: "iri", VOCAB: "symbol"}.get(term.type, "")
                elif term.type == ID or term.type == datatype:
                    form = "text"
            elif term.language and language == term.language:
                form = "text"
            if literal and LANG in container and language:
                if SET in container:
                    raise Unsupported(f"the term {name}")
                return name, "language map", False
            return name, form or ("raw literal" if literal else "raw iri"), SET in container
        name = ctx.to_symbol(p) or p
        key_term = ctx.terms.get(name)
        if key_term and (key_term.type or key_term.container):
            name = p
        if p == _RDF_TYPE:
            return ctx.type_key, "raw literal" if literal else "symbol", False
        return name, "raw literal" if literal else "raw iri", False

    def native(self, value: str, datatype: str) -> Any:
        if datatype == _XSD_INTEGER:
            # What rdflib's toPython gives an integer it reads (int of the text), without
            # making a Literal: amounts are mostly distinct, so the cache below seldom helps.
            try:
                return int(value)
            except ValueError:
                pass  # not an integer: rdflib's own reading
        key = (value, datatype)
        found = self.natives.get(key)
        if found is None:
            found = self.natives[key] = Literal(value, datatype=datatype).toPython()
        return found

    def node(self, subject: str, triples: Sequence[ox.Triple], start: int, stop: int
             ) -> dict[str, Any]:
        """The node object of `subject`, whose triples are `triples[start:stop]`."""
        node: dict[str, Any] = {self.ctx.id_key: self.iri(subject)}
        for t in triples[start:stop]:
            p, o = t.predicate.value, t.object
            if p == _RDF_FIRST_IRI:
                raise Unsupported("an RDF list")
            # type(), not isinstance: the terms are pyoxigraph's own classes, and this runs
            # once per triple of the dump.
            if type(o) is ox.Literal:
                language = o.language
                if language:  # rdflib's language literals
                    datatype: str | None = None
                    language = bcp47_case(language)
                else:
                    datatype = o.datatype.value
                    if datatype == XSD_STRING:  # rdflib's plain literals
                        datatype = None
                key, form, as_set = self.rule(p, True, datatype, language)
            elif type(o) is ox.NamedNode:
                if o.value == _RDF_NIL_IRI:
                    raise Unsupported("an RDF list")
                datatype = language = None
                key, form, as_set = self.rule(p, False)
            else:
                raise TypeError("blank nodes are not published")
            if form == "language map":
                entries = node.setdefault(key, {})
                held = entries.get(language)
                if held is None:
                    entries[language] = o.value
                elif isinstance(held, list):
                    held.append(o.value)
                else:
                    entries[language] = [held, o.value]
                continue
            value = self.value(form, o, datatype)
            held = node.get(key)
            if held is None:
                node[key] = [value] if as_set else value
            elif isinstance(held, list):
                held.append(value)
            else:
                node[key] = [held, value]
        return node

    def value(self, form: str, o: ox.NamedNode | ox.Literal, datatype: str | None) -> Any:
        ctx = self.ctx
        if form == "iri":
            return self.iri(o.value)
        if form == "symbol":
            return ctx.to_symbol(o.value)
        if form == "text":
            return o.value
        if form == "raw iri":
            return {ctx.id_key: self.iri(o.value)}
        assert isinstance(o, ox.Literal)
        if datatype is None:
            if o.language:
                return {ctx.lang_key: o.language, ctx.value_key: o.value}
            return o.value
        if datatype in _NATIVE:  # the context is active: native values stand alone
            return self.native(o.value, datatype)
        return {ctx.type_key: ctx.to_symbol(datatype), ctx.value_key: o.value}


def compact(triples: Sequence[ox.Triple], context: dict[str, Any]) -> bytes:
    """The bytes `jsonld` makes of the same triples, made from pyoxigraph terms, with no rdflib
    term, graph or converter call per triple. Raises Unsupported where the context holds what
    it does not implement (list containers, a default language, an id key other than `id` or
    `@id`)."""
    buffer = io.BytesIO()
    write_compact(triples, context, buffer)
    return buffer.getvalue()


def write_compact(triples: Sequence[ox.Triple], context: dict[str, Any], out: BinaryIO,
                  runs: Runs | None = None) -> None:
    """The bytes of `compact`, written into `out` a node at a time: one subject's node object
    is held at once, not the document's. `runs`, when known, are those `subject_runs` finds in
    `triples`, which are then sorted."""
    c = _Compactor(context)
    if c.ctx.id_key not in ("id", "@id"):
        raise Unsupported(f"the id key {c.ctx.id_key}")
    if runs is None:
        triples, runs = subject_runs(triples)
    # The nodes by id, as `_document` sorts them.
    ordered = sorted(runs, key=lambda run: c.iri(run[0]))
    _write_document((_sorted(c.node(s, triples, start, stop)) for s, start, stop in ordered),
                    context, out)


Runs = list[tuple[str, int, int]]


def subject_runs(triples: Sequence[ox.Triple]) -> tuple[Sequence[ox.Triple], Runs]:
    """Each subject (its IRI) with where its triples lie together, `triples[start:stop]`, in
    the order of their N-Triples text; and the triples they lie in: `triples` themselves when
    sorted by N-Triples text (as to_oxigraph gives them), else a sorted copy."""
    runs = _runs(triples)
    if runs is None:
        triples = sorted(triples, key=str)
        runs = _runs(triples)
        assert runs is not None
    return triples, runs


def _runs(triples: Sequence[ox.Triple]) -> Runs | None:
    """`subject_runs` of `triples`; None when a subject's triples do not all lie together."""
    runs: Runs = []
    current: ox.NamedNode | None = None
    last, start = "", 0
    for i, t in enumerate(triples):
        s = t.subject
        if s != current:
            if not isinstance(s, ox.NamedNode):
                raise TypeError(f"blank nodes are not published: {s}")
            if current is not None:
                runs.append((current.value, start, i))
            # Increasing N-Triples text ("<" IRI ">": ">" is never in an IRI) of each new
            # subject: then none comes back after another.
            key = s.value + ">"
            if key <= last:
                return None
            current, last, start = s, key, i
    if current is not None:
        runs.append((current.value, start, len(triples)))
    return runs
