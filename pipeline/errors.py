"""Errors that a person fixes by editing a file, each knowing where it points and its exit code.

Exit codes follow pySHACL's convention: 0 conforms, 1 the data has violations, 2 the input could
not be read (or the command was misused).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

EXIT_CONFORMS = 0
EXIT_VIOLATIONS = 1
EXIT_UNREADABLE = 2


@dataclass(frozen=True, order=True, slots=True)  # slots: one per value of every record
class Location:
    """A place in a source file; line and column count from 1, as editors do."""

    path: Path
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


class MiraiError(Exception):
    """Base of every error the pipeline raises on purpose."""

    exit_code = EXIT_UNREADABLE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def format(self) -> str:
        return f"error: {self.message}"


class SourceError(MiraiError):
    """A problem in a source file that stops it from being read into records."""

    def __init__(self, location: Location, message: str, record: str | None = None) -> None:
        super().__init__(message)
        self.location = location
        self.record = record

    def format(self) -> str:
        where = f" (record {self.record})" if self.record else ""
        return f"{self.location}: error: {self.message}{where}"


class SourceErrors(MiraiError):
    """Several source errors found in one pass, so the editor can fix them all at once."""

    def __init__(self, errors: list[SourceError]) -> None:
        super().__init__(f"{len(errors)} error(s) in the source files")
        self.errors = sorted(errors, key=lambda e: (str(e.location.path), e.location.line,
                                                     e.location.column, e.message))

    def format(self) -> str:
        return "\n".join(e.format() for e in self.errors)


class BuildError(MiraiError):
    """The publication could not be written; the previous build is left as it was."""
