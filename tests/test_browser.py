"""The published site in a real headless Chromium (Debian's chromium + chromium-driver), served
the way static hosts serve it (`PATH` answers with `PATH.html` where that exists): pages load
with no console error, a crawl from index.html finds no broken internal link and reaches a page
for every resource of the dump, tables sort, and pages fit a phone's width."""

from __future__ import annotations

import functools
import gzip
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import pyoxigraph as ox
import pytest

from pipeline.build import DUMP, build
from pipeline.rdf import DEFAULT_BASE
from pipeline.vocab import MIRAI

ROOT = Path(__file__).parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PHONE = (375, 812)
ARGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run")


def require_chromium() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        message = f"needs Debian's chromium and chromium-driver: missing {', '.join(missing)}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


class StaticHandler(SimpleHTTPRequestHandler):
    """Like GitHub Pages: /award/x serves award/x.html when there is no file award/x."""

    def translate_path(self, path: str) -> str:
        local = super().translate_path(path)
        if not Path(local).exists() and Path(local + ".html").is_file():
            return local + ".html"
        return local

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the tests report what matters


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # The browser drops connections it no longer needs (it moved on to the next page).
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "build"
    build(ROOT / "source", out, DEFAULT_BASE)
    return out


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    handler = functools.partial(StaticHandler, directory=str(site))
    httpd = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    require_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ARGS:
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_argument("--window-size=1280,1000")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    browser.set_page_load_timeout(60)
    try:
        yield browser
    finally:
        browser.quit()


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def resource_paths(site: Path) -> set[str]:
    """Every resource of the dump, as the path of its page."""
    data = gzip.decompress((site / f"{DUMP}.nt.gz").read_bytes())
    paths = set()
    for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
        for node in (t.subject, t.object):
            if isinstance(node, ox.NamedNode) and node.value.startswith(DEFAULT_BASE) \
                    and not node.value.startswith(str(MIRAI)):
                paths.add(node.value[len(DEFAULT_BASE):].partition("#")[0])
    return paths


def crawl(start: str) -> tuple[set[str], list[tuple[str, str, int]]]:
    """Every URL reachable from `start` on the same host, and the links that fail."""
    host = urlsplit(start).netloc
    seen = {start}
    queue = [start]
    broken = []
    pages = set()
    while queue:
        url = queue.pop()
        try:
            with urllib.request.urlopen(url) as response:
                kind = response.headers.get_content_type()
                body = response.read() if kind == "text/html" else b""
        except urllib.error.HTTPError as error:
            broken.append((url, "", error.code))
            continue
        if kind != "text/html":
            continue
        pages.add(url)
        parser = Links()
        parser.feed(body.decode("utf-8"))
        for link in parser.links:
            target = urldefrag(urljoin(url, link))[0]
            if urlsplit(target).netloc == host and target not in seen:
                seen.add(target)
                queue.append(target)
    return pages, broken


def test_crawl_finds_no_broken_link_and_every_resource(site: Path, server: str) -> None:
    pages, broken = crawl(server + "index.html")
    assert broken == []
    reached = {unquote(urlsplit(p).path.lstrip("/")) for p in pages}
    missing = sorted(p for p in resource_paths(site) if f"{p}.html" not in reached)
    assert missing == []
    assert len(reached) > 2000


def test_extensionless_path_serves_the_page(server: str) -> None:
    with urllib.request.urlopen(server + "municipality/172065") as response:
        assert response.headers.get_content_type() == "text/html"
        assert "加賀市" in response.read().decode()


def console_errors(driver: Any) -> list[dict[str, Any]]:
    return [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]


def pages_to_visit(site: Path) -> list[str]:
    """All listing pages, the home page, the documentation and every award; of the thousands of
    municipality and ward pages, which share one template, every 20th (MIRAI_BROWSER_ALL=1
    visits all)."""
    every = 1 if os.environ.get("MIRAI_BROWSER_ALL") == "1" else 20
    names = sorted(str(p.relative_to(site)) for p in site.rglob("*.html"))
    chosen = []
    for i, name in enumerate(names):
        if name == "404.html":
            continue
        if "/" not in name or name.endswith("/index.html") or not name.startswith(
                ("municipality/", "ward/", "prefecture/")) or i % every == 0:
            chosen.append(name)
    return chosen


def test_pages_load_without_console_errors(site: Path, server: str, driver: Any) -> None:
    names = pages_to_visit(site)
    start = time.perf_counter()
    failures = {}
    for name in names:
        driver.get(server + name)
        errors = console_errors(driver)
        if errors:
            failures[name] = errors
        assert driver.find_element("css selector", "h1").text, name
    elapsed = time.perf_counter() - start
    print(f"visited {len(names)} pages in {elapsed:.1f} s")
    assert failures == {}
    assert len(names) > 300


def test_table_sorts_with_javascript(server: str, driver: Any) -> None:
    driver.get(server + "award/index.html")
    header = driver.find_elements("css selector", "table.sortable thead th")[-1]  # amount
    button = header.find_element("css selector", "button")
    button.click()
    assert header.get_attribute("aria-sort") == "ascending"
    values = [int(td.get_attribute("data-sort")) for td in driver.find_elements(
        "css selector", "table.sortable tbody tr td:last-child")]
    assert values == sorted(values) and len(values) > 10
    button.click()
    assert header.get_attribute("aria-sort") == "descending"
    assert console_errors(driver) == []


def test_phone_width_has_no_horizontal_scroll(server: str, driver: Any,
                                              tmp_path_factory: pytest.TempPathFactory) -> None:
    shots = Path(os.environ.get("MIRAI_SCREENSHOTS") or tmp_path_factory.mktemp("screens"))
    shots.mkdir(parents=True, exist_ok=True)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 1, "mobile": True})
    try:
        for name, shot in (("index.html", "home-phone.png"),
                           ("municipality/172065.html", "municipality-phone.png"),
                           ("award/index.html", None), ("ontology.html", None),
                           ("shapes.html", None)):
            driver.get(server + name)
            width = driver.execute_script("return document.documentElement.scrollWidth")
            assert width <= PHONE[0], (name, width)
            if shot:
                driver.save_screenshot(str(shots / shot))
                assert (shots / shot).stat().st_size > 10_000
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

