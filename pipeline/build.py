"""The build, stage by stage: load → RDF → validate → dumps → publish."""

from __future__ import annotations

import dataclasses
import functools
import gc
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from pipeline import catalog, examples, fingerprint, releases, servers, site, store, tables
from pipeline.errors import EXIT_VIOLATIONS, MiraiError
from pipeline.load import Source, load
from pipeline.paths import ONTOLOGY_DIR, SHAPES_DIR
from pipeline.publish import checksums, publish
from pipeline.rdf import PREFIXES, Iris, Origins, Triple, to_graph, to_triples
from pipeline.serialize import gzipped, jsonld, load_context, ntriples, to_oxigraph, turtle
from pipeline.stages import STAGES
from pipeline.validate import Report, load_graph, to_report_graph, validate_graph

Progress = Callable[[str], None]
DUMP = "download/mirai-lod"


class ValidationFailed(MiraiError):
    exit_code = EXIT_VIOLATIONS

    def __init__(self, report: Report) -> None:
        super().__init__(f"validation found {report.count('error')} error(s); nothing was written")
        self.report = report


@dataclass(frozen=True)
class Dataset:
    source: Source
    triples: list[Triple]
    origins: Origins
    iris: Iris
    release: str | None = None  # `build --release VERSION`
    previous: Path | None = None  # the publication this build replaces; releases carry over

    @functools.cached_property
    def graph(self) -> Graph:
        """The triples as an rdflib graph, made only for what needs one (pySHACL, rdflib's
        JSON-LD): on a million triples it takes longer than all of validation."""
        return to_graph(self.triples)


def _quiet(_: str) -> None:
    pass


class _Clock:
    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.start = time.perf_counter()

    def lap(self, message: str) -> None:
        now = time.perf_counter()
        self.progress(f"{message} ({now - self.start:.2f} s)")
        self.start = now


def assemble(source_dir: Path, base: str, progress: Progress = _quiet) -> Dataset:
    clock = _Clock(progress)
    source = load(source_dir)
    count = sum(1 for _ in source.all())
    clock.lap(f"loaded {count:,} records from {source_dir}")
    iris = Iris(base)
    triples, origins = to_triples(source, iris, STAGES)
    clock.lap(f"made {len(triples):,} triples")
    return Dataset(source, triples, origins, iris)


def check(dataset: Dataset, progress: Progress = _quiet) -> Report:
    clock = _Clock(progress)
    report = validate_graph(dataset.triples, load_graph(SHAPES_DIR), load_graph(ONTOLOGY_DIR),
                            dataset.origins)
    clock.lap(f"validated: {report.count('error')} error(s), {report.count('warning')} "
              "warning(s)")
    return report


def dumps(dataset: Dataset, report: Report, files: Mapping[str, bytes]) -> dict[str, bytes]:
    """The whole dataset in each format, with the ontology, shapes and validation report."""
    # The triples, not the graph: the same set (the graph is made of them), and no output
    # then needs the rdflib graph made at all.
    ox_triples = to_oxigraph(set(dataset.triples))
    context_path = ONTOLOGY_DIR / "context.jsonld"
    return {
        f"{DUMP}.ttl": turtle(ox_triples, PREFIXES),
        f"{DUMP}.nt.gz": gzipped(ntriples(ox_triples)),
        f"{DUMP}.jsonld": jsonld(dataset.triples, load_context(context_path)),
        "context.jsonld": context_path.read_bytes(),
        "ontology.ttl": (ONTOLOGY_DIR / "mirai.ttl").read_bytes(),
        "shapes.ttl": (SHAPES_DIR / "mirai.ttl").read_bytes(),
        "validation-report.ttl": to_report_graph(report, dataset.iris.base).serialize(
            format="turtle").encode(),
    }


Output = Callable[[Dataset, Report, Mapping[str, bytes]], dict[str, bytes]]

# Each output adds files to the publication, in order; it sees the files written before it
# (a catalog can describe the dumps). A new output is one line here.
OUTPUTS: tuple[Output, ...] = (
    dumps,
    tables.csv_files,
    catalog.catalog_files,
    releases.release_files,
    site.site_files,
    examples.example_files,
    servers.server_files,  # after the pages: it reads which resources have one
)


Writer = Callable[[Dataset, Path], None]

# Each writer puts what is not a plain file (e.g. an on-disk triple store) into the new
# publication directory before it replaces the old one.
WRITERS: tuple[Writer, ...] = (
    store.write_store,
)


def render_files(dataset: Dataset, report: Report, progress: Progress = _quiet) -> dict[str,
                                                                                         bytes]:
    clock = _Clock(progress)
    files: dict[str, bytes] = {}
    # The graphs made so far are long-lived and number in the millions of objects: left to the
    # collector, each full collection walks them all again (a sixth of the time here). Frozen,
    # it looks only at what the outputs make; a forked page renderer also shares them unchanged.
    gc.freeze()
    try:
        for output in OUTPUTS:
            added = output(dataset, report, files)
            overlap = files.keys() & added.keys()
            if overlap:
                raise AssertionError(f"{output.__name__} rewrites {sorted(overlap)}")
            files.update(added)
    finally:
        gc.unfreeze()
    files["SHA256SUMS"] = checksums(files)
    clock.lap(f"wrote {len(files)} files")
    return files


def build(source_dir: Path, out: Path, base: str, progress: Progress = _quiet,
          release: str | None = None) -> Report:
    """Validate, then publish into `out`; on any error nothing in `out` changes.

    The publication records the fingerprint of its inputs (pipeline/fingerprint.py), taken
    before the source is read: a source edited during the build then differs from the record,
    and the next build does the work again instead of keeping a stale publication."""
    inputs = fingerprint.fingerprint(source_dir, base, release)
    dataset = dataclasses.replace(assemble(source_dir, base, progress), release=release,
                                  previous=out)
    report = check(dataset, progress)
    if not report.conforms:
        raise ValidationFailed(report)
    files = render_files(dataset, report, progress)
    writers = [functools.partial(writer, dataset) for writer in WRITERS]
    # Not in WRITERS, which see only the dataset: the record also needs the fingerprint and the
    # report. Last, so that it lists what the other writers made.
    writers.append(functools.partial(fingerprint.write_record, inputs, report, source_dir))
    publish(out, files, writers)
    progress(f"published {out}")
    return report
