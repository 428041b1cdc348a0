"""Loader cases that cannot live as files in tests/cases/: links, sizes, bombs; and the
values it reads."""

from __future__ import annotations

import shutil
from fractions import Fraction
from pathlib import Path
from random import Random
from typing import Any

import pytest
import yaml

from pipeline import load as load_module
from pipeline.errors import SourceErrors
from pipeline.load import load, load_file
from pipeline.schema import KIND_BY_FILE

BASE = Path(__file__).parent / "cases" / "base"


@pytest.fixture
def src(tmp_path: Path) -> Path:
    shutil.copytree(BASE, tmp_path / "src")
    return tmp_path / "src"


def only_error(src: Path) -> str:
    with pytest.raises(SourceErrors) as caught:
        load(src)
    [error] = caught.value.errors
    return error.format()


def test_values_are_typed(src: Path) -> None:
    source = load(src)
    award = source.find("award", "kaga-new")
    assert award is not None
    assert award["fiscal_year"] == 2022
    assert award["requested_thousand_yen"] == 37000
    assert award["technologies"] == ("smart-city",)
    assert award.where("title").line == 7
    kaga = source.find("municipality", "172065")
    assert kaga is not None and kaga["lat"] == "36.30277778"  # exactly as written
    program = source.find("program", "grant")
    assert program is not None and program["subsidy_rate"] == Fraction(1, 2)


def test_symlink_out_of_the_source_tree(src: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text((src / "awards.yaml").read_text())
    (src / "awards.yaml").unlink()
    (src / "awards.yaml").symlink_to(outside)
    assert only_error(src) == (f"{src / 'awards.yaml'}:1:1: error: links outside the source "
                               f"tree (to {outside})")


def test_huge_file(src: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load_module, "MAX_FILE_BYTES", 100)
    with pytest.raises(SourceErrors) as caught:
        load(src)
    assert all("the limit is 100" in e.message for e in caught.value.errors)


def test_alias_bomb_is_refused_before_expansion(src: Path) -> None:
    lines = ['a0: &a0 ["lol"]']
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]"
              for i in range(1, 40)]
    (src / "awards.yaml").write_text("\n".join(lines) + "\n")
    assert "anchors and aliases" in only_error(src)


def test_very_long_identifier(src: Path) -> None:
    text = (src / "awards.yaml").read_text().replace("- id: kaga-new", f"- id: {'a' * 200}")
    (src / "awards.yaml").write_text(text)
    assert "identifier is 200 characters; the limit is 80" in only_error(src)


def test_several_errors_reported_together(src: Path) -> None:
    text = (src / "awards.yaml").read_text()
    text = text.replace("round: 1", "round: one").replace("status: new", "status: old")
    (src / "awards.yaml").write_text(text)
    with pytest.raises(SourceErrors) as caught:
        load(src)
    assert len(caught.value.errors) == 3


# The loader composes a top-level list one item at a time; what follows pins what it reports
# for problems that are met after many items, or that are not in a list at all.

LONG = 3000  # technologies added after the two of base/, four lines each


def long_technologies(src: Path) -> tuple[Path, list[str]]:
    """base/'s technologies.yaml followed by LONG more, as a list of its lines (line n is
    lines[n - 1]); the added technology i starts on line 9 + 4 * i."""
    path = src / "technologies.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    for i in range(LONG):
        lines += [f"- id: tech-{i}", f"  name_ja: 技術{i}", f"  name_en: Technology {i}",
                  "  source: doc"]
    return path, lines


def write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_long_list_reads_every_item_in_order(src: Path) -> None:
    path, lines = long_technologies(src)
    write_lines(path, lines)
    technologies = load(src).of("technology")
    assert [t.key for t in technologies[2:]] == [f"tech-{i}" for i in range(LONG)]
    last = technologies[-1]
    assert last.location.line == 9 + 4 * (LONG - 1) and last.where("name_en").column == 12


def test_invalid_yaml_late_in_a_long_list(src: Path) -> None:
    path, lines = long_technologies(src)
    line = 9 + 4 * 2500 + 2  # tech-2500's name_en
    assert lines[line - 1] == "  name_en: Technology 2500"
    lines[line - 1] = "  name_en: [Technology 2500"
    write_lines(path, lines)
    assert only_error(src) == (f"{path}:{line + 1}:9: error: invalid YAML: did not find "
                               "expected ',' or ']'")


def test_invalid_yaml_late_in_a_long_list_hides_the_errors_before_it(src: Path) -> None:
    path, lines = long_technologies(src)
    lines[9 + 4 * 10 - 1] = "- id: Tech_10"  # not an identifier, but the file does not read
    lines.append("- id: [")
    write_lines(path, lines)
    assert only_error(src) == (f"{path}:{len(lines) + 1}:1: error: invalid YAML: did not find "
                               "expected node content")


def test_record_errors_late_in_a_long_list(src: Path) -> None:
    path, lines = long_technologies(src)
    line = 9 + 4 * 2999 + 2  # the last technology's name_en
    lines.insert(line, "  name_en: Again")
    write_lines(path, lines)
    assert only_error(src) == (f"{path}:{line + 1}:3: error: duplicate field 'name_en' (first "
                               f"given on line {line})")


def test_anchor_and_alias_in_different_items(src: Path) -> None:
    path, lines = long_technologies(src)
    lines[9 + 4 * 2800 + 1 - 1] = "  name_ja: &name 技術"
    lines[9 + 4 * 2900 + 1 - 1] = "  name_ja: *name"
    write_lines(path, lines)
    assert only_error(src) == (f"{path}:{9 + 4 * 2800 + 1}:12: error: anchors and aliases "
                               "(&name, *name) are not allowed in source files")


def test_alias_late_in_a_long_list(src: Path) -> None:
    path, lines = long_technologies(src)
    lines[9 + 4 * 2900 + 1 - 1] = "  name_ja: *name"  # names no anchor
    write_lines(path, lines)
    assert only_error(src) == (f"{path}:{9 + 4 * 2900 + 1}:12: error: anchors and aliases "
                               "(&name, *name) are not allowed in source files")


def test_anchor_on_the_top_level_list(src: Path) -> None:
    path = src / "technologies.yaml"
    path.write_text("&all\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert only_error(src) == (f"{path}:1:1: error: anchors and aliases (&name, *name) are not "
                               "allowed in source files")


@pytest.mark.parametrize(("text", "where"), [
    ("id: smart-city\nname_ja: スマートシティ\n", "1:1"),
    ("# technologies\n\n  smart-city\n", "3:3"),
    ("--- {id: smart-city}\n", "1:5"),
])
def test_not_a_list(src: Path, text: str, where: str) -> None:
    path = src / "technologies.yaml"
    path.write_text(text, encoding="utf-8")
    assert only_error(src) == (f"{path}:{where}: error: expected a list of technology records "
                               "('- id: …' items)")


@pytest.mark.parametrize("text", ["", "# nothing yet\n", "\n\n"])
def test_empty_file_has_no_records(src: Path, text: str) -> None:
    path = src / "technologies.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_file(path, KIND_BY_FILE["technologies.yaml"], src) == ([], [])


def test_an_empty_document_is_not_a_list(src: Path) -> None:
    path = src / "technologies.yaml"
    path.write_text("---\n", encoding="utf-8")
    assert only_error(src) == (f"{path}:2:1: error: expected a list of technology records "
                               "('- id: …' items)")


def test_second_document(src: Path) -> None:
    path, lines = long_technologies(src)
    write_lines(path, [*lines, "---", "- id: more"])
    assert only_error(src) == (f"{path}:{len(lines) + 1}:1: error: invalid YAML: but found "
                               "another document")


def test_second_document_after_something_not_a_list(src: Path) -> None:
    path = src / "technologies.yaml"
    path.write_text("id: smart-city\n--- text\n", encoding="utf-8")
    assert only_error(src) == f"{path}:2:1: error: invalid YAML: but found another document"


def test_anchor_in_a_second_document(src: Path) -> None:
    path, lines = long_technologies(src)
    write_lines(path, [*lines, "---", "- id: &more more"])
    assert only_error(src) == (f"{path}:{len(lines) + 2}:7: error: anchors and aliases (&name, "
                               "*name) are not allowed in source files")


def test_tab_after_multibyte_text_is_placed_in_characters(src: Path) -> None:
    path = src / "technologies.yaml"
    text = path.read_text(encoding="utf-8").replace("name_ja: スマートシティ",
                                                    "name_ja: スマートシティ\t")
    path.write_text(text, encoding="utf-8")
    assert only_error(src) == f"{path}:2:19: error: tab character; use spaces"


def test_control_character(src: Path) -> None:
    path = src / "technologies.yaml"
    text = path.read_text(encoding="utf-8").replace("Smart city", "Smart\x01city")
    path.write_text(text, encoding="utf-8")
    offset = len(text.encode("utf-8").split(b"\x01")[0])
    assert only_error(src) == (f"{path}:1:1: error: invalid YAML: unacceptable character #x0001:"
                               f' control characters are not allowed\n  in "<unicode string>", '
                               f"position {offset}")


# A file whose top level is a list is read a part at a time by libyaml's composer (_in_parts),
# and otherwise, or where a part does not read, by compose. Both must give the same records and
# errors, with the same places; the variants below cut, quote and nest across part boundaries.

SNIPPETS = [
    "- id: extra", "-", "- ", "-x", "---", "...", "# - id: commented", "", "  - nested",
    "- [open", "]", "- {a: 1,", "  b: 2}", '- "two', 'lines"', "- 'two", "lines'", "- |",
    "  block text", "- >-", "- id: &anchor a", "- id: *anchor", "key: value", "- - inner",
    "%YAML 1.1", "--- !!seq", "  title: R&D *", "- id: x\r", "  title: \u2028", "  title: \"a",
    "- id: \"b", "\ttab", "- id: kaga-new", "  title: 'quoted: - text'", "- ? complex",
    "  : value",
]


def _read(path: Path, fast: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(load_module, "_LIBYAML", False)
        records, errors = load_file(path, KIND_BY_FILE["awards.yaml"], path.parent)
    return ([(r.kind, r.key, r.location, dict(r.values), dict(r.locations)) for r in records],
            [e.format() for e in errors])


def test_read_in_parts_as_composed(src: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load_module, "_ITEMS_PER_PART", 3)  # many part boundaries
    path = src / "awards.yaml"
    base = path.read_text(encoding="utf-8").splitlines()
    base = ["# awards", *base, *(line.replace("kaga-", f"k{i}-") for i in range(4)
                                 for line in base)]
    random = Random(6)
    took_parts = 0
    real = load_module._in_parts

    def counted(reader: Any, data: bytes) -> Any:
        nonlocal took_parts
        out = real(reader, data)
        took_parts += out is not None
        return out

    monkeypatch.setattr(load_module, "_in_parts", counted)
    for _ in range(1500):
        lines = list(base)
        for _ in range(random.randint(1, 3)):
            at = random.randrange(len(lines) + 1)
            if random.random() < 0.6:
                lines.insert(at, random.choice(SNIPPETS))
            elif lines and at < len(lines):
                line = lines[at]
                cut = random.randrange(len(line) + 1)
                lines[at] = line[:cut] + random.choice("\"'[]{}&*#:-\r ") + line[cut:]
        path.write_bytes("\n".join(lines).encode() + random.choice([b"\n", b""]))
        assert _read(path, True, monkeypatch) == _read(path, False, monkeypatch), "\n".join(lines)
    # The variants exercise both ways of reading (each is counted twice: fast and not).
    assert 300 < took_parts < 1200


# Plain scalars that PyYAML's implicit resolvers tell apart, and some they leave as text.
PLAIN = [
    "", "~", "null", "Null", "NULL", "nul", "yes", "Yes", "YES", "no", "on", "Off", "y", "n",
    "true", "False", "TRUE", "tru", "0", "010", "0o17", "0x1F", "0b101", "-12", "+7", "1_000",
    "1:20", "190:20:30", "1.5", "-.5", ".5e+3", "1e3", "1.0e+3", "6.8523015e+5", ".inf", "-.Inf",
    ".NaN", "2024-01-01", "2024-1-1", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10",
    "<<", "=", "-", "a", "award-1", "013951", "2021", "R&D", "東京都", "0.5", "1/3", "12.",
]


def test_tags_are_those_pyyaml_resolves() -> None:
    """The parser's own tag resolution (load._Resolver) gives each node the tag PyYAML's
    resolver does: plain scalars of every implicit type, quoted ones, lists and mappings, and
    every node of the shipped source files."""
    quoted = [f"'{text}'" for text in PLAIN] + [f'"{text}"' for text in PLAIN]
    texts = ["- " + "\n- ".join(PLAIN + quoted) + "\n- {a: [1, b], ? c : d}\n- !!str 12\n"]
    shipped = Path(__file__).parents[1] / "source"
    texts += [path.read_text(encoding="utf-8") for path in sorted(shipped.glob("*.yaml"))]

    def tags(node: Any) -> list[tuple[str, str]]:
        if isinstance(node, yaml.ScalarNode):
            return [(node.value, node.tag)]
        values = node.value if isinstance(node, yaml.SequenceNode) else [
            part for pair in node.value for part in pair]
        return [("", node.tag), *(tag for value in values for tag in tags(value))]

    for text in texts:
        ours = tags(load_module._Resolver(text).get_single_node())
        assert ours == tags(yaml.compose(text, Loader=yaml.SafeLoader))
        assert len(ours) > 20
    assert {tag for _, tag in tags(load_module._Resolver(texts[0]).get_single_node())} == {
        f"tag:yaml.org,2002:{name}" for name in
        ("str", "null", "bool", "int", "float", "timestamp", "merge", "value", "seq", "map")}
