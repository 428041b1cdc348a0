"""The SPARQL 1.1 Protocol endpoint (`/sparql` of `mirai-lod serve`), for queries only.

- GET ?query=…, POST application/x-www-form-urlencoded (query=…) and POST
  application/sparql-query; default-graph-uri and named-graph-uri are honoured. Without them
  the default graph is the union of the dataset and the ontology (pipeline/store.py).
- Results by Accept: application/sparql-results+json (the default), +xml, text/csv,
  text/tab-separated-values; CONSTRUCT/DESCRIBE: text/turtle (the default),
  application/n-triples, application/ld+json, application/rdf+xml; text/html for browsers.
  The prefixes of the dumps (mirai:, rdfs:, skos:, dcterms: …) are declared for every query.
  A `format` parameter (json, xml, csv, tsv, ttl, nt, jsonld, html) overrides Accept.
- Read-only: update requests get 403, queries using SERVICE get 403 (checked with Oxigraph's
  own parser, see query.check_no_service), the store is opened read-only.
- Limits: each query runs in a process of its own that is killed after `timeout` seconds
  (503); at most `max_rows` rows or triples are returned, and a cut result says so in the
  header `X-SPARQL-MaxRows: N` (Virtuoso's name for it); the process may use `memory_bytes`.
- CORS: `Access-Control-Allow-Origin: *` on every answer; OPTIONS answers the preflight.
- GET without a query: a query page with the example queries (a plain form, no script).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

import jinja2

from pipeline import examples
from pipeline.paths import DEFAULT_OUT
from pipeline.rdf import PREFIXES

Headers = list[tuple[str, str]]
Response = tuple[int, Headers, bytes]

CORS: Headers = [("Access-Control-Allow-Origin", "*")]
PREFLIGHT: Headers = [
    ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
    ("Access-Control-Allow-Headers", "Accept, Content-Type"),
    ("Access-Control-Max-Age", "86400"),
]
# Media type → format name, per kind of result; the first is the default.
SOLUTION_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/html": "html",
}
TRIPLE_TYPES = {
    "text/turtle": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdf",
    "text/html": "html",
}
CONTENT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "ttl": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "html": "text/html; charset=utf-8",
}
_FORMAT_PARAM = {"json", "xml", "csv", "tsv", "ttl", "nt", "jsonld", "rdf", "html"}


@dataclass(frozen=True)
class Endpoint:
    """Where the store is and how much one query may take."""

    build_dir: Path = DEFAULT_OUT
    timeout: float = 10.0  # seconds of wall time per query
    max_rows: int = 10_000  # rows (SELECT) or triples (CONSTRUCT, DESCRIBE) returned
    memory_bytes: int = 2 << 30  # address space of the query process


def handle(method: str, query_string: str, headers: Mapping[str, str],
           body: bytes) -> Response:
    """The endpoint of the publication in ./build with the default limits."""
    return respond(Endpoint(), method, query_string, headers, body)


def _text(status: int, message: str, extra: Headers | None = None) -> Response:
    return status, [*CORS, ("Content-Type", "text/plain; charset=utf-8"),
                    *(extra or [])], (message.rstrip("\n") + "\n").encode()


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def accepted(accept: str | None, offered: Mapping[str, str]) -> list[str]:
    """The offered media types the client accepts, best first (RFC 9110 q-values; ties keep
    the server's order)."""
    if not accept:
        return list(offered)
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((media.lower(), q))

    def quality(media: str) -> float:
        best, specificity = 0.0, -1
        kind = media.split("/")[0]
        for pattern, q in ranges:
            rank = (2 if pattern == media else 1 if pattern == f"{kind}/*" else
                    0 if pattern == "*/*" else -1)
            if rank > specificity:
                best, specificity = q, rank
        return best if specificity >= 0 else 0.0

    scored = [(quality(m), -i, m) for i, m in enumerate(offered)]
    return [m for q, _, m in sorted(scored, reverse=True) if q > 0]


def respond(endpoint: Endpoint, method: str, query_string: str, headers: Mapping[str, str],
            body: bytes) -> Response:
    headers = _lower(headers)
    if method == "OPTIONS":
        return 204, [*CORS, *PREFLIGHT], b""
    if method not in ("GET", "HEAD", "POST"):
        return _text(405, "Method Not Allowed", [("Allow", "GET, HEAD, POST, OPTIONS")])
    try:
        params = parse_qs(query_string, keep_blank_values=True, strict_parsing=False,
                          errors="strict")
    except UnicodeDecodeError:
        return _text(400, "Bad Request: the query string is not UTF-8")
    query: str | None = None
    if method == "POST":
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "application/sparql-update":
            return _read_only()
        if content_type == "application/x-www-form-urlencoded":
            try:
                form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
            except UnicodeDecodeError:
                return _text(400, "Bad Request: the form is not UTF-8")
            for name, values in form.items():
                params.setdefault(name, []).extend(values)
        elif content_type == "application/sparql-query":
            try:
                query = body.decode("utf-8")
            except UnicodeDecodeError:
                return _text(400, "Bad Request: the query is not UTF-8")
            if "query" in params:
                return _text(400, "Bad Request: a query both in the body and in the URL")
        else:
            return _text(415, "Unsupported Media Type: send application/sparql-query or "
                              "application/x-www-form-urlencoded",
                         [("Accept-Post", "application/sparql-query, "
                                          "application/x-www-form-urlencoded")])
    if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
        return _read_only()
    if query is None:
        queries = params.get("query", [])
        if len(queries) > 1:
            return _text(400, "Bad Request: more than one query parameter")
        if not queries:
            if method == "POST":
                return _text(400, "Bad Request: no query parameter")
            return _page(endpoint)
        query = queries[0]
    fmt = params.get("format", [None])[-1]
    if fmt is not None and fmt not in _FORMAT_PARAM:
        return _text(400, f"Bad Request: format must be one of {', '.join(sorted(_FORMAT_PARAM))}")
    formats = _formats(fmt, headers.get("accept"))
    if formats is None:
        return _text(406, "Not Acceptable: results are available as "
                          + ", ".join(sorted({*SOLUTION_TYPES, *TRIPLE_TYPES})))
    return _run(endpoint, query, formats, params.get("default-graph-uri", []),
                params.get("named-graph-uri", []))


def _read_only() -> Response:
    return _text(403, "Forbidden: this endpoint is read-only; SPARQL Update is not accepted")


def _formats(fmt: str | None, accept: str | None) -> dict[str, str] | None:
    """The format for each kind of result, or None when the client accepts none we offer."""
    if fmt is not None:
        solutions = fmt if fmt in SOLUTION_TYPES.values() else "json"
        triples = fmt if fmt in TRIPLE_TYPES.values() else "ttl"
        boolean = solutions if solutions in ("json", "xml", "html") else "json"
        return {"solutions": solutions, "boolean": boolean, "triples": triples}
    for_solutions = [SOLUTION_TYPES[m] for m in accepted(accept, SOLUTION_TYPES)]
    for_triples = [TRIPLE_TYPES[m] for m in accepted(accept, TRIPLE_TYPES)]
    if not for_solutions and not for_triples:
        return None
    for_boolean = [f for f in for_solutions if f in ("json", "xml", "html")]
    return {"solutions": (for_solutions or ["json"])[0],
            "boolean": (for_boolean or ["json"])[0],
            "triples": (for_triples or ["ttl"])[0]}


def _run(endpoint: Endpoint, query: str, formats: Mapping[str, str],
         default_graphs: Sequence[str], named_graphs: Sequence[str]) -> Response:
    html = {kind: fmt == "html" for kind, fmt in formats.items()}
    # For the HTML page the process sends results the page then lays out.
    sent = {kind: ("json" if kind != "triples" else "ttl") if html[kind] else fmt
            for kind, fmt in formats.items()}
    request = {
        "build_dir": str(endpoint.build_dir.absolute()), "query": query,
        "max_rows": endpoint.max_rows, "memory_bytes": endpoint.memory_bytes,
        "formats": sent, "default_graphs": list(default_graphs),
        "named_graphs": list(named_graphs), "prefixes": PREFIXES,
    }
    try:
        done = subprocess.run([sys.executable, "-m", "pipeline.sparql_worker"],
                              input=json.dumps(request).encode(), capture_output=True,
                              timeout=endpoint.timeout, check=False)
    except subprocess.TimeoutExpired:
        return _text(503, f"Service Unavailable: the query ran longer than the limit of "
                          f"{endpoint.timeout:g} s and was stopped")
    head, _, payload = done.stdout.partition(b"\n")
    if done.returncode != 0 or not head:
        return _text(500, "Internal Server Error: the query failed (out of memory?)")
    outcome = json.loads(head)
    status = int(outcome["status"])
    if status != 200:
        return _text(status, str(outcome["message"]))
    kind = str(outcome["kind"])
    extra: Headers = [("Vary", "Accept")]
    if outcome["truncated"]:
        extra.append(("X-SPARQL-MaxRows", str(endpoint.max_rows)))
    if html[kind]:
        page = _render("sparql.html", examples=_examples(endpoint), query=query,
                       result=_html_result(kind, payload), truncated=outcome["truncated"],
                       max_rows=endpoint.max_rows)
        return 200, [*CORS, ("Content-Type", CONTENT_TYPES["html"]), *extra], page
    return 200, [*CORS, ("Content-Type", CONTENT_TYPES[str(outcome["format"])]), *extra], payload


def _html_result(kind: str, payload: bytes) -> dict[str, object]:
    if kind == "triples":
        return {"kind": kind, "text": payload.decode()}
    document = json.loads(payload)
    if kind == "boolean":
        return {"kind": kind, "value": document["boolean"]}
    names = document["head"]["vars"]
    rows = [[row.get(name) for name in names] for row in document["results"]["bindings"]]
    return {"kind": kind, "vars": names, "rows": rows}


def _examples(endpoint: Endpoint) -> list[examples.Example]:
    published = endpoint.build_dir / examples.PUBLISHED
    return examples.read(published if published.is_dir() else examples.QUERIES_DIR)


def _render(template: str, **values: object) -> bytes:
    env = jinja2.Environment(loader=jinja2.PackageLoader("pipeline", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    return env.get_template(template).render(**values).encode()


def _page(endpoint: Endpoint) -> Response:
    found = _examples(endpoint)
    page = _render("sparql.html", examples=found, query=found[0].text if found else "",
                   result=None, truncated=False, max_rows=endpoint.max_rows)
    return 200, [*CORS, ("Content-Type", CONTENT_TYPES["html"])], page
