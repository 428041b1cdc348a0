"""One measured build of a source tree; prints one JSON object with its stages.

Run by bench/run.py in a fresh process per measurement, so peak memory is the build's own. It
runs `pipeline.build.build` as `mirai-lod build --force` does, and reports the spans the build
records (pipeline/timeline.py): each stage, the process that ran it, its seconds and CPU
seconds, and when it started, on the clock bench/run.py samples memory with.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import resource
import sys
import time
from pathlib import Path

from pipeline import timeline
from pipeline.build import DUMP, build
from pipeline.rdf import DEFAULT_BASE


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime + children.ru_utime + children.ru_stime


def starting(name: str) -> None:
    print(f"stage: {name}", file=sys.stderr, flush=True)  # bench/run.py reports the last


def main(source: Path, out: Path) -> None:
    timeline.on_start = starting
    start, cpu_start = time.monotonic(), cpu()
    report = build(source, out, DEFAULT_BASE)
    seconds, cpu_seconds = time.monotonic() - start, cpu() - cpu_start
    with gzip.open(out / f"{DUMP}.nt.gz") as dump:  # after the clock: not the build's work
        triples = sum(1 for _ in dump)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"triples": triples, "seconds": seconds, "cpu_seconds": cpu_seconds,
                      "spans": [dataclasses.asdict(s) for s in timeline.spans()],
                      "conforms": report.conforms,
                      "peak_mib": own / 1024, "child_peak_mib": children / 1024}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
