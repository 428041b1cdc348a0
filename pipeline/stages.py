"""The stages that turn records into triples, in order. A new kind of record adds its stage
here (one line), in a module of its own."""

from __future__ import annotations

from pipeline import document, links, rdf

STAGES: tuple[rdf.Stage, ...] = (
    rdf.sources,
    rdf.organizations,
    rdf.local_governments,
    rdf.technologies,
    rdf.programs,
    rdf.awards,
    rdf.totals,
    links.links,
    links.code_changes,
    document.program_details,
    document.award_details,
    document.program_names,
    document.selections,
    document.joint_selections,
    document.regions,
    document.budgets,
    document.initiatives,
    document.points,
    document.targets,
    document.statistics,
    document.provenance,
    document.fiscal_years,
)
