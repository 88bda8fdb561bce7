"""Computations of the open-source chapter (``chapters/open-source.ipynb``), by section.

- :mod:`.releases`: Meta's releases, open-weight flagships and the waits between them, model
  sizes, reported adoption and what its leaders said about openness.

The notebook imports this one name: ``from report.chapters import open_source as oss``.
"""

from report.chapters.open_source.releases import (
    OPENNESS_COLOURS,
    STANCE_COLOURS,
    STANCE_ORDER,
    STATUS_LABELS,
    STATUS_ORDER,
    adoption_chart,
    adoption_series,
    flagship_gaps,
    months_since_last,
    one_per_model,
    open_flagships,
    openness_split,
    select,
    sizes_chart,
    stances_chart,
    timeline_chart,
)

__all__ = [
    "OPENNESS_COLOURS",
    "STANCE_COLOURS",
    "STANCE_ORDER",
    "STATUS_LABELS",
    "STATUS_ORDER",
    "adoption_chart",
    "adoption_series",
    "flagship_gaps",
    "months_since_last",
    "one_per_model",
    "open_flagships",
    "openness_split",
    "select",
    "sizes_chart",
    "stances_chart",
    "timeline_chart",
]
