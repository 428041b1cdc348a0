"""Benchmark of the full build on synthetic data of growing size, with two references measured
in the same run on the same data: the floor (pyoxigraph in, out and into a store) and the naive
path (rdflib + pySHACL + rdflib serializers). Figures that matter are the ratios.

    python bench/run.py [--sizes 100k,1m,10m] [--runs 3] [--naive 100k] [--budget 1800]
                        [--memory-limit MIB] [--results DIR]

Each build reports its stages (pipeline/timeline.py): the process that ran each (the build's
main process, or the process it forks to use the second core), seconds, CPU use. Memory is
sampled while the build runs: the machine's memory in use above what was in use when it
started, so pages a forked process shares with its parent count once (run it on an otherwise
idle machine). A stage's peak is the highest sample taken while it ran, which includes what
the other process held meanwhile. A build going over --memory-limit is stopped and reported
with the stage it was in. Before and after each size's runs, the time to create a small file
is probed (file_creation_us): it says whether the file system was in a slow state meanwhile.

Writes bench/results.json and bench/results.md and prints the table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
# Measured on the synthetic trees: triples of the local governments, programs and technologies,
# and triples per award (title, amounts, year, round, status, recipient, program, source,
# technologies, plus its share of the reported totals).
FIXED_TRIPLES = 28_000
TRIPLES_PER_AWARD = 14


def parse_size(text: str) -> int:
    text = text.lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * scale)


class Watched:
    """A benchmark process run with a time budget and a memory limit. Its memory is the
    machine's memory in use (MemTotal - MemAvailable) above what was in use when it started,
    sampled while it runs: pages its forked processes share with it count once, and reading it
    costs the process nothing (summing /proc/PID/smaps_rollup instead walks the page tables of
    every process under their memory lock: 50 ms for each 3 GB process, which slowed a 1M build
    by 15% at five samples a second). The machine should be otherwise idle."""

    def __init__(self, args: list[str], budget: float, limit_mib: float) -> None:
        self.args, self.budget, self.limit_mib = args, budget, limit_mib
        self.peak_mib = 0.0
        self.samples: list[tuple[float, float]] = []  # (time.monotonic(), MiB in use)
        self.stage = ""  # the last stage it reported starting
        self.elapsed = 0.0

    def run(self) -> dict[str, Any]:
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            baseline = in_use_mib()
            started = time.perf_counter()
            process = subprocess.Popen([sys.executable, *self.args], stdout=out, stderr=err,
                                       cwd=ROOT, start_new_session=True)
            stopped: dict[str, Any] | None = None
            while process.poll() is None:
                time.sleep(0.2)
                self.elapsed = time.perf_counter() - started
                # Not below zero: the page cache the start of a process gives back is not the
                # build's.
                mib = max(0.0, in_use_mib() - baseline)
                self.samples.append((time.monotonic(), mib))
                self.peak_mib = max(self.peak_mib, mib)
                if self.elapsed > self.budget:
                    stopped = {"timed_out_after": self.budget}
                elif self.limit_mib and self.peak_mib > self.limit_mib:
                    stopped = {"memory_limit_mib": self.limit_mib}
                if stopped:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            err.seek(0)
            errors = err.read().decode(errors="replace")
            stages = [line[len("stage: "):] for line in errors.splitlines()
                      if line.startswith("stage: ")]
            self.stage = stages[-1] if stages else ""
            if stopped:
                return {**stopped, "after_seconds": round(self.elapsed, 1), "stage": self.stage,
                        "memory_peak_mib": self.peak_mib}
            if process.returncode != 0:
                sys.stderr.write(errors[-3000:])
                raise SystemExit(f"{self.args[0]} failed with exit code {process.returncode}")
            out.seek(0)
            result: dict[str, Any] = json.loads(out.read().decode().strip().splitlines()[-1])
            result["memory_peak_mib"] = self.peak_mib
            for span in result.get("spans", ()):
                during = [mib for at, mib in self.samples
                          if span["start"] <= at <= span["start"] + span["seconds"]]
                span["memory_peak_mib"] = max(during) if during else None
            return result


def _meminfo() -> dict[str, int]:
    fields = {}
    for line in Path("/proc/meminfo").read_text(encoding="ascii").splitlines():
        name, _, value = line.partition(":")
        fields[name] = int(value.split()[0])  # KiB
    return fields


def in_use_mib() -> float:
    info = _meminfo()
    return (info["MemTotal"] - info["MemAvailable"]) / 1024


def machine_mib() -> float:
    return _meminfo()["MemTotal"] / 1024


def run_json(args: list[str], budget: float, limit_mib: float = 0) -> dict[str, Any] | None:
    """The JSON a benchmark process prints; None if it ran out of time. Over the memory limit,
    a record of where it stopped."""
    result = Watched(args, budget, limit_mib).run()
    if "timed_out_after" in result:
        return None
    return result


def stages_of(run: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """A run's spans by stage and process, in the order they started; a stage's start is
    given from the start of the first, and a stage that ran several times is summed."""
    origin = min(s["start"] for s in run["spans"])
    stages: dict[tuple[str, str], dict[str, Any]] = {}
    for span in run["spans"]:
        key = span["name"], span["process"]
        peak = span["memory_peak_mib"]
        if key in stages:  # a stage that ran several times (one constraint on several shapes)
            before = stages[key]
            before["seconds"] += span["seconds"]
            before["cpu_seconds"] += span["cpu_seconds"]
            if peak is not None:
                before["memory_peak_mib"] = max(before["memory_peak_mib"] or 0, peak)
            continue
        stages[key] = {"at": span["start"] - origin, "seconds": span["seconds"],
                       "cpu_seconds": span["cpu_seconds"], "memory_peak_mib": peak}
    return stages


def median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    first = runs[0]
    each = [stages_of(r) for r in runs]

    def median(values: list[float | None]) -> float | None:
        known = [v for v in values if v is not None]
        return statistics.median(known) if known else None

    stages = [{"stage": name, "process": process,
               **{key: median([e[name, process][key] for e in each if (name, process) in e])
                  for key in ("at", "seconds", "cpu_seconds", "memory_peak_mib")}}
              for name, process in each[0]]
    return {"triples": first["triples"], "stages": stages, "runs": len(runs),
            # The largest resident size of any one of its processes (pages shared with the
            # forked process count in both).
            "peak_mib": max(max(r["peak_mib"], r.get("child_peak_mib", 0)) for r in runs),
            "memory_peak_mib": max(r["memory_peak_mib"] for r in runs),
            "seconds": statistics.median(r["seconds"] for r in runs),
            "cpu_seconds": statistics.median(r["cpu_seconds"] for r in runs)}


PROBE_FILES = 2_000


def file_creation_us(directory: Path, count: int = PROBE_FILES) -> float:
    """Microseconds to create, write and close one small file in a new `directory`, as the
    build writes its pages: a large part of a build's time, and one that varies with the
    file system's state, not the code. On ext4 without a journal, inodes freed in the last
    minute (six minutes while their table block is unwritten) are skipped one by one at every
    creation (the kernel's `recently_deleted`), so creating files soon after many were deleted
    took 6-16 times as long here. The files are kept: deleting them would do the same to what
    is measured next."""
    directory.mkdir(parents=True)
    data = b"x" * 4096
    started = time.perf_counter()
    for n in range(count):
        fd = os.open(directory / f"{n}.html", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
    return (time.perf_counter() - started) / count * 1e6


def measure(size: int, runs: int, naive: bool, budget: float, limit_mib: float,
            tmp: Path) -> dict[str, Any]:
    awards = max(0, (size - FIXED_TRIPLES) // TRIPLES_PER_AWARD)
    source = tmp / f"source-{size}"
    creation = {"before": file_creation_us(tmp / f"probe-{size}-before")}
    subprocess.run([sys.executable, "-m", "pipeline", "synth", "--awards", str(awards),
                    "--out", str(source), "--seed", "1"], check=True, cwd=ROOT,
                   capture_output=True)
    ours = []
    for n in range(runs):
        out = tmp / f"build-{size}-{n}"
        started = time.perf_counter()
        result = run_json([str(BENCH / "stages.py"), str(source), str(out)], budget, limit_mib)
        if result is None:
            return {"size": size, "awards": awards, "timed_out_after": budget}
        if "memory_limit_mib" in result:
            return {"size": size, "awards": awards, **result}
        ours.append(result)
        if time.perf_counter() - started > budget / 3:
            break  # too slow for more runs within the budget
    summary = median_of(ours)
    dump = tmp / f"build-{size}-0" / "download" / "mirai-lod.nt.gz"
    floor_runs = [run_json([str(BENCH / "references.py"), "floor", str(dump),
                            str(tmp / f"floor-{size}-{n}")], budget) for n in range(len(ours))]
    floors = [f for f in floor_runs if f is not None]
    summary["floor"] = {"seconds": statistics.median(f["seconds"] for f in floors),
                        "pages": statistics.median(f["pages"] for f in floors),
                        "page_count": floors[0]["page_count"],
                        "peak_mib": max(f["peak_mib"] for f in floors)} if floors else None
    summary["naive"] = None
    if naive:
        summary["naive"] = run_json([str(BENCH / "references.py"), "naive", str(dump),
                                     str(ROOT / "shapes" / "mirai.ttl"),
                                     str(ROOT / "ontology" / "mirai.ttl")], budget,
                                    limit_mib) or {"timed_out_after": budget}
    creation["after"] = file_creation_us(tmp / f"probe-{size}-after")
    summary["file_creation_us"] = creation
    summary["size"] = size
    summary["awards"] = awards
    return summary


def table(results: list[dict[str, Any]]) -> str:
    lines = ["| size | triples | stage | process | from s | seconds | triples/s | CPU use | "
             "peak MiB |",
             "|---|---:|---|---|---:|---:|---:|---:|---:|"]

    def row(r: dict[str, Any], stage: str, seconds: str = "", peak: str = "", process: str = "",
            at: str = "", rate: str = "", use: str = "") -> None:
        triples = f"{r['triples']:,}" if "triples" in r else ""
        lines.append(f"| {r['size']:,} | {triples} | {stage} | {process} | {at} | {seconds} | "
                     f"{rate} | {use} | {peak} |")

    for r in results:
        if "timed_out_after" in r:
            row(r, f"(timed out after {r['timed_out_after']} s)")
            continue
        if "memory_limit_mib" in r:
            row(r, f"(stopped at the {r['memory_limit_mib']:,.0f} MiB limit after "
                   f"{r['after_seconds']:,.0f} s, in stage \"{r['stage']}\")",
                peak=f"{r['memory_peak_mib']:,.0f}")
            continue
        for s in r["stages"]:
            seconds = s["seconds"]
            peak = s["memory_peak_mib"]
            row(r, s["stage"], f"{seconds:.2f}", "" if peak is None else f"{peak:,.0f}",
                s["process"], f"{s['at']:.2f}",
                f"{r['triples'] / seconds:,.0f}" if seconds >= 0.01 else "",
                f"{s['cpu_seconds'] / seconds:.0%}" if seconds >= 0.01 else "")
        total = r["seconds"]
        row(r, f"**total (median of {r['runs']})**", f"**{total:.2f}**",
            f"{r['memory_peak_mib']:,.0f} (each process: {r['peak_mib']:,.0f})",
            rate=f"{r['triples'] / total:,.0f}", use=f"{r['cpu_seconds'] / total:.0%}")
        if r["floor"]:
            row(r, "floor (pyoxigraph)", f"{r['floor']['seconds']:.2f}",
                f"{r['floor']['peak_mib']:,.0f}")
            row(r, "**ratio to floor**", f"**{total / r['floor']['seconds']:.1f}×**")
            with_pages = r["floor"]["seconds"] + r["floor"]["pages"]
            row(r, f"floor with pages (one small page per subject, "
                   f"{r['floor']['page_count']:,})", f"{with_pages:.2f}")
            row(r, "**ratio to floor with pages**", f"**{total / with_pages:.1f}×**")
        naive = r["naive"]
        if naive and "memory_limit_mib" in naive:
            row(r, "naive (rdflib + pySHACL)",
                f"stopped at the {naive['memory_limit_mib']:,.0f} MiB limit after "
                f"{naive['after_seconds']:,.0f} s", f"{naive['memory_peak_mib']:,.0f}")
        elif naive and "timed_out_after" in naive:
            # Unfinished, it still bounds the speed-up from below.
            row(r, "naive (rdflib + pySHACL)",
                f"did not finish in {naive['timed_out_after']:.0f} s")
            row(r, "**speed-up over naive**",
                f"**more than {naive['timed_out_after'] / total:.1f}×**")
        elif naive:
            row(r, "naive (rdflib + pySHACL)", f"{naive['seconds']:.2f}",
                f"{naive['peak_mib']:,.0f}")
            row(r, "**speed-up over naive**", f"**{naive['seconds'] / total:.1f}×**")
        creation = r["file_creation_us"]
        row(r, f"creating a file (a probe of {PROBE_FILES:,}), before / after these runs",
            f"{creation['before']:.0f} / {creation['after']:.0f} µs")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1m,10m")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--naive", default="100k",
                        help="the sizes at which the naive path is measured too, '' for none "
                             "(over the budget, it still bounds the speed-up from below)")
    parser.add_argument("--budget", type=float, default=1800.0,
                        help="seconds one measured run may take before the size is given up")
    parser.add_argument("--memory-limit", type=float, default=machine_mib() * 0.8,
                        help="MiB the build's processes may use together before the size "
                             "is given up, 0 for none; by default 80%% of the machine's memory, "
                             "so a size that cannot fit stops instead of swapping. "
                             "--memory-limit 4096 checks the 4 GB goal directly.")
    parser.add_argument("--results", type=Path, default=BENCH,
                        help="directory for results.json and results.md")
    args = parser.parse_args()
    machine = (f"{platform.machine()}, {os.cpu_count()} cores, Python "
               f"{platform.python_version()}, {platform.system()}")
    naive = {parse_size(s) for s in args.naive.split(",") if s}
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in (parse_size(s) for s in args.sizes.split(",")):
            print(f"measuring {size:,} triples…", file=sys.stderr)
            results.append(measure(size, args.runs, size in naive, args.budget,
                                   args.memory_limit, Path(tmp)))
    (args.results / "results.json").write_text(json.dumps({"machine": machine, "results": results},
                                                   indent=2) + "\n")
    text = f"Machine: {machine}\n\n{table(results)}\n"
    (args.results / "results.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
