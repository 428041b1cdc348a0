"""The two reference runs on the same data, each printing one JSON object.

floor: pyoxigraph parses the N-Triples dump, writes it as N-Triples and Turtle, and loads it
       into an on-disk store: what any build of these triples must at least do.
naive: one rdflib graph, pySHACL over the whole graph with the project's shapes and ontology,
       and rdflib's Turtle and JSON-LD serializers: the straightforward way.
"""

from __future__ import annotations

import gzip
import json
import resource
import sys
import tempfile
import time
from pathlib import Path


def floor(dump: Path) -> dict[str, float]:
    import pyoxigraph as ox

    data = gzip.decompress(dump.read_bytes())
    start = time.perf_counter()
    triples = list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    parsed = time.perf_counter()
    ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    ox.serialize(triples, format=ox.RdfFormat.TURTLE)
    written = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        store = ox.Store(tmp)
        store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
        store.flush()
        del store
    loaded = time.perf_counter()
    return {"parse": parsed - start, "write": written - parsed, "store": loaded - written,
            "seconds": loaded - start}


def naive(dump: Path, shapes: Path, ontology: Path) -> dict[str, float]:
    from pyshacl import validate
    from rdflib import Graph

    start = time.perf_counter()
    graph = Graph().parse(data=gzip.decompress(dump.read_bytes()), format="nt")
    parsed = time.perf_counter()
    validate(graph, shacl_graph=Graph().parse(shapes), ont_graph=Graph().parse(ontology),
             inference="none", advanced=True, allow_warnings=True)
    validated = time.perf_counter()
    graph.serialize(format="turtle")
    graph.serialize(format="json-ld")
    written = time.perf_counter()
    return {"parse": parsed - start, "validate": validated - parsed,
            "write": written - validated, "seconds": written - start}


if __name__ == "__main__":
    kind, dump = sys.argv[1], Path(sys.argv[2])
    result = floor(dump) if kind == "floor" else naive(dump, Path(sys.argv[3]),
                                                         Path(sys.argv[4]))
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))
