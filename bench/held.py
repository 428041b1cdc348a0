"""What the build holds in memory when it forks, step by step, on a synthetic tree:

    python bench/held.py [--awards 65000] [--runs 1]

The build's memory is mostly what it holds from loading until the end (records, triples, the
site's index): both processes share it, and every output is made on top of it. This runs the
build's steps up to the fork (`pipeline.build.build` does the same, in the same order) and
prints, after each, the process's resident memory above its start, in MiB and in bytes per
byte of the dataset's N-Triples (the reference, measured in the same run), and the step's
seconds. Each run is a process of its own; with --runs N the median of N is printed.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STEPS = ("load", "rdf", "records kept", "pyoxigraph terms", "site index")


def rss_mib() -> float:
    with Path("/proc/self/status").open() as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def one_run(source: Path) -> dict[str, object]:
    """The steps of `build` up to its fork, in this process."""
    from pipeline import build, site
    from pipeline.load import load
    from pipeline.rdf import Iris, to_triples
    from pipeline.serialize import ntriples
    from pipeline.stages import STAGES

    start = rss_mib()
    held: dict[str, float] = {}
    seconds: dict[str, float] = {}

    def step(name: str, began: float) -> None:
        seconds[name] = time.perf_counter() - began
        held[name] = rss_mib() - start

    with build.long_lived():
        began = time.perf_counter()
        source_records = load(source)
        step("load", began)
        began = time.perf_counter()
        iris = Iris()
        triples, origins = to_triples(source_records, iris, STAGES)
        dataset = build.Dataset(source_records, triples, origins, iris)
        step("rdf", began)
        began = time.perf_counter()
        dataset = dataclasses.replace(dataset, source=dataset.source.only(build.READ_LATER))
        del source_records
        step("records kept", began)
        began = time.perf_counter()
        dataset.ox_triples  # noqa: B018 - made on first use
        step("pyoxigraph terms", began)
        began = time.perf_counter()
        pages = site.ResourcePages(dataset)
        pages.paths  # noqa: B018
        pages.site  # noqa: B018
        step("site index", began)
    gc.unfreeze()
    reference = len(ntriples(dataset.ox_triples))
    return {"triples": len(dataset.triples), "ntriples_bytes": reference, "held_mib": held,
            "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--awards", type=int, default=65_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # a run, in its process
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one_run(args.one)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "source"
        subprocess.run([sys.executable, "-m", "pipeline", "synth", "--awards", str(args.awards),
                        "--out", str(source)], check=True, cwd=ROOT, capture_output=True)
        runs = [json.loads(subprocess.run(
            [sys.executable, __file__, "--one", str(source)], check=True, cwd=ROOT,
            capture_output=True, text=True).stdout) for _ in range(args.runs)]
    reference = runs[0]["ntriples_bytes"]
    print(f"{args.awards:,} awards, {runs[0]['triples']:,} triples, N-Triples "
          f"{reference / 2**20:,.0f} MiB; median of {args.runs}")
    print(f"{'step':<18} {'held MiB':>9} {'per N-Triples byte':>19} {'seconds':>8}")
    for name in STEPS:
        mib = statistics.median(r["held_mib"][name] for r in runs)
        secs = statistics.median(r["seconds"][name] for r in runs)
        print(f"{name:<18} {mib:>9,.0f} {mib * 2**20 / reference:>19.2f} {secs:>8.2f}")


if __name__ == "__main__":
    main()
