"""Coded segments of one continuum as arrays: who coded which stretch with which code.

The input is the house's span form, ``(coder, start, end, code)`` with half-open positions
``0 <= start < end``, as a sequence of tuples or an integer array of shape ``(n, 4)``. The
Krippendorff (2016) alpha family and gamma read their spans through ``coded_segments``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from coder.agreement.ratings import FloatArray, IntArray

__all__ = ["Segments", "coded_segments"]


@dataclass(frozen=True, slots=True)
class Segments:
    """Spans as parallel arrays; ``coder[i]`` indexes ``coders`` and ``code[i]`` is the label."""

    coders: tuple[Hashable, ...]
    coder: IntArray
    start: FloatArray
    end: FloatArray
    code: np.ndarray

    def __len__(self) -> int:
        return len(self.coder)


def coded_segments(
    spans: Iterable[Sequence[Any]] | np.ndarray,
    length: float | None = None,
    *,
    coders: Sequence[Hashable] | None = None,
    min_coders: int = 2,
) -> Segments:
    """Parse spans, check them, and number the coders.

    ``coders`` lists every coder in order (one who coded nothing still counts); by default the
    coders in ``spans``, in first-seen order. A span must satisfy ``0 <= start < end`` and, when
    ``length`` is given, ``end <= length``; a span naming a coder outside ``coders``, a malformed
    span or fewer than ``min_coders`` coders is a ValueError.
    """
    if isinstance(spans, np.ndarray) and spans.dtype.kind in "iuf":
        if spans.ndim != 2 or spans.shape[1] != 4:
            raise ValueError("a span array must have shape (n, 4): coder, start, end, code")
        labels_arr, coder = np.unique(spans[:, 0], return_inverse=True)
        labels: list[Hashable] = [x.item() for x in labels_arr]
        start, end = spans[:, 1].astype(float), spans[:, 2].astype(float)
        code: np.ndarray = spans[:, 3]
        rows: Any = spans
    else:
        rows = [tuple(span) for span in spans]
        if any(len(row) != 4 for row in rows):
            raise ValueError("each span must be (coder, start, end, code)")
        seen: dict[Hashable, int] = {}
        coder = np.array([seen.setdefault(r[0], len(seen)) for r in rows], dtype=np.int64)
        start = np.array([float(r[1]) for r in rows])
        end = np.array([float(r[2]) for r in rows])
        code = np.empty(len(rows), dtype=object)
        code[:] = [r[3] for r in rows]
        labels = [*seen]
    limit = np.inf if length is None else float(length)
    bad = (start < 0) | (end <= start) | (end > limit)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        where = "[0, inf)" if length is None else f"[0, {length})"
        raise ValueError(f"span {tuple(rows[i])!r} is not a non-empty part of {where}")
    coder = coder.astype(np.int64)
    if coders is not None:
        wanted = {c: i for i, c in enumerate(coders)}
        unknown = [label for label in labels if label not in wanted]
        if unknown:
            raise ValueError(f"spans name coders not among `coders`: {unknown[:5]}")
        remap = np.array([wanted[label] for label in labels], dtype=np.int64)
        coder = remap[coder] if len(coder) else coder
        labels = list(coders)
    if len(labels) < min_coders:
        raise ValueError(f"agreement needs at least {min_coders} coders, got {len(labels)}")
    return Segments(tuple(labels), coder, start, end, code)
