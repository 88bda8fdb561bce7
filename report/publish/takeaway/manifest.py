"""Write every chart's take-away files for a staged book; list what is current."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

from report.publish.takeaway.files import TakeawayReport, _sha, _write
from report.publish.takeaway.links import (
    EXTENSIONS,
    FOLDER,
    STAGE_DIR,
    TakeawayError,
    book_title,
    stem,
)
from report.publish.takeaway.metadata import declared_units, sidecar
from report.publish.takeaway.renders import Renders, _rendered, _static_spec, source_line
from report.publish.takeaway.rows import csv_text
from report.show.charts import VEGALITE_MIME
from report.show.figures import date as date_words


def notebook_charts(path: Path) -> list[dict[str, Any]]:
    """The labelled chart specs of an executed notebook, in order."""
    nb = nbformat.read(str(path), as_version=4)
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            spec = out.get("data", {}).get(VEGALITE_MIME)
            if isinstance(spec, dict) and spec.get("usermeta", {}).get("report", {}).get("label"):
                found.append(spec)
    return found


def _parameters(source: Path, staged: Path) -> tuple[dict[str, Any], list[str]]:
    from report.build import params

    declared = params.declared(source)
    nb = nbformat.read(str(staged), as_version=4)
    injected = nb.metadata.get("papermill", {}).get("parameters", {}) or {}
    values = {name: injected.get(name, spec.default) for name, spec in declared.items()}
    changed = [n for n, spec in declared.items() if values[n] != spec.default and n != "data_dir"]
    values.pop("data_dir", None)
    return values, changed


def build(
    stage: Path,
    root: Path,
    notebooks: dict[str, Path],
    data_dir: Path,
    cache_dir: Path,
    jobs: int | None = None,
) -> Renders:
    """Write every chart's take-away files into ``stage/_takeaway/charts``; start the images.

    Args:
        stage: the staging copy of the book (executed notebooks inside).
        root: the repository root.
        notebooks: name -> source notebook, in book order.
        data_dir: the data folder in use (for sources, units and the edition).
        cache_dir: where rendered images and per-notebook manifests are kept.
        jobs: at most this many render processes (default: the number of cores).

    Returns:
        The running renders: call ``finish(html_dir)`` once the book is compiled; it returns
        how many charts there are and how many images were rendered.

    Raises:
        TakeawayError: a chart's files cannot be made (unknown source, unsupported filter).
    """
    import time

    from report import data
    from report.build import cache

    started = time.perf_counter()
    report = TakeawayReport()
    out_dir = stage / STAGE_DIR / FOLDER
    images = cache_dir / "images"
    sources_file = data_dir / "sources.csv"
    package = data.Package(data_dir)
    edition = package.edition.isoformat()
    edition_words = date_words(pd.Timestamp(edition))
    context = _sha(
        cache.code_hash(),
        sources_file.read_bytes(),
        (data_dir / "datapackage.yaml").read_bytes(),
        (root / "_config.yml").read_bytes(),
    )
    # Images depend only on what is drawn and on the renderer (the renders module, the static
    # renderer, vl-convert), so a change elsewhere in the package re-renders nothing.
    import vl_convert

    from report.publish import static_render
    from report.publish.takeaway import renders

    renderer = _sha(
        Path(renders.__file__).read_bytes(),
        Path(static_render.__file__).read_bytes(),
        vl_convert.__version__,
    )
    sources = None
    units = None
    title_of_book = book_title(root)
    keep: set[Path] = set()
    todo: list[tuple[dict[str, Any], list[str], Path, str]] = []
    manifests: dict[str, tuple[Path, str, list[str]]] = {}
    for name, source in notebooks.items():
        rel = source.relative_to(root)
        staged = stage / rel
        page = rel.with_suffix("").as_posix()
        key = _sha(context, staged.read_bytes(), page)
        manifest = cache_dir / f"{name}.json"
        try:
            entry = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entry = {}
        if entry.get("key") == key and _current(out_dir, entry.get("files")):
            keep.update(out_dir / f for f in entry["files"])
            report.charts += len(entry["files"]) // len(EXTENSIONS)
            report.reused_notebooks.append(name)
            continue
        # This notebook's files are about to change: they stop being current now, not after
        # the book is published, so a build that fails from here on (a compile error, an
        # interrupt) leaves nothing the next build would take for current.
        manifest.unlink(missing_ok=True)
        if sources is None:
            sources = data.load("sources", data_dir)
            units = declared_units(data_dir)
        parameters, changed = _parameters(source, staged)
        files = []
        for spec in notebook_charts(staged):
            label = spec["usermeta"]["report"]["label"]
            base = stem(name, label)
            report.charts += 1
            csv_bytes = csv_text(spec, sources).encode("utf-8")
            side = sidecar(
                spec,
                notebook=name,
                page=page,
                edition=edition,
                parameters=parameters,
                changed=changed,
                sources=sources,
                declared_units=units or {},
                title_of_book=title_of_book,
            )
            json_bytes = (
                json.dumps(side, indent=1, ensure_ascii=False, default=str) + "\n"
            ).encode()
            _write(out_dir / f"{base}.csv", csv_bytes)
            _write(out_dir / f"{base}.json", json_bytes)
            lines = source_line(spec, title_of_book, edition_words)
            image_key = _sha(json.dumps(_static_spec(spec), sort_keys=True), *lines, renderer)
            todo.append((spec, lines, images / image_key, base))
            files += [f"{base}.{ext}" for ext in EXTENSIONS]
            keep.update(out_dir / f"{base}.{ext}" for ext in EXTENSIONS)
        manifests[name] = (manifest, key, files)
        seen = set()
        for f in files:
            if f in seen:
                raise TakeawayError(f"two charts of {name!r} share the label of {f}")
            seen.add(f)

    # Delete what no chart of this edition links to before the book is compiled, so the
    # compiled book never ships a stale file.
    if out_dir.exists():
        for path in out_dir.rglob("*"):
            if path.is_file() and path not in keep:
                path.unlink()
    missing = [job for job in todo if not _rendered(job[2])]
    report.rendered = len(missing)
    return Renders(out_dir, todo, missing, manifests, report, started, jobs)


def _current(out_dir: Path, files: Any) -> bool:
    """Whether every file a manifest lists is in ``out_dir`` with the bytes it recorded.

    A manifest maps each file to the SHA-256 of the bytes written (``Renders.finish``); an
    older manifest (a bare list), a missing file or other bytes mean the notebook's files are
    made again.
    """
    if not isinstance(files, dict) or not files:
        return False
    for name, digest in files.items():
        path = out_dir / name
        if not path.is_file() or _sha(path.read_bytes()) != digest:
            return False
    return True


def files_of(book: Path) -> Iterable[Path]:
    """Every take-away file of a built book."""
    return sorted((book / "_static" / FOLDER).rglob("*.*"))
