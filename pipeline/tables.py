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
import functools
import json
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple

import pyoxigraph as ox
from rdflib import RDF, XSD

from pipeline.catalog import CATALOG_PREFIXES, meta
from pipeline.errors import BuildError
from pipeline.publish import Content, Made, Stream
from pipeline.serialize import Runs, bcp47_case, subject_runs

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


class _Classes:
    """What the tables need to know before their rows are made, from one pass over the triples
    (each once, as in the dumps) instead of a graph lookup per class and per resource: each
    class's members, with where their triples lie (`triples[start:stop]`), its columns, and
    those where a member has several values. No value is held: a table's rows are made again
    from the triples, a resource at a time, as the table is written."""

    def __init__(self, triples: Sequence[ox.Triple], runs: Runs | None = None) -> None:
        # `runs`, when known, are those subject_runs finds in `triples`, which are sorted.
        if runs is None:
            triples, runs = subject_runs(triples)
        self.triples = triples
        self.columns = _Columns()
        self.members: dict[str, Runs] = defaultdict(list)
        self.shown: dict[str, set[Column]] = defaultdict(set)
        self.multi: dict[str, set[Column]] = defaultdict(set)
        untyped = 0
        first_untyped = ""
        for run in runs:
            cells = self.cells(run)
            classes = cells.get(_TYPE, [])
            if not classes:
                untyped += 1
                first_untyped = min(first_untyped or run[0], run[0])
            several = [c for c, texts in cells.items() if len(texts) > 1]
            for column in several:
                _cell(cells[column], column)  # a value with the separator: refused now
            for cls in classes:
                self.members[cls].append(run)
                self.shown[cls].update(cells)
                self.multi[cls].update(several)
        if untyped:
            raise BuildError(f"{untyped} resource(s) have no class and fit no CSV table, "
                             f"e.g. {first_untyped}")

    def cells(self, run: tuple[str, int, int]) -> dict[Column, list[str]]:
        """The values (their text) of the resource of `run` by column."""
        cells: dict[Column, list[str]] = defaultdict(list)
        of, triples = self.columns.of, self.triples
        for i in range(run[1], run[2]):
            t = triples[i]
            column, text = of(t.predicate.value, t.object)
            cells[column].append(text)
        return cells

    def table(self, cls: str) -> tuple[list[Column], set[Column]]:
        """The columns of the table of `cls`, and those holding several values."""
        # rdf:type first, then by property and kind, so the table reads like the resource page.
        columns = sorted(self.shown[cls], key=lambda c: (c.prop != _RDF_TYPE, curie(c.prop),
                                                          c.kind, c.detail))
        return columns, self.multi[cls]

    def write(self, cls: str, columns: list[Column], out: BinaryIO) -> None:
        """The table of `cls` (one row per member, by IRI), into `out` a row at a time."""
        writer = csv.writer(_Utf8(out), lineterminator="\r\n")
        writer.writerow(["id", *(_title(c) for c in columns)])
        for run in sorted(self.members[cls]):
            cells = self.cells(run)
            writer.writerow([run[0], *(_cell(cells.get(c, []), c) for c in columns)])


_TYPE = Column(_RDF_TYPE, "iri", "")


class _Utf8:
    """A text file that writes into a binary one, in UTF-8: what csv.writer writes a row to."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out

    def write(self, text: str) -> int:
        return self.out.write(text.encode("utf-8"))


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
              ) -> dict[str, Made]:
    """download/csv/<class>.csv and <class>.csv-metadata.json for every class in the data; the
    tables are written as their rows are made."""
    del report, files
    stated = meta(dataset)
    out: dict[str, Made] = {}
    taken: set[str] = set()
    classes = _Classes(dataset.ox_triples, dataset.subjects)
    for cls in sorted(classes.members):
        name = table_name(cls, taken)
        taken.add(name)
        shown, multi = classes.table(cls)
        out[f"{CSV_DIR}/{name}.csv"] = Stream(functools.partial(classes.write, cls, shown))
        metadata = _metadata(name, cls, shown, multi, stated.license, stated.attribution_ja)
        out[f"{CSV_DIR}/{name}.csv-metadata.json"] = (
            json.dumps(metadata, ensure_ascii=False, indent=1) + "\n").encode()
    return out
