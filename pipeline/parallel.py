"""Work on the second core: a forked child that sees the parent's data as it was at the fork.

The build's data (records, triples, indexes) would take longer to pickle than to process, so
the child is forked rather than spawned and gets it for free; only its result comes back through
a pipe. Where forking is unsafe or pointless the work runs in the calling process, with the same
result.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")
_PR_SET_PDEATHSIG = 1


class Forked(Generic[T]):
    """`fn()` running in a forked child; `result()` waits for it and returns or raises what the
    child returned or raised. Where there is no fork, `fn()` runs here, in `result()`: the work
    the caller does meanwhile comes first, as it would if it were the faster of the two."""

    def __init__(self, fn: Callable[[], T]) -> None:
        self._value: tuple[bool, object] | None = None
        self._pid = 0
        self._fn: Callable[[], T] | None = None
        if not can_fork():
            self._fn = fn
            return
        read, write = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: never returns into the caller's code
            os.close(read)
            code = 0
            try:
                _end_with(parent)
                data = pickle.dumps(_outcome(fn), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as out:
                    out.write(data)
            except BaseException:  # noqa: BLE001 - nothing may escape the child
                code = 1
            os._exit(code)
        os.close(write)
        self._pid, self._read = pid, read

    def stop(self) -> None:
        """End the child now, without its result: the caller is giving up (interrupted, say)
        and nothing the child does may outlive that."""
        if self._value is None and self._pid:
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            os.close(self._read)
            self._value = (False, RuntimeError("the worker process was stopped"))
        self._fn = None

    def result(self) -> T:
        if self._fn is not None:
            self._value, self._fn = _outcome(self._fn), None
        if self._value is None:
            with os.fdopen(self._read, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(self._pid, 0)
            if not data:
                raise RuntimeError(f"the worker process ended without a result (status {status})")
            self._value = pickle.loads(data)
        ok, value = self._value
        if not ok:
            assert isinstance(value, BaseException)
            raise value
        return value  # type: ignore[return-value]


def _outcome(fn: Callable[[], object]) -> tuple[bool, object]:
    try:
        return True, fn()
    except Exception as error:  # noqa: BLE001 - handed to the parent, which raises it
        return False, error


def _end_with(parent: int) -> None:
    """Have the kernel kill this process when its parent ends (Linux): a build killed mid-way
    must not leave a child writing on into a directory the next build clears."""
    libc_name = ctypes.util.find_library("c")
    prctl = getattr(ctypes.CDLL(libc_name), "prctl", None) if libc_name else None
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent ended before that took effect
        os._exit(1)


def can_fork() -> bool:
    # A fork copies only the calling thread: with others running (a test's server, say), a lock
    # one of them holds could never be released in the copy. With one CPU there is no gain.
    return (hasattr(os, "fork") and "fork" in multiprocessing.get_all_start_methods()
            and (os.cpu_count() or 1) > 1 and threading.active_count() == 1
            and os.environ.get("MIRAI_LOD_NO_FORK") != "1")


class Tickets:
    """Work shared by a process and its forked child, first come first served, without either
    knowing in advance how fast the other is: `issue(n)` splits range(n) into batches, and each
    batch goes to exactly one of the processes iterating. The batches wait in a pipe made
    before the fork (a read of one is atomic); iterating ends once all are taken."""

    _SIZE = 8  # a batch: start and stop, 4 bytes each
    # A pipe holds 64 KiB and every batch is written at once: more batches could block.
    MAX = 4_096

    def __init__(self) -> None:
        self._read, self._write = os.pipe()
        self._owner = os.getpid()

    def issue(self, count: int, smallest: int = 1) -> None:
        """Hand out range(count) in batches of at least `smallest`. Call it once, in the
        process that made the tickets, even with nothing to hand out: iterating waits for it."""
        size = max(smallest, -(-count // self.MAX))
        os.write(self._write, b"".join(
            start.to_bytes(4, "little") + min(start + size, count).to_bytes(4, "little")
            for start in range(0, count, size)))
        self._close_write()

    def cancel(self) -> None:
        """No more work: what is not issued never will be, and what is left is taken here."""
        self._close_write()
        for _ in self:
            pass

    def _close_write(self) -> None:
        if self._write >= 0:
            os.close(self._write)
            self._write = -1

    def __iter__(self) -> Iterator[range]:
        if os.getpid() != self._owner:
            self._close_write()  # a forked copy: only the owner issues, or reading never ends
        while data := os.read(self._read, self._SIZE):
            yield range(int.from_bytes(data[:4], "little"), int.from_bytes(data[4:], "little"))

    def close(self) -> None:
        self._close_write()
        os.close(self._read)
