"""Pass 1: the descriptor reads; every file exists, is UTF-8 CSV, with exactly its declared columns."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from report.data import reading
from report.data.validation.descriptor import _display
from report.data.validation.problems import Problem


def check_structure(data_dir: Path, resource: dict[str, Any]) -> list[Problem]:
    """Encoding, strict CSV parsing and an exact header match for one resource.

    Problems of the whole file (encoding, separator, columns) come before those of rows.
    """
    name = _display(data_dir, resource["path"])
    path = data_dir / resource["path"]
    if not path.is_file():
        return [Problem(name, "file is missing")]
    try:
        text = reading.decode(path.read_bytes(), resource.get("encoding"))
    except reading.Unreadable as exc:
        return [Problem(name, exc.rule, row=exc.row, field=exc.field, value=exc.value)]
    whole_file: list[Problem] = []
    in_rows: list[Problem] = []
    header: list[str] | None = None
    row = 0  # the last record read; an error is in the next one
    try:
        for row, cells in reading.records(text):
            if header is None:
                header = cells
            elif cells and len(cells) != len(header):
                in_rows.append(
                    Problem(
                        name, f"has {len(cells)} cells but the header has {len(header)}", row=row
                    )
                )
    except csv.Error as exc:
        in_rows.append(Problem(name, f"malformed CSV (check quoting): {exc}", row=row + 1))
    if not header:
        return in_rows or [Problem(name, "file is empty (no header row)")]
    expected = [f["name"] for f in resource["schema"]["fields"]]
    separator = reading.looks_separated_by(header, expected)
    if separator:
        whole_file.append(
            Problem(
                name,
                f"the file looks {separator}-separated (as a spreadsheet saves 'CSV' where the "
                "decimal mark is a comma); save it comma-separated, as 'CSV UTF-8 (comma "
                "delimited)'",
            )
        )
    for col in expected:
        if col not in header:
            whole_file.append(Problem(name, "required column is missing", field=col))
    for col in header:
        if col not in expected:
            whole_file.append(
                Problem(
                    name, f"unexpected column (the schema has: {', '.join(expected)})", field=col
                )
            )
    if not whole_file and not in_rows and header != expected:
        whole_file.append(
            Problem(name, f"columns are out of order; expected: {', '.join(expected)}", row=1)
        )
    return whole_file + in_rows
