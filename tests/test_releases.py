"""Releases side by side under stable URLs, immutable, carried from build to build, with a
changelog; `mirai-lod diff` between releases, dumps and source trees."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef

from pipeline import catalog, releases
from pipeline.build import build
from pipeline.cli import main
from pipeline.rdf import DEFAULT_BASE
from pipeline.releases import ReleaseError, version_key
from tests.dataset_yaml import set_version, source_tree
from tests.test_catalog import dcat_ap_shapes, results

KAGA = f"{DEFAULT_BASE}award/kaga-new"
AWARDED = "<https://w3id.org/mirai-lod/ontology#awardedAmount>"


def lower_award(tree: Path) -> None:
    awards = tree / "awards.yaml"
    awards.write_text(awards.read_text(encoding="utf-8").replace(
        "awarded_thousand_yen: 18500", "awarded_thousand_yen: 18400"), encoding="utf-8")


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("releases")
    src, out = source_tree(tmp / "src"), tmp / "build"
    build(src, out, DEFAULT_BASE, release="1.0.0")
    set_version(src, "1.1.0", "2026-03-01")
    lower_award(src)
    build(src, out, DEFAULT_BASE, release="1.1.0")
    return src, out


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def release_of(folder: Path) -> dict[str, bytes]:
    """The files a release's SHA256SUMS lists (other outputs may add server files beside)."""
    names = [line.split("  ", 1)[1] for line in
             (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()]
    return {name: (folder / name).read_bytes() for name in ["SHA256SUMS", *names]}


def test_releases_side_by_side_with_latest(two_releases: tuple[Path, Path]) -> None:
    _, out = two_releases
    release = out / "release"
    assert sorted(p.name for p in release.iterdir()) == [
        "1.0.0", "1.1.0", "index.html", "index.md", "latest"]
    assert release_of(release / "latest") == release_of(release / "1.1.0")
    assert (release / "1.0.0" / "download" / "mirai-lod.nt.gz").read_bytes() != (
        release / "1.1.0" / "download" / "mirai-lod.nt.gz").read_bytes()
    # The current publication is the newest release's data.
    assert (out / "download" / "mirai-lod.ttl").read_bytes() == (
        release / "1.1.0" / "download" / "mirai-lod.ttl").read_bytes()
    assert {"download/mirai-lod.ttl", "download/csv/award.csv", "catalog.ttl", "changes.md",
            "changes.html", "SHA256SUMS", "context.jsonld"} <= set(release_of(release / "1.0.0"))


def test_release_catalog_points_at_its_own_files(two_releases: tuple[Path, Path]) -> None:
    _, out = two_releases
    root = f"{DEFAULT_BASE}release/1.0.0/"
    graph = Graph().parse(out / "release" / "1.0.0" / "catalog.ttl")
    dataset = URIRef(f"{root}dataset")
    assert str(graph.value(dataset, catalog.DCAT.version)) == "1.0.0"
    assert graph.value(dataset, catalog.DCAT.isVersionOf) == URIRef(f"{DEFAULT_BASE}dataset")
    urls = [str(graph.value(d, catalog.DCAT.downloadURL))
            for d in graph.objects(dataset, catalog.DCAT.distribution)]
    assert urls and all(u.startswith(root) for u in urls)
    for url in urls:
        assert (out / "release" / "1.0.0" / url.removeprefix(root)).is_file()
    modified = {str(graph.value(dataset, URIRef("http://purl.org/dc/terms/modified")))}
    assert modified == {"2026-02-01"}


def test_release_catalog_conforms_to_dcat_ap(two_releases: tuple[Path, Path]) -> None:
    _, out = two_releases
    graph = Graph().parse(out / "release" / "1.0.0" / "catalog.ttl")
    assert results(graph, dcat_ap_shapes("shapes.ttl", "range.ttl")) == set()


def test_changelog(two_releases: tuple[Path, Path]) -> None:
    _, out = two_releases
    first = (out / "release" / "1.0.0" / "changes.md").read_text(encoding="utf-8")
    assert "The first release" in first
    changes = (out / "release" / "1.1.0" / "changes.md").read_text(encoding="utf-8")
    assert "Changes since 1.0.0: 0 resource(s) added, 0 removed, 1 changed" in changes
    assert f"- <{KAGA}>" in changes
    assert f'<{KAGA}> {AWARDED} "18400000"' in changes


def test_changelog_and_release_pages(two_releases: tuple[Path, Path]) -> None:
    _, out = two_releases
    page = (out / "release" / "1.1.0" / "changes.html").read_text(encoding="utf-8")
    assert f'<a href="{KAGA}"><code>{KAGA}</code></a>' in page
    assert "18400000" in page and "Changes since 1.0.0" in page
    index = (out / "release" / "index.html").read_text(encoding="utf-8")
    assert index.index('href="1.1.0/"') < index.index('href="1.0.0/"')
    catalog_page = (out / "release" / "1.0.0" / "catalog.html").read_text(encoding="utf-8")
    assert "1.0.0" in catalog_page and "mirai-lod.nt.gz" in catalog_page


def test_pages_may_look_different_later_but_data_may_not(
        two_releases: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    src, out = two_releases
    published = release_of(out / "release" / "1.1.0")
    # A later version of the templates renders the changelog differently: the release keeps
    # the page it was published with.
    monkeypatch.setattr(releases, "changes_html", lambda *args: b"<p>new look</p>")
    build(src, out, DEFAULT_BASE, release="1.1.0")
    assert release_of(out / "release" / "1.1.0") == published


def test_a_plain_build_carries_the_releases(two_releases: tuple[Path, Path],
                                            tmp_path: Path) -> None:
    src, out = two_releases
    before = files_of(out / "release")
    build(src, out, DEFAULT_BASE)
    assert files_of(out / "release") == before


def test_a_release_holds_links_to_the_downloads_not_copies(tmp_path: Path) -> None:
    """The downloads of a new release are hard links to the publication's own; a release
    carried over is linked from the previous publication."""
    src, out = source_tree(tmp_path / "src"), tmp_path / "build"
    build(src, out, DEFAULT_BASE, release="1.0.0")
    names = [f"download/{name}" for name in ("mirai-lod.ttl", "mirai-lod.nt.gz",
                                             "mirai-lod.jsonld", "csv/award.csv")]
    for name in names:
        inode = (out / name).stat().st_ino
        assert (out / "release" / "1.0.0" / name).stat().st_ino == inode, name
        assert (out / "release" / "latest" / name).stat().st_ino == inode, name
    released = {p: p.stat().st_ino for p in (out / "release" / "1.0.0").rglob("*")
                if p.is_file()}
    set_version(src, "1.1.0", "2026-03-01")
    lower_award(src)
    build(src, out, DEFAULT_BASE, release="1.1.0")
    # Every file of release/1.0.0/ is the previous publication's, linked.
    assert {p: p.stat().st_ino for p in released} == released
    assert (out / "release" / "1.1.0" / names[0]).stat().st_ino == (out / names[0]).stat(
        ).st_ino != released[out / "release" / "1.0.0" / names[0]]


def test_same_version_same_content_is_accepted(two_releases: tuple[Path, Path]) -> None:
    src, out = two_releases
    before = files_of(out / "release")
    build(src, out, DEFAULT_BASE, release="1.1.0")
    assert files_of(out / "release") == before


def test_a_release_never_changes(tmp_path: Path) -> None:
    src, out = source_tree(tmp_path / "src"), tmp_path / "build"
    build(src, out, DEFAULT_BASE, release="1.0.0")
    published = files_of(out)
    lower_award(src)
    with pytest.raises(ReleaseError, match="already published with other content"):
        build(src, out, DEFAULT_BASE, release="1.0.0")
    assert files_of(out) == published  # nothing was written


def test_version_must_match_the_source(tmp_path: Path) -> None:
    src = source_tree(tmp_path / "src", version="2.0.0")
    with pytest.raises(ReleaseError, match=r"the source says version 2\.0\.0"):
        build(src, tmp_path / "build", DEFAULT_BASE, release="2.1.0")
    result = CliRunner().invoke(main, ["build", "--source", str(src), "--out",
                                       str(tmp_path / "b"), "--release", "v2", "-q"])
    assert result.exit_code == 2
    assert "not numbers and dots" in result.output


def test_latest_is_the_highest_version_not_the_last_built(tmp_path: Path) -> None:
    src, out = source_tree(tmp_path / "src", version="2.0.0"), tmp_path / "build"
    build(src, out, DEFAULT_BASE, release="2.0.0")
    set_version(src, "1.10.0", "2026-01-20")
    build(src, out, DEFAULT_BASE, release="1.10.0")
    index = (out / "release" / "index.md").read_text(encoding="utf-8")
    assert "Latest: [2.0.0]" in index
    assert index.index("[2.0.0]") < index.index("[1.10.0]")
    assert version_key("1.10.0") > version_key("1.9.0")


def test_diff_text_and_json(two_releases: tuple[Path, Path]) -> None:
    _, out = two_releases
    old, new = str(out / "release" / "1.0.0"), str(out / "release" / "1.1.0")
    text = CliRunner().invoke(main, ["diff", old, new])
    assert text.exit_code == 1  # there are differences
    assert text.output.splitlines() == [
        f"~ <{KAGA}>",
        f'    - <{KAGA}> {AWARDED} "18500000"^^<http://www.w3.org/2001/XMLSchema#integer> .',
        f'    + <{KAGA}> {AWARDED} "18400000"^^<http://www.w3.org/2001/XMLSchema#integer> .',
        "0 resource(s) added, 0 removed, 1 changed; 1 triple(s) added, 1 removed",
    ]
    body = json.loads(CliRunner().invoke(main, ["diff", "--format", "json", old, new]).output)
    assert body["resources"] == {"added": [], "removed": [], "changed": [KAGA]}
    assert len(body["triples"]["added"]) == len(body["triples"]["removed"]) == 1


def test_diff_between_a_dump_and_a_source_tree(two_releases: tuple[Path, Path],
                                               tmp_path: Path) -> None:
    src, out = two_releases
    dump = out / "release" / "1.0.0" / "download" / "mirai-lod.jsonld"
    same = CliRunner().invoke(main, ["diff", str(out / "download" / "mirai-lod.ttl"), str(src)])
    assert same.exit_code == 0, same.output
    assert same.output == "0 resource(s) added, 0 removed, 0 changed; 0 triple(s) added, " \
                          "0 removed\n"
    tree = source_tree(tmp_path / "renamed")
    awards = tree / "awards.yaml"
    awards.write_text(awards.read_text(encoding="utf-8").replace(
        "- id: kaga-continuing", "- id: kaga-continuing-2"), encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", "--format", "json", str(dump), str(tree)])
    assert result.exit_code == 1, result.output
    body = json.loads(result.output)
    assert body["resources"] == {
        "added": [f"{DEFAULT_BASE}award/kaga-continuing-2"],
        "removed": [f"{DEFAULT_BASE}award/kaga-continuing"],
        # 1.0.0 still had 18,500 千円 for kaga-new; the renamed tree has it too.
        "changed": [],
    }
    assert all(t.startswith(f"<{DEFAULT_BASE}award/kaga-continuing")
               for t in body["triples"]["added"] + body["triples"]["removed"])


def test_diff_refuses_what_it_cannot_read(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", str(tmp_path / "notes.txt"), str(tmp_path)])
    assert result.exit_code == 2
    assert "not a dump" in result.output


def test_diff_is_deterministic(two_releases: tuple[Path, Path]) -> None:
    _, out = two_releases
    args = ["diff", "--format", "json", str(out / "release" / "1.1.0"),
            str(out / "release" / "1.0.0")]
    assert CliRunner().invoke(main, args).output == CliRunner().invoke(main, args).output


def test_a_damaged_release_is_refused(tmp_path: Path) -> None:
    src, out = source_tree(tmp_path / "src"), tmp_path / "build"
    build(src, out, DEFAULT_BASE, release="1.0.0")
    dump = out / "release" / "1.0.0" / "download" / "mirai-lod.ttl"
    dump.write_bytes(dump.read_bytes() + b"# edited by hand\n")
    with pytest.raises(ReleaseError, match="does not match the release's SHA256SUMS"):
        build(src, out, DEFAULT_BASE)
