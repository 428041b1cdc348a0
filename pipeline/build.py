"""The build, stage by stage: load → RDF → validate → dumps → publish."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import hashlib
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from pipeline import (
    catalog,
    examples,
    fingerprint,
    releases,
    reuse,
    servers,
    site,
    store,
    tables,
    timeline,
)
from pipeline.errors import EXIT_VIOLATIONS, MiraiError
from pipeline.load import Source, load
from pipeline.parallel import Forked, Tickets
from pipeline.paths import ONTOLOGY_DIR, SHAPES_DIR
from pipeline.publish import Content, Made, Stage, Stream, Written, checksums, held, sums_file
from pipeline.rdf import PREFIXES, Iris, Origins, Triple, to_graph, to_triples
from pipeline.serialize import (
    Runs,
    load_context,
    subject_runs,
    to_oxigraph,
    write_compact,
    write_gzipped,
    write_ntriples,
    write_turtle,
)
from pipeline.stages import STAGES
from pipeline.validate import Report, load_graph, to_report_graph, validate_graph

Progress = Callable[[str], None]
# The kinds of records read after the triples are made (the catalog, the store's graph name).
READ_LATER = ("dataset", "source")
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
    # The fiscal years of the awards and reported totals, in order (the catalog's coverage).
    years: tuple[int, ...] = ()
    release: str | None = None  # `build --release VERSION`
    previous: Path | None = None  # the publication this build replaces; releases carry over
    keep: bool = False  # whether work may be kept from `previous` (not with `build --force`)

    @functools.cached_property
    def graph(self) -> Graph:
        """The triples as an rdflib graph, made only for what needs one (pySHACL, rdflib's
        JSON-LD): on a million triples it takes longer than all of validation."""
        return to_graph(self.triples)

    @functools.cached_property
    def ox_triples(self) -> list[ox.Triple]:
        """The triples as pyoxigraph terms, each once, sorted: what the dumps and the pages are
        made of."""
        return to_oxigraph(self.triples)

    @functools.cached_property
    def subjects(self) -> Runs:
        """Where each subject's triples lie in `ox_triples` (serialize.subject_runs), found once
        for the JSON-LD dump, the tables and the statistics, which only read them."""
        triples, runs = subject_runs(self.ox_triples)
        assert triples is self.ox_triples  # sorted: the runs index them
        return runs


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


@contextlib.contextmanager
def long_lived() -> Iterator[None]:
    """For making what lives as long as the build (records, triples, indexes): the cyclic
    collector is off meanwhile (it would scan the growing heap again and again: half the time
    of loading 100k triples), and what was made is frozen at the end, so that no later
    collection scans it and a forked process shares its memory pages unchanged. `build` thaws
    it when done."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def assemble(source_dir: Path, base: str, progress: Progress = _quiet) -> Dataset:
    clock = _Clock(progress)
    with timeline.span("load"):
        source = load(source_dir)
    count = sum(1 for _ in source.all())
    clock.lap(f"loaded {count:,} records from {source_dir}")
    iris = Iris(base)
    with timeline.span("rdf"):
        triples, origins = to_triples(source, iris, STAGES)
    clock.lap(f"made {len(triples):,} triples")
    years = sorted({int(r["fiscal_year"]) for kind in ("award", "reported-total")
                    for r in source.of(kind)})
    return Dataset(source, triples, origins, iris, tuple(years))


def check(dataset: Dataset, progress: Progress = _quiet,
          meanwhile: Callable[[], None] | None = None) -> Report:
    """The validation report; `meanwhile` is called while the SPARQL-based constraints run
    in another process (shacl.validate)."""
    clock = _Clock(progress)
    with timeline.span("validate"):
        report = validate_graph(dataset.triples, load_graph(SHAPES_DIR), load_graph(ONTOLOGY_DIR),
                                dataset.origins, dataset.ox_triples, meanwhile)
    clock.lap(f"validated: {report.count('error')} error(s), {report.count('warning')} "
              "warning(s)")
    return report


def dumps(dataset: Dataset, report: Report, files: Mapping[str, Content]) -> dict[str, Made]:
    """The whole dataset in each format, with the ontology and shapes. The dumps are written
    as they are made, never held whole."""
    del report, files
    ox_triples = dataset.ox_triples
    context_path = ONTOLOGY_DIR / "context.jsonld"
    context = load_context(context_path)
    return {
        f"{DUMP}.ttl": Stream(functools.partial(write_turtle, ox_triples, PREFIXES)),
        f"{DUMP}.nt.gz": Stream(functools.partial(
            write_gzipped, functools.partial(write_ntriples, ox_triples))),
        f"{DUMP}.jsonld": Stream(functools.partial(write_compact, ox_triples, context,
                                                   runs=dataset.subjects)),
        "context.jsonld": context_path.read_bytes(),
        "ontology.ttl": (ONTOLOGY_DIR / "mirai.ttl").read_bytes(),
        "shapes.ttl": (SHAPES_DIR / "mirai.ttl").read_bytes(),
    }


def validation_report(dataset: Dataset, report: Report, files: Mapping[str, Content]
                      ) -> dict[str, bytes]:
    del files
    return {"validation-report.ttl": to_report_graph(report, dataset.iris.base).serialize(
        format="turtle").encode()}


# An output returns its files: bytes, or for a file too big to hold, a Stream that writes it
# (publish.Stream); the outputs after it see each file as bytes or, once written, as a Written
# file (its size and SHA-256), and may hand a Written file back under another name (a copy).
Output = Callable[[Dataset, Report, Mapping[str, Content]], Mapping[str, Made]]
# An output after the site, which reads only the names of the files before it.
Lister = Callable[[Dataset, Report, Collection[str]], dict[str, bytes]]

LISTERS: tuple[Lister, ...] = (
    examples.example_files,
    servers.server_files,  # after the pages: it reads which resources have one
)
# Each output adds files to the publication, in order; it sees the files written before it
# (a catalog can describe the dumps). A new output is one line here.
OUTPUTS: tuple[Output, ...] = (
    dumps,
    tables.csv_files,
    catalog.catalog_files,
    validation_report,
    releases.release_files,
    site.site_files,
    *LISTERS,
)


Writer = Callable[[Dataset, Path], None]

# Each writer puts what is not a plain file (e.g. an on-disk triple store) into the new
# publication directory before it replaces the old one. It sees the dataset, not the files.
WRITERS: tuple[Writer, ...] = (
    store.write_store,
)


def render_files(dataset: Dataset, report: Report, progress: Progress = _quiet) -> dict[str,
                                                                                         bytes]:
    """Every file of the publication, in memory, made by OUTPUTS in order in this process: the
    reference that `build`'s work on two cores is tested against. What `build` streams to disk
    is made here by the same code into memory, and files an output hands on as they are on
    disk (a previous release's) are read."""
    clock = _Clock(progress)
    files = {name: held(data) for name, data in _run(OUTPUTS, dataset, report).items()}
    files["SHA256SUMS"] = checksums(files)
    clock.lap(f"made {len(files)} files")
    return files


_SITE = OUTPUTS.index(site.site_files)
# The outputs before this one do not read the validation report: `build` makes them while the
# SPARQL-based constraints run, instead of waiting for them.
_CHECKED = OUTPUTS.index(validation_report)
_UNREAD = Report(())  # what those outputs are given for a report
# Resource pages are handed out in batches of at least this many: small enough that the two
# processes finish close together, large enough that taking a batch costs nothing.
_BATCH = 16


@dataclass
class _Written:
    """What the forked process did: its findings, and the SHA-256 of each file it wrote."""

    report: Report
    outputs: dict[str, str]  # by the outputs before the site
    pages: dict[str, str]  # resource pages, their representations and type maps
    inputs: dict[str, str]  # the digest of each document's inputs, by document path
    sizes: dict[str, int]  # of all of these
    spans: list[timeline.Span]  # where its time went


def _first_lane(dataset: Dataset, stage: Stage, pages: site.ResourcePages, tickets: Tickets,
                previous: reuse.Previous | None, progress: Progress, fork: timeline.Fork
                ) -> _Written:
    """Validation and the outputs before the site; then resource pages, until none are left.
    Stops after validation when it finds errors; hands back the spans it records after
    `fork`."""
    fork.entered()
    early: dict[str, Content] = {}
    failed: list[Exception] = []

    def to_stage(name: str, stream: Stream) -> Written:
        return stage.stream(name, stream.write)

    def meanwhile() -> None:
        try:
            early.update(_run(OUTPUTS[:_CHECKED], dataset, _UNREAD, write=to_stage))
        except Exception as error:  # noqa: BLE001 - raised once the data is known to be valid
            failed.append(error)

    report = check(dataset, progress, meanwhile)
    if not report.conforms:
        return _Written(report, {}, {}, {}, {}, fork.handed_back())
    if failed:
        raise failed[0]
    files = _run(OUTPUTS[_CHECKED:_SITE], dataset, report, early, to_stage)
    with timeline.span("write outputs"):
        outputs = stage.write(files)
    del files
    written, inputs = _page_lane(stage, pages, tickets, previous)
    return _Written(report, outputs, written, inputs, stage.sizes, fork.handed_back())


def files_of(path: str) -> list[str]:
    """The files `_page_lane` writes for the document at `path`: its page, its
    representations and their type map."""
    return [f"{path}.html", *(f"{path}.{ext}" for ext, _ in site.FORMATS), f"{path}.var"]


def _page_lane(stage: Stage, pages: site.ResourcePages, tickets: Tickets,
               previous: reuse.Previous | None) -> tuple[dict[str, str], dict[str, str]]:
    """Resource pages and their representations, a batch at a time, with their type maps
    (which servers.server_files would otherwise make at the end, one process alone); the
    SHA-256 of each file, and the digest of each document's inputs (none when `previous` is
    None). A document whose inputs are those the previous build recorded keeps its files."""
    digests: dict[str, str] = {}
    inputs: dict[str, str] = {}
    with timeline.span("resource pages"):
        for batch in tickets:
            paths = pages.paths[batch.start:batch.stop]
            if previous is not None:
                todo = []
                for path in paths:
                    inputs[path] = digest = site.page_inputs(pages.site, path).hex()
                    files = previous.files(path, digest, files_of(path))
                    kept = None if files is None else stage.keep(files)
                    if kept is None:
                        todo.append(path)
                    else:
                        digests.update(kept)
                paths = todo
            made = pages.render(paths)
            made.update(servers.type_maps(made))
            digests.update(stage.write(made))
    return digests, inputs


def _in_memory(name: str, stream: Stream) -> bytes:
    del name
    return held(stream)


def _run(outputs: Sequence[Output], dataset: Dataset, report: Report,
         before: Mapping[str, Content] | None = None,
         write: Callable[[str, Stream], Content] = _in_memory) -> dict[str, Content]:
    """The files of `outputs` (after the files `before`), each seeing those of the ones
    before it. A file an output streams is made by `write` (name, stream) as soon as the
    output returns: into memory, or (build) into the stage."""
    files: dict[str, Content] = dict(before or {})
    for output in outputs:
        with timeline.span(output.__name__):
            added = output(dataset, report, files)
            _no_overlap(output, files.keys(), added.keys())
            files.update({name: write(name, data) if isinstance(data, Stream) else data
                          for name, data in added.items()})
    return files


def _no_overlap(output: Output | Lister, before: AbstractSet[str], added: AbstractSet[str]) -> None:
    if before & added:
        raise AssertionError(f"{output.__name__} rewrites {sorted(before & added)}")


def render_into(stage: Stage, dataset: Dataset, progress: Progress = _quiet,
                surroundings: str | None = None) -> Report:
    """Validate, then write into `stage` the files `render_files` makes, on both cores.

    With `surroundings` (fingerprint.surroundings of this build), the digest of each resource
    page's inputs is recorded (pipeline/reuse.py), and, if `dataset.keep`, the documents whose
    inputs the previous publication recorded keep its files instead of being rendered again.

    A forked process validates and makes the outputs before the site (dumps, tables, catalog)
    while this one runs WRITERS (the store) and makes the site's listings; then both render
    resource pages, handed out in batches to whichever process is free. Last, here, the pages
    and outputs that list what the others wrote (home page, server configuration) and
    SHA256SUMS.

    Pages are rendered before validation has finished: when it finds errors, ValidationFailed
    is raised (and nothing is published) even where rendering failed on the invalid data."""
    clock = _Clock(progress)
    pages = site.ResourcePages(dataset)
    with long_lived():
        # Before the fork, so both processes share them instead of each making its own: the
        # pyoxigraph triples (validation, dumps, store, pages) and the site's index.
        with timeline.span("pyoxigraph terms"):
            dataset.ox_triples  # noqa: B018 - made on first use
        with timeline.span("site index"):
            pages.paths  # noqa: B018
            pages.site  # noqa: B018
    previous: reuse.Previous | None = None
    key = ""
    if surroundings is not None:
        key = hashlib.sha256(f"{surroundings} {sorted(pages.site.listed)}".encode()).hexdigest()
        with timeline.span("previous pages"):
            previous = reuse.load(dataset.previous, key) if dataset.keep else reuse.Previous()
    tickets = Tickets()
    try:
        fork = timeline.Fork()
        first = Forked(lambda: _first_lane(dataset, stage, pages, tickets, previous, progress,
                                           fork))
        error: Exception | None = None
        other: dict[str, str] = {}
        own_pages: dict[str, str] = {}
        own_inputs: dict[str, str] = {}
        try:
            tickets.issue(len(pages.paths), _BATCH)
            # Here, not in the forked process: a database's threads left in the parent by an
            # earlier store (in a long-lived process) could hold locks a child never gets.
            for writer in WRITERS:
                with timeline.span(writer.__name__):
                    writer(dataset, stage.path)
            with timeline.span("site listings"):
                other = stage.write(site.other_files(pages))
            own_pages, own_inputs = _page_lane(stage, pages, tickets, previous)
            # The pages are most of what is written: to disk with them while the other
            # process ends and the last files are made.
            stage.flush_ahead()
        except Exception as failed:  # noqa: BLE001 - raised below, after validation's errors
            tickets.cancel()  # the other process renders no more pages
            error = failed
        except BaseException:  # interrupted: the other process must not write on
            first.stop()
            raise
        with timeline.span("wait for the forked process"):
            written = first.result()
    finally:
        tickets.close()
    timeline.add(written.spans)
    if not written.report.conforms:
        raise ValidationFailed(written.report)
    if error is not None:
        raise error
    digests = {**written.outputs, **other, **own_pages, **written.pages}
    stage.sizes.update(written.sizes)  # the other process's Stage is its own copy
    with timeline.span("home page"):
        later = {"index.html": site.home_page(pages, written.outputs.keys())}
    # The listers see every file but the resource pages', whose type maps are written already.
    shown = written.outputs.keys() | other.keys()
    for lister in LISTERS:
        with timeline.span(lister.__name__):
            added = lister(dataset, written.report, shown | later.keys())
        _no_overlap(lister, digests.keys() | later.keys(), added.keys())
        later.update(added)
    with timeline.span("SHA256SUMS"):
        digests.update(stage.write(later))
        stage.write({"SHA256SUMS": sums_file(digests)})
    if surroundings is not None:
        with timeline.span("page inputs record"):
            reuse.write(stage.path, key, {**written.inputs, **own_inputs})
    clock.lap(f"wrote {len(digests) + 1} files")
    return written.report


def build(source_dir: Path, out: Path, base: str, progress: Progress = _quiet,
          release: str | None = None, keep: bool = True, detach: bool = False) -> Report:
    """Validate, then publish into `out`; on any error nothing in `out` changes. Unless not
    `keep`, resource pages whose inputs are unchanged keep the previous files (reuse.py), and
    the store is the previous one brought up to date (store.write_store). With
    `detach`, the replaced publication is removed in the background (publish.Stage).

    The publication records the fingerprint of its inputs (pipeline/fingerprint.py), taken
    before the source is read: a source edited during the build then differs from the record,
    and the next build does the work again instead of keeping a stale publication."""
    timeline.begin()
    with timeline.span("fingerprint"):
        inputs = fingerprint.fingerprint(source_dir, base, release)
        surroundings = fingerprint.surroundings(base, release)
    try:
        with long_lived():
            dataset = assemble(source_dir, base, progress)
            # What follows reads the triples and only these records: the others (a quarter of
            # the memory held at a million triples) are freed before the build forks.
            dataset = dataclasses.replace(dataset, source=dataset.source.only(READ_LATER),
                                          release=release, previous=out, keep=keep)
        with Stage(out, detach=detach) as stage:
            report = render_into(stage, dataset, progress, surroundings)
            # Last, so that it lists what the other writers made.
            with timeline.span("build record"):
                fingerprint.write_record(inputs, report, source_dir, stage.path, stage.sizes)
            with timeline.span("swap in"):
                stage.commit()
    finally:
        gc.unfreeze()
    progress(f"published {out}")
    return report
