"""Work on the second core: a forked child that sees the parent's data as it was at the fork.

The build's data (records, triples, indexes) would take longer to pickle than to process, so
the child is forked rather than spawned and gets it for free; only its result comes back through
a pipe. Where forking is unsafe or pointless the work runs in the calling process, with the same
result.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Forked(Generic[T]):
    """`fn()` running in a forked child; `result()` waits for it and returns or raises what the
    child returned or raised."""

    def __init__(self, fn: Callable[[], T]) -> None:
        self._value: tuple[bool, object] | None = None
        self._pid = 0
        if not _can_fork():
            self._value = _outcome(fn)
            return
        read, write = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns into the caller's code
            os.close(read)
            code = 0
            try:
                data = pickle.dumps(_outcome(fn), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as out:
                    out.write(data)
            except BaseException:  # noqa: BLE001 - nothing may escape the child
                code = 1
            os._exit(code)
        os.close(write)
        self._pid, self._read = pid, read

    def result(self) -> T:
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


def _can_fork() -> bool:
    # A fork copies only the calling thread: with others running (a test's server, say), a lock
    # one of them holds could never be released in the copy. With one CPU there is no gain.
    return (hasattr(os, "fork") and "fork" in multiprocessing.get_all_start_methods()
            and (os.cpu_count() or 1) > 1 and threading.active_count() == 1
            and os.environ.get("MIRAI_LOD_NO_FORK") != "1")
