"""Shared by the server tests: a small site in the published layout, raw HTTP requests, and the
assertions every server (mirai-lod serve, Apache, nginx) must pass."""

from __future__ import annotations

import http.client
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from pipeline import conneg, servers

RESOURCES = ("municipality/172065", "award/society5-2022-1-062031", "technology",
             "technology/drone")
SECRET = "top-secret-outside-the-site"

# Accept header → the extension every server must redirect to (None: 406).
CASES: list[tuple[str | None, str | None]] = [
    (None, "html"),
    ("*/*", "html"),
    ("text/html", "html"),
    ("text/turtle", "ttl"),
    ("application/ld+json", "jsonld"),
    ("application/json", "jsonld"),
    ("application/n-triples", "nt"),
    ("application/rdf+xml", "rdf"),
    ("TEXT/Turtle", "ttl"),
    ("text/turtle;charset=utf-8", "ttl"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
     "html"),
    ("application/ld+json;q=0.5, text/turtle;q=0.4", "jsonld"),
    ("text/turtle;q=0.4, application/ld+json;q=0.5", "jsonld"),
    ("text/html;q=0.1, text/turtle", "ttl"),
    ("text/html;q=0.9, application/rdf+xml", "rdf"),
    ("application/n-triples;q=0.91, application/rdf+xml;q=0.9, text/turtle;q=0.905", "nt"),
    ("text/turtle;q=0.001, application/rdf+xml;q=0.002", "rdf"),
    ("text/turtle, */*", "ttl"),
    ("application/*", "jsonld"),
    ("text/*", "html"),
    ("text/*, application/rdf+xml", "rdf"),
    ("*/*;q=0.1, application/n-triples", "nt"),
    ("*/*, text/html;q=0", "ttl"),
    ("text/*;q=0.5, text/html;q=0, application/*;q=0.4", "ttl"),
    ("text/turtle;q=0.9, */*;q=0.9", "html"),
    ("text/turtle ; q=0.8 , application/ld+json ; q=0.7", "ttl"),
    ("application/json;q=0.8, application/ld+json;q=0.3, text/turtle;q=0.5", "jsonld"),
    ("text/turtle;q=0.5, text/turtle;q=1, application/rdf+xml;q=0.7", "rdf"),
    ("image/png", None),
    ("text/plain", None),
    ("text/html;q=0, text/turtle;q=0, application/*;q=0", None),
    ("*/*;q=0", None),
]


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


def make_site(root: Path) -> Path:
    """The published layout with a few resources, a listing page, home, 404 and VoID."""
    for path in RESOURCES:
        for representation in conneg.REPRESENTATIONS:
            target = root / f"{path}.{representation.extension}"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f"{path} as {representation.label} 日本語\n", encoding="utf-8")
        (root / f"{path}.var").write_bytes(servers.type_map(path))
    for segment in ("municipality", "award"):
        (root / segment / "index.html").write_text(f"<h1>{segment} 一覧</h1>\n", "utf-8")
    (root / "index.html").write_text("<h1>home</h1>\n", encoding="utf-8")
    (root / "404.html").write_text("<h1>page not found 404</h1>\n", encoding="utf-8")
    (root / "void.ttl").write_text("<#void> a <http://rdfs.org/ns/void#Dataset> .\n", "utf-8")
    (root / ".htaccess").write_bytes(servers.htaccess())
    (root / ".hidden").write_text(SECRET, encoding="utf-8")
    (root.parent / "secret.txt").write_text(SECRET, encoding="utf-8")
    return root


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def request(port: int, target: str, method: str = "GET",
            headers: dict[str, str] | None = None, body: bytes | None = None) -> Answer:
    """One request, sent as given (no client-side normalisation of the path)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest(method, target, skip_host=False, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders(body)
        response = connection.getresponse()
        body = response.read()
        merged: dict[str, str] = {}
        for name, value in response.getheaders():
            key = name.lower()
            merged[key] = f"{merged[key]}, {value}" if key in merged else value
        return Answer(response.status, merged, body)
    finally:
        connection.close()


def accept(value: str | None) -> dict[str, str]:
    return {} if value is None else {"Accept": value}


def location(port: int, target: str, answer: Answer) -> str:
    """The redirect target as a path."""
    absolute = urljoin(f"http://127.0.0.1:{port}{target}", answer.header("location"))
    return absolute.removeprefix(f"http://127.0.0.1:{port}")


def ci() -> bool:
    return os.environ.get("CI") == "true"
