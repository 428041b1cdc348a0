"""What a publication was built from, so that a build with nothing changed can be skipped.

The fingerprint is a SHA-256 over everything the bytes of a publication depend on:

- every file under the source directory (relative path and bytes, in sorted order; all
  files, not only *.yaml, so that e.g. an unknown file that fails the build is noticed);
- the ontology/, shapes/ and queries/ directories;
- the code, templates and static files of this package (every file under pipeline/ except
  compiled bytecode, which Python rewrites on its own and which follows the source anyway);
- the Python version and the versions of the installed distributions that shape the output
  (a missing one is recorded as missing);
- the build options that change the output (--base, --release; not --out);
- FORMAT, the version of this scheme: bump it whenever what goes in changes.

Files are hashed as length-prefixed (kind, path, bytes) fields, so no two different inputs
give the same byte stream. A symbolic link to a directory is recorded by its target (it is
not followed: the loader only reads files at the top of the source). An unreadable file is
recorded as unreadable rather than raising: the build then reports it as it would anyway.

A build computes the fingerprint before it reads the source and stores it in the
publication as RECORD (a dot-file, so it is not in SHA256SUMS), together with the validation
results it printed and the sizes of the files SHA256SUMS lists. If the source changes while a
build runs, the stored fingerprint is the one of what was read at the start, so the next
build sees a change and does the work again.

`mirai-lod build` skips the build when the stored fingerprint equals the current one and the
publication looks intact: the build marker is there, SHA256SUMS has the bytes it was written
with, every file it lists has its recorded size and every top-level entry (e.g. store/) still
exists. Checking sizes rather than hashing the ~100 MB of files keeps the check cheap; an edit
inside a published file that keeps its size goes unnoticed (`build --force` rebuilds).

This module is imported by the command line before anything heavy: it must not import
rdflib, pyshacl, pyoxigraph, jinja2 or the build.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.examples import QUERIES_DIR
from pipeline.paths import ONTOLOGY_DIR, SHAPES_DIR
from pipeline.publish import MARKER, read_sums

if TYPE_CHECKING:
    from pipeline.validate import Report

FORMAT = 2  # 2: the source is hashed after the surroundings' digest
RECORD = ".mirai-lod-inputs"
SUMS = "SHA256SUMS"
PACKAGE_DIR = Path(__file__).resolve().parent
# Distributions whose code decides the published bytes: parsers, serialisers, SHACL
# (and what pySHACL and rdflib themselves rely on), templates, YAML, romanisation.
DISTRIBUTIONS = ("rdflib", "pyoxigraph", "pyshacl", "owlrl", "isodate", "pyparsing", "jinja2",
                 "markupsafe", "pyyaml", "pyld", "pykakasi")
_SKIPPED_DIRS = frozenset({"__pycache__"})
_SKIPPED_SUFFIXES = (".pyc", ".pyo")


def _field(hasher: hashlib._Hash, data: bytes) -> None:
    hasher.update(struct.pack(">Q", len(data)))
    hasher.update(data)


def _files(root: Path, *, skip_bytecode: bool) -> list[tuple[str, Path]]:
    """(relative POSIX path, path) of every entry that is not a directory, sorted by path."""
    found: list[tuple[str, Path]] = []
    for folder, dirs, names in os.walk(root):
        here = Path(folder)
        kept_dirs = []
        for name in dirs:
            if skip_bytecode and name in _SKIPPED_DIRS:
                continue
            if (here / name).is_symlink():
                names.append(name)  # recorded by its target, not walked
            else:
                kept_dirs.append(name)
        dirs[:] = kept_dirs
        for name in names:
            if skip_bytecode and name.endswith(_SKIPPED_SUFFIXES):
                continue
            path = here / name
            found.append((path.relative_to(root).as_posix(), path))
    return sorted(found)


def _tree(hasher: hashlib._Hash, kind: str, root: Path, *, skip_bytecode: bool = False) -> None:
    _field(hasher, kind.encode())
    if not root.is_dir():
        _field(hasher, b"not a directory")
        return
    for relative, path in _files(root, skip_bytecode=skip_bytecode):
        _field(hasher, relative.encode())
        if path.is_symlink() and path.is_dir():
            _field(hasher, b"link to directory " + os.fsencode(path.readlink()))
            continue
        try:
            data = path.read_bytes()
        except OSError as error:
            _field(hasher, f"unreadable: {error.strerror}".encode())
            continue
        _field(hasher, b"file")
        _field(hasher, data)
    _field(hasher, b"end of " + kind.encode())


def versions(names: Iterable[str] = DISTRIBUTIONS) -> dict[str, str | None]:
    """Installed version of each distribution; None for one that is not installed."""
    found: dict[str, str | None] = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def fingerprint(source_dir: Path, base: str, release: str | None, *,
                ontology_dir: Path = ONTOLOGY_DIR, shapes_dir: Path = SHAPES_DIR,
                queries_dir: Path = QUERIES_DIR, package_dir: Path = PACKAGE_DIR) -> str:
    """The hex SHA-256 of everything a build of `source_dir` with these options depends on.

    The directories default to the ones the build reads; they are parameters for tests."""
    hasher = hashlib.sha256()
    _field(hasher, surroundings(base, release, ontology_dir=ontology_dir, shapes_dir=shapes_dir,
                                queries_dir=queries_dir, package_dir=package_dir).encode())
    _tree(hasher, "source", source_dir)
    return hasher.hexdigest()


def surroundings(base: str, release: str | None, *, ontology_dir: Path = ONTOLOGY_DIR,
                 shapes_dir: Path = SHAPES_DIR, queries_dir: Path = QUERIES_DIR,
                 package_dir: Path = PACKAGE_DIR) -> str:
    """The hex SHA-256 of all a build depends on but the source: what every page shares."""
    hasher = hashlib.sha256()
    header = {"format": FORMAT, "base": base, "release": release,
              "python": platform.python_version(), "distributions": versions()}
    _field(hasher, json.dumps(header, sort_keys=True).encode())
    _tree(hasher, "ontology", ontology_dir)
    _tree(hasher, "shapes", shapes_dir)
    _tree(hasher, "queries", queries_dir)
    _tree(hasher, "code", package_dir, skip_bytecode=True)
    return hasher.hexdigest()


@dataclass(frozen=True)
class Finding:
    """A validation result as the build printed it, with its file relative to the source so
    that it prints the same however the source directory is spelt next time."""

    severity: str
    message: str
    focus: str
    shape: str
    path: str | None  # None: the result is about the dataset as a whole
    in_source: bool  # path is relative to the source directory
    line: int
    column: int

    def format(self, source_dir: Path, relative_to: Path) -> str:
        """The line `build` prints; the same as validate.Result.format."""
        where = "<dataset>"
        if self.path is not None:
            path = source_dir / self.path if self.in_source else Path(self.path)
            if path.is_absolute() and path.is_relative_to(relative_to):
                path = path.relative_to(relative_to)
            where = f"{path}:{self.line}:{self.column}"
        return f"{where}: {self.severity}: {self.message} ({self.focus}, {self.shape})"


def findings(report: Report, source_dir: Path) -> list[Finding]:
    out = []
    for result in report.results:
        path: str | None = None
        in_source = False
        line = column = 0
        if result.location is not None:
            line, column = result.location.line, result.location.column
            location = result.location.path
            if location.is_relative_to(source_dir):
                path, in_source = location.relative_to(source_dir).as_posix(), True
            else:
                path = str(location)
        out.append(Finding(result.severity, result.message, result.focus, result.shape, path,
                           in_source, line, column))
    return out


def _sums(directory: Path) -> tuple[bytes, list[str]]:
    data = (directory / SUMS).read_bytes()
    return data, list(read_sums(data))


def write_record(digest: str, report: Report, source_dir: Path, staging: Path,
                 sizes: Mapping[str, int]) -> None:
    """Writer: RECORD in the new publication. Runs after every other writer (it lists the
    entries they made) and before the build marker. `sizes`: the sizes of the files the build
    wrote (a stat() per file costs seconds at a million triples); the others are stat()ed."""
    sums, names = _sums(staging)
    record = {
        "format": FORMAT,
        "fingerprint": digest,
        "sums": hashlib.sha256(sums).hexdigest(),
        # os.stat: a Path per file would double the time of this loop.
        "sizes": {name: sizes[name] if name in sizes else
                  os.stat(f"{staging}/{name}").st_size for name in names},  # noqa: PTH116
        "entries": sorted(entry.name for entry in staging.iterdir()),
        "findings": [vars(finding) for finding in findings(report, source_dir)],
    }
    (staging / RECORD).write_text(json.dumps(record, ensure_ascii=False, indent=0) + "\n",
                                  encoding="utf-8")


def up_to_date(out: Path, digest: str) -> list[Finding] | None:
    """The findings of the build in `out` when it was made from the inputs of `digest` and
    looks intact; None when a build is needed."""
    try:
        if not (out / MARKER).is_file():
            return None
        record = json.loads((out / RECORD).read_text(encoding="utf-8"))
        if not isinstance(record, dict) or record.get("format") != FORMAT or record.get(
                "fingerprint") != digest:
            return None
        if hashlib.sha256((out / SUMS).read_bytes()).hexdigest() != record["sums"]:
            return None
        if not all((out / name).exists() for name in record["entries"]):
            return None
        for name, size in record["sizes"].items():
            if (out / name).stat().st_size != size:
                return None
        return [Finding(**fields) for fields in record["findings"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        # Missing, unreadable or not a record this version wrote: build.
        return None
