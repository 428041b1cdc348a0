"""The stages that turn records into triples, in order. A new kind of record adds its stage
here (one line), in a module of its own."""

from __future__ import annotations

from pipeline import rdf

STAGES: tuple[rdf.Stage, ...] = (
    rdf.sources,
    rdf.organizations,
    rdf.local_governments,
    rdf.technologies,
    rdf.programs,
    rdf.awards,
    rdf.totals,
)
