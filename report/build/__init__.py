"""The build layer: which notebooks run, with what parameters, in what order, and their cache.

Owns ``params`` (resolve and check parameters), ``toc`` (the order of the book), ``execute``
(papermill, in parallel) and ``cache`` (data-aware). May import data, show, chapters and facts;
never publish.
"""
