"""Loading a publication into any SPARQL 1.1 Graph Store Protocol store (Oxigraph, Fuseki,
GraphDB, Virtuoso…): the dataset goes to one named graph per release, `{base}release/{version}`
(as in the embedded store), the ontology to the graph of its IRI. Each is sent with HTTP PUT,
which replaces the graph as a whole: publishing twice leaves one copy.

Credentials come from the environment only and are never printed: MIRAI_LOD_TOKEN (Bearer) or
MIRAI_LOD_USER and MIRAI_LOD_PASSWORD (Basic).
"""

from __future__ import annotations

import base64
import gzip
import os
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from pipeline import store
from pipeline.errors import MiraiError

EXIT_PUBLISH_FAILED = 3
TIMEOUT = 300.0  # seconds for one PUT; a large graph takes a while to index


class PublishError(MiraiError):
    """The store refused the data or could not be reached; the message is the store's."""

    exit_code = EXIT_PUBLISH_FAILED


@dataclass(frozen=True)
class Upload:
    graph: str
    triples: int
    status: int


def credentials(environ: Mapping[str, str]) -> tuple[str | None, list[str]]:
    """The Authorization header value (or None) and the secrets to keep out of messages."""
    token = environ.get("MIRAI_LOD_TOKEN")
    if token:
        return f"Bearer {token}", [token]
    user, password = environ.get("MIRAI_LOD_USER"), environ.get("MIRAI_LOD_PASSWORD")
    if user and password is not None:
        pair = base64.b64encode(f"{user}:{password}".encode()).decode()
        return f"Basic {pair}", [s for s in (password, pair) if s]
    if user or password:
        raise PublishError("set both MIRAI_LOD_USER and MIRAI_LOD_PASSWORD (or MIRAI_LOD_TOKEN)")
    return None, []


def _redact(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def graph_url(endpoint: str, graph: str) -> str:
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PublishError(f"--endpoint must be an http(s) URL: {endpoint}")
    if parts.username or parts.password:
        raise PublishError("--endpoint must not hold credentials; set MIRAI_LOD_USER and "
                           "MIRAI_LOD_PASSWORD, or MIRAI_LOD_TOKEN")
    return f"{endpoint}{'&' if parts.query else '?'}graph={quote(graph, safe='')}"


def put(url: str, data: bytes, content_type: str, authorization: str | None,
        secrets: list[str]) -> int:
    request = urllib.request.Request(url, data=data, method="PUT",
                                     headers={"Content-Type": content_type})
    if authorization is not None:
        request.add_unredirected_header("Authorization", authorization)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        detail = error.read(4000).decode("utf-8", "replace").strip()
        message = f"{error.code} {error.reason}" + (f": {detail}" if detail else "")
        raise PublishError(f"the store refused {url}: {_redact(message, secrets)}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise PublishError(f"cannot reach {url}: {_redact(str(reason), secrets)}") from None


def publish(build_dir: Path, endpoint: str, graph: str | None = None,
            environ: Mapping[str, str] = os.environ, ontology: bool = True) -> list[Upload]:
    """PUT the dataset (download/mirai-lod.nt.gz) of the publication in `build_dir` into
    `graph` (default: the release graph the embedded store uses), then the ontology."""
    dump = build_dir / store.NT_DUMP
    if not dump.is_file():
        raise MiraiError(f"no {store.NT_DUMP} in {build_dir}: run `mirai-lod build` first")
    graphs = store.graphs(store.open_store(build_dir))
    authorization, secrets = credentials(environ)
    data = gzip.decompress(dump.read_bytes())
    uploads = []
    target = graph or graphs.data
    url = graph_url(endpoint, target)
    status = put(url, data, "application/n-triples", authorization, secrets)
    uploads.append(Upload(target, data.count(b"\n"), status))
    if ontology:
        text = (build_dir / "ontology.ttl").read_bytes()
        status = put(graph_url(endpoint, graphs.ontology), text, "text/turtle",
                     authorization, secrets)
        uploads.append(Upload(graphs.ontology, 0, status))
    return uploads
