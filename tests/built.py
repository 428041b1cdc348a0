"""One build of the shipped source per test run, shared by the store, query, endpoint and
publishing tests (a build takes tens of seconds)."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

from pipeline import query
from pipeline.build import build
from pipeline.rdf import DEFAULT_BASE, PREFIXES
from pipeline.store import open_store

ROOT = Path(__file__).parents[1]


@functools.cache
def publication() -> Path:
    """The publication of source/, built once per test run."""
    folder = Path(tempfile.mkdtemp(prefix="mirai-lod-built-"))
    atexit.register(shutil.rmtree, folder, True)
    out = folder / "build"
    build(ROOT / "source", out, DEFAULT_BASE)
    return out


def python(term: object) -> object:
    """A result term as a Python value: numbers as int (or Decimal), other literals as text,
    IRIs as text, unbound as None."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        if term.datatype.value.endswith(("#integer", "#decimal")):
            number = Decimal(term.value)
            return int(number) if number == number.to_integral_value() else number
        return term.value
    assert isinstance(term, ox.NamedNode)
    return term.value


def select(text: str, build_dir: Path | None = None) -> list[dict[str, object]]:
    result = query.run(open_store(build_dir or publication()), text, prefixes=PREFIXES)
    assert isinstance(result, query.Solutions)
    return [{name: python(term) for name, term in zip(result.variables, row, strict=True)}
            for row in result.rows]
