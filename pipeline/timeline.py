"""Where a build's time goes: named spans of wall-clock and CPU time, each recorded by the
process that ran it. `mirai-lod build --timings` prints them; bench/stages.py reports them per
stage and matches them to its memory samples.

The spans are kept here, as a logger keeps its records, rather than passed through every
function: a build has a few dozen of them, so recording costs nothing. A forked process records
into its own copy of this module and hands its spans back with its result (build._Written).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

MAIN = "main"
FORKED = "forked"


@dataclass(frozen=True)
class Span:
    name: str
    # MAIN; FORKED, the process build() forks to use the second core; or the name of the
    # Fork a process was made at.
    process: str
    # time.monotonic(), which is CLOCK_MONOTONIC: one clock for every process of the machine,
    # so spans of two processes (and a watcher's samples) can be laid side by side.
    start: float
    seconds: float
    # CPU time of the whole process while the span ran, its threads included (the store's
    # loader runs several).
    cpu_seconds: float
    pid: int


_spans: list[Span] = []
_main_pid = os.getpid()
_names: dict[int, str] = {}
# Called with a span's name as it starts: a watcher that stops a build can say where it was.
on_start: Callable[[str], None] | None = None


def begin() -> None:
    """A new build starts in this process: forget the spans of any earlier one."""
    global _main_pid
    _main_pid = os.getpid()
    _spans.clear()
    _names.clear()


def _process() -> str:
    pid = os.getpid()
    return _names.get(pid) or (MAIN if pid == _main_pid else FORKED)


@contextlib.contextmanager
def span(name: str) -> Iterator[None]:
    if on_start is not None:
        on_start(name)
    start, cpu = time.monotonic(), time.process_time()
    try:
        yield
    finally:
        _spans.append(Span(name, _process(), start, time.monotonic() - start,
                           time.process_time() - cpu, os.getpid()))


def spans() -> list[Span]:
    """The spans recorded so far, in the order they started."""
    return sorted(_spans, key=lambda s: s.start)


@dataclass(frozen=True)
class Fork:
    """A process about to fork: the forked process calls entered() first, which names it in
    its spans, and hands back what it records after this point for this one to add
    (add(fork.handed_back()))."""

    name: str = FORKED
    pid: int = field(default_factory=os.getpid)
    recorded: int = field(default_factory=lambda: len(_spans))

    def entered(self) -> None:
        """In the forked process, before its work; nothing where there was no fork."""
        if os.getpid() != self.pid:
            _names[os.getpid()] = self.name

    def handed_back(self) -> list[Span]:
        """The spans recorded (or added) since the fork, in the forked process; none where
        there was no fork (the work ran in this process, whose spans are here already)."""
        return [] if os.getpid() == self.pid else _spans[self.recorded:]


def add(more: Iterable[Span]) -> None:
    """Spans recorded by another process, to be reported with these."""
    _spans.extend(more)


def table(spans: Iterable[Span]) -> str:
    """The spans as a plain-text table; the time since the first one started in the first
    column shows what ran side by side."""
    rows = list(spans)
    if not rows:
        return ""
    origin = min(s.start for s in rows)
    width = max(len(s.name) for s in rows)
    lines = [f"{'at':>7}  {'stage':<{width}}  {'process':<7}  {'seconds':>8}  {'CPU s':>8}"]
    lines += [f"{s.start - origin:7.2f}  {s.name:<{width}}  {s.process:<7}  {s.seconds:8.2f}  "
              f"{s.cpu_seconds:8.2f}" for s in rows]
    return "\n".join(lines)
