"""The publish layer: turn executed notebooks into the book people read, and swap it in atomically.

Owns ``book`` (stage, compile, publish), ``sphinxext`` (Jupyter Book adapter), ``takeaway``
(each chart's files), ``static_render`` and ``pdf`` (print edition), ``static/`` (assets).
May import every lower layer (data, show, chapters, facts, build); never ``cli``.
"""
