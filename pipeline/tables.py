"""CSV downloads for people who do not use RDF: one table per class, each with CSV on the Web
metadata (W3C CSVW) that turns the table back into exactly the dump's triples about those
resources.

- `download/csv/<class>.csv`: UTF-8, a header row, one row per resource of the class; a
  resource with several classes (a document is foaf:Document and prov:Entity) is a row in each.
- Column `id` is the resource IRI; then one column per property, split by kind of value: IRIs,
  one column per language (`rdfs:label@ja`, `rdfs:label@en`), one per datatype.
- Several values in one cell are joined with a space (IRIs never contain one) or, for text,
  with ` | ` (the build fails if a text value itself contains `|`).
- `download/csv/<class>.csv-metadata.json`: the table's schema (aboutUrl, propertyUrl,
  valueUrl, datatype, lang, separator), found by the standard rule `{+url}-metadata.json`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rdflib import RDF, XSD, Literal, URIRef
from rdflib.term import Node

from pipeline.catalog import CATALOG_PREFIXES, meta
from pipeline.errors import BuildError

_RDF_TYPE = RDF.type  # a module constant: each RDF.type looks the name up again

if TYPE_CHECKING:
    from pipeline.build import Dataset
    from pipeline.validate import Report

CSV_DIR = "download/csv"
IRI_SEPARATOR = " "
TEXT_SEPARATOR = " | "
# XML Schema datatypes CSVW knows by their local name.
_XSD_NAMES = frozenset(["string", "integer", "decimal", "double", "float", "boolean", "date",
                        "dateTime", "gYear", "gYearMonth", "anyURI", "nonNegativeInteger",
                        "hexBinary", "duration", "time"])


@dataclass(frozen=True, order=True)
class Column:
    """One column: a property and the kind of value it holds."""

    prop: str  # property IRI
    kind: str  # "iri", "lang" or "datatype"
    detail: str  # the language tag or datatype IRI; "" for IRIs


def _column_of(prop: URIRef, value: Node) -> Column:
    if isinstance(value, URIRef):
        return Column(str(prop), "iri", "")
    if not isinstance(value, Literal):
        raise BuildError(f"blank nodes cannot go into a CSV table: {value!r}")
    if value.language:
        return Column(str(prop), "lang", value.language)
    return Column(str(prop), "datatype", str(value.datatype or XSD.string))


def curie(iri: str) -> str:
    for prefix, ns in sorted(CATALOG_PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and iri != ns:
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _title(column: Column) -> str:
    name = curie(column.prop)
    return f"{name}@{column.detail}" if column.kind == "lang" else name


def _name(column: Column) -> str:
    # CSVW column names are URI-template variables: letters, digits, '_' and '.'.
    return re.sub(r"[^A-Za-z0-9_]", "_", _title(column))


def table_name(cls: URIRef, taken: set[str]) -> str:
    """`award` for mirai:Award, `concept-scheme` for skos:ConceptScheme; the prefix is added
    where two namespaces use the same local name."""
    local = re.split(r"[#/]", str(cls))[-1]
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", local).lower()
    if name in taken or not re.fullmatch(r"[a-z0-9-]+", name):
        name = re.sub(r"[^a-z0-9]+", "-", curie(str(cls)).lower()).strip("-")
    return name


def _cell(values: list[Node], column: Column) -> str:
    texts = sorted(str(v) for v in values)
    if column.kind == "iri":
        return IRI_SEPARATOR.join(texts)
    if len(texts) > 1 and any(TEXT_SEPARATOR.strip() in t for t in texts):
        raise BuildError(f"a value of {curie(column.prop)} contains '|', which separates "
                         "several values in a CSV cell")
    return TEXT_SEPARATOR.join(texts)


def _datatype(column: Column) -> str | dict[str, str]:
    if column.kind != "datatype":
        return "string"
    if column.detail.startswith(str(XSD)) and column.detail[len(str(XSD)):] in _XSD_NAMES:
        return column.detail[len(str(XSD)):]
    return {"base": "string", "@id": column.detail}


def table(by_subject: Mapping[Node, list[tuple[Node, Node]]], members: Iterable[Node]
          ) -> tuple[list[Column], list[list[str]], set[Column]]:
    """The columns, the rows (by subject IRI) and the columns holding several values of the
    class whose resources are `members`; `by_subject` holds each subject's (property, value)
    pairs."""
    subjects = sorted({URIRef(str(s)) for s in members}, key=str)
    cells: dict[URIRef, dict[Column, list[Node]]] = {}
    for s in subjects:
        by_column: dict[Column, list[Node]] = defaultdict(list)
        for p, o in by_subject.get(s, ()):
            assert isinstance(p, URIRef)
            by_column[_column_of(p, o)].append(o)
        cells[s] = by_column
    # rdf:type first, then by property and kind, so the table reads like the resource page.
    columns = sorted({c for by_column in cells.values() for c in by_column},
                     key=lambda c: (c.prop != str(RDF.type), curie(c.prop), c.kind, c.detail))
    multi = {c for by_column in cells.values() for c, vs in by_column.items() if len(vs) > 1}
    rows = [[str(s), *(_cell(cells[s].get(c, []), c) for c in columns)] for s in subjects]
    return columns, rows, multi


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _metadata(name: str, cls: URIRef, columns: list[Column], multi: set[Column],
              license_iri: str, rights: str) -> dict[str, Any]:
    schema_columns: list[dict[str, Any]] = [
        # A string, not anyURI: the cell is the subject IRI itself, put in by aboutUrl.
        {"name": "id", "titles": "id", "datatype": "string", "required": True,
         "suppressOutput": True},
    ]
    for column in columns:
        spec: dict[str, Any] = {
            "name": _name(column),
            "titles": _title(column),
            "propertyUrl": column.prop,
            "datatype": _datatype(column),
        }
        if column.kind == "iri":
            spec["valueUrl"] = "{+" + _name(column) + "}"
        if column.kind == "lang":
            spec["lang"] = column.detail
        if column in multi:
            spec["separator"] = IRI_SEPARATOR if column.kind == "iri" else TEXT_SEPARATOR
        schema_columns.append(spec)
    return {
        "@context": "http://www.w3.org/ns/csvw",
        "url": f"{name}.csv",
        "dc:title": f"{curie(str(cls))}: one row per resource",
        "dc:license": {"@id": license_iri},
        "dc:rights": rights,
        "tableSchema": {
            "columns": schema_columns,
            "primaryKey": "id",
            "aboutUrl": "{+id}",
        },
    }


def csv_files(dataset: Dataset, report: Report, files: Mapping[str, bytes]) -> dict[str,
                                                                                    bytes]:
    """download/csv/<class>.csv and <class>.csv-metadata.json for every class in the data."""
    del report, files
    stated = meta(dataset)
    out: dict[str, bytes] = {}
    taken: set[str] = set()
    # One pass over the triples (the set the graph is made of) instead of a graph lookup per
    # class and per resource.
    by_subject: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
    members: dict[Node, set[Node]] = defaultdict(set)
    for s, p, o in set(dataset.triples):
        by_subject[s].append((p, o))
        if p == _RDF_TYPE:
            members[o].add(s)
    untyped = set(by_subject) - {s for typed in members.values() for s in typed}
    if untyped:
        raise BuildError(f"{len(untyped)} resource(s) have no class and fit no CSV table, "
                         f"e.g. {min(untyped, key=str)}")
    for cls in sorted(members, key=str):
        assert isinstance(cls, URIRef)
        name = table_name(cls, taken)
        taken.add(name)
        columns, rows, multi = table(by_subject, members[cls])
        out[f"{CSV_DIR}/{name}.csv"] = _csv(["id", *(_title(c) for c in columns)], rows)
        metadata = _metadata(name, cls, columns, multi, stated.license, stated.attribution_ja)
        out[f"{CSV_DIR}/{name}.csv-metadata.json"] = (
            json.dumps(metadata, ensure_ascii=False, indent=1) + "\n").encode()
    return out
