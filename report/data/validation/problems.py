"""A problem found in the data (file, row, field, value, rule) and the error that lists them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: How many problems a message lists before it summarises the rest.
MAX_LISTED = 40


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, located as a person would look for it."""

    file: str
    rule: str
    row: int | None = None
    field: str | None = None
    value: Any = None
    severity: str = "error"

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field '{self.field}'"
        value = "" if self.value is None else f": value {str(self.value)!r}"
        return f"{where}{value}: {self.rule}"


class DataError(ValueError):
    """The data package is invalid; ``problems`` lists every error found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(format_problems(problems))


def format_problems(problems: list[Problem], limit: int = MAX_LISTED) -> str:
    """Format problems as one readable message.

    Problems of a whole file (no row: a missing file, wrong columns, an encoding, a
    separator) come first and are always listed, since they are usually the cause of the
    rest; problems of single rows follow, capped at ``limit`` lines.
    """
    errors = [p for p in problems if p.severity == "error"]
    head = f"{len(errors)} data error(s) found" if errors else "no data errors"
    lines = [head + ":"] if errors else [head]
    whole_file = [p for p in errors if p.row is None]
    in_rows = [p for p in errors if p.row is not None]
    lines += [f"  - {p}" for p in whole_file]
    lines += [f"  - {p}" for p in in_rows[:limit]]
    if len(in_rows) > limit:
        lines.append(f"  ... and {len(in_rows) - limit} more")
    return "\n".join(lines)
