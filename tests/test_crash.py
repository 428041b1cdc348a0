"""Builds are atomic: a build killed with SIGKILL at any moment leaves the previous
publication whole, and the next build clears what the killed one left behind."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def snapshot(directory: Path) -> dict[str, str]:
    # The triple store's database files differ between builds (not in SHA256SUMS); whether the
    # store swapped in with the rest shows in SHA256SUMS and the other files.
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*"))
            if p.is_file() and p.relative_to(directory).parts[0] != "store"}


def run_build(out: Path, source: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "build", "--quiet", "--source", str(source),
         "--out", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    out = tmp_path_factory.mktemp("crash") / "build"
    start = time.perf_counter()
    assert run_build(out, ROOT / "source").wait() == 0
    return out, time.perf_counter() - start


def test_killed_builds_leave_the_previous_publication_whole(
        published: tuple[Path, float]) -> None:
    out, seconds = published
    before = snapshot(out)
    assert before
    # Kill points spread over the whole build, from start-up to the final swap.
    for fraction in (0.05, 0.3, 0.6, 0.85, 0.95, 1.0):
        process = run_build(out, ROOT / "source")
        time.sleep(seconds * fraction)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
        assert snapshot(out) == before, f"killed at {fraction:.0%} of a build"
    # What killed builds left beside the publication is cleared by the next build.
    assert run_build(out, ROOT / "source").wait() == 0
    assert snapshot(out) == before
    # The publication it replaced is removed by a process of its own, which may still run.
    deadline = time.monotonic() + 60
    while leftovers(out) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert leftovers(out) == []


def leftovers(out: Path) -> list[str]:
    return [p.name for p in out.parent.iterdir() if p.name.startswith(".build.tmp")]
