"""The show layer: how a chapter shows things (chart theme and builders, figure wording, tables).

Owns ``charts`` (theme, renderer, captions), ``dates`` (approximate dates on charts), ``marks``
(shared layers), ``figures`` (numbers and dates in words) and ``tables`` (HTML tables and links).
May import ``report.data`` and ``report.paths``; never build or publish.
"""
