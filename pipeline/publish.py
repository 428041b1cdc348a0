"""The only code that writes the publication: everything goes to a fresh directory that then
takes the place of the old one in one atomic step, so a failed or killed build leaves the
previous publication whole."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import fcntl
import hashlib
import io
import os
import shutil
import stat
import subprocess
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from pipeline.errors import BuildError

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

MARKER = ".mirai-lod-build"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
# What a streamed file is written, hashed and compared in: large enough that a chunk costs a
# few system calls, small enough to be nothing beside the build.
CHUNK = 1 << 20


@dataclass(frozen=True)
class Written:
    """A file on disk, known by its size and SHA-256 instead of its bytes: what the outputs
    after the one that made it see of a file too big to hold (a dump, a table). Given as a file
    of the publication, it is the same bytes under another name (a release's copy)."""

    path: str  # where it is: in the publication being written, or in the previous one
    size: int
    sha256: str  # hex


@dataclass(frozen=True)
class Stream:
    """A file an output makes by writing it, a chunk at a time, into a binary file, instead of
    returning its bytes: the file is written where it goes as it is made, never held whole."""

    write: Callable[[BinaryIO], None]


# What an output sees of a file made before it, and what it may hand back for a file.
Content = bytes | Written
Made = bytes | Written | Stream


def size_of(content: Content) -> int:
    return content.size if isinstance(content, Written) else len(content)


def sha256_of(content: Content) -> str:
    if isinstance(content, Written):
        return content.sha256
    return hashlib.sha256(content).hexdigest()


@contextlib.contextmanager
def reading(content: Content) -> Iterator[BinaryIO]:
    """The bytes of `content` as a binary file, to read a chunk at a time."""
    if isinstance(content, Written):
        with open(content.path, "rb") as f:  # noqa: PTH123 - a path kept as text
            yield f
    else:
        yield io.BytesIO(content)


def held(made: Made) -> bytes:
    """The bytes of a file, whole: made into memory (a Stream), or read (a Written file). For
    what is small, and for the reference that holds every file (build.render_files)."""
    if isinstance(made, Stream):
        buffer = io.BytesIO()
        made.write(buffer)
        return buffer.getvalue()
    with reading(made) as f:
        return f.read()


def hash_file(path: Path) -> Written | None:
    """What the regular file at `path` holds (a symbolic link is followed), read a chunk at a
    time; None when there is no such file."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return None
    except (FileNotFoundError, NotADirectoryError):
        return None
    sha, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            sha.update(chunk)
            size += len(chunk)
    return Written(str(path), size, sha.hexdigest())


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


def checksums(files: Mapping[str, Content]) -> bytes:
    """SHA256SUMS in the format `sha256sum -c` reads."""
    return sums_file({name: sha256_of(data) for name, data in files.items()})


def sums_file(digests: Mapping[str, str]) -> bytes:
    """SHA256SUMS of files whose digests are known (name → hex SHA-256)."""
    return "".join(f"{digest}  {name}\n" for name, digest in sorted(digests.items())).encode()


def read_sums(data: bytes) -> dict[str, str]:
    """The digests (name → hex SHA-256) a SHA256SUMS file that sums_file wrote lists."""
    sums: dict[str, str] = {}
    for line in data.decode().splitlines():
        digest, _, name = line.partition("  ")
        sums[name] = digest
    return sums


class Stage:
    """A new publication being written: a fresh directory beside `out` that `commit()` swaps
    in for `out` in one atomic step. Left without a commit (an error, a kill), it is removed
    and `out` stays as it was. Forked processes may write into it at the same time, each its
    own files.

    `detach`: once the new publication is in place, the old one is removed by a process of its
    own (`rm -rf`) that outlives this one, so that a command can end without waiting for
    hundreds of thousands of names to be unlinked. Anything it leaves is removed by the next
    build, which starts by removing what an earlier build left beside `out`."""

    def __init__(self, out: Path, *, detach: bool = False) -> None:
        out = out.absolute()
        if out.exists() and not out.is_dir():
            raise BuildError(f"{out} exists and is not a directory")
        if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
            raise BuildError(f"{out} is not empty and was not written by mirai-lod; "
                             "refusing to replace it")
        out.parent.mkdir(parents=True, exist_ok=True)
        self.out = out
        self.path = out.parent / f".{out.name}.tmp-{os.getpid()}"
        self._previous = out if (out / MARKER).exists() else None
        self._detach = detach
        self._committed = False
        self._flushing: threading.Thread | None = None
        self._made = {""}
        self.sizes: dict[str, int] = {}  # of the files this process wrote, by name
        self._exit = contextlib.ExitStack()

    def __enter__(self) -> Stage:
        self._exit.enter_context(_lock(self.out))
        # Left behind by a build that was killed: never part of a publication.
        for stale in self.out.parent.glob(f".{self.out.name}.tmp-*"):
            shutil.rmtree(stale, ignore_errors=True)
        self.path.mkdir()
        self._exit.callback(self._discard)
        return self

    def __exit__(self, *exc: object) -> None:
        self._joined()
        self._exit.close()

    def flush_ahead(self) -> None:
        """Start flushing what is written so far to disk, in a thread, while the last files
        are made: the flush before the swap (commit) then has little left to write. At a
        million triples it waited 3.6 s for the disk, on one core, with the other idle."""
        if self._flushing is None:
            # ctypes lets go of the GIL for the call: the work here goes on meanwhile.
            self._flushing = threading.Thread(target=_syncfs, args=(self.path,), daemon=True)
            self._flushing.start()

    def _joined(self) -> None:
        if self._flushing is not None:
            self._flushing.join()

    def _discard(self) -> None:
        if not self.path.exists():
            return
        if self._committed and self._detach:
            # The shell starts rm in the background and ends at once: rm, orphaned, is reaped
            # by init, so this process neither waits for it nor leaves a zombie behind.
            try:
                started = subprocess.run(
                    ["sh", "-c", 'rm -rf -- "$1" &', "sh", str(self.path)],
                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL, start_new_session=True, check=False)
                if started.returncode == 0:
                    return
            except OSError:  # no shell: remove it here
                pass
        _remove(self.path)

    def write(self, files: Mapping[str, Content]) -> dict[str, str]:
        """Write `files` (relative path → bytes, or a Written file: the same bytes); their
        SHA-256 digests, for SHA256SUMS.

        A file whose bytes equal those of the same name in the previous publication is a hard
        link to it instead: creating thousands of files costs far more than linking them (and
        deleting the previous build then frees nothing), unchanged files keep their
        modification time for HTTP caches, and a rebuild after a small change writes only what
        changed. The previous files are only read, never written, so a build that fails or is
        killed leaves them as they were.

        A Written file already in its place (`stream` wrote it) is only counted; under another
        name it is a hard link to that file, or a copy where there can be none."""
        for name in files:
            _check_name(name)
        digests = {}
        for name, data in files.items():
            self._folder(name)
            target = f"{self.path}/{name}"
            if isinstance(data, Written):
                if data.path != target:
                    _copy(name, data, target)
                digests[name] = data.sha256
                self.sizes[name] = data.size
                continue
            digests[name] = hashlib.sha256(data).hexdigest()
            self.sizes[name] = len(data)
            if self._previous is not None and _link_if_same(f"{self._previous}/{name}",
                                                            target, data):
                continue
            # os.open, not Path.write_bytes: no path object and buffered file per file.
            fd = _create(target, name)
            try:
                _write_all(fd, data)
            finally:
                os.close(fd)
        return digests

    def stream(self, name: str, write: Callable[[BinaryIO], None]) -> Written:
        """Write the file `name` by calling `write` with a binary file to write its bytes into:
        they go to disk a chunk at a time, never held whole, and the file's size and SHA-256
        are taken on the way. As with `write`, an unchanged file is a hard link to the previous
        publication's: the bytes are compared with that file's as they are written, and the
        file written is replaced by a link once it proves the same."""
        _check_name(name)
        self._folder(name)
        target = f"{self.path}/{name}"
        fd = _create(target, name)
        with contextlib.ExitStack() as stack:
            stack.callback(os.close, fd)
            previous = None if self._previous is None else _open_regular(
                f"{self._previous}/{name}")
            if previous is not None:
                stack.enter_context(previous)
            sink = _Sink(fd, previous)
            with io.BufferedWriter(sink, CHUNK) as out:
                write(out)
            same = sink.previous is not None and not sink.previous.read(1)
        if same:
            _link_over(f"{self._previous}/{name}", target)
        self.sizes[name] = sink.size
        return Written(target, sink.size, sink.sha.hexdigest())

    def keep(self, files: Mapping[str, tuple[str, int]]) -> dict[str, str] | None:
        """Hard-link `files` (name → (SHA-256, size), as the previous publication recorded
        them) from the previous publication without reading them; their digests, or None, and
        nothing linked, when one of them is not there as a regular file of that size."""
        if self._previous is None:
            return None
        linked: list[str] = []
        for name, (_, size) in files.items():
            _check_name(name)
            self._folder(name)
            old, target = f"{self._previous}/{name}", f"{self.path}/{name}"
            try:
                info = os.lstat(old)
                if not stat.S_ISREG(info.st_mode) or info.st_size != size:
                    raise FileNotFoundError(old)
                os.link(old, target, follow_symlinks=False)
            except OSError:
                for done in linked:
                    (self.path / done).unlink()
                return None
            linked.append(name)
        for name, (_, size) in files.items():
            self.sizes[name] = size
        return {name: sha for name, (sha, _) in files.items()}

    def _folder(self, name: str) -> None:
        """Make the folder of `name` in the new publication: each folder once, not once per
        file."""
        folder = name.rpartition("/")[0]
        if folder not in self._made:
            (self.path / folder).mkdir(parents=True, exist_ok=True)
            self._made.add(folder)

    def commit(self) -> None:
        """Mark, flush and swap in the new publication; the old one is then removed."""
        (self.path / MARKER).write_bytes(b"")
        self._joined()
        _sync(self.path)
        if not self.out.exists():
            self.path.rename(self.out)
            return
        if not _exchange(self.path, self.out):
            old = self.out.parent / f".{self.out.name}.tmp-old-{os.getpid()}"
            self.out.rename(old)
            self.path.rename(self.out)
            self.path = old  # removed on exit, as the exchanged directory is
        self._committed = True  # self.path is now the old publication


def publish(out: Path, files: Mapping[str, bytes],
            writers: Sequence[Callable[[Path], None]] = ()) -> None:
    """Replace the directory `out` with `files` (relative path → bytes), plus what each of
    `writers` puts into the new directory before it is swapped in (e.g. a database)."""
    with Stage(out) as stage:
        stage.write(dict(sorted(files.items())))
        for writer in writers:
            writer(stage.path)
        stage.commit()


def _check_name(name: str) -> None:
    """Refuse a name that could lead outside the build. Checked on the text alone: the staging
    directory is new and holds nothing but what is written here, so it has no symbolic links
    to follow, and resolving every path would cost several system calls per file."""
    parts = name.split("/")
    if name.startswith("/") or "\0" in name or "" in parts or ".." in parts:
        raise BuildError(f"refusing to write outside the build: {name}")


def _create(target: str, name: str) -> int:
    """A new file to write, opened with O_EXCL: never write through a name that is already
    there (it could be a link to a file of the previous publication, or another process's
    file)."""
    try:
        return os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        raise BuildError(f"{name} is written twice in one build") from None


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class _Sink(io.RawIOBase):
    """What Stage.stream's file writes through: to the file, into its SHA-256 and size, and
    against the previous publication's file of that name, for as long as the two are the
    same (`previous` is None from the first difference on)."""

    def __init__(self, fd: int, previous: BinaryIO | None) -> None:
        super().__init__()
        self.fd = fd
        self.previous = previous
        self.sha = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer, /) -> int:
        view = memoryview(data).cast("B")
        self.sha.update(view)
        # A buffered read: all of the bytes asked for, unless the file ends first.
        if self.previous is not None and self.previous.read(len(view)) != view:
            self.previous = None
        _write_all(self.fd, view)
        self.size += len(view)
        return len(view)


def _open_regular(path: str) -> BinaryIO | None:
    """The regular file at `path`, to read (not through a symbolic link); None if there is
    none."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        return None
    return os.fdopen(fd, "rb")


def _link_over(old: str, new: str) -> None:
    """Make `new` a hard link to `old` in place of the file it is; where the link cannot be
    made (a file system without them), `new` stays as it is."""
    folder, _, name = new.rpartition("/")
    temporary = f"{folder}/.{name}.link"
    try:
        os.link(old, temporary, follow_symlinks=False)
    except OSError:
        return
    os.replace(temporary, new)  # noqa: PTH105 - paths kept as text


def _copy(name: str, source: Written, target: str) -> None:
    """`target` (the file `name`) with the bytes of `source`: a hard link to it, or, where
    there can be none (a symbolic link is never linked, a file system may have no links), a
    copy, checked against the size and SHA-256 `source` states."""
    try:
        info = os.lstat(source.path)
        if stat.S_ISREG(info.st_mode) and info.st_size == source.size:
            os.link(source.path, target, follow_symlinks=False)
            return
    except FileExistsError:
        raise BuildError(f"{name} is written twice in one build") from None
    except OSError:
        pass
    fd = _create(target, name)
    sha, size = hashlib.sha256(), 0
    try:
        with open(source.path, "rb") as f:  # noqa: PTH123 - a path kept as text
            while chunk := f.read(CHUNK):
                sha.update(chunk)
                size += len(chunk)
                _write_all(fd, chunk)
    finally:
        os.close(fd)
    if (size, sha.hexdigest()) != (source.size, source.sha256):
        raise BuildError(f"{source.path} changed while it was copied to {name}")


def _link_if_same(old: str, new: str, data: bytes) -> bool:
    try:
        fd = os.open(old, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return False
        # One read of one byte more than expected: a file that grew since the fstat differs.
        # A short read (Linux reads at most 2 GiB at once) only means writing the file anew.
        if os.read(fd, len(data) + 1) != data:
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
