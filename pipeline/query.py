"""Running a SPARQL query against the store and writing its results: the SPARQL 1.1 Query
Results formats (JSON, XML, CSV, TSV), RDF for CONSTRUCT and DESCRIBE, and an aligned text
table for people. Shared by `mirai-lod query` and the `/sparql` endpoint."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import pyoxigraph as ox

from pipeline.errors import MiraiError

XSD = "http://www.w3.org/2001/XMLSchema#"
_STRING = f"{XSD}string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_NUMERIC = {f"{XSD}{name}" for name in (
    "integer", "decimal", "double", "float", "long", "int", "short", "byte",
    "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
    "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}
_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_SERVICE = re.compile("service", re.IGNORECASE)

_T = TypeVar("_T")


def escape(text: str) -> str:
    """XML character data (not xml.sax.saxutils: it imports urllib.request, which costs every
    endpoint query a tenth of a second)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    return '"' + escape(text).replace('"', "&quot;") + '"'


Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class QuerySyntaxError(MiraiError):
    """The query is not SPARQL 1.1 (or is an update): line and column count from 1."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None,
                 where: str = "<query>") -> None:
        super().__init__(message)
        self.line, self.column, self.where = line, column, where

    def format(self) -> str:
        at = f"{self.where}:{self.line}:{self.column}" if self.line else self.where
        return f"{at}: error: {self.message}"


class ForbiddenQuery(MiraiError):
    """A valid query this endpoint does not run (federation with SERVICE)."""


class WrongFormat(MiraiError):
    """The results cannot be written in the format asked for (e.g. CSV for CONSTRUCT)."""


@dataclass(frozen=True)
class Solutions:
    """SELECT results; `truncated` when there were more than the row limit."""

    variables: tuple[str, ...]
    rows: tuple[tuple[Term | None, ...], ...]
    truncated: bool = False


@dataclass(frozen=True)
class Boolean:
    """ASK result."""

    value: bool


@dataclass(frozen=True)
class Triples:
    """CONSTRUCT or DESCRIBE results; `truncated` when there were more than the limit."""

    triples: tuple[ox.Triple, ...]
    truncated: bool = False


Result = Solutions | Boolean | Triples


def syntax_error(error: SyntaxError, where: str = "<query>") -> QuerySyntaxError:
    """Oxigraph's "error at L:C: expected …" as an error with its position; the list of
    expected characters after the first line is noise for people."""
    text = str(error)
    match = _POSITION.match(text)
    if match is None:
        return QuerySyntaxError(f"syntax error: {text}", where=where)
    message = match.group(3).split("\n", 1)[0]
    if "Prefix not found" in message:
        message = "undefined prefix (add a PREFIX declaration)"
    elif len(message) > 160:
        message = message[:160] + " …"
    return QuerySyntaxError(f"syntax error: {message}", int(match.group(1)),
                            int(match.group(2)), where)


def _offset(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    return sum(len(x) + 1 for x in lines[:line - 1]) + column - 1


def check_no_service(query: str, where: str = "<query>",
                     prefixes: Mapping[str, str] | None = None) -> None:
    """Refuse a query that uses SERVICE (a request to another host), using Oxigraph's own
    parser: every occurrence of the letters "service" (any case) is changed into "servicf".
    Inside a string, IRI, comment, variable or prefixed name that keeps the query valid; where
    SERVICE was the keyword, the bare word left is a syntax error. So the changed query parses
    if and only if no SERVICE keyword was there (a prefix named `service:` is renamed
    consistently everywhere, so it parses too). Raises QuerySyntaxError when the query is
    wrong before the first occurrence."""
    first = _SERVICE.search(query)
    if first is None:
        return
    neutral = _SERVICE.sub(lambda m: m.group(0)[:-1] + ("F" if m.group(0)[-1] == "E" else "f"),
                           query)
    try:
        # An empty store: ASK is evaluated at once, but with no SERVICE left and no data.
        ox.Store().query(neutral, prefixes=dict(prefixes or {}))
    except SyntaxError as error:
        found = syntax_error(error, where)
        if found.line is not None and found.column is not None and _offset(
                query, found.line, found.column) <= first.start():
            raise found from None
        raise ForbiddenQuery("SERVICE (federated query to another endpoint) is not allowed "
                             "here; query this endpoint's data only") from None


def run(store: ox.Store, query: str, *, max_rows: int | None = None,
        allow_service: bool = True, default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (), where: str = "<query>",
        prefixes: Mapping[str, str] | None = None) -> Result:
    """Run `query`; the default graph is the union of all graphs unless `default_graphs`
    names some (the SPARQL protocol's default-graph-uri). `prefixes` are declared for the
    query unless it declares them itself."""
    if not allow_service:
        check_no_service(query, where, prefixes)
    options: dict[str, object] = {"prefixes": dict(prefixes or {})}
    if default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
    else:
        options["use_default_graph_as_union"] = True
    if named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    try:
        answer = store.query(query, **options)  # type: ignore[arg-type]
    except SyntaxError as error:
        raise syntax_error(error, where) from None
    except ValueError as error:  # e.g. an invalid IRI in default-graph-uri
        raise QuerySyntaxError(str(error), where=where) from None
    if isinstance(answer, ox.QueryBoolean):
        return Boolean(bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = tuple(v.value for v in answer.variables)
        rows, truncated = _take(answer, max_rows)
        return Solutions(variables, tuple(tuple(row[i] for i in range(len(variables)))
                                          for row in rows), truncated)
    triples, truncated = _take(answer, max_rows)
    return Triples(tuple(triples), truncated)


def _take(items: Iterable[_T], limit: int | None) -> tuple[list[_T], bool]:
    out: list[_T] = []
    for item in items:
        if limit is not None and len(out) == limit:
            return out, True
        out.append(item)
    return out, False


# SPARQL 1.1 Query Results JSON Format


def _json_term(term: Term) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                        "predicate": _json_term(term.predicate),
                                        "object": _json_term(term.object)}}


def to_json(result: Solutions | Boolean) -> bytes:
    if isinstance(result, Boolean):
        document: dict[str, object] = {"head": {}, "boolean": result.value}
    else:
        bindings = [{name: _json_term(term) for name, term in zip(result.variables, row,
                                                                   strict=True)
                     if term is not None} for row in result.rows]
        document = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode()


# SPARQL Query Results XML Format


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            attribute = f" xml:lang={quoteattr(term.language)}"
        elif term.datatype.value != _STRING:
            attribute = f" datatype={quoteattr(term.datatype.value)}"
        else:
            attribute = ""
        return f"<literal{attribute}>{escape(term.value)}</literal>"
    return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>"
            f"{_xml_term(term.predicate)}</predicate><object>{_xml_term(term.object)}"
            "</object></triple>")


def to_xml(result: Solutions | Boolean) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
           " <head>"]
    if isinstance(result, Boolean):
        out += [" </head>", f" <boolean>{'true' if result.value else 'false'}</boolean>"]
    else:
        out += [f"  <variable name={quoteattr(v)}/>" for v in result.variables]
        out += [" </head>", " <results>"]
        for row in result.rows:
            out.append("  <result>")
            out += [f"   <binding name={quoteattr(name)}>{_xml_term(term)}</binding>"
                    for name, term in zip(result.variables, row, strict=True)
                    if term is not None]
            out.append("  </result>")
        out.append(" </results>")
    out.append("</sparql>\n")
    return "\n".join(out).encode()


# SPARQL 1.1 Query Results CSV and TSV Formats


def _plain(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def _solutions(result: Result, fmt: str) -> Solutions:
    if isinstance(result, Solutions):
        return result
    kind = "ASK returns true or false" if isinstance(result, Boolean) else (
        "CONSTRUCT and DESCRIBE return triples")
    raise WrongFormat(f"{kind}: {fmt} is for SELECT results")


def to_csv(result: Result) -> bytes:
    solutions = _solutions(result, "CSV")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180, as the format asks
    writer.writerow(solutions.variables)
    for row in solutions.rows:
        writer.writerow([_plain(term) for term in row])
    return buffer.getvalue().encode()


def to_tsv(result: Result) -> bytes:
    solutions = _solutions(result, "TSV")
    # Terms in N-Triples syntax, which escapes tabs and line breaks inside literals.
    lines = ["\t".join(f"?{v}" for v in solutions.variables)]
    lines += ["\t".join("" if term is None else str(term) for term in row)
              for row in solutions.rows]
    return ("\n".join(lines) + "\n").encode()


# RDF for CONSTRUCT and DESCRIBE

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdf": ox.RdfFormat.RDF_XML,
}


def to_rdf(result: Result, fmt: str, prefixes: Mapping[str, str]) -> bytes:
    if not isinstance(result, Triples):
        raise WrongFormat(f"{fmt} is for CONSTRUCT and DESCRIBE results")
    rdf_format = RDF_FORMATS[fmt]
    triples = sorted(result.triples, key=str)
    if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        data = ox.serialize(triples, format=rdf_format, prefixes=dict(prefixes))
    else:
        data = ox.serialize(triples, format=rdf_format)
    assert data is not None  # no output file given: the bytes are returned
    return data


# A text table for people


def display_width(text: str) -> int:
    """Columns a terminal gives `text`: wide and full-width characters (漢字, かな, Ａ) take two,
    combining marks none."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _short(term: Term | None, prefixes: Mapping[str, str]) -> str:
    if isinstance(term, ox.NamedNode):
        for prefix, namespace in sorted(prefixes.items(), key=lambda p: -len(p[1])):
            local = term.value.removeprefix(namespace)
            if local != term.value and re.fullmatch(r"[\w.-]*", local):
                return f"{prefix}:{local}"
        return f"<{term.value}>"
    text = _plain(term)
    # One line per row: a line break inside a value would break the alignment.
    return text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")


def _numeric(term: Term | None) -> bool:
    return isinstance(term, ox.Literal) and term.datatype.value in _NUMERIC


def to_table(result: Result, prefixes: Mapping[str, str]) -> str:
    if isinstance(result, Boolean):
        return "true\n" if result.value else "false\n"
    if isinstance(result, Triples):
        raise WrongFormat("table is for SELECT and ASK results")
    cells = [[_short(term, prefixes) for term in row] for row in result.rows]
    right = [bool(result.rows) and all(_numeric(row[i]) or row[i] is None
                                       for row in result.rows)
             for i in range(len(result.variables))]
    widths = [max([display_width(v)] + [display_width(row[i]) for row in cells])
              for i, v in enumerate(result.variables)]

    def line(values: Sequence[str], align: Sequence[bool]) -> str:
        parts = []
        for value, width, to_right in zip(values, widths, align, strict=True):
            pad = " " * (width - display_width(value))
            parts.append(pad + value if to_right else value + pad)
        return " | ".join(parts).rstrip()

    out = [line(result.variables, [False] * len(widths)),
           "-+-".join("-" * w for w in widths)]
    out += [line(row, right) for row in cells]
    count = len(result.rows)
    more = " (truncated)" if result.truncated else ""
    out.append(f"({count} row{'' if count == 1 else 's'}{more})")
    return "\n".join(out) + "\n"


FORMATS = ("table", "csv", "tsv", "json", "xml", "ttl", "nt", "jsonld")
# For CONSTRUCT and DESCRIBE, the formats for results name the nearest RDF format.
_AS_RDF = {"table": "ttl", "json": "jsonld", "xml": "rdf"}


def render(result: Result, fmt: str, prefixes: Mapping[str, str]) -> bytes:
    """`result` in one of FORMATS; WrongFormat when the kind of result has no such form."""
    if isinstance(result, Triples):
        rdf = _AS_RDF.get(fmt, fmt)
        if rdf not in RDF_FORMATS:
            raise WrongFormat(f"CONSTRUCT and DESCRIBE return triples: use --format "
                              f"{', '.join(sorted(_AS_RDF))}, ttl, nt or jsonld, not {fmt}")
        return to_rdf(result, rdf, prefixes)
    if fmt == "table":
        return to_table(result, prefixes).encode()
    if fmt == "json":
        return to_json(result)
    if fmt == "xml":
        return to_xml(result)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "tsv":
        return to_tsv(result)
    raise WrongFormat(f"{fmt} is for CONSTRUCT and DESCRIBE results; SELECT and ASK results "
                      "are table, csv, tsv, json or xml")
