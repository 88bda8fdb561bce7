"""Computations of the infrastructure chapter (``chapters/infrastructure.ipynb``), by section.

- :mod:`.capex`: capex and guidance (series on one basis, growth, capex intensity, guidance
  ranges, revisions and outcomes);
- :mod:`.campuses`: campuses and power (announced gigawatts, power agreements);
- :mod:`.depreciation`: depreciation implied by capex at a chosen useful life, operating margin;
- :mod:`.financing`: who pays (operating cash flow against capex, the financing deals);
- :mod:`.peers`: Meta beside Microsoft, Alphabet, Amazon and Oracle (capex, capex intensity);
- :mod:`.what_if`: what a gigawatt means in accelerators and households.

The notebook imports this one name: ``from report.chapters import infrastructure as infra``.
"""

from report.chapters.infrastructure.campuses import (
    announced_gw,
    campus_capacity,
    campus_chart,
    power_chart,
)
from report.chapters.infrastructure.capex import (
    BASES,
    MixedBasisError,
    basis_label,
    capex_bases_chart,
    capex_series,
    check_basis,
    cumulative_since,
    growth,
    guidance_chart,
    guidance_outcomes,
    guidance_revisions,
    intensity,
    intensity_chart,
    latest_guidance,
    latest_quarter,
    multiple_of,
    outcomes_table_html,
    quarterly_chart,
    upward_revisions,
    with_midpoints,
)
from report.chapters.infrastructure.depreciation import (
    annual_metric,
    depreciation_chart,
    implied_depreciation,
    operating_margin,
    with_plan,
)
from report.chapters.infrastructure.financing import (
    BRIDGE_STEPS,
    DEAL_KINDS,
    deals_chart,
    funding,
    funding_chart,
    metric_series,
    quarterly_bridge,
    quarterly_bridge_chart,
)
from report.chapters.infrastructure.peers import (
    ALIGNMENTS,
    PEERS,
    calendar_year,
    check_alignment,
    latest_common_year,
    peer_table,
    peers_chart,
    ranks,
)
from report.chapters.infrastructure.what_if import (
    HOURS_PER_YEAR,
    WHAT_IF_SOURCES,
    accelerators_per_gw,
    households_per_gw,
    what_if_chart,
)
from report.sourcing import preferred

__all__ = [
    "ALIGNMENTS",
    "BASES",
    "BRIDGE_STEPS",
    "DEAL_KINDS",
    "HOURS_PER_YEAR",
    "MixedBasisError",
    "PEERS",
    "WHAT_IF_SOURCES",
    "accelerators_per_gw",
    "announced_gw",
    "annual_metric",
    "basis_label",
    "calendar_year",
    "campus_capacity",
    "campus_chart",
    "capex_bases_chart",
    "capex_series",
    "check_alignment",
    "check_basis",
    "cumulative_since",
    "deals_chart",
    "depreciation_chart",
    "funding",
    "funding_chart",
    "growth",
    "guidance_chart",
    "guidance_outcomes",
    "guidance_revisions",
    "households_per_gw",
    "implied_depreciation",
    "intensity",
    "intensity_chart",
    "latest_common_year",
    "latest_guidance",
    "latest_quarter",
    "metric_series",
    "multiple_of",
    "operating_margin",
    "outcomes_table_html",
    "peer_table",
    "peers_chart",
    "power_chart",
    "preferred",
    "quarterly_bridge",
    "quarterly_bridge_chart",
    "quarterly_chart",
    "ranks",
    "upward_revisions",
    "what_if_chart",
    "with_midpoints",
    "with_plan",
]
