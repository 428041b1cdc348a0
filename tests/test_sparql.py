"""The /sparql endpoint: SPARQL 1.1 Protocol for queries (GET, POST form, POST query), results
by Accept, CORS, read-only, no SERVICE, a time limit, a row limit, and a query page."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from pipeline import serve, sparql
from tests.built import publication

COUNT_AWARDS = "SELECT (COUNT(*) AS ?n) { ?a a mirai:Award }"
CONSTRUCT = ("CONSTRUCT { ?a dcterms:title ?t } WHERE { ?a mirai:recipient "
             "<https://w3id.org/mirai-lod/municipality/172065> ; dcterms:title ?t }")


@pytest.fixture(scope="module")
def endpoint() -> sparql.Endpoint:
    return sparql.Endpoint(publication())


def get(endpoint: sparql.Endpoint, params: dict[str, str], accept: str | None = None
        ) -> sparql.Response:
    headers = {"Accept": accept} if accept else {}
    return sparql.respond(endpoint, "GET", urllib.parse.urlencode(params), headers, b"")


def header(response: sparql.Response, name: str) -> str | None:
    return next((v for k, v in response[1] if k.lower() == name.lower()), None)


def count(body: bytes) -> int:
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_get_answers_json_by_default_with_cors(endpoint: sparql.Endpoint) -> None:
    response = get(endpoint, {"query": COUNT_AWARDS})
    assert response[0] == 200
    assert header(response, "Content-Type") == "application/sparql-results+json"
    assert header(response, "Access-Control-Allow-Origin") == "*"
    assert count(response[2]) == 26


@pytest.mark.parametrize(("accept", "content_type", "fmt"), [
    ("application/sparql-results+xml", "application/sparql-results+xml",
     ox.QueryResultsFormat.XML),
    ("text/csv", "text/csv; charset=utf-8", ox.QueryResultsFormat.CSV),
    ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8",
     ox.QueryResultsFormat.TSV),
    ("text/csv;q=0.5, application/sparql-results+json", "application/sparql-results+json",
     ox.QueryResultsFormat.JSON),
])
def test_results_format_by_accept(endpoint: sparql.Endpoint, accept: str, content_type: str,
                                  fmt: ox.QueryResultsFormat) -> None:
    response = get(endpoint, {"query": COUNT_AWARDS}, accept)
    assert (response[0], header(response, "Content-Type")) == (200, content_type)
    assert header(response, "Vary") == "Accept"
    if fmt == ox.QueryResultsFormat.CSV:  # Oxigraph does not read CSV results back (lossy)
        assert response[2] == b"n\r\n26\r\n"
        return
    rows = list(ox.parse_query_results(response[2], format=fmt))  # type: ignore[arg-type]
    assert [row[0].value for row in rows] == ["26"]


@pytest.mark.parametrize(("accept", "content_type", "fmt"), [
    (None, "text/turtle; charset=utf-8", ox.RdfFormat.TURTLE),
    ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/sparql-results+json, application/rdf+xml;q=0.5", "application/rdf+xml",
     ox.RdfFormat.RDF_XML),
])
def test_construct_by_accept(endpoint: sparql.Endpoint, accept: str | None, content_type: str,
                             fmt: ox.RdfFormat) -> None:
    response = get(endpoint, {"query": CONSTRUCT}, accept)
    assert (response[0], header(response, "Content-Type")) == (200, content_type)
    assert len(list(ox.parse(response[2], format=fmt))) == 2


def test_ask(endpoint: sparql.Endpoint) -> None:
    response = get(endpoint, {"query": "ASK { ?a a mirai:Award }"}, "text/csv, */*;q=0.1")
    assert json.loads(response[2]) == {"head": {}, "boolean": True}


def test_not_acceptable(endpoint: sparql.Endpoint) -> None:
    assert get(endpoint, {"query": COUNT_AWARDS}, "image/png")[0] == 406


def test_post_form_and_post_query(endpoint: sparql.Endpoint) -> None:
    form = urllib.parse.urlencode({"query": COUNT_AWARDS}).encode()
    response = sparql.respond(endpoint, "POST", "", {
        "Content-Type": "application/x-www-form-urlencoded"}, form)
    assert response[0] == 200 and count(response[2]) == 26
    response = sparql.respond(endpoint, "POST", "", {
        "Content-Type": "application/sparql-query; charset=utf-8"}, COUNT_AWARDS.encode())
    assert response[0] == 200 and count(response[2]) == 26
    response = sparql.respond(endpoint, "POST", "", {"Content-Type": "text/plain"},
                              COUNT_AWARDS.encode())
    assert response[0] == 415


def test_default_graph_uri_picks_a_graph(endpoint: sparql.Endpoint) -> None:
    ontology = {"query": COUNT_AWARDS,
                "default-graph-uri": "https://w3id.org/mirai-lod/ontology"}
    assert count(get(endpoint, ontology)[2]) == 0
    release = {"query": COUNT_AWARDS,
               "default-graph-uri": "https://w3id.org/mirai-lod/release/0.1.0"}
    assert count(get(endpoint, release)[2]) == 26


@pytest.mark.parametrize(("content_type", "body"), [
    ("application/sparql-update", b"INSERT DATA { <http://e/s> <http://e/p> 1 }"),
    ("application/x-www-form-urlencoded", b"update=CLEAR+ALL"),
    ("application/x-www-form-urlencoded", b"update=LOAD+%3Chttp%3A%2F%2Fexample.org%2F%3E"),
])
def test_updates_are_forbidden(endpoint: sparql.Endpoint, content_type: str,
                               body: bytes) -> None:
    response = sparql.respond(endpoint, "POST", "", {"Content-Type": content_type}, body)
    assert response[0] == 403 and b"read-only" in response[2]


def test_an_update_sent_as_a_query_is_a_bad_request(endpoint: sparql.Endpoint) -> None:
    response = get(endpoint, {"query": "DELETE WHERE { ?s ?p ?o }"})
    assert response[0] == 400 and b"syntax error" in response[2]
    assert count(get(endpoint, {"query": COUNT_AWARDS})[2]) == 26


def test_service_is_forbidden_but_the_word_is_not(endpoint: sparql.Endpoint) -> None:
    response = get(endpoint, {"query": "SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"})
    assert response[0] == 403 and b"SERVICE" in response[2]
    text = 'SELECT ?x { BIND("SERVICE <http://127.0.0.1:1/> {}" AS ?x) } # SERVICE'
    response = get(endpoint, {"query": text})
    assert response[0] == 200


def test_syntax_error_is_400_with_position(endpoint: sparql.Endpoint) -> None:
    response = get(endpoint, {"query": "SELECT * WHERE {\n ?s ?p\n}"})
    assert response[0] == 400
    assert response[2].startswith(b"<query>:3:")


def test_time_limit(endpoint: sparql.Endpoint) -> None:
    slow = dataclasses.replace(endpoint, timeout=1.0)
    started = time.monotonic()
    response = get(slow, {"query": "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
    assert response[0] == 503 and b"limit of 1 s" in response[2]
    assert time.monotonic() - started < 10


def test_row_limit_cuts_and_says_so(endpoint: sparql.Endpoint) -> None:
    small = dataclasses.replace(endpoint, max_rows=5)
    response = get(small, {"query": "SELECT * { ?s ?p ?o }"})
    assert response[0] == 200 and header(response, "X-SPARQL-MaxRows") == "5"
    assert len(json.loads(response[2])["results"]["bindings"]) == 5
    response = get(small, {"query": "SELECT * { ?s ?p ?o } LIMIT 5"})
    assert header(response, "X-SPARQL-MaxRows") is None
    response = get(small, {"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, "application/n-triples")
    assert header(response, "X-SPARQL-MaxRows") == "5"
    assert len(response[2].splitlines()) == 5


def test_preflight(endpoint: sparql.Endpoint) -> None:
    status, headers, body = sparql.respond(endpoint, "OPTIONS", "", {
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST"}, b"")
    assert status == 204 and body == b""
    names = dict(headers)
    assert names["Access-Control-Allow-Origin"] == "*"
    assert "POST" in names["Access-Control-Allow-Methods"]
    assert "Content-Type" in names["Access-Control-Allow-Headers"]
    assert sparql.respond(endpoint, "PUT", "", {}, b"")[0] == 405


def test_query_page_lists_the_examples(endpoint: sparql.Endpoint) -> None:
    status, headers, body = get(endpoint, {})
    page = body.decode()
    assert status == 200 and dict(headers)["Content-Type"].startswith("text/html")
    assert '<form method="get"' in page and 'name="query"' in page and "<script" not in page
    assert "society5-2022-awards" in page and "令和4年度第1回" in page
    # The examples are text in the page, escaped.
    assert "PREFIX mirai: &lt;https://w3id.org/mirai-lod/ontology#&gt;" in page


def test_html_results_for_browsers(endpoint: sparql.Endpoint) -> None:
    response = get(endpoint, {"query": 'SELECT ?x { BIND("<b>加賀市</b>" AS ?x) }'},
                   "text/html,application/xhtml+xml,*/*;q=0.8")
    page = response[2].decode()
    assert response[0] == 200 and "&lt;b&gt;加賀市&lt;/b&gt;" in page and "<b>加賀市" not in page
    assert "<table>" in page


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = serve.make_server(publication(), port=0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_served_by_mirai_lod_serve(server: str) -> None:
    url = f"{server}/sparql?{urllib.parse.urlencode({'query': COUNT_AWARDS})}"
    with urllib.request.urlopen(url) as answer:
        assert answer.headers["Access-Control-Allow-Origin"] == "*"
        assert count(answer.read()) == 26
    request = urllib.request.Request(f"{server}/sparql", method="OPTIONS")
    with urllib.request.urlopen(request) as answer:
        assert answer.status == 204
