"""Resource pages carried over from the previous publication.

Rendering a resource's page and its four representations is most of a build's work. Each
document's files depend only on what `site.page_inputs` digests, given the surroundings every
page shares (code, ontology, base: `key`). A build records each document's digest in PAGES, a
dot-file of the publication (so not in SHA256SUMS, and never served); the next build renders
only the documents whose digest changed, and hard-links the files of the others from the
previous publication, with the SHA-256 and size that publication recorded for them.

A kept file is trusted to hold what the previous build wrote: a hard link is checked to be a
regular file of the recorded size, not read. `mirai-lod build --force` renders everything.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import fingerprint
from pipeline.publish import read_sums

PAGES = ".mirai-lod-pages"
FORMAT = 1


@dataclass(frozen=True)
class Previous:
    """What the previous publication recorded: each document's digest, and each file's SHA-256
    and size. Empty when there is nothing to keep."""

    pages: dict[str, str] = field(default_factory=dict)  # document path → hex digest
    sums: dict[str, str] = field(default_factory=dict)  # file → hex SHA-256
    sizes: dict[str, int] = field(default_factory=dict)  # file → bytes

    def files(self, path: str, digest: str, names: Iterable[str]
              ) -> dict[str, tuple[str, int]] | None:
        """The SHA-256 and size of each of `names` (the files of the document at `path`) when
        the previous build made them from the same inputs; else None."""
        if self.pages.get(path) != digest:
            return None
        kept: dict[str, tuple[str, int]] = {}
        for name in names:
            sha, size = self.sums.get(name), self.sizes.get(name)
            if sha is None or size is None:
                return None
            kept[name] = (sha, size)
        return kept


def load(out: Path | None, key: str) -> Previous:
    """The record of the publication in `out`, when it was made with the same `key`."""
    if out is None:
        return Previous()
    try:
        pages = json.loads((out / PAGES).read_bytes())
        if pages.get("format") != FORMAT or pages.get("key") != key:
            return Previous()
        record = json.loads((out / fingerprint.RECORD).read_bytes())
        sums = read_sums((out / fingerprint.SUMS).read_bytes())
        return Previous(dict(pages["pages"]), sums, dict(record["sizes"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Previous()  # no record, or not one this version wrote: render everything


def write(staging: Path, key: str, pages: Mapping[str, str]) -> None:
    document = {"format": FORMAT, "key": key, "pages": dict(sorted(pages.items()))}
    (staging / PAGES).write_text(json.dumps(document, indent=0) + "\n", encoding="utf-8")
