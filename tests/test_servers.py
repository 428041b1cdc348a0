"""The same content negotiation from `mirai-lod serve`, a real Apache httpd with the generated
`.htaccess`, and a real nginx with the generated server block, each on a loopback port, over a
small site in the published layout; plus the w3id.org rules in a real Apache."""

from __future__ import annotations

import os
import random
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

from pipeline import conneg, servers
from pipeline.build import build
from pipeline.rdf import DEFAULT_BASE
from pipeline.serve import make_server
from tests.negotiation import (
    CASES,
    RESOURCES,
    SECRET,
    accept,
    ci,
    free_port,
    location,
    make_site,
    request,
)

APACHE = Path("/usr/sbin/apache2")
NGINX = Path("/usr/sbin/nginx")
APACHE_MODULES = Path("/usr/lib/apache2/modules")
# Stock Debian has mime, negotiation and dir on; the .htaccess names rewrite and headers.
MODULES = ("mpm_event", "authz_core", "mime", "negotiation", "dir", "rewrite", "headers")


@dataclass(frozen=True)
class Running:
    name: str
    port: int


def _require(binary: Path) -> None:
    if not binary.exists():
        if ci():
            pytest.fail(f"{binary} is missing (CI installs it from Debian's packages)")
        pytest.skip(f"{binary} is not installed")


def _wait_for_port(port: int, process: subprocess.Popen[bytes] | None, log: Path) -> None:
    for _ in range(100):  # 10 s at most
        if process is not None and process.poll() is not None:
            raise AssertionError(f"server exited: {log.read_text(errors='replace')}")
        try:
            request(port, "/")
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"server did not answer on {port}: {log.read_text(errors='replace')}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)



def apache(root: Path, work: Path) -> Iterator[Running]:
    """Apache httpd in the foreground, serving `root` with AllowOverride All."""
    _require(APACHE)
    work.mkdir(parents=True, exist_ok=True)
    port = free_port()
    modules = "\n".join(f"LoadModule {m}_module {APACHE_MODULES}/mod_{m}.so" for m in MODULES)
    conf = work / "httpd.conf"
    conf.write_text(f"""\
ServerRoot {work}
DefaultRuntimeDir {work}
PidFile {work}/httpd.pid
Listen 127.0.0.1:{port}
ServerName 127.0.0.1
{modules}
StartServers 1
ServerLimit 1
ThreadsPerChild 16
MaxRequestWorkers 16
TypesConfig /etc/mime.types
ErrorLog {work}/error.log
LogLevel warn
DocumentRoot {root}
<Directory {root}>
    AllowOverride All
    Require all granted
</Directory>
""")
    log = work / "error.log"
    process = subprocess.Popen([str(APACHE), "-f", str(conf), "-DFOREGROUND"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(port, process, log)
        yield Running("apache", port)
    finally:
        _stop(process)


def nginx(root: Path, work: Path) -> Iterator[Running]:
    """nginx in the foreground with the generated server block, only root and listen changed."""
    _require(NGINX)
    work.mkdir(parents=True, exist_ok=True)
    port = free_port()
    block = servers.nginx_conf().decode()
    assert block.count("    listen 80;\n") == 1 and block.count("    root /var/www/mirai-lod;") == 1
    block = block.replace("    listen 80;", f"    listen 127.0.0.1:{port};").replace(
        "    root /var/www/mirai-lod;", f"    root {root};")
    (work / "mirai-lod.conf").write_text(block)
    temp = " ".join(f"{name}_temp_path {work}/{name};"
                    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = work / "nginx.conf"
    # As root, workers would switch to nobody, who can't read the test's private directory.
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf.write_text(f"""\
{user}daemon off;
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    {temp}
    include {work}/mirai-lod.conf;
}}
""")
    log = work / "error.log"
    log.touch()
    process = subprocess.Popen([str(NGINX), "-p", str(work), "-c", str(conf), "-e", str(log)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(port, process, log)
        yield Running("nginx", port)
    finally:
        _stop(process)


def python(root: Path) -> Iterator[Running]:
    server = make_server(root, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Running("serve", server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_site(tmp_path_factory.mktemp("published") / "site")


@pytest.fixture(scope="module", params=["serve", "apache", "nginx"])
def server(request: pytest.FixtureRequest, site: Path,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    work = tmp_path_factory.mktemp(request.param)
    if request.param == "apache":
        yield from apache(site, work)
    elif request.param == "nginx":
        yield from nginx(site, work)
    else:
        yield from python(site)


@pytest.mark.parametrize(("header", "expected"), CASES, ids=[repr(c[0]) for c in CASES])
def test_resource_iri_redirects_by_accept(server: Running, header: str | None,
                                          expected: str | None) -> None:
    path = RESOURCES[len(header or "") % len(RESOURCES)]
    answer = request(server.port, f"/{path}", headers=accept(header))
    assert "accept" in answer.header("vary").lower()
    if expected is None:
        assert answer.status == 406
        return
    assert answer.status == 303
    assert location(server.port, f"/{path}", answer) == f"/{path}.{expected}"
    name = path.rsplit("/", 1)[-1]
    for representation in conneg.REPRESENTATIONS:
        link = (f'<{name}.{representation.extension}>; rel="alternate"; '
                f'type="{representation.media_type}"')
        assert link in answer.header("link")


def random_headers(count: int, seed: int) -> list[str]:
    """Well-formed Accept headers mixing the five types, aliases, wildcards and q-values."""
    rng = random.Random(seed)
    media = ["text/html", "text/turtle", "application/ld+json", "application/json",
             "application/n-triples", "application/rdf+xml", "image/png", "text/plain",
             "text/*", "application/*", "*/*"]
    qs = ["", "", ";q=1", ";q=0", ";q=0.5", ";q=0.05", ";q=0.123", ";q=0.9", ";q=0.91",
          ";q=1.0", ";q=0.000", ";charset=utf-8;q=0.7"]
    return [", ".join(rng.choice(media) + rng.choice(qs) for _ in range(rng.randint(1, 6)))
            for _ in range(count)]


def test_random_headers_get_the_same_answer_as_conneg(server: Running) -> None:
    mismatches = []
    for header in random_headers(150, seed=4):
        chosen = conneg.choose(header)
        answer = request(server.port, "/technology/drone", headers={"Accept": header})
        got = (location(server.port, "/technology/drone", answer).rsplit(".", 1)[-1]
               if answer.status == 303 else None)
        if answer.status not in (303, 406) or got != (chosen and chosen.extension):
            mismatches.append((header, answer.status, got))
    assert mismatches == [], "\n".join(map(repr, mismatches))


def test_head_on_resource_iri(server: Running) -> None:
    answer = request(server.port, "/technology/drone", "HEAD", {"Accept": "text/turtle"})
    assert answer.status == 303 and answer.body == b""
    assert location(server.port, "/technology/drone", answer) == "/technology/drone.ttl"


@pytest.mark.parametrize("representation", conneg.REPRESENTATIONS, ids=lambda r: r.extension)
def test_representations_have_their_media_type(server: Running, site: Path,
                                               representation: conneg.Representation) -> None:
    target = f"/municipality/172065.{representation.extension}"
    answer = request(server.port, target)
    assert answer.status == 200
    assert answer.header("content-type").replace(" ", "") == \
        representation.content_type.replace(" ", "")
    assert answer.body == (site / target.lstrip("/")).read_bytes()
    head = request(server.port, target, "HEAD")
    assert head.status == 200 and head.body == b""
    assert head.header("content-length") == str(len(answer.body))


def test_conditional_get(server: Running) -> None:
    target = "/award/society5-2022-1-062031.ttl"
    first = request(server.port, target)
    etag, modified = first.header("etag"), first.header("last-modified")
    assert first.status == 200 and etag and modified
    assert request(server.port, target, headers={"If-None-Match": etag}).status == 304
    assert request(server.port, target, headers={"If-Modified-Since": modified}).status == 304
    head = request(server.port, target, "HEAD", {"If-None-Match": etag})
    assert head.status == 304
    assert request(server.port, target, headers={"If-None-Match": '"other"'}).status == 200
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert request(server.port, target, headers={"If-Modified-Since": old}).status == 200


def test_home_listing_and_void(server: Running) -> None:
    home = request(server.port, "/")
    assert home.status == 200 and b"home" in home.body
    assert home.header("content-type").replace(" ", "") == "text/html;charset=utf-8"
    listing = request(server.port, "/municipality/")
    assert listing.status == 200 and "一覧".encode() in listing.body
    void = request(server.port, "/.well-known/void")
    assert void.status == 200 and b"void#Dataset" in void.body
    assert void.header("content-type").replace(" ", "") == "text/turtle;charset=utf-8"


@pytest.mark.parametrize("target", ["/nothing-here", "/municipality/999999",
                                    "/municipality/172065.xyz", "/ward/"])
def test_not_found_uses_the_site_page(server: Running, target: str) -> None:
    answer = request(server.port, target, headers={"Accept": "text/turtle"})
    assert answer.status == 404
    assert b"page not found 404" in answer.body


@pytest.mark.parametrize(("method", "target"), [("POST", "/municipality/172065.ttl"),
                                                ("PUT", "/municipality/172065"),
                                                ("DELETE", "/"), ("PATCH", "/index.html")])
def test_other_methods_are_not_allowed(server: Running, method: str, target: str) -> None:
    assert request(server.port, target, method).status == 405


@pytest.mark.parametrize("target", [
    "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/%252e%252e/secret.txt",
    "/municipality/..%2f..%2fsecret.txt", "/municipality/%2e%2e/%2e%2e/secret.txt",
    "/..%5csecret.txt", "/%2e%2e%5csecret.txt", "/municipality/..\\..\\secret.txt",
    "/.hidden", "/%2ehidden", "/.htaccess", "/municipality/172065.var",
    "/municipality/172065.ttl%00.html", "/%c0%ae%c0%ae/secret.txt",
])
def test_no_file_outside_the_site(server: Running, target: str) -> None:
    answer = request(server.port, target)
    assert answer.status in (400, 403, 404), answer.status
    assert SECRET.encode() not in answer.body


def test_overlong_request_line_and_headers(server: Running) -> None:
    assert request(server.port, "/" + "a" * 20000).status == 414
    big = request(server.port, "/", headers={"X-Big": "b" * 20000})
    assert big.status in (400, 431), big.status
    many = request(server.port, "/", headers={f"X-H{i}": "v" * 100 for i in range(400)})
    assert many.status in (400, 431), many.status


@pytest.mark.parametrize("header", ["", "   ", ",,,", "garbage", "text/html;q=", "q=0.5",
                                    ";;;", "text/", "/turtle", "text/turtle;q=abc",
                                    "\u00e9/\u00e8", "*/*;q=0.5;q=0.1", 'text/html;a="b,c"'])
def test_malformed_accept_gets_an_answer(server: Running, header: str) -> None:
    answer = request(server.port, "/municipality/172065",
                     headers={"Accept": header.encode("utf-8").decode("latin-1")})
    assert answer.status in (303, 406)
    if server.name == "serve":
        chosen = conneg.choose(header.encode("utf-8").decode("latin-1"))
        assert answer.status == (303 if chosen else 406)


def test_sparql_is_not_a_static_file(server: Running) -> None:
    if server.name == "serve":
        pytest.skip("the Python server dispatches /sparql (tests/test_serve.py)")
    assert request(server.port, "/sparql?query=ASK%7B%7D").status == 501
    assert request(server.port, "/sparql", "POST").status == 501


def test_slash_is_added_to_a_listing(server: Running) -> None:
    answer = request(server.port, "/municipality")
    assert answer.status == 301
    assert location(server.port, "/municipality", answer) == "/municipality/"


# --- w3id.org ---------------------------------------------------------------------------------

SITE = "https://example.org/pub/"


@pytest.fixture(scope="module")
def w3id(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    root = tmp_path_factory.mktemp("w3id") / "root"
    (root / "mirai-lod").mkdir(parents=True)
    (root / "mirai-lod" / ".htaccess").write_bytes(servers.w3id_htaccess(SITE))
    yield from apache(root, root.parent / "apache")


@pytest.mark.parametrize(("header", "expected"), CASES, ids=[repr(c[0]) for c in CASES])
def test_w3id_rules(w3id: Running, header: str | None, expected: str | None) -> None:
    answer = request(w3id.port, "/mirai-lod/municipality/172065", headers=accept(header))
    tiered = servers.w3id_choice(header)
    assert "accept" in answer.header("vary").lower()
    if not tiered:
        assert answer.status == 406
    else:
        assert answer.status == 303
        assert answer.header("location") == f"{SITE}municipality/172065.{tiered}"
    if tiered != (expected or ""):
        # Where the tiers differ from q-value negotiation, they still pick a type listed with q>0.
        assert expected is not None and tiered
        chosen = conneg.by_extension(tiered)
        assert chosen is not None
        q = conneg.quality(conneg.parse_accept(header), chosen.media_type)
        assert q > 0


@pytest.mark.parametrize(("target", "expected"), [
    ("/mirai-lod/", SITE),
    ("/mirai-lod/municipality/", f"{SITE}municipality/"),
    ("/mirai-lod/municipality/172065.ttl", f"{SITE}municipality/172065.ttl"),
    ("/mirai-lod/download/mirai-lod.nt.gz", f"{SITE}download/mirai-lod.nt.gz"),
])
def test_w3id_documents(w3id: Running, target: str, expected: str) -> None:
    answer = request(w3id.port, target)
    assert answer.status == 302
    assert answer.header("location") == expected


# --- the real publication, when `mirai-lod build` has written it --------------------------------

# MIRAI_LOD_BUILD points these tests at a publication already built; by default they build the
# shipped source once, so that they always run.
@pytest.fixture(scope="module")
def real_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if "MIRAI_LOD_BUILD" in os.environ:
        return Path(os.environ["MIRAI_LOD_BUILD"])
    out = tmp_path_factory.mktemp("real") / "build"
    build(Path(__file__).parents[1] / "source", out, DEFAULT_BASE)
    return out


@pytest.fixture(scope="module")
def real_resources(real_build: Path) -> list[str]:
    maps = sorted(real_build.rglob("*.var"))
    assert maps, "the publication has no type maps"
    paths = [str(p.relative_to(real_build))[:-4] for p in maps]
    return paths[:: max(1, len(paths) // 12)]


@pytest.fixture(scope="module", params=["serve", "apache", "nginx"])
def real_server(request: pytest.FixtureRequest, real_build: Path, real_resources: list[str],
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    work = tmp_path_factory.mktemp(f"real-{request.param}")
    if request.param == "apache":
        yield from apache(real_build.resolve(), work)
    elif request.param == "nginx":
        yield from nginx(real_build.resolve(), work)
    else:
        yield from python(real_build)


def test_every_type_map_names_existing_files(real_build: Path) -> None:
    maps = sorted(real_build.rglob("*.var"))
    assert maps
    for type_map in maps:
        names = [line[len("URI: "):] for line in type_map.read_text().splitlines()
                 if line.startswith("URI: ")]
        assert names[0].endswith(".303.html")
        for name in names:
            assert (type_map.parent / name.replace(".303.", ".")).is_file(), type_map


@pytest.mark.parametrize(("header", "expected"), [(None, "html"), ("text/turtle", "ttl"),
                                                  ("application/ld+json;q=0.9, */*;q=0.1",
                                                   "jsonld"),
                                                  ("application/rdf+xml", "rdf"),
                                                  ("application/n-triples", "nt")])
def test_real_site(real_server: Running, real_build: Path, real_resources: list[str],
                   header: str | None, expected: str) -> None:
    representation = conneg.by_extension(expected)
    assert representation is not None
    for path in real_resources:
        answer = request(real_server.port, f"/{path}", headers=accept(header))
        assert answer.status == 303, path
        target = location(real_server.port, f"/{path}", answer)
        assert target == f"/{path}.{expected}"
        followed = request(real_server.port, target)
        assert followed.status == 200, target
        assert followed.header("content-type").replace(" ", "") == \
            representation.content_type.replace(" ", "")
        assert followed.body == (real_build / target.lstrip("/")).read_bytes()


# --- the generated files -----------------------------------------------------------------------

def test_server_files_make_a_type_map_per_page() -> None:
    files = {f"{p}.{r.extension}": b"" for p in RESOURCES for r in conneg.REPRESENTATIONS}
    files |= {"municipality/index.html": b"", "404.html": b"", "download/mirai-lod.ttl": b""}
    dataset = SimpleNamespace(iris=SimpleNamespace(base="https://w3id.org/mirai-lod/"))
    out = servers.server_files(dataset, None, files)  # type: ignore[arg-type]
    assert sorted(out) == sorted([".htaccess", "nginx.conf", "w3id/mirai-lod.htaccess",
                                  *(f"{p}.var" for p in RESOURCES)])
    assert out["technology/drone.var"].decode().startswith(
        "URI: drone.303.html\nContent-Type: text/html; charset=utf-8\n\n"
        "URI: drone.303.ttl\nContent-Type: text/turtle; charset=utf-8\n")
    assert out == servers.server_files(dataset, None, dict(files))  # type: ignore[arg-type]
    del files["technology.rdf"], files["technology.nt"]
    partial = servers.server_files(dataset, None, files)  # type: ignore[arg-type]
    assert b".303.rdf" not in partial["technology.var"]
    assert b".303.nt" not in partial["technology.var"]


def test_nginx_block_has_one_listen_and_one_root() -> None:
    conf = servers.nginx_conf().decode()
    assert [line.strip() for line in conf.splitlines()
            if line.strip().startswith(("listen ", "root "))] == [
        "listen 80;", "root /var/www/mirai-lod;"]


def test_w3id_site_must_end_with_slash() -> None:
    with pytest.raises(ValueError, match="end with '/'"):
        servers.w3id_htaccess("https://example.org")
