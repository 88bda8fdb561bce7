"""Static SVG and PNG renders of each chart (vl-convert), cached by what is drawn."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from report.publish import static_render
from report.publish.takeaway.files import TakeawayReport, _sha, _write
from report.publish.takeaway.links import FOLDER, TakeawayError
from report.show.theme import FONT

STATIC_WIDTH = static_render.STATIC_WIDTH


PNG_SCALE = static_render.PNG_SCALE


#: Most sources a static render names in its source line (the CSV lists them all).
MAX_SOURCES_IN_IMAGE = 6


def source_line(spec: dict[str, Any], book: str, edition: str) -> list[str]:
    """The lines printed under a static render: its sources, the report and the edition."""
    meta = spec.get("usermeta", {}).get("report", {})
    labels = list(dict.fromkeys(s["label"] for s in meta.get("sources", [])))
    lines = []
    if len(labels) > MAX_SOURCES_IN_IMAGE:
        more = len(labels) - MAX_SOURCES_IN_IMAGE
        shown = "; ".join(labels[:MAX_SOURCES_IN_IMAGE])
        lines.append(f"Sources: {shown}; and {more} more, listed in the chart's CSV.")
    elif labels:
        lines.append(("Source: " if len(labels) == 1 else "Sources: ") + "; ".join(labels) + ".")
    elif meta.get("tables"):
        lines.append("Data: " + ", ".join(meta["tables"]) + ".")
    lines.append(f"{book}, edition of {edition}.")
    return lines


def compose_svg(chart_svg: str, lines: list[str]) -> str:
    """Add the source lines under a vl-convert SVG, on a white page (in the report's font)."""
    try:
        return static_render.compose_svg(chart_svg, lines, FONT)
    except static_render.RenderError as exc:
        raise TakeawayError(str(exc)) from exc


def render_images(spec: dict[str, Any], lines: list[str]) -> tuple[bytes, bytes]:
    """The SVG and PNG of a chart, light theme, title and source line inside."""
    return static_render.render_images(spec, lines, FONT)


def _static_spec(spec: dict[str, Any]) -> dict[str, Any]:
    return static_render.static_spec(spec)


def _rendered(cached: Path) -> bool:
    return cached.with_suffix(".svg").is_file() and cached.with_suffix(".png").is_file()


class Renders:
    """The static images of a build, rendered in worker processes while the book compiles.

    ``build`` returns at once with the CSV and JSON files written and the renders started;
    ``finish`` waits for them, then writes every image into the staged folder (for the next
    build's compile) and into each compiled HTML folder given, and records the manifests.
    vl-convert runs one JavaScript engine per process, so a pool of processes (not threads)
    is what renders charts side by side.
    """

    def __init__(
        self,
        out_dir: Path,
        todo: list[tuple[dict[str, Any], list[str], Path, str]],
        missing: list[tuple[dict[str, Any], list[str], Path, str]],
        manifests: dict[str, tuple[Path, str, list[str]]],
        report: TakeawayReport,
        started: float,
        jobs: int | None,
    ) -> None:
        self.out_dir, self.todo, self.manifests = out_dir, todo, manifests
        self.report, self.started = report, started
        self._futures: list[tuple[Path, Any]] = []
        self._pool = None
        if missing:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            workers = max(1, min(jobs or os.cpu_count() or 1, len(missing)))
            self._pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=static_render.use_render_env,
            )
            self._futures = [
                (cached, self._pool.submit(static_render.render_images, spec, lines, FONT))
                for spec, lines, cached, _ in missing
            ]

    @property
    def charts(self) -> int:
        """How many charts the book has."""
        return self.report.charts

    @property
    def rendered(self) -> int:
        """How many images are rendered afresh (the rest come from the cache)."""
        return self.report.rendered

    def finish(self, *html_dirs: Path) -> TakeawayReport:
        """Wait for the renders; write the images to the stage and into ``html_dirs``.

        Raises:
            TakeawayError: a chart could not be rendered (vl-convert's message included).
        """
        import time

        try:
            for cached, future in self._futures:
                try:
                    svg, png = future.result()
                except Exception as exc:  # vl-convert raises plain ValueError/RuntimeError
                    raise TakeawayError(f"rendering {cached.name} failed: {exc}") from exc
                _write(cached.with_suffix(".png"), png)
                _write(cached.with_suffix(".svg"), svg)
        finally:
            if self._pool is not None:
                self._pool.shutdown(cancel_futures=True)
                self._pool = None
        targets = [self.out_dir, *(Path(d) / "_static" / FOLDER for d in html_dirs)]
        for _, _, cached, base in self.todo:
            for target in targets:
                _write(target / f"{base}.svg", cached.with_suffix(".svg").read_bytes())
                _write(target / f"{base}.png", cached.with_suffix(".png").read_bytes())
        # Each notebook's files are recorded as current with the bytes they hold, so the next
        # build reuses them only if they are still exactly these (see manifest._current).
        for manifest, key, files in self.manifests.values():
            manifest.parent.mkdir(parents=True, exist_ok=True)
            digests = {f: _sha((self.out_dir / f).read_bytes()) for f in files}
            manifest.write_text(json.dumps({"key": key, "files": digests}), encoding="utf-8")
        self.report.seconds = time.perf_counter() - self.started
        return self.report

    def cancel(self) -> None:
        """Stop the renders (the build failed before ``finish``)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
