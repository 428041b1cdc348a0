"""The static site: a page for every resource (with its Turtle, JSON-LD, N-Triples and RDF/XML
next to it), a listing per class, the home page with charts, the ontology and shapes
documentation, sitemap.xml, robots.txt and 404.html.

One pass over the sorted triples indexes them by subject document and by object; pages are then
rendered from plain dicts, so the cost grows with the number of triples, not with queries. Every
link between pages is relative, so the site works under any base and at any host path.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any

import jinja2
import pyoxigraph as ox
from markupsafe import Markup, escape
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection as RdfList
from rdflib.namespace import OWL, RDF, SH

from pipeline import catalog, charts, conneg, links
from pipeline.paths import ONTOLOGY_DIR, SHAPES_DIR
from pipeline.rdf import PREFIXES
from pipeline.serialize import XSD_STRING, ntriples, to_oxigraph, turtle
from pipeline.validate import load_graph
from pipeline.vocab import MIRAI

if TYPE_CHECKING:
    from pipeline.build import Dataset
    from pipeline.validate import Report

RDF_TYPE = str(RDF.type)
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
DCT = "http://purl.org/dc/terms/"
DCT_SOURCE = DCT + "source"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
M = str(MIRAI)
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
AMOUNTS = {M + "requestedAmount", M + "awardedAmount", M + "capAmount", M + "statedAmount",
           M + "roundingUnit"}
# rdf:type and the names first, the sources last; the rest by their English label.
FIRST = (RDF_TYPE, RDFS_LABEL, SKOS_PREF, DCT + "title")
FORMATS = (("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("nt", "N-Triples"), ("rdf", "RDF/XML"))
MEDIA_TYPES = {r.extension: r.media_type for r in conneg.REPRESENTATIONS}
SITE_PREFIXES: dict[str, str] = {
    **PREFIXES, "owl": str(OWL), "sh": str(SH),
    "geosparql": "http://www.opengis.net/ont/geosparql#",
    "mirai-sh": "https://w3id.org/mirai-lod/shapes#",
}
# The columns of each class listing, after the name and the type.
COLUMNS: dict[str, tuple[str, ...]] = {
    "award": (M + "fiscalYear", M + "recipient", M + "program", M + "awardStatus",
              M + "awardedAmount"),
    "municipality": (M + "localGovernmentCode", M + "prefecture", M + "municipalityKind"),
    "prefecture": (M + "localGovernmentCode", M + "iso3166Code"),
    "ward": (M + "localGovernmentCode", M + "city"),
    "program": (M + "administeredBy", M + "partOf"),
    "organization": ("http://www.w3.org/ns/org#subOrganizationOf",),
    "technology": ("http://www.w3.org/2004/02/skos/core#broader",),
    "total": (M + "program", M + "fiscalYear", M + "statedText"),
    "source": (DCT + "issued", DCT + "publisher"),
    "change": (DCT + "date",),
}

Labels = dict[str, str]  # language tag → text


@dataclass
class Index:
    """The triples of the dataset, grouped once: per document (a resource IRI without its
    fragment), per object document (for "what points here"), and the names of everything."""

    base: str
    docs: dict[str, list[ox.Triple]] = field(default_factory=dict)
    by_subject: dict[str, dict[str, list[ox.NamedNode | ox.Literal]]] = field(
        default_factory=dict)
    inverse: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    labels: dict[str, Labels] = field(default_factory=dict)
    label_triples: dict[str, list[ox.Triple]] = field(default_factory=dict)

    def doc_of(self, iri: str) -> tuple[str, str] | None:
        """(document path, fragment) of an IRI under the base, else None."""
        if not iri.startswith(self.base) or iri.startswith(M):
            return None
        path, _, fragment = iri[len(self.base):].partition("#")
        return path, fragment


_NAMES = (RDFS_LABEL, SKOS_PREF, DCT + "title")


def subject_iri(t: ox.Triple) -> str:
    s = t.subject
    assert isinstance(s, ox.NamedNode)  # to_oxigraph refuses blank nodes
    return s.value


def index(triples: Iterable[ox.Triple], base: str) -> Index:
    ix = Index(base)
    docs: dict[str, list[ox.Triple]] = defaultdict(list)
    by_subject: dict[str, dict[str, list[Any]]] = {}
    inverse: dict[str, list[tuple[str, str]]] = defaultdict(list)
    names: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    label_triples: dict[str, list[ox.Triple]] = defaultdict(list)
    # pyoxigraph makes a new object at each `.value` or `.object`: one copy of each IRI and
    # term, kept here, is shared by every key, value and inverse link naming it (a third of the
    # index's memory).
    iris: dict[str, str] = {}
    # Each object term once, with the document it names (None for a literal or an IRI outside
    # the base): the same objects recur in many triples.
    terms: dict[Any, tuple[Any, str | None]] = {}
    last: Any = None
    s, where, props, doc = "", None, {}, None
    for t in triples:
        subject = t.subject
        if subject != last:  # sorted triples: a subject's come together, looked up once
            assert isinstance(subject, ox.NamedNode)  # to_oxigraph refuses blank nodes
            last, s = subject, subject.value
            s = iris.setdefault(s, s)
            props = by_subject.setdefault(s, defaultdict(list))
            found = ix.doc_of(s)
            where = None if found is None else found[0]
            doc = None if where is None else docs[where]
        p, o = t.predicate.value, t.object
        p = iris.setdefault(p, p)
        known = terms.get(o)
        if known is None:
            target = ix.doc_of(o.value) if isinstance(o, ox.NamedNode) else None
            known = terms[o] = (o, None if target is None else target[0])
        o, target_doc = known
        props[p].append(o)
        if doc is not None:
            doc.append(t)
        if target_doc is not None:
            if where is None or target_doc != where:
                inverse[target_doc].append((s, p))
        elif isinstance(o, ox.Literal) and p in _NAMES:
            lang = o.language or ""
            names[s][p].setdefault(lang, o.value)
            if p == RDFS_LABEL:
                label_triples[s].append(t)
    ix.docs = dict(docs)
    ix.by_subject = {s: dict(props) for s, props in by_subject.items()}
    ix.inverse = dict(inverse)
    for s, by_p in names.items():
        merged: Labels = {}
        for p in (DCT + "title", SKOS_PREF, RDFS_LABEL):  # rdfs:label wins
            merged.update(by_p.get(p, {}))
        ix.labels[s] = merged
    ix.label_triples = dict(label_triples)
    return ix


def pick(labels: Labels | None, lang: str) -> str:
    if not labels:
        return ""
    if lang in labels:
        return labels[lang]
    for other in ("ja", "en", ""):
        if other in labels:
            return labels[other]
    return labels[sorted(labels)[0]]


@dataclass(frozen=True)
class Terms:
    """Human names of properties, classes and individuals: the ontology's own, and the
    project's list for terms of other vocabularies."""

    labels: dict[str, Labels]
    ontology: Graph

    def of(self, iri: str) -> Labels:
        return self.labels.get(iri) or {"en": qname(iri)}


@functools.lru_cache(maxsize=8192)
def qname(iri: str) -> str:
    for prefix, ns in sorted(SITE_PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def load_terms() -> Terms:
    ontology = load_graph(ONTOLOGY_DIR)
    raw = json.loads(resources.files("pipeline").joinpath("templates/terms.json").read_text(
        encoding="utf-8"))
    labels: dict[str, Labels] = {iri: dict(v) for iri, v in raw.items()}
    for s, o in ontology.subject_objects(URIRef(RDFS_LABEL)):
        if isinstance(o, Literal) and o.language:
            labels.setdefault(str(s), {})[o.language] = str(o)
    return Terms(labels, ontology)


# --- links and values -------------------------------------------------------------------------


class Site:
    """What every page needs to turn an IRI into a link: the index, the term names and which
    documents have pages."""

    def __init__(self, ix: Index, terms: Terms) -> None:
        self.ix = ix
        self.terms = terms
        # Segments with a listing page: those holding resources below them.
        self.listed = {path.split("/", 1)[0] for path in ix.docs if "/" in path}
        self._links: dict[tuple[str, str], dict[str, Any]] = {}
        self._props: dict[tuple[str, str], dict[str, Any]] = {}
        self._once: dict[str, Any] = {}
        self._notes: dict[str, tuple[str, str]] = {}  # datatype → its name, as text and HTML
        self._order: dict[str, tuple[int, str]] = {}  # property → its place in a table
        self.facts: dict[str, bytes] = {}  # page_inputs' digest of each linked resource

    def once(self, key: str, make: Callable[[], Any]) -> Any:
        """What `make()` returns, made once: a pass over every document (award totals, map
        points) that both the home page and a listing show."""
        if key not in self._once:
            self._once[key] = make()
        return self._once[key]

    def link(self, iri: str, root: str) -> dict[str, Any]:
        """A link to `iri` from a page at depth `root`, with its HTML; the same few targets
        (types, sources, prefectures) recur on thousands of pages, so each is made once."""
        key = (iri, root)
        found = self._links.get(key)
        if found is None:
            found = self._links[key] = self._link(iri, root)
            found["html"] = link_html(found)
        return found

    def _link(self, iri: str, root: str) -> dict[str, Any]:
        if iri.startswith(M):
            term = iri[len(M):]
            names = self.terms.of(iri)
            return {"href": f"{root}ontology.html#{term}", "ja": pick(names, "ja"),
                    "en": pick(names, "en"), "iri": iri}
        where = self.ix.doc_of(iri)
        if where is not None and where[0] in self.ix.docs:
            path, fragment = where
            names = self.ix.labels.get(iri) or self.ix.labels.get(self.ix.base + path) or {}
            suffix = f"#{fragment}" if fragment else ""
            ja, en = pick(names, "ja"), pick(names, "en")
            if not ja:
                ja = path + suffix
            return {"href": f"{root}{path}.html{suffix}", "ja": ja,
                    "en": en if en != ja else "", "iri": iri}
        if iri in self.terms.labels:
            names = self.terms.labels[iri]
            return {"href": iri, "ja": pick(names, "ja"), "en": pick(names, "en"), "iri": iri,
                    "external": True}
        return {"href": iri, "ja": iri, "en": "", "iri": iri, "external": True}

    def value(self, predicate: str, o: ox.NamedNode | ox.Literal, root: str) -> dict[str, Any]:
        if isinstance(o, ox.NamedNode):
            return self.link(o.value, root)
        # f-strings over escape(): Markup.format is several times slower, per value.
        text, lang = o.value, o.language
        if lang:
            html = _markup(f'<span lang="{escape(lang)}">{escape(text)}</span>')
            return {"text": text, "lang": lang, "note": "", "sort": text, "html": html}
        sort, datatype = text, o.datatype.value
        if datatype == XSD_INTEGER and text.lstrip("-").isdigit():
            text = f"{int(text):,}"
            if predicate in AMOUNTS:
                text += " 円"
        note = self._notes.get(datatype)
        if note is None:
            name = "" if datatype.endswith("#string") else qname(datatype)
            note = self._notes[datatype] = (
                name, f' <small class="note">{escape(name)}</small>' if name else "")
        html = _markup(f"<span>{escape(text)}</span>{note[1]}")
        return {"text": text, "lang": "", "note": note[0], "sort": sort, "html": html}

    def order(self, p: str) -> tuple[int, str]:
        """Where the property `p` goes in a page's table (see _prop_order), worked out once."""
        found = self._order.get(p)
        if found is None:
            found = self._order[p] = _prop_order(self.terms, p)
        return found

    def prop(self, iri: str, root: str) -> dict[str, Any]:
        key = (iri, root)
        found = self._props.get(key)
        if found is None:
            names = self.terms.of(iri)
            href = f"{root}ontology.html#{iri[len(M):]}" if iri.startswith(M) else iri
            found = {"href": href, "ja": pick(names, "ja"), "en": pick(names, "en"),
                     "iri": iri, "qname": qname(iri)}
            found["html"] = link_html(found)
            found["th"] = Markup(f'<th scope="row">{found["html"]} <code class="qname">'
                                 f'{escape(found["qname"])}</code></th>')
            self._props[key] = found
        return found


def _markup(html: str) -> Markup:
    """`html`, known to be HTML, as Markup: what Markup(html) gives, without its Python-level
    checks, which cost as much as the rest of a value's HTML."""
    return str.__new__(Markup, html)


def link_html(link: Mapping[str, str]) -> Markup:
    """<a> with the Japanese name and the English one beside it; Markup.format escapes."""
    html = f'<a href="{escape(link["href"])}">{escape(link["ja"])}</a>'
    if link["en"] and link["en"] != link["ja"]:
        html += f' <span lang="en" class="en">{escape(link["en"])}</span>'
    return Markup(html)


def _prop_order(terms: Terms, p: str) -> tuple[int, str]:
    if p in FIRST:
        return FIRST.index(p), ""
    if p == DCT_SOURCE:
        return 99, ""
    return 10, pick(terms.of(p), "en").lower()


# --- machine representations ------------------------------------------------------------------


_string = json.encoder.encode_basestring  # json's own quoting of a str (in C), as dumps uses


def jsonld_bytes(triples: list[ox.Triple], prefixes: Mapping[str, str]) -> bytes:
    """JSON-LD with the prefixes as its context: one node per subject, full IRIs as ids, every
    value an explicit value object (so no term definition can change its meaning).

    The text is what `json.dumps(document, ensure_ascii=False, sort_keys=True)` gives for that
    document, written directly (tests/test_site.py checks the two against each other): the
    dicts and lists json would walk cost more than the text, and this runs once per resource."""
    keys = _keys(tuple(sorted(prefixes.items(), key=lambda kv: -len(kv[1]))))
    nodes: dict[str, dict[str, list[str]]] = {}
    for t in triples:
        s, p, o = t.subject, t.predicate.value, t.object
        assert isinstance(s, ox.NamedNode)  # to_oxigraph refuses blank nodes
        node = nodes.get(s.value)
        if node is None:
            node = nodes[s.value] = {}
        if isinstance(o, ox.NamedNode):
            if p == RDF_TYPE:
                node.setdefault("@type", []).append(_string(o.value))
                continue
            item = f'{{"@id": {_string(o.value)}}}'
        elif not isinstance(o, ox.Literal):
            raise TypeError(f"blank nodes are not published: {o}")
        elif o.language:
            item = f'{{"@language": {_string(o.language)}, "@value": {_string(o.value)}}}'
        else:
            datatype = o.datatype.value
            item = (f'{{"@value": {_string(o.value)}}}' if datatype == XSD_STRING
                    else f'{{"@type": {_string(datatype)}, "@value": {_string(o.value)}}}')
        key = keys.get(p)
        if key is None:
            key = keys[p] = _compact_iri(p, keys.prefixes)
        node.setdefault(key, []).append(item)
    graph = ", ".join(
        "{" + ", ".join(f"{_string(k)}: {v}" for k, v in sorted(
            [("@id", _string(s)), *((k, f"[{', '.join(v)}]") for k, v in props.items())])) + "}"
        for s, props in sorted(nodes.items()))
    return f'{{"@context": {keys.context}, "@graph": [{graph}]}}\n'.encode()


class _Keys(dict[str, str]):
    """Compacted property IRIs, each worked out once for a set of prefixes, and the JSON text
    of those prefixes as a context."""

    def __init__(self, prefixes: tuple[tuple[str, str], ...]) -> None:
        super().__init__()
        self.prefixes = prefixes
        self.context = json.dumps(dict(sorted(prefixes)), ensure_ascii=False, sort_keys=True)


@functools.lru_cache(maxsize=8)
def _keys(prefixes: tuple[tuple[str, str], ...]) -> _Keys:
    return _Keys(prefixes)


def _compact_iri(iri: str, prefixes: tuple[tuple[str, str], ...]) -> str:
    for prefix, ns in prefixes:
        local = iri[len(ns):]
        if iri.startswith(ns) and local and all(c.isalnum() or c in "_-" for c in local):
            return f"{prefix}:{local}"
    return iri


def representations(stem: str, triples: list[ox.Triple],
                    prefixes: Mapping[str, str]) -> dict[str, bytes]:
    rdfxml = ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=dict(prefixes))
    assert rdfxml is not None
    return {
        f"{stem}.ttl": turtle(triples, dict(prefixes)),
        f"{stem}.jsonld": jsonld_bytes(triples, prefixes),
        f"{stem}.nt": ntriples(triples),
        f"{stem}.rdf": rdfxml,
    }


def description(ix: Index, path: str, ontology_labels: Mapping[str, list[ox.Triple]]
                ) -> list[ox.Triple]:
    """The document's own triples, plus the labels of what it links to."""
    own = ix.docs[path]
    out = set(own)
    for t in own:
        if isinstance(t.object, ox.NamedNode):
            o = t.object.value
            out.update(ix.label_triples.get(o, ()))
            out.update(ontology_labels.get(o, ()))
    return sorted(out, key=str)  # as to_oxigraph sorts


# --- schema.org -------------------------------------------------------------------------------


def _first(ix: Index, s: str, p: str) -> str | None:
    values = ix.by_subject.get(s, {}).get(p)
    return values[0].value if values else None


def schema_org(ix: Index, iri: str) -> dict[str, Any]:
    """schema.org markup of one resource, as search engines read it."""
    props = ix.by_subject.get(iri, {})
    types = {t.value for t in props.get(RDF_TYPE, ())}
    names = ix.labels.get(iri, {})
    out: dict[str, Any] = {"@context": "https://schema.org/", "@id": iri, "url": iri,
                           "name": pick(names, "ja")}
    if names.get("en") and names.get("en") != out["name"]:
        out["alternateName"] = names["en"]

    def put(key: str, value: object) -> None:
        if value:  # schema.org markup leaves out what is not known
            out[key] = value

    def ref(target: str | None, kind: str) -> dict[str, Any] | None:
        if target is None:
            return None
        return {"@type": kind, "@id": target, "name": pick(ix.labels.get(target), "ja")}

    lat, long = _first(ix, iri, GEO + "lat"), _first(ix, iri, GEO + "long")
    if lat and long:
        out["geo"] = {"@type": "GeoCoordinates", "latitude": float(lat),
                      "longitude": float(long)}
    if types & {M + "Municipality", M + "Prefecture", M + "FormerMunicipality",
                M + "GovernmentBody"}:
        out["@type"] = "GovernmentOrganization"
        put("identifier", _first(ix, iri, M + "localGovernmentCode"))
        put("sameAs", _first(ix, iri, "http://xmlns.com/foaf/0.1/homepage"))
        parent = _first(ix, iri, M + "prefecture") or _first(
            ix, iri, "http://www.w3.org/ns/org#subOrganizationOf")
        put("parentOrganization", ref(parent, "GovernmentOrganization"))
        out["areaServed"] = {"@type": "Country", "name": "Japan"}
    elif M + "Ward" in types:
        out["@type"] = "AdministrativeArea"
        put("containedInPlace", ref(_first(ix, iri, M + "city"), "AdministrativeArea"))
    elif M + "Award" in types:
        out["@type"] = "MonetaryGrant"
        out["name"] = pick(names, "ja")
        amount = _first(ix, iri, M + "awardedAmount")
        if amount:
            out["amount"] = {"@type": "MonetaryAmount", "value": int(amount), "currency": "JPY"}
        program = _first(ix, iri, M + "program")
        put("funder", ref(_first(ix, program, M + "administeredBy") if program else None,
                          "GovernmentOrganization"))
        put("fundedItem", ref(_first(ix, iri, M + "recipient"), "GovernmentOrganization"))
        year = _first(ix, iri, M + "fiscalYear")
        if year:
            out["temporalCoverage"] = f"{year}-04-01/{int(year) + 1}-03-31"
    elif M + "Program" in types:
        out["@type"] = "GovernmentService"
        put("provider", ref(_first(ix, iri, M + "administeredBy"), "GovernmentOrganization"))
    elif M + "Technology" in types:
        out["@type"] = "DefinedTerm"
        put("inDefinedTermSet", _first(ix, iri, "http://www.w3.org/2004/02/skos/core#inScheme"))
    elif "http://www.w3.org/2004/02/skos/core#ConceptScheme" in types:
        out["@type"] = "DefinedTermSet"
    elif types & {"http://xmlns.com/foaf/0.1/Document", M + "SourceSection"}:
        out["@type"] = "CreativeWork"
        put("sameAs", _first(ix, iri, "http://xmlns.com/foaf/0.1/page"))
        put("datePublished", _first(ix, iri, DCT + "issued"))
    else:
        out["@type"] = "Thing"
    return out


def script_json(data: Any) -> str:
    """JSON safe inside <script>: no "</script>" or "<!--" can end it early."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# --- pages ------------------------------------------------------------------------------------


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline", "templates"),
        autoescape=True,  # every template is HTML or XML: a label is always text
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # templates don't change during a build: no stat() per page
    )
    env.filters["yen"] = charts.yen
    return env


def _lines(links: Iterable[Mapping[str, Any]]) -> Markup:
    """The links as the items of a list, a line each."""
    return _markup("\n".join(f"<li>{link['html']}</li>" for link in links))


def root_of(path: str) -> str:
    return "../" * path.count("/")


def resource_page(site: Site, path: str) -> dict[str, Any]:
    ix = site.ix
    iri = ix.base + path
    root = root_of(path)
    own = ix.docs[path]
    subjects = sorted({subject_iri(t) for t in own}, key=lambda s: (s != iri, s))
    sections = []
    for s in subjects:
        props = ix.by_subject[s]
        rows = []
        for p in sorted(props, key=site.order):
            objects = props[p]
            if len(objects) == 1:
                cell = site.value(p, objects[0], root)["html"]
            else:
                values = [site.value(p, o, root) for o in objects]
                values.sort(key=lambda v: (v.get("lang", ""), v.get("ja", v.get("text", ""))))
                cell = "<ul>" + "".join(f"<li>{v['html']}</li>" for v in values) + "</ul>"
            rows.append(f'<tr>{site.prop(p, root)["th"]}\n<td>{cell}</td></tr>\n')
        fragment = s.partition("#")[2]
        # The table rows as HTML, made here: one template expression per row value costs
        # several Python calls each, and a resource page is mostly its rows.
        sections.append({"iri": s, "id": fragment, "rows": Markup("".join(rows))})
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s, p in ix.inverse.get(path, ()):
        grouped[p].append(site.link(s, root))
    inverse: list[dict[str, Any]] = [
        {"prop": site.prop(p, root), "count": len(items),
         "items": _lines(sorted(items, key=lambda i: (i["ja"], i["href"])))}
        for p, items in sorted(grouped.items(), key=lambda kv: site.order(kv[0]))]
    props = ix.by_subject.get(iri, {})
    names = ix.labels.get(iri, {})
    stem = escape(path.rsplit("/", 1)[-1])
    code = _first(ix, iri, M + "localGovernmentCode")
    types = sorted((site.link(t.value, root) for t in props.get(RDF_TYPE, ())),
                   key=lambda t: t["href"])
    # The lists as HTML, like the rows above: a template loop costs several calls per item.
    return {
        "root": root, "path": path, "iri": iri,
        # A search by P429, the same code: a query to follow, not a claimed identity.
        "wikidata": links.wikidata_query_url(code) if code else None,
        "label_ja": pick(names, "ja") or path, "label_en": names.get("en", ""),
        "types": _markup(", ".join(t["html"] for t in types)),
        "sections": sections, "inverse": inverse,
        "sources": _lines(sorted((site.link(o.value, root) for o in props.get(DCT_SOURCE, ())),
                                 key=lambda t: t["href"])),
        "alternates": _markup("\n".join(
            f'<link rel="alternate" type="{MEDIA_TYPES[ext]}" href="{stem}.{ext}">'
            for ext, _ in FORMATS)),
        "formats": _markup("\n".join(f'<li><a href="{stem}.{ext}">{escape(name)}</a></li>'
                                     for ext, name in FORMATS)),
        "segment": path.split("/", 1)[0],
        "listing": path.split("/", 1)[0] in site.listed,
        "schema": script_json(schema_org(ix, iri)),
    }


def page_inputs(site: Site, path: str) -> bytes:
    """A digest of what `ResourcePages.render` reads for the document at `path`, beyond what
    every page shares (the code, the ontology, the base and which segments have listings: the
    key of reuse.py's record): its own triples, what links to it, and, for each resource it
    links to or is linked from, whether that has a page, its names and label triples, and (for
    schema.org's funder, two steps away) who administers it. The same digest means the same page and
    representations, so a rebuild can keep the previous files (pipeline/reuse.py).

    resource_page, schema_org and description read nothing else: whoever makes them read more
    adds it here, and tests/test_reuse.py compares kept files with files made anew.

    What is shown of a linked resource enters as a digest of its own, made once: a
    municipality's page is linked from each of its awards, and their text, joined and hashed
    for every page that links them, was most of this function's time."""
    ix = site.ix
    own = ix.docs[path]
    parts = [str(t) for t in own]
    linked = {t.object.value for t in own if isinstance(t.object, ox.NamedNode)}
    parts.append("inverse")
    for s, p in ix.inverse.get(path, ()):
        parts.append(f"{s} {p}")
        linked.add(s)
    text = "\n".join(parts).encode()
    # The text's length first: the fixed-length digests that follow cannot pass for text.
    hasher = hashlib.blake2b(len(text).to_bytes(8, "big"), digest_size=16)
    hasher.update(text)
    facts = site.facts
    for iri in sorted(linked):
        fact = facts.get(iri)
        if fact is None:
            fact = facts[iri] = hashlib.blake2b(_facts(ix, iri).encode(), digest_size=16).digest()
        hasher.update(fact)
    return hasher.digest()


def _facts(ix: Index, iri: str) -> str:
    """What a page linking to `iri`, or linked from it, shows of it: see page_inputs."""
    where = ix.doc_of(iri)
    doc = None if where is None or where[0] not in ix.docs else where[0]
    names = ix.labels.get(ix.base + doc) if doc else None
    parts = [f"{iri} {doc} {ix.labels.get(iri)} {names}"]
    parts.extend(str(t) for t in ix.label_triples.get(iri, ()))
    for by in ix.by_subject.get(iri, {}).get(M + "administeredBy", ()):
        parts.append(f"{by} {ix.labels.get(by.value)}")
    return "\n".join(parts)


def listing(site: Site, segment: str, paths: list[str]) -> dict[str, Any]:
    ix = site.ix
    root = "../"
    columns = COLUMNS.get(segment, ())
    # Each row as HTML, made here rather than in the template: a listing can have a row per
    # award, and a template expression costs several Python calls per value.
    rows: list[Markup] = []
    for path in paths:
        iri = ix.base + path
        props = ix.by_subject.get(iri, {})
        names = ix.labels.get(iri, {})
        types = sorted((site.link(t.value, root) for t in props.get(RDF_TYPE, ())),
                       key=lambda t: t["href"])
        ja, en = escape(pick(names, "ja") or path), escape(names.get("en", ""))
        html = [f'<tr><th scope="row" data-sort="{ja}"><a href="{escape(f"{root}{path}.html")}">'
                f'{ja}</a>']
        if en and en != ja:
            html.append(f' <span lang="en" class="en">{en}</span>')
        html.append(f'</th>\n<td>{", ".join(escape(t["ja"]) for t in types)}</td>\n')
        for p in columns:
            values = props.get(p)
            if values:
                cell = site.value(p, values[0], root)  # a link has no sort key: its name
                sort = escape(cell["sort"] if "sort" in cell else cell["ja"])
                html.append(f'<td data-sort="{sort}">{cell["html"]}</td>\n')
            else:
                html.append('<td data-sort=""></td>\n')
        html.append("</tr>\n")
        rows.append(Markup("".join(html)))
    return {"root": root, "segment": segment, "rows": rows, **segment_names(site, segment, paths),
            "columns": [site.prop(p, root) for p in columns]}


def segment_names(site: Site, segment: str, paths: list[str]) -> dict[str, str]:
    """A listing's title: the names of the commonest type of its resources (ties by IRI), so
    "municipality/" lists 市区町村 even though a former municipality is among them."""
    counts: dict[str, int] = defaultdict(int)
    for path in paths:
        for t in site.ix.by_subject.get(site.ix.base + path, {}).get(RDF_TYPE, ()):
            counts[t.value] += 1
    main = min(counts, key=lambda t: (-counts[t], t)) if counts else None
    names = site.terms.of(main) if main else {"en": segment}
    return {"ja": pick(names, "ja"), "en": pick(names, "en")}


def award_charts(site: Site, root: str) -> dict[str, Any]:
    """Awarded amounts by recipient and by program, and awards per fiscal year by status."""
    by_recipient, by_program, by_year, statuses = site.once("award sums",
                                                             lambda: _award_sums(site.ix))

    def bar_items(totals: Mapping[str, int]) -> list[charts.Bar]:
        out = []
        for target, value in totals.items():
            link = site.link(target, root)
            out.append(charts.Bar(link["ja"], value, link["href"]))
        return out

    series = sorted(statuses)
    series_names = [pick(site.terms.of(s), "ja") + " / " + pick(site.terms.of(s), "en")
                    for s in series]
    years = [(year, [by_year[year].get(s, 0) for s in series]) for year in sorted(by_year)]
    return {
        "recipients": charts.bars(bar_items(by_recipient)),
        "programs": charts.bars(bar_items(by_program)),
        "years": charts.stacked_columns(years, series_names),
        "count": sum(sum(v.values()) for v in by_year.values()),
    }


def _award_sums(ix: Index) -> tuple[dict[str, int], dict[str, int], dict[str, dict[str, int]],
                                     set[str]]:
    by_recipient: dict[str, int] = defaultdict(int)
    by_program: dict[str, int] = defaultdict(int)
    by_year: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    statuses: set[str] = set()
    for path in sorted(ix.docs):
        iri = ix.base + path
        props = ix.by_subject.get(iri, {})
        if M + "Award" not in {t.value for t in props.get(RDF_TYPE, ())}:
            continue
        amount = int(_first(ix, iri, M + "awardedAmount") or 0)
        recipient = _first(ix, iri, M + "recipient")
        program = _first(ix, iri, M + "program")
        if recipient:
            by_recipient[recipient] += amount
        if program:
            by_program[program] += amount
        status = _first(ix, iri, M + "awardStatus") or ""
        statuses.add(status)
        by_year[_first(ix, iri, M + "fiscalYear") or "?"][status] += 1
    return by_recipient, by_program, by_year, statuses


def selection_chart(site: Site) -> dict[str, Any] | None:
    """Projects selected per fiscal year, stacked by program (the count each selection
    states); None when the data has no selections."""
    chart: dict[str, Any] | None = site.once("selections", lambda: _selection_chart(site.ix))
    return chart


def _selection_chart(ix: Index) -> dict[str, Any] | None:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    programs: set[str] = set()
    for path in sorted(ix.docs):
        iri = ix.base + path
        props = ix.by_subject.get(iri, {})
        if M + "Selection" not in {t.value for t in props.get(RDF_TYPE, ())}:
            continue
        year, program = _first(ix, iri, M + "fiscalYear"), _first(ix, iri, M + "program")
        count = _first(ix, iri, M + "statedCount")
        if year is None or program is None or count is None:
            continue  # e.g. a total over several years: it has no year of its own
        counts[year][program] += int(count)
        programs.add(program)
    if not counts:
        return None
    series = sorted(programs)
    names = [pick(ix.labels.get(p), "ja") for p in series]
    years = [(year, [counts[year].get(p, 0) for p in series]) for year in sorted(counts)]
    return charts.stacked_columns(years, names)


def local_government_map(site: Site, root: str) -> dict[str, Any]:
    points = [{**point, "href": f"{root}{point['href']}"}
              for point in site.once("map points", lambda: _map_points(site.ix))]
    drawn = charts.points_map(points)
    drawn["recipients"] = sum(1 for p in points if p["highlight"])
    return drawn


def _map_points(ix: Index) -> list[dict[str, Any]]:
    """The local governments drawn on the map, each linking to its page (from the site's
    root)."""
    recipients = {o.value for props in ix.by_subject.values()
                  for o in props.get(M + "recipient", ())}
    points = []
    local_types = {M + "Municipality", M + "Prefecture"}
    for path in sorted(ix.docs):
        iri = ix.base + path
        props = ix.by_subject.get(iri, {})
        types = {t.value for t in props.get(RDF_TYPE, ())}
        lat, long = _first(ix, iri, GEO + "lat"), _first(ix, iri, GEO + "long")
        if not (types & local_types) or lat is None or long is None:
            continue
        # Prefectures are drawn only when they receive an award: their point is the office.
        if M + "Prefecture" in types and iri not in recipients:
            continue
        points.append({"lat": float(lat), "long": float(long), "highlight": iri in recipients,
                       "label": pick(ix.labels.get(iri), "ja"), "href": f"{path}.html"})
    return points


def ontology_page(terms: Terms, root: str) -> dict[str, Any]:
    g = terms.ontology
    groups = (("classes", "クラス", "Classes", OWL.Class),
              ("object-properties", "オブジェクトプロパティ", "Object properties",
               OWL.ObjectProperty),
              ("datatype-properties", "データ型プロパティ", "Datatype properties",
               OWL.DatatypeProperty),
              ("individuals", "個体", "Individuals", OWL.NamedIndividual))
    seen: set[str] = set()
    out = []
    for key, ja, en, cls in groups:
        items = []
        for s in sorted(str(s) for s in g.subjects(RDF.type, cls)):
            if not s.startswith(M) or s in seen:
                continue
            seen.add(s)
            items.append(_term(terms, s))
        out.append({"id": key, "ja": ja, "en": en, "terms": items})
    rest = sorted({str(s) for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(M)}
                  - seen)
    if rest:
        out.append({"id": "other-terms", "ja": "その他", "en": "Other terms",
                    "terms": [_term(terms, s) for s in rest]})
    ontology_iri = URIRef(M.rstrip("#"))
    meta = {str(p): _texts(g.objects(ontology_iri, p)) for p in set(g.predicates(ontology_iri))}
    return {"root": root, "groups": out, "meta": meta, "iri": M.rstrip("#")}


def _texts(nodes: Iterable[Any]) -> dict[str, str]:
    return {getattr(n, "language", None) or "": str(n) for n in sorted(nodes)}


def _term(terms: Terms, iri: str) -> dict[str, Any]:
    g = terms.ontology
    s = URIRef(iri)
    rows = []
    shown = {RDFS_LABEL, "http://www.w3.org/2004/02/skos/core#definition"}
    for p in sorted({str(p) for p in g.predicates(s)} - shown):
        values = []
        for o in sorted(g.objects(s, URIRef(p)), key=str):
            if isinstance(o, URIRef):
                text = str(o)
                href = f"#{text[len(M):]}" if text.startswith(M) else text
                values.append({"href": href, "text": qname(text)})
            else:
                values.append({"text": str(o), "lang": getattr(o, "language", None) or ""})
        rows.append({"qname": qname(p), "iri": p, "values": values})
    definitions = _texts(g.objects(s, URIRef("http://www.w3.org/2004/02/skos/core#definition")))
    names = terms.of(iri)
    return {"id": iri[len(M):], "iri": iri, "ja": names.get("ja", ""), "en": names.get("en", ""),
            "definition_ja": definitions.get("ja", ""), "definition_en": definitions.get("en", ""),
            "rows": rows}


def shapes_page(root: str) -> dict[str, Any]:
    g = load_graph(SHAPES_DIR)
    ns = SITE_PREFIXES["mirai-sh"]

    def show(node: Any) -> dict[str, Any]:
        if isinstance(node, URIRef):
            text = str(node)
            if text.startswith(ns):
                href = f"#{text[len(ns):]}"
            elif text.startswith(M):
                href = f"{root}ontology.html#{text[len(M):]}"
            else:
                href = text
            return {"href": href, "text": qname(text), "lang": "", "code": False}
        if isinstance(node, BNode):
            if (node, RDF.first, None) in g:
                items = [show(i)["text"] for i in RdfList(g, node)]
                text = "( " + " ".join(items) + " )"
            else:
                text = "[ " + " ; ".join(f"{qname(str(p))} {show(o)['text']}"
                                         for p, o in sorted(g.predicate_objects(node))) + " ]"
            return {"href": "", "text": text, "lang": "", "code": False}
        return {"href": "", "text": str(node), "lang": getattr(node, "language", None) or "",
                "code": "\n" in str(node)}

    groups = (("node-shapes", "ノードシェイプ", "Node shapes", SH.NodeShape),
              ("property-shapes", "プロパティシェイプ", "Property shapes", SH.PropertyShape),
              ("sparql-constraints", "SPARQL 制約", "SPARQL constraints", SH.SPARQLConstraint))
    out = []
    for key, ja, en, cls in groups:
        items = []
        for s in sorted(str(s) for s in g.subjects(RDF.type, cls) if isinstance(s, URIRef)):
            rows: list[dict[str, Any]] = [
                {"qname": qname(str(p)), "iri": str(p),
                 # by text: blank nodes have no stable order of their own
                 "values": sorted((show(o) for o in g.objects(URIRef(s), p)),
                                  key=lambda v: str(v["text"]))}
                for p in sorted(set(g.predicates(URIRef(s))), key=str) if p != RDF.type]
            items.append({"id": s[len(ns):] if s.startswith(ns) else s, "iri": s,
                          "qname": qname(s), "rows": rows})
        out.append({"id": key, "ja": ja, "en": en, "shapes": items})
    return {"root": root, "groups": out}


# --- the output -------------------------------------------------------------------------------


class ResourcePages:
    """The page and the four machine representations of every resource: most of the site, and
    each resource independent of the others, so that any process can render any batch of them
    (in the order of `paths`). What they need is made on first use, in the process using it."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.base = dataset.iris.base

    @functools.cached_property
    def triples(self) -> list[ox.Triple]:
        return self.dataset.ox_triples

    @functools.cached_property
    def ix(self) -> Index:
        return index(self.triples, self.base)

    @functools.cached_property
    def terms(self) -> Terms:
        return load_terms()

    @functools.cached_property
    def site(self) -> Site:
        return Site(self.ix, self.terms)

    @functools.cached_property
    def env(self) -> jinja2.Environment:
        return environment()

    @functools.cached_property
    def ontology_triples(self) -> list[ox.Triple]:
        return to_oxigraph(self.terms.ontology)

    @functools.cached_property
    def ontology_labels(self) -> dict[str, list[ox.Triple]]:
        labels: dict[str, list[ox.Triple]] = defaultdict(list)
        for t in self.ontology_triples:
            if t.predicate.value == RDFS_LABEL:
                labels[subject_iri(t)].append(t)
        return labels

    @functools.cached_property
    def paths(self) -> list[str]:
        return sorted(self.ix.docs)

    @functools.cached_property
    def segments(self) -> dict[str, list[str]]:
        """The paths of each segment that has a listing page, by segment."""
        segments: dict[str, list[str]] = defaultdict(list)
        for path in self.paths:
            segment = path.split("/", 1)[0]
            if segment in self.site.listed:  # not a single resource at the segment itself
                segments[segment].append(path)
        return dict(sorted(segments.items()))

    def render(self, paths: Iterable[str]) -> dict[str, bytes]:
        page = self.env.get_template("resource.html")
        made: dict[str, bytes] = {}
        for path in paths:
            made[f"{path}.html"] = page.render(p=resource_page(self.site, path),
                                               base=self.base).encode()
            made.update(representations(path, description(self.ix, path, self.ontology_labels),
                                        PREFIXES))
        return made


def site_files(dataset: Dataset, report: Report, files: Collection[str]) -> dict[str, bytes]:
    """Every page of the site and the four machine representations next to each resource
    page; files another output already wrote (`files`, e.g. the catalog's) are left to it."""
    del report
    pages = ResourcePages(dataset)
    out = pages.render(pages.paths)
    out.update(other_files(pages))
    out["index.html"] = home_page(pages, files)
    return {name: data for name, data in out.items() if name not in files}


def other_files(pages: ResourcePages) -> dict[str, bytes]:
    """The site but the resource pages and the home page: listings, the ontology and shapes
    pages, the ontology's representations (but its Turtle: the ontology file itself is
    published), assets, 404.html, sitemap.xml and robots.txt."""
    base, ix, site, env, terms = pages.base, pages.ix, pages.site, pages.env, pages.terms
    out: dict[str, bytes] = {}
    listing_template = env.get_template("listing.html")
    for segment, paths in pages.segments.items():
        data = listing(site, segment, paths)
        if segment == "award":
            data["charts"] = award_charts(site, "../")
        if segment == "selection":
            data["selections"] = selection_chart(site)
        if segment == "municipality":
            data["map"] = local_government_map(site, "../")
        out[f"{segment}/index.html"] = listing_template.render(p=data, base=base).encode()
    out["ontology.html"] = env.get_template("ontology.html").render(
        p=ontology_page(terms, ""), base=base).encode()
    ontology = representations("ontology", pages.ontology_triples, SITE_PREFIXES)
    del ontology["ontology.ttl"]
    out.update(ontology)
    out["shapes.html"] = env.get_template("shapes.html").render(p=shapes_page(""),
                                                                base=base).encode()
    css = resources.files("pipeline").joinpath("static/style.css").read_bytes()
    out["assets/style.css"] = css
    out["assets/sort.js"] = resources.files("pipeline").joinpath("static/sort.js").read_bytes()
    out["404.html"] = env.get_template("404.html").render(
        p={"root": base, "css": css.decode()}, base=base).encode()
    urls = [base, f"{base}ontology", f"{base}shapes"]
    urls += [f"{base}{segment}/" for segment in pages.segments]
    urls += [base + path for path in ix.docs]
    out["sitemap.xml"] = env.get_template("sitemap.xml").render(urls=sorted(urls)).encode()
    out["robots.txt"] = f"User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n".encode()
    return out


def home_page(pages: ResourcePages, files: Collection[str]) -> bytes:
    """index.html, which lists the files written before the site (`files`)."""
    base, ix, site = pages.base, pages.ix, pages.site
    classes = [{"segment": segment, "count": len(paths), "href": f"{segment}/index.html",
                "example": base + paths[0], **segment_names(site, segment, paths)}
               for segment, paths in pages.segments.items()]
    home: dict[str, Any] = {
        "root": "", "classes": classes, "charts": award_charts(site, ""),
        "map": local_government_map(site, ""), "documents": len(ix.docs),
        "selections": selection_chart(site),
        "triples": len(pages.triples), "files": sorted(files),
        "schema": script_json(catalog.dataset_jsonld(pages.dataset)),
        "example": next((base + p for p in pages.paths if p.startswith("award/")),
                        base + min(ix.docs, default="")),
    }
    return pages.env.get_template("home.html").render(p=home, base=base).encode()
