"""The command line: a thin layer that parses options, calls the library and maps errors to
exit codes (0 conforms, 1 violations, 2 unreadable input or usage error)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline.errors import EXIT_VIOLATIONS, MiraiError
from pipeline.paths import DEFAULT_OUT, DEFAULT_SOURCE

if TYPE_CHECKING:
    from pipeline.validate import Report

# The heavy modules (the build, rdflib, pySHACL, Oxigraph, Jinja) are imported by the commands
# that need them: a build with nothing to do, --help and --version then start in a fraction of
# the time. So this is pipeline.rdf.DEFAULT_BASE as a string (tests check that they agree).
DEFAULT_BASE = "https://w3id.org/mirai-lod/"

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
@click.option("--release", metavar="VERSION",
              help="Also publish this version under release/VERSION/ (immutable), as the "
                   "source's dataset.yaml states it.")
@click.option("--force", is_flag=True,
              help="Build everything anew, even when no input changed since the build in "
                   "OUT (no page is kept from it).")
@click.option("--timings", is_flag=True,
              help="Print where the build's time went, stage by stage, in each process.")
def build(source_dir: Path, out: Path, base: str, quiet: bool, release: str | None,
          force: bool, timings: bool) -> None:
    """Validate the source and publish dumps, ontology and shapes into OUT."""
    _check_base(base)
    if not force:
        from pipeline import fingerprint

        findings = fingerprint.up_to_date(out, fingerprint.fingerprint(source_dir, base,
                                                                       release))
        if findings is not None:
            if not quiet:
                click.echo(f"up to date: {out} (no input changed)", err=True)
                cwd = Path.cwd()
                for finding in findings:
                    click.echo(finding.format(source_dir, cwd), err=True)
            return

    from pipeline import build as build_module

    def progress(message: str) -> None:
        if not quiet:
            click.echo(message, err=True)

    try:
        report = build_module.build(source_dir, out, base, progress, release=release,
                                    keep=not force, detach=True)
    except build_module.ValidationFailed as failed:
        _print_timings(timings)
        _print_results(failed.report)
        _fail(failed)
        return
    except MiraiError as error:
        _print_timings(timings)
        _fail(error)
        return
    _print_timings(timings)
    if not quiet:
        _print_results(report)


def _print_timings(wanted: bool) -> None:
    if wanted:
        from pipeline import timeline

        click.echo(timeline.table(timeline.spans()), err=True)


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
    from pipeline import build as build_module
    from pipeline.validate import to_json, to_report_graph

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


@main.command()
@click.option("--dir", "root", type=click.Path(path_type=Path), default=DEFAULT_OUT,
              show_default=True, help="The published directory to serve.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--quiet", "-q", is_flag=True, help="Don't log requests.")
def serve(root: Path, host: str, port: int, quiet: bool) -> None:
    """Serve the publication with content negotiation: {base}PATH is http://HOST:PORT/PATH."""
    from pipeline import serve as serve_module

    def log(message: str) -> None:
        if not quiet:
            click.echo(message, err=True)

    try:
        server = serve_module.make_server(root, host, port, log)
    except NotADirectoryError as error:
        raise click.BadParameter(str(error), param_hint="--dir") from None
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error}") from None
    bound_host, bound_port = server.server_address[:2]
    click.echo(f"serving {root} at http://{bound_host!s}:{bound_port}/ (Ctrl-C stops)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@main.command()
@click.option("--awards", type=click.IntRange(min=0), required=True, help="How many awards.")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="New directory for the source tree.")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same bytes.")
@click.option("--local-governments", "lg_source", type=click.Path(path_type=Path),
              default=DEFAULT_SOURCE, show_default=True,
              help="Source tree whose prefectures/municipalities/wards files are copied.")
def synth(awards: int, out: Path, seed: int, lg_source: Path) -> None:
    """Write a synthetic source tree of realistic shape at any scale (for benchmarks)."""
    from pipeline.synth import synthesize

    if out.exists():
        raise click.BadParameter(f"{out} exists", param_hint="--out")
    result = synthesize(out, awards, seed, lg_source)
    click.echo(f"wrote {out}: {result.awards:,} awards, {result.programs} programs, "
               f"{result.local_governments:,} local governments", err=True)


@main.command()
@click.argument("old", type=click.Path(path_type=Path, exists=True))
@click.argument("new", type=click.Path(path_type=Path, exists=True))
@_base
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="How to print the differences.")
def diff(old: Path, new: Path, base: str, fmt: str) -> None:
    """Resources and triples added, removed and changed from OLD to NEW.

    Each of OLD and NEW is a dump file (.nt, .nt.gz, .ttl, .jsonld), a publication or release
    directory (build/, build/release/1.0.0/) or a source tree (built with --base).
    Exit code 0: no differences; 1: differences; 2: unreadable input.
    """
    from pipeline import diff as diff_module

    _check_base(base)
    try:
        result = diff_module.compare(diff_module.read_side(old, base),
                                     diff_module.read_side(new, base))
    except MiraiError as error:
        _fail(error)
        return
    click.echo(diff_module.to_json(result) if fmt == "json" else diff_module.to_text(result),
               nl=False)
    sys.exit(0 if result.empty else 1)


@main.command("w3id-htaccess")
@click.option("--site", "site_url", default=None,
              help="Where the site is published (ends with '/').  [default: "
                   "https://mirai-lod.github.io/]")
@_base
def w3id_htaccess(site_url: str | None, base: str) -> None:
    """Print the .htaccess for the w3id.org repository's folder of the base namespace."""
    from pipeline import servers

    site_url = site_url or servers.DEFAULT_SITE
    if not site_url.startswith(("http://", "https://")) or not site_url.endswith("/"):
        raise click.BadParameter("must be an http(s) URL ending with '/'", param_hint="--site")
    click.echo(servers.w3id_htaccess(site_url, base).decode(), nl=False)


@main.command()
@click.argument("text", metavar="QUERY", required=False)
@click.option("--file", "query_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Read the query from this file (e.g. queries/society5-2022-awards.rq).")
@click.option("--format", "fmt", type=click.Choice(
    ["table", "csv", "tsv", "json", "xml", "ttl", "nt", "jsonld"]), default="table",
              show_default=True,
              help="SELECT/ASK: table (for people), csv, tsv, json, xml (the SPARQL 1.1 results "
                   "formats). CONSTRUCT/DESCRIBE: ttl (also for table), nt, jsonld (also for "
                   "json).")
@click.option("--dir", "build_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT,
              show_default=True, help="The publication whose store/ is queried.")
def query(text: str | None, query_file: Path | None, fmt: str, build_dir: Path) -> None:
    """Run a SPARQL query against the publication's embedded store (read-only).

    The default graph is the union of the dataset and the ontology; the prefixes of the dumps
    (mirai:, rdfs:, skos:, dcterms: …) are declared. Exit code 0: the query ran; 2: syntax
    error, wrong format for the kind of query, no store, or misuse.
    """
    from pipeline import query as query_module
    from pipeline import store as store_module
    from pipeline.rdf import PREFIXES

    if (text is None) == (query_file is None):
        raise click.UsageError("give a QUERY or --file FILE (one of them)")
    try:
        if query_file is not None:
            try:
                text = query_file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise MiraiError(f"cannot read {query_file}: {error}") from None
        assert text is not None
        result = query_module.run(store_module.open_store(build_dir), text,
                                  where=str(query_file or "<query>"), prefixes=PREFIXES)
        output = query_module.render(result, fmt, PREFIXES)
    except MiraiError as error:
        _fail(error)
        return
    sys.stdout.buffer.write(output)
    sys.stdout.flush()


@main.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="The Graph Store Protocol URL, e.g. http://localhost:7878/store (Oxigraph) "
                   "or http://localhost:3030/ds/data (Fuseki).")
@click.option("--graph", metavar="IRI",
              help="The named graph to replace with the dataset [default: "
                   "{base}release/{version}, as in the embedded store].")
@click.option("--dir", "build_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT,
              show_default=True, help="The publication to load.")
@click.option("--no-ontology", is_flag=True,
              help="Do not also replace the ontology's graph (its own IRI).")
def publish(endpoint: str, graph: str | None, build_dir: Path, no_ontology: bool) -> None:
    """Load the publication into a SPARQL 1.1 Graph Store Protocol store (HTTP PUT: each graph
    is replaced as a whole).

    Credentials from the environment: MIRAI_LOD_TOKEN (Bearer), or MIRAI_LOD_USER and
    MIRAI_LOD_PASSWORD (Basic). Exit code 0: loaded; 2: no publication or misuse; 3: the
    store refused the data or could not be reached.
    """
    from pipeline import gsp

    if graph is not None and not graph.startswith(("http://", "https://", "urn:")):
        raise click.BadParameter("must be an absolute IRI", param_hint="--graph")
    try:
        uploads = gsp.publish(build_dir, endpoint, graph, ontology=not no_ontology)
    except MiraiError as error:
        _fail(error)
        return
    for upload in uploads:
        count = f"{upload.triples:,} triples" if upload.triples else "the ontology"
        click.echo(f"replaced <{upload.graph}> with {count} (HTTP {upload.status})", err=True)
