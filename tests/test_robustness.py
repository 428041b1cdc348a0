"""Reliability: any valid record survives every dump format; nothing the loader is given makes
it fail other than with a located source error; tricky literals survive every serializer."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld
from rdflib import Graph, Literal, URIRef

from pipeline.build import DUMP, build
from pipeline.errors import SourceError, SourceErrors
from pipeline.load import _CONTROL, _MARKUP, load
from pipeline.paths import ONTOLOGY_DIR
from pipeline.rdf import DEFAULT_BASE
from pipeline.serialize import gzipped, load_context, ntriples, to_oxigraph, turtle
from pipeline.serialize import jsonld as to_jsonld

BASE = Path(__file__).parent / "cases" / "base"
MIRAI = "https://w3id.org/mirai-lod/ontology#"

# Plain one-line text as an editor may type it: any letters, marks, numbers, punctuation,
# symbols and spaces (CJK included), but no markup and no surrounding spaces.
TEXT = st.text(
    alphabet=st.characters(categories=("L", "M", "N", "P", "S", "Zs"),
                           exclude_characters="\u2028\u2029\x85"),
    min_size=1, max_size=60,
).map(str.strip).filter(lambda t: t != "" and not _MARKUP.search(t) and not _CONTROL.search(t))


def read_all_formats(out: Path) -> list[set[str]]:
    ttl = (out / f"{DUMP}.ttl").read_bytes()
    nt = gzip.decompress((out / f"{DUMP}.nt.gz").read_bytes())
    jld = (out / f"{DUMP}.jsonld").read_bytes()
    as_nq = jsonld.to_rdf(json.loads(jld), {"format": "application/n-quads"}).encode()
    sets = []
    for data, fmt in ((ttl, ox.RdfFormat.TURTLE), (nt, ox.RdfFormat.N_TRIPLES),
                      (jld, ox.RdfFormat.JSON_LD), (as_nq, ox.RdfFormat.N_QUADS)):
        sets.append({f"{t.subject} {t.predicate} {t.object}" for t in ox.parse(data, format=fmt)})
    return sets


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
# Up to 600,000 千円 requested: half of it stays within the annual cap of 3億円.
@given(title=TEXT, requested=st.integers(min_value=0, max_value=600_000),
       year=st.integers(min_value=1947, max_value=2100))
def test_any_valid_award_survives_every_format(tmp_path_factory: object, title: str,
                                               requested: int, year: int) -> None:
    tmp = Path(tmp_path_factory.mktemp("rt"))  # type: ignore[attr-defined]
    src = tmp / "src"
    shutil.copytree(BASE, src)
    awards = yaml.safe_load((src / "awards.yaml").read_text())
    awards[0].update(title=title, requested_thousand_yen=requested,
                     awarded_thousand_yen=requested // 2, fiscal_year=year)
    (src / "awards.yaml").write_text(yaml.safe_dump(awards, allow_unicode=True))
    # The stated total only holds for the original figures; this test is about round trips.
    (src / "reported-totals.yaml").unlink()
    build(src, tmp / "out", DEFAULT_BASE)
    award = f"<{DEFAULT_BASE}award/kaga-new>"
    expected = {
        f'{award} <http://purl.org/dc/terms/title> {ox.Literal(title, language="ja")}',
        f"{award} <{MIRAI}requestedAmount> "
        f'"{requested * 1000}"^^<http://www.w3.org/2001/XMLSchema#integer>',
        f"{award} <{MIRAI}fiscalYear> "
        f'"{year}"^^<http://www.w3.org/2001/XMLSchema#gYear>',
    }
    for triples in read_all_formats(tmp / "out"):
        assert expected <= triples


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(max_size=300), st.binary(max_size=300).map(
    lambda b: b.decode("utf-8", "replace"))))
def test_loader_never_fails_unexpectedly(tmp_path_factory: object, text: str) -> None:
    """Fuzzing the loader (bounded): any text gives records or located source errors."""
    src = Path(tmp_path_factory.mktemp("fz"))  # type: ignore[attr-defined]
    (src / "awards.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load(src)
    except SourceErrors as errors:
        assert errors.errors
        assert all(isinstance(e, SourceError) and e.location.line >= 1 for e in errors.errors)


TRICKY = ['say "hi"', "back\\slash", "new\nline", "<script>alert(1)</script>", "tab\there",
          "\u2028separator", "emoji 🏯 and 加賀市", "'single' & \"double\"", " ", ""]


def test_tricky_literals_survive_every_serializer() -> None:
    graph = Graph()
    s = URIRef(f"{DEFAULT_BASE}award/x")
    for i, text in enumerate(TRICKY):
        graph.add((s, URIRef(f"{MIRAI}t{i}"), Literal(text, lang="ja")))
        graph.add((s, URIRef(f"{MIRAI}u{i}"), Literal(text)))
    expected = {f"{t.subject} {t.predicate} {t.object}" for t in to_oxigraph(graph)}
    ox_triples = to_oxigraph(graph)
    outputs = {
        ox.RdfFormat.TURTLE: turtle(ox_triples, {"mirai": MIRAI}),
        ox.RdfFormat.N_TRIPLES: gzip.decompress(gzipped(ntriples(ox_triples))),
        ox.RdfFormat.JSON_LD: to_jsonld(graph, load_context(ONTOLOGY_DIR / "context.jsonld")),
    }
    for fmt, data in outputs.items():
        parsed = {f"{t.subject} {t.predicate} {t.object}" for t in ox.parse(data, format=fmt)}
        assert parsed == expected, fmt
        back = Graph().parse(data=data, format={ox.RdfFormat.TURTLE: "turtle",
                                                ox.RdfFormat.N_TRIPLES: "nt",
                                                ox.RdfFormat.JSON_LD: "json-ld"}[fmt])
        assert {f"{t.subject} {t.predicate} {t.object}" for t in to_oxigraph(back)} == expected
