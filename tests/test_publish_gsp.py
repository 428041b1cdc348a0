"""`mirai-lod publish` against a real Oxigraph server (the `oxigraph` package) started on
loopback: the release lands in one named graph, publishing again replaces it, and failures
are reported with the server's message and exit code 3, never with the credentials."""

from __future__ import annotations

import base64
import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from pipeline import gsp
from pipeline.cli import main
from pipeline.store import ONTOLOGY_IRI
from tests.built import publication

DATA_GRAPH = "https://w3id.org/mirai-lod/release/0.1.0"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _oxigraph() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(found).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("the oxigraph server (pip package `oxigraph`) is not installed")
        pytest.skip("the oxigraph server is not installed")
    return found


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [_oxigraph(), "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")),
         "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=1).close()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"oxigraph serve exited: {process.stderr.read()!r}")  # type: ignore[union-attr]
                time.sleep(0.1)
        else:
            pytest.fail("oxigraph serve did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()


def _count(server: str, where: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"
    request = urllib.request.Request(f"{server}/query?{urllib.parse.urlencode({'query': query})}",
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request) as answer:
        return int(json.load(answer)["results"]["bindings"][0]["n"]["value"])


def _dump_lines() -> int:
    return gzip.decompress((publication() / "download/mirai-lod.nt.gz").read_bytes()).count(b"\n")


def _publish(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["publish", "--dir", str(publication()), *args],
                                env=env or {})
    return result.exit_code, result.output


def test_publish_loads_the_release_graph_and_replaces_it(server: str) -> None:
    code, output = _publish("--endpoint", f"{server}/store")
    assert code == 0, output
    assert f"replaced <{DATA_GRAPH}> with {_dump_lines():,} triples" in output
    assert _count(server, f"GRAPH <{DATA_GRAPH}> {{ ?s ?p ?o }}") == _dump_lines()
    assert _count(server, "?s a <https://w3id.org/mirai-lod/ontology#Award>") == 0  # named only
    assert _count(server, f"GRAPH <{DATA_GRAPH}> {{ ?s a <https://w3id.org/mirai-lod/"
                          "ontology#Award> }") == 26
    ontology = _count(server, f"GRAPH <{ONTOLOGY_IRI}> {{ ?s ?p ?o }}")
    assert ontology > 100
    # Again: replaced as a whole, not added to.
    code, output = _publish("--endpoint", f"{server}/store")
    assert code == 0, output
    assert _count(server, f"GRAPH <{DATA_GRAPH}> {{ ?s ?p ?o }}") == _dump_lines()
    assert _count(server, f"GRAPH <{ONTOLOGY_IRI}> {{ ?s ?p ?o }}") == ontology


def test_publish_into_another_graph_leaves_the_others(server: str) -> None:
    graph = "http://example.org/graph/test"
    code, output = _publish("--endpoint", f"{server}/store", "--graph", graph, "--no-ontology")
    assert code == 0, output
    assert _count(server, f"GRAPH <{graph}> {{ ?s ?p ?o }}") == _dump_lines()
    assert "the ontology" not in output
    request = urllib.request.Request(
        f"{server}/store?graph={urllib.parse.quote(graph, safe='')}", method="DELETE")
    urllib.request.urlopen(request).close()
    assert _count(server, f"GRAPH <{graph}> {{ ?s ?p ?o }}") == 0


def test_nothing_listens(server: str) -> None:
    code, output = _publish("--endpoint", f"http://127.0.0.1:{_free_port()}/store")
    assert code == gsp.EXIT_PUBLISH_FAILED
    assert "cannot reach" in output and "Traceback" not in output


def test_the_servers_refusal_is_reported(server: str) -> None:
    # Oxigraph answers 404 for a path that is not a service.
    code, output = _publish("--endpoint", f"{server}/no-such-service")
    assert code == gsp.EXIT_PUBLISH_FAILED
    assert "the store refused" in output and "404" in output


def test_bad_usage_is_exit_code_2(server: str) -> None:
    assert _publish("--endpoint", f"{server}/store", "--graph", "not an iri")[0] == 2
    code, output = _publish("--endpoint", "ftp://example.org/store")
    assert code == 2 or code == gsp.EXIT_PUBLISH_FAILED
    assert "http(s) URL" in output
    code, output = _publish("--endpoint", "http://user:secret@127.0.0.1:1/store")
    assert "secret" not in output and "MIRAI_LOD_USER" in output


class _Recorder(BaseHTTPRequestHandler):
    """A store that wants credentials and echoes them in its error, as badly written ones do."""

    seen: ClassVar[list[tuple[str, str | None, int]]] = []

    def do_PUT(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        authorization = self.headers.get("Authorization")
        _Recorder.seen.append((self.path, authorization, length))
        if authorization == "Bearer good-token" or authorization == "Basic " + base64.b64encode(
                b"alice:pa55word").decode():
            self.send_response(204)
            self.end_headers()
            return
        body = f"401 denied for {authorization}".encode()
        self.send_response(401)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[str]:
    _Recorder.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/store"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_credentials_come_from_the_environment(recorder: str) -> None:
    code, output = _publish("--endpoint", recorder, env={"MIRAI_LOD_TOKEN": "good-token"})
    assert code == 0, output
    assert [auth for _, auth, _ in _Recorder.seen] == ["Bearer good-token"] * 2
    assert "good-token" not in output
    code, output = _publish("--endpoint", recorder, env={"MIRAI_LOD_USER": "alice",
                                                          "MIRAI_LOD_PASSWORD": "pa55word"})
    assert code == 0, output
    assert "pa55word" not in output


def test_refused_credentials_are_never_printed(recorder: str) -> None:
    code, output = _publish("--endpoint", recorder, env={"MIRAI_LOD_TOKEN": "wrong-token"})
    assert code == gsp.EXIT_PUBLISH_FAILED
    assert "401" in output and "wrong-token" not in output and "***" in output
    code, output = _publish("--endpoint", recorder, env={"MIRAI_LOD_USER": "alice",
                                                          "MIRAI_LOD_PASSWORD": "guess"})
    assert code == gsp.EXIT_PUBLISH_FAILED
    pair = base64.b64encode(b"alice:guess").decode()
    assert "guess" not in output and pair not in output
    code, output = _publish("--endpoint", recorder, env={"MIRAI_LOD_USER": "alice"})
    assert code == gsp.EXIT_PUBLISH_FAILED and "MIRAI_LOD_PASSWORD" in output
