"""Bases and definitions of the money series: named once, carried as data, never mixed.

Meta reports capex on two bases and free cash flow is computed two ways; a figure without its
basis reads as a contradiction beside the same fact on the other basis. Every capex row carries
``basis`` (``capex_annual``, ``capex_quarterly``) and every free-cash-flow row ``definition``
(``cash_flow``). Arithmetic that combines two figures (a ratio, a growth rate, a difference)
goes through :func:`ratio` or :func:`difference`, which raise :class:`MixedBasisError` when the
two are not on one basis, so the mistake cannot be written again.
"""

from __future__ import annotations

import math

#: Capex bases (``basis`` in capex_annual and capex_quarterly), in the words the book uses.
CAPEX_BASES = {
    "incl_finance_leases": "headline basis (purchases of property and equipment plus "
    "principal payments on finance leases, as Meta reports and guides it)",
    "purchases_ppe": "purchases basis (purchases of property and equipment only)",
}

#: Short names of the capex bases, for chart legends and key-figure cards.
CAPEX_BASIS_SHORT = {
    "incl_finance_leases": "headline basis",
    "purchases_ppe": "purchases basis",
}

#: Free-cash-flow definitions (``definition`` of free_cash_flow rows in cash_flow).
FCF_DEFINITIONS = {
    "meta": "Meta's definition (operating cash flow less purchases of property and equipment "
    "and principal payments on finance leases)",
    "ocf_less_purchases": "operating cash flow less purchases of property and equipment only "
    "(a data aggregator's definition)",
    "not_stated": "definition not stated by the source",
}

#: Short names of the free-cash-flow definitions.
FCF_DEFINITION_SHORT = {
    "meta": "Meta's definition",
    "ocf_less_purchases": "operating cash flow less purchases",
    "not_stated": "definition not stated",
}


# --- The book's choices, declared once ----------------------------------------------------------

#: The book's basis for Meta's own capex (its level, its growth against guidance, what cash flow
#: covers): the headline figure, as Meta reports it and as its guidance is given ("capital
#: expenditures, including principal payments on finance leases"). Declared once; every page
#: that shows Meta's capex names it.
CAPEX_BASIS = "incl_finance_leases"
#: Meta's capex guidance is on the headline basis (its releases define the outlook so).
GUIDANCE_BASIS = "incl_finance_leases"
#: Peers report purchases of property and equipment; comparisons across companies use it.
PEER_CAPEX_BASIS = "purchases_ppe"
#: The book's free-cash-flow definition: Meta's own (operating cash flow less purchases of
#: property and equipment and principal payments on finance leases).
FCF_DEFINITION = "meta"


class MixedBasisError(ValueError):
    """Two figures on different bases or definitions would be combined."""


def same_basis(*bases: str) -> str:
    """The one basis shared by every argument; raises :class:`MixedBasisError` otherwise.

    >>> same_basis("purchases_ppe", "purchases_ppe")
    'purchases_ppe'
    """
    found = list(dict.fromkeys(bases))
    if len(found) != 1:
        raise MixedBasisError("figures on different bases combined: " + " vs ".join(found))
    return found[0]


def ratio(
    numerator: float, numerator_basis: str, denominator: float, denominator_basis: str
) -> float:
    """``numerator / denominator`` for two figures on one basis (a multiple, a cover ratio).

    Raises :class:`MixedBasisError` when the bases differ and ``ZeroDivisionError`` when the
    denominator is zero; NaN in gives NaN out.
    """
    same_basis(numerator_basis, denominator_basis)
    if denominator == 0:
        raise ZeroDivisionError("ratio with a zero denominator")
    return float(numerator) / float(denominator)


def difference(a: float, a_basis: str, b: float, b_basis: str) -> float:
    """``a - b`` for two figures on one basis; raises :class:`MixedBasisError` otherwise."""
    same_basis(a_basis, b_basis)
    return float(a) - float(b)


def lease_principal(headline: float, purchases: float) -> float:
    """Principal payments on finance leases implied by the two capex bases of one period, USD bn.

    The one difference across the bases that is allowed, because it is their definition: the
    headline figure is purchases of property and equipment plus finance-lease principal, so
    their difference is the principal. Raises ``ValueError`` when it comes out below zero
    (the two figures cannot be of one period on these definitions).
    """
    value = float(headline) - float(purchases)
    if value < -0.005:
        raise ValueError(
            f"headline capex {headline} is below purchases {purchases}: not one period's two bases"
        )
    return max(value, 0.0)


def growth(now: float, now_basis: str, before: float, before_basis: str) -> float:
    """Growth of ``now`` over ``before`` as a fraction (0.25 = +25%), one basis only.

    Raises :class:`MixedBasisError` when the bases differ; NaN when ``before`` is zero or missing.
    """
    same_basis(now_basis, before_basis)
    if before == 0 or before is None or (isinstance(before, float) and math.isnan(before)):
        return float("nan")
    return float(now) / float(before) - 1.0
