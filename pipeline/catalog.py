"""What data portals harvest: a DCAT-AP 3 catalog of the dataset and its downloads, a VoID
description with statistics, and schema.org Dataset markup for the home page.

Everything here is computed from the source (dates, version, license) and from the files written
before (sizes, checksums): the same source gives the same catalog, byte for byte.
"""

from __future__ import annotations

import hashlib
import importlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import jinja2
import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, VOID
from rdflib.term import Node

from pipeline.load import Record
from pipeline.publish import Content, sha256_of, size_of
from pipeline.rdf import PREFIXES
from pipeline.serialize import Runs, jsonld, ntriples, subject_runs, to_oxigraph, turtle
from pipeline.vocab import MIRAI

_RDF_TYPE = str(RDF.type)

if TYPE_CHECKING:
    from pipeline.build import Dataset
    from pipeline.validate import Report

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
IANA = "http://www.iana.org/assignments/media-types/"
EU = "http://publications.europa.eu/resource/authority/"

CATALOG_PREFIXES: dict[str, str] = {
    **PREFIXES,
    "dcat": str(DCAT),
    "dcatap": str(DCATAP),
    "spdx": str(SPDX),
    "vcard": str(VCARD),
    "void": str(VOID),
    "owl": str(OWL),
    "geosparql": str(GSP),
}
# The catalog's JSON-LD uses prefixes only: portals read it as plain JSON-LD.
CATALOG_CONTEXT: dict[str, Any] = {prefix: ns for prefix, ns in sorted(CATALOG_PREFIXES.items())}

# Japan, in the EU country authority that DCAT-AP portals know, and in GeoNames.
JAPAN = URIRef(f"{EU}country/JPN")
JAPAN_GEONAMES = URIRef("https://sws.geonames.org/1861060/")
# A point in central Japan (Nagano), the usual centroid given for the country.
JAPAN_CENTROID = "POINT(138.2529 36.2048)"
# Yonaguni (122.93 E) to Minamitorishima (153.99 E), Okinotorishima (20.42 N) to Bentenjima
# (45.56 N).
JAPAN_BBOX = ("POLYGON((122.93 20.42, 153.99 20.42, 153.99 45.56, 122.93 45.56, "
              "122.93 20.42))")
THEME_SCHEME = URIRef(f"{EU}data-theme")
THEME = URIRef(f"{EU}data-theme/GOVE")
STABLE = URIRef(f"{EU}planned-availability/STABLE")
ATTRIBUTION_LICENCE = URIRef("http://purl.org/adms/licencetype/Attribution")
CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"
# The terms the source document is published under, and their 2024 successor (same terms).
GOV_TERMS_2 = URIRef("https://www.kantei.go.jp/jp/singi/it2/densi/kettei/gl2_betten_1.pdf")
PDL_1 = URIRef("https://www.digital.go.jp/resources/open_data/public_data_license_v1.0")
DCAT_AP = URIRef("http://data.europa.eu/r5r/")
CSVW_NS = URIRef("http://www.w3.org/ns/csvw#")


@dataclass(frozen=True)
class Format:
    """How a download is described: media type (IANA), EU file type and a label."""

    media_type: str
    file_type: str
    label: str
    compress: str | None = None


# Dump suffix → format; the order is the order of the distributions.
FORMATS: dict[str, Format] = {
    ".ttl": Format("text/turtle", "RDF_TURTLE", "Turtle"),
    ".nt.gz": Format("application/n-triples", "RDF_N_TRIPLES", "N-Triples (gzip)",
                     "application/gzip"),
    ".jsonld": Format("application/ld+json", "JSON_LD", "JSON-LD"),
    ".csv": Format("text/csv", "CSV", "CSV"),
}


@dataclass(frozen=True)
class Meta:
    """What the source says about the dataset as a whole (source/dataset.yaml)."""

    title_ja: str
    title_en: str
    description_ja: str
    description_en: str
    version: str
    issued: date | None
    release: date | None
    publisher_ja: str
    publisher_en: str
    contact: str
    license: str
    attribution_ja: str
    attribution_en: str
    first_year: int | None
    last_year: int | None


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def meta(dataset: Dataset) -> Meta:
    """The dataset record of the source, or plain defaults for a tree without one (tests)."""
    records = dataset.source.of("dataset")
    years = dataset.years
    first, last = (years[0], years[-1]) if years else (None, None)
    if records:
        r: Record = records[0]
        return Meta(r["title_ja"], r["title_en"], r["description_ja"], r["description_en"],
                    r["version"], _date(r["issued"]), _date(r["release"]), r["publisher_ja"],
                    r["publisher_en"], r["contact"], r["license"], r["attribution_ja"],
                    r["attribution_en"], first, last)
    dates = sorted(str(r["issued"]) for r in dataset.source.of("source") if "issued" in r.values)
    return Meta(
        "mirai-lod", "mirai-lod", "未来技術関連事業の採択データ",
        "Awards of future-technology programs", "0.0.0",
        _date(dates[0]) if dates else None, _date(dates[-1]) if dates else None,
        "mirai-lod", "mirai-lod", dataset.iris.base, CC_BY_4, "出典の記載なし", "no attribution",
        first, last)


@dataclass(frozen=True)
class Download:
    path: str  # relative to the publication (and to a release's folder)
    size: int  # bytes
    sha256: str  # hex

    @property
    def format(self) -> Format:
        for suffix, fmt in FORMATS.items():
            if self.path.endswith(suffix):
                return fmt
        raise ValueError(f"no format known for {self.path}")


def downloads(files: Mapping[str, Content]) -> list[Download]:
    """The files a portal offers for download: the dumps, then the CSV tables, in order."""
    out = []
    for suffix in FORMATS:
        for path in sorted(files):
            if path.startswith("download/") and path.endswith(suffix):
                out.append(Download(path, size_of(files[path]), sha256_of(files[path])))
    return out


def _ja_en(graph: Graph, s: URIRef, p: URIRef, ja: str, en: str) -> None:
    graph.add((s, p, Literal(ja, lang="ja")))
    graph.add((s, p, Literal(en, lang="en")))


def _date_literal(day: date) -> Literal:
    return Literal(day.isoformat(), datatype=XSD.date)


def _concept(graph: Graph, iri: URIRef, label: str) -> None:
    graph.add((iri, RDF.type, SKOS.Concept))
    graph.add((iri, SKOS.prefLabel, Literal(label, lang="en")))


def catalog_graph(dataset: Dataset, files: Mapping[str, Content], root: str,
                  release: str | None = None) -> Graph:
    """DCAT-AP 3 catalog `{root}catalog` of the dataset `{root}dataset` and each download.

    `root` is the base for the current publication and `{base}release/VERSION/` for a
    release, whose downloads then keep their URLs for ever.
    """
    m = meta(dataset)
    base = dataset.iris.base
    g = Graph(bind_namespaces="none")
    for prefix, ns in CATALOG_PREFIXES.items():
        g.bind(prefix, ns)
    catalog, ds = URIRef(f"{root}catalog"), URIRef(f"{root}dataset")
    publisher, contact = URIRef(f"{root}catalog#publisher"), URIRef(f"{root}catalog#contact")
    license_iri, rights = URIRef(m.license), URIRef(f"{root}catalog#rights")
    version = release or m.version

    g.add((catalog, RDF.type, DCAT.Catalog))
    _ja_en(g, catalog, DCTERMS.title, f"{m.title_ja} カタログ", f"Catalog of {m.title_en}")
    _ja_en(g, catalog, DCTERMS.description,
           f"{m.title_ja}のデータセットとダウンロードの一覧 (DCAT-AP 3)",
           f"The dataset and its downloads, in DCAT-AP 3: {m.title_en}")
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, DCAT.dataset, ds))
    g.add((catalog, FOAF.homepage, URIRef(base)))
    g.add((catalog, DCTERMS.license, license_iri))
    g.add((catalog, DCTERMS.spatial, JAPAN))
    g.add((catalog, DCAT.themeTaxonomy, THEME_SCHEME))
    for lang in ("JPN", "ENG"):
        language = URIRef(f"{EU}language/{lang}")
        g.add((catalog, DCTERMS.language, language))
        g.add((ds, DCTERMS.language, language))
        g.add((language, RDF.type, DCTERMS.LinguisticSystem))
    g.add((catalog, DCTERMS.conformsTo, DCAT_AP))
    g.add((DCAT_AP, RDF.type, DCTERMS.Standard))
    if m.issued:
        g.add((catalog, DCTERMS.issued, _date_literal(m.issued)))
    if m.release:
        g.add((catalog, DCTERMS.modified, _date_literal(m.release)))

    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, RDF.type, FOAF.Organization))
    _ja_en(g, publisher, FOAF.name, m.publisher_ja, m.publisher_en)
    g.add((publisher, FOAF.homepage, URIRef(base)))

    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(m.publisher_en)))
    g.add((contact, VCARD.hasURL, URIRef(m.contact)))

    g.add((license_iri, RDF.type, DCTERMS.LicenseDocument))
    g.add((license_iri, DCTERMS.type, ATTRIBUTION_LICENCE))
    g.add((license_iri, RDFS.label, Literal("CC BY 4.0")))
    g.add((ATTRIBUTION_LICENCE, RDF.type, SKOS.Concept))
    g.add((ATTRIBUTION_LICENCE, SKOS.prefLabel, Literal("Attribution", lang="en")))
    g.add((rights, RDF.type, DCTERMS.RightsStatement))
    _ja_en(g, rights, RDFS.label, m.attribution_ja, m.attribution_en)
    g.add((rights, DCTERMS.source, GOV_TERMS_2))
    g.add((rights, DCTERMS.source, PDL_1))

    g.add((JAPAN, RDF.type, DCTERMS.Location))
    g.add((JAPAN, OWL.sameAs, JAPAN_GEONAMES))
    _ja_en(g, JAPAN, SKOS.prefLabel, "日本", "Japan")
    g.add((JAPAN, DCAT.centroid, Literal(JAPAN_CENTROID, datatype=GSP.wktLiteral)))
    g.add((JAPAN, DCAT.bbox, Literal(JAPAN_BBOX, datatype=GSP.wktLiteral)))
    g.add((THEME_SCHEME, RDF.type, SKOS.ConceptScheme))
    g.add((THEME_SCHEME, DCTERMS.title, Literal("Data theme", lang="en")))
    _concept(g, THEME, "Government and public sector")
    g.add((THEME, SKOS.inScheme, THEME_SCHEME))

    g.add((ds, RDF.type, DCAT.Dataset))
    _ja_en(g, ds, DCTERMS.title, m.title_ja, m.title_en)
    _ja_en(g, ds, DCTERMS.description, m.description_ja, m.description_en)
    g.add((ds, DCTERMS.identifier, Literal(str(ds))))
    g.add((ds, DCTERMS.publisher, publisher))
    g.add((ds, DCAT.contactPoint, contact))
    g.add((ds, DCAT.landingPage, URIRef(base)))
    g.add((URIRef(base), RDF.type, FOAF.Document))
    g.add((ds, DCAT.theme, THEME))
    g.add((ds, DCTERMS.spatial, JAPAN))
    g.add((ds, DCTERMS.license, license_iri))
    g.add((ds, DCTERMS.rights, rights))
    g.add((ds, DCAT.version, Literal(version)))
    g.add((ds, OWL.versionInfo, Literal(version)))
    if release is not None:
        g.add((ds, DCAT.isVersionOf, URIRef(f"{base}dataset")))
    for keyword_ja, keyword_en in (("未来技術社会実装事業", "future technology"),
                                   ("地方創生推進交付金", "regional revitalization grant"),
                                   ("Society5.0", "Society 5.0"),
                                   ("地方公共団体", "local government")):
        _ja_en(g, ds, DCAT.keyword, keyword_ja, keyword_en)
    if m.issued:
        g.add((ds, DCTERMS.issued, _date_literal(m.issued)))
    if m.release:
        g.add((ds, DCTERMS.modified, _date_literal(m.release)))
    if m.first_year is not None and m.last_year is not None:
        period = URIRef(f"{root}catalog#temporal")
        g.add((ds, DCTERMS.temporal, period))
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        # Fiscal years start on 1 April: FY2022 runs from 2022-04-01 to 2023-03-31.
        g.add((period, DCAT.startDate, _date_literal(date(m.first_year, 4, 1))))
        g.add((period, DCAT.endDate, _date_literal(date(m.last_year + 1, 3, 31))))
    for record in dataset.source.of("source"):
        if "part_of" not in record.values:
            # Not dcterms:source: DCAT-AP reserves it for datasets, and these are documents.
            g.add((ds, PROV.wasDerivedFrom, dataset.iris.source(record.key)))

    g.add((STABLE, RDF.type, SKOS.Concept))
    g.add((STABLE, SKOS.prefLabel, Literal("stable", lang="en")))
    for download in downloads(files):
        _distribution(g, ds, root, download, license_iri, rights)
    return g


def _distribution(g: Graph, ds: URIRef, root: str, download: Download, license_iri: URIRef,
                  rights: URIRef) -> None:
    fmt = download.format
    url = URIRef(root + download.path)
    dist = URIRef(f"{root}catalog#{download.path.removeprefix('download/').replace('/', '-')}")
    checksum = URIRef(f"{url}#sha256")
    media_type = URIRef(IANA + fmt.media_type)
    file_type = URIRef(f"{EU}file-type/{fmt.file_type}")
    g.add((ds, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    name = download.path.rsplit("/", 1)[-1]
    g.add((dist, DCTERMS.title, Literal(f"{name} ({fmt.label})", lang="en")))
    g.add((dist, DCTERMS.description,
           Literal(f"The dataset as {fmt.label}: {name}" if not name.endswith(".csv") else
                   f"One table per class as CSV with CSV on the Web metadata: {name}",
                   lang="en")))
    g.add((dist, DCAT.accessURL, url))
    g.add((dist, DCAT.downloadURL, url))
    g.add((dist, DCAT.mediaType, media_type))
    g.add((media_type, RDF.type, DCTERMS.MediaType))
    g.add((dist, DCTERMS.format, file_type))
    g.add((file_type, RDF.type, DCTERMS.MediaTypeOrExtent))
    if fmt.compress is not None:
        compress = URIRef(IANA + fmt.compress)
        g.add((dist, DCAT.compressFormat, compress))
        g.add((compress, RDF.type, DCTERMS.MediaType))
    if name.endswith(".csv"):
        g.add((dist, DCTERMS.conformsTo, CSVW_NS))
        g.add((CSVW_NS, RDF.type, DCTERMS.Standard))
    g.add((dist, DCAT.byteSize, Literal(str(download.size), datatype=XSD.nonNegativeInteger)))
    g.add((dist, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((checksum, SPDX.checksumValue, Literal(download.sha256, datatype=XSD.hexBinary)))
    g.add((dist, DCTERMS.license, license_iri))
    g.add((dist, DCTERMS.rights, rights))
    g.add((dist, DCATAP.availability, STABLE))


def rdf_files(graph: Graph, stem: str) -> dict[str, bytes]:
    """`stem`.ttl, .nt, .jsonld and .rdf of one graph, so the resource dereferences like the
    others."""
    triples = to_oxigraph(graph)
    rdfxml = ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=CATALOG_PREFIXES)
    assert rdfxml is not None
    return {
        f"{stem}.ttl": turtle(triples, CATALOG_PREFIXES),
        f"{stem}.nt": ntriples(triples),
        f"{stem}.jsonld": jsonld(graph, CATALOG_CONTEXT),
        f"{stem}.rdf": rdfxml,
    }


# --- VoID -----------------------------------------------------------------------------------


def _local(iri: Node) -> str:
    text = str(iri)
    for prefix, ns in sorted(CATALOG_PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(ns):
            return f"{prefix}-{text[len(ns):]}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def void_graph(dataset: Dataset, files: Mapping[str, Content]) -> Graph:
    """VoID statistics of the dataset and its class and property partitions, with the
    linksets to other datasets."""
    base = dataset.iris.base
    g = Graph(bind_namespaces="none")
    for prefix, ns in CATALOG_PREFIXES.items():
        g.bind(prefix, ns)
    ds = URIRef(f"{base}dataset")
    m = meta(dataset)
    g.add((ds, RDF.type, VOID.Dataset))
    _ja_en(g, ds, DCTERMS.title, m.title_ja, m.title_en)
    g.add((ds, DCTERMS.license, URIRef(m.license)))
    g.add((ds, FOAF.homepage, URIRef(base)))
    g.add((ds, VOID.uriSpace, Literal(base)))
    g.add((ds, VOID.sparqlEndpoint, URIRef(f"{base}sparql")))
    g.add((ds, VOID.rootResource, URIRef(f"{base}technology")))
    for download in downloads(files):
        if not download.path.endswith(".csv"):
            g.add((ds, VOID.dataDump, URIRef(base + download.path)))
    for ns in ("rdf", "rdfs", "skos", "dcterms", "foaf", "org", "prov", "geo", "schema"):
        g.add((ds, VOID.vocabulary, URIRef(PREFIXES[ns])))
    g.add((ds, VOID.vocabulary, URIRef(str(MIRAI))))

    stats = _Statistics(dataset.ox_triples, base, dataset.subjects)
    _count(g, ds, VOID.triples, stats.triples)
    _count(g, ds, VOID.entities, len(stats.entities))
    _count(g, ds, VOID.distinctSubjects, len(stats.per_subject))
    _count(g, ds, VOID.distinctObjects, len(stats.objects))
    _count(g, ds, VOID.classes, len(stats.members))
    _count(g, ds, VOID.properties, len(stats.per_property))
    for cls in sorted(stats.members, key=str):
        part = URIRef(f"{base}dataset#class-{_local(cls)}")
        members = stats.members[cls]
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], cls))
        _count(g, part, VOID.entities, len(members))
        _count(g, part, VOID.triples, sum(stats.per_subject[str(s)] for s in members))
        first = min(members, key=str)
        if cls in (MIRAI.Award, MIRAI.Municipality, MIRAI.Program, MIRAI.Technology):
            g.add((ds, VOID.exampleResource, first))
    for prop in sorted(stats.per_property, key=str):
        part = URIRef(f"{base}dataset#property-{_local(prop)}")
        triples, subjects, objects = stats.per_property[prop]
        g.add((ds, VOID.propertyPartition, part))
        g.add((part, VOID.property, prop))
        _count(g, part, VOID.triples, triples)
        _count(g, part, VOID.distinctSubjects, subjects)
        _count(g, part, VOID.distinctObjects, len(objects))
    for triple in linksets(dataset):
        g.add(triple)
    return g


class _Statistics:
    """What VoID counts, gathered in one pass over the triples (each once, as the dumps hold
    them), without a graph lookup per class and per property. Resources are keyed by IRI;
    distinct objects are counted as terms. The triples are taken a subject at a time
    (serialize.subject_runs): a property's distinct subjects are then counted as the subject
    changes, not kept in a set of their own (at 10M triples, a set entry and a str for every
    triple)."""

    def __init__(self, triples: Sequence[ox.Triple], base: str, runs: Runs | None = None
                 ) -> None:
        self.triples = 0
        self.entities: set[str] = set()
        self.objects: set[object] = set()
        self.per_subject: dict[str, int] = {}
        self.members: dict[URIRef, set[URIRef]] = defaultdict(set)
        # property → (triples, distinct subjects, distinct objects)
        self.per_property: dict[URIRef, tuple[int, int, set[object]]] = {}
        # property → [triples, distinct subjects, distinct objects, the last subject]
        per_property: dict[str, list[Any]] = {}
        if runs is None:  # else those subject_runs finds in `triples`, which are sorted
            triples, runs = subject_runs(triples)
        for subject, start, stop in runs:
            self.triples += stop - start
            self.per_subject[subject] = stop - start
            for i in range(start, stop):
                t = triples[i]
                p, o = t.predicate.value, t.object
                self.objects.add(o)
                if p == _RDF_TYPE and isinstance(o, ox.NamedNode):
                    self.members[URIRef(o.value)].add(URIRef(subject))
                    if subject.startswith(base):
                        self.entities.add(subject)
                counts = per_property.get(p)
                if counts is None:
                    counts = per_property[p] = [0, 0, set(), None]
                counts[0] += 1
                if counts[3] is not subject:
                    counts[1] += 1
                    counts[3] = subject
                counts[2].add(o)
        self.per_property = {URIRef(p): (n, subjects, objects)
                             for p, (n, subjects, objects, _) in per_property.items()}


def _count(g: Graph, s: URIRef, p: URIRef, n: int) -> None:
    g.add((s, p, Literal(n, datatype=XSD.integer)))


def linksets(dataset: Dataset) -> Graph:
    """void:Linkset descriptions from the links module (pipeline/links.py), when the build has
    one; an empty graph otherwise."""
    try:
        links = importlib.import_module("pipeline.links")
    except ModuleNotFoundError as error:
        if error.name != "pipeline.links":
            raise
        return Graph()
    graph: Graph = links.void_linksets(dataset, URIRef(f"{dataset.iris.base}dataset"))
    return graph


# --- schema.org -----------------------------------------------------------------------------


def dataset_jsonld(dataset: Dataset) -> dict[str, Any]:
    """schema.org Dataset markup for the home page (<script type="application/ld+json">), as
    search engines read it."""
    m = meta(dataset)
    base = dataset.iris.base
    out: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": f"{base}dataset",
        "name": m.title_en,
        "alternateName": m.title_ja,
        "description": m.description_en,
        "url": base,
        "identifier": f"{base}dataset",
        "version": m.version,
        "license": m.license,
        "creditText": m.attribution_ja,
        "isAccessibleForFree": True,
        "inLanguage": ["ja", "en"],
        "keywords": ["未来技術社会実装事業", "Society5.0", "地方創生推進交付金",
                     "linked open data"],
        "publisher": {"@type": "Organization", "name": m.publisher_en, "url": base},
        "creator": {"@type": "Organization", "name": m.publisher_en, "url": base},
        "spatialCoverage": {"@type": "Place", "name": "Japan",
                            "sameAs": str(JAPAN_GEONAMES)},
        "includedInDataCatalog": {"@type": "DataCatalog", "url": f"{base}catalog"},
        "distribution": [
            {"@type": "DataDownload", "encodingFormat": fmt.media_type,
             "contentUrl": f"{base}download/mirai-lod{suffix}"}
            for suffix, fmt in FORMATS.items() if suffix != ".csv"
        ],
    }
    if m.issued:
        out["datePublished"] = m.issued.isoformat()
    if m.release:
        out["dateModified"] = m.release.isoformat()
    if m.first_year is not None and m.last_year is not None:
        out["temporalCoverage"] = f"{m.first_year}-04-01/{m.last_year + 1}-03-31"
    return out


# --- the build output -----------------------------------------------------------------------


def catalog_files(dataset: Dataset, report: Report, files: Mapping[str, Content]
                  ) -> dict[str, bytes]:
    """catalog.{ttl,nt,jsonld,rdf,html}, dataset.* (the same description, at the dataset's own
    IRI, with the VoID statistics) and void.ttl."""
    del report  # the catalog does not depend on the warnings
    base = dataset.iris.base
    catalog = catalog_graph(dataset, files, base)
    void = void_graph(dataset, files)
    out = rdf_files(catalog, "catalog")
    out["catalog.html"] = catalog_page(dataset, files, "", "catalog", void="void.ttl",
                                       releases="release/index.html")
    out.update(rdf_files(_union((catalog, void)), "dataset"))
    out["dataset.html"] = catalog_page(dataset, files, "", "dataset", void="void.ttl",
                                       releases="release/index.html")
    out["void.ttl"] = rdf_files(void, "void")["void.ttl"]
    return out


def environment() -> jinja2.Environment:
    """The site's templates (pipeline/templates), so these pages look like the others."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline", "templates"),
        autoescape=True,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def catalog_page(dataset: Dataset, files: Mapping[str, Content], root: str, stem: str,
                 version: str | None = None, void: str | None = None,
                 releases: str | None = None) -> bytes:
    """The catalog for people: what the dataset is, its license and attribution, and every
    download with its size and checksum. `root` leads from the page to the site's root."""
    m = meta(dataset)
    temporal = (f"{m.first_year}-04-01 – {m.last_year + 1}-03-31"
                if m.first_year is not None and m.last_year is not None else "")
    page = {
        "root": root, "stem": stem, "title_ja": m.title_ja, "title_en": m.title_en,
        "description_ja": m.description_ja, "description_en": m.description_en,
        "version": version or m.version,
        "issued": m.issued.isoformat() if m.issued else "",
        "modified": m.release.isoformat() if m.release else "", "temporal": temporal,
        "publisher_ja": m.publisher_ja, "publisher_en": m.publisher_en, "contact": m.contact,
        "license": m.license, "attribution_ja": m.attribution_ja,
        "attribution_en": m.attribution_en, "void": void, "releases": releases,
        "downloads": [{"path": d.path, "href": d.path, "label": d.format.label,
                       "media_type": d.format.media_type, "size": d.size,
                       "sha256": d.sha256}
                      for d in downloads(files)],
    }
    return environment().get_template("catalog.html").render(p=page).encode()


def _union(graphs: Iterable[Graph]) -> Graph:
    g = Graph(bind_namespaces="none")
    for graph in graphs:
        for triple in graph:
            g.add(triple)
    return g
