"""SHACL core constraints, evaluated over an in-memory subject index.

pySHACL answers every value-node lookup through rdflib's generic triple store and builds a
textual description of every result, which costs about 4 s on the shipped 37k triples and
grows with the data. This module compiles the shapes graph once into plain Python checks and
evaluates them over one dictionary index of the data (subject → predicate → objects), with the
semantics of pySHACL 0.40 (the reference it is tested against, result by result, in
tests/test_shacl.py and tests/test_synth.py):

- the ontology is mixed into the data graph, whole, where pySHACL (`ont_graph`) copies its
  axioms only (classes, properties, named individuals, without their other statements):
  the published shapes read none of the statements that differ;
- targets: sh:targetNode, sh:targetClass (with rdfs:subClassOf*), implicit class targets,
  sh:targetSubjectsOf, sh:targetObjectsOf;
- a nested shape (sh:not, sh:qualifiedValueShape) conforms when it yields no result of a
  severity that `allow_warnings` does not excuse.

Anything else (other constraint components, non-IRI paths, shapes that would need pySHACL's
generated messages, sh:node, whose nested results pySHACL reports through sh:detail, SHACL
rules, custom components) raises `Unsupported`, and the caller runs
pySHACL instead, so a new shape never silently goes unchecked.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import TypeVar

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from pipeline.shacl import Finding

SH = Namespace("http://www.w3.org/ns/shacl#")
_EXCUSED = {SH.Warning, SH.Info}  # severities that `allow_warnings` lets conform
_SHAPE_LINKS = (SH.property, SH.node, SH["not"], SH["and"], SH["or"], SH.xone,
                SH.qualifiedValueShape)
_TARGETS = (SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf)
# Parameters read here beside the constraint parameters proper.
_HANDLED = {SH.property, SH.path, SH.message, SH.severity, SH.deactivated, SH.name,
            SH.description, SH.order, SH.group, SH.defaultValue, SH.qualifiedMinCount,
            SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint, SH.flags,
            *_TARGETS}
_SUPPORTED = {SH["class"], SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount,
              SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive,
              SH.minLength, SH.maxLength, SH.pattern, SH.languageIn, SH.uniqueLang, SH["in"],
              SH["not"], SH.qualifiedValueShape, SH.lessThanOrEquals, SH.hasValue}
# pySHACL's ALL_CONSTRAINT_PARAMETERS and compare_literal, written out here: importing
# pySHACL (rdflib's SPARQL grammar with it) took a tenth of the shipped build's validation.
# tests/test_shacl_core.py checks both against pySHACL's.
CONSTRAINT_PARAMETERS = frozenset(SH[name] for name in (
    "class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive",
    "maxExclusive", "maxInclusive", "not", "and", "or", "xone", "minLength", "maxLength",
    "pattern", "languageIn", "uniqueLang", "equals", "disjoint", "lessThan",
    "lessThanOrEquals", "node", "property", "qualifiedValueShape", "qualifiedMinCount",
    "qualifiedValueShapesDisjoint", "qualifiedMaxCount", "closed", "ignoredProperties",
    "hasValue", "in", "sparql"))
_UNSUPPORTED_ANYWHERE = (SH.rule, SH.target, SH.expression, SH.js, SH.parameter,
                         SH.entailment)


class Unsupported(Exception):
    """The shapes need something this engine does not implement; use pySHACL."""


_Term = TypeVar("_Term", bound=Node)
_SCANNED = 16  # objects of one subject and predicate looked through before a set is made


class Index:
    """The data graph (with the ontology mixed in) as dictionaries.

    rdflib's terms hash and compare in Python: a dictionary lookup with a key that is equal to
    the stored one but not the same object costs a call of each. So lookups use the index's own
    predicate objects (`predicate`), and a triple seen before is found in its subject's and
    predicate's list of objects, most often short, rather than in a set of all triples."""

    def __init__(self, graphs: Iterable[Iterable[tuple[Node, Node, Node]]]) -> None:
        self.out: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
        self.by_predicate: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
        out, by_predicate = self.out, self.by_predicate
        # The objects of a subject's predicate as a set too, once there are many of them.
        many: dict[tuple[Node, Node], set[Node]] = {}
        for graph in graphs:
            for s, p, o in graph:
                objects = out[s][p]
                if len(objects) < _SCANNED:
                    if o in objects:
                        continue
                else:
                    members = many.get((s, p))
                    if members is None:
                        members = many[(s, p)] = set(objects)
                    if o in members:
                        continue
                    members.add(o)
                objects.append(o)
                by_predicate[p].append((s, o))
        self._predicates = {p: p for p in by_predicate}
        self.rdf_type, self.subclass_of = self.predicate(RDF.type), self.predicate(RDFS.subClassOf)
        self.instances: dict[Node, list[Node]] = defaultdict(list)
        for s, o in by_predicate.get(self.rdf_type, ()):
            self.instances[o].append(s)
        self.subclasses: dict[Node, list[Node]] = defaultdict(list)
        for s, o in by_predicate.get(self.subclass_of, ()):
            self.subclasses[o].append(s)
        self._superclasses: dict[Node, frozenset[Node]] = {}

    def predicate(self, p: _Term) -> _Term:
        """The index's own object for the predicate `p` (`p` where no triple has it)."""
        return self._predicates.get(p, p)  # type: ignore[return-value]

    def objects(self, subject: Node, predicate: Node) -> list[Node]:
        by_p = self.out.get(subject)
        if by_p is None:
            return []
        return by_p.get(predicate, [])

    def subclasses_of(self, cls: Node) -> set[Node]:
        found = {cls}
        todo = [cls]
        while todo:
            for sub in self.subclasses.get(todo.pop(), ()):
                if sub not in found:
                    found.add(sub)
                    todo.append(sub)
        return found

    def superclasses_of(self, cls: Node) -> frozenset[Node]:
        cached = self._superclasses.get(cls)
        if cached is None:
            found = {cls}
            todo = [cls]
            while todo:
                for sup in self.objects(todo.pop(), self.subclass_of):
                    if sup not in found:
                        found.add(sup)
                        todo.append(sup)
            cached = self._superclasses[cls] = frozenset(found)
        return cached

    def is_instance(self, node: Node, cls: Node) -> bool:
        return any(cls in self.superclasses_of(t) for t in self.objects(node, self.rdf_type))


# A value check says whether one value node passes; a focus check yields, per focus node and its
# value nodes, the sh:value of each result (None: the result has no sh:value).
ValueCheck = Callable[[Node], bool]
FocusCheck = Callable[[Node, list[Node]], Iterator[Node | None]]


@dataclass
class Shape:
    node: Node
    path: URIRef | None
    severity: URIRef
    messages: tuple[str, ...]
    deactivated: bool
    value_checks: list[tuple[URIRef, ValueCheck]] = field(default_factory=list)
    focus_checks: list[tuple[URIRef, FocusCheck]] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)

    @property
    def has_constraints(self) -> bool:
        return bool(self.value_checks or self.focus_checks)


class Engine:
    def __init__(self, shapes: Graph, index: Index) -> None:
        self.sg = shapes
        self.index = index
        self._shapes: dict[Node, Shape] = {}
        self._conforms: dict[tuple[Node, Node], bool] = {}
        # A shape that is also a class targets its instances (pySHACL: rdfs:Class or a
        # subclass of it declared in the shapes graph).
        self._class_types = set(shapes.subjects(RDFS.subClassOf, RDFS.Class)) | {RDFS.Class}
        for p in _UNSUPPORTED_ANYWHERE:
            if (None, p, None) in shapes:
                raise Unsupported(f"{p} is not implemented")
        if (None, RDF.type, SH.ConstraintComponent) in shapes:
            raise Unsupported("custom constraint components are not implemented")

    # -- compiling ----------------------------------------------------------------------------

    def _one(self, node: Node, p: URIRef) -> Node | None:
        values = list(self.sg.objects(node, p))
        if len(values) > 1:
            raise Unsupported(f"{node}: more than one {p}")
        return values[0] if values else None

    def _integer(self, node: Node, p: URIRef) -> int | None:
        """The value of an integer parameter (sh:minCount, sh:maxLength …), if given."""
        value = self._one(node, p)
        if value is None:
            return None
        if not isinstance(value, Literal) or not isinstance(value.value, int):
            raise Unsupported(f"{node}: {p} must be an integer")
        return value.value

    def shape(self, node: Node) -> Shape:
        found = self._shapes.get(node)
        if found is not None:
            return found
        sg = self.sg
        path = self._one(node, SH.path)
        if path is not None and not isinstance(path, URIRef):
            raise Unsupported(f"{node}: only IRI paths are implemented")
        severities = set(sg.objects(node, SH.severity))
        deactivated = self._one(node, SH.deactivated)
        shape = Shape(
            node=node,
            path=None if path is None else self.index.predicate(path),
            severity=next(iter(severities)) if len(severities) == 1 else SH.Violation,  # type: ignore[arg-type]
            messages=tuple(sorted(str(m) for m in set(sg.objects(node, SH.message)))),
            deactivated=isinstance(deactivated, Literal) and bool(deactivated.value),
        )
        if len(severities) > 1:
            raise Unsupported(f"{node}: more than one sh:severity")
        self._shapes[node] = shape  # before the links, for recursive shapes
        for p in set(sg.predicates(node, None)):
            if p in CONSTRAINT_PARAMETERS and p not in _SUPPORTED and p not in _HANDLED:
                raise Unsupported(f"{node}: {p} is not implemented")
        self._compile(shape)
        for link in sorted(sg.objects(node, SH.property), key=str):
            prop = self.shape(link)
            if prop.path is None:
                raise Unsupported(f"{link}: a property shape without sh:path")
            shape.properties.append(prop)
        return shape

    def _compile(self, shape: Shape) -> None:
        node, add = shape.node, shape.value_checks.append
        cls = self._one(node, SH["class"])
        if cls is not None:
            add((SH.ClassConstraintComponent, _cached(partial(_class_ok, self.index, cls))))
        datatype = self._one(node, SH.datatype)
        if datatype is not None:
            add((SH.DatatypeConstraintComponent, partial(_datatype_ok, datatype)))
        kind = self._one(node, SH.nodeKind)
        if kind is not None:
            add((SH.NodeKindConstraintComponent, partial(_kind_ok, _KINDS[kind])))
        for p, component, accept in _RANGES:
            bound = self._one(node, p)
            if bound is not None:
                if not isinstance(bound, Literal):
                    raise Unsupported(f"{node}: {p} must be a literal")
                add((component, partial(_in_range, bound, accept)))
        for p, component, longer in ((SH.minLength, SH.MinLengthConstraintComponent, True),
                                     (SH.maxLength, SH.MaxLengthConstraintComponent, False)):
            length = self._integer(node, p)
            if length is not None:
                add((component, partial(_length_ok, length, longer)))
        pattern = self._one(node, SH.pattern)
        if pattern is not None:
            add((SH.PatternConstraintComponent, _pattern_check(pattern, self._one(node, SH.flags))))
        languages = self._one(node, SH.languageIn)
        if languages is not None:
            wanted = frozenset(str(tag).lower() for tag in Collection(self.sg, languages))
            add((SH.LanguageInConstraintComponent, partial(_language_in, wanted)))
        allowed = self._one(node, SH["in"])
        if allowed is not None:
            members = frozenset(Collection(self.sg, allowed))
            add((SH.InConstraintComponent, members.__contains__))
        negated = self._one(node, SH["not"])
        if negated is not None:
            other = self.shape(negated)
            add((SH.NotConstraintComponent, partial(self.does_not_conform, other)))
        self._compile_focus_checks(shape)

    def _compile_focus_checks(self, shape: Shape) -> None:
        node, add = shape.node, shape.focus_checks.append
        for p, component, at_least in ((SH.minCount, SH.MinCountConstraintComponent, True),
                                       (SH.maxCount, SH.MaxCountConstraintComponent, False)):
            count = self._integer(node, p)
            if count is not None and not (at_least and count == 0):
                add((component, partial(_count, count, at_least)))
        unique = self._one(node, SH.uniqueLang)
        if isinstance(unique, Literal) and unique.value is True:
            add((SH.UniqueLangConstraintComponent, _unique_lang))
        qualified = self._one(node, SH.qualifiedValueShape)
        if qualified is not None:
            self._compile_qualified(shape, self.shape(qualified))
        other_path = self._one(node, SH.lessThanOrEquals)
        if other_path is not None:
            if not isinstance(other_path, URIRef):
                raise Unsupported(f"{node}: sh:lessThanOrEquals must be an IRI")
            add((SH.LessThanOrEqualsConstraintComponent,
                 partial(_less_or_equal, self.index, self.index.predicate(other_path))))
        has_value = self._one(node, SH.hasValue)
        if has_value is not None:
            add((SH.HasValueConstraintComponent, partial(_has_value, has_value)))

    def _compile_qualified(self, shape: Shape, other: Shape) -> None:
        node = shape.node
        low = self._integer(node, SH.qualifiedMinCount)
        high = self._integer(node, SH.qualifiedMaxCount)
        disjoint = self._one(node, SH.qualifiedValueShapesDisjoint)
        siblings: list[Shape] = []
        if isinstance(disjoint, Literal) and disjoint.value is True:
            for parent in self.sg.subjects(SH.property, node):
                for prop in self.sg.objects(parent, SH.property):
                    for sibling in self.sg.objects(prop, SH.qualifiedValueShape):
                        if sibling != other.node:
                            siblings.append(self.shape(sibling))

        def counted(vs: list[Node]) -> int:
            return sum(1 for v in vs if self.conforms(other, v) and not any(
                self.conforms(s, v) for s in siblings))

        if high is not None:
            shape.focus_checks.append((SH.QualifiedMaxCountConstraintComponent,
                                       lambda f, vs: iter(() if counted(vs) <= high else (None,))))
        if low is not None:
            shape.focus_checks.append((SH.QualifiedMinCountConstraintComponent,
                                       lambda f, vs: iter(() if counted(vs) >= low else (None,))))

    # -- evaluating ---------------------------------------------------------------------------

    def value_nodes(self, shape: Shape, focus: Node) -> list[Node]:
        if shape.path is None:
            return [focus]
        return self.index.objects(focus, shape.path)

    def results(self, shape: Shape, focus: Node) -> Iterator[Finding]:
        if not shape.deactivated:
            yield from self._evaluate(shape, focus, nested=False)

    def _evaluate(self, shape: Shape, focus: Node, nested: bool) -> Iterator[Finding]:
        """The results of `shape` on `focus`. Nested (for conformance to sh:not or a qualified
        value shape), property shapes whose severity `allow_warnings` excuses are skipped:
        they cannot make the node fail."""
        values = self.value_nodes(shape, focus)
        for component, check in shape.value_checks:
            for v in values:
                if not check(v):
                    yield self._result(shape, focus, v, component)
        for component, focus_check in shape.focus_checks:
            for value in focus_check(focus, values):
                yield self._result(shape, focus, value, component)
        for prop in shape.properties:
            if prop.deactivated or (nested and prop.severity in _EXCUSED):
                continue
            for v in values:
                yield from self._evaluate(prop, v, nested)

    def _result(self, shape: Shape, focus: Node, value: Node | None,
                component: URIRef) -> Finding:
        return Finding(focus, shape.path, value, shape.severity, shape.messages, shape.node,
                      component)

    def does_not_conform(self, shape: Shape, node: Node) -> bool:
        return not self.conforms(shape, node)

    def conforms(self, shape: Shape, node: Node) -> bool:
        key = (shape.node, node)
        cached = self._conforms.get(key)
        if cached is None:
            self._conforms[key] = True  # a recursive reference conforms, as in pySHACL
            cached = shape.deactivated or shape.severity in _EXCUSED or not any(
                r.severity not in _EXCUSED for r in self._evaluate(shape, node, nested=True))
            self._conforms[key] = cached
        return cached

    def require_messages(self, shape: Shape, seen: set[Node]) -> None:
        """pySHACL words a message per component where a shape states none; the results of
        this engine carry stated messages only."""
        if shape.node in seen:
            return
        seen.add(shape.node)
        if shape.has_constraints and not shape.messages:
            raise Unsupported(f"{shape.node}: a shape with constraints needs sh:message")
        for prop in shape.properties:
            self.require_messages(prop, seen)

    def focus_nodes(self, node: Node) -> set[Node]:
        sg, index = self.sg, self.index
        found: set[Node] = set(sg.objects(node, SH.targetNode))
        classes = set(sg.objects(node, SH.targetClass))
        if self._is_class(node):
            classes.add(node)
        for cls in classes:
            for sub in index.subclasses_of(cls):
                found.update(index.instances.get(sub, ()))
        for p in sg.objects(node, SH.targetSubjectsOf):
            found.update(s for s, _ in index.by_predicate.get(p, ()))
        for p in sg.objects(node, SH.targetObjectsOf):
            found.update(o for _, o in index.by_predicate.get(p, ()))
        return found

    def _is_class(self, node: Node) -> bool:
        return any(t in self._class_types for t in self.sg.objects(node, RDF.type))

    def has_targets(self, node: Node) -> bool:
        return any((node, p, None) in self.sg for p in _TARGETS) or self._is_class(node)

    def targeted(self) -> list[Node]:
        sg = self.sg
        nodes: set[Node] = set()
        for p in _TARGETS:
            nodes.update(sg.subjects(p, None))
        for t in (SH.NodeShape, SH.PropertyShape):
            nodes.update(sg.subjects(RDF.type, t))
        for p in _SHAPE_LINKS:
            nodes.update(o for _, o in sg.subject_objects(p) if not isinstance(o, Literal))
        return sorted(nodes, key=str)


_KINDS: dict[Node, set[str]] = {
    SH.IRI: {"iri"}, SH.BlankNode: {"bnode"}, SH.Literal: {"literal"},
    SH.BlankNodeOrIRI: {"bnode", "iri"}, SH.BlankNodeOrLiteral: {"bnode", "literal"},
    SH.IRIOrLiteral: {"iri", "literal"},
}


def _class_ok(index: Index, cls: Node, v: Node) -> bool:
    return not isinstance(v, Literal) and index.is_instance(v, cls)


def _cached(check: ValueCheck) -> ValueCheck:
    """The same IRIs come back as values again and again (the recipients of awards)."""
    known: dict[Node, bool] = {}

    def cached(v: Node) -> bool:
        found = known.get(v)
        if found is None:
            found = known[v] = check(v)
        return found
    return cached


def _kind_ok(kinds: set[str], v: Node) -> bool:
    return _kind(v) in kinds


def _count(n: int, at_least: bool, focus: Node, values: list[Node]) -> Iterator[Node | None]:
    if not (len(values) >= n if at_least else len(values) <= n):
        yield None


def _has_value(wanted: Node, focus: Node, values: list[Node]) -> Iterator[Node | None]:
    if wanted not in values:
        yield None


def _kind(v: Node) -> str:
    if isinstance(v, BNode):
        return "bnode"
    if isinstance(v, Literal):
        return "literal"
    return "iri"


_XSD_STRING, _LANG_STRING = XSD.string, RDF.langString
_RDFS_LITERAL, _RDFS_DATATYPE = RDFS.Literal, RDFS.Datatype
_PYTHON_TYPES: dict[Node, type | tuple[type, ...]] = {
    _XSD_STRING: (str, bytes), _LANG_STRING: (str, bytes), XSD.integer: int,
    XSD.float: float, XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: datetime.date,
    XSD.time: datetime.time, XSD.dateTime: datetime.datetime,
}


def _datatype_ok(rule: Node, v: Node) -> bool:
    """pySHACL's DatatypeConstraintComponent, term for term."""
    if not isinstance(v, Literal):
        return False
    if v.datatype == rule:
        if getattr(v, "ill_typed", None) is True:
            return False
        return _value_fits(v, rule)
    if rule == _RDFS_LITERAL:
        return True
    if rule == _RDFS_DATATYPE and v.datatype:
        return True
    if v.datatype is None and v.language is None and rule == _XSD_STRING:
        return _value_fits(v, rule)
    if rule == _LANG_STRING and v.language:
        return _value_fits(v, rule)
    return False


def _value_fits(v: Literal, rule: Node) -> bool:
    expected = _PYTHON_TYPES.get(rule)
    return True if expected is None else isinstance(v.value, expected)


# (parameter, component, whether a comparison result of v against the bound is accepted)
_RANGES: tuple[tuple[URIRef, URIRef, Callable[[int], bool]], ...] = (
    (SH.minInclusive, SH.MinInclusiveConstraintComponent, lambda c: c >= 0),
    (SH.minExclusive, SH.MinExclusiveConstraintComponent, lambda c: c > 0),
    (SH.maxInclusive, SH.MaxInclusiveConstraintComponent, lambda c: c <= 0),
    (SH.maxExclusive, SH.MaxExclusiveConstraintComponent, lambda c: c < 0),
)


def _in_range(bound: Literal, accept: Callable[[int], bool], v: Node) -> bool:
    if not isinstance(v, Literal):
        return False
    if isinstance(bound.value, str) != isinstance(v.value, str):
        return False
    try:
        return accept(compare_literal(v, bound))
    except (TypeError, NotImplementedError):
        return False


_EXACT_NUMBERS = (int, Decimal)  # not bool, which is an int


def compare_literal(l1: Literal, l2: Literal) -> int:
    """-1, 0 or 1 as `l1` is below, equal to or above `l2`; TypeError where rdflib cannot
    order them. As pySHACL's: datetimes and times by their values, without the total order
    rdflib forces on values that have none (naive against aware). Integers and decimals, which
    rdflib compares by value, are compared here directly: its comparison runs in Python."""
    a, b = l1.value, l2.value
    if type(a) in _EXACT_NUMBERS and type(b) in _EXACT_NUMBERS:
        return int(a > b) - int(a < b)
    if l1.eq(l2):
        return 0
    if type(a) in (datetime.datetime, datetime.time):
        if a == b:
            return 0
        if a > b:
            return 1
    elif l1 > l2:
        return 1
    return -1


def _as_string(v: Node) -> str:
    if isinstance(v, Literal) and v.value is not None and v.datatype in (
            None, RDF.langString, XSD.string):
        return str(v.value)
    return str(v)


def _length_ok(n: int, at_least: bool, v: Node) -> bool:
    if isinstance(v, BNode):
        return False
    length = len(_as_string(v))
    return length >= n if at_least else length <= n


def _pattern_check(pattern: Node, flags: Node | None) -> ValueCheck:
    if not isinstance(pattern, Literal):
        raise Unsupported("sh:pattern must be a literal")
    text = str(pattern.value) if pattern.value is not None and len(pattern.value) > 1 else str(
        pattern)
    re_flags = 0
    for flag in str(flags) if flags is not None else "":
        re_flags |= {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE,
                     "q": 0}.get(flag, 0)
        if flag == "q":
            raise Unsupported("sh:flags 'q' is not implemented")
    compiled = re.compile(text, re_flags)

    def check(v: Node) -> bool:
        return not isinstance(v, BNode) and compiled.search(_as_string(v)) is not None
    return check


def _language_in(wanted: frozenset[str], v: Node) -> bool:
    if not isinstance(v, Literal) or not v.language:
        return False
    lang = str(v.language).lower()
    return "*" in wanted or lang in wanted or lang.split("-")[0] in wanted


def _unique_lang(focus: Node, values: list[Node]) -> Iterator[Node | None]:
    seen: set[str] = set()
    duplicated: set[str] = set()
    for v in values:
        if isinstance(v, Literal) and v.language:
            lang = str(v.language).lower()
            (duplicated if lang in seen else seen).add(lang)
    for _ in duplicated:
        yield None


def _less_or_equal(index: Index, other_path: URIRef, focus: Node,
                   values: list[Node]) -> Iterator[Node | None]:
    """pySHACL's LessThanOrEqualsConstraintComponent: a result per failing pair."""
    others = index.objects(focus, other_path)
    for value in set(values):
        if isinstance(value, BNode):
            raise Unsupported("sh:lessThanOrEquals on a blank node")
        left, left_is_string = _comparable(value)
        for other in set(others):
            if isinstance(other, BNode):
                raise Unsupported("sh:lessThanOrEquals on a blank node")
            right, right_is_string = _comparable(other)
            if left_is_string != right_is_string or not left <= right:  # type: ignore[operator]
                yield value


def _comparable(node: Node) -> tuple[object, bool]:
    if isinstance(node, URIRef):
        return str(node), True
    if isinstance(node, Literal) and isinstance(node.value, str):
        return node.value, True
    return node, False


def evaluate(data: Iterable[Iterable[tuple[Node, Node, Node]]], shapes: Graph) -> list[Finding]:
    """Every result of the core constraints of `shapes` on the union of `data`."""
    engine = Engine(shapes, Index(data))
    targeted = engine.targeted()
    seen: set[Node] = set()
    for node in targeted:
        # Compile every shape first: whether pySHACL is needed must not depend on the data.
        shape = engine.shape(node)
        if engine.has_targets(node):
            engine.require_messages(shape, seen)
    out: list[Finding] = []
    for node in targeted:
        focus = engine.focus_nodes(node)
        if not focus:
            continue
        shape = engine.shape(node)
        for f in sorted(focus, key=str):
            out.extend(engine.results(shape, f))
    return out

