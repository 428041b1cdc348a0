"""`mirai-lod serve` beyond what every server does (tests/test_servers.py): the request path
check, limits, /sparql dispatch, and the command itself."""

from __future__ import annotations

import subprocess
import sys
import threading
import types
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import serve
from pipeline.cli import main
from tests.negotiation import make_site, request


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_site(tmp_path_factory.mktemp("published") / "site")


@pytest.fixture(scope="module")
def port(site: Path) -> Iterator[int]:
    server = serve.make_server(site, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.mark.parametrize(("target", "expected"), [
    ("/", "/"),
    ("/municipality/172065?x=1", "/municipality/172065"),
    ("/%E5%8A%A0%E8%B3%80", "/加賀"),
    ("/%252e%252e/x", "/%2e%2e/x"),  # decoded once: a literal file name, not a parent
    ("/../x", None), ("/%2e%2e/x", None), ("/a/%2E/b", None), ("/a/..", None),
    ("/a%5cb", None), ("/a\\b", None), ("/a%00b", None), ("/a%0d%0ab", None),
    ("/a//b", None), ("/%c0%ae%c0%ae/x", None), ("/%ff", None), ("x", None), ("", None),
])
def test_safe_path(target: str, expected: str | None) -> None:
    assert serve.safe_path(target) == expected


def test_the_303_is_relative_to_the_resource(port: int) -> None:
    answer = request(port, "/municipality/172065", headers={"Accept": "text/turtle"})
    assert answer.header("location") == "172065.ttl"
    assert answer.header("content-type") == "text/plain; charset=utf-8"


def test_406_lists_the_representations(port: int) -> None:
    answer = request(port, "/technology", headers={"Accept": "image/png"})
    assert answer.status == 406
    assert b"text/turtle: technology.ttl" in answer.body
    assert answer.header("vary") == "Accept"


def test_a_missing_representation_is_not_offered(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    (root / "technology" / "drone.rdf").unlink()
    response = serve.route(serve.Site(root), "GET", "/technology/drone",
                           {"accept": "application/rdf+xml, text/turtle;q=0.1"})
    assert response.status == 303
    assert ("Location", "drone.ttl") in response.headers
    assert "drone.rdf" not in dict(response.headers)["Link"]


def test_a_link_out_of_the_site_is_not_followed(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    (root / "leak.ttl").symlink_to(tmp_path / "secret.txt")
    assert serve.route(serve.Site(root), "GET", "/leak.ttl", {}).status == 404


def test_dumps_and_checksums_have_media_types(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    (root / "download").mkdir()
    (root / "download" / "mirai-lod.nt.gz").write_bytes(b"\x1f\x8b")
    (root / "SHA256SUMS").write_text("x  y\n")
    site = serve.Site(root)
    assert dict(serve.route(site, "GET", "/download/mirai-lod.nt.gz", {}).headers)[
        "Content-Type"] == "application/gzip"
    assert dict(serve.route(site, "GET", "/SHA256SUMS", {}).headers)[
        "Content-Type"] == "text/plain; charset=utf-8"


def test_if_none_match_wins_over_if_modified_since(port: int) -> None:
    first = request(port, "/technology.ttl")
    answer = request(port, "/technology.ttl", headers={
        "If-None-Match": '"stale"', "If-Modified-Since": first.header("last-modified")})
    assert answer.status == 200
    assert request(port, "/technology.ttl", headers={"If-None-Match": "*"}).status == 304
    weak = request(port, "/technology.ttl", headers={"If-None-Match": "W/" + first.header("etag")})
    assert weak.status == 304
    assert request(port, "/technology.ttl", headers={"If-Modified-Since": "nonsense"}).status == 200


def test_request_line_limit_is_exact(port: int) -> None:
    # "GET " + target + " HTTP/1.1\r\n" is the request line.
    fits = serve.MAX_REQUEST_LINE - len("GET  HTTP/1.1\r\n")
    assert request(port, "/" + "a" * (fits - 1)).status == 404
    assert request(port, "/" + "a" * fits).status == 414


def test_405_says_what_is_allowed(port: int) -> None:
    answer = request(port, "/municipality/172065", "DELETE")
    assert answer.status == 405 and answer.header("allow") == "GET, HEAD"
    sparql = request(port, "/sparql", "PUT")
    assert sparql.status == 405 and sparql.header("allow").startswith("GET, HEAD, POST")


def test_sparql_without_the_module_is_501(port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serve, "_sparql_module", lambda: None)
    assert request(port, "/sparql?query=ASK%7B%7D").status == 501
    assert request(port, "/sparql", "POST").status == 501


def test_sparql_is_dispatched(port: int, site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[object, str, str, str, bytes]] = []

    def respond(endpoint: object, method: str, query_string: str, headers: Mapping[str, str],
                body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        calls.append((endpoint, method, query_string, headers.get("content-type", ""), body))
        return 200, [("Content-Type", "application/sparql-results+json")], b'{"boolean":true}'

    module = types.ModuleType("pipeline.sparql")
    module.Endpoint = lambda root: ("endpoint of", root)  # type: ignore[attr-defined]
    module.respond = respond  # type: ignore[attr-defined]
    monkeypatch.setattr(serve, "_sparql_module", lambda: module)
    answer = request(port, "/sparql?query=ASK%7B%7D")
    assert answer.status == 200 and answer.body == b'{"boolean":true}'
    assert answer.header("content-type") == "application/sparql-results+json"
    posted = request(port, "/sparql", "POST", {"Content-Type": "application/sparql-query",
                                               "Content-Length": "6"}, b"ASK {}")
    assert posted.status == 200
    endpoint = ("endpoint of", site.resolve())
    assert calls == [(endpoint, "GET", "query=ASK%7B%7D", "", b""),
                     (endpoint, "POST", "", "application/sparql-query", b"ASK {}")]


def test_sparql_body_limit(port: int) -> None:
    answer = request(port, "/sparql", "POST",
                     {"Content-Length": str(serve.MAX_BODY + 1)})
    assert answer.status == 413


def test_serve_command_rejects_a_missing_directory(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--dir", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert "not a directory" in result.output


def test_serve_command(site: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "serve", "--dir", str(site), "--host", "127.0.0.1",
         "--port", "0"], stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        assert line.startswith(f"serving {site} at http://127.0.0.1:")
        port = int(line.split(":")[2].split("/")[0])
        answer = request(port, "/award/society5-2022-1-062031",
                         headers={"Accept": "application/n-triples"})
        assert answer.status == 303
        assert answer.header("location") == "society5-2022-1-062031.nt"
        assert "GET /award/society5-2022-1-062031" in process.stderr.readline()
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()
