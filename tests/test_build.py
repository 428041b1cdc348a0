"""The publication: dumps read back by independent parsers, isomorphic across formats,
byte-identical on rebuild, conforming to the shapes, and never half-written."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyld import jsonld
from pyshacl import validate
from rdflib import BNode, Graph

from pipeline import serialize, site, timeline
from pipeline.build import DUMP, ValidationFailed, assemble, build, check, render_files
from pipeline.errors import BuildError
from pipeline.parallel import can_fork
from pipeline.paths import ONTOLOGY_DIR, SHAPES_DIR
from pipeline.rdf import DEFAULT_BASE, PREFIXES
from pipeline.serialize import gzipped, load_context, ntriples, to_oxigraph, turtle

BASE = Path(__file__).parent / "cases" / "base"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pub") / "build"
    build(BASE, out, DEFAULT_BASE)
    return out


def canonical(triples: list[ox.Triple] | list[ox.Quad]) -> set[str]:
    return {f"{t.subject} {t.predicate} {t.object}" for t in triples}


def oxigraph_read(data: bytes, fmt: ox.RdfFormat) -> set[str]:
    return canonical(list(ox.parse(data, format=fmt)))


def rdflib_read(data: bytes, fmt: str) -> set[str]:
    graph = Graph().parse(data=data, format=fmt)
    assert not any(isinstance(t, BNode) for triple in graph for t in triple)
    return canonical(to_oxigraph(graph))


def pyld_read(data: bytes) -> set[str]:
    nquads = jsonld.to_rdf(json.loads(data), {"format": "application/n-quads"})
    return oxigraph_read(nquads.encode(), ox.RdfFormat.N_QUADS)


def test_files(out: Path) -> None:
    names = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    # The dumps; the other outputs (catalog, site, …) check their own files.
    assert {
        ".mirai-lod-build", "SHA256SUMS", "context.jsonld", f"{DUMP}.jsonld", f"{DUMP}.nt.gz",
        f"{DUMP}.ttl", "ontology.ttl", "shapes.ttl", "validation-report.ttl",
    } <= names


def test_dumps_agree_across_formats_and_parsers(out: Path) -> None:
    ttl = (out / f"{DUMP}.ttl").read_bytes()
    nt = gzip.decompress((out / f"{DUMP}.nt.gz").read_bytes())
    jld = (out / f"{DUMP}.jsonld").read_bytes()
    reference = oxigraph_read(nt, ox.RdfFormat.N_TRIPLES)
    assert len(reference) == 179
    assert oxigraph_read(ttl, ox.RdfFormat.TURTLE) == reference
    assert rdflib_read(ttl, "turtle") == reference
    assert rdflib_read(nt, "nt") == reference
    assert oxigraph_read(jld, ox.RdfFormat.JSON_LD) == reference
    assert pyld_read(jld) == reference
    assert rdflib_read(jld, "json-ld") == reference


def test_known_facts_in_dump(out: Path) -> None:
    nt = gzip.decompress((out / f"{DUMP}.nt.gz").read_bytes()).decode()
    award = "<https://w3id.org/mirai-lod/award/kaga-new>"
    mirai = "https://w3id.org/mirai-lod/ontology#"
    integer = "<http://www.w3.org/2001/XMLSchema#integer>"
    assert f'{award} <{mirai}requestedAmount> "37000000"^^{integer} .' in nt
    assert f'{award} <{mirai}awardedAmount> "18500000"^^{integer} .' in nt
    assert (f'{award} <{mirai}fiscalYear> '
            '"2022"^^<http://www.w3.org/2001/XMLSchema#gYear> .') in nt
    assert (f"{award} <{mirai}recipient> "
            "<https://w3id.org/mirai-lod/municipality/172065> .") in nt
    assert ('<https://w3id.org/mirai-lod/prefecture/010006> '
            f'<{mirai}localGovernmentCode> "010006" .') in nt


def test_jsonld_is_compacted_with_the_published_context(out: Path) -> None:
    document = json.loads((out / f"{DUMP}.jsonld").read_text(encoding="utf-8"))
    published = json.loads((out / "context.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == published["@context"]
    award = next(n for n in document["@graph"] if n["id"].endswith("/award/kaga-new"))
    assert award["type"] == "Award"
    assert award["awardedAmount"] == 18500000
    assert award["awardStatus"] == "New"
    # Every property is a context term: no full IRIs as keys.
    keys = {k for node in document["@graph"] for k in node}
    assert not [k for k in keys if ":" in k]


def test_rebuild_is_byte_identical(out: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build(BASE, again, DEFAULT_BASE)
    for path in out.rglob("*"):
        # The triple store's database files are not deterministic (and not in SHA256SUMS).
        if path.is_file() and path.relative_to(out).parts[0] != "store":
            assert (again / path.relative_to(out)).read_bytes() == path.read_bytes(), path


def test_dump_conforms_with_pyshacl(out: Path) -> None:
    data = Graph().parse(out / f"{DUMP}.ttl")
    shapes = Graph().parse(out / "shapes.ttl")
    ontology = Graph().parse(out / "ontology.ttl")
    conforms, _, text = validate(data, shacl_graph=shapes, ont_graph=ontology,
                                 advanced=True, allow_warnings=True)
    assert conforms, text


def test_published_ontology_and_shapes_are_the_repository_files(out: Path) -> None:
    assert (out / "ontology.ttl").read_bytes() == (ONTOLOGY_DIR / "mirai.ttl").read_bytes()
    assert (out / "shapes.ttl").read_bytes() == (SHAPES_DIR / "mirai.ttl").read_bytes()


def test_checksums(out: Path) -> None:
    for line in (out / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest


def test_base_option_changes_every_resource_iri(tmp_path: Path) -> None:
    out = tmp_path / "b"
    build(BASE, out, "http://example.org/data/")
    subjects = {t.subject.value for t in ox.parse(
        gzip.decompress((out / f"{DUMP}.nt.gz").read_bytes()), format=ox.RdfFormat.N_TRIPLES)}
    assert subjects and all(s.startswith("http://example.org/data/") for s in subjects)


def test_failed_build_keeps_previous_build(out: Path, tmp_path: Path) -> None:
    previous = tmp_path / "build"
    shutil.copytree(out, previous)
    before = {p: p.read_bytes() for p in previous.rglob("*") if p.is_file()}
    src = tmp_path / "src"
    shutil.copytree(BASE, src)
    awards = src / "awards.yaml"
    awards.write_text(awards.read_text().replace("awarded_thousand_yen: 18500",
                                                 "awarded_thousand_yen: 37001"))
    with pytest.raises(ValidationFailed):
        build(src, previous, DEFAULT_BASE)
    after = {p: p.read_bytes() for p in previous.rglob("*") if p.is_file()}
    assert after == before
    # Nothing left beside it but the lock every build takes.
    assert sorted(p.name for p in tmp_path.iterdir()) == [".build.lock", "build", "src"]


def test_refuses_to_replace_a_foreign_directory(tmp_path: Path) -> None:
    foreign = tmp_path / "home"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(BuildError, match="not written by mirai-lod"):
        build(BASE, foreign, DEFAULT_BASE)
    assert (foreign / "notes.txt").read_text() == "mine"


def test_separate_processes_give_identical_bytes(tmp_path: Path) -> None:
    """Hash seeds and map orders differ between processes; the bytes must not."""
    import os
    import subprocess
    import sys

    digests = []
    for seed in ("1", "2"):
        out = tmp_path / f"out-{seed}"
        subprocess.run([sys.executable, "-m", "pipeline", "build", "--quiet", "--source",
                        str(BASE), "--out", str(out)], check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed})
        digests.append((out / "SHA256SUMS").read_bytes())
    assert digests[0] == digests[1]


def published_files(out: Path) -> dict[str, bytes]:
    """Every plain file of a publication but the store's and the build record."""
    return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*")
            if p.is_file() and p.relative_to(out).parts[0] != "store"
            and not p.name.startswith(".mirai-lod")}


@pytest.mark.parametrize("fork", ["1", "0"])
def test_the_build_on_two_cores_writes_what_one_process_makes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fork: str) -> None:
    """`build` shares validation, outputs and pages between two processes and writes as it
    goes; `render_files` makes every output in order, in memory. The files must be the same."""
    monkeypatch.setenv("MIRAI_LOD_NO_FORK", "0" if fork == "1" else "1")
    out = tmp_path / "build"
    build(BASE, out, DEFAULT_BASE)
    dataset = assemble(BASE, DEFAULT_BASE)
    expected = render_files(dataset, check(dataset))
    written = published_files(out)
    assert sorted(written) == sorted(expected)
    assert [name for name in expected if written[name] != expected[name]] == []



@pytest.mark.parametrize("fork", [True, False])
def test_the_timeline_names_each_stage_and_the_process_that_ran_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fork: bool) -> None:
    monkeypatch.setenv("MIRAI_LOD_NO_FORK", "0" if fork else "1")
    second = timeline.FORKED if fork and can_fork() else timeline.MAIN
    for _ in range(2):  # a second build reports its own spans only
        started = time.monotonic()
        build(BASE, tmp_path / "build", DEFAULT_BASE)
        ended = time.monotonic()
    spans = timeline.spans()
    by_name = {s.name: s for s in spans}
    # Each stage once; resource pages once per process; a SPARQL-based constraint once per
    # shape that uses it.
    once = [s.name for s in spans if not s.name.startswith("SPARQL ")]
    assert len(set(once)) == len(once) - 1
    assert {s.process for s in spans if s.name == "resource pages"} <= {timeline.MAIN, second}
    third = "sparql" if second == timeline.FORKED else timeline.MAIN
    sparql = [s for s in spans if s.name.startswith("SPARQL ")]
    assert "SPARQL mirai-sh:codeCheckDigit" in by_name and len(sparql) >= 10
    assert {s.process for s in sparql} == {third}
    assert by_name["store for the SPARQL-based constraints"].process == third
    for s in sparql:  # within the wait for them
        assert by_name["validate"].start <= s.start
        assert (s.start + s.seconds <= by_name["wait for the SPARQL-based constraints"].start
                + by_name["wait for the SPARQL-based constraints"].seconds)
    assert {"fingerprint", "load", "rdf", "pyoxigraph terms", "site index", "write_store",
            "site listings", "validate", "dumps", "csv_files", "catalog_files",
            "validation_report", "release_files", "write outputs", "home page",
            "example_files", "server_files", "SHA256SUMS", "build record", "swap in",
            "previous pages", "page inputs record"} <= by_name.keys()
    for name in ("validate", "core shapes", "wait for the SPARQL-based constraints", "dumps",
                 "csv_files", "catalog_files", "write outputs"):
        assert by_name[name].process == second, name
    for name in ("load", "rdf", "write_store", "site listings", "home page", "swap in"):
        assert by_name[name].process == timeline.MAIN, name
    assert all(started <= s.start and s.start + s.seconds <= ended for s in spans)
    assert all(s.seconds >= 0 and s.cpu_seconds >= 0 for s in spans)
    assert [s.start for s in spans] == sorted(s.start for s in spans)

    def end(name: str) -> float:
        return by_name[name].start + by_name[name].seconds

    # Each process's stages follow one another.
    assert end("load") <= by_name["rdf"].start
    # The outputs that do not read the report are made while the SPARQL-based constraints run.
    assert end("core shapes") <= by_name["dumps"].start
    assert end("catalog_files") <= by_name["wait for the SPARQL-based constraints"].start
    assert end("validate") <= by_name["validation_report"].start
    assert end("dumps") <= by_name["csv_files"].start
    assert end("build record") <= by_name["swap in"].start
    table = timeline.table(spans).splitlines()
    assert table[0].split() == ["at", "stage", "process", "seconds", "CPU", "s"]
    assert len(table) == len(spans) + 1
    assert table[1].split()[:3] == ["0.00", "fingerprint", "main"]


def test_invalid_data_is_reported_even_when_a_page_fails_on_it(
        out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages render while validation runs: an error rendering invalid data must not hide
    validation's findings, and nothing is published."""
    def broken(self: site.ResourcePages, paths: object) -> dict[str, bytes]:
        raise KeyError("a value the shapes require")

    monkeypatch.setattr(site.ResourcePages, "render", broken)
    findings_win(out, tmp_path, "a value the shapes require")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".build.lock", "build", "src"]


def findings_win(out: Path, tmp_path: Path, error: str) -> None:
    """With invalid data, validation's findings are what a build raises, not the KeyError
    `error` some other stage raises meanwhile; with valid data, that error itself. Nothing is
    published either way."""
    src = tmp_path / "src"
    shutil.copytree(BASE, src)
    awards = src / "awards.yaml"
    awards.write_text(awards.read_text().replace("awarded_thousand_yen: 18500",
                                                 "awarded_thousand_yen: 37001"))
    previous = tmp_path / "build"
    shutil.copytree(out, previous)
    before = published_files(previous)
    with pytest.raises(ValidationFailed):
        build(src, previous, DEFAULT_BASE)
    with pytest.raises(KeyError, match=error):
        build(BASE, previous, DEFAULT_BASE)
    assert published_files(previous) == before


def test_an_interrupted_build_leaves_nothing_behind(
        out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while both processes work: the forked one is stopped before the new
    publication's directory is removed, so it cannot write it back."""
    def interrupted(pages: site.ResourcePages) -> dict[str, bytes]:
        raise KeyboardInterrupt

    monkeypatch.setattr(site, "other_files", interrupted)
    previous = tmp_path / "build"
    shutil.copytree(out, previous)
    before = published_files(previous)
    with pytest.raises(KeyboardInterrupt):
        build(BASE, previous, DEFAULT_BASE)
    time.sleep(1)  # time enough for a forked process left running to write something
    assert sorted(p.name for p in tmp_path.iterdir()) == [".build.lock", "build"]
    assert published_files(previous) == before


def test_the_outputs_made_before_the_report_do_not_read_it() -> None:
    """The dumps, tables and catalog are made while the SPARQL-based constraints run, before
    the report exists: given one with findings they are the same bytes."""
    from pipeline import build as build_module
    from pipeline.validate import Report, Result

    dataset = assemble(BASE, DEFAULT_BASE)
    finding = Result("warning", "a finding", f"{DEFAULT_BASE}award/x", None, None,
                     "https://w3id.org/mirai-lod/shapes#x", "sh:MinCountConstraintComponent",
                     None)
    early = build_module.OUTPUTS[:build_module._CHECKED]
    assert build_module.dumps in early
    assert build_module.validation_report not in early
    made = build_module._run(early, dataset, Report((finding,)))
    assert made == build_module._run(early, dataset, build_module._UNREAD)
    assert f"{DUMP}.ttl" in made


def test_invalid_data_is_reported_even_when_an_early_output_fails_on_it(
        out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import build as build_module

    def broken(dataset: object, report: object, files: object) -> dict[str, bytes]:
        raise KeyError("a column the shapes require")

    outputs = list(build_module.OUTPUTS)
    outputs[1] = broken  # made while validation runs
    monkeypatch.setattr(build_module, "OUTPUTS", tuple(outputs))
    findings_win(out, tmp_path, "a column the shapes require")


def test_dumps_on_disk_are_the_bytes_the_serializers_make_whole(out: Path) -> None:
    """The dumps go to disk a chunk at a time as they are made; they are the bytes made in
    memory at once, the JSON-LD the bytes of rdflib's converter."""
    dataset = assemble(BASE, DEFAULT_BASE)
    triples = dataset.ox_triples
    assert (out / f"{DUMP}.ttl").read_bytes() == turtle(triples, PREFIXES)
    assert (out / f"{DUMP}.nt.gz").read_bytes() == gzipped(ntriples(triples))
    context = load_context(ONTOLOGY_DIR / "context.jsonld")
    assert (out / f"{DUMP}.jsonld").read_bytes() == serialize.jsonld(dataset.triples, context)


def test_sha256sum_checks_the_publication(out: Path) -> None:
    if shutil.which("sha256sum") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("sha256sum (coreutils) not found")
        pytest.skip("no sha256sum")
    subprocess.run(["sha256sum", "--check", "--quiet", "--strict", "SHA256SUMS"], cwd=out,
                   check=True)


def test_unchanged_dumps_and_tables_are_links_to_the_previous_ones(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "build"
    shutil.copytree(BASE, src)
    build(src, out, DEFAULT_BASE)
    big = [f"{DUMP}.ttl", f"{DUMP}.nt.gz", f"{DUMP}.jsonld", "download/csv/award.csv",
           "download/csv/municipality.csv"]
    first = {name: (out / name).stat().st_ino for name in big}
    kept = {name: tmp_path / f"kept-{i}" for i, name in enumerate(big)}
    for name, path in kept.items():
        os.link(out / name, path)
        path.chmod(0o444)
    build(src, out, DEFAULT_BASE, keep=False)
    assert {name: (out / name).stat().st_ino for name in big} == first
    awards = src / "awards.yaml"
    awards.write_text(awards.read_text().replace("awarded_thousand_yen: 18500",
                                                 "awarded_thousand_yen: 18400"))
    before = {name: path.read_bytes() for name, path in kept.items()}
    build(src, out, DEFAULT_BASE)
    changed = {name for name in big if (out / name).stat().st_ino != first[name]}
    assert changed == {f"{DUMP}.ttl", f"{DUMP}.nt.gz", f"{DUMP}.jsonld",
                       "download/csv/award.csv"}
    # The previous files were only read.
    assert {name: path.read_bytes() for name, path in kept.items()} == before
    assert b'"18400000"' in gzip.decompress((out / f"{DUMP}.nt.gz").read_bytes())
