"""Publishing over a previous publication: unchanged files are carried over as hard links,
changed ones are written anew, and the previous files are never written to."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from pipeline.errors import BuildError
from pipeline.parallel import Forked
from pipeline.publish import MARKER, Stage, publish

FILES = {"index.html": b"<p>home</p>", "a/b.ttl": b"<x> <y> <z> .\n", "a/c.txt": b"same size"}


def inode(path: Path) -> int:
    return path.stat().st_ino


def test_unchanged_files_are_linked_and_changed_ones_written(tmp_path: Path) -> None:
    out = tmp_path / "build"
    publish(out, FILES)
    before = {name: inode(out / name) for name in FILES}
    # Keep a second name for the file about to change, to see that its bytes stay as they were.
    kept = tmp_path / "kept-b.ttl"
    os.link(out / "a/b.ttl", kept)

    publish(out, {**FILES, "a/b.ttl": b"<x> <y> <w> .\n", "new.txt": b"new"})

    assert inode(out / "index.html") == before["index.html"]
    assert inode(out / "a/c.txt") == before["a/c.txt"]
    assert inode(out / "a/b.ttl") != before["a/b.ttl"]
    assert (out / "a/b.ttl").read_bytes() == b"<x> <y> <w> .\n"
    assert (out / "new.txt").read_bytes() == b"new"
    assert kept.read_bytes() == FILES["a/b.ttl"]  # the old file was replaced, not rewritten
    assert (out / MARKER).exists()


def test_a_previous_file_edited_in_place_is_not_carried_over(tmp_path: Path) -> None:
    out = tmp_path / "build"
    publish(out, FILES)
    (out / "a/c.txt").write_bytes(b"SAME SIZE")  # same length, other bytes
    edited = inode(out / "a/c.txt")
    publish(out, FILES)
    assert (out / "a/c.txt").read_bytes() == b"same size"
    assert inode(out / "a/c.txt") != edited


def test_a_symbolic_link_in_the_previous_build_is_not_followed(tmp_path: Path) -> None:
    out = tmp_path / "build"
    publish(out, FILES)
    outside = tmp_path / "outside.html"
    outside.write_bytes(FILES["index.html"])
    (out / "index.html").unlink()
    (out / "index.html").symlink_to(outside)
    publish(out, FILES)
    assert not (out / "index.html").is_symlink()
    assert inode(out / "index.html") != inode(outside)
    assert (out / "index.html").read_bytes() == FILES["index.html"]


def test_names_that_leave_the_build_are_refused(tmp_path: Path) -> None:
    for name in ("../escape", "/abs", "a//b", "a/../b", "nul\0"):
        with pytest.raises(BuildError, match="outside the build"):
            publish(tmp_path / "build", {name: b"x"})
    assert not (tmp_path / "escape").exists()


def test_processes_writing_into_one_stage(tmp_path: Path) -> None:
    """A forked process writes its own files into the stage; a name written twice is an
    error, and a stage left without a commit leaves no trace and the publication as it was."""
    out = tmp_path / "build"
    publish(out, FILES)
    with Stage(out) as stage:
        child = Forked(lambda: stage.write({"x/from-child.txt": b"child"}))
        mine = stage.write({"x/from-parent.txt": b"parent"})
        theirs = child.result()
        assert set(mine) | set(theirs) == {"x/from-parent.txt", "x/from-child.txt"}
        with pytest.raises(BuildError, match=r"x/from-child\.txt is written twice"):
            stage.write({"x/from-child.txt": b"again"})
        stage.commit()
    assert (out / "x/from-child.txt").read_bytes() == b"child"
    assert not (out / "index.html").exists()

    with pytest.raises(RuntimeError), Stage(out) as stage:
        stage.write({"other.txt": b"never published"})
        raise RuntimeError
    assert sorted(p.name for p in tmp_path.iterdir()) == [".build.lock", "build"]
    assert (out / "x/from-child.txt").read_bytes() == b"child"


def test_a_detached_stage_removes_the_old_publication_in_the_background(tmp_path: Path) -> None:
    out = tmp_path / "build"
    publish(out, {**FILES, "old.txt": b"old"})
    old = inode(out / "old.txt")
    with Stage(out, detach=True) as stage:
        stage.write(FILES)
        stage.commit()
        replaced = stage.path  # the old publication, once swapped out
    assert (out / "index.html").read_bytes() == FILES["index.html"]
    assert not (out / "old.txt").exists()
    deadline = time.monotonic() + 30
    while replaced.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not replaced.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".build.lock", "build"]
    assert old != inode(out / "index.html")


def test_a_detached_stage_that_fails_removes_itself_at_once(tmp_path: Path) -> None:
    out = tmp_path / "build"
    publish(out, FILES)
    with pytest.raises(RuntimeError), Stage(out, detach=True) as stage:
        stage.write({"other.txt": b"never published"})
        raise RuntimeError
    assert sorted(p.name for p in tmp_path.iterdir()) == [".build.lock", "build"]
