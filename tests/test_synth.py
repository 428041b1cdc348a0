"""Synthetic source trees: deterministic, valid, and a ground for the differential test of our
validator against pySHACL with faults injected."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml
from rdflib import Graph

from pipeline.build import assemble, check
from pipeline.paths import ONTOLOGY_DIR, SHAPES_DIR
from pipeline.rdf import DEFAULT_BASE
from pipeline.shacl import run_pyshacl, validate
from pipeline.synth import synthesize
from pipeline.validate import load_graph

ROOT = Path(__file__).parents[1]


def digest(directory: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(directory.iterdir()):
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "s"
    synthesize(out, 120, seed=7, base=ROOT / "source")
    return out


def test_same_seed_same_bytes(small: Path, tmp_path: Path) -> None:
    synthesize(tmp_path / "again", 120, seed=7, base=ROOT / "source")
    assert digest(tmp_path / "again") == digest(small)
    synthesize(tmp_path / "other", 120, seed=8, base=ROOT / "source")
    assert digest(tmp_path / "other") != digest(small)


def test_synthetic_tree_is_valid(small: Path) -> None:
    dataset = assemble(small, DEFAULT_BASE)
    assert len(dataset.source.of("award")) == 120
    assert len(dataset.source.of("program")) == 50
    report = check(dataset)
    assert report.results == ()


def test_faults_found_exactly_as_pyshacl_finds_them(tmp_path: Path) -> None:
    # A handful of local governments keeps pySHACL's per-node SPARQL checks to seconds.
    small = tmp_path / "small"
    synthesize(small, 120, seed=7, base=Path(__file__).parent / "cases" / "base")
    awards = yaml.safe_load((small / "awards.yaml").read_text(encoding="utf-8"))
    awards[0]["awarded_thousand_yen"] = awards[0]["requested_thousand_yen"] + 1  # > requested
    awards[1]["awarded_thousand_yen"] -= 1  # not half of requested: a warning
    awards[2]["requested_thousand_yen"] = 900_000  # awarded stays; the total moves
    awards[3]["awarded_thousand_yen"] = 400_000  # over the annual cap
    faulty = tmp_path / "faulty"
    faulty.mkdir()
    for path in small.iterdir():
        (faulty / path.name).write_bytes(path.read_bytes())
    (faulty / "awards.yaml").write_text(yaml.safe_dump(awards, allow_unicode=True),
                                        encoding="utf-8")
    graph: Graph = assemble(faulty, DEFAULT_BASE).graph
    shapes, ontology = load_graph(SHAPES_DIR), load_graph(ONTOLOGY_DIR)
    expected = sorted(f.key() for f in run_pyshacl(graph, shapes, ontology))
    assert len(expected) >= 5
    assert sorted(f.key() for f in validate(graph, shapes, ontology)) == expected
