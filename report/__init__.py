"""The shared package of the report on Meta's superintelligence bet.

Importing the package has no side effects: the chart theme and renderer are
registered only when :func:`report.notebook.setup` or :func:`report.show.charts.enable`
is called.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
