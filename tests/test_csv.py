"""CSV downloads: one table per class whose CSVW metadata, read by an independent CSVW library
(csvw), gives back exactly the dump's triples."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from csvw import Table

from pipeline import tables
from pipeline.build import DUMP, build
from pipeline.errors import BuildError
from pipeline.rdf import DEFAULT_BASE

ROOT = Path(__file__).parents[1]
BASE = Path(__file__).parent / "cases" / "base"
XSD = "http://www.w3.org/2001/XMLSchema#"
CSVW_DATATYPES = {"string", "integer", "decimal", "date", "gYear", "anyURI", "boolean",
                  "double", "nonNegativeInteger"}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pub") / "build"
    build(BASE, out, DEFAULT_BASE)
    return out


def canonical(triple: ox.Triple) -> str:
    """N-Triples text; language tags in lower case, as RDF compares them."""
    obj = triple.object
    if isinstance(obj, ox.Literal) and obj.language:
        obj = ox.Literal(obj.value, language=obj.language.lower())
    return f"{triple.subject} {triple.predicate} {obj}"


def dump_triples(out: Path) -> set[str]:
    return {canonical(t) for t in ox.parse(
        gzip.decompress((out / f"{DUMP}.nt.gz").read_bytes()), format=ox.RdfFormat.N_TRIPLES)}


def _literal(value: object, column: object) -> ox.Literal:
    """The RDF literal for a typed cell value, as CSV2RDF §4.6 makes it."""
    lang = getattr(column, "lang", None)
    datatype = column.datatype  # type: ignore[attr-defined]
    base = datatype.base if datatype is not None else "string"
    lexical = datatype.formatted(value) if datatype is not None else str(value)
    if lang and lang != "und" and base == "string":
        return ox.Literal(lexical, language=lang)
    iri = (datatype.at_props.get("id") if datatype is not None else None) or f"{XSD}{base}"
    return ox.Literal(lexical, datatype=ox.NamedNode(str(iri)))


def csv2rdf(metadata: Path) -> set[str]:
    """Minimal-mode CSV2RDF over csvw's parse of the table: dialect, header, separators,
    datatypes and URI templates are csvw's; only the RDF terms are made here."""
    table = Table.from_file(metadata)
    triples = set()
    columns = {c.name: c for c in table.tableSchema.columns}
    for number, row in enumerate(table.iterdicts(strict=True), start=1):
        subject = ox.NamedNode(table.expand(table.tableSchema.aboutUrl, row, _row=number))
        for name, value in row.items():
            column = columns[name]
            if column.suppressOutput or value is None or value == []:
                continue
            prop = ox.NamedNode(table.expand(column.propertyUrl, row, _row=number))
            for item in value if isinstance(value, list) else [value]:
                obj: ox.NamedNode | ox.Literal
                if column.valueUrl is not None:
                    iri = table.expand(column.valueUrl, {**row, name: item}, _row=number,
                                       _name=name)
                    if not isinstance(iri, str):
                        # csvw resolves an IRI without "//" (mailto:…) against the local file
                        # path; an absolute IRI resolves to itself (RFC 3986), so take the
                        # template's own expansion.
                        iri = column.valueUrl.expand(**{name: item})
                    obj = ox.NamedNode(iri)
                else:
                    obj = _literal(item, column)
                triples.add(canonical(ox.Triple(subject, prop, obj)))
    return triples


def test_one_table_per_class_with_metadata(out: Path) -> None:
    names = sorted(p.name for p in (out / "download" / "csv").iterdir())
    tables = [n.removesuffix(".csv") for n in names if n.endswith(".csv")]
    assert names == sorted([f"{t}.csv" for t in tables] + [f"{t}.csv-metadata.json"
                                                          for t in tables])
    classes = {t.split(" ")[2] for t in dump_triples(out) if "#type> " in t}
    assert len(tables) == len(classes)
    assert {"award", "municipality", "prefecture", "ward", "technology", "program",
            "document", "entity", "concept-scheme"} <= set(tables)


def test_csvw_gives_back_the_dump(out: Path) -> None:
    expected = dump_triples(out)
    got: set[str] = set()
    for metadata in sorted((out / "download" / "csv").glob("*.csv-metadata.json")):
        got |= csv2rdf(metadata)
    assert got - expected == set()
    assert expected - got == set()


def test_table_reads_for_people(out: Path) -> None:
    data = (out / "download" / "csv" / "award.csv").read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    kaga = next(r for r in rows if r["id"].endswith("/award/kaga-new"))
    assert kaga["mirai:requestedAmount"] == "37000000"
    assert kaga["rdf:type"] == "https://w3id.org/mirai-lod/ontology#Award"
    metadata = json.loads((out / "download" / "csv" / "award.csv-metadata.json").read_bytes())
    titles = [c["titles"] for c in metadata["tableSchema"]["columns"]]
    assert titles == next(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert all(c.get("datatype", "string") in CSVW_DATATYPES
               for c in metadata["tableSchema"]["columns"])


def test_several_values_share_a_cell(out: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(
        (out / "download" / "csv" / "document.csv").read_text(encoding="utf-8"))))
    assert rows and all(r["rdf:type"].split(" ") == sorted(r["rdf:type"].split(" "))
                        and len(r["rdf:type"].split(" ")) == 2 for r in rows)


def test_separator_inside_a_value_is_refused() -> None:
    column = tables.Column("http://www.w3.org/2000/01/rdf-schema#label", "lang", "ja")
    # One value may contain the separator; two values of one cell may not.
    assert tables._cell(["甲 | 乙"], column) == "甲 | 乙"
    assert tables._cell(["乙", "甲"], column) == "乙 | 甲"
    with pytest.raises(BuildError, match="contains '\\|'"):
        tables._cell(["甲 | 乙", "丙"], column)


def test_shipped_tables_round_trip(tmp_path: Path) -> None:
    """The full source, where municipalities have homepages, coordinates and readings."""
    out = tmp_path / "build"
    build(ROOT / "source", out, DEFAULT_BASE)
    expected = dump_triples(out)
    got: set[str] = set()
    for metadata in sorted((out / "download" / "csv").glob("*.csv-metadata.json")):
        got |= csv2rdf(metadata)
    assert len(expected) > 20000
    assert got ^ expected == set()


def test_a_table_is_written_a_row_at_a_time_from_the_triples() -> None:
    """Rows by IRI, whatever the order of the triples; several values in one cell, sorted; a
    value with the separator refused before any table is written; a resource without a class
    refused."""
    ex, label = "https://example.org/", "http://www.w3.org/2000/01/rdf-schema#label"
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

    def triple(s: str, p: str, o: ox.NamedNode | ox.Literal) -> ox.Triple:
        return ox.Triple(ox.NamedNode(ex + s), ox.NamedNode(p), o)

    thing = ox.NamedNode(ex + "Thing")
    triples = [triple("b", rdf_type, thing), triple("a1", label, ox.Literal("甲", language="ja")),
               triple("a", rdf_type, thing), triple("a1", rdf_type, thing),
               triple("a", label, ox.Literal("乙", language="ja")),
               triple("a", label, ox.Literal("丙", language="ja"))]
    classes = tables._Classes(triples)
    columns, multi = classes.table(ex + "Thing")
    assert [tables._title(c) for c in columns] == ["rdf:type", "rdfs:label@ja"]
    assert [tables._title(c) for c in multi] == ["rdfs:label@ja"]
    out = io.BytesIO()
    classes.write(ex + "Thing", columns, out)
    assert out.getvalue().decode("utf-8").split("\r\n") == [
        "id,rdf:type,rdfs:label@ja", f"{ex}a,{ex}Thing,丙 | 乙", f"{ex}a1,{ex}Thing,甲",
        f"{ex}b,{ex}Thing,", ""]
    with pytest.raises(BuildError, match="contains '\\|'"):
        tables._Classes([*triples, triple("b", label, ox.Literal("丁 | 戊", language="ja")),
                         triple("b", label, ox.Literal("己", language="ja"))])
    with pytest.raises(BuildError, match=f"1 resource\\(s\\) have no class .* e.g. {ex}c"):
        tables._Classes([*triples, triple("c", label, ox.Literal("庚"))])
