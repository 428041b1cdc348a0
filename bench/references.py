"""The two reference runs on the same data, each printing one JSON object.

floor: pyoxigraph parses the N-Triples dump, writes it as N-Triples, Turtle and JSON-LD, and
       loads it into an on-disk store: what any build of these triples must at least do. Then,
       timed apart, the least a site needs: one small page per subject, rendered by jinja2
       from plain dicts and written to its own file. `references.py floor DUMP OUT`, with OUT
       a new directory for the store and the pages.
naive: one rdflib graph, pySHACL over the whole graph with the project's shapes and ontology,
       and rdflib's Turtle and JSON-LD serializers: the straightforward way.
"""

from __future__ import annotations

import gzip
import json
import resource
import sys
import time
from pathlib import Path

PAGE = """<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>{{ iri }}</title>
</head><body><h1>{{ iri }}</h1><table>{% for p, o in rows %}<tr><th>{{ p }}</th><td>{{ o }}</td>
</tr>{% endfor %}</table></body></html>
"""


def floor(dump: Path, out: Path) -> dict[str, float]:
    """The floor's figures. Its store and pages are written into `out`, a new directory, and
    left there, as the build's runs are: deleting a run's pages makes the next run's slower to
    write on some file systems (README, "Measuring file writes on ext4")."""
    import jinja2
    import pyoxigraph as ox

    data = gzip.decompress(dump.read_bytes())
    start = time.perf_counter()
    triples = list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    parsed = time.perf_counter()
    ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    ox.serialize(triples, format=ox.RdfFormat.TURTLE)
    ox.serialize(triples, format=ox.RdfFormat.JSON_LD)
    written = time.perf_counter()
    out.mkdir(parents=True)
    store = ox.Store(str(out / "store"))
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    del store
    loaded = time.perf_counter()
    pages = out / "pages"
    pages.mkdir()
    subjects: dict[str, list[tuple[str, str]]] = {}
    for t in triples:
        subjects.setdefault(t.subject.value, []).append((t.predicate.value, t.object.value))
    template = jinja2.Environment(autoescape=True).from_string(PAGE)
    for n, (iri, rows) in enumerate(subjects.items()):
        Path(pages, f"{n}.html").write_bytes(template.render(iri=iri, rows=rows).encode())
    paged = time.perf_counter()
    return {"parse": parsed - start, "write": written - parsed, "store": loaded - written,
            "seconds": loaded - start, "pages": paged - loaded, "page_count": len(subjects)}


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
    result = (floor(dump, Path(sys.argv[3])) if kind == "floor"
              else naive(dump, Path(sys.argv[3]), Path(sys.argv[4])))
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))
