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

import gzip
import itertools
import shutil
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


def bulk_load(store: ox.Store, triples: Iterable[ox.Triple],
              graph: ox.NamedNode | None = None) -> None:
    """Load `triples` into `store` (into `graph`, else the default graph) a chunk at a time, each
    as N-Triples text that pyoxigraph reads in Rust: a Quad made of each triple's terms in
    Python took a quarter longer (7.2-7.5 s instead of 5.5-6.4 s at 1M triples)."""
    from pipeline.serialize import ntriples  # here: the query processes import this module

    for chunk in load_chunks(triples):
        store.bulk_load(ntriples(chunk), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)


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
    the ontology into `publication/store/`; or, where the build may keep what it can from the
    previous publication, bring a copy of that one's store up to date."""
    graph = ox.NamedNode(data_graph(dataset.iris.base, version_of(dataset)))
    target = publication / STORE_DIR
    if dataset.keep and dataset.previous is not None and _update(dataset.previous, target,
                                                                 graph, dataset.ox_triples):
        return
    store = ox.Store(str(target))
    bulk_load(store, dataset.ox_triples, graph)
    store.bulk_load(path=ONTOLOGY_DIR / "mirai.ttl", format=ox.RdfFormat.TURTLE,
                    to_graph=ox.NamedNode(ONTOLOGY_IRI))
    store.flush()
    store.optimize()
    # The database is closed when the object goes; nothing may hold it when the directory is
    # swapped in.
    del store


def _update(previous: Path, target: Path, graph: ox.NamedNode,
            triples: Iterable[ox.Triple]) -> bool:
    """Make `target` the store of the publication in `previous` (a backup: hard links to its
    immutable files, which are only read), less the triples only its N-Triples dump has, plus
    those only `triples` have, with the ontology loaded anew. False, and nothing left at
    `target`, when that cannot be done: no such store, another data graph, a dump not in
    N-Triples order."""
    from pipeline.serialize import ntriples

    try:
        old = ox.Store.read_only(str(previous / STORE_DIR))
        try:
            if not old.contains_named_graph(graph):
                return False
            old.backup(str(target))
        finally:
            del old
        with gzip.open(previous / NT_DUMP) as dump:
            removed, added = changes((line.rstrip(b"\n") for line in dump),
                                     (line for chunk in load_chunks(triples)
                                      for line in ntriples(chunk).splitlines()))
        store = ox.Store(str(target))
        for t in ox.parse(b"\n".join(removed), format=ox.RdfFormat.N_TRIPLES):
            store.remove(ox.Quad(t.subject, t.predicate, t.object, graph))
        store.extend(ox.Quad(t.subject, t.predicate, t.object, graph)
                     for t in ox.parse(b"\n".join(added), format=ox.RdfFormat.N_TRIPLES))
        ontology = ox.NamedNode(ONTOLOGY_IRI)  # as it is now, not as it was
        store.clear_graph(ontology)
        store.load(path=ONTOLOGY_DIR / "mirai.ttl", format=ox.RdfFormat.TURTLE,
                   to_graph=ontology)
        store.flush()
        del store
        return True
    except (OSError, ValueError, SyntaxError):  # ox.parse raises SyntaxError
        shutil.rmtree(target, ignore_errors=True)
        return False


def changes(old: Iterable[bytes], new: Iterable[bytes]) -> tuple[list[bytes], list[bytes]]:
    """The lines only in `old` and those only in `new`, both given in strictly ascending
    order, as the dumps sort them (ValueError otherwise): one pass, nothing else held."""
    removed: list[bytes] = []
    added: list[bytes] = []
    olds, news = _ascending(old, "the previous dump"), _ascending(new, "the triples")
    a, b = next(olds, None), next(news, None)
    while a is not None and b is not None:
        if a < b:
            removed.append(a)
            a = next(olds, None)
        elif b < a:
            added.append(b)
            b = next(news, None)
        else:
            a, b = next(olds, None), next(news, None)
    if a is not None:
        removed.append(a)
        removed.extend(olds)
    if b is not None:
        added.append(b)
        added.extend(news)
    return removed, added


def _ascending(lines: Iterable[bytes], what: str) -> Iterator[bytes]:
    last: bytes | None = None
    for line in lines:
        if last is not None and line <= last:
            raise ValueError(f"{what}: lines not in strictly ascending order")
        yield line
        last = line


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
