"""Helpers shared by the build tests and the bad-input tests: tiny notebooks and jobs, a folder's digest."""

from __future__ import annotations

import hashlib
from pathlib import Path

import nbformat

from report.build import execute


def notebook(path: Path, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
    }
    cells = [nbformat.v4.new_code_cell("x: int = 1  # a parameter")]
    cells[0].metadata["tags"] = ["parameters"]
    for i, src in enumerate(sources):
        cell = nbformat.v4.new_code_cell(src)
        cell["id"] = f"c{i}"
        cells.append(cell)
    cells[0]["id"] = "params"
    nb.cells = cells
    nbformat.write(nb, path)
    return path


def job(tmp_path: Path, source: Path, **kw) -> execute.Job:
    return execute.Job(
        name=source.stem,
        source=source,
        output=tmp_path / "out" / source.name,
        parameters=kw.pop("parameters", {}),
        cwd=tmp_path,
        keep_failed=tmp_path / "failed" / source.name,
        **kw,
    )


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
