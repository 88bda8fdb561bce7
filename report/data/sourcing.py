"""Choosing among sources: one preferred row per fact, and the facts on which sources disagree."""

from __future__ import annotations

import pandas as pd

#: Order of source strength, strongest first (as graded in sources.kind).
KIND_RANK = {
    "filing": 0,
    "company": 1,
    "news": 2,
    "syndicated": 3,
    "reference": 4,
    "note": 5,
    "generated": 6,
}

#: Reader-facing names of the grades (``sources.kind``), strongest first.
KIND_LABELS = {
    "filing": "filing",
    "company": "company release or statement",
    "news": "news report",
    "syndicated": "copy or rewrite of another report",
    "reference": "reference or data site",
    "note": "newsletter, note or blog",
    "generated": "AI-written page",
}


def grade_label(kind: str, seen: str = "direct") -> str:
    """A source's grade in words, marked when we saw its figures only second-hand.

    Raises ``KeyError`` for a grade that is not in :data:`KIND_LABELS` (the data contract
    refuses those before anything runs).
    """
    label = KIND_LABELS[kind]
    return f"{label}, seen second-hand" if seen == "secondhand" else label


def preferred(frame: pd.DataFrame, keys: list[str], sources: pd.DataFrame) -> pd.DataFrame:
    """One row per ``keys``: the strongest source, then the most recently published.

    The other rows are not lost: chapters show disagreements side by side with
    :func:`disagreements`.
    """
    ranked = frame.merge(sources[["source_id", "kind", "published"]], on="source_id", how="left")
    ranked["_rank"] = ranked["kind"].map(KIND_RANK).fillna(len(KIND_RANK))
    ranked = ranked.sort_values(
        [*keys, "_rank", "published", "source_id"],
        ascending=[True] * len(keys) + [True, False, True],
        na_position="last",
    )
    best = ranked.drop_duplicates(keys, keep="first")
    return best.drop(columns=["_rank", "kind", "published"]).reset_index(drop=True)


def disagreements(
    frame: pd.DataFrame, keys: list[str], value: str, tolerance: float = 0.005
) -> pd.DataFrame:
    """Rows of facts on which sources differ.

    Numbers differ when they are more than ``tolerance`` apart (relative to the larger);
    anything else (dates, text) differs on any difference.
    """
    clean = frame.dropna(subset=[value])
    if pd.api.types.is_numeric_dtype(clean[value]):
        spread = clean.groupby(keys)[value].agg(["min", "max"]).reset_index()
        differs = spread[(spread["max"] - spread["min"]) > tolerance * spread["max"].abs()]
    else:
        counts = clean.groupby(keys)[value].nunique().reset_index(name="n")
        differs = counts[counts["n"] > 1]
    return clean.merge(differs[keys], on=keys).sort_values([*keys, value]).reset_index(drop=True)
