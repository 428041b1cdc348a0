"""The embedded triple store of a publication: `build/store/`, an on-disk Oxigraph (RocksDB)
database that `mirai-lod query` and the `/sparql` endpoint read.

Graphs: the dataset (the triples of `download/mirai-lod.nt.gz`) is the named graph
`{base}release/{version}`, the ontology the named graph of its own IRI
(https://w3id.org/mirai-lod/ontology). Queries see the union of both as their default graph, so
`?term rdfs:label ?label` finds the labels of ontology terms without a GRAPH clause, and
`GRAPH <…>` picks one of them. A Graph Store Protocol publication (pipeline/gsp.py) uses the
same two graph names, so a query that works here works there with `FROM`.

The database files are not byte-identical between builds (RocksDB writes timestamps and
random identifiers), so they are kept out of SHA256SUMS; the dumps they are loaded from are
covered.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from pipeline.errors import MiraiError
from pipeline.paths import ONTOLOGY_DIR

if TYPE_CHECKING:
    from pipeline.build import Dataset

STORE_DIR = "store"
# vocab.ONTOLOGY_IRI, as a string: the endpoint's query process starts faster without rdflib.
ONTOLOGY_IRI = "https://w3id.org/mirai-lod/ontology"
NT_DUMP = "download/mirai-lod.nt.gz"
# Triples per bulk load. Oxigraph's bulk loader holds up to 2 GB per thread before it writes;
# loaded a chunk at a time (compacted by optimize() at the end), 1M triples took 6.0 s and
# 150 MB instead of 6.9 s and 700 MB, and the memory no longer grows with the dataset.
_LOAD_CHUNK = 100_000


def load_chunks(triples: Iterable[ox.Triple]) -> Iterator[list[ox.Triple]]:
    """The triples, _LOAD_CHUNK at a time: what one bulk load is given."""
    remaining = iter(triples)
    while chunk := list(itertools.islice(remaining, _LOAD_CHUNK)):
        yield chunk


class StoreError(MiraiError):
    """The publication has no readable store (not built, or built by an older version)."""


@dataclass(frozen=True)
class Graphs:
    data: str  # {base}release/{version}
    ontology: str


def version_of(dataset: Dataset) -> str:
    """The dataset's version as source/dataset.yaml states it ("0.0.0" for a tree without
    one, as the catalog says)."""
    records = dataset.source.of("dataset")
    return str(records[0]["version"]) if records else "0.0.0"


def data_graph(base: str, version: str) -> str:
    return f"{base}release/{version}"


def write_store(dataset: Dataset, publication: Path) -> None:
    """Writer (build.WRITERS): bulk-load the dataset (the triples of the N-Triples dump) and
    the ontology into `publication/store/`."""
    from pipeline.serialize import ntriples  # here: the query processes import this module

    graph = ox.NamedNode(data_graph(dataset.iris.base, version_of(dataset)))
    store = ox.Store(str(publication / STORE_DIR))
    for chunk in load_chunks(dataset.ox_triples):
        store.bulk_load(ntriples(chunk), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
    store.bulk_load(path=ONTOLOGY_DIR / "mirai.ttl", format=ox.RdfFormat.TURTLE,
                    to_graph=ox.NamedNode(ONTOLOGY_IRI))
    store.flush()
    store.optimize()
    # The database is closed when the object goes; nothing may hold it when the directory is
    # swapped in.
    del store


def open_store(build_dir: Path) -> ox.Store:
    """The store of the publication in `build_dir`, opened read-only (several processes may
    read it at once; a build swaps in a new directory, never writes into this one)."""
    path = build_dir / STORE_DIR
    if not (path / "CURRENT").is_file():
        raise StoreError(f"no triple store in {build_dir}: run `mirai-lod build` first")
    try:
        return ox.Store.read_only(str(path))
    except OSError as error:
        raise StoreError(f"cannot open the triple store in {path}: {error}") from None


def graphs(store: ox.Store) -> Graphs:
    """The dataset's and the ontology's graph names, as the build wrote them."""
    names = sorted(str(g.value) for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    data = [name for name in names if name != ONTOLOGY_IRI]
    if len(data) != 1 or ONTOLOGY_IRI not in names:
        raise StoreError(f"unexpected graphs in the store: {names}")
    return Graphs(data[0], ONTOLOGY_IRI)
