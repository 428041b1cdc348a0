"""Loader cases that cannot live as files in tests/cases/: links, sizes, bombs; and the
values it reads."""

from __future__ import annotations

import shutil
from fractions import Fraction
from pathlib import Path

import pytest

from pipeline import load as load_module
from pipeline.errors import SourceErrors
from pipeline.load import load

BASE = Path(__file__).parent / "cases" / "base"


@pytest.fixture
def src(tmp_path: Path) -> Path:
    shutil.copytree(BASE, tmp_path / "src")
    return tmp_path / "src"


def only_error(src: Path) -> str:
    with pytest.raises(SourceErrors) as caught:
        load(src)
    [error] = caught.value.errors
    return error.format()


def test_values_are_typed(src: Path) -> None:
    source = load(src)
    award = source.find("award", "kaga-new")
    assert award is not None
    assert award["fiscal_year"] == 2022
    assert award["requested_thousand_yen"] == 37000
    assert award["technologies"] == ("smart-city",)
    assert award.where("title").line == 7
    kaga = source.find("municipality", "172065")
    assert kaga is not None and kaga["lat"] == "36.30277778"  # exactly as written
    program = source.find("program", "grant")
    assert program is not None and program["subsidy_rate"] == Fraction(1, 2)


def test_symlink_out_of_the_source_tree(src: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text((src / "awards.yaml").read_text())
    (src / "awards.yaml").unlink()
    (src / "awards.yaml").symlink_to(outside)
    assert only_error(src) == (f"{src / 'awards.yaml'}:1:1: error: links outside the source "
                               f"tree (to {outside})")


def test_huge_file(src: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load_module, "MAX_FILE_BYTES", 100)
    with pytest.raises(SourceErrors) as caught:
        load(src)
    assert all("the limit is 100" in e.message for e in caught.value.errors)


def test_alias_bomb_is_refused_before_expansion(src: Path) -> None:
    lines = ['a0: &a0 ["lol"]']
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]"
              for i in range(1, 40)]
    (src / "awards.yaml").write_text("\n".join(lines) + "\n")
    assert "anchors and aliases" in only_error(src)


def test_very_long_identifier(src: Path) -> None:
    text = (src / "awards.yaml").read_text().replace("- id: kaga-new", f"- id: {'a' * 200}")
    (src / "awards.yaml").write_text(text)
    assert "identifier is 200 characters; the limit is 80" in only_error(src)


def test_several_errors_reported_together(src: Path) -> None:
    text = (src / "awards.yaml").read_text()
    text = text.replace("round: 1", "round: one").replace("status: new", "status: old")
    (src / "awards.yaml").write_text(text)
    with pytest.raises(SourceErrors) as caught:
        load(src)
    assert len(caught.value.errors) == 3
