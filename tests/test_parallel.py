"""Work handed to a forked child comes back whole: its value, or its exception; work shared
with it through tickets is done exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.parallel import Forked, Tickets


class Refused(Exception):
    pass


def test_the_child_sees_the_parents_data_and_returns_its_result() -> None:
    data = list(range(100_000))
    job = Forked(lambda: (os.getpid(), sum(data)))
    pid, total = job.result()
    assert total == sum(data)
    assert pid != os.getpid()  # it really ran elsewhere
    assert job.result() == (pid, total)  # asked again, the same answer


def test_an_exception_in_the_child_is_raised_in_the_parent() -> None:
    def fail() -> None:
        raise Refused("no")

    with pytest.raises(Refused, match="no"):
        Forked(fail).result()


def test_a_child_that_dies_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="ended without a result"):
        Forked(lambda: os._exit(3)).result()


def test_without_fork_the_work_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIRAI_LOD_NO_FORK", "1")
    assert Forked(os.getpid).result() == os.getpid()


def test_without_fork_the_work_waits_for_the_result(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIRAI_LOD_NO_FORK", "1")
    done: list[str] = []
    job = Forked(lambda: done.append("job"))
    done.append("caller")
    job.result()
    assert done == ["caller", "job"]


def test_tickets_hand_each_batch_to_exactly_one_process() -> None:
    tickets = Tickets()

    def take() -> list[int]:
        taken: list[int] = []
        for batch in tickets:
            taken.extend(batch)
            time.sleep(0.001)  # both processes get a share
        return taken

    child = Forked(take)  # forked before the batches exist: it waits for them
    tickets.issue(10_000, 7)
    mine = take()
    theirs = child.result()
    tickets.close()
    assert sorted(mine + theirs) == list(range(10_000))
    assert mine and theirs


def test_batches_grow_so_that_the_pipe_never_fills() -> None:
    tickets = Tickets()
    tickets.issue(Tickets.MAX * 10 + 3)  # would be 40,963 batches of one
    batches = list(tickets)
    tickets.close()
    assert len(batches) <= Tickets.MAX
    assert [n for b in batches for n in b] == list(range(Tickets.MAX * 10 + 3))


def test_no_tickets_ends_the_others_wait() -> None:
    tickets = Tickets()
    child = Forked(lambda: list(tickets))
    tickets.issue(0)
    assert child.result() == []
    tickets.close()


def test_the_child_ends_when_its_parent_is_killed(tmp_path: Path) -> None:
    """A build killed mid-way leaves no child writing on."""
    pid_file = tmp_path / "child.pid"
    script = (
        "import os, sys, time\n"
        "from pipeline.parallel import Forked\n"
        "def work():\n"
        f"    open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
        "    time.sleep(120)\n"
        "job = Forked(work)\n"
        "time.sleep(120)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=Path(__file__).parents[1])
    try:
        deadline = time.monotonic() + 30
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < deadline, "the child never started"
            time.sleep(0.05)
        child = int(pid_file.read_text())
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 10
        while _alive(child):
            assert time.monotonic() < deadline, "the child outlived its parent"
            time.sleep(0.05)
    finally:
        parent.kill()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has ended; only its parent's wait is missing


def test_a_stopped_child_is_gone_and_its_result_never_comes() -> None:
    job = Forked(lambda: time.sleep(60))
    pid = job._pid  # the child, which this test looks at
    job.stop()
    assert not _alive(pid)
    with pytest.raises(RuntimeError, match="stopped"):
        job.result()
