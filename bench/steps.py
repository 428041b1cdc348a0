"""CPU time of three steps of the build, each timed alone on the same source tree: making the
triples (`rdf.to_triples`), the site's index (`site.index`) and rendering resource pages with
their representations (`site.ResourcePages.render`); for this checkout and, with --against,
for the pipeline of another commit, in alternating processes.

    python -m pipeline synth --awards 65000 --out /tmp/src
    python bench/steps.py --source /tmp/src [--runs 3] [--pages 6000] [--against REV]

A whole build runs three processes on two cores, so the time of one of its stages depends on
the others and on the machine's load at the moment; these steps are timed one at a time, as
CPU time of the process, and the runs of both pipelines alternate, so that a change can be told
from the machine's variation. Figures are medians of --runs runs. Rendering is timed on every
n-th resource (about --pages of them), after 50 to warm up; the SHA-256 of what was rendered
tells whether both pipelines made the same bytes.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import statistics
import time
from pathlib import Path
from typing import Any

from load_source import alternately, run_in

STEPS = ("triples_s", "index_s", "render_us")


def measure(source: Path, pages: int) -> dict[str, Any]:
    """The three steps, in this process, with the collector off as the build has it."""
    from pipeline import build, site
    from pipeline.rdf import DEFAULT_BASE, Iris, to_triples
    from pipeline.stages import STAGES

    gc.disable()
    dataset = build.assemble(source, DEFAULT_BASE)
    start = time.process_time()
    triples, _ = to_triples(dataset.source, Iris(dataset.iris.base), STAGES)
    made = time.process_time() - start
    ox_triples = dataset.ox_triples
    start = time.process_time()
    site.index(ox_triples, dataset.iris.base)
    indexed = time.process_time() - start
    rendering = site.ResourcePages(dataset)
    sample = rendering.paths[::max(1, len(rendering.paths) // pages)]
    rendering.render(sample[:50])
    start = time.process_time()
    files = rendering.render(sample)
    rendered = time.process_time() - start
    digest = hashlib.sha256()
    for name, data in sorted(files.items()):
        digest.update(f"{name} {len(data)}\n".encode())
        digest.update(data)
    return {"triples": len(triples), "resources": len(sample), "triples_s": made,
            "index_s": indexed, "render_us": rendered / len(sample) * 1e6,
            "rendered_sha256": digest.hexdigest()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", type=int, default=6000,
                        help="about how many resources to render")
    parser.add_argument("--against", metavar="REV", help="also measure this commit's pipeline")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.pages)))
        return
    if args.source is None:
        parser.error("--source is required")
    source = args.source.resolve()
    # The ontology and shapes too: the site reads them.
    runs = alternately(args.against, args.runs, ("pipeline", "ontology", "shapes"),
                       lambda root: run_in(root, [str(Path(__file__).resolve()), "--one",
                                                  str(source), "--pages", str(args.pages)]))
    figures: dict[str, dict[str, Any]] = {}
    for name, results in runs.items():
        figures[name] = {step: statistics.median(r[step] for r in results) for step in STEPS}
        for key in ("triples", "resources", "rendered_sha256"):
            figures[name][key] = results[0][key]
        f = figures[name]
        print(f"{name}: {f['triples']:,} triples in {f['triples_s']:.2f} s, index "
              f"{f['index_s']:.2f} s, {f['render_us']:.0f} µs a resource rendered "
              f"({f['resources']:,}); CPU time, medians of {args.runs}")
    if args.against:
        old, new = figures[args.against], figures["this checkout"]
        same = old["rendered_sha256"] == new["rendered_sha256"]
        print(f"this checkout / {args.against}: triples {new['triples_s'] / old['triples_s']:.2f}×,"
              f" index {new['index_s'] / old['index_s']:.2f}×, rendering "
              f"{new['render_us'] / old['render_us']:.2f}×; "
              f"the same rendered bytes: {'yes' if same else 'no'}")
    print(json.dumps({"source": str(source), "runs": args.runs, "figures": figures}))


if __name__ == "__main__":
    main()
