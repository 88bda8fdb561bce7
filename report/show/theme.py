"""The chart theme: the Okabe-Ito palette by colour name, the book font, axes and the Altair theme."""

from __future__ import annotations

import altair as alt

#: Okabe-Ito, the colour-blind-safe palette (Okabe & Ito 2008), black moved last, by the
#: name chart wording uses for each colour. Subtitles that name a colour take the word from
#: here (``colour_name``), so the words match the marks. Okabe and Ito's "vermillion" is
#: called red-orange: readers see it as orange beside red, not as red.
COLOURS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",  # Okabe-Ito's bluish green
    "pink": "#CC79A7",  # Okabe-Ito's reddish purple
    "sky blue": "#56B4E9",
    "red-orange": "#D55E00",  # Okabe-Ito's vermillion
    "yellow": "#F0E442",
    "black": "#000000",
}


PALETTE = list(COLOURS.values())


#: The greys of rules and reference marks (lightened, not renamed, in dark mode).
GREYS = ["#5f6368", "#777777", "#888888", "#999999"]


def colour_name(colour: str) -> str:
    """The word chart wording uses for one of the theme's colours: ``"#D55E00"`` -> ``red-orange``."""
    wanted = colour.lower()
    for name, value in COLOURS.items():
        if value.lower() == wanted:
            return name
    if wanted in GREYS:
        return "grey"
    raise KeyError(f"{colour} is not a colour of the report's theme")


#: The book's font stack (pydata-sphinx-theme's system font stack).
FONT = '-apple-system, BlinkMacSystemFont, "Segoe UI", "Helvetica Neue", Arial, sans-serif'


THEME_NAME = "report"


_GREY = "#5f6368"


#: A date axis labelled once per year (a plain "%Y" format repeats a year when Vega
#: places a tick every six months).
YEAR_AXIS = alt.Axis(format="%Y", tickCount={"interval": "year", "step": 1})


def present_scale(labels: dict[str, str], values: list, present: object) -> alt.Scale:
    """A categorical scale listing only the categories that have a mark, each keeping its value.

    ``labels`` maps codes to the words a legend shows, in legend order; ``values`` gives each
    code's colour or shape, in the same order; ``present`` holds the labels (or codes) the
    chart's rows carry. A legend then never lists a category with no mark, and a category keeps
    its colour or shape whichever others are drawn. Raises ``ValueError`` when ``values`` and
    ``labels`` differ in length.
    """
    if len(values) < len(labels):
        raise ValueError(f"{len(labels)} categories but {len(values)} colours or shapes")
    seen = set(present)
    pairs = [
        (word, value)
        for (code, word), value in zip(labels.items(), values, strict=False)
        if code in seen or word in seen
    ]
    return alt.Scale(domain=[w for w, _ in pairs], range=[v for _, v in pairs])


def theme() -> alt.theme.ThemeConfig:
    """The report's Altair theme: palette, font, quiet axes, transparent background."""
    return {
        "config": {
            "background": None,
            "font": FONT,
            "view": {"continuousWidth": 640, "continuousHeight": 320, "stroke": None},
            "range": {"category": PALETTE},
            "title": {
                "anchor": "start",
                "fontSize": 15,
                "fontWeight": 600,
                "offset": 12,
                "subtitleFontSize": 12,
                "subtitleColor": _GREY,
                "color": "#222222",
            },
            "axis": {
                "labelFontSize": 12,
                "titleFontSize": 12,
                "titleFontWeight": 500,
                "gridColor": "#d9d9d9",
                "domainColor": "#888888",
                "tickColor": "#888888",
                "labelColor": "#333333",
                "titleColor": "#333333",
                # Thin out labels that would touch ("7,0008,000"), on every scale type.
                "labelOverlap": "greedy",
                "labelSeparation": 6,
            },
            # Hide an x label that would run past the end of the axis (and off the chart).
            "axisX": {"labelBound": True},
            "legend": {
                "labelFontSize": 12,
                "titleFontSize": 12,
                "orient": "bottom",
                "labelColor": "#333333",
                "titleColor": "#333333",
                "labelLimit": 260,
                # Symbols of a shape legend with no colour of their own (Vega's default is
                # black, invisible in dark mode; the book's script lightens this grey there).
                "symbolBaseFillColor": "#666666",
                "symbolBaseStrokeColor": "#666666",
            },
            "header": {"labelFontSize": 12, "titleFontSize": 12},
            "line": {"strokeWidth": 2.5},
            "point": {"size": 60, "filled": True},
            "text": {"fontSize": 12, "color": "#333333"},
        }
    }
