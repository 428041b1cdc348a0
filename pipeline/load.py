"""Source YAML → records, strictly, with the file, line and column of every value.

The YAML is composed into nodes (never constructed into Python objects by PyYAML), so each value
keeps its position and raw text: codes keep their leading zeros, decimals are never floats, and
aliases, duplicate keys and implicit type guesses ("yes" read as a boolean) are refused. A file's
top-level list is composed a few items at a time, so a large file's nodes are never all held at
once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar
from urllib.parse import urlsplit

import yaml
from yaml.composer import Composer

from pipeline.codes import FiscalYearError, code_problem, normalize_digits, parse_fiscal_year
from pipeline.errors import Location, SourceError, SourceErrors
from pipeline.schema import KIND_BY_FILE, KINDS, Field, Kind, RecordKind

try:
    from yaml import CSafeLoader as _Parser
    _LIBYAML = True
except ImportError:  # PyYAML without libyaml
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]
    _LIBYAML = False

# A source file beyond this is a mistake (a dump pasted into source/), not data to parse.
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_TEXT_LENGTH = 2000
MAX_ID_LENGTH = 80

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_BOOL = "tag:yaml.org,2002:bool"
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_INTEGER = re.compile(r"[0-9]+(?:_[0-9]{3})*")
_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_RATIO = re.compile(r"([0-9]+)/([0-9]+)")
# Characters that are not allowed in an IRI (RFC 3987) or that would break N-Triples.
_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_MARKUP = re.compile(r"<\s*[A-Za-z/!?]|&[A-Za-z#][A-Za-z0-9]*;")
# Names Windows and some static hosts refuse as file names; identifiers become file names.
_RESERVED_IDS = frozenset(
    ["con", "prn", "aux", "nul", "index", *(f"com{i}" for i in range(10)),
     *(f"lpt{i}" for i in range(10))]
)


@dataclass(frozen=True)
class Record:
    """One record of a source file, its values typed and each value's location kept."""

    kind: str
    key: str
    location: Location
    values: Mapping[str, Any]
    locations: Mapping[str, Location]

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def where(self, name: str) -> Location:
        """Where a field's value is written, or the record itself when the field is absent."""
        return self.locations.get(name, self.location)


@dataclass
class Source:
    """Every record of a source tree, by kind and key."""

    root: Path
    records: dict[str, dict[str, Record]] = field(default_factory=dict)

    def of(self, kind: str) -> list[Record]:
        return list(self.records.get(kind, {}).values())

    def find(self, kind: str, key: str) -> Record | None:
        return self.records.get(kind, {}).get(key)

    def all(self) -> Iterable[Record]:
        for kind in KINDS:
            yield from self.of(kind.name)

    def only(self, kinds: Iterable[str]) -> Source:
        """The records of these kinds alone (the others are not read by what follows)."""
        keep = set(kinds)
        return Source(self.root, {k: v for k, v in self.records.items() if k in keep})


def _loc(path: Path, mark: Any, lines_before: int = 0) -> Location:
    return Location(path, lines_before + mark.line + 1, mark.column + 1)


def read_source(path: Path, root: Path) -> bytes:
    """The file's bytes, refusing what editors and YAML parsers disagree about."""
    target = path.resolve()
    if not target.is_relative_to(root.resolve()):
        raise SourceError(Location(path, 1, 1), f"links outside the source tree (to {target})")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise SourceError(
            Location(path, 1, 1), f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}"
        )
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        raise SourceError(Location(path, 1, 1), "file starts with a byte-order mark; save it as "
                          "UTF-8 without BOM")
    if not data.isascii():
        try:
            data.decode("utf-8")  # checked only: the parser is given the bytes
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
            raise SourceError(
                Location(path, line, column),
                f"byte 0x{data[exc.start]:02x} is not UTF-8; save the file as UTF-8",
            ) from None
    tab = data.find(b"\t")
    if tab >= 0:
        line = data.count(b"\n", 0, tab) + 1
        line_start = data.rfind(b"\n", 0, tab) + 1
        column = len(data[line_start:tab].decode("utf-8")) + 1  # in characters, as editors count
        raise SourceError(Location(path, line, column), "tab character; use spaces")
    return data


class _Resolver(_Parser):
    """The parser, with PyYAML's tag resolution made cheaper for what source files hold: its
    `resolve` concatenates the resolvers of a value's first character anew at each call, and
    its path resolvers, of which the safe loader has none, are looked for at every node. The
    tags are those PyYAML gives (tests/test_load.py compares them). A fifth of reading awards
    went to `resolve`."""

    # The implicit resolvers of each first character, followed by those for any character.
    _IMPLICIT: ClassVar[dict[str | None, tuple[tuple[str, re.Pattern[str]], ...]]] = {
        first: tuple(resolvers + _Parser.yaml_implicit_resolvers.get(None, []))
        for first, resolvers in _Parser.yaml_implicit_resolvers.items()}
    _ANY = _IMPLICIT.get(None, ())
    assert not _Parser.yaml_path_resolvers  # else resolve and the resolver stack are needed

    def resolve(self, kind: type[yaml.Node], value: str | None, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                assert value is not None
                for tag, pattern in self._IMPLICIT.get(value[:1], self._ANY):
                    if pattern.match(value):
                        return tag
            return self.DEFAULT_SCALAR_TAG
        if kind is yaml.SequenceNode:
            return self.DEFAULT_SEQUENCE_TAG
        return self.DEFAULT_MAPPING_TAG

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


class _AnchorFound(yaml.YAMLError):
    def __init__(self, mark: Any) -> None:
        super().__init__()
        self.mark = mark


class _Composer(_Resolver, Composer):
    """PyYAML's composer over the C parser's events (over its own parser without libyaml), so
    that a document can be composed a node at a time. Anchors and aliases make one value stand
    in several places (and, nested, the "billion laughs" bomb); source files spell every value
    out, so any anchor or alias is refused where it is met, before it is composed."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.anchors: dict[Any, yaml.Node] = {}

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self.refuse_anchor(self.peek_event())
        return super().compose_node(parent, index)

    @staticmethod
    def refuse_anchor(event: Any) -> None:
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _AnchorFound(event.start_mark)


def compose(path: Path, data: bytes) -> Iterator[yaml.Node]:
    """The file's document as nodes, each composed when asked for: the root, then, when the root
    is a list, its items one by one (the root's own list is left empty), so that the nodes of one
    item are held at a time, not those of the whole file. Nothing for an empty file. A YAML
    problem, an anchor or alias, or a second document raises SourceError when it is reached."""
    try:
        parser: Any = _Composer(data)
        parser.get_event()  # the stream's start
        if parser.check_event(yaml.StreamEndEvent):
            return
        parser.get_event()  # the document's start
        start = parser.peek_event()
        parser.refuse_anchor(start)
        if parser.check_event(yaml.SequenceStartEvent):
            # As Composer.compose_sequence_node does, handing out each item instead of keeping it.
            parser.descend_resolver(None, None)
            parser.get_event()
            tag = start.tag
            if tag is None or tag == "!":
                tag = parser.resolve(yaml.SequenceNode, None, start.implicit)
            root = yaml.SequenceNode(tag, [], start.start_mark, None, flow_style=start.flow_style)
            yield root
            index = 0
            while not parser.check_event(yaml.SequenceEndEvent):
                yield parser.compose_node(root, index)
                index += 1
            root.end_mark = parser.get_event().end_mark
            parser.ascend_resolver()
        else:
            root = parser.compose_node(None, None)
            yield root
        parser.get_event()  # the document's end
        if not parser.check_event(yaml.StreamEndEvent):
            second = parser.get_event()
            if b"&" in data or b"*" in data:
                # Anchors and YAML errors in the documents after the first are reported before
                # the second document itself when the file has a '&' or '*', as they were when
                # a separate pass over the whole file looked for anchors first.
                while parser.check_event():
                    parser.refuse_anchor(parser.get_event())
            raise yaml.composer.ComposerError("expected a single document in the stream",
                                              root.start_mark, "but found another document",
                                              second.start_mark)
    except _AnchorFound as exc:
        raise SourceError(_loc(path, exc.mark), "anchors and aliases (&name, *name) are not "
                          "allowed in source files") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = _loc(path, mark) if mark else Location(path, 1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise SourceError(where, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        if isinstance(exc, yaml.reader.ReaderError):
            exc.name = "<unicode string>"  # as PyYAML names a str, which it was given before
        raise SourceError(Location(path, 1, 1), f"invalid YAML: {exc}") from None


class _Reader:
    """Reads one file's nodes into records, collecting every error instead of stopping."""

    def __init__(self, path: Path, kind: RecordKind) -> None:
        self.path = path
        self.kind = kind
        self.errors: list[SourceError] = []
        self.seen: set[int] = set()
        # Lines of the file before the text the nodes were composed from (see _in_parts).
        self.lines_before = 0

    def at(self, node: yaml.Node) -> Location:
        return _loc(self.path, node.start_mark, self.lines_before)

    def error(self, node: yaml.Node, message: str, record: str | None = None) -> None:
        self.errors.append(SourceError(self.at(node), message, record))

    def visit(self, node: yaml.Node) -> bool:
        # Aliases compose to the very same node object; refusing any node met twice refuses
        # aliases, and with them the "billion laughs" expansion.
        if id(node) in self.seen:
            self.error(node, "anchors and aliases are not allowed in source files")
            return False
        self.seen.add(id(node))
        return True

    def records(self, nodes: Iterator[yaml.Node]) -> list[Record]:
        """The records of the nodes `compose` gives: a root, then the items of a root list."""
        root = next(nodes, None)
        if root is not None and not isinstance(root, yaml.SequenceNode):
            self.error(root, f"expected a list of {self.kind.name} records ('- {self.kind.key}:"
                       " …' items)")
        # To the end, so that a YAML problem after the last item is raised.
        return self.items(nodes)

    def items(self, nodes: Iterable[yaml.Node]) -> list[Record]:
        """The records of the items of a top-level list."""
        out = []
        for item in nodes:
            self.seen.clear()  # nodes are not shared between items; those of the last are gone
            if not self.visit(item):
                continue
            record = self.record(item)
            if record is not None:
                out.append(record)
        return out

    def record(self, node: yaml.Node) -> Record | None:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"expected a {self.kind.name} record (a mapping of fields)")
            return None
        raw: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            if not self.visit(key_node) or not self.visit(value_node):
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                self.error(key_node, "field names must be plain text")
                continue
            name = key_node.value
            if name in raw:
                first = self.at(raw[name][0]).line
                self.error(key_node, f"duplicate field '{name}' (first given on line {first})")
                continue
            raw[name] = (key_node, value_node)
        key_field = self.kind.field(self.kind.key)
        assert key_field is not None
        key: str | None = None
        if self.kind.key in raw:
            key = self.value(key_field, raw[self.kind.key][1], None)
        label = key if isinstance(key, str) else None
        values: dict[str, Any] = {}
        locations: dict[str, Location] = {}
        for name, (key_node, value_node) in raw.items():
            spec = self.kind.field(name)
            if spec is None:
                known = ", ".join(f.name for f in self.kind.fields)
                self.error(key_node, f"unknown field '{name}' for {_article(self.kind.name)} "
                           f"(known: {known})", label)
                continue
            value = key if name == self.kind.key else self.value(spec, value_node, label)
            if value is not None:
                values[name] = value
                locations[name] = self.at(value_node)
        for spec in self.kind.fields:
            if spec.required and spec.name not in raw:
                self.error(node, f"missing required field '{spec.name}'", label)
        if key is None or any(f.required and f.name not in values for f in self.kind.fields):
            return None
        return Record(
            self.kind.name, key, self.at(node),
            MappingProxyType(values), MappingProxyType(locations),
        )

    def scalar(self, spec: Field, node: yaml.Node, record: str | None) -> yaml.ScalarNode | None:
        if not isinstance(node, yaml.ScalarNode):
            self.error(node, f"'{spec.name}' must be a single value, not a list or mapping",
                       record)
            return None
        if node.tag == _BOOL:
            self.error(node, f"'{spec.name}': {node.value!r} reads as true/false; put it in "
                       "quotes if it is text", record)
            return None
        if node.tag not in (_STR, _INT, _FLOAT, _TIMESTAMP) or node.value == "":
            self.error(node, f"'{spec.name}' is empty", record)
            return None
        return node

    def value(self, spec: Field, node: yaml.Node, record: str | None) -> Any:
        if spec.kind is Kind.IDS:
            if not isinstance(node, yaml.SequenceNode):
                self.error(node, f"'{spec.name}' must be a list", record)
                return None
            items = []
            for item in node.value:
                if self.visit(item):
                    one = self.value(Field(spec.name, Kind.ID), item, record)
                    if one is not None:
                        if one in items:
                            self.error(item, f"'{one}' is listed twice in '{spec.name}'", record)
                        items.append(one)
            return tuple(items)
        scalar = self.scalar(spec, node, record)
        if scalar is None:
            return None
        text: str = scalar.value
        problem: str | None
        try:
            value, problem = _convert(spec, scalar.tag, text)
        except (ValueError, ArithmeticError) as exc:
            value, problem = None, str(exc)
        if problem:
            self.error(node, f"'{spec.name}': {problem}", record)
            return None
        return value


def _article(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def _convert(spec: Field, tag: str, text: str) -> tuple[Any, str | None]:
    """The typed value of one scalar, or the reason it is not one."""
    kind = spec.kind
    if kind is Kind.TEXT:
        if tag != _STR:
            return None, f"expected text, got {text!r}; put it in quotes"
        if len(text) > MAX_TEXT_LENGTH:
            return None, f"text is {len(text)} characters long; the limit is {MAX_TEXT_LENGTH}"
        if _CONTROL.search(text):
            return None, "text contains a control character or line break"
        if _MARKUP.search(text):
            return None, "text contains HTML or XML markup; write plain text"
        if text != text.strip():
            return None, "text starts or ends with white space"
        return text, None
    if kind is Kind.ID:
        if tag != _STR or not _ID.fullmatch(text):
            return None, (f"{text!r} is not an identifier (lowercase letters, digits and single "
                          "hyphens, e.g. smart-city)")
        if len(text) > MAX_ID_LENGTH:
            return None, f"identifier is {len(text)} characters; the limit is {MAX_ID_LENGTH}"
        if text in _RESERVED_IDS:
            return None, f"{text!r} is a reserved name"
        if spec.choices and text not in spec.choices:
            return None, f"{text!r} is not one of: {', '.join(spec.choices)}"
        return text, None
    if kind is Kind.CODE:
        # The raw text, not YAML's reading: 062031 unquoted must not become the octal 25625.
        code = normalize_digits(text)
        return code, code_problem(code)
    if kind is Kind.INT:
        if tag == _FLOAT:
            return None, f"{text} is not a whole number"
        if tag != _INT or not _INTEGER.fullmatch(text):
            return None, (f"{text!r} is not a whole number; write digits only, without "
                          "commas, units or signs (e.g. 104930)")
        number = int(text.replace("_", ""))
        if spec.maximum is not None and number > spec.maximum:
            return None, f"{number:,} is larger than the limit of {spec.maximum:,}"
        return number, None
    if kind is Kind.DECIMAL:
        if tag not in (_INT, _FLOAT) or not _DECIMAL.fullmatch(text):
            return None, f"{text!r} is not a decimal number (e.g. 36.30)"
        return text, None
    if kind is Kind.RATIO:
        ratio = _RATIO.fullmatch(text)
        if ratio:
            value = Fraction(int(ratio[1]), int(ratio[2]))
        elif _DECIMAL.fullmatch(text):
            value = Fraction(Decimal(text))
        else:
            return None, f"{text!r} is not a ratio (e.g. 1/2)"
        if not 0 < value <= 1:
            return None, f"{text} is not between 0 and 1"
        return value, None
    if kind is Kind.URL:
        parts = urlsplit(text)
        if tag != _STR or parts.scheme not in ("http", "https") or not parts.netloc:
            return None, f"{text!r} is not an absolute http(s) URL"
        if _IRI_UNSAFE.search(text):
            return None, f"{text!r} contains characters not allowed in an IRI"
        return text, None
    if kind is Kind.DATE:
        if not _DATE.fullmatch(text):
            return None, f"{text!r} is not a date (YYYY-MM-DD)"
        return text, None
    if kind is Kind.FISCAL_YEAR:
        if tag not in (_INT, _STR):
            return None, f"{text!r} is not a fiscal year (e.g. 令和4年度 or 2022)"
        try:
            year = parse_fiscal_year(text)
        except FiscalYearError as exc:
            return None, str(exc)
        # Local autonomy began in 1947; a year beyond 2100 is a typo.
        if not 1947 <= year <= 2100:
            return None, f"fiscal year {year} is out of range (1947-2100)"
        return year, None
    raise AssertionError(kind)


def load_file(path: Path, kind: RecordKind, root: Path) -> tuple[list[Record], list[SourceError]]:
    try:
        data = read_source(path, root)
        reader = _Reader(path, kind)
        records = _in_parts(reader, data)
        if records is None:
            reader = _Reader(path, kind)
            records = reader.records(compose(path, data))
    except SourceError as exc:  # the file does not read: its other errors are not reported
        return [], [exc]
    return records, reader.errors


# Where a top-level list item starts: "-" first on its line, then a space or the line's end.
_ITEM = re.compile(rb"^-(?=[ \n]|\Z)", re.MULTILINE)
# What may come before the first item: blank lines and comments.
_PREAMBLE = re.compile(rb"(?:[ ]*(?:#[^\n]*)?\n)*")
# Line breaks YAML counts besides \n: \r, NEL, LS and PS (in UTF-8).
_OTHER_BREAKS = re.compile(rb"\r|\xc2\x85|\xe2\x80[\xa8\xa9]")
# Items composed together. Few: their nodes are all that is held at once, and with the cyclic
# collector on, nodes that outlive a few collections make it scan the whole heap more often (at
# 200 items a part, reading 65k awards took 1.3× as long as one item at a time; at 16, 0.8×).
_ITEMS_PER_PART = 16


def _in_parts(reader: _Reader, data: bytes) -> list[Record] | None:
    """The records of a file whose top level is a list, composed a part of the file at a time by
    libyaml's own composer, in C, where compose runs PyYAML's in Python to hand out one item at
    a time (reading 65k awards takes three quarters of the time). None where the file may not read
    the same way as with compose; it is then read by compose, which also says what is wrong.

    The file is cut before each top-level item ("-" at the start of a line). Nothing else can
    start there: the lines of a block or plain text in an item are indented, and a quoted text
    or a bracketed list cut there is left open, so its part does not parse. Each part must read
    as a list of as many items as it was cut into; a part with '&' or '*' is read by compose,
    which refuses anchors and aliases (and for which a '&' in a text is only a '&')."""
    if not _LIBYAML or _OTHER_BREAKS.search(data):
        return None
    starts = [m.start() for m in _ITEM.finditer(data)]
    if not starts or not _PREAMBLE.fullmatch(data, 0, starts[0]):
        return None
    starts.append(len(data))
    records: list[Record] = []
    line = data.count(b"\n", 0, starts[0])
    for first in range(0, len(starts) - 1, _ITEMS_PER_PART):
        last = min(first + _ITEMS_PER_PART, len(starts) - 1)
        begin, end = starts[first], starts[last]
        part = data[begin:end]
        try:
            if b"&" in part or b"*" in part:
                nodes = compose(reader.path, part)
                next(nodes)  # the list, handed out empty
                items = list(nodes)
            else:
                root = _Resolver(part).get_single_node()
                if not isinstance(root, yaml.SequenceNode):
                    return None
                items = root.value
        except (yaml.YAMLError, SourceError):
            return None
        if len(items) != last - first:
            return None
        reader.lines_before = line
        records.extend(reader.items(items))
        line += part.count(b"\n")
    return records


def load(root: Path) -> Source:
    """Read every source file under `root`; raise SourceErrors listing every problem found."""
    if not root.is_dir():
        raise SourceErrors([SourceError(Location(root, 1, 1), "source directory not found")])
    errors: list[SourceError] = []
    source = Source(root)
    for path in sorted(root.iterdir()):
        if path.suffix in (".yaml", ".yml") and path.name not in KIND_BY_FILE:
            expected = ", ".join(KIND_BY_FILE)
            errors.append(SourceError(Location(path, 1, 1),
                                      f"unknown source file; expected one of: {expected}"))
    for kind in KINDS:
        path = root / kind.file
        by_key: dict[str, Record] = {}
        source.records[kind.name] = by_key
        if not path.exists() and not path.is_symlink():
            continue
        records, file_errors = load_file(path, kind, root)
        errors.extend(file_errors)
        for record in records:
            first = by_key.get(record.key)
            if first is not None:
                errors.append(SourceError(
                    record.where(kind.key),
                    f"duplicate {kind.name} '{record.key}' (first defined at line "
                    f"{first.location.line})", record.key))
                continue
            by_key[record.key] = record
    if not errors:
        # With records missing from a file that failed, references into it would only repeat
        # that failure; they are checked once the file reads.
        errors.extend(check_references(source))
    if errors:
        raise SourceErrors(errors)
    return source


def check_references(source: Source) -> list[SourceError]:
    """Every reference names a record that exists, of the right kind."""
    errors = []
    for record in source.all():
        kind = KIND_BY_FILE[next(k.file for k in KINDS if k.name == record.kind)]
        for spec in kind.fields:
            if spec.refers_to is None or spec.name not in record.values:
                continue
            value = record[spec.name]
            targets = value if isinstance(value, tuple) else (value,)
            wanted = (("prefecture", "municipality") if spec.refers_to == "local-government"
                      else (spec.refers_to,))
            for target in targets:
                if not any(source.find(w, target) for w in wanted):
                    errors.append(SourceError(
                        record.where(spec.name),
                        f"'{spec.name}' refers to {' or '.join(wanted)} '{target}', which is "
                        "not defined", record.key))
        if record.kind in _PARENT_LINK:
            errors.extend(_cycle(source, record))
    return errors


# The field that links a record to a "parent" of its own kind; such chains must end.
_PARENT_LINK = {"organization": "parent", "program": "part_of", "source": "part_of",
                "technology": "broader", "reported-total": "sum_of"}


def _cycle(source: Source, record: Record) -> list[SourceError]:
    """A parent chain (organization → parent, program → part_of …) must not loop."""
    link = _PARENT_LINK[record.kind]
    seen = {record.key}
    frontier = [record]
    while frontier:
        current = frontier.pop()
        value = current.get(link)
        for parent_key in (value if isinstance(value, tuple) else (value,)):
            if parent_key is None:
                continue
            if parent_key == record.key:
                return [SourceError(record.where(link), f"'{link}' chain of {record.kind} "
                                    f"'{record.key}' loops back to itself", record.key)]
            parent = source.find(record.kind, parent_key)
            if parent is not None and parent_key not in seen:
                seen.add(parent_key)
                frontier.append(parent)
    return []
