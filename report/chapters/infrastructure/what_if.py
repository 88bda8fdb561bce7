"""Infrastructure chapter, the what-if: what a gigawatt means in accelerators and households."""

from __future__ import annotations

import altair as alt
import pandas as pd

HOURS_PER_YEAR = 8766  # 365.25 days


def accelerators_per_gw(kw_per_accelerator: float, pue: float) -> float:
    """How many accelerators one gigawatt of facility power feeds.

    ``kw_per_accelerator`` is the all-in IT draw per accelerator (chip, host share,
    networking); ``pue`` the facility overhead (total power / IT power, >= 1).
    """
    if kw_per_accelerator <= 0:
        raise ValueError("kw_per_accelerator must be positive")
    if pue < 1:
        raise ValueError("pue (power usage effectiveness) cannot be below 1")
    return 1_000_000 / (kw_per_accelerator * pue)


def households_per_gw(kwh_per_household_year: float) -> float:
    """How many average households' continuous draw one gigawatt equals."""
    if kwh_per_household_year <= 0:
        raise ValueError("kwh_per_household_year must be positive")
    average_kw = kwh_per_household_year / HOURS_PER_YEAR
    return 1_000_000 / average_kw


#: The assumptions rows the what-if defaults are drawn from.
WHAT_IF_SOURCES = [
    "gb200_nvl72_rack_kw",
    "gpus_per_nvl72_rack",
    "meta_pue_2023",
    "us_household_electricity_2020",
]


def what_if_chart(
    capacity: pd.DataFrame, kw_per_accelerator: float, pue: float, kwh_per_household_year: float
) -> alt.Chart:
    """Gigawatts to accelerators and to households, with sliders bound to Vega parameters.

    The notebook's parameters set the sliders' starting values, so the static numbers in the
    chapter and the interactive chart agree.
    """
    per_campus = capacity.groupby("campus", as_index=False).agg(
        capacity_gw=("capacity_gw", "max"), source_id=("source_id", "first")
    )
    kw = alt.param(
        name="kw_per_accelerator",
        value=kw_per_accelerator,
        bind=alt.binding_range(min=0.5, max=3.0, step=0.05, name="All-in kW per accelerator "),
    )
    overhead = alt.param(
        name="pue",
        value=pue,
        bind=alt.binding_range(min=1.0, max=1.8, step=0.01, name="Facility overhead (PUE) "),
    )
    home = alt.param(
        name="kwh_per_household_year",
        value=kwh_per_household_year,
        bind=alt.binding_range(min=4000, max=16000, step=100, name="Household use, kWh a year "),
    )
    base = (
        alt.Chart(per_campus)
        .add_params(kw, overhead, home)
        .transform_calculate(
            # GW -> kW is x 1e6 and the result is in millions, so the two factors cancel.
            accelerators_m="datum.capacity_gw / (kw_per_accelerator * pue)",
            households_m=f"datum.capacity_gw / (kwh_per_household_year / {HOURS_PER_YEAR})",
        )
        .transform_fold(["accelerators_m", "households_m"], as_=["measure", "millions"])
        .transform_calculate(
            measure_label="datum.measure == 'accelerators_m' ? 'Accelerators it could power' "
            ": 'Average US households it equals'"
        )
    )
    return (
        base.mark_bar()
        .encode(
            y=alt.Y("campus:N", title=None, sort="-x"),
            x=alt.X("millions:Q", title="Millions", axis=alt.Axis(format=",.1f", tickCount=6)),
            color=alt.Color("measure_label:N", title=None),
            yOffset=alt.YOffset("measure_label:N"),
            tooltip=[
                alt.Tooltip("campus:N", title="Campus"),
                alt.Tooltip("capacity_gw:Q", title="Capacity (GW)", format=",.1f"),
                alt.Tooltip("measure_label:N", title="Measure"),
                alt.Tooltip("millions:Q", title="Millions", format=",.2f"),
            ],
        )
        .properties(
            width="container",
            height=max(180, 56 * len(per_campus)),
            title=alt.Title(
                "What the gigawatts buy: a what-if",
                subtitle="Move the sliders to change the assumptions; defaults are sourced (see text)",
            ),
            description=(
                "Interactive bar chart converting each campus's stated capacity into the number of "
                "AI accelerators it could power and the number of average US households whose "
                "electricity use it equals; sliders set the kilowatts per accelerator, the "
                "facility overhead and household consumption."
            ),
        )
    )
