"""Choosing among sources: one preferred row per fact, and the facts on which sources disagree.

A row may cite several sources: its ``source_id`` (and any other ``*source_id`` field) holds
their ids separated by ``;`` (``"a; b"``), and every attribute of the row is stated by at least
one of them. :func:`split_ids` reads such a cell; :func:`best_kind` grades a row by its
strongest source. Two rows that state one fact (the same values in the fact's key columns,
from different sources) are one fact: :func:`facts` and :func:`count_facts` count facts, never
rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

#: The separator of several source ids in one cell (spaces around it are ignored).
ID_SEPARATOR = ";"

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


def split_ids(value: object) -> list[str]:
    """The source ids in one ``*source_id`` cell, in order, without blanks or repeats.

    ``"a; b;a"`` gives ``["a", "b"]``; a missing value (``None``, ``NaN``, ``""``) gives ``[]``.
    """
    if not isinstance(value, str):
        return []
    return list(dict.fromkeys(p.strip() for p in value.split(ID_SEPARATOR) if p.strip()))


def all_ids(values: Iterable[object]) -> list[str]:
    """Every source id in a column of ``*source_id`` cells, in first-seen order, once each."""
    return list(dict.fromkeys(i for v in values for i in split_ids(v)))


def publishers(value: object, sources: pd.DataFrame) -> list[str]:
    """The publishers of one ``*source_id`` cell, in its order, once each.

    ``sources`` is the sources table; an id not in it is kept as it is, so nothing is dropped
    silently.
    """
    by_id = dict(zip(sources["source_id"], sources["publisher"], strict=True))
    return list(dict.fromkeys(by_id.get(i, i) for i in split_ids(value)))


def best_kind(value: object, kinds: dict[str, str]) -> str | None:
    """The strongest grade among the sources of one cell (``kinds``: source id → kind)."""
    graded = [kinds[i] for i in split_ids(value) if i in kinds]
    return min(graded, key=lambda k: KIND_RANK.get(k, len(KIND_RANK))) if graded else None


def _fact_keys(frame: pd.DataFrame, keys: list[str]) -> list[str]:
    missing = [k for k in keys if k not in frame.columns]
    if missing:
        raise KeyError(f"fact keys not in the frame: {', '.join(missing)}")
    if any(re.search(r"source_id$", k) for k in keys):
        raise ValueError("a fact's keys never include its sources")
    return keys


def facts(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per fact: rows that agree on ``keys`` (the fact's identity) are one fact.

    The first row of each fact is kept, in the frame's order. Raises ``KeyError`` for a key
    not in the frame and ``ValueError`` for a ``*source_id`` key (sources never make a fact).
    """
    return frame.drop_duplicates(_fact_keys(frame, keys)).reset_index(drop=True)


def count_facts(frame: pd.DataFrame, keys: list[str]) -> int:
    """How many distinct facts the rows state (see :func:`facts`); the count every text uses."""
    return int(len(facts(frame, keys)))


def _ranked(frame: pd.DataFrame, keys: list[str], sources: pd.DataFrame) -> pd.DataFrame:
    """``frame`` sorted as :func:`preferred` chooses.

    Adds the helper columns ``_disputed``, ``_rank`` and ``_published``.
    """
    kinds = dict(zip(sources["source_id"], sources["kind"], strict=True))
    published = dict(zip(sources["source_id"], sources["published"], strict=True))
    ranked = frame.copy()
    ranked["_disputed"] = (
        ranked["disputed"].fillna(False).astype(bool) if "disputed" in ranked else False
    )
    ranked["_rank"] = [
        KIND_RANK.get(best_kind(v, kinds) or "", len(KIND_RANK)) for v in ranked["source_id"]
    ]
    ranked["_published"] = pd.to_datetime(
        [
            max((published[i] for i in split_ids(v) if pd.notna(published.get(i))), default=pd.NaT)
            for v in ranked["source_id"]
        ]
    )
    ranked = ranked.sort_values(
        [*keys, "_disputed", "_rank", "_published", "source_id"],
        ascending=[True] * len(keys) + [True, True, False, True],
        na_position="last",
    )
    return ranked


def preferred(frame: pd.DataFrame, keys: list[str], sources: pd.DataFrame) -> pd.DataFrame:
    """One row per ``keys``: an undisputed row first, then the strongest source, then the newest.

    A row whose optional boolean ``disputed`` column is true (a slip of its source, judged
    against the others; see ``datapackage.yaml``) is taken only when no other row holds the
    same ``keys``, whatever its grade. The other rows are not lost: chapters show
    disagreements side by side with :func:`disagreements`.
    """
    ranked = _ranked(frame, keys, sources)
    best = ranked.drop_duplicates(keys, keep="first")
    return best.drop(columns=["_disputed", "_rank", "_published"]).reset_index(drop=True)


def preferred_filled(
    frame: pd.DataFrame, keys: list[str], sources: pd.DataFrame, fill: list[str]
) -> pd.DataFrame:
    """:func:`preferred`, with each column of ``fill`` taken from the strongest row stating it.

    A fact's best source may leave an attribute empty (a licence page that gives no size); the
    attribute then comes from the next row, in :func:`preferred`'s order, that states it, and
    that row's ids are added to ``source_id`` (joined by ``"; "``) so the attribute keeps a
    source. One row per ``keys``; columns as :func:`preferred`.
    """
    ranked = _ranked(frame, keys, sources)
    out = ranked.drop_duplicates(keys, keep="first").set_index(keys)
    for column in (c for c in fill if c in ranked):  # a column the frame lacks stays absent
        stated = ranked.dropna(subset=[column]).drop_duplicates(keys, keep="first").set_index(keys)
        for key in out.index[out[column].isna()]:
            if key in stated.index:
                out.at[key, column] = stated.at[key, column]
                ids = [
                    *split_ids(out.at[key, "source_id"]),
                    *split_ids(stated.at[key, "source_id"]),
                ]
                out.at[key, "source_id"] = "; ".join(dict.fromkeys(ids))
    return out.reset_index()[list(frame.columns)]


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
