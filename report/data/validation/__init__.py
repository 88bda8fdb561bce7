"""Validate a data folder against its Frictionless data package.

Everything about the shape of the data lives in ``datapackage.yaml``; this module
only applies it. Files are read as the loader reads them (``report.data.reading``: UTF-8 with
or without a byte-order mark, any line ending, rows numbered as a spreadsheet numbers
them). Three passes, all problems of a pass reported together:

1. structure: the descriptor reads, every file exists, is UTF-8, parses as strict CSV,
   and has exactly the columns its schema declares;
2. content: Frictionless checks types, constraints, primary and foreign keys, with the
   report's narrowings of the types (finite numbers, ``YYYY-MM-DD`` dates, required text
   that is more than blanks; see ``report.reading.narrowing``);
3. rules the package format cannot express, declared per resource under ``checks``
   in the same descriptor (``ordered``, ``not_after_edition``, ``quarter_end``), plus a warning for
   sources that no row cites.

Sub-modules: ``problems``, ``descriptor``, ``structure`` (pass 1), ``content`` (pass 2), ``rules``
(pass 3), ``run`` (``validate``: all three).
"""

from report.data.validation.content import NARROWING_ERROR, check_content
from report.data.validation.descriptor import edition_date, read_descriptor, read_records
from report.data.validation.problems import MAX_LISTED, DataError, Problem, format_problems
from report.data.validation.rules import (
    PROVENANCE_RULES,
    check_citations,
    check_provenance,
    check_rules,
)
from report.data.validation.run import validate
from report.data.validation.structure import check_structure

__all__ = [
    "DataError",
    "MAX_LISTED",
    "NARROWING_ERROR",
    "PROVENANCE_RULES",
    "Problem",
    "check_citations",
    "check_content",
    "check_provenance",
    "check_rules",
    "check_structure",
    "edition_date",
    "format_problems",
    "read_descriptor",
    "read_records",
    "validate",
]
