"""A small source tree with a dataset record (dataset.yaml), for catalog and release tests."""

from __future__ import annotations

import shutil
from pathlib import Path

BASE = Path(__file__).parent / "cases" / "base"

DATASET_YAML = """\
- id: test
  title_ja: 試験データ
  title_en: Test data
  description_ja: 試験用のデータ
  description_en: Data for tests
  version: {version}
  issued: 2026-01-15
  release: {release}
  publisher_ja: 試験
  publisher_en: The test project
  contact: https://example.org/issues
  license: https://creativecommons.org/licenses/by/4.0/
  attribution_ja: 出典：内閣府「未来技術社会実装事業について」（2022-07-12）を加工して作成
  attribution_en: "Source: Cabinet Office (2022-07-12), edited"
  sources: [doc]
"""


def source_tree(target: Path, version: str = "1.0.0", release: str = "2026-02-01") -> Path:
    """A copy of tests/cases/base with a dataset.yaml stating `version` and `release`."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(BASE, target)
    (target / "dataset.yaml").write_text(DATASET_YAML.format(version=version, release=release),
                                         encoding="utf-8")
    return target


def set_version(tree: Path, version: str, release: str) -> None:
    (tree / "dataset.yaml").write_text(DATASET_YAML.format(version=version, release=release),
                                       encoding="utf-8")
