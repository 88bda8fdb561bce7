"""Static renders of a chart (SVG and PNG through vl-convert), light enough for worker processes.

The build renders its charts' images in a pool of processes while Jupyter Book compiles the
book (see :class:`report.publish.takeaway.Renders`); each worker imports only this module and
vl-convert, not pandas or Altair, so starting one costs a fraction of a second.
"""

from __future__ import annotations

import html
import os
import re
import time
from typing import Any

#: Width of a static render when the chart is drawn at its container's width in the book.
STATIC_WIDTH = 640
#: PNG scale (2 = sharp on high-density screens and in slides).
PNG_SCALE = 2


#: The time zone and locale every render runs in. vl-convert's JavaScript engine reads dates
#: without a zone (``2025-06-01T00:00:00``, as Altair writes them) in the process's local time,
#: so the same chart drew 0.02 px apart under ``TZ=UTC`` and ``TZ=Pacific/Auckland``.
RENDER_ENV = {"TZ": "UTC", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}


def use_render_env(env: dict[str, str] | None = None) -> None:
    """Put this process in the renderers' time zone and locale (``RENDER_ENV`` by default).

    Must run before vl-convert first draws in the process (its engine reads the zone once):
    the build's render workers run it as their initializer, and :func:`render_images` runs
    it too. It changes this process's environment (``TZ``, ``LC_ALL``, ``LANG``).
    """
    wanted = RENDER_ENV if env is None else env
    if any(os.environ.get(k) != v for k, v in wanted.items()):
        os.environ.update(wanted)
        time.tzset()


class RenderError(ValueError):
    """vl-convert returned something that cannot be composed into a page."""


def static_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec as drawn on paper: fixed width, white background, no reader controls."""

    def fix(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: fix(v) for k, v in node.items() if k not in ("datasets", "usermeta")}
            if out.get("width") == "container":
                out["width"] = STATIC_WIDTH
            if out.get("height") == "container":
                out["height"] = 320
            return out
        if isinstance(node, list):
            return [fix(v) for v in node]
        return node

    out = fix(spec)
    out["datasets"] = spec.get("datasets", {})
    out["config"] = {**spec.get("config", {}), "background": "#ffffff"}
    return out


def _wrap(text: str, width: int, size: float) -> list[str]:
    limit = max(20, int(width / (size * 0.55)))
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > limit:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + ([line] if line else [])


def compose_svg(chart_svg: str, lines: list[str], font: str) -> str:
    """Add the source lines under a vl-convert SVG, on a white page, in ``font``.

    Raises:
        RenderError: the SVG has no width and height.
    """
    found = re.search(r'<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"', chart_svg)
    if not found:
        raise RenderError("vl-convert returned an SVG without a width and height")
    width, height = float(found.group(1)), float(found.group(2))
    width = max(width, 320.0)
    size, lead, pad = 11, 15, 10
    wrapped = [w for line in lines for w in _wrap(line, int(width - 2 * pad), size)]
    total = height + pad + lead * len(wrapped) + pad
    inner = re.sub(r"^<\?xml[^>]*>\s*", "", chart_svg)
    texts = "".join(
        f'<text x="{pad}" y="{height + pad + lead * (i + 1) - 4:.0f}">{html.escape(t)}</text>'
        for i, t in enumerate(wrapped)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'version="1.1" width="{width:.0f}" height="{total:.0f}" viewBox="0 0 {width:.0f} {total:.0f}">'
        f'<rect width="100%" height="100%" fill="#ffffff"/>{inner}'
        f'<g font-family="{html.escape(font, quote=True)}" font-size="{size}" fill="#444444">{texts}</g>'
        "</svg>\n"
    )


def render_images(spec: dict[str, Any], lines: list[str], font: str) -> tuple[bytes, bytes]:
    """The SVG and PNG (UTF-8 bytes, PNG bytes) of a chart, light theme, title and source lines inside.

    Dates are drawn in UTC whatever the machine's zone (see :data:`RENDER_ENV`), so the bytes
    depend only on the spec, the lines and the font.

    Raises:
        ValueError: vl-convert cannot compile or draw the spec.
        RenderError: its SVG has no size.
    """
    use_render_env()
    import vl_convert

    svg = compose_svg(vl_convert.vegalite_to_svg(static_spec(spec)), lines, font)
    png = vl_convert.svg_to_png(svg, scale=PNG_SCALE)
    return svg.encode("utf-8"), bytes(png)
