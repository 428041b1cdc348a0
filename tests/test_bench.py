"""The benchmark's own plumbing, on a size small enough for the test suite: each stage of the
build is reported with the process that ran it, and the references are measured."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_reports_each_stage_of_both_processes(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--sizes", "30k",
                    "--runs", "2", "--naive", "", "--results", str(tmp_path)],
                   check=True, cwd=ROOT, capture_output=True)
    results = json.loads((tmp_path / "results.json").read_text())["results"]
    assert len(results) == 1
    result = results[0]
    assert result["runs"] == 2
    assert result["triples"] > 28_000
    stages = {(s["stage"], s["process"]): s for s in result["stages"]}
    assert {("load", "main"), ("rdf", "main"), ("write_store", "main"), ("dumps", "forked"),
            ("validate", "forked"), ("swap in", "main")} <= stages.keys()
    total = result["seconds"]
    for s in stages.values():
        assert s["at"] >= 0 and s["at"] + s["seconds"] <= total
        assert s["cpu_seconds"] >= 0
    # Validation takes long enough here for a memory sample (five a second) to fall in it.
    assert stages["validate", "forked"]["memory_peak_mib"] is not None
    assert result["memory_peak_mib"] >= stages["validate", "forked"]["memory_peak_mib"]
    assert result["floor"]["seconds"] > 0 and result["naive"] is None
    creation = result["file_creation_us"]
    assert creation["before"] > 0 and creation["after"] > 0
    table = (tmp_path / "results.md").read_text()
    assert "| 30,000 |" in table and "| validate | forked |" in table
    assert "**ratio to floor**" in table
    assert (f"| creating a file (a probe of 2,000), before / after these runs |  |  | "
            f"{creation['before']:.0f} / {creation['after']:.0f} µs |") in table


def test_steps_compares_two_pipelines_on_the_same_tree(tmp_path: Path) -> None:
    """bench/steps.py times the same steps with this checkout and another commit's pipeline
    (here the same commit: HEAD), in processes of their own, and says whether both rendered
    the same bytes."""
    subprocess.run([sys.executable, "-m", "pipeline", "synth", "--awards", "300", "--out",
                    str(tmp_path / "src")], check=True, cwd=ROOT, capture_output=True)
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "steps.py"), "--source",
                           str(tmp_path / "src"), "--runs", "1", "--pages", "100",
                           "--against", "HEAD"],
                          check=True, cwd=ROOT, capture_output=True, text=True)
    figures = json.loads(done.stdout.splitlines()[-1])["figures"]
    assert figures.keys() == {"HEAD", "this checkout"}
    for f in figures.values():
        assert f["triples"] > 10_000 and 90 <= f["resources"] <= 200
        assert f["triples_s"] > 0 and f["index_s"] > 0 and f["render_us"] > 0
    assert figures["HEAD"]["triples"] == figures["this checkout"]["triples"]
    assert "the same rendered bytes: yes" in done.stdout


def test_the_floor_keeps_its_pages_and_store(tmp_path: Path) -> None:
    """The floor's files stay until the whole benchmark ends, as the build's do: deleting a
    run's pages before the next run would slow that run's file creation on some file systems
    and make the floor, and so every ratio to it, depend on the run's order."""
    dump = tmp_path / "dump.nt.gz"
    dump.write_bytes(gzip.compress(
        b'<https://example.org/a> <https://example.org/p> "x" .\n'
        b"<https://example.org/a> <https://example.org/q> <https://example.org/b> .\n"
        b'<https://example.org/b> <https://example.org/p> "y"@ja .\n'))
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "references.py"), "floor",
                           str(dump), str(tmp_path / "floor")],
                          check=True, cwd=ROOT, capture_output=True, text=True)
    result = json.loads(done.stdout)
    assert result["page_count"] == 2 and result["pages"] > 0
    pages = sorted(p.name for p in (tmp_path / "floor" / "pages").iterdir())
    assert pages == ["0.html", "1.html"]
    assert "https://example.org/b" in (tmp_path / "floor" / "pages" / "1.html").read_text()
    assert (tmp_path / "floor" / "store" / "CURRENT").is_file()
