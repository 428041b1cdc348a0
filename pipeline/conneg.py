"""Content negotiation for resource IRIs: which representation an Accept header asks for.

Pure functions, shared by `mirai-lod serve` and the generated Apache and nginx configurations,
so the three answer the same way. The rules (RFC 9110 §12.5.1, with Apache httpd's documented
choices where the RFC leaves the server free):

- Each representation gets the q-value of the most specific media range that matches it
  (`type/subtype` over `type/*` over `*/*`); among equally specific ranges the first counts.
- If no range in the header has q<1, `*/*` counts as q=0.01 and `type/*` as q=0.02: browsers
  list wildcards next to what they really want (Apache's mod_negotiation does the same).
- The highest q wins; ties go to the server's order: HTML, Turtle, JSON-LD, N-Triples, RDF/XML.
- q=0 means "not acceptable"; if nothing is acceptable the answer is None (406).
- A missing or empty header, or one with no parsable element, accepts anything (HTML).
  Unparsable elements (bad type, bad q) are ignored; the rest of the header still counts.
- Media type parameters other than q are ignored when matching: every representation is UTF-8
  and the JSON-LD has one form.
- `application/json` selects the JSON-LD (a JSON-LD document is JSON, RFC 6839 `+json`).
  `text/plain` does not select N-Triples: N-Triples is `application/n-triples` since RDF 1.1,
  and a client asking for plain text wants prose, not triples.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# RFC 9110 token characters.
_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_RANGE = re.compile(rf"^\s*({_TOKEN})/({_TOKEN})\s*$")
_PARAM = re.compile(rf"^\s*({_TOKEN})\s*=\s*(\"(?:[^\"\\]|\\.)*\"|[^\s;\"]*)\s*$")
_QVALUE = re.compile(r"^(?:0(?:\.(\d{0,3}))?|1(?:\.0{0,3})?)$")
MAX_Q = 1000
# Apache's weights for wildcards in a header where no range has q<1 (per mille).
_FIDDLE = {1: 10, 2: 20}


@dataclass(frozen=True)
class Representation:
    extension: str
    media_type: str
    label: str
    aliases: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        """The Content-Type header value: text types say their charset."""
        if self.media_type.startswith("text/"):
            return f"{self.media_type}; charset=utf-8"
        return self.media_type

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


# In the server's order of preference, which breaks ties.
REPRESENTATIONS: tuple[Representation, ...] = (
    Representation("html", "text/html", "HTML"),
    Representation("ttl", "text/turtle", "Turtle"),
    Representation("jsonld", "application/ld+json", "JSON-LD", ("application/json",)),
    Representation("nt", "application/n-triples", "N-Triples"),
    Representation("rdf", "application/rdf+xml", "RDF/XML"),
)


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: int  # per mille, 0..1000, as the RFC's three decimals allow

    @property
    def stars(self) -> int:
        """How specific the range is: 1 for */*, 2 for type/*, 3 for type/subtype."""
        if self.type == "*":
            return 1
        return 2 if self.subtype == "*" else 3

    def matches(self, media_type: str) -> bool:
        kind, _, sub = media_type.partition("/")
        if self.type == "*":
            return True
        return self.type == kind and self.subtype in ("*", sub)


def _split(text: str, separator: str) -> list[str]:
    """Split on `separator` outside quoted strings."""
    parts: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _parse_q(value: str) -> int | None:
    match = _QVALUE.match(value)
    if match is None:
        return None
    if value.startswith("1"):
        return MAX_Q
    return int((match.group(1) or "").ljust(3, "0"))


def _parse_element(element: str) -> MediaRange | None:
    head, *params = _split(element, ";")
    match = _RANGE.match(head)
    if match is None:
        return None
    kind, sub = match.group(1).lower(), match.group(2).lower()
    if kind == "*" and sub != "*":
        return None
    q: int | None = None
    for param in params:
        found = _PARAM.match(param)
        if found is None:
            return None
        if found.group(1).lower() == "q" and q is None:
            q = _parse_q(found.group(2))
            if q is None:
                return None
    return MediaRange(kind, sub, MAX_Q if q is None else q)


def parse_accept(header: str | None) -> tuple[MediaRange, ...] | None:
    """The media ranges of an Accept header, in order; None when it accepts anything
    (missing, empty, or nothing in it could be parsed)."""
    if header is None:
        return None
    ranges = tuple(r for r in (_parse_element(e) for e in _split(header, ",") if e.strip())
                   if r is not None)
    return ranges or None


def quality(ranges: Sequence[MediaRange] | None, media_type: str) -> int:
    """The q-value (per mille) the ranges give to one media type."""
    if ranges is None:
        return MAX_Q
    fiddle = all(r.q == MAX_Q for r in ranges)
    best: MediaRange | None = None
    for candidate in ranges:
        if candidate.matches(media_type) and (best is None or candidate.stars > best.stars):
            best = candidate
    if best is None:
        return 0
    if fiddle and best.stars in _FIDDLE:
        return _FIDDLE[best.stars]
    return best.q


def choose(header: str | None,
           available: Sequence[Representation] = REPRESENTATIONS) -> Representation | None:
    """The representation to answer with, or None when the client accepts none (406)."""
    ranges = parse_accept(header)
    best: Representation | None = None
    best_q = 0
    for representation in available:
        q = max(quality(ranges, media_type) for media_type in representation.media_types)
        if q > best_q:
            best, best_q = representation, q
    return best


def by_extension(extension: str) -> Representation | None:
    for representation in REPRESENTATIONS:
        if representation.extension == extension:
            return representation
    return None


def link_header(name: str, available: Sequence[Representation] = REPRESENTATIONS) -> str:
    """`Link` alternates of a resource, relative to its IRI (`name` is its last segment)."""
    return ", ".join(f'<{name}.{r.extension}>; rel="alternate"; type="{r.media_type}"'
                     for r in available)
