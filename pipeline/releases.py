"""Releases side by side under stable URLs: `{base}release/VERSION/` holds that version's
dumps, CSV tables and catalog, and `{base}release/latest/` a copy of the newest.

A build replaces the whole publication, so the releases of the build it replaces are read from
there and carried over unchanged. A release is immutable: building a VERSION that is already
published with different content is an error.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import catalog, diff
from pipeline.errors import MiraiError
from pipeline.publish import Content, checksums, hash_file, reading, sha256_of

if TYPE_CHECKING:
    from pipeline.build import Dataset
    from pipeline.validate import Report

RELEASE_DIR = "release"
LATEST = "latest"
VERSION = re.compile(r"[0-9]+(?:\.[0-9]+){0,3}")
CHANGES = "changes.md"
# What a release keeps of the publication: the downloads and the JSON-LD context they use.
_KEPT = ("download/", "context.jsonld")


class ReleaseError(MiraiError):
    """A release that cannot be made as asked; nothing is written."""


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def check_version(version: str) -> None:
    if not VERSION.fullmatch(version):
        raise ReleaseError(f"release version '{version}' is not numbers and dots (e.g. 1.2.0)")


def previous_releases(out: Path | None) -> dict[str, dict[str, Content]]:
    """version → {path inside the release folder: the file}, from the publication in `out`.

    A release is the files its SHA256SUMS lists (what other outputs add next to them, such as
    server configuration, is made again by those outputs); each is checked against its sum,
    read a chunk at a time, and is carried over as the file it is (publish.Written), not as
    its bytes."""
    if out is None or not (out / RELEASE_DIR).is_dir():
        return {}
    found: dict[str, dict[str, Content]] = {}
    for folder in sorted((out / RELEASE_DIR).iterdir()):
        if folder.name == LATEST or not folder.is_dir() or not VERSION.fullmatch(folder.name):
            continue
        sums = folder / "SHA256SUMS"
        if not sums.is_file():
            raise ReleaseError(f"{folder} has no SHA256SUMS; it is not a release this "
                               "pipeline wrote")
        release: dict[str, Content] = {"SHA256SUMS": sums.read_bytes()}
        for line in sums.read_text(encoding="utf-8").splitlines():
            digest, _, name = line.partition("  ")
            path = folder / name
            data: Content = hash_file(path) or b""
            if sha256_of(data) != digest:
                raise ReleaseError(f"{path} does not match the release's SHA256SUMS; restore "
                                   "it (a release never changes)")
            release[name] = data
        found[folder.name] = release
    return found


def snapshot(dataset: Dataset, files: Mapping[str, Content], version: str
             ) -> dict[str, Content]:
    """The files of one release, relative to its folder, with its own catalog whose download
    URLs are the release's stable URLs. The downloads are those of `files` as they are: a file
    on disk stays one (its copy in the release is a hard link)."""
    kept = {path: data for path, data in files.items() if path.startswith(_KEPT)}
    root = f"{dataset.iris.base}{RELEASE_DIR}/{version}/"
    graph = catalog.catalog_graph(dataset, kept, root, release=version)
    page = catalog.catalog_page(dataset, kept, "../../", "catalog", version=version,
                                releases="../index.html")
    return {**kept, **catalog.rdf_files(graph, "catalog"), "catalog.html": page}


def _dump_lines(release: Mapping[str, Content]) -> set[str]:
    """The lines of the release's N-Triples dump, read a line at a time."""
    with reading(release[diff.DUMP_NT.as_posix()]) as raw, gzip.GzipFile(fileobj=raw) as f:
        # Each line split as str.splitlines splits the whole text ("\n" is never part of a
        # character's UTF-8).
        return {text for line in f for text in line.decode("utf-8").splitlines() if text}


@dataclass(frozen=True)
class Changes:
    """What a release's changelog says, worked out once for both of its forms: its size, and
    the release before it (`previous`) with what changed since (`result`)."""

    resources: int
    triples: int
    previous: str | None = None
    result: diff.Diff | None = None


def changes(release: Mapping[str, Content],
            before: tuple[str, Mapping[str, Content]] | None) -> Changes:
    """The changes of `release` against `before` (version, files), from their N-Triples dumps."""
    new = _dump_lines(release)
    resources = len({diff._subject(line) for line in new})
    if before is None:
        return Changes(resources, len(new))
    return Changes(resources, len(new), before[0], diff.compare(_dump_lines(before[1]), new))


def changes_html(version: str, day: str, found: Changes) -> bytes:
    """The changelog of a release as a page of the site."""
    page: dict[str, object] = {"root": "../../", "version": version, "day": day,
                               "previous": None, "resources": found.resources,
                               "triples": found.triples}
    if found.result is not None:
        result = found.result
        page.update(previous=found.previous, summary=result.summary(), groups=[
            {"id": key, "ja": ja, "en": en, "items": items}
            for key, ja, en, items in (
                ("added", "追加された資源", "Added resources", result.added_resources),
                ("removed", "削除された資源", "Removed resources", result.removed_resources),
                ("changed", "変更された資源", "Changed resources", result.changed_resources))
            if items], triple_groups=[
            {"id": key, "ja": ja, "en": en, "items": items}
            for key, ja, en, items in (
                ("triples-removed", "削除されたトリプル", "Triples removed",
                 result.removed_triples),
                ("triples-added", "追加されたトリプル", "Triples added", result.added_triples))
            if items])
    return catalog.environment().get_template("changes.html").render(p=page).encode()


def changes_page(version: str, day: str, found: Changes) -> bytes:
    """The changelog of a release, as Markdown, against the release before it."""
    lines = [f"# mirai-lod {version}", ""]
    if day:
        lines += [f"Released {day}.", ""]
    if found.result is None:
        lines += [f"The first release: {found.resources:,} resources, {found.triples:,} "
                  "triples.", ""]
        return ("\n".join(lines)).encode()
    result = found.result
    lines += [f"Changes since {found.previous}: {result.summary()}.", ""]
    for title, items in (("Added resources", result.added_resources),
                         ("Removed resources", result.removed_resources),
                         ("Changed resources", result.changed_resources)):
        if items:
            lines += [f"## {title}", "", *(f"- <{item}>" for item in items), ""]
    for title, triples in (("Triples removed", result.removed_triples),
                           ("Triples added", result.added_triples)):
        if triples:
            lines += [f"## {title}", "", "```", *triples, "```", ""]
    return ("\n".join(lines)).encode()


def release_files(dataset: Dataset, report: Report, files: Mapping[str, Content]
                  ) -> dict[str, Content]:
    """release/VERSION/… for every release of the previous publication and for the release
    this build makes (`build --release VERSION`), and release/latest/ for the newest."""
    del report
    releases = previous_releases(dataset.previous)
    version = dataset.release
    if version is not None:
        check_version(version)
        stated = catalog.meta(dataset)
        if stated.version != version:
            raise ReleaseError(f"the source says version {stated.version} (dataset.yaml); set "
                               f"`version: {version}` and its `release` date to release it")
        made = snapshot(dataset, files, version)
        older = sorted((v for v in releases if version_key(v) < version_key(version)),
                       key=version_key)
        before = (older[-1], releases[older[-1]]) if older else None
        day = stated.release.isoformat() if stated.release else ""
        if version in releases:
            # The data decides: pages may look different after a change of the templates.
            old = releases[version]
            changed = sorted(p for p in made.keys() | _data(old)
                             if p in _data(made) | _data(old) and _sha(made, p) != _sha(old, p))
            if changed:
                raise ReleaseError(f"release {version} is already published with other "
                                   f"content ({', '.join(changed[:5])}); a release never "
                                   "changes: choose a new version")
        else:
            # Both dumps are read and compared once, for both forms of the changelog.
            found = changes(made, before)
            made[CHANGES] = changes_page(version, day, found)
            made["changes.html"] = changes_html(version, day, found)
            made["SHA256SUMS"] = checksums(made)
            releases[version] = made
    out: dict[str, Content] = {}
    for name, release in sorted(releases.items()):
        out.update({f"{RELEASE_DIR}/{name}/{path}": data for path, data in release.items()})
    if releases:
        newest = max(releases, key=version_key)
        out.update({f"{RELEASE_DIR}/{LATEST}/{path}": data
                    for path, data in releases[newest].items()})
        out[f"{RELEASE_DIR}/index.md"] = _index(releases, newest)
        out[f"{RELEASE_DIR}/index.html"] = catalog.environment().get_template(
            "releases.html").render(p={"root": "../", "newest": newest, "versions": sorted(
                releases, key=version_key, reverse=True)}).encode()
    return out


def _sha(release: Mapping[str, Content], path: str) -> str | None:
    return sha256_of(release[path]) if path in release else None


def _data(release: Mapping[str, Content]) -> set[str]:
    """The files of a release that hold data (not pages): they must never change."""
    return {p for p in release if p.startswith(_KEPT) or p in _CATALOG_DATA}


_CATALOG_DATA = frozenset(f"catalog.{ext}" for ext in ("ttl", "nt", "jsonld", "rdf"))


def _index(releases: Mapping[str, Mapping[str, Content]], newest: str) -> bytes:
    lines = ["# Releases", "", f"Latest: [{newest}]({LATEST}/) (a copy of {newest}/).", ""]
    for name in sorted(releases, key=version_key, reverse=True):
        lines.append(f"- [{name}]({name}/): [changes]({name}/{CHANGES}), "
                     f"[catalog]({name}/catalog.ttl)")
    return ("\n".join(lines) + "\n").encode()
