"""`mirai-lod query`: the SPARQL 1.1 results formats (checked against Oxigraph's own writers),
a table for people that stays aligned with Japanese text, ASK and CONSTRUCT, clear errors and
exit codes; and the SERVICE check used by the endpoint."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import socket
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from pipeline import query
from pipeline.cli import main
from pipeline.rdf import PREFIXES
from pipeline.store import open_store
from tests.built import ROOT, publication

AWARDS = ROOT / "queries" / "society5-2022-awards.rq"
LABELS = """SELECT ?code ?name ?n WHERE {
  ?m mirai:localGovernmentCode ?code ; rdfs:label ?name ; mirai:prefecture ?p .
  OPTIONAL { ?a mirai:recipient ?m }
  FILTER(?code IN ("172065", "062031", "011002"))
  BIND(42 AS ?n)
} ORDER BY ?code ?name"""


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["query", "--dir", str(publication()), *args])


def oxigraph(text: str, fmt: ox.QueryResultsFormat) -> bytes:
    answer = open_store(publication()).query(text, prefixes=PREFIXES,
                                             use_default_graph_as_union=True)
    assert isinstance(answer, ox.QuerySolutions | ox.QueryBoolean)
    data = answer.serialize(format=fmt)
    assert data is not None
    return data


def test_table_is_aligned_with_wide_characters() -> None:
    result = run("--file", str(AWARDS))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-1] == "(26 rows)"
    assert "鶴岡市" in result.output and "52465" in result.output

    def bars(line: str) -> list[int]:
        return [query.display_width(line[:i]) for i, c in enumerate(line) if c in "|+"]

    # Every separator sits in the same terminal column on every line.
    assert len({tuple(bars(line)) for line in lines[:-1]}) == 1


def test_display_width() -> None:
    assert query.display_width("加賀市") == 6
    assert query.display_width("ｶﾞ") == 2  # half-width kana
    assert query.display_width("Ａ1") == 3  # full-width A
    assert query.display_width("e\u0301") == 1  # combining accent


@pytest.mark.parametrize(("fmt", "ox_format"), [("json", ox.QueryResultsFormat.JSON),
                                                ("xml", ox.QueryResultsFormat.XML),
                                                ("csv", ox.QueryResultsFormat.CSV),
                                                ("tsv", ox.QueryResultsFormat.TSV)])
def test_results_formats_read_back_as_oxigraph_writes_them(fmt: str,
                                                           ox_format: ox.QueryResultsFormat
                                                           ) -> None:
    result = CliRunner().invoke(main, ["query", "--dir", str(publication()), "--format", fmt,
                                       LABELS])
    assert result.exit_code == 0, result.output
    ours = result.stdout_bytes
    theirs = oxigraph(LABELS, ox_format)
    if fmt == "csv":
        assert list(csv.reader(io.StringIO(ours.decode()))) == list(
            csv.reader(io.StringIO(theirs.decode())))
        assert b"\r\n" in ours
        return
    parsed = [list(ox.parse_query_results(data, format=ox_format))  # type: ignore[arg-type]
              for data in (ours, theirs)]
    assert [[str(row[i]) for i in range(3)] for row in parsed[0]] == [
        [str(row[i]) for i in range(3)] for row in parsed[1]]
    assert len(parsed[0]) > 3


def test_json_is_the_sparql_results_format() -> None:
    result = run("--format", "json", 'SELECT ?x ?y { BIND("猫"@ja AS ?x) }')
    document = json.loads(result.stdout_bytes)
    assert document == {"head": {"vars": ["x", "y"]},
                        "results": {"bindings": [{"x": {"type": "literal", "value": "猫",
                                                        "xml:lang": "ja"}}]}}


def test_ask() -> None:
    assert run("ASK { ?a a mirai:Award }").output == "true\n"
    assert run("ASK { ?a a mirai:Nothing }").output == "false\n"
    assert json.loads(run("--format", "json", "ASK {}").output) == {"head": {}, "boolean": True}


def test_construct_is_rdf() -> None:
    text = ("CONSTRUCT { ?a dcterms:title ?t } WHERE { ?a mirai:recipient "
            "<https://w3id.org/mirai-lod/municipality/172065> ; dcterms:title ?t }")
    turtle = run(text)
    assert turtle.exit_code == 0
    assert len(list(ox.parse(turtle.stdout_bytes, format=ox.RdfFormat.TURTLE))) == 2
    assert "@prefix dcterms:" in turtle.output
    nt = run("--format", "nt", text)
    assert len(nt.output.splitlines()) == 2
    jsonld = run("--format", "json", text)
    assert len(list(ox.parse(jsonld.stdout_bytes, format=ox.RdfFormat.JSON_LD))) == 2
    wrong = run("--format", "csv", text)
    assert wrong.exit_code == 2 and "CONSTRUCT and DESCRIBE return triples" in wrong.output
    assert run("--format", "nt", "SELECT * {}").exit_code == 2


def test_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    result = run("SELECT * WHERE {\n  ?s ?p\n}")
    assert result.exit_code == 2
    assert result.output.startswith("<query>:3:")
    assert "error: syntax error" in result.output
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?x WHERE { ?x nope:p 1 }\n", encoding="utf-8")
    result = run("--file", str(bad))
    assert result.exit_code == 2
    assert result.output.startswith(f"{bad}:1:") and "undefined prefix" in result.output
    update = run("INSERT DATA { <http://e/s> <http://e/p> 1 }")
    assert update.exit_code == 2 and "syntax error" in update.output


def test_usage_errors_are_exit_code_2(tmp_path: Path) -> None:
    assert run().exit_code == 2
    assert run("ASK {}", "--file", str(AWARDS)).exit_code == 2
    missing = CliRunner().invoke(main, ["query", "--dir", str(tmp_path), "ASK {}"])
    assert missing.exit_code == 2 and "mirai-lod build" in missing.output
    assert run("--file", str(tmp_path / "none.rq")).exit_code == 2


# The SERVICE check: Oxigraph itself decides where SERVICE is a keyword.

@pytest.mark.parametrize("text", [
    "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * { service <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * { SeRvIcE SILENT <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * { ?s ?p ?o .SERVICE<http://example.org/sparql>{} }",
    "SELECT * { ?s ?p ?o OPTIONAL { SERVICE ?endpoint { ?s ?p ?o } } }",
    "SELECT * { ?s ?p ?o FILTER EXISTS { SERVICE <http://example.org/> {} } }",
    "ASK { SERVICE <http://example.org/sparql> {} }",
    # '<?b)SERVICE?c#>' looks like an IRI but is 'less than', a keyword and a comment.
    "SELECT * { ?a ?p ?b FILTER(?a<?b)SERVICE?c#>\n{ ?a ?p ?b } }",
    "SELECT * { ?s ?p ?o } # SERVICE\nSERVICE",  # a syntax error after the keyword
])
def test_service_is_refused(text: str) -> None:
    with pytest.raises(query.ForbiddenQuery):
        query.check_no_service(text)


@pytest.mark.parametrize("text", [
    'SELECT * { ?s ?p "SERVICE <http://example.org/> {}" }',
    "SELECT * { ?s ?p '''\nSERVICE <http://example.org/> { }\n''' }",
    "SELECT * { ?s ?p ?o } # SERVICE <http://example.org/> {}",
    "SELECT * { ?s <https://schema.org/Service> ?service }",
    "PREFIX service: <http://example.org/> SELECT * { ?s service:SERVICE ?o }",
    'SELECT * { ?s ?p ?o FILTER(?o = "x"@en-service) }',
])
def test_service_as_text_is_allowed(text: str) -> None:
    query.check_no_service(text)


def test_a_syntax_error_before_service_is_a_syntax_error() -> None:
    with pytest.raises(query.QuerySyntaxError):
        query.check_no_service("SELECT * WHERE { ?s ?p } SERVICE <http://example.org/> {}")


def test_refused_service_never_connects() -> None:
    connections: list[object] = []
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.5)
        port = listener.getsockname()[1]

        def accept() -> None:
            with contextlib.suppress(OSError):  # nobody came
                connections.append(listener.accept())

        thread = threading.Thread(target=accept)
        thread.start()
        for text in (f"ASK {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
                     f"SELECT * {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}"):
            with pytest.raises(query.ForbiddenQuery):
                query.run(open_store(publication()), text, allow_service=False)
        thread.join()
    assert connections == []


def test_escaped_keyword_is_not_a_keyword() -> None:
    # SPARQL's \u escapes outside strings are not decoded by Oxigraph: a syntax error, never run.
    text = "SELECT * { \\u0053ERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"
    with pytest.raises(query.QuerySyntaxError):
        query.run(open_store(publication()), text, allow_service=False)
