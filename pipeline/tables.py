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
from typing import TYPE_CHECKING, Any, NamedTuple

import pyoxigraph as ox
from rdflib import RDF, XSD

from pipeline.catalog import CATALOG_PREFIXES, meta
from pipeline.errors import BuildError
from pipeline.publish import Content
from pipeline.serialize import bcp47_case

_RDF_TYPE = str(RDF.type)

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


class Column(NamedTuple):
    """One column: a property and the kind of value it holds. A tuple, not a dataclass: it keys
    every cell of every table, and a tuple hashes in C (a dataclass's hash, in Python, cost
    0.4 s of the tables' 4.4 s at 1M triples)."""

    prop: str  # property IRI
    kind: str  # "iri", "lang" or "datatype"
    detail: str  # the language tag or datatype IRI; "" for IRIs


class _Columns(dict[tuple[str, str, str], Column]):
    """Each column once, by (property, kind, detail): a column a triple, not a new object."""

    def of(self, prop: str, value: ox.NamedNode | ox.Literal | ox.BlankNode | ox.Triple
           ) -> tuple[Column, str]:
        """The column of a value of `prop`, and the value's text."""
        if isinstance(value, ox.NamedNode):
            key = (prop, "iri", "")
        elif not isinstance(value, ox.Literal):
            raise BuildError(f"blank nodes cannot go into a CSV table: {value}")
        elif value.language:  # as the source has it (ja-Latn): pyoxigraph gives lower case
            key = (prop, "lang", bcp47_case(value.language))
        else:
            key = (prop, "datatype", value.datatype.value)
        column = self.get(key)
        if column is None:
            column = self[key] = Column(*key)
        return column, value.value


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


def table_name(cls: str, taken: set[str]) -> str:
    """`award` for mirai:Award, `concept-scheme` for skos:ConceptScheme; the prefix is added
    where two namespaces use the same local name."""
    local = re.split(r"[#/]", cls)[-1]
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", local).lower()
    if name in taken or not re.fullmatch(r"[a-z0-9-]+", name):
        name = re.sub(r"[^a-z0-9]+", "-", curie(cls).lower()).strip("-")
    return name


def _cell(values: list[str], column: Column) -> str:
    texts = sorted(values)
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


def table(cells: Mapping[str, Mapping[Column, list[str]]], members: Iterable[str]
          ) -> tuple[list[Column], list[list[str]], set[Column]]:
    """The columns, the rows (by subject IRI) and the columns holding several values of the
    class whose resources are `members`; `cells` holds each subject's values (their text) by
    column."""
    subjects = sorted(members)
    rows_cells = [cells[s] for s in subjects]
    # rdf:type first, then by property and kind, so the table reads like the resource page.
    columns = sorted({c for by_column in rows_cells for c in by_column},
                     key=lambda c: (c.prop != _RDF_TYPE, curie(c.prop), c.kind, c.detail))
    multi = {c for by_column in rows_cells for c, vs in by_column.items() if len(vs) > 1}
    rows = [[s, *(_cell(by_column.get(c, []), c) for c in columns)]
            for s, by_column in zip(subjects, rows_cells, strict=True)]
    return columns, rows, multi


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _metadata(name: str, cls: str, columns: list[Column], multi: set[Column],
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
        "dc:title": f"{curie(cls)}: one row per resource",
        "dc:license": {"@id": license_iri},
        "dc:rights": rights,
        "tableSchema": {
            "columns": schema_columns,
            "primaryKey": "id",
            "aboutUrl": "{+id}",
        },
    }


def csv_files(dataset: Dataset, report: Report, files: Mapping[str, Content]
              ) -> dict[str, bytes]:
    """download/csv/<class>.csv and <class>.csv-metadata.json for every class in the data."""
    del report, files
    stated = meta(dataset)
    out: dict[str, bytes] = {}
    taken: set[str] = set()
    # One pass over the triples (each once, as in the dumps) instead of a graph lookup per
    # class and per resource.
    cells: dict[str, dict[Column, list[str]]] = defaultdict(lambda: defaultdict(list))
    members: dict[str, set[str]] = defaultdict(set)
    columns = _Columns()
    for t in dataset.ox_triples:
        s, p, o = t.subject, t.predicate.value, t.object
        if not isinstance(s, ox.NamedNode):
            raise BuildError(f"blank nodes cannot go into a CSV table: {s}")
        column, text = columns.of(p, o)
        cells[s.value][column].append(text)
        if p == _RDF_TYPE and isinstance(o, ox.NamedNode):
            members[o.value].add(s.value)
    untyped = set(cells) - {s for typed in members.values() for s in typed}
    if untyped:
        raise BuildError(f"{len(untyped)} resource(s) have no class and fit no CSV table, "
                         f"e.g. {min(untyped)}")
    for cls in sorted(members):
        name = table_name(cls, taken)
        taken.add(name)
        shown, rows, multi = table(cells, members[cls])
        out[f"{CSV_DIR}/{name}.csv"] = _csv(["id", *(_title(c) for c in shown)], rows)
        metadata = _metadata(name, cls, shown, multi, stated.license, stated.attribution_ja)
        out[f"{CSV_DIR}/{name}.csv-metadata.json"] = (
            json.dumps(metadata, ensure_ascii=False, indent=1) + "\n").encode()
    return out
