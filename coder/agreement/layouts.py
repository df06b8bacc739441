"""The layouts reliability data is published in, turned into the one every coefficient takes.

Every multi-coder coefficient in :mod:`coder.agreement` takes Krippendorff's *reliability data
matrix*: one row per coder, one column per unit (Krippendorff 2011, "Computing Krippendorff's
alpha-reliability"; the ``krippendorff`` package's ``reliability_data``), ``None``/NaN for a
missing rating. Textbooks and other tools give the same data in other layouts:

* units in rows and a column per coder (Gwet's *Handbook*, irrCAC's ``*.raw`` functions, R
  irr's "n*m matrix or dataframe, n subjects m raters", a pandas DataFrame with a column per
  coder): :func:`reliability_data` with ``rows="units"``;
* a units x categories table of how many coders put each unit in each category (Fleiss 1971's
  ``n_ij``, irrCAC's ``*.dist`` functions, the ``krippendorff`` package's ``value_counts``):
  :func:`ratings_from_counts`;
* a two-coder contingency table (Cohen 1960, irrCAC's ``*.table`` functions):
  :func:`ratings_from_table`, whose two sequences go to ``cohen_kappa(a, b)`` and the other
  two-coder coefficients.

numpy only: a DataFrame is read through its ``to_numpy`` method, pandas is never imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

Rows = Literal["coders", "units"] | None
"""What the rows of a table are: "coders" (the reliability data matrix), "units" (a column per
coder). ``None``: "units" for a DataFrame (a column per coder, as pandas users and irrCAC lay it
out), "coders" for anything else."""

__all__ = ["Rows", "ratings_from_counts", "ratings_from_table", "reliability_data"]


def _is_data_frame(data: Any) -> bool:
    return hasattr(data, "to_numpy") and hasattr(data, "columns")


def _frame_values(frame: Any) -> np.ndarray:
    """A DataFrame's cells: float with NaN when every column is numeric, else object with None
    (pandas' NA, NaT and NaN all become the missing rating)."""
    try:
        values: np.ndarray = frame.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        values = frame.to_numpy(dtype=object, na_value=None)
    return values


def reliability_data(data: Any, *, rows: Rows = None) -> Any:
    """``data`` as a coders x units matrix, the layout every coefficient takes.

    ``data``: a list of lists, a 2-D numpy array or a pandas DataFrame. ``rows="coders"``
    leaves it as it is (Krippendorff's reliability data matrix); ``rows="units"`` transposes a
    table with a row per unit and a column per coder. ``rows=None`` reads a DataFrame as a
    column per coder and anything else as a row per coder. Lists stay lists (their cells, such
    as the sets of codes ``mv_alpha`` takes, are not converted); a DataFrame becomes an array.
    The coefficients taking a ``rows`` keyword call this themselves.
    """
    if rows not in (None, "coders", "units"):
        raise ValueError(f"unknown rows {rows!r}: use 'coders' or 'units'")
    if _is_data_frame(data):
        data = _frame_values(data)
        if rows is None:
            rows = "units"
    if rows != "units":
        return data
    if isinstance(data, np.ndarray):
        if data.ndim != 2:
            raise ValueError(f"a units x coders table must be 2-D, got {data.ndim}-D")
        return data.T
    if not isinstance(data, Sequence) or isinstance(data, str):
        raise ValueError("a units x coders table must be a list of lists, an array or a DataFrame")
    if any(not isinstance(unit, Sequence | np.ndarray) or isinstance(unit, str) for unit in data):
        raise ValueError("a units x coders table needs one row (a list of ratings) per unit")
    units = [list(unit) for unit in data]
    widths = {len(unit) for unit in units}
    if len(widths) > 1:
        raise ValueError(
            f"the units x coders table is ragged: every unit needs one rating (or None) per "
            f"coder, got row lengths {sorted(widths)}"
        )
    return [list(coder) for coder in zip(*units, strict=True)] if units else []


def _whole_counts(table: Any, what: str) -> np.ndarray:
    counts = np.asarray(table.to_numpy() if _is_data_frame(table) else table, dtype=np.float64)
    if counts.ndim != 2:
        raise ValueError(f"{what} must be 2-D, got {counts.ndim}-D")
    if np.any(~np.isfinite(counts)) or np.any(counts < 0) or np.any(counts != np.round(counts)):
        raise ValueError(
            f"{what} must hold counts of units (whole numbers >= 0); a table of proportions "
            f"needs the number of units: multiply it by n first"
        )
    return counts.astype(np.int64)


def ratings_from_table(
    table: Any, categories: Sequence[Any] | None = None
) -> tuple[list[Any], list[Any]]:
    """Two coders' ratings ``(a, b)`` with the given q x q contingency table.

    ``table[k][l]`` is the number of units the first coder put in category k and the second in
    l (rows the first coder, as Cohen 1960 and irrCAC's ``kappa2.table`` lay it out). The
    ratings are the categories' indices ``0..q-1``, or ``categories[k]`` when given (their order
    is the table's; give them for weighted coefficients whose weights use the values). Which
    unit is which is arbitrary, so every coefficient of two coders' ratings gives the table's
    figure: ``cohen_kappa(*ratings_from_table(table))``.
    """
    counts = _whole_counts(table, "a contingency table")
    q = counts.shape[0]
    if counts.shape != (q, q):
        raise ValueError(f"a contingency table must be square (q x q), got {counts.shape}")
    labels: list[Any] = list(range(q)) if categories is None else list(categories)
    if len(labels) != q:
        raise ValueError(f"{len(labels)} categories for a {q} x {q} table")
    first, second = np.nonzero(counts)
    repeat = counts[first, second]
    return (
        [labels[k] for k in np.repeat(first, repeat).tolist()],
        [labels[k] for k in np.repeat(second, repeat).tolist()],
    )


def ratings_from_counts(counts: Any, categories: Sequence[Any] | None = None) -> np.ndarray:
    """A coders x units matrix with the given units x categories counts.

    ``counts[i][k]`` is the number of coders who put unit i in category k (Fleiss 1971's
    ``n_ij``; irrCAC's ``distrib.6raters``; the ``krippendorff`` package's ``value_counts``).
    A unit rated by fewer coders than the most-rated one gets missing ratings (NaN). Ratings are
    the category indices ``0..q-1``, or ``categories[k]`` when given (an object array then,
    ``None`` for missing). Which coder gave which rating is not in such a table, so only the
    coefficients that pool the coders' ratings can use it: percent agreement, Fleiss' kappa,
    Krippendorff's alpha, Gwet's AC1/AC2, Brennan-Prediger and their weighted forms (not Cohen's,
    Conger's or Light's kappa, whose chance agreement uses each coder's own distribution).
    """
    table = _whole_counts(counts, "a units x categories table")
    n_units, q = table.shape
    labels: list[Any] | None = None if categories is None else list(categories)
    if labels is not None and len(labels) != q:
        raise ValueError(f"{len(labels)} categories for a table of {q} columns")
    per_unit = table.sum(axis=1)
    # At least two rows: a table where no unit has two ratings is then "no unit rated by two
    # or more coders" (undefined), as for any reliability data, not a malformed matrix.
    n_coders = max(2, int(per_unit.max()) if n_units else 0)
    matrix = np.full((n_coders, n_units), np.nan)
    for_unit = np.repeat(np.arange(n_units), per_unit)
    # Each unit's ratings fill its column from the top, coder by coder.
    coder = np.arange(len(for_unit)) - np.repeat(np.cumsum(per_unit) - per_unit, per_unit)
    category = np.repeat(np.tile(np.arange(q), n_units), table.ravel())
    matrix[coder, for_unit] = category
    if labels is None:
        return matrix
    labelled = np.full(matrix.shape, None, dtype=object)
    rated = ~np.isnan(matrix)
    labelled[rated] = [labels[int(k)] for k in matrix[rated].tolist()]
    return labelled
