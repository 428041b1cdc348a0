"""Publishing over a previous publication: unchanged files are carried over as hard links,
changed ones are written anew, and the previous files are never written to; a file too big to
hold is written a chunk at a time, with its size and SHA-256."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import pytest

from pipeline.errors import BuildError
from pipeline.parallel import Forked
from pipeline.publish import (
    CHUNK,
    MARKER,
    Stage,
    Stream,
    Written,
    checksums,
    held,
    publish,
    sha256_of,
    size_of,
    sums_file,
)

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


def chunks(*parts: bytes) -> Callable[[BinaryIO], None]:
    """A file made by writing `parts` one after another (and flushing once)."""
    def write(out: BinaryIO) -> None:
        for part in parts:
            out.write(part)
        out.flush()
    return write


BIG = bytes(range(256)) * (3 * CHUNK // 256 + 7)  # several chunks and a part of one


def test_a_streamed_file_is_described_by_its_size_and_sha256(tmp_path: Path) -> None:
    out = tmp_path / "build"
    with Stage(out) as stage:
        written = stage.stream("d/big.bin", chunks(b"head", BIG, b"", b"tail"))
        small = stage.stream("small.txt", chunks(b"x"))
        empty = stage.stream("empty", chunks())
        assert written.path == f"{stage.path}/d/big.bin"
        digests = stage.write({"d/big.bin": written, "small.txt": small, "empty": empty})
        sums = sums_file(digests)
        stage.write({"SHA256SUMS": sums})
        sizes = dict(stage.sizes)
        stage.commit()
    data = b"head" + BIG + b"tail"
    assert (out / "d/big.bin").read_bytes() == data
    assert (written.size, written.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert (small.size, empty.size) == (1, 0)
    assert sizes == {"d/big.bin": len(data), "small.txt": 1, "empty": 0,
                     "SHA256SUMS": len(sums)}
    # What `sha256sum -c` checks.
    for line in (out / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest


def test_an_unchanged_streamed_file_is_a_link_to_the_previous_one(tmp_path: Path) -> None:
    out = tmp_path / "build"
    files = {"same": b"a" + BIG, "longer": BIG, "shorter": BIG, "last byte": BIG,
             "first byte": BIG}
    with Stage(out) as stage:
        for name, data in files.items():
            stage.stream(name, chunks(data))
        stage.commit()
    before = {name: inode(out / name) for name in files}
    with Stage(out) as stage:
        stage.stream("same", chunks(b"a", BIG[:CHUNK - 1], BIG[CHUNK - 1:]))  # other chunks
        stage.stream("longer", chunks(BIG, b"!"))
        stage.stream("shorter", chunks(BIG[:-1]))
        stage.stream("last byte", chunks(BIG[:-1], b"!"))
        stage.stream("first byte", chunks(b"!", BIG[1:]))
        stage.commit()
    assert inode(out / "same") == before["same"]
    assert (out / "same").read_bytes() == files["same"]
    for name in ("longer", "shorter", "last byte", "first byte"):
        assert inode(out / name) != before[name], name
    assert (out / "longer").read_bytes() == BIG + b"!"
    assert (out / "shorter").read_bytes() == BIG[:-1]
    assert (out / "last byte").read_bytes() == BIG[:-1] + b"!"
    assert sorted(p.name for p in out.iterdir()) == sorted([*files, MARKER])


def test_a_streamed_file_follows_no_symbolic_link_of_the_previous_build(tmp_path: Path) -> None:
    out = tmp_path / "build"
    publish(out, {"a.txt": b"outside"})
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"outside")
    (out / "a.txt").unlink()
    (out / "a.txt").symlink_to(outside)
    with Stage(out) as stage:
        stage.stream("a.txt", chunks(b"outside"))
        stage.commit()
    assert not (out / "a.txt").is_symlink()
    assert inode(out / "a.txt") != inode(outside)


def test_a_streamed_name_is_checked_and_written_once(tmp_path: Path) -> None:
    with Stage(tmp_path / "build") as stage:
        with pytest.raises(BuildError, match="outside the build"):
            stage.stream("../escape", chunks(b"x"))
        stage.stream("a", chunks(b"x"))
        with pytest.raises(BuildError, match="a is written twice"):
            stage.stream("a", chunks(b"y"))
        with pytest.raises(BuildError, match="a is written twice"):
            stage.write({"a": b"z"})
    assert not (tmp_path / "escape").exists()


def test_a_failed_stream_leaves_the_publication_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "build"
    publish(out, {"a.bin": BIG})
    before = inode(out / "a.bin")

    def failing(f: BinaryIO) -> None:
        f.write(BIG[:CHUNK + 1])
        raise RuntimeError("made halfway")

    with pytest.raises(RuntimeError, match="halfway"), Stage(out) as stage:
        stage.stream("a.bin", failing)
    assert (out / "a.bin").read_bytes() == BIG
    assert inode(out / "a.bin") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".build.lock", "build"]


def test_a_written_file_under_another_name_is_a_link_or_a_checked_copy(tmp_path: Path) -> None:
    out = tmp_path / "build"
    publish(out, {"old/kept.bin": BIG})
    elsewhere = tmp_path / "elsewhere.bin"
    elsewhere.write_bytes(BIG)
    linked_to = tmp_path / "linked.bin"
    linked_to.symlink_to(elsewhere)
    sha = hashlib.sha256(BIG).hexdigest()
    with Stage(out) as stage:
        dump = stage.stream("dump.bin", chunks(BIG))
        kept = Written(str(out / "old/kept.bin"), len(BIG), sha)
        digests = stage.write({"copy/dump.bin": dump, "old/kept.bin": kept,
                               "copy/kept.bin": kept,
                               "copy/through-link.bin": Written(str(linked_to), len(BIG), sha)})
        assert digests == dict.fromkeys(digests, sha)
        with pytest.raises(BuildError, match="changed while it was copied"):
            stage.write({"wrong.bin": Written(str(linked_to), len(BIG), "0" * 64)})
        stage.commit()
    assert inode(out / "copy/dump.bin") == inode(out / "dump.bin")
    assert inode(out / "copy/kept.bin") == inode(out / "old/kept.bin")
    # A symbolic link is copied, never linked.
    assert not (out / "copy/through-link.bin").is_symlink()
    assert inode(out / "copy/through-link.bin") != inode(elsewhere)
    assert (out / "copy/through-link.bin").read_bytes() == BIG


def test_what_outputs_see_of_a_file() -> None:
    data = b"some bytes"
    sha = hashlib.sha256(data).hexdigest()
    assert (size_of(data), sha256_of(data), held(data)) == (len(data), sha, data)
    assert held(Stream(chunks(b"some ", b"bytes"))) == data
    assert checksums({"a": data}) == sums_file({"a": sha})


def test_the_swap_waits_for_the_flush_started_ahead(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A flush started while the last files are written (Stage.flush_ahead) must be over, and
    the files written after it flushed by one more, before the publication is swapped in."""
    from pipeline import publish as publish_module

    events: list[str] = []

    def syncfs(directory: Path) -> bool:
        if not events:
            events.append("ahead starts")
            time.sleep(0.2)  # still running when commit begins
            events.append("ahead ends")
        else:
            events.append(f"commit: {sorted(p.name for p in directory.iterdir())}")
        return True

    monkeypatch.setattr(publish_module, "_syncfs", syncfs)
    out = tmp_path / "build"
    with Stage(out) as stage:
        stage.write({"page.html": b"<p>page</p>"})
        stage.flush_ahead()
        stage.flush_ahead()  # once is enough
        stage.write({"index.html": b"<p>home</p>"})
        stage.commit()
        assert events == ["ahead starts", "ahead ends",
                          f"commit: ['{MARKER}', 'index.html', 'page.html']"]
    assert (out / "index.html").read_bytes() == b"<p>home</p>"


def test_a_stage_given_up_waits_for_its_flush(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import publish as publish_module

    done: list[Path] = []

    def syncfs(directory: Path) -> bool:
        time.sleep(0.2)
        done.append(directory)
        return True

    monkeypatch.setattr(publish_module, "_syncfs", syncfs)
    out = tmp_path / "build"
    with pytest.raises(RuntimeError), Stage(out) as stage:
        stage.write({"page.html": b"<p>page</p>"})
        stage.flush_ahead()
        raise RuntimeError("the build failed")
    assert done == [stage.path]  # over before the stage was removed
    assert not stage.path.exists() and not out.exists()
