"""Reading a source tree (`pipeline.load.load`): seconds and peak memory, for this checkout and,
with --against, for the pipeline of another commit, on the same tree in the same run.
(bench/load.py is the load test of `mirai-lod serve`, not this.)

    python -m pipeline synth --awards 65000 --out /tmp/src
    python bench/load_source.py --source /tmp/src [--runs 3] [--against REV] [--no-collector]

Each measurement is a fresh process, so its peak is the load's own: one run for the seconds and
the process's peak resident size (getrusage; the interpreter and imports are counted, and shown
apart as "before"), one run under tracemalloc for the peak of Python's allocations. Figures are
medians of --runs runs; the runs of both pipelines alternate. With --no-collector the cyclic
garbage collector is off while reading, as it is when `mirai-lod build` reads (build.long_lived).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def measure(source: Path, trace: bool, collector: bool) -> dict[str, Any]:
    """One load of `source` in this process."""
    from pipeline.load import load  # imported before the clock starts and the peaks are taken

    if not collector:
        gc.disable()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    loaded = load(source)
    seconds = time.perf_counter() - start
    result: dict[str, Any] = {"records": sum(len(r) for r in loaded.records.values())}
    if trace:
        result["traced_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    else:
        result["seconds"] = seconds
        result["rss_before_mib"] = before
        result["rss_peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def child(pipeline_root: Path, source: Path, trace: bool, collector: bool) -> dict[str, Any]:
    args = [str(Path(__file__).resolve()), "--one", str(source)]
    if trace:
        args.append("--trace")
    if not collector:
        args.append("--no-collector")
    return run_in(pipeline_root, args)


def run_in(pipeline_root: Path, args: list[str]) -> dict[str, Any]:
    """What a bench script (`args`: its path and arguments) prints as JSON, run in a process of
    its own with the `pipeline` package under `pipeline_root`."""
    env = {**os.environ, "PYTHONPATH": str(pipeline_root)}
    done = subprocess.run([sys.executable, *args], env=env, cwd=pipeline_root, check=True,
                          capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def export(rev: str, into: Path, paths: tuple[str, ...] = ("pipeline",)) -> Path:
    """`paths` (by default the `pipeline` package) as commit `rev` has them, written under
    `into`."""
    archive = into / "pipeline.tar"
    with archive.open("wb") as out:
        subprocess.run(["git", "archive", rev, *paths], cwd=ROOT, stdout=out, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into


def alternately(against: str | None, runs: int, paths: tuple[str, ...],
                one: Callable[[Path], dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """`one(root)` run `runs` times for this checkout and, with `against`, for that commit's
    `paths` (exported), the two alternating so that both see the machine in the same state;
    the results by "this checkout" or `against`."""
    with tempfile.TemporaryDirectory() as tmp:
        roots = {"this checkout": ROOT}
        if against:
            roots = {against: export(against, Path(tmp), paths), **roots}
        results: dict[str, list[dict[str, Any]]] = {name: [] for name in roots}
        for _ in range(runs):
            for name, root in roots.items():
                results[name].append(one(root))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--against", metavar="REV", help="also measure this commit's pipeline")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-collector", action="store_true",
                        help="read with the cyclic garbage collector off, as the build does")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.trace, not args.no_collector)))
        return
    if args.source is None:
        parser.error("--source is required")
    source, collector = args.source.resolve(), not args.no_collector
    runs = alternately(args.against, args.runs, ("pipeline",), lambda root: {
        **child(root, source, False, collector), **child(root, source, True, collector)})
    figures = {}
    for name, results in runs.items():
        if len({r["records"] for r in results}) != 1:
            raise SystemExit(f"{name}: the runs read different numbers of records")
        figures[name] = {key: statistics.median(r[key] for r in results)
                         for key in ("seconds", "traced_peak_mib", "rss_peak_mib",
                                     "rss_before_mib")}
        figures[name]["records"] = results[0]["records"]
        print(f"{name}: {figures[name]['records']:,} records in "
              f"{figures[name]['seconds']:.2f} s; peak traced "
              f"{figures[name]['traced_peak_mib']:.1f} MiB, peak resident "
              f"{figures[name]['rss_peak_mib']:.1f} MiB "
              f"({figures[name]['rss_before_mib']:.1f} MiB before loading); "
              f"medians of {args.runs}")
    if args.against:
        old, new = figures[args.against], figures["this checkout"]
        print(f"this checkout / {args.against}: time {new['seconds'] / old['seconds']:.2f}×, "
              f"traced peak {new['traced_peak_mib'] / old['traced_peak_mib']:.2f}×, "
              f"resident peak {new['rss_peak_mib'] / old['rss_peak_mib']:.2f}×")
    print(json.dumps({"source": str(source), "runs": args.runs,
                      "collector": not args.no_collector, "figures": figures}))


if __name__ == "__main__":
    main()
