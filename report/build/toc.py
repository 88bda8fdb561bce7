"""The book's order, read from ``_toc.yml`` (the only place it is written)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from report import paths
from report.data import yamlio


class TocError(ValueError):
    """The table of contents is malformed or names a missing file."""


def _walk(node: Any) -> list[str]:
    files: list[str] = []
    if isinstance(node, dict):
        if "file" in node:
            files.append(node["file"])
        for key in ("parts", "chapters", "sections"):
            for child in node.get(key, []) or []:
                files += _walk(child)
    elif isinstance(node, list):
        for child in node:
            files += _walk(child)
    return files


def entries(root: Path = paths.ROOT) -> list[str]:
    """Every document of the book, in order, as paths without suffix (root first)."""
    toc = yamlio.load(root / "_toc.yml")
    if not isinstance(toc, dict) or "root" not in toc:
        raise TocError(f"{root / '_toc.yml'}: needs a 'root' entry")
    return [toc["root"], *_walk(toc)]


def document(entry: str, root: Path = paths.ROOT) -> Path:
    """The source file of a toc entry (.ipynb or .md)."""
    for suffix in (".ipynb", ".md"):
        path = root / f"{entry}{suffix}"
        if path.is_file():
            return path
    raise TocError(f"_toc.yml lists {entry!r} but neither {entry}.ipynb nor {entry}.md exists")


def notebooks(root: Path = paths.ROOT) -> dict[str, Path]:
    """Every notebook of the book by its name (the file stem), in book order."""
    found: dict[str, Path] = {}
    for entry in entries(root):
        path = document(entry, root)
        if path.suffix == ".ipynb":
            name = path.stem
            if name in found:
                raise TocError(f"two notebooks are called {name!r}: {found[name]} and {path}")
            found[name] = path
    return found


def notebook(name: str, root: Path = paths.ROOT) -> Path:
    """The notebook called ``name``; a KeyError lists the valid names."""
    books = notebooks(root)
    if name not in books:
        raise KeyError(f"no notebook {name!r} in _toc.yml; notebooks: {', '.join(books)}")
    return books[name]
