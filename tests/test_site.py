"""The static site: a page and four machine representations for every resource, links that
resolve, text that is escaped, inverse links, schema.org markup that is valid JSON-LD, and the
same bytes on every build."""

from __future__ import annotations

import dataclasses
import gzip
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
import pytest
from rdflib import RDFS, Graph, Literal, URIRef

from pipeline import site
from pipeline.build import OUTPUTS, Dataset, assemble, check, render_files
from pipeline.publish import held
from pipeline.rdf import DEFAULT_BASE, PREFIXES
from pipeline.serialize import to_oxigraph
from pipeline.validate import Report

ROOT = Path(__file__).parents[1]
BASE_CASE = ROOT / "tests" / "cases" / "base"
FORMATS = {"ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD,
           "nt": ox.RdfFormat.N_TRIPLES, "rdf": ox.RdfFormat.RDF_XML}
RDFLIB_FORMATS = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml"}


@dataclasses.dataclass(frozen=True)
class Built:
    dataset: Dataset
    report: Report
    files: dict[str, bytes]
    mine: frozenset[str]  # the files the site output wrote


def make(source: Path, base: str = DEFAULT_BASE) -> Built:
    dataset = assemble(source, base)
    report = check(dataset)
    assert report.conforms
    files: dict[str, bytes] = {}
    mine: frozenset[str] = frozenset()
    for output in OUTPUTS:
        added = {name: held(data) for name, data in output(dataset, report, files).items()}
        if output is site.site_files:
            mine = frozenset(added)
        files.update(added)
    return Built(dataset, report, files, mine)


@pytest.fixture(scope="module")
def small() -> Built:
    return make(BASE_CASE)


@pytest.fixture(scope="module")
def shipped() -> Built:
    return make(ROOT / "source")


def documents(built: Built) -> dict[str, set[str]]:
    """Resource path → its triples as N-Triples lines, from the dataset itself."""
    base = built.dataset.iris.base
    out: dict[str, set[str]] = {}
    for t in to_oxigraph(built.dataset.graph):
        s = site.subject_iri(t)
        if s.startswith(base) and not s.startswith(site.M):
            out.setdefault(s[len(base):].partition("#")[0], set()).add(str(t))
    return out


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.headings: list[int] = []
        self.scripts: list[tuple[str, str]] = []
        self.html_lang: str | None = None
        self.th_without_scope = 0
        self._script: str | None = None
        self._text: list[str] = []
        self._in_thead = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if a.get("id"):
            self.ids.add(a["id"] or "")
        for name in ("href", "src"):
            if a.get(name):
                self.links.append(a[name] or "")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "th" and "scope" not in a:
            self.th_without_scope += 1
        if tag == "script":
            self._script = a.get("type") or "text/javascript"
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None


def parse(data: bytes) -> Page:
    page = Page()
    page.feed(data.decode("utf-8"))
    return page


def internal_targets(name: str, page: Page) -> Iterator[tuple[str, str, str]]:
    """(link, file it points to, fragment) for every link that stays on the site."""
    folder = PurePosixPath(name).parent
    for link in page.links:
        parts = urlsplit(link)
        if parts.scheme or parts.netloc:
            continue
        if not parts.path:
            yield link, name, parts.fragment
            continue
        target = str(PurePosixPath(*(folder / unquote(parts.path)).parts))
        resolved: list[str] = []
        for part in target.split("/"):
            if part == "..":
                resolved.pop()
            elif part not in (".", ""):
                resolved.append(part)
        path = "/".join(resolved)
        if link.endswith("/"):
            path += "/index.html"
        yield link, path, parts.fragment


# --- every resource -------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["small", "shipped"])
def test_every_resource_has_a_page_and_four_representations(
        which: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(which)
    docs = documents(built)
    assert len(docs) > (100 if which == "shipped" else 10)
    missing = [f"{path}.{ext}" for path in docs for ext in ("html", *FORMATS)
               if f"{path}.{ext}" not in built.files]
    assert missing == []


@pytest.mark.parametrize("which", ["small", "shipped"])
def test_representations_parse_and_hold_the_resources_triples(
        which: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(which)
    # rdflib is slow: on the shipped data it reads every 25th resource, pyoxigraph all.
    step = 25 if which == "shipped" else 1
    for i, (path, own) in enumerate(sorted(documents(built).items())):
        for ext, fmt in FORMATS.items():
            data = built.files[f"{path}.{ext}"]
            parsed = {str(t) for t in ox.parse(data, format=fmt)}
            assert own <= parsed, (path, ext, sorted(own - parsed)[:3])
            if i % step == 0:
                graph = Graph().parse(data=data, format=RDFLIB_FORMATS[ext])
                assert {str(t) for t in to_oxigraph(graph)} == parsed, (path, ext)


def json_dumps_jsonld(triples: list[ox.Triple], prefixes: dict[str, str]) -> bytes:
    """The document site.jsonld_bytes writes, made as dicts and given to json.dumps."""
    by_length = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))
    nodes: dict[str, dict[str, list[object]]] = {}
    for t in triples:
        assert isinstance(t.subject, ox.NamedNode)
        node = nodes.setdefault(t.subject.value, {})
        p, o = t.predicate.value, t.object
        assert isinstance(o, ox.NamedNode | ox.Literal)
        if isinstance(o, ox.NamedNode) and p == site.RDF_TYPE:
            node.setdefault("@type", []).append(o.value)
            continue
        if isinstance(o, ox.NamedNode):
            item: dict[str, str] = {"@id": o.value}
        elif o.language:
            item = {"@value": o.value, "@language": o.language}
        elif o.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
            item = {"@value": o.value}
        else:
            item = {"@value": o.value, "@type": o.datatype.value}
        key = next((f"{prefix}:{p[len(ns):]}" for prefix, ns in by_length
                    if p.startswith(ns) and p[len(ns):]
                    and all(c.isalnum() or c in "_-" for c in p[len(ns):])), p)
        node.setdefault(key, []).append(item)
    document = {"@context": prefixes,
                "@graph": [{"@id": s, **props} for s, props in sorted(nodes.items())]}
    return (json.dumps(document, ensure_ascii=False, sort_keys=True) + "\n").encode()


def test_jsonld_is_the_text_json_dumps_gives(shipped: Built) -> None:
    pages = site.ResourcePages(shipped.dataset)
    descriptions = [site.description(pages.ix, path, pages.ontology_labels)
                    for path in pages.paths]
    for triples in descriptions:
        assert site.jsonld_bytes(triples, PREFIXES) == json_dumps_jsonld(
            triples, dict(PREFIXES))
    # Text json escapes, keys no prefix compacts, several subjects and types, no triple.
    s, t = ox.NamedNode("https://w3id.org/mirai-lod/a"), ox.NamedNode("https://w3id.org/mirai-lod/a#b")
    odd = ['"quoted" \\ back\tslash\n', "\x00\x1f\x7f", "\u2028\u2029 \U0001f600 </script>",
           "ｶﾅ 漢字 é"]
    triples = sorted([
        *(ox.Triple(s, ox.NamedNode("http://example.org/no%20prefix"), ox.Literal(text))
          for text in odd),
        *(ox.Triple(t, ox.NamedNode(site.RDFS_LABEL), ox.Literal(text, language="ja-latn"))
          for text in odd),
        ox.Triple(t, ox.NamedNode(site.DCT + "title.x"), ox.Literal("1", datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#integer"))),
        ox.Triple(s, ox.NamedNode(site.RDF_TYPE), ox.NamedNode(site.M + "Award")),
        ox.Triple(s, ox.NamedNode(site.RDF_TYPE), ox.NamedNode(site.M + "B~c&d")),
        ox.Triple(s, ox.NamedNode(site.M + "link"), t),
    ], key=str)
    for prefixes in (PREFIXES, site.SITE_PREFIXES, {}, {"": "http://example.org/"}):
        for part in (triples, triples[::-1], []):
            assert site.jsonld_bytes(part, prefixes) == json_dumps_jsonld(part, dict(prefixes))
    parsed = ox.parse(site.jsonld_bytes(triples, PREFIXES), format=ox.RdfFormat.JSON_LD)
    assert sorted(map(str, parsed)) == sorted(map(str, triples))


def test_representation_carries_labels_of_what_it_links_to(small: Built) -> None:
    nt = small.files["award/kaga-new.nt"].decode()
    kaga = "<https://w3id.org/mirai-lod/municipality/172065>"
    assert f'{kaga} <http://www.w3.org/2000/01/rdf-schema#label> "加賀市"@ja .' in nt
    # The class's name comes from the ontology.
    assert ('<https://w3id.org/mirai-lod/ontology#Award> '
            '<http://www.w3.org/2000/01/rdf-schema#label> "award"@en .') in nt


@pytest.mark.parametrize("which", ["small", "shipped"])
def test_internal_links_resolve(which: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(which)
    pages = {name: parse(data) for name, data in built.files.items() if name.endswith(".html")
             and name != "404.html"}
    broken = []
    for name, page in pages.items():
        if name not in built.mine:
            continue  # other outputs' pages are checked by their own tests and the crawl
        for link, target, fragment in internal_targets(name, page):
            missing_anchor = fragment and target in pages and fragment not in pages[target].ids
            if target not in built.files or missing_anchor:
                broken.append((name, link))
    assert broken == []


@pytest.mark.parametrize("which", ["small", "shipped"])
def test_pages_are_accessible_in_structure(which: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(which)
    for name, data in built.files.items():
        if not name.endswith(".html") or name not in built.mine:
            continue
        page = parse(data)
        assert page.html_lang == "ja", name
        assert page.headings.count(1) == 1, name
        assert page.headings[0] == 1, name
        jumps = [(a, b) for a, b in zip(page.headings, page.headings[1:], strict=False)
                 if b > a + 1]
        assert jumps == [], name
        assert page.th_without_scope == 0, name
        if name != "404.html":
            assert b'lang="en"' in data, name


# --- what a page shows ----------------------------------------------------------------------


def test_page_shows_labels_types_values_and_sources(small: Built) -> None:
    html = small.files["award/kaga-new.html"].decode()
    assert "<h1><span class=\"ja\">マイナンバーを軸とした加賀市版電子自治体推進事業</span>" in html
    assert '<a href="../ontology.html#Award">採択事業</a>' in html or \
        'href="../ontology.html#Award"' in html
    assert '<a href="../municipality/172065.html">加賀市</a>' in html
    assert "18,500,000 円" in html
    assert 'href="../ontology.html#awardedAmount"' in html
    assert 'id="sources"' in html and 'href="../source/doc.html"' in html
    for ext in FORMATS:
        assert f'href="kaga-new.{ext}"' in html


def test_inverse_links(small: Built) -> None:
    kaga = small.files["municipality/172065.html"].decode()
    inverse = kaga.split('id="inverse"', 1)[1].split("</section>", 1)[0]
    assert 'href="../award/kaga-new.html"' in inverse
    assert 'href="../award/kaga-continuing.html"' in inverse
    program = small.files["program/grant-society5.html"].decode()
    assert 'href="../award/kaga-new.html"' in program.split('id="inverse"', 1)[1]


def test_index_does_not_depend_on_the_order_of_the_triples(shipped: Built) -> None:
    """The index looks a subject up once per run of its triples; in any other order it holds
    the same documents, values, inverse links and names."""
    triples = site.ResourcePages(shipped.dataset).triples
    shuffled = triples[1::2] + triples[::2][::-1]
    sorted_ix, shuffled_ix = (site.index(ts, DEFAULT_BASE) for ts in (triples, shuffled))

    def flat(ix: site.Index) -> tuple[object, ...]:
        return ({(path, str(t)) for path, ts in ix.docs.items() for t in ts},
                {(s, p, str(o)) for s, props in ix.by_subject.items()
                 for p, objects in props.items() for o in objects},
                {(doc, link) for doc, links in ix.inverse.items() for link in links},
                ix.labels, {(s, str(t)) for s, ts in ix.label_triples.items() for t in ts})

    assert flat(shuffled_ix) == flat(sorted_ix)
    assert len(sorted_ix.docs) > 2000 and sum(map(len, sorted_ix.inverse.values())) > 1000
    assert sum(map(len, shuffled_ix.docs.values())) == sum(map(len, sorted_ix.docs.values()))


def test_wards_are_listed_on_their_city(shipped: Built) -> None:
    sapporo = shipped.files["municipality/011002.html"].decode()
    inverse = sapporo.split('id="inverse"', 1)[1]
    assert 'href="../ward/011011.html"' in inverse  # 中央区


def test_markup_in_a_label_is_shown_as_text(small: Built) -> None:
    award = URIRef(DEFAULT_BASE + "award/kaga-new")
    label = (award, RDFS.label, Literal("<script>alert(1)</script>", lang="en"))
    dataset = dataclasses.replace(small.dataset, triples=[*small.dataset.triples, label])
    files = site.site_files(dataset, small.report, {})
    for name in ("award/kaga-new.html", "municipality/172065.html", "award/index.html"):
        html = files[name].decode()
        assert "<script>alert" not in html, name
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, name
    # Inside the JSON-LD <script>, "<" is escaped so the element cannot end early.
    head = files["award/kaga-new.html"].decode().split("</head>", 1)[0]
    assert "\\u003cscript\\u003e" in head


def test_schema_org_markup_is_valid_json_ld(small: Built) -> None:
    seen: dict[str, dict[str, object]] = {}
    for name, data in small.files.items():
        if not name.endswith(".html") or name not in small.mine:
            continue
        scripts = [text for kind, text in parse(data).scripts if kind == "application/ld+json"]
        if name in ("404.html", "ontology.html", "shapes.html") or name.endswith("/index.html"):
            continue
        assert len(scripts) == 1, name
        document = json.loads(scripts[0])
        seen[name] = document
        # Valid JSON-LD: with schema.org's vocabulary inlined (no network), it reads as RDF.
        local = json.dumps({**document, "@context": {"@vocab": "https://schema.org/"}})
        assert list(ox.parse(local.encode(), format=ox.RdfFormat.JSON_LD)), name
    kaga = seen["municipality/172065.html"]
    assert kaga["@type"] == "GovernmentOrganization"
    assert kaga["name"] == "加賀市"
    grant = seen["award/kaga-new.html"]
    assert grant["@type"] == "MonetaryGrant"
    assert grant["amount"] == {"@type": "MonetaryAmount", "value": 18_500_000, "currency": "JPY"}
    assert isinstance(grant["funder"], dict) and grant["funder"]["@type"] == \
        "GovernmentOrganization"
    assert isinstance(grant["fundedItem"], dict)
    assert grant["fundedItem"]["@id"] == DEFAULT_BASE + "municipality/172065"
    assert seen["index.html"]["@type"] == "Dataset"


def test_listing_pages(small: Built) -> None:
    award = small.files["award/index.html"].decode()
    assert '<table class="sortable">' in award
    assert award.count('<th scope="col">') >= 5
    rows = re.findall(r'<th scope="row" data-sort="[^"]*"><a href="([^"]+)"', award)
    assert rows == sorted(rows) and "../award/kaga-new.html" in rows
    assert '<script src="../assets/sort.js" defer></script>' in award
    assert "assets/sort.js" in small.files
    home = small.files["index.html"].decode()
    for segment in ("award", "municipality", "program", "prefecture"):
        assert f'href="{segment}/index.html"' in home


def test_charts_are_inline_svg_with_text_alternatives(small: Built) -> None:
    home = small.files["index.html"].decode()
    svgs = re.findall(r"<svg .*?</svg>", home, flags=re.S)
    assert len(svgs) == 4  # by recipient, by program, by year, map
    for svg in svgs:
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    by_recipient = svgs[0]
    assert "加賀市" in by_recipient and "1.17億円" in by_recipient  # 18,500 + 98,848 千円
    assert 'class="hit"' in svgs[3]  # the recipient is highlighted on the map
    assert "<details>" in home  # the numbers as tables


def test_ontology_and_shapes_documentation(small: Built) -> None:
    page = parse(small.files["ontology.html"])
    for term in ("Award", "recipient", "awardedAmount", "Municipality", "New"):
        assert term in page.ids
    html = small.files["ontology.html"].decode()
    assert "one project selected under a program" in html.lower() or "skos:definition" not in html
    assert 'href="#LocalGovernment"' in html  # subClassOf links within the page
    for ext in ("ttl", "jsonld", "nt", "rdf"):
        assert f"ontology.{ext}" in small.files
    nt = {str(t) for t in ox.parse(small.files["ontology.nt"], format=ox.RdfFormat.N_TRIPLES)}
    assert nt == {str(t) for t in ox.parse(small.files["ontology.jsonld"],
                                            format=ox.RdfFormat.JSON_LD)}
    shapes = parse(small.files["shapes.html"])
    assert {"AwardShape", "PrefectureShape"} <= shapes.ids


def test_sitemap_robots_and_404(small: Built) -> None:
    sitemap = small.files["sitemap.xml"].decode()
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert all(loc.startswith(DEFAULT_BASE) for loc in locs)
    assert DEFAULT_BASE + "award/kaga-new" in locs and DEFAULT_BASE in locs
    assert len(locs) == len(set(locs)) == len(documents(small)) + len(
        [n for n in small.files if n.endswith("/index.html")]) + 3
    assert f"Sitemap: {DEFAULT_BASE}sitemap.xml" in small.files["robots.txt"].decode()
    notfound = small.files["404.html"].decode()
    assert "<style>" in notfound and f'href="{DEFAULT_BASE}index.html"' in notfound


def test_other_base(tmp_path: Path) -> None:
    base = "http://example.org/data/"
    built = make(BASE_CASE, base)
    html = built.files["award/kaga-new.html"].decode()
    assert f"<code>{base}award/kaga-new</code>" in html
    assert 'href="../municipality/172065.html"' in html  # still relative
    assert 'href="../ontology.html#Award"' in html
    nt = built.files["award/kaga-new.nt"].decode()
    assert f"<{base}award/kaga-new>" in nt


def test_deterministic(small: Built) -> None:
    again = render_files(small.dataset, small.report)
    assert sorted(name for name in small.mine if again.get(name) != small.files[name]) == []


def test_pages_are_made_of_the_triples_of_the_dump(small: Built) -> None:
    dump = gzip.decompress(small.files["download/mirai-lod.nt.gz"])
    from_dump = list(ox.parse(dump, format=ox.RdfFormat.N_TRIPLES))
    assert [str(t) for t in from_dump] == [str(t) for t in site.ResourcePages(
        small.dataset).triples]


def test_every_property_and_class_in_the_data_has_a_human_label(shipped: Built) -> None:
    terms = site.load_terms()
    unnamed = set()
    for t in shipped.dataset.ox_triples:
        if t.predicate.value not in terms.labels:
            unnamed.add(t.predicate.value)
        o = t.object
        assert isinstance(o, ox.NamedNode | ox.Literal)
        if t.predicate.value == site.RDF_TYPE and o.value not in terms.labels:
            unnamed.add(o.value)
    assert sorted(unnamed) == []  # add them to pipeline/templates/terms.json
