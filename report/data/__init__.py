"""The data layer: read, validate and load the tables of ``data/``; choose among their sources.

Owns ``reading`` (how a cell is read), ``validation`` (the Frictionless contract and our rules),
``loader`` (typed tables, re-exported here: ``report.data.load``), ``sourcing`` (grades, the
preferred source) and ``yamlio`` (strict YAML). May import only ``report.paths``.
"""

from report.data.loader import (
    DATA_ENV,
    READS_ENV,
    VALIDATED_ENV,
    DataError,
    Package,
    Table,
    current_chapter,
    edition,
    ensure_valid,
    fingerprint,
    load,
    package,
    problems,
    read_table,
    resolve_dir,
    use,
)

__all__ = [
    "DATA_ENV",
    "READS_ENV",
    "VALIDATED_ENV",
    "DataError",
    "Package",
    "Table",
    "current_chapter",
    "edition",
    "ensure_valid",
    "fingerprint",
    "load",
    "package",
    "problems",
    "read_table",
    "resolve_dir",
    "use",
]
