"""Where the project's data files live: the ontology and shapes are files, not strings in code."""

from __future__ import annotations

from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
ONTOLOGY_DIR = PROJECT / "ontology"
SHAPES_DIR = PROJECT / "shapes"
DEFAULT_SOURCE = Path("source")
DEFAULT_OUT = Path("build")
