"""Take it with you: every chart's data, static images and citation.

Under each chart's caption the book offers a small row of links:

- **Data (CSV)**: exactly the rows the chart draws (after the chart's own filters), in the
  units shown, each with its ``source_id``, the source's URL, its grade (``sources.kind``)
  and its second-hand mark (``sources.seen``); rows the report computed itself (a
  projection, a reference line) say so and name no source.
- **Metadata (JSON)**: a sidecar in the spirit of Our World in Data's ``.metadata.json``:
  title, description, units, the parameters the chart was built with, the edition date,
  the data cut-off of the rows drawn, the sources and the citation.
- **Image (SVG, PNG)**: rendered at build time with vl-convert (no browser), in the light
  theme, with the title inside the image and a source line under the chart.
- **Cite**: a short citation to copy (chart title, report title, edition date, the URL of
  the chart's anchor).

The kernel draws the link row (``links_html``, passed to the chart renderer by
``report.notebook.setup``); the build writes the files (``build``) into the staging copy
under ``_takeaway/charts/<notebook>/<label>.<ext>``, and the Sphinx extension ships them
as ``_static/charts/<notebook>/<label>.<ext>``: names come from the chart's label, so
they stay the same from one edition to the next and outside links keep working.

Static renders are cached twice: per notebook (an unchanged staged notebook, with
unchanged sources and code, costs one hash on rebuild) and per chart, by the content of
what is drawn (a re-executed chapter whose chart did not change renders nothing).

Sub-modules: ``links`` (names and the link row), ``rows`` (CSV rows), ``metadata`` (the JSON
sidecar), ``renders`` (SVG/PNG), ``files`` and ``manifest`` (write the files, list what is current).
"""

from report.publish.takeaway.files import TakeawayReport
from report.publish.takeaway.links import (
    EXTENSIONS,
    FOLDER,
    STAGE_DIR,
    TakeawayError,
    anchor,
    book_title,
    citation_text,
    href,
    link_row,
    links_html,
    spec_title,
    stem,
)
from report.publish.takeaway.manifest import build, files_of, notebook_charts
from report.publish.takeaway.metadata import SIDECAR_VERSION, declared_units, sidecar
from report.publish.takeaway.renders import (
    MAX_SOURCES_IN_IMAGE,
    PNG_SCALE,
    STATIC_WIDTH,
    Renders,
    compose_svg,
    render_images,
    source_line,
)
from report.publish.takeaway.rows import SOURCE_COLUMNS, Drawn, csv_rows, csv_text, drawn_datasets

__all__ = [
    "Drawn",
    "EXTENSIONS",
    "FOLDER",
    "MAX_SOURCES_IN_IMAGE",
    "PNG_SCALE",
    "Renders",
    "SIDECAR_VERSION",
    "SOURCE_COLUMNS",
    "STAGE_DIR",
    "STATIC_WIDTH",
    "TakeawayError",
    "TakeawayReport",
    "anchor",
    "book_title",
    "build",
    "citation_text",
    "compose_svg",
    "csv_rows",
    "csv_text",
    "declared_units",
    "drawn_datasets",
    "files_of",
    "href",
    "link_row",
    "links_html",
    "notebook_charts",
    "render_images",
    "sidecar",
    "source_line",
    "spec_title",
    "stem",
]
