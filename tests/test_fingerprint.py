"""A build with no input changed leaves the publication alone; any change rebuilds it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipeline import cli, rdf
from pipeline.build import build
from pipeline.cli import main
from pipeline.fingerprint import (
    PACKAGE_DIR,
    RECORD,
    fingerprint,
    up_to_date,
    versions,
)
from pipeline.paths import ONTOLOGY_DIR, PROJECT, SHAPES_DIR

BASE = Path(__file__).parent / "cases" / "base"
Snapshot = dict[str, tuple[int, int]]
Change = Callable[[Path, Path], list[str]]  # edits (source, publication); returns options


def make_source(folder: Path) -> Path:
    """The base tree with one award off by 100,000 yen: it conforms, with one warning, so the
    results a build prints are not empty."""
    shutil.copytree(BASE, folder)
    awards = folder / "awards.yaml"
    awards.write_text(awards.read_text(encoding="utf-8").replace(
        "awarded_thousand_yen: 18500", "awarded_thousand_yen: 18400"), encoding="utf-8")
    return folder


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, ["build", *args])
    assert result.exit_code == 0, result.output
    return result


def results_of_full_build(output: str) -> list[str]:
    """The validation results a full build printed: the lines after its last progress line."""
    lines = output.splitlines()
    [last] = [i for i, line in enumerate(lines) if line.startswith("published ")]
    return lines[last + 1:]


def snapshot(out: Path) -> Snapshot:
    """Inode and modification time of the directory and of everything in it."""
    entries = {".": out.stat()}
    entries |= {str(p.relative_to(out)): p.lstat() for p in out.rglob("*")}
    return {name: (st.st_ino, st.st_mtime_ns) for name, st in entries.items()}


def rebuilt(result: Result, out: Path) -> bool:
    full = f"published {out}" in result.output
    assert full != result.output.startswith("up to date:"), result.output
    return full


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    """A source tree and its publication, built once: (source, publication, results)."""
    root = tmp_path_factory.mktemp("fingerprint")
    src = make_source(root / "src")
    out = root / "build"
    results = results_of_full_build(run("--source", str(src), "--out", str(out)).output)
    assert len(results) == 1 and ": warning: " in results[0]
    return src, out, results


@pytest.fixture
def copy(tree: tuple[Path, Path, list[str]], tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of the source and the publication, to change."""
    src, out, _ = tree
    shutil.copytree(src, tmp_path / "src")
    shutil.copytree(out, tmp_path / "build", symlinks=True)
    return tmp_path / "src", tmp_path / "build"


def test_unchanged_rebuild_touches_nothing(tree: tuple[Path, Path, list[str]]) -> None:
    src, out, results = tree
    before, beside = snapshot(out), sorted(p.name for p in out.parent.iterdir())
    result = run("--source", str(src), "--out", str(out))
    assert result.output.splitlines() == [f"up to date: {out} (no input changed)", *results]
    assert snapshot(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == beside


def test_unchanged_quiet_prints_nothing(tree: tuple[Path, Path, list[str]]) -> None:
    src, out, _ = tree
    before = snapshot(out)
    assert run("--source", str(src), "--out", str(out), "--quiet").output == ""
    assert snapshot(out) == before


def test_force_rebuilds_and_results_print_as_a_full_build_does(
        copy: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    src, out = copy
    # Relative to where the command runs, as the source is named: the replayed results must
    # name the file the way a full build from here does.
    monkeypatch.chdir(src.parent)
    inode = out.stat().st_ino
    forced = run("--source", "src", "--out", "build", "--force")
    assert rebuilt(forced, Path("build"))
    assert out.stat().st_ino != inode
    results = results_of_full_build(forced.output)
    assert results and results[0].startswith("src/awards.yaml:")
    again = run("--source", "src", "--out", "build")
    assert again.output.splitlines() == ["up to date: build (no input changed)", *results]
    # The same source named by its absolute path prints the same, as a full build would.
    again = run("--source", str(src), "--out", "build")
    assert again.output.splitlines()[1:] == results


def change_source_byte(src: Path, out: Path) -> list[str]:
    with (src / "awards.yaml").open("a", encoding="utf-8") as f:
        f.write("# 備考\n")
    return []


def add_other_file(src: Path, out: Path) -> list[str]:
    (src / "NOTES.txt").write_text("not read by the loader, but part of the source\n")
    return []


def other_base(src: Path, out: Path) -> list[str]:
    return ["--base", "http://example.org/data/"]


def with_release(src: Path, out: Path) -> list[str]:
    return ["--release", "0.0.0"]  # the version of a tree without dataset.yaml


def delete_published_file(src: Path, out: Path) -> list[str]:
    (out / "download" / "mirai-lod.ttl").unlink()
    return []


def truncate_published_file(src: Path, out: Path) -> list[str]:
    (out / "index.html").write_bytes(b"")
    return []


def delete_store(src: Path, out: Path) -> list[str]:
    shutil.rmtree(out / "store")
    return []


def delete_record(src: Path, out: Path) -> list[str]:
    (out / RECORD).unlink()
    return []


@pytest.mark.parametrize("change", [
    change_source_byte, add_other_file, other_base, with_release, delete_published_file,
    truncate_published_file, delete_store, delete_record,
], ids=lambda f: f.__name__)
def test_any_change_rebuilds(change: Change, copy: tuple[Path, Path]) -> None:
    src, out = copy
    options = change(src, out)
    args = ["--source", str(src), "--out", str(out), *options]
    assert rebuilt(run(*args), out)
    assert (out / "download" / "mirai-lod.ttl").is_file() and (out / "store").is_dir()
    assert not rebuilt(run(*args), out)


def test_source_changed_during_the_build_is_built_again(tmp_path: Path) -> None:
    src = make_source(tmp_path / "src")
    out = tmp_path / "build"

    def edit_once_loaded(message: str) -> None:
        # After the source was read: the publication is of the old bytes.
        if message.startswith("loaded "):
            (src / "awards.yaml").write_text(
                (src / "awards.yaml").read_text(encoding="utf-8") + "# later\n",
                encoding="utf-8")

    build(src, out, rdf.DEFAULT_BASE, edit_once_loaded)
    assert rebuilt(run("--source", str(src), "--out", str(out)), out)
    assert not rebuilt(run("--source", str(src), "--out", str(out)), out)


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("project")
    dirs = {"source_dir": make_source(root / "source")}
    for name, folder in (("ontology_dir", ONTOLOGY_DIR), ("shapes_dir", SHAPES_DIR),
                         ("queries_dir", PROJECT / "queries"),
                         ("package_dir", PACKAGE_DIR)):
        dirs[name] = Path(shutil.copytree(folder, root / name, ignore=shutil.ignore_patterns(
            "__pycache__")))
    return dirs


def digest_of(dirs: dict[str, Path], base: str = rdf.DEFAULT_BASE,
              release: str | None = None) -> str:
    return fingerprint(dirs["source_dir"], base, release, ontology_dir=dirs["ontology_dir"],
                       shapes_dir=dirs["shapes_dir"], queries_dir=dirs["queries_dir"],
                       package_dir=dirs["package_dir"])


@pytest.mark.parametrize("name", ["source_dir", "ontology_dir", "shapes_dir", "queries_dir",
                                  "package_dir"])
def test_fingerprint_covers_every_input_directory(project_copy: dict[str, Path], name: str,
                                                  tmp_path: Path) -> None:
    dirs = dict(project_copy, **{name: tmp_path / name})
    shutil.copytree(project_copy[name], dirs[name])
    before = digest_of(dirs)
    assert digest_of(project_copy) == before  # where a tree lies is not an input
    first = min(p for p in dirs[name].rglob("*") if p.is_file() and p.stat().st_size)
    data = first.read_bytes()
    first.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # one bit of one byte
    changed = digest_of(dirs)
    assert changed != before
    first.write_bytes(data)
    assert digest_of(dirs) == before
    (dirs[name] / "sub").mkdir()
    (dirs[name] / "sub" / "extra.txt").write_bytes(b"")  # any file, even empty, even nested
    assert digest_of(dirs) not in (before, changed)


def test_fingerprint_covers_the_options(project_copy: dict[str, Path]) -> None:
    digests = {digest_of(project_copy), digest_of(project_copy, "http://example.org/data/"),
               digest_of(project_copy, release="1.0.0"), digest_of(project_copy, release="1.0")}
    assert len(digests) == 4


def test_fingerprint_ignores_bytecode(project_copy: dict[str, Path], tmp_path: Path) -> None:
    dirs = dict(project_copy, package_dir=tmp_path / "pipeline")
    shutil.copytree(project_copy["package_dir"], dirs["package_dir"])
    before = digest_of(dirs)
    cache = dirs["package_dir"] / "__pycache__"
    cache.mkdir()
    (cache / "cli.cpython-311.pyc").write_bytes(b"compiled")
    assert digest_of(dirs) == before


def test_missing_source_differs_from_empty_source(project_copy: dict[str, Path],
                                                  tmp_path: Path) -> None:
    missing = dict(project_copy, source_dir=tmp_path / "missing")
    empty = dict(project_copy, source_dir=tmp_path / "empty")
    empty["source_dir"].mkdir()
    assert digest_of(missing) != digest_of(empty)


def test_versions_record_a_missing_distribution() -> None:
    found = versions(["rdflib", "no-such-distribution-mirai-lod"])
    assert found["rdflib"] and found["no-such-distribution-mirai-lod"] is None


def test_record_of_another_format_is_not_trusted(copy: tuple[Path, Path]) -> None:
    src, out = copy
    digest = fingerprint(src, rdf.DEFAULT_BASE, None)
    assert up_to_date(out, digest) is not None
    record = json.loads((out / RECORD).read_text(encoding="utf-8"))
    (out / RECORD).write_text(json.dumps(record | {"format": record["format"] + 1}))
    assert up_to_date(out, digest) is None
    (out / RECORD).write_text("not json")
    assert up_to_date(out, digest) is None


def test_cli_default_base_is_the_pipeline_default() -> None:
    assert cli.DEFAULT_BASE == rdf.DEFAULT_BASE


def test_command_line_starts_without_the_heavy_modules() -> None:
    """What makes a build with nothing to do take a fraction of a second."""
    heavy = ["rdflib", "pyshacl", "pyoxigraph", "jinja2", "pipeline.build", "pipeline.validate",
             "pipeline.rdf"]
    code = ("import sys, pipeline.cli, pipeline.fingerprint; "
            f"print([m for m in {heavy!r} if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
