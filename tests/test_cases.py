"""Each folder under tests/cases/ is a small source tree (base/ plus the files the folder
overrides) and expected.txt: the exit code of `mirai-lod validate`, then its exact output lines.

To add a case: make the folder with the changed file(s), run
`MIRAI_LOD_WRITE_EXPECTED=1 pytest tests/test_cases.py -k NAME`, and read expected.txt before
committing it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main

CASES = Path(__file__).parent / "cases"
NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir() and p.name != "base")


def materialise(name: str, tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(CASES / "base", src)
    for path in (CASES / name).iterdir():
        if path.name != "expected.txt":
            shutil.copyfile(path, src / path.name)
    return src


@pytest.mark.parametrize("name", NAMES)
def test_case(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    materialise(name, tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "--source", "src"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    actual = f"exit {result.exit_code}\n{result.output}"
    expected_path = CASES / name / "expected.txt"
    if os.environ.get("MIRAI_LOD_WRITE_EXPECTED"):
        expected_path.write_text(actual, encoding="utf-8")
    assert actual == expected_path.read_text(encoding="utf-8")


def test_every_case_has_expectations() -> None:
    missing = [n for n in NAMES if not (CASES / n / "expected.txt").exists()]
    assert not missing


def test_base_conforms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(CASES / "base", tmp_path / "src")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "--source", "src"])
    assert result.exit_code == 0, result.output
    assert result.output == "conforms: 0 error(s), 0 warning(s)\n"


@pytest.mark.parametrize("name", NAMES)
def test_failing_case_leaves_the_previous_build_untouched(name: str, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          previous: Path) -> None:
    expected = (CASES / name / "expected.txt").read_text(encoding="utf-8")
    exit_code = int(expected.split("\n", 1)[0].split()[1])
    if exit_code == 0:
        return
    materialise(name, tmp_path)
    out = tmp_path / "build"
    shutil.copytree(previous, out, symlinks=True)
    before = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", "--source", "src", "--out", "build"])
    assert result.exit_code == exit_code
    assert "Traceback" not in result.output
    assert {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()} == before


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A publication of the base tree, standing for the build a failed build must keep."""
    out = tmp_path_factory.mktemp("previous") / "build"
    result = CliRunner().invoke(main, ["build", "--quiet", "--source", str(CASES / "base"),
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out
