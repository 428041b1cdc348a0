"""The command line: exit codes, output formats, and README documenting every command."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Namespace

from pipeline.cli import main

ROOT = Path(__file__).parents[1]
BASE = Path(__file__).parent / "cases" / "base"
SH = Namespace("http://www.w3.org/ns/shacl#")


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(BASE, src)
    awards = src / "awards.yaml"
    awards.write_text(awards.read_text().replace("awarded_thousand_yen: 18500",
                                                 "awarded_thousand_yen: 18400"))
    return src


def test_json_format(broken: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "--source", str(broken), "--format", "json"])
    assert result.exit_code == 0  # a warning only
    body = json.loads(result.output)
    assert body["conforms"] is True and body["errors"] == 0 and body["warnings"] == 1
    [warning] = body["results"]
    assert warning["file"] == str(broken / "awards.yaml")
    assert warning["line"] == 9
    assert warning["focus"] == "https://w3id.org/mirai-lod/award/kaga-new"


def test_ttl_format_and_report_file(broken: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.ttl"
    result = CliRunner().invoke(main, ["validate", "--source", str(broken), "--format", "ttl",
                                       "--report", str(report)])
    assert result.exit_code == 0
    printed = Graph().parse(data=result.output, format="turtle")
    written = Graph().parse(report)
    assert len(printed) == len(written) > 0
    assert len(list(written.subjects(SH.resultSeverity, SH.Warning))) == 1


def test_unreadable_source_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "--source", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert "source directory not found" in result.output


def test_usage_error_exits_2() -> None:
    assert CliRunner().invoke(main, ["build", "--no-such-option"]).exit_code == 2
    assert CliRunner().invoke(main, ["build", "--base", "not-an-iri"]).exit_code == 2


def test_build_quiet_prints_nothing(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--source", str(BASE), "--out",
                                       str(tmp_path / "out"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.output == ""
    assert (tmp_path / "out" / "download" / "mirai-lod.ttl").exists()



def test_build_timings_prints_each_stage(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--source", str(BASE), "--out",
                                       str(tmp_path / "out"), "--quiet", "--timings"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    rows = [line.split() for line in result.stderr.splitlines()]
    assert rows[0] == ["at", "stage", "process", "seconds", "CPU", "s"]
    stages = {" ".join(row[1:-3]) for row in rows[1:]}
    assert {"load", "rdf", "validate", "dumps", "resource pages", "swap in"} <= stages


def test_module_entry_point_without_traceback(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(BASE, src)
    (src / "awards.yaml").write_text("- id: [\n")
    done = subprocess.run([sys.executable, "-m", "pipeline", "validate", "--source", str(src)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert re.match(rf"{re.escape(str(src / 'awards.yaml'))}:\d+:\d+: error: invalid YAML",
                    done.stderr)


def test_readme_documents_every_command_and_option() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, command in main.commands.items():
        assert f"mirai-lod {name}" in readme, name
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help":
                    assert opt in readme, f"{name} {opt}"


def test_readme_starts_with_the_two_commands() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    commands = [line.split("#")[0].strip() for line in lines[:8] if line.startswith("make ")]
    assert commands == ["make build", "make test"]
