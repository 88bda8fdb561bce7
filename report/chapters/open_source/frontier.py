"""Did the lab catch up? Meta's best model against the best model of other labs.

A snapshot is one independent measure, in one version (or, for LMArena, one method), from one
source: the readings of one day on a leaderboard, or every run of one task version up to a day.
Versions, methods and sources never meet in a snapshot, and no series joins two versions. The
words, table and chart are in :mod:`.frontier_views`.
"""

from __future__ import annotations

import pandas as pd

from report.data.sourcing import all_ids, preferred

#: The independent measures, in the order the chapter shows them.
MEASURE_ORDER = [
    "Artificial Analysis Intelligence Index",
    "LMArena text arena",
    "GPQA Diamond (Epoch AI)",
]


#: A series: one measure in one version (or, for LMArena, one method). Never joined.
SERIES_KEYS = ["measure", "measure_version"]


#: A snapshot's identity: one series on one day from one source (runs: up to that day).
SNAPSHOT_KEYS = [*SERIES_KEYS, "snapshot_date"]


def check_series(scores: pd.DataFrame) -> None:
    """Refuse a series that mixes units or reading kinds (they could not be compared)."""
    for keys, rows in scores.groupby(SERIES_KEYS, sort=True):
        for column in ("unit", "reading_kind"):
            found = sorted(set(rows[column]))
            if len(found) != 1:
                raise ValueError(
                    f"model_scores: {keys[0]} {keys[1]!r} mixes {column}s {found}; "
                    "one version (or method) has one unit and one kind of reading"
                )


def _best(rows: pd.DataFrame) -> pd.Series:
    """The row with the highest value (ties: the first model by name, so the choice is stable)."""
    return rows.sort_values(["value", "model"], ascending=[False, True]).iloc[0]


def _snapshot(
    keys: dict, rows: pd.DataFrame, lab: str, when: pd.Timestamp, precision: str
) -> dict | None:
    own, rest = rows[rows["developer"] == lab], rows[rows["developer"] != lab]
    if own.empty or rest.empty:
        return None
    mine, theirs = _best(own), _best(rest)
    others = rest.groupby("developer")["value"].max()
    return {
        **keys,
        "snapshot_date": when,
        "date_precision": precision,
        "reading_kind": mine["reading_kind"],
        "unit": mine["unit"],
        "meta_model": mine["model"],
        "meta_value": float(mine["value"]),
        "rival_model": theirs["model"],
        "rival_developer": theirs["developer"],
        "rival_value": float(theirs["value"]),
        "gap": float(theirs["value"]) - float(mine["value"]),
        "labs_ahead": int((others > float(mine["value"])).sum()),
        "labs_read": int(len(others) + 1),
        "source_id": "; ".join(all_ids([mine["source_id"], theirs["source_id"]])),
        "support_source_id": "; ".join(
            all_ids([mine.get("support_source_id"), theirs.get("support_source_id")])
        )
        or None,
    }


def frontier_snapshots(
    scores: pd.DataFrame, count_unreleased: bool = False, lab: str = "Meta"
) -> pd.DataFrame:
    """Meta's best model against the best model of any other lab, one row per snapshot.

    A snapshot is one measure in one version (or method), from one source: for a leaderboard,
    the readings of one day; for benchmark runs (``reading_kind`` run), every run of that task
    version up to the day of one of Meta's runs. Readings of different versions, methods or
    sources never meet. ``gap`` is the rival's value minus Meta's, in the measure's unit
    (positive: Meta behind); ``meta_leads`` is true only when Meta's best scored strictly
    higher. ``labs_ahead`` counts the other labs whose best scored strictly higher than Meta's
    best and ``labs_read`` the labs with a reading in the snapshot (Meta included), so Meta's
    place by lab is ``labs_ahead + 1`` of ``labs_read`` (among the readings our data hold, not
    the whole leaderboard). Unreleased variants (``unreleased_variant``) count only with
    ``count_unreleased``. Snapshots without a reading of both Meta and another lab are left out.
    """
    check_series(scores)
    rows = scores if count_unreleased else scores[~scores["unreleased_variant"].astype(bool)]
    found: list[dict] = []
    for keys, group in rows.groupby([*SERIES_KEYS, "reading_kind", "source_id"], sort=True):
        series = dict(zip(SERIES_KEYS, keys[:2], strict=True))
        if keys[2] == "run":
            days = sorted(set(group.loc[group["developer"] == lab, "reading_date"]))
            for day in days:
                upto = group[group["reading_date"] <= day]
                found.append(_snapshot(series, upto, lab, day, "day"))
        else:
            for day, on_day in group.groupby("reading_date", sort=True):
                precision = _coarsest(on_day["date_precision"])
                found.append(_snapshot(series, on_day, lab, day, precision))
    out = pd.DataFrame([f for f in found if f is not None])
    if out.empty:
        return out
    out["meta_leads"] = out["meta_value"] > out["rival_value"]
    return in_order(out)


def _coarsest(precisions: pd.Series) -> str:
    order = ["day", "month", "quarter", "year"]
    return max(precisions.fillna("day"), key=order.index)


def one_per_snapshot(snapshots: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """One row per series and day: the snapshot from the strongest source (others kept aside)."""
    best = preferred(snapshots, SNAPSHOT_KEYS, sources)
    return in_order(best)


def in_order(snapshots: pd.DataFrame) -> pd.DataFrame:
    """Snapshots in the order the chapter shows them: measure, version by first date, date."""
    out = snapshots.copy()
    out["_m"] = out["measure"].map(MEASURE_ORDER.index)
    first = out.groupby(SERIES_KEYS)["snapshot_date"].transform("min")
    out["_v"] = first
    out = out.sort_values(["_m", "_v", "measure_version", "snapshot_date", "source_id"])
    return out.drop(columns=["_m", "_v"]).reset_index(drop=True)


def newest(snapshots: pd.DataFrame) -> pd.Series:
    """The newest snapshot.

    The latest day wins; a month-only date counts as its first day; ties: the measure shown first.
    """
    if snapshots.empty:
        raise ValueError("no snapshot with both a Meta reading and another lab's")
    order = snapshots.assign(_m=snapshots["measure"].map(MEASURE_ORDER.index))
    return order.sort_values(["snapshot_date", "_m"], ascending=[False, True]).iloc[0]


def unscored(
    releases: pd.DataFrame, scores: pd.DataFrame, statuses: list[str], since: pd.Timestamp | None
) -> list[str]:
    """Meta's models of the given statuses (from ``since``) with no reading in ``scores``."""
    meta = releases[(releases["developer"] == "Meta") & releases["status"].isin(statuses)]
    if since is not None:
        meta = meta[meta["date"] >= since]
    scored = set(scores["release_model"].dropna())
    return [m for m in meta.sort_values("date")["model"].drop_duplicates() if m not in scored]


def rescored(scores: pd.DataFrame, lab: str = "Meta") -> pd.Series | None:
    """The clearest sign that a new version changed the scale, or ``None``.

    The same model of ``lab`` read in two versions of one measure on the closest dates.
    Returns the pair as one row: ``model``, ``measure``, ``before``/``after`` (version, date,
    value) and ``unit``.
    """
    own = scores[(scores["developer"] == lab) & (scores["reading_kind"] == "leaderboard")]
    pairs = []
    for (measure, model), rows in own.groupby(["measure", "model"], sort=True):
        rows = rows.sort_values("reading_date")
        for (_, a), (_, b) in zip(rows.iloc[:-1].iterrows(), rows.iloc[1:].iterrows(), strict=True):
            if a["measure_version"] != b["measure_version"]:
                days = (b["reading_date"] - a["reading_date"]).days
                pairs.append((days, measure, model, a, b))
    if not pairs:
        return None
    days, measure, model, a, b = min(pairs, key=lambda p: (p[0], p[1], p[2]))
    return pd.Series(
        {
            "model": model,
            "measure": measure,
            "unit": a["unit"],
            "before_version": a["measure_version"],
            "before_date": a["reading_date"],
            "before_value": float(a["value"]),
            "after_version": b["measure_version"],
            "after_date": b["reading_date"],
            "after_value": float(b["value"]),
            "days": days,
        }
    )
