"""A rebuild after a small edit: build a synthetic tree, change the title of one award, build
again, and print (as JSON) the seconds of both builds and how many published files the second
one wrote anew; the others are hard links to the first build's files. The rebuild's stages go
to stderr (`mirai-lod build --timings`).

    python bench/incremental.py [--awards N] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def inodes(directory: Path) -> dict[str, int]:
    return {str(p.relative_to(directory)): p.stat().st_ino for p in directory.rglob("*")
            if p.is_file() and p.relative_to(directory).parts[0] != "store"}


def build(source: Path, out: Path, *options: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline", "build", "--quiet", "--source",
                    str(source), "--out", str(out), *options], check=True, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--awards", type=int, default=65_000)  # about 1M triples
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=ROOT / "bench") as tmp:
        source, out = Path(tmp) / "source", Path(tmp) / "build"
        subprocess.run([sys.executable, "-m", "pipeline", "synth", "--awards",
                        str(args.awards), "--out", str(source), "--seed", str(args.seed)],
                       check=True, cwd=ROOT, capture_output=True)
        first = build(source, out)
        before = inodes(out)
        awards = source / "awards.yaml"
        text = awards.read_text(encoding="utf-8")
        marker = '  title: "'
        at = text.index(marker, len(text) // 2) + len(marker)
        awards.write_text(text[:at] + "改訂 " + text[at:], encoding="utf-8")
        second = build(source, out, "--timings")
        after = inodes(out)
        rewritten = sorted(name for name, ino in after.items() if before.get(name) != ino)
        print(json.dumps({"awards": args.awards, "first_build_s": round(first, 2),
                          "rebuild_s": round(second, 2), "files": len(after),
                          "rewritten": len(rewritten), "examples": rewritten[:40],
                          "cpus": os.cpu_count()}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
