"""The command line: a thin layer that parses options, calls the library and maps errors to
exit codes (0 conforms, 1 violations, 2 unreadable input or usage error)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline import build as build_module
from pipeline.errors import EXIT_VIOLATIONS, MiraiError
from pipeline.paths import DEFAULT_OUT, DEFAULT_SOURCE
from pipeline.rdf import DEFAULT_BASE
from pipeline.validate import Report, to_json, to_report_graph

_source = click.option("--source", "source_dir", type=click.Path(path_type=Path),
                       default=DEFAULT_SOURCE, show_default=True, help="Source YAML directory.")
_base = click.option("--base", default=DEFAULT_BASE, show_default=True,
                     help="Base IRI of every resource (ends with '/').")


def _fail(error: MiraiError) -> None:
    click.echo(error.format(), err=True)
    sys.exit(error.exit_code)


def _print_results(report: Report) -> None:
    cwd = Path.cwd()
    for result in report.results:
        click.echo(result.format(cwd), err=True)


def _check_base(base: str) -> None:
    if not base.startswith(("http://", "https://")) or not base.endswith("/"):
        raise click.BadParameter("must be an http(s) IRI ending with '/'", param_hint="--base")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mirai-lod")
def main() -> None:
    """Publish Japanese regional future-technology programs as linked open data."""


@main.command()
@_source
@click.option("--out", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Where to publish; replaced as a whole, only when the build succeeds.")
@_base
@click.option("--quiet", "-q", is_flag=True, help="Print errors only.")
def build(source_dir: Path, out: Path, base: str, quiet: bool) -> None:
    """Validate the source and publish dumps, ontology and shapes into OUT."""
    _check_base(base)

    def progress(message: str) -> None:
        if not quiet:
            click.echo(message, err=True)

    try:
        report = build_module.build(source_dir, out, base, progress)
    except build_module.ValidationFailed as failed:
        _print_results(failed.report)
        _fail(failed)
        return
    except MiraiError as error:
        _fail(error)
        return
    if not quiet:
        _print_results(report)


@main.command()
@_source
@_base
@click.option("--format", "fmt", type=click.Choice(["text", "json", "ttl"]), default="text",
              show_default=True, help="How to print the results.")
@click.option("--report", "report_path", type=click.Path(path_type=Path),
              help="Also write the SHACL validation report (Turtle) to this file.")
def validate(source_dir: Path, base: str, fmt: str, report_path: Path | None) -> None:
    """Check the source against the shapes without writing the publication.

    Exit code 0: conforms (warnings allowed); 1: violations; 2: unreadable input.
    """
    _check_base(base)
    try:
        dataset = build_module.assemble(source_dir, base)
        report = build_module.check(dataset)
    except MiraiError as error:
        _fail(error)
        return
    graph = to_report_graph(report, base)
    if report_path is not None:
        report_path.write_bytes(graph.serialize(format="turtle").encode())
    if fmt == "json":
        click.echo(to_json(report), nl=False)
    elif fmt == "ttl":
        click.echo(graph.serialize(format="turtle"), nl=False)
    else:
        for result in report.results:
            click.echo(result.format(Path.cwd()))
        click.echo(f"{'conforms' if report.conforms else 'does not conform'}: "
                   f"{report.count('error')} error(s), {report.count('warning')} warning(s)")
    sys.exit(0 if report.conforms else EXIT_VIOLATIONS)


@main.command("import-localgov")
@click.option("--reference", type=click.Path(path_type=Path, exists=True, file_okay=False),
              required=True, help="The localgovjp folder (localgovjp-utf8.csv, prefjp-utf8.csv).")
@_source
def import_localgov(reference: Path, source_dir: Path) -> None:
    """Write prefectures.yaml, municipalities.yaml and wards.yaml from the localgovjp list."""
    from pipeline import localgov

    try:
        files = localgov.render_yaml(localgov.read_reference(reference))
    except localgov.LocalGovReferenceError as error:
        _fail(error)
        return
    source_dir.mkdir(parents=True, exist_ok=True)
    for name, text in sorted(files.items()):
        (source_dir / name).write_text(text, encoding="utf-8")
        click.echo(f"wrote {source_dir / name}", err=True)
