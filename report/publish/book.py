"""Stage, execute, compile and publish the book; refresh the committed notebooks.

``build``: validate the data, resolve parameters, execute every notebook into a staging
copy under ``_build/stage`` (never writing to ``chapters/``), compile it with Jupyter
Book (warnings are errors) and swap the result into ``_build/html`` only when every
step succeeded. ``plan`` (``build --dry-run``): the first two steps and the cache
look-up only, executing and writing nothing. ``refresh``: execute the committed
notebooks in place with their defaults (what a maintainer commits after changing data).

Over 400 lines because it is the pipeline in one place: each step is a short function; their work lives in build/ and publish/.
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from report import data, facts, paths
from report.build import cache, execute, lock, toc
from report.build import params as params_mod
from report.publish import sphinxext, takeaway

#: Files and folders copied into the staging copy besides the toc's documents.
BOOK_FILES = ["_config.yml", "_toc.yml", "references.bib", "_static", "logo.svg"]


class BuildError(RuntimeError):
    """A step of the build failed; the published book was left as it was."""


class NoSpace(BuildError):
    """The disk filled up while the book was being published; the old book is in place."""


class _CopyFailed(Exception):
    """A file of the publish copy could not be written (stops ``copytree`` at the first one)."""

    def __init__(self, cause: OSError) -> None:
        super().__init__(cause)
        self.cause = cause


def _copy_or_stop(src: str, dst: str) -> str:
    """``shutil.copy2``, but the first failure stops the whole copy (no filling the disk on)."""
    try:
        return shutil.copy2(src, dst)
    except OSError as exc:
        raise _CopyFailed(exc) from exc


def _no_space(exc: BaseException) -> bool:
    """Whether a failure of the publish step is a full disk (see ``execute.is_full_disk``)."""
    return execute.is_full_disk(exc)


@dataclass
class BuildReport:
    """What a build did."""

    html: Path
    results: list[execute.Result] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    compile_seconds: float = 0.0
    total_seconds: float = 0.0
    changed_figures: list[dict[str, Any]] = field(default_factory=list)
    takeaway: takeaway.TakeawayReport | None = None
    #: No earlier build's figures to compare with (a first build, or after --force).
    first: bool = False

    def summary(self) -> str:
        """A human summary: time per chapter, figures changed, where the book is."""
        lines = ["Chapters:"]
        for result in self.results:
            lines.append(
                f"  {result.name:<18} executed in {result.seconds:5.1f}s{result.retry_note}"
            )
        for name in self.reused:
            lines.append(f"  {name:<18} reused (inputs unchanged)")
        if self.takeaway is not None:
            lines.append(
                f"Take-away files of {self.takeaway.charts} charts: {self.takeaway.rendered} "
                f"image(s) rendered in {self.takeaway.seconds:.1f}s, the rest reused."
            )
        lines.append(f"Compiled in {self.compile_seconds:.1f}s; total {self.total_seconds:.1f}s.")
        if self.changed_figures:
            lines.append("Key figures changed since the last build:")
            for row in self.changed_figures:
                lines.append(f"  {row['chapter']}.{row['name']}: {row['old']} -> {row['new']}")
        elif self.first:
            lines.append("First build here: key figures are compared from the next build on.")
        else:
            lines.append("No key figure changed since the last build.")
        lines.append(f"The book is in {self.html}")
        lines.append(f"Serve it with: python -m http.server --directory {self.html} 8000")
        return "\n".join(lines)


def _sync_file(src: Path, dst: Path) -> None:
    """Copy ``src`` to ``dst`` only when the bytes differ (keeps mtimes for Sphinx)."""
    if dst.is_file() and dst.read_bytes() == src.read_bytes():
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)


def _sync_tree(src: Path, dst: Path) -> None:
    keep = set()
    for item in src.rglob("*"):
        if item.is_file() and "__pycache__" not in item.parts:
            rel = item.relative_to(src)
            keep.add(rel)
            _sync_file(item, dst / rel)
    if dst.exists():
        for item in dst.rglob("*"):
            if item.is_file() and item.relative_to(dst) not in keep:
                item.unlink()


def stage_sources(root: Path, stage: Path, data_dir: Path) -> None:
    """Copy the book's non-notebook sources and the data in use into ``stage``."""
    stage.mkdir(parents=True, exist_ok=True)
    for name in BOOK_FILES:
        src = root / name
        if src.is_dir():
            _sync_tree(src, stage / name)
        elif src.is_file():
            _sync_file(src, stage / name)
    for entry in toc.entries(root):
        doc = toc.document(entry, root)
        if doc.suffix == ".md":
            _sync_file(doc, stage / doc.relative_to(root))
    _sync_tree(data_dir, stage / "data")


def stage_digest(stage: Path) -> str:
    """What the published book is made from: every staged file and the package code.

    Files are identified by path, size and modification time; the build only ever changes a
    staged file by writing it, so an unchanged digest means an unchanged book.
    """
    digest = hashlib.sha256(cache.code_hash().encode())
    for path in sorted(stage.rglob("*")):
        if path.is_file() and "_build" not in path.relative_to(stage).parts:
            info = path.stat()
            digest.update(f"{path.relative_to(stage)}:{info.st_size}:{info.st_mtime_ns}".encode())
    return digest.hexdigest()


def jupyter_book() -> list[str]:
    """The command that runs Jupyter Book with this interpreter."""
    exe = Path(sys.executable).with_name("jupyter-book")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "jupyter_book"]


def compile_book(stage: Path, out: Path) -> Path:
    """Run ``jupyter-book build`` on ``stage`` with warnings as errors; return the HTML folder."""
    cmd = [
        *jupyter_book(),
        "build",
        str(stage),
        "--path-output",
        str(out),
        "--builder",
        "html",
        "--warningiserror",
        "--nitpick",
        "--keep-going",
        "--quiet",
    ]
    # "Last updated" in every footer is the data edition's date, not the day of the build, so
    # the same edition compiles to the same pages on any day (Sphinx honours SOURCE_DATE_EPOCH).
    edition = data.Package(stage / "data").edition
    epoch = int(
        dt.datetime(edition.year, edition.month, edition.day, 12, tzinfo=dt.UTC).timestamp()
    )
    env = {**execute.tool_env(), "SOURCE_DATE_EPOCH": str(epoch)}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        log = out / "jupyter-book.log"
        out.mkdir(parents=True, exist_ok=True)
        log.write_text(proc.stdout + "\n" + proc.stderr, encoding="utf-8")
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-25:])
        raise BuildError(f"Jupyter Book failed (exit {proc.returncode}); full log: {log}\n{tail}")
    return out / "_build" / "html"


def publish(new_html: Path, target: Path) -> None:
    """Swap a finished HTML folder into place; the old one is removed only afterwards.

    The book is copied next to ``target`` (``.html-incoming``), then renamed into place. Any
    failure on the way (a full disk at any file) removes the partial copy and leaves
    ``target`` exactly as it was.

    Raises:
        NoSpace: the disk (or quota) filled up; one line naming where.
        BuildError: another error of the file system while publishing.
    """
    staged = target.with_name(f".{target.name}-incoming")
    old = target.with_name(f".{target.name}-previous")
    for leftover in (staged, old):
        if leftover.exists():
            shutil.rmtree(leftover)
    try:
        shutil.copytree(new_html, staged, copy_function=_copy_or_stop)
        if target.exists():
            os.rename(target, old)
        try:
            os.rename(staged, target)
        except OSError:
            if old.exists() and not target.exists():
                os.rename(old, target)
            raise
    except (OSError, shutil.Error, _CopyFailed) as exc:
        shutil.rmtree(staged, ignore_errors=True)
        cause = exc.cause if isinstance(exc, _CopyFailed) else exc
        where = getattr(cause, "filename", None) or staged
        if _no_space(exc):
            raise NoSpace(
                f"no space left on the device while publishing the book (writing {where}); "
                f"the partial copy was removed and {target} is unchanged: free some space and "
                "build again"
            ) from None
        reason = cause.strerror if isinstance(cause, OSError) and cause.strerror else cause
        raise BuildError(
            f"the book could not be copied into place ({reason}, at {where}); "
            f"the partial copy was removed"
        ) from None
    shutil.rmtree(old, ignore_errors=True)


def glued(nb_path: Path) -> dict[str, str]:
    """Every glued value of an executed notebook (name -> text/plain)."""
    nb = nbformat.read(str(nb_path), as_version=4)
    found = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook")
            if meta and "name" in meta:
                prefix = meta.get("mime_prefix", "")
                text = out.get("data", {}).get(f"{prefix}text/plain", "")
                try:
                    found[meta["name"]] = str(ast.literal_eval(text))
                except (ValueError, SyntaxError):
                    found[meta["name"]] = text
    return found


def figure_changes(old: dict[str, dict[str, str]], new: dict[str, dict[str, str]]) -> list[dict]:
    """Glued values that differ between two builds (added ones count; removed ones too)."""
    rows = []
    for chapter in sorted(set(old) | set(new)):
        before, after = old.get(chapter, {}), new.get(chapter, {})
        for name in sorted(set(before) | set(after)):
            if before.get(name) != after.get(name):
                rows.append(
                    {
                        "chapter": chapter,
                        "name": name,
                        "old": before.get(name, "(none)"),
                        "new": after.get(name, "(none)"),
                    }
                )
    return rows


@dataclass
class Plan:
    """What a build would do, decided before anything runs (``build --dry-run``)."""

    data_dir: Path
    edition: str
    tables: int
    notebooks: dict[str, Path]
    overrides: dict[str, dict[str, Any]]
    run: dict[str, str]
    reused: list[str]
    fingerprint: str

    def summary(self) -> str:
        """What would run and what would be reused, with the parameters that differ."""
        lines = [
            f"Data: {self.data_dir} is valid ({self.tables} tables, edition {self.edition}).",
            "Parameters: every value checked (type, finite, documented range, ISO dates).",
        ]
        for name, values in self.overrides.items():
            shown = {k: v for k, v in values.items() if k != "data_dir"}
            if shown:
                pairs = ", ".join(f"{k} = {v!r}" for k, v in shown.items())
                lines.append(f"  {name}: {pairs}")
        lines.append(f"Would execute {len(self.run)} notebook(s):")
        lines += [f"  {name:<18} {why}" for name, why in self.run.items()]
        lines.append(f"Would reuse {len(self.reused)} notebook(s) from the cache:")
        lines += [f"  {name:<18} inputs unchanged" for name in self.reused]
        lines.append("Dry run: nothing was executed, compiled or written.")
        return "\n".join(lines)


def plan(
    root: Path = paths.ROOT,
    params_file: Path | None = None,
    scenario: str | None = None,
    cli_params: list[str] | None = None,
    data_dir: Path | None = None,
    force: bool = False,
    progress: Callable[[str], None] = print,
    build_dir: Path | None = None,
) -> Plan:
    """Validate the data, resolve every parameter and look up the cache; write nothing.

    ``build_dir`` is the build folder whose cache is consulted (default ``root/_build``).

    Raises:
        DataError: the data is invalid.
        ParameterError: a parameter, or the parameters file, is invalid.
    """
    chosen_data = Path(data_dir).resolve() if data_dir else root / "data"

    progress(f"[1/5] validating the data in {chosen_data}")
    data.ensure_valid(chosen_data)
    validated = data.fingerprint(chosen_data)

    progress("[2/5] resolving parameters")
    notebooks = toc.notebooks(root)
    overrides = params_mod.resolve(
        notebooks,
        params_file=Path(params_file) if params_file else root / "params.yaml",
        scenario=scenario,
        cli=cli_params or [],
        data_dir=Path(data_dir).resolve() if data_dir else None,
    )

    build_dir = build_dir or root / "_build"
    store = cache.Cache(build_dir / "cache", root, chosen_data)
    run, reused = {}, []
    for name, source in notebooks.items():
        output = build_dir / "stage" / source.relative_to(root)
        why = (
            "--force"
            if force
            else store.miss(name, store.key(name, source, overrides[name]), output)
        )
        if why is None:
            reused.append(name)
        else:
            run[name] = why
    pkg = data.Package(chosen_data)
    return Plan(
        data_dir=chosen_data,
        edition=str(pkg.edition),
        tables=len(pkg.tables),
        notebooks=notebooks,
        overrides=overrides,
        run=run,
        reused=reused,
        fingerprint=validated,
    )


def build(
    root: Path = paths.ROOT,
    params_file: Path | None = None,
    scenario: str | None = None,
    cli_params: list[str] | None = None,
    data_dir: Path | None = None,
    jobs: int | None = None,
    force: bool = False,
    progress: Callable[[str], None] = print,
    wait: bool = True,
    build_dir: Path | None = None,
) -> BuildReport:
    """Build the book into ``build_dir/html``; raise before touching it on any failure.

    ``build_dir`` (default ``root/_build``; ``--build-dir``, ``$REPORT_BUILD_DIR``) holds
    everything the build writes: the staging copy, the cache, the compiled book, the lock.
    One build at a time per folder: a second one waits for the first (``wait``) or raises
    ``lock.BuildLocked``; a folder that cannot be written raises ``lock.NotWritable`` before
    anything runs; a disk that fills up while publishing raises :class:`NoSpace`.
    """
    build_dir = Path(build_dir) if build_dir else root / "_build"
    with lock.build_lock(build_dir, wait=wait, progress=progress):
        return _build(
            root, params_file, scenario, cli_params, data_dir, jobs, force, progress, build_dir
        )


def _build(
    root: Path,
    params_file: Path | None,
    scenario: str | None,
    cli_params: list[str] | None,
    data_dir: Path | None,
    jobs: int | None,
    force: bool,
    progress: Callable[[str], None],
    build_dir: Path,
) -> BuildReport:
    started = time.perf_counter()
    stage = build_dir / "stage"
    planned = plan(
        root, params_file, scenario, cli_params, data_dir, force, progress, build_dir=build_dir
    )
    chosen_data, notebooks, overrides = planned.data_dir, planned.notebooks, planned.overrides

    if force and build_dir.exists():
        for sub in ("stage", "sphinx", "cache"):
            shutil.rmtree(build_dir / sub, ignore_errors=True)
    stage_sources(root, stage, chosen_data)

    store = cache.Cache(build_dir / "cache", root, chosen_data)
    reused = planned.reused
    todo = [
        execute.Job(
            name=name,
            source=source,
            output=stage / source.relative_to(root),
            parameters=overrides[name],
            cwd=(stage / source.relative_to(root)).parent,
            keep_failed=build_dir / "failed" / source.name,
            env={paths.ROOT_ENV: str(root), data.VALIDATED_ENV: planned.fingerprint},
        )
        for name, source in notebooks.items()
        if name in planned.run
    ]

    progress(f"[3/5] executing {len(todo)} notebook(s), reusing {len(reused)}")

    def tick(result: execute.Result, done: int, total: int) -> None:
        state = "done" if result.ok else "FAILED"
        progress(
            f"      [{done}/{total}] {result.name} {state} ({result.seconds:.1f}s)"
            f"{result.retry_note}"
        )

    results = execute.run_all(todo, workers=jobs, progress=tick)
    failures = [r for r in results if not r.ok]
    if failures:
        for failed in failures:
            store.forget(failed.name)
        raise execute.ExecutionError(failures)
    for result, job in zip(results, todo, strict=True):
        store.record(job.name, job.source, job.parameters, result.reads, result.output)

    new = {name: glued(stage / src.relative_to(root)) for name, src in notebooks.items()}
    key = hashlib.sha256(json.dumps(new, sort_keys=True).encode()).hexdigest()
    key_file = stage / sphinxext.EDITION_KEY
    if not key_file.is_file() or key_file.read_text(encoding="utf-8") != key:
        key_file.write_text(key, encoding="utf-8")
    conflicts = facts.check_named_facts(new)
    if conflicts:
        raise BuildError(
            "pages disagree on a named fact; compute it once in report/facts.py:\n  "
            + "\n  ".join(conflicts)
        )
    try:
        renders = takeaway.build(
            stage, root, notebooks, chosen_data, build_dir / "cache" / "takeaway", jobs
        )
    except takeaway.TakeawayError as exc:
        raise BuildError(f"the charts' take-away files could not be made: {exc}") from exc
    progress(
        f"      take-away files: {renders.charts} charts, {renders.rendered} image(s) to render"
        + (" (while the book compiles)" if renders.rendered else "")
    )

    target = build_dir / "html"
    digest = stage_digest(stage)
    marker = build_dir / "sphinx" / "published-stage.sha256"
    t0 = time.perf_counter()
    try:
        if target.is_dir() and marker.is_file() and marker.read_text() == digest:
            extras = renders.finish(target)
            progress("[4/5] nothing changed since the published book; compiling skipped")
            progress("[5/5] the published book is current")
        else:
            progress("[4/5] compiling with Jupyter Book")
            marker.unlink(missing_ok=True)
            html = compile_book(stage, build_dir / "sphinx")
            extras = renders.finish(html)
            progress(
                f"      take-away images: {extras.rendered} rendered, "
                f"{extras.seconds:.1f}s after the take-away step began"
            )
            progress("[5/5] publishing")
            publish(html, target)
            # The digest now includes the images written after compiling, so an unchanged
            # rebuild finds the book current.
            marker.write_text(stage_digest(stage), encoding="utf-8")
    except takeaway.TakeawayError as exc:
        raise BuildError(f"the charts' take-away files could not be made: {exc}") from exc
    finally:
        renders.cancel()
    compile_seconds = time.perf_counter() - t0

    figures_file = build_dir / "figures.json"
    old = json.loads(figures_file.read_text()) if figures_file.is_file() else {}
    changes = figure_changes(old, new) if old else []
    figures_file.write_text(json.dumps(new, indent=1, sort_keys=True), encoding="utf-8")
    (build_dir / "changes.json").write_text(
        json.dumps(
            {"executed": [r.name for r in results], "reused": reused, "figures_changed": changes},
            indent=1,
        ),
        encoding="utf-8",
    )
    return BuildReport(
        html=target,
        results=results,
        reused=reused,
        compile_seconds=compile_seconds,
        total_seconds=time.perf_counter() - started,
        changed_figures=changes,
        first=not old,
        takeaway=extras,
    )


def refresh(
    root: Path = paths.ROOT,
    jobs: int | None = None,
    only: list[str] | None = None,
    progress: Callable[[str], None] = print,
) -> list[execute.Result]:
    """Re-execute the committed notebooks in place with their default parameters."""
    data.ensure_valid(root / "data")
    notebooks = toc.notebooks(root)
    if only:
        unknown = sorted(set(only) - set(notebooks))
        if unknown:
            raise KeyError(
                f"unknown notebook(s) {', '.join(unknown)}; valid: {', '.join(notebooks)}"
            )
        notebooks = {k: v for k, v in notebooks.items() if k in only}
    todo = [
        execute.Job(
            name=name,
            source=path,
            output=path,
            parameters={},
            cwd=path.parent,
            keep_failed=root / "_build" / "failed" / path.name,
            env={paths.ROOT_ENV: str(root)},
        )
        for name, path in notebooks.items()
    ]

    def tick(result: execute.Result, done: int, total: int) -> None:
        progress(f"[{done}/{total}] {result.describe()}")

    results = execute.run_all(todo, workers=jobs, progress=tick)
    failures = [r for r in results if not r.ok]
    if failures:
        raise execute.ExecutionError(failures)
    return results
