"""One measured build of a source tree, stage by stage; prints one JSON object.

Run by bench/run.py in a fresh process per measurement, so peak memory is the build's own. The
stages are those of `pipeline.build.build`, called one by one to time them.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from pipeline import build as b
from pipeline.load import load
from pipeline.publish import Stage
from pipeline.rdf import DEFAULT_BASE, Iris, to_triples
from pipeline.stages import STAGES


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime + children.ru_utime + children.ru_stime


def main(source: Path, out: Path) -> None:
    stages: dict[str, dict[str, float]] = {}

    def starting(name: str) -> None:
        print(f"stage: {name}", file=sys.stderr, flush=True)  # bench/run.py reports the last

    def timed(name: str, start: float, cpu_start: float) -> None:
        wall = time.perf_counter() - start
        stages[name] = {"seconds": wall, "cpu_seconds": cpu() - cpu_start}

    with b.long_lived():  # as build() makes them
        t, c = time.perf_counter(), cpu()
        starting("load")
        records = load(source)
        timed("load", t, c)
        t, c = time.perf_counter(), cpu()
        starting("rdf")
        iris = Iris(DEFAULT_BASE)
        triples, origins = to_triples(records, iris, STAGES)
        dataset = b.Dataset(records, triples, origins, iris)
        timed("rdf", t, c)
    with Stage(out) as stage:
        t, c = time.perf_counter(), cpu()
        starting("validate, outputs, pages, store")
        report = b.render_into(stage, dataset)
        timed("validate, outputs, pages, store", t, c)
        t, c = time.perf_counter(), cpu()
        starting("flush and swap in")
        stage.commit()
        timed("flush and swap in", t, c)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"triples": len(triples), "stages": stages, "conforms": report.conforms,
                      "peak_mib": own / 1024, "child_peak_mib": children / 1024}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
