"""The chapters' computations: one module per notebook in ``chapters/``, named like it.

``chapters/open-source.ipynb`` reads ``report.chapters.open_source``; a notebook imports only its
own module (plus the shared layers: ``report.data``, ``report.show.figures``, ``report.show.charts``,
``report.notebook``, ``report.appendix.claims``).
"""
