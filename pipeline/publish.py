"""The only code that writes the publication: everything goes to a fresh directory that then
takes the place of the old one in one atomic step, so a failed or killed build leaves the
previous publication whole."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import fcntl
import hashlib
import os
import shutil
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from pipeline.errors import BuildError

MARKER = ".mirai-lod-build"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories atomically (Linux renameat2); False where the system can't."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


@contextlib.contextmanager
def _lock(out: Path) -> Iterator[None]:
    lock_path = out.parent / f".{out.name}.lock"
    with lock_path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(f"another build is writing {out}") from None
        yield


def checksums(files: Mapping[str, bytes]) -> bytes:
    """SHA256SUMS in the format `sha256sum -c` reads."""
    lines = [f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(
        files.items())]
    return "".join(lines).encode()


def publish(out: Path, files: Mapping[str, bytes],
            writers: Sequence[Callable[[Path], None]] = ()) -> None:
    """Replace the directory `out` with `files` (relative path → bytes), plus what each of
    `writers` puts into the new directory before it is swapped in (e.g. a database)."""
    out = out.absolute()
    if out.exists() and not out.is_dir():
        raise BuildError(f"{out} exists and is not a directory")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise BuildError(f"{out} is not empty and was not written by mirai-lod; "
                         "refusing to replace it")
    out.parent.mkdir(parents=True, exist_ok=True)
    with _lock(out):
        # Left behind by a build that was killed: never part of a publication.
        for stale in out.parent.glob(f".{out.name}.tmp-*"):
            shutil.rmtree(stale, ignore_errors=True)
        staging = out.parent / f".{out.name}.tmp-{os.getpid()}"
        staging.mkdir()
        try:
            _write_files(staging, files, out if (out / MARKER).exists() else None)
            for writer in writers:
                writer(staging)
            (staging / MARKER).write_bytes(b"")
            _sync(staging)
            if out.exists():
                if not _exchange(staging, out):
                    old = out.parent / f".{out.name}.tmp-old-{os.getpid()}"
                    out.rename(old)
                    staging.rename(out)
                    staging = old
            else:
                staging.rename(out)
                return
        finally:
            if staging.exists():
                _remove(staging)


def _check_name(name: str) -> None:
    """Refuse a name that could lead outside the build. Checked on the text alone: the staging
    directory is new and holds nothing but what is written here, so it has no symbolic links
    to follow, and resolving every path would cost several system calls per file."""
    parts = name.split("/")
    if name.startswith("/") or "\0" in name or "" in parts or ".." in parts:
        raise BuildError(f"refusing to write outside the build: {name}")


def _write_files(staging: Path, files: Mapping[str, bytes], previous: Path | None) -> None:
    """Write `files` into `staging`. A file whose bytes equal those of the same name in the
    `previous` publication is a hard link to it instead: creating thousands of files costs far
    more than linking them (and deleting the previous build then frees nothing), unchanged
    files keep their modification time for HTTP caches, and a rebuild after a small change
    writes only what changed. The previous files are only read, never written, so a build that
    fails or is killed leaves them as they were."""
    made = {""}
    for name in files:
        _check_name(name)
    for name, data in sorted(files.items()):
        folder = name.rpartition("/")[0]
        if folder not in made:  # each folder once, not once per file
            (staging / folder).mkdir(parents=True, exist_ok=True)
            made.add(folder)
        target = f"{staging}/{name}"
        if previous is not None and _link_if_same(f"{previous}/{name}", target, data):
            continue
        # os.open, not Path.write_bytes: no path object and buffered file per file. O_EXCL:
        # never write through a name that is already there (it could be a link to a file of
        # the previous publication).
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)


def _link_if_same(old: str, new: str, data: bytes) -> bool:
    try:
        fd = os.open(old, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return False
        with os.fdopen(os.dup(fd), "rb") as handle:
            if handle.read() != data:
                return False
        os.link(old, new, follow_symlinks=False)
        return True
    except OSError:  # e.g. a file system without hard links: write the file instead
        return False
    finally:
        os.close(fd)


def _remove(directory: Path) -> None:
    """Delete a whole build. Its unchanged files are also in the new publication (hard links),
    so for most files this only drops a name."""
    shutil.rmtree(directory, ignore_errors=True)


def _syncfs(directory: Path) -> bool:
    """Flush the whole file system holding `directory` in one call (Linux syncfs); False
    where the system can't. One call instead of an fsync per file: the site has thousands."""
    libc_name = ctypes.util.find_library("c")
    syncfs = getattr(ctypes.CDLL(libc_name, use_errno=True), "syncfs", None) if libc_name else None
    if syncfs is None:
        return False
    fd = os.open(directory, os.O_RDONLY)
    try:
        return bool(syncfs(fd) == 0)
    finally:
        os.close(fd)


def _sync(directory: Path) -> None:
    """Flush the files to disk before the swap, so a crash cannot publish empty files."""
    if _syncfs(directory):
        return
    for path in directory.rglob("*"):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
