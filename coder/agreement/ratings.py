"""Validation and encoding of reliability data (a coders x units matrix with missing ratings)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from coder.agreement.layouts import reliability_data
from coder.domain.agreement_results import IntArray

__all__ = ["Encoded", "FloatArray", "IntArray", "as_matrix", "encode", "encode_pair"]

# Float results: numpy's integer/float promotions make a stricter alias more noise than help.
FloatArray = npt.NDArray[Any]


@dataclass(frozen=True, slots=True)
class Encoded:
    """Ratings as category indices: ``codes[coder, unit]`` is an index into ``categories``.

    Missing ratings are ``-1``. ``categories`` is sorted (or in the caller's order when the
    caller gave one).
    """

    codes: IntArray
    categories: np.ndarray

    @property
    def n_coders(self) -> int:
        return int(self.codes.shape[0])

    @property
    def n_units(self) -> int:
        return int(self.codes.shape[1])

    @property
    def n_categories(self) -> int:
        return len(self.categories)

    def unit_counts(self) -> FloatArray:
        """``counts[unit, category]``: how many coders gave each category to each unit."""
        n_units, n_cat = self.n_units, self.n_categories
        present = self.codes >= 0
        unit_index = np.broadcast_to(np.arange(n_units), self.codes.shape)[present]
        flat = unit_index * n_cat + self.codes[present]
        counts = np.bincount(flat, minlength=n_units * n_cat)
        return counts.reshape(n_units, n_cat).astype(np.float64)


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def as_matrix(data: Any, *, min_coders: int = 2) -> np.ndarray:
    """A 2-D array (float with NaN for missing when numeric, else object with None).

    Raises ``ValueError`` for ragged rows, a non-2-D shape or fewer than ``min_coders`` rows.
    A pandas DataFrame is read as a column per coder (:func:`.layouts.reliability_data`).
    """
    data = reliability_data(data)
    if isinstance(data, np.ndarray):
        matrix = data
    else:
        if not isinstance(data, Sequence) or isinstance(data, str):
            raise ValueError("reliability data must be a coders x units matrix (list of lists)")
        rows = list(data)
        lengths = {len(row) for row in rows if isinstance(row, Sequence | np.ndarray)}
        if len(lengths) > 1 or any(
            not isinstance(row, Sequence | np.ndarray) or isinstance(row, str) for row in rows
        ):
            raise ValueError(
                f"reliability data rows are ragged: every coder needs one rating (or None) per "
                f"unit, got row lengths {sorted(lengths)}"
            )
        try:
            matrix = np.array(rows, dtype=np.float64)
        except (TypeError, ValueError):
            matrix = np.empty((len(rows), lengths.pop() if lengths else 0), dtype=object)
            for i, row in enumerate(rows):
                matrix[i, :] = [None if _is_missing(v) else v for v in row]
    if matrix.ndim != 2:
        raise ValueError(f"reliability data must be 2-D (coders x units), got {matrix.ndim}-D")
    if matrix.shape[0] < min_coders:
        raise ValueError(
            f"reliability data needs at least {min_coders} coders (rows), got {matrix.shape[0]}"
        )
    return matrix


def encode(data: Any, categories: Sequence[Any] | None = None, *, min_coders: int = 2) -> Encoded:
    """Encode reliability data as category indices (see ``Encoded``).

    ``categories`` fixes the category set and its order; a rating outside it is a ValueError.
    """
    matrix = as_matrix(data, min_coders=min_coders)
    if matrix.dtype.kind in "fiub":
        values = matrix.astype(np.float64, copy=False)
        present = ~np.isnan(values)
        observed = values[present]
    else:
        present = np.vectorize(lambda v: not _is_missing(v), otypes=[bool])(matrix)
        observed = matrix[present]
    try:
        uniques, inverse = _unique_inverse(observed)
    except TypeError as error:
        raise ValueError(f"ratings of mixed, incomparable types: {error}") from error
    codes = np.full(matrix.shape, -1, dtype=np.int64)
    if categories is None:
        codes[present] = inverse
        return Encoded(codes, uniques)
    cats = np.asarray(list(categories), dtype=uniques.dtype if len(uniques) else None)
    if len(set(cats.tolist())) != len(cats):
        raise ValueError("categories contain duplicates")
    order = np.argsort(cats, kind="stable")
    position = np.searchsorted(cats[order], uniques)
    position = np.clip(position, 0, max(len(cats) - 1, 0))
    if len(uniques) and (len(cats) == 0 or np.any(cats[order][position] != uniques)):
        unknown = [u for u in uniques.tolist() if u not in set(cats.tolist())]
        raise ValueError(f"ratings not among the given categories: {unknown[:5]}")
    codes[present] = order[position][inverse]
    return Encoded(codes, cats)


def _unique_inverse(observed: np.ndarray) -> tuple[np.ndarray, IntArray]:
    """``np.unique(observed, return_inverse=True)``, in linear time for small integer ranges.

    Category codes are usually small integers; a counting pass avoids the O(n log n) sort, which
    dominates alpha on millions of ratings.
    """
    if observed.dtype.kind == "f" and observed.size:
        low, high = float(observed.min()), float(observed.max())
        if high - low <= 1_000_000:
            shifted = observed - low
            as_int = shifted.astype(np.int64)
            if np.array_equal(as_int, shifted):
                used = np.bincount(as_int) > 0
                rank = np.cumsum(used) - 1
                return np.flatnonzero(used) + low, rank[as_int]
    uniques, inverse = np.unique(observed, return_inverse=True)
    return uniques, inverse.reshape(-1)


def encode_pair(
    a: Any, b: Any, categories: Sequence[Any] | None = None
) -> tuple[IntArray, IntArray, int]:
    """Two coders' ratings, keeping only units both rated: ``(codes_a, codes_b, n_categories)``."""
    try:
        length_a, length_b = len(a), len(b)
    except TypeError as error:
        raise ValueError("the two coders' ratings must be sequences") from error
    if length_a != length_b:
        raise ValueError(
            f"the two coders rated different numbers of units ({length_a} and {length_b})"
        )
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype:
        stacked: Any = np.vstack([a, b])
    else:
        stacked = [list(a), list(b)]
    enc = encode(stacked, categories)
    both = (enc.codes >= 0).all(axis=0)
    return enc.codes[0, both], enc.codes[1, both], enc.n_categories
