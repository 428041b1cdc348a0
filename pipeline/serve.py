"""`mirai-lod serve`: the published directory over HTTP, with content negotiation.

`{base}PATH` is served at `http://HOST:PORT/PATH`. A resource IRI (PATH with a PATH.html beside
it) answers 303 See Other to the representation the Accept header prefers (pipeline.conneg);
every other URL is a file: representations, listing pages (`segment/` → segment/index.html),
the home page, dumps. `/.well-known/void` is void.ttl; `/sparql` goes to pipeline.sparql when
that module is installed. Nothing outside the directory is ever read: a request path is decoded
once, and any `.`/`..` segment, backslash, NUL or control character is refused.
"""

from __future__ import annotations

import email.utils
import importlib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from urllib.parse import unquote_to_bytes

from pipeline import conneg

MAX_REQUEST_LINE = 8190  # as Apache's LimitRequestLine
MAX_HEADER_BYTES = 16384  # all header lines together
MAX_BODY = 1 << 20  # a SPARQL query sent by POST
TIMEOUT = 30.0  # seconds a connection may stay idle

# Media types of the files the build writes; text types say their charset.
MEDIA_TYPES: dict[str, str] = {
    **{r.extension: r.content_type for r in conneg.REPRESENTATIONS},
    "xml": "application/xml",
    "txt": "text/plain; charset=utf-8",
    "json": "application/json",
    "gz": "application/gzip",
    "svg": "image/svg+xml",
    "css": "text/css; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\\]")
Log = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclass(frozen=True)
class Response:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""


@dataclass(frozen=True)
class Site:
    root: Path
    log: Log = _quiet


def media_type(path: Path) -> str:
    if path.name == "SHA256SUMS":
        return "text/plain; charset=utf-8"
    return MEDIA_TYPES.get(path.suffix.lstrip("."), "application/octet-stream")


def safe_path(target: str) -> str | None:
    """The request path decoded once, or None when it could reach outside the directory.

    Percent-decoding happens exactly once, so `%252e%252e` stays the literal name `%2e%2e`.
    """
    path = target.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/"):
        return None
    try:
        decoded = unquote_to_bytes(path).decode("utf-8")
    except UnicodeDecodeError:
        return None
    if _UNSAFE.search(decoded):
        return None
    segments = decoded.split("/")[1:]
    if any(segment in (".", "..") for segment in segments):
        return None
    # Empty segments (`//`) would let a path name a different file than it seems to.
    if any(segment == "" for segment in segments[:-1]):
        return None
    return decoded


def _file(root: Path, relative: str) -> Path | None:
    """An existing regular file under root, not hidden, not reached through a link outside."""
    if any(part.startswith(".") for part in relative.split("/")) or relative.endswith(".var"):
        return None  # hidden files, and Apache's type maps, are not part of the site
    candidate = root / relative
    try:
        resolved = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not resolved.is_relative_to(root.resolve()) or not resolved.is_file():
        return None
    return resolved


def _http_date(timestamp: float) -> str:
    return email.utils.formatdate(timestamp, usegmt=True)


def _etag(info: os.stat_result) -> str:
    return f'"{info.st_size:x}-{info.st_mtime_ns:x}"'


def _not_modified(headers: Mapping[str, str], etag: str, mtime: int) -> bool:
    """RFC 9110 §13.2.2: If-None-Match wins over If-Modified-Since."""
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return "*" in tags or etag in tags
    since = headers.get("if-modified-since")
    if since is None:
        return False
    try:
        parsed = email.utils.parsedate_to_datetime(since)
    except (TypeError, ValueError, IndexError):
        return False
    return parsed.tzinfo is not None and mtime <= int(parsed.timestamp())


def serve_file(path: Path, headers: Mapping[str, str], content_type: str | None = None,
               status: int = 200) -> Response:
    info = path.stat()
    etag, mtime = _etag(info), int(info.st_mtime)
    common = (("Content-Type", content_type or media_type(path)), ("ETag", etag),
              ("Last-Modified", _http_date(mtime)))
    if status == 200 and _not_modified(headers, etag, mtime):
        return Response(304, (("ETag", etag), ("Last-Modified", _http_date(mtime))))
    return Response(status, common, path.read_bytes())


def _text(status: int, message: str, extra: tuple[tuple[str, str], ...] = ()) -> Response:
    return Response(status, (("Content-Type", "text/plain; charset=utf-8"), *extra),
                    (message + "\n").encode())


def not_found(root: Path) -> Response:
    page = _file(root, "404.html")
    if page is None:
        return _text(404, "Not Found")
    return serve_file(page, {}, status=404)


def negotiate(root: Path, path: str, accept: str | None) -> Response | None:
    """303 (or 406) for a resource IRI; None when `path` is not one."""
    relative = path.lstrip("/")
    if not relative or relative.endswith("/") or _file(root, relative + ".html") is None:
        return None
    available = [r for r in conneg.REPRESENTATIONS
                 if _file(root, f"{relative}.{r.extension}") is not None]
    name = relative.rsplit("/", 1)[-1]
    headers = (("Vary", "Accept"), ("Link", conneg.link_header(name, available)))
    chosen = conneg.choose(accept, available)
    if chosen is None:
        listing = "\n".join(f"{r.media_type}: {name}.{r.extension}" for r in available)
        return _text(406, f"Not Acceptable. Available representations:\n{listing}", headers)
    target = f"{name}.{chosen.extension}"
    return Response(303, (("Location", target), *headers,
                          ("Content-Type", "text/plain; charset=utf-8")),
                    f"See Other: {target}\n".encode())


def _sparql_module() -> ModuleType | None:
    try:
        return importlib.import_module("pipeline.sparql")
    except ModuleNotFoundError as error:
        if error.name != "pipeline.sparql":
            raise
        return None


def sparql(method: str, query_string: str, headers: Mapping[str, str],
           body: bytes, root: Path | None = None) -> Response:
    module = _sparql_module()
    if module is None:
        return _text(501, "Not Implemented: this server has no SPARQL endpoint")
    if root is None:
        status, answer_headers, answer = module.handle(method, query_string, headers, body)
    else:  # the store of the publication this server serves
        status, answer_headers, answer = module.respond(module.Endpoint(root), method,
                                                        query_string, headers, body)
    return Response(int(status), tuple(answer_headers), bytes(answer))


def route(site: Site, method: str, target: str, headers: Mapping[str, str],
          body: bytes = b"") -> Response:
    """The response to one request (HEAD is answered as GET; the caller drops the body).
    `headers` has lowercase names."""
    path = safe_path(target)
    if path is None:
        return _text(400, "Bad Request")
    if path == "/sparql":
        if method not in ("GET", "HEAD", "POST", "OPTIONS"):  # OPTIONS: CORS preflight
            return _text(405, "Method Not Allowed", (("Allow", "GET, HEAD, POST, OPTIONS"),))
        query_string = target.split("?", 1)[1] if "?" in target else ""
        return sparql(method, query_string, headers, body, site.root)
    if method not in ("GET", "HEAD"):
        return _text(405, "Method Not Allowed", (("Allow", "GET, HEAD"),))
    root = site.root
    if path == "/.well-known/void":
        void = _file(root, "void.ttl")
        return not_found(root) if void is None else serve_file(void, headers)
    relative = path.lstrip("/")
    if relative == "" or relative.endswith("/"):
        index = _file(root, relative + "index.html")
        return not_found(root) if index is None else serve_file(index, headers)
    found = _file(root, relative)
    if found is not None:
        return serve_file(found, headers)
    negotiated = negotiate(root, path, headers.get("accept"))
    if negotiated is not None:
        return negotiated
    if _file(root, relative + "/index.html") is not None:
        return _text(301, "Moved Permanently", (("Location", path + "/"),))
    return not_found(root)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    timeout = TIMEOUT
    # Headers and body go out in two writes; with Nagle's algorithm the body of a kept-alive
    # connection waits for the client's delayed ACK (40 ms a request).
    disable_nagle_algorithm = True

    def version_string(self) -> str:
        return "mirai-lod"

    def handle_one_request(self) -> None:
        # As the standard library's, with a request line limit and a total header limit.
        try:
            self.raw_requestline = self.rfile.readline(MAX_REQUEST_LINE + 1)
        except TimeoutError:
            self.close_connection = True
            return
        if len(self.raw_requestline) > MAX_REQUEST_LINE:
            self.requestline = self.request_version = self.command = ""
            self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
            self.close_connection = True
            return
        if not self.raw_requestline:
            self.close_connection = True
            return
        if not self.parse_request():
            return
        size = sum(len(name) + len(value) + 4 for name, value in self.headers.items())
        if size > MAX_HEADER_BYTES:
            self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE)
            self.close_connection = True
            return
        self._respond()
        self.wfile.flush()

    def _respond(self) -> None:
        headers = {name.lower(): value for name, value in self.headers.items()}
        body = b""
        if self.path == "/sparql" or self.path.startswith("/sparql?"):
            length = headers.get("content-length", "0").strip()
            if not length.isdigit() or int(length) > MAX_BODY:
                self._send(_text(413, "Content Too Large"), head=False)
                self.close_connection = True
                return
            body = self.rfile.read(int(length))
        elif "content-length" in headers or "transfer-encoding" in headers:
            # Bodies are never read outside /sparql: don't keep the connection in a bad state.
            self.close_connection = True
        response = route(self.server.site, self.command, self.path, headers, body)
        self._send(response, head=self.command == "HEAD")

    def _send(self, response: Response, head: bool) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        if response.status != 304:
            self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if not head and response.status != 304:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:
        self.server.site.log(f"{self.address_string()} {format % args}")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], site: Site) -> None:
        self.site = site
        super().__init__(address, _Handler)


def make_server(root: Path, host: str = "127.0.0.1", port: int = 8000,
                log: Log = _quiet) -> ThreadingHTTPServer:
    """A server bound to host:port (port 0 picks a free one); call serve_forever() on it."""
    if not root.is_dir():
        raise NotADirectoryError(f"not a directory: {root}")
    return _Server((host, port), Site(root.resolve(), log))
