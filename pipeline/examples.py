"""The example SPARQL queries (queries/*.rq): each starts with comment lines `# ja: …` and
`# en: …` saying what it answers. They are published as `build/queries/NAME.rq` and shown on
the endpoint's query page."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import MiraiError
from pipeline.paths import PROJECT

if TYPE_CHECKING:
    from pipeline.build import Dataset
    from pipeline.validate import Report

QUERIES_DIR = PROJECT / "queries"
PUBLISHED = "queries"


class ExampleError(MiraiError):
    """An example query without its ja and en description."""


@dataclass(frozen=True)
class Example:
    name: str  # the file name without .rq
    title_ja: str
    title_en: str
    text: str


def parse(name: str, text: str) -> Example:
    titles: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line.lstrip("# ").partition(":")
        if key in ("ja", "en") and key not in titles:
            titles[key] = value.strip()
    if set(titles) != {"ja", "en"}:
        raise ExampleError(f"{name}.rq: the first comment lines must be '# ja: …' and '# en: …'")
    return Example(name, titles["ja"], titles["en"], text)


def read(directory: Path) -> list[Example]:
    return [parse(path.stem, path.read_text(encoding="utf-8"))
            for path in sorted(directory.glob("*.rq"))]


def example_files(dataset: Dataset, report: Report, files: Collection[str]
                  ) -> dict[str, bytes]:
    """Output (build.OUTPUTS): the example queries, as they are in the project."""
    return {f"{PUBLISHED}/{e.name}.rq": e.text.encode() for e in read(QUERIES_DIR)}
