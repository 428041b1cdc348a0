"""What changed between two versions of the data: resources and triples added, removed and
changed. Each side is a publication or release directory, a dump file or a source tree."""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from pipeline.errors import MiraiError

DUMP_NT = Path("download") / "mirai-lod.nt.gz"
_FORMATS = {
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ttl": ox.RdfFormat.TURTLE,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".nq": ox.RdfFormat.N_QUADS,
}


class DiffInputError(MiraiError):
    """A side of the comparison that is not a publication, a dump or a source tree."""


@dataclass(frozen=True)
class Diff:
    added_resources: tuple[str, ...]
    removed_resources: tuple[str, ...]
    changed_resources: tuple[str, ...]
    added_triples: tuple[str, ...]  # N-Triples lines, sorted
    removed_triples: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not (self.added_triples or self.removed_triples)

    def summary(self) -> str:
        return (f"{len(self.added_resources)} resource(s) added, "
                f"{len(self.removed_resources)} removed, {len(self.changed_resources)} changed; "
                f"{len(self.added_triples)} triple(s) added, {len(self.removed_triples)} removed")


def _line(triple: ox.Triple | ox.Quad) -> str:
    return f"{triple.subject} {triple.predicate} {triple.object} ."


def parse_dump(path: Path) -> set[str]:
    """The triples of one dump file, as N-Triples lines; the format follows the file name."""
    name = path.name
    data = path.read_bytes()
    if name.endswith(".gz"):
        data = gzip.decompress(data)
        name = name.removesuffix(".gz")
    suffix = Path(name).suffix
    if suffix not in _FORMATS:
        raise DiffInputError(f"{path}: not a dump (expected .nt, .nt.gz, .ttl, .jsonld, .nq)")
    try:
        return {_line(t) for t in ox.parse(data, format=_FORMATS[suffix])}
    except SyntaxError as error:
        raise DiffInputError(f"{path}: {error}") from None


def read_side(path: Path, base: str) -> set[str]:
    """A file is a dump; a directory with download/mirai-lod.nt.gz is a publication or a
    release; a directory with YAML files is a source tree, built with `base`."""
    if path.is_file():
        return parse_dump(path)
    if (path / DUMP_NT).is_file():
        return parse_dump(path / DUMP_NT)
    if path.is_dir() and any(path.glob("*.yaml")):
        from pipeline.build import assemble  # a source tree is read the way a build reads it
        from pipeline.serialize import to_oxigraph

        return {_line(t) for t in to_oxigraph(assemble(path, base).triples)}
    raise DiffInputError(f"{path}: not a dump file, a publication or release directory "
                         f"(with {DUMP_NT}) or a source tree (with *.yaml)")


def _subject(line: str) -> str:
    return line.split(" ", 1)[0].strip("<>")


def _by_subject(lines: Iterable[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for line in lines:
        out[_subject(line)].add(line)
    return out


def compare(old: set[str], new: set[str]) -> Diff:
    before, after = _by_subject(old), _by_subject(new)
    return Diff(
        added_resources=tuple(sorted(after.keys() - before.keys())),
        removed_resources=tuple(sorted(before.keys() - after.keys())),
        changed_resources=tuple(sorted(s for s in before.keys() & after.keys()
                                       if before[s] != after[s])),
        added_triples=tuple(sorted(new - old)),
        removed_triples=tuple(sorted(old - new)),
    )


def to_text(diff: Diff) -> str:
    """`+`/`-`/`~` per resource, then its triples added and removed, then a summary."""
    added, removed = _by_subject(diff.added_triples), _by_subject(diff.removed_triples)
    lines = []
    marks = ([(s, "+") for s in diff.added_resources] + [(s, "-") for s in diff.removed_resources]
             + [(s, "~") for s in diff.changed_resources])
    for subject, mark in sorted(marks):
        lines.append(f"{mark} <{subject}>")
        for line in sorted(removed.get(subject, ())):
            lines.append(f"    - {line}")
        for line in sorted(added.get(subject, ())):
            lines.append(f"    + {line}")
    lines.append(diff.summary())
    return "\n".join(lines) + "\n"


def to_json(diff: Diff) -> str:
    body = {
        "resources": {"added": list(diff.added_resources),
                      "removed": list(diff.removed_resources),
                      "changed": list(diff.changed_resources)},
        "triples": {"added": list(diff.added_triples), "removed": list(diff.removed_triples)},
        "summary": diff.summary(),
    }
    return json.dumps(body, ensure_ascii=False, indent=1) + "\n"
