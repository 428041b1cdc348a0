"""`mirai-lod serve` under a bounded load on loopback: no errors."""

from __future__ import annotations

import threading
from pathlib import Path

from pipeline.build import build
from pipeline.loadtest import run
from pipeline.rdf import DEFAULT_BASE
from pipeline.serve import make_server

BASE = Path(__file__).parent / "cases" / "base"


def test_serve_under_load_answers_every_request(tmp_path: Path) -> None:
    out = tmp_path / "build"
    build(BASE, out, DEFAULT_BASE)
    server = make_server(out, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        requests = [
            ("/municipality/172065", None, 303),
            ("/municipality/172065", "text/turtle", 303),
            ("/municipality/172065", "application/ld+json;q=0.9, */*;q=0.1", 303),
            ("/municipality/172065.html", None, 200),
            ("/award/kaga-new.ttl", None, 200),
            ("/municipality/", None, 200),
            ("/no/such/thing", None, 404),
            ("/municipality/172065", "image/png", 406),
            ("/%2e%2e/%2e%2e/etc/passwd", None, 400),
        ]
        result = run("127.0.0.1", server.server_address[1], requests, clients=8, seconds=2.0)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    print(f"{result.requests} requests, {result.per_second:.0f}/s, p50 {result.p50_ms:.1f} ms, "
          f"p99 {result.p99_ms:.1f} ms, {result.errors} errors")
    assert result.requests > 100
    assert result.errors == 0
