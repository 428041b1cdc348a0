"""Work handed to a forked child comes back whole: its value, or its exception."""

from __future__ import annotations

import os

import pytest

from pipeline.parallel import Forked


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
