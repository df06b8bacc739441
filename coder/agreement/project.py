"""Agreement for a whole project: per code, overall, per document, per coder pair.

A service loads a project and calls ``compute_agreement`` with plain arrays: the units of
analysis (``Units``) and every coding (``Codings``), codes and coders as indices into name
lists. Rolling codes up to parent themes is the caller's remapping of code indices.

Decisions (documented here once, reported in ``AgreementResult``):

* Every coder decides every unit for every code (applied or not), so there is no missing data.
* A code is applied to a unit by a coder when the union of that coder's codings with that code
  overlaps the unit (``overlap="any"``), covers at least half of it (``"majority"``) or all of
  it (``"full"``); see :mod:`coder.agreement.overlap`.
* ``level="unit"``: units are the given units (sentences, paragraphs, turns, documents).
  ``level="character"``: every character of every document is a unit (NVivo's method; see
  ``NVIVO_CAVEAT``); no bootstrap interval, characters not being independent.
  ``level="span"``: Krippendorff's unitized alpha per code over the documents laid end to end
  (gaps do not run across documents); the kappa family is not computed.
* Kappa is Cohen's for two coders and Fleiss' for more; PABAK for more than two coders is the
  mean-pairwise version (Brennan-Prediger with q = 2).
* Bootstrap intervals (unit level) resample units; see ``bootstrap.bootstrap_tables``.
* At unit and character level the result carries ``breakdown.add_breakdown``'s figures (AC1,
  positive agreement, the code x document table); at unit level also kappa's and alpha's
  analytical precision and, with ``ci``, q = P(alpha < 0.667), P(alpha < 0.800) per code
  (``binary_precision``), so a notebook gets the report's figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from coder.agreement import binary
from coder.agreement.binary_precision import binary_precision
from coder.agreement.breakdown import Entries, add_breakdown, applied_entries
from coder.agreement.continuum import character_level, span_level
from coder.agreement.overlap import LaidOutUnits, applied_codes, extent_lengths
from coder.agreement.ratings import IntArray
from coder.agreement.unit_level import unit_level
from coder.domain.agreement import DEFAULT_OVERLAP, LEVELS, OVERLAP_RULES, Level, Overlap
from coder.domain.agreement_results import AgreementResult, Codings, Units, int_array

__all__ = ["compute_agreement"]


def compute_agreement(
    units: Units | None,
    codings: Codings,
    coders: Sequence[str],
    codes: Sequence[str],
    *,
    overlap: Overlap = DEFAULT_OVERLAP,
    level: Level = "unit",
    doc_lengths: Sequence[int] | np.ndarray | None = None,
    ci: bool = True,
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    confusion_pair: tuple[int, int] = (0, 1),
) -> AgreementResult:
    """Inter-coder agreement of a project at one level of analysis (see the module docstring).

    ``units`` are required at unit level (and ignored otherwise); ``doc_lengths`` (characters
    per document, indexed by doc) are required at character and span level, since text nobody
    coded counts there. ``ci`` adds bootstrap intervals for each code's alpha and kappa at unit
    level (``n_boot`` resamples of the units, ``seed``-reproducible). Raises ``ValueError`` for
    fewer than 2 coders (or more than 12), code or coder indices out of range, codings past a
    document's end, overlapping units, or an unknown ``overlap``/``level``.
    """
    n_coders, n_codes = len(coders), len(codes)
    if n_coders < 2:
        raise ValueError(f"agreement needs at least 2 coders, got {n_coders}")
    if n_coders > binary.MAX_CODERS:
        raise ValueError(f"at most {binary.MAX_CODERS} coders are supported, got {n_coders}")
    if overlap not in OVERLAP_RULES:
        raise ValueError(f"unknown overlap rule {overlap!r}: use 'any', 'majority' or 'full'")
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}: use 'unit', 'character' or 'span'")
    if len(codings) and (codings.coder.min() < 0 or codings.coder.max() >= n_coders):
        raise ValueError(f"a coding names coder index outside 0..{n_coders - 1}")
    if len(codings) and (codings.code.min() < 0 or codings.code.max() >= n_codes):
        raise ValueError(f"a coding names code index outside 0..{n_codes - 1}")
    if not 0 <= confusion_pair[0] < n_coders or not 0 <= confusion_pair[1] < n_coders:
        raise ValueError("confusion_pair names an unknown coder")
    lengths = _doc_lengths(units, codings, doc_lengths, level)
    if len(codings) and np.any(codings.end > lengths[codings.doc]):
        raise ValueError("a coding ends after the end of its document")
    if level == "unit":
        if units is None:
            raise ValueError("unit level needs the units of analysis")
        # The codes on the units are found once, for the figures, the breakdown and precision.
        laid = LaidOutUnits.of(units, lengths)
        applied = applied_codes(laid, codings, n_codes, overlap)
        entries = applied_entries(applied, laid.doc)
        result = unit_level(
            laid,
            applied,
            tuple(coders),
            tuple(codes),
            lengths,
            overlap,
            ci=ci,
            n_boot=n_boot,
            seed=seed,
            confidence=confidence,
            confusion_pair=confusion_pair,
        )
        result = add_breakdown(result, units, codings, lengths, entries=entries)
        return _with_precision(result, entries, len(units), confidence)
    if level == "character":
        result = character_level(codings, tuple(coders), tuple(codes), lengths, overlap)
        return add_breakdown(result, units, codings, lengths)
    return span_level(codings, tuple(coders), tuple(codes), lengths, overlap)


def _with_precision(
    result: AgreementResult, entries: Entries, n_units: int, confidence: float
) -> AgreementResult:
    """Kappa's and alpha's analytical precision per code (:mod:`.binary_precision`); q, next to
    alpha's bootstrap interval, comes with the interval from ``unit_level``."""
    n_coders, n_codes = len(result.coders), len(result.codes)
    code, _, mask, weight = entries
    n_masks = 1 << n_coders
    h = np.bincount(code * n_masks + mask, weights=weight, minlength=n_codes * n_masks)
    h = h.reshape(n_codes, n_masks)
    h[:, 0] = n_units - h[:, 1:].sum(axis=1)
    kappa, alpha = binary_precision(h, n_coders, confidence)
    per_code = [
        replace(figures, kappa_se=kappa[i], alpha_se=alpha[i])
        for i, figures in enumerate(result.per_code)
    ]
    return replace(result, per_code=per_code)


def _doc_lengths(units: Units | None, codings: Codings, doc_lengths: Any, level: str) -> IntArray:
    if doc_lengths is not None:
        lengths = int_array(doc_lengths, "doc_lengths")
        if np.any(lengths < 0):
            raise ValueError("doc_lengths must be >= 0")
        n_docs = len(lengths)
        if (len(codings) and codings.doc.max() >= n_docs) or (
            units is not None and len(units) and units.doc.max() >= n_docs
        ):
            raise ValueError("a unit or coding refers to a document beyond doc_lengths")
        if units is not None and len(units) and np.any(units.end > lengths[units.doc]):
            raise ValueError("a unit ends after the end of its document")
        return lengths
    if level != "unit":
        raise ValueError(f"{level} level needs doc_lengths (characters per document)")
    return extent_lengths(units, codings)
