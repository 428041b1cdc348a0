"""A rebuild keeps the resource pages whose inputs did not change, and publishes exactly what a
build from scratch publishes."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline import reuse
from pipeline.build import build, files_of
from pipeline.fingerprint import RECORD
from pipeline.rdf import DEFAULT_BASE
from pipeline.store import open_store

ROOT = Path(__file__).parents[1]
Edit = Callable[[Path], None]


def files(out: Path) -> dict[str, bytes]:
    """Every published file but the store (a database: its bytes are not the publication's)."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.relative_to(out).parts[0] != "store"}


def quads(out: Path) -> set[str]:
    store = open_store(out)
    try:
        return {str(q) for q in store}
    finally:
        del store


def digests(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in directory.iterdir()}


def inodes(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*")
            if p.is_file()}


def replace(name: str, old: str, new: str) -> Edit:
    def edit(source: Path) -> None:
        text = (source / name).read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        (source / name).write_text(text.replace(old, new), encoding="utf-8")
    return edit


def drop(name: str, record_id: str) -> Edit:
    """Remove one record (up to the next record)."""
    def edit(source: Path) -> None:
        text = (source / name).read_text(encoding="utf-8")
        new = re.sub(rf"\n- id: {record_id}\n.*?(?=\n- id: |\Z)", "", text, count=1,
                     flags=re.DOTALL)
        assert new != text
        (source / name).write_text(new, encoding="utf-8")
    return edit


EDITS: dict[str, list[Edit]] = {
    # Its page, and the pages listing it: recipient, program, technologies, fiscal year, source.
    "award title": [replace("awards.yaml", '"酒田版デジタル変革推進事業"', '"酒田版DX推進事業"')],
    # Every page that links to the technology shows its name.
    "technology name": [replace("technologies.yaml", "name_ja: ドローン\n",
                                "name_ja: 無人航空機\n")],
    # schema.org names an award's funder: the organisation administering its program.
    "program's administrator": [replace(
        "programs.yaml", "Society5.0 type\n  administered_by: cao-grant-team\n",
        "Society5.0 type\n  administered_by: cao-special-zones\n")],
    # A page that is no more, and its concept scheme's page.
    "technology removed": [drop("technologies.yaml", "cashless-payment")],
    # Several at once, one of them a new page.
    "several": [replace("awards.yaml", '"酒田版デジタル変革推進事業"', '"酒田版DX推進事業"'),
                replace("technologies.yaml", "- id: ai\n", "- id: ai-new\n  name_ja: 新技術\n"
                        "  name_en: New technology\n  source: cao-2022-07-12-society5-map\n\n"
                        "- id: ai\n")],
}


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("reuse")
    source = folder / "source"
    shutil.copytree(ROOT / "source", source)
    out = folder / "build"
    build(source, out, DEFAULT_BASE)
    return source, out


@pytest.mark.parametrize("name", EDITS)
def test_a_rebuild_publishes_what_a_build_from_scratch_does(
        first: tuple[Path, Path], tmp_path: Path, name: str) -> None:
    source, out = first
    edited, kept = tmp_path / "source", tmp_path / "kept"
    shutil.copytree(source, edited)
    shutil.copytree(out, kept, copy_function=os.link)  # the first build, as a previous one
    store_before = digests(out / "store")
    for edit in EDITS[name]:
        edit(edited)
    before = inodes(kept)
    build(edited, kept, DEFAULT_BASE)
    anew = tmp_path / "anew"
    build(edited, anew, DEFAULT_BASE, keep=False)

    assert files(kept) == files(anew)
    assert quads(kept) == quads(anew)
    after = inodes(kept)
    pages = json.loads((kept / reuse.PAGES).read_bytes())["pages"]
    same = {path for path in pages if all(after[f] == before.get(f) for f in files_of(path))}
    # Most documents kept every file; at least one was made again; and a kept document's
    # files are those of the first build, not equal bytes written anew.
    assert len(pages) / 2 < len(same) < len(pages)
    # The store is the previous one brought up to date: its immutable files are shared, and
    # none of the previous store's files was written (they are the first build's too).
    assert any(after[name] == before.get(name) for name in after if name.startswith("store/"))
    assert digests(out / "store") == store_before


def test_files_of_names_what_a_page_lane_writes(first: tuple[Path, Path]) -> None:
    _, out = first
    pages = json.loads((out / reuse.PAGES).read_bytes())["pages"]
    published = {line.partition("  ")[2]
                 for line in (out / "SHA256SUMS").read_text(encoding="utf-8").splitlines()}
    for path in pages:
        assert set(files_of(path)) <= published
    documents = {name.rsplit(".", 1)[0] for name in published if name.endswith(".var")}
    assert documents - {"catalog", "dataset", "ontology", "shapes"} == set(pages)


def test_force_makes_every_page_anew(first: tuple[Path, Path], tmp_path: Path) -> None:
    """A kept file is trusted to be what the previous build wrote: one edited in place, to the
    same size, stays until a build with `keep=False` (`build --force`)."""
    source, out = first
    kept = tmp_path / "kept"
    shutil.copytree(out, kept, copy_function=shutil.copy2)  # copies: editing one is safe
    page = kept / "technology" / "drone.html"
    original = page.read_bytes()
    edited = original.replace(b"</body>", b"</BODY>")
    assert edited != original
    page.write_bytes(edited)
    build(source, kept, DEFAULT_BASE, release=None)
    assert page.read_bytes() == edited
    build(source, kept, DEFAULT_BASE, keep=False)
    assert page.read_bytes() == original


def test_a_kept_file_of_another_size_is_made_anew(first: tuple[Path, Path],
                                                   tmp_path: Path) -> None:
    source, out = first
    kept = tmp_path / "kept"
    shutil.copytree(out, kept, copy_function=shutil.copy2)  # copies: editing one is safe
    page = kept / "technology" / "drone.html"
    original = page.read_bytes()
    page.write_bytes(original + b"<!-- edited -->")
    build(source, kept, DEFAULT_BASE)
    assert page.read_bytes() == original


def test_a_record_of_other_surroundings_keeps_nothing(first: tuple[Path, Path]) -> None:
    _, out = first
    assert reuse.load(out, "another key") == reuse.Previous()
    assert reuse.load(out / "missing", "any") == reuse.Previous()
    record = json.loads((out / RECORD).read_bytes())
    key = json.loads((out / reuse.PAGES).read_bytes())["key"]
    previous = reuse.load(out, key)
    assert previous.sizes == record["sizes"]
    assert previous.pages
