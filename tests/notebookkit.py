"""Read what a committed chapter notebook shows: its glued texts and the data of its charts.

The prose-count tests compare a count the text glues with the marks the chart beside it
draws, both read from the committed notebook (nbval proves those outputs are what the data
and code produce now).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat

from report.publish.book import glued as _glued

ROOT = Path(__file__).resolve().parents[1]


def notebook(name: str) -> Path:
    """The committed chapter notebook ``chapters/<name>.ipynb``."""
    return ROOT / "chapters" / f"{name}.ipynb"


def glued(name: str) -> dict[str, str]:
    """Every glued text of a committed chapter (name -> text)."""
    return _glued(notebook(name))


def chart_spec(name: str, label: str) -> dict[str, Any]:
    """The Vega-Lite spec of the chart captioned ``fig-<label>`` in a committed chapter.

    Raises ``KeyError`` when no output of the notebook holds that figure.
    """
    nb = nbformat.read(str(notebook(name)), as_version=4)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            html = data.get("text/html", "")
            html = "".join(html) if isinstance(html, list) else html
            if f'id="fig-{label}"' not in html:
                continue
            for mime, spec in data.items():
                if mime.startswith("application/vnd.vegalite"):
                    return spec if isinstance(spec, dict) else json.loads(spec)
    raise KeyError(f"{name}: no chart fig-{label}")


def _views(spec: dict[str, Any]):
    yield spec
    for key in ("layer", "concat", "hconcat", "vconcat"):
        for sub in spec.get(key, []) or []:
            yield from _views(sub)


def mark_rows(spec: dict[str, Any], mark: str | None = None) -> list[list[dict[str, Any]]]:
    """The data rows of each view of ``spec`` drawing ``mark`` (any mark when None).

    One list per view, in the order the spec lists them; a view with no data of its own draws
    its parent's.
    """
    datasets = spec.get("datasets", {})
    found = []
    parent = spec.get("data", {}).get("name")
    for view in _views(spec):
        kind = view.get("mark")
        kind = kind.get("type") if isinstance(kind, dict) else kind
        if kind is None or (mark is not None and kind != mark):
            continue
        name = view.get("data", {}).get("name", parent)
        found.append(datasets.get(name, []))
    return found
