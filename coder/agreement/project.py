"""Agreement for a whole project: per code, overall, per document, per coder pair.

A service loads a project and calls ``compute_agreement`` with plain arrays: the units of
analysis (``Units``) and every coding (``Codings``), codes and coders as indices into name
lists. Rolling codes up to parent themes is the caller's remapping of code indices.

Decisions (documented here once, reported in ``AgreementResult``):

* Every coder decides every unit for every code (applied or not), so there is no missing data.
* A code is applied to a unit by a coder when the union of that coder's codings with that code
  overlaps the unit (``overlap="any"``), covers at least half of it (``"majority"``) or all of
  it (``"full"``).
* ``level="unit"``: units are the given units (sentences, paragraphs, turns, documents).
  ``level="character"``: every character of every document is a unit (NVivo's method; see
  ``unitizing.NVIVO_CAVEAT``); no bootstrap interval, characters not being independent.
  ``level="span"``: Krippendorff's unitized alpha per code over the documents laid end to end
  (gaps do not run across documents); the kappa family is not computed.
* Kappa is Cohen's for two coders and Fleiss' for more; PABAK for more than two coders is the
  mean-pairwise version (Brennan-Prediger with q = 2).
* Bootstrap intervals (unit level) resample units; see ``bootstrap.bootstrap_tables``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Literal

import numpy as np

from coder.agreement import binary
from coder.agreement._input import FloatArray, IntArray
from coder.agreement._result import NO_UNITS_MARKED, NO_VARIATION, Coefficient
from coder.agreement.bootstrap import BootstrapCI, bootstrap_tables, percentile_interval
from coder.agreement.intervals import merge_intervals
from coder.agreement.project_results import (
    AgreementResult,
    CodeAgreement,
    Codings,
    ConfusionTable,
    Disagreement,
    DisagreementTable,
    DocumentAgreement,
    OverallAgreement,
    PairAgreement,
    Units,
    _ints,
)
from coder.agreement.unitizing import (
    NVIVO_CAVEAT,
    CharacterAgreement,
    character_table,
    unitizing_disagreements,
)

Overlap = Literal["any", "majority", "full"]
Level = Literal["unit", "character", "span"]

__all__ = [
    "AgreementResult",
    "CodeAgreement",
    "Codings",
    "ConfusionTable",
    "Disagreement",
    "DisagreementTable",
    "DocumentAgreement",
    "OverallAgreement",
    "PairAgreement",
    "Units",
    "compute_agreement",
]


# --------------------------------------------------------------------------------------------


def compute_agreement(
    units: Units | None,
    codings: Codings,
    coders: Sequence[str],
    codes: Sequence[str],
    *,
    overlap: Overlap = "any",
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
    if overlap not in ("any", "majority", "full"):
        raise ValueError(f"unknown overlap rule {overlap!r}: use 'any', 'majority' or 'full'")
    if level not in ("unit", "character", "span"):
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
        return _unit_level(
            units,
            codings,
            tuple(coders),
            tuple(codes),
            lengths,
            overlap,
            ci,
            n_boot,
            seed,
            confidence,
            confusion_pair,
        )
    if level == "character":
        return _character_level(codings, tuple(coders), tuple(codes), lengths, overlap)
    return _span_level(codings, tuple(coders), tuple(codes), lengths, overlap)


def _doc_lengths(units: Units | None, codings: Codings, doc_lengths: Any, level: str) -> IntArray:
    if doc_lengths is not None:
        lengths = _ints(doc_lengths, "doc_lengths")
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
    ends = [np.zeros(0, dtype=np.int64)]
    docs = [np.zeros(0, dtype=np.int64)]
    for part in (units, codings):
        if part is not None and len(part):
            ends.append(part.end)
            docs.append(part.doc)
    doc, end = np.concatenate(docs), np.concatenate(ends)
    n_docs = int(doc.max()) + 1 if len(doc) else 0
    lengths = np.zeros(n_docs, dtype=np.int64)
    np.maximum.at(lengths, doc, end)
    return lengths


def _mask_tables(
    key: IntArray, mask: IntArray, n_keys: int, n_coders: int, totals: FloatArray
) -> FloatArray:
    """``H[key, mask]`` from entries, with column 0 filled so rows sum to ``totals``."""
    n_masks = 1 << n_coders
    h = np.bincount(key * n_masks + mask, minlength=n_keys * n_masks).astype(np.float64)
    h = h.reshape(n_keys, n_masks)
    h[:, 0] = totals - h[:, 1:].sum(axis=1)
    return h


def _code_figures(
    h: FloatArray,
    n_coders: int,
    codes: tuple[str, ...],
    coded: FloatArray,
    decisions: FloatArray,
    *,
    alpha_ci: list[BootstrapCI | None] | None = None,
    kappa_ci: list[BootstrapCI | None] | None = None,
    character: list[CharacterAgreement | None] | None = None,
) -> list[CodeAgreement]:
    kappa, alpha = binary.kappa(h, n_coders), binary.alpha(h, n_coders)
    pa, pabak = binary.percent_agreement(h, n_coders), binary.pabak(h, n_coders)
    if n_coders == 2:
        prevalence_index, bias_index = binary.prevalence_and_bias(h)
    else:
        prevalence_index = bias_index = np.full(len(h), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        prevalence = coded.sum(axis=1) / decisions
    out = []
    for k, name in enumerate(codes):
        out.append(
            CodeAgreement(
                code=k,
                name=name,
                coded=tuple(int(x) for x in coded[k]),
                prevalence=float(prevalence[k]),
                kappa_name="cohen" if n_coders == 2 else "fleiss",
                kappa=kappa.coefficient(k),
                alpha=alpha.coefficient(k),
                percent_agreement=pa.coefficient(k),
                pabak=pabak.coefficient(k),
                prevalence_index=float(prevalence_index[k]),
                bias_index=float(bias_index[k]),
                alpha_ci=None if alpha_ci is None else alpha_ci[k],
                kappa_ci=None if kappa_ci is None else kappa_ci[k],
                character=None if character is None else character[k],
            )
        )
    return out


def _overall(h_all: FloatArray, per_code: list[CodeAgreement], n_coders: int) -> OverallAgreement:
    pooled = h_all[None, :]
    mean_alpha, n_defined = binary.nan_mean([c.alpha for c in per_code if c.alpha])
    mean_kappa, _ = binary.nan_mean([c.kappa for c in per_code if c.kappa])
    return OverallAgreement(
        binary.alpha(pooled, n_coders).coefficient(0),
        binary.kappa(pooled, n_coders).coefficient(0),
        binary.percent_agreement(pooled, n_coders).coefficient(0),
        mean_alpha,
        mean_kappa,
        n_defined,
    )


def _pairs(h: FloatArray, n_coders: int) -> list[PairAgreement]:
    if n_coders <= 2:
        return []
    out = []
    for i in range(n_coders):
        for j in range(i + 1, n_coders):
            h_pair = h @ binary.pair_projection(n_coders, i, j)
            pooled = h_pair.sum(axis=0)[None, :]
            per_code = binary.kappa(h_pair, 2)
            defined = per_code.value[np.isfinite(per_code.value)]
            out.append(
                PairAgreement(
                    i,
                    j,
                    binary.kappa(pooled, 2).coefficient(0),
                    binary.alpha(pooled, 2).coefficient(0),
                    binary.percent_agreement(pooled, 2).coefficient(0),
                    float(defined.mean()) if defined.size else math.nan,
                )
            )
    return out


def _documents(
    h_doc: FloatArray, n_coders: int, units_per_doc: FloatArray
) -> list[DocumentAgreement]:
    alpha = binary.alpha(h_doc, n_coders)
    pa = binary.percent_agreement(h_doc, n_coders)
    return [
        DocumentAgreement(d, int(units_per_doc[d]), alpha.coefficient(d), pa.coefficient(d))
        for d in range(len(h_doc))
    ]


# ------------------------------------------------------------------------------ unit level


def _unit_level(
    units: Units,
    codings: Codings,
    coders: tuple[str, ...],
    codes: tuple[str, ...],
    lengths: IntArray,
    overlap: str,
    ci: bool,
    n_boot: int,
    seed: int,
    confidence: float,
    confusion_pair: tuple[int, int],
) -> AgreementResult:
    n_coders, n_codes, n_docs = len(coders), len(codes), len(lengths)
    offset = np.r_[0, np.cumsum(lengths)]
    order = np.lexsort((units.start, units.doc))
    u_doc, u_start, u_end = units.doc[order], units.start[order], units.end[order]
    g_start, g_end = offset[u_doc] + u_start, offset[u_doc] + u_end
    if np.any(g_start[1:] < g_end[:-1]):
        raise ValueError("units of analysis overlap within a document")
    n_units = len(order)

    # Union of each coder's codings of each code, in project-wide positions.
    group, c_start, c_end = merge_intervals(
        codings.coder * n_codes + codings.code,
        offset[codings.doc] + codings.start,
        offset[codings.doc] + codings.end,
        merge_touching=True,
    )
    # Units each merged coding overlaps: those ending after its start and starting before its end.
    first = np.searchsorted(g_end, c_start, side="right")
    stop = np.searchsorted(g_start, c_end, side="left")
    count = np.maximum(stop - first, 0)
    which = np.repeat(np.arange(len(first)), count)
    unit = first[which] + (np.arange(len(which)) - np.repeat(np.cumsum(count) - count, count))
    covered = np.minimum(c_end[which], g_end[unit]) - np.maximum(c_start[which], g_start[unit])
    pair_key = group[which] * n_units + unit
    # Merged codings of a group are disjoint and sorted, so equal keys are adjacent.
    if len(pair_key):
        starts = np.flatnonzero(np.r_[True, pair_key[1:] != pair_key[:-1]])
        pair_key, covered = pair_key[starts], np.add.reduceat(covered, starts)
    unit_length = (g_end - g_start)[pair_key % n_units] if len(pair_key) else covered
    if overlap == "any":
        applied = covered > 0
    elif overlap == "majority":
        applied = 2 * covered >= unit_length
    else:
        applied = covered >= unit_length
    pair_key = pair_key[applied]
    e_group, e_unit = pair_key // n_units, pair_key % n_units
    e_coder, e_code = e_group // n_codes, e_group % n_codes

    # One entry per (code, unit) with the set of coders who applied the code.
    cu_key, inverse = np.unique(e_code * n_units + e_unit, return_inverse=True)
    mask = np.bincount(inverse, weights=np.left_shift(1, e_coder), minlength=len(cu_key))
    mask = mask.astype(np.int64)
    cu_code, cu_unit = cu_key // n_units, cu_key % n_units

    h = _mask_tables(cu_code, mask, n_codes, n_coders, np.full(n_codes, float(n_units)))
    units_per_doc = np.bincount(u_doc, minlength=n_docs).astype(np.float64)
    h_doc = _mask_tables(u_doc[cu_unit], mask, n_docs, n_coders, units_per_doc * n_codes)
    coded = np.bincount(e_code * n_coders + e_coder, minlength=n_codes * n_coders).reshape(
        n_codes, n_coders
    )

    alpha_ci = kappa_ci = None
    overall = _overall(h.sum(axis=0), [], n_coders)
    pooled_ci = None
    if ci:
        alpha_ci, kappa_ci = _code_intervals(h, n_coders, n_boot, seed, confidence)
        pooled_ci = _pooled_interval(
            cu_unit, mask, n_units, n_codes, n_coders, overall.alpha, n_boot, seed, confidence
        )
    per_code = _code_figures(
        h,
        n_coders,
        codes,
        coded.astype(float),
        np.full(n_codes, float(n_units * n_coders)),
        alpha_ci=alpha_ci,
        kappa_ci=kappa_ci,
    )
    return AgreementResult(
        level="unit",
        overlap=overlap,
        coders=coders,
        codes=codes,
        n_units=n_units,
        per_code=per_code,
        overall=replace(_overall(h.sum(axis=0), per_code, n_coders), alpha_ci=pooled_ci),
        per_document=_documents(h_doc, n_coders, units_per_doc),
        per_pair=_pairs(h, n_coders),
        confusion=_confusion(e_code, e_unit, e_coder, n_codes, n_units, confusion_pair),
        disagreements=_disagreements(
            cu_code, cu_unit, mask, e_code, e_unit, e_coder, n_coders, order, u_doc, u_start, u_end
        ),
    )


#: Largest per-unit table (units x coder subsets) the pooled bootstrap builds.
_POOLED_MAX_CELLS = 50_000_000


def _pooled_interval(
    cu_unit: IntArray,
    mask: IntArray,
    n_units: int,
    n_codes: int,
    n_coders: int,
    estimate: Coefficient,
    n_boot: int,
    seed: int,
    confidence: float,
) -> BootstrapCI | None:
    """Percentile interval of the pooled alpha, resampling units (Efron's bootstrap).

    A unit carries its decisions on every code, so the codes of one unit move together, as they
    must: they are not independent. Units with identical decision profiles are grouped, and a
    resample of ``n_units`` units is a multinomial draw over the distinct profiles, which is
    exactly drawing units with replacement, without materialising the index matrix.
    Returns None when the per-unit table would be unreasonably large (many coders).
    """
    n_masks = 1 << n_coders
    if n_units < 2 or n_units * n_masks > _POOLED_MAX_CELLS:
        return None
    per_unit = _mask_tables(cu_unit, mask, n_units, n_coders, np.full(n_units, float(n_codes)))
    profiles, inverse = np.unique(per_unit, axis=0, return_inverse=True)
    weights = np.bincount(inverse.ravel(), minlength=len(profiles)) / n_units
    rng = np.random.default_rng([seed, 1])  # a stream of its own, apart from the per-code one
    chunk = max(1, 4_000_000 // len(profiles))
    values = []
    for lo in range(0, n_boot, chunk):
        draws = rng.multinomial(n_units, weights, size=min(chunk, n_boot - lo))
        values.append(binary.alpha(draws.astype(np.float64) @ profiles, n_coders).value)
    return percentile_interval(estimate, np.concatenate(values), n_boot, confidence)


def _code_intervals(
    h: FloatArray, n_coders: int, n_boot: int, seed: int, confidence: float
) -> tuple[list[BootstrapCI | None], list[BootstrapCI | None]]:
    if n_boot < 1:
        raise ValueError(f"n_boot must be >= 1, got {n_boot}")
    alpha_ci: list[BootstrapCI | None] = []
    kappa_ci: list[BootstrapCI | None] = []
    alpha, kappa = binary.alpha(h, n_coders), binary.kappa(h, n_coders)
    # Chunks of codes keep the (n_boot, codes, 2^m) array small.
    chunk = max(1, 4_000_000 // (n_boot * h.shape[1]))
    for lo in range(0, len(h), chunk):
        resampled = bootstrap_tables(h[lo : lo + chunk], n_boot, seed + lo)
        boot_alpha = binary.alpha(resampled, n_coders).value
        boot_kappa = binary.kappa(resampled, n_coders).value
        for k in range(resampled.shape[1]):
            code = lo + k
            alpha_ci.append(
                percentile_interval(alpha.coefficient(code), boot_alpha[:, k], n_boot, confidence)
            )
            kappa_ci.append(
                percentile_interval(kappa.coefficient(code), boot_kappa[:, k], n_boot, confidence)
            )
    return alpha_ci, kappa_ci


def _confusion(
    e_code: IntArray,
    e_unit: IntArray,
    e_coder: IntArray,
    n_codes: int,
    n_units: int,
    pair: tuple[int, int],
) -> ConfusionTable:
    first, second = pair
    none = n_codes
    size = n_codes + 1
    a = e_coder == first
    b = e_coder == second
    a_order = np.argsort(e_unit[a], kind="stable")
    b_order = np.argsort(e_unit[b], kind="stable")
    a_unit, a_code = e_unit[a][a_order], e_code[a][a_order]
    b_unit, b_code = e_unit[b][b_order], e_code[b][b_order]
    lo = np.searchsorted(b_unit, a_unit, side="left")
    hi = np.searchsorted(b_unit, a_unit, side="right")
    count = hi - lo
    which = np.repeat(np.arange(len(a_unit)), count)
    partner = lo[which] + (np.arange(len(which)) - np.repeat(np.cumsum(count) - count, count))
    keys = [a_code[which] * size + b_code[partner], a_code[count == 0] * size + none]
    b_has_a = np.searchsorted(a_unit, b_unit, side="right") > np.searchsorted(
        a_unit, b_unit, side="left"
    )
    keys.append(none * size + b_code[~b_has_a])
    counts = np.bincount(np.concatenate(keys), minlength=size * size).reshape(size, size)
    coded_units = np.union1d(a_unit, b_unit)
    counts[none, none] = n_units - len(coded_units)
    return ConfusionTable(first, second, counts.astype(np.int64))


def _disagreements(
    cu_code: IntArray,
    cu_unit: IntArray,
    mask: IntArray,
    e_code: IntArray,
    e_unit: IntArray,
    e_coder: IntArray,
    n_coders: int,
    order: IntArray,
    u_doc: IntArray,
    u_start: IntArray,
    u_end: IntArray,
) -> DisagreementTable:
    everyone = (1 << n_coders) - 1
    units = np.unique(cu_unit[mask != everyone])
    keep = np.isin(e_unit, units)
    entry_order = np.lexsort((e_code[keep], e_coder[keep], e_unit[keep]))
    entry_unit = e_unit[keep][entry_order]
    ptr = np.r_[np.searchsorted(entry_unit, units, side="left"), len(entry_unit)]
    return DisagreementTable(
        doc=u_doc[units],
        unit=order[units],
        start=u_start[units],
        end=u_end[units],
        ptr=ptr.astype(np.int64),
        entry_code=e_code[keep][entry_order],
        entry_coder=e_coder[keep][entry_order],
        n_coders=n_coders,
    )


# ------------------------------------------------------------------------- character level


def _character_level(
    codings: Codings,
    coders: tuple[str, ...],
    codes: tuple[str, ...],
    lengths: IntArray,
    overlap: str,
) -> AgreementResult:
    n_coders, n_codes, n_docs = len(coders), len(codes), len(lengths)
    n_masks = 1 << n_coders
    total = float(lengths.sum())
    group, start, end = merge_intervals(
        (codings.code * n_docs + codings.doc) * n_coders + codings.coder,
        codings.start,
        codings.end,
        merge_touching=True,
    )
    coder = group % n_coders
    code_doc = group // n_coders
    # One sweep over all boundaries: the set of coders covering each elementary piece.
    stride = int(lengths.max(initial=0)) + 1
    position = np.r_[code_doc * stride + start, code_doc * stride + end]
    bit = np.left_shift(1, coder)
    delta = np.r_[bit, -bit]
    sweep = np.argsort(position, kind="stable")
    position, delta = position[sweep], delta[sweep]
    mask = np.cumsum(delta)[:-1]
    width = np.diff(position).astype(np.float64)
    keep = (width > 0) & (mask > 0)
    piece = position[:-1][keep] // stride
    mask, width = mask[keep], width[keep]
    piece_code, piece_doc = piece // n_docs, piece % n_docs
    h = np.bincount(piece_code * n_masks + mask, weights=width, minlength=n_codes * n_masks)
    h = h.reshape(n_codes, n_masks)
    h[:, 0] = total - h[:, 1:].sum(axis=1)
    h_doc = np.bincount(piece_doc * n_masks + mask, weights=width, minlength=n_docs * n_masks)
    h_doc = h_doc.reshape(n_docs, n_masks)
    h_doc[:, 0] = lengths * n_codes - h_doc[:, 1:].sum(axis=1)
    coded = np.zeros((n_codes, n_coders))
    for i in range(n_coders):
        coded[:, i] = h[:, (np.arange(n_masks) >> i) & 1 == 1].sum(axis=1)
    character: list[CharacterAgreement | None] | None = None
    if n_coders == 2:
        character = [character_table(h[k, 3], h[k, 1], h[k, 2], h[k, 0]) for k in range(n_codes)]
    per_code = _code_figures(
        h, n_coders, codes, coded, np.full(n_codes, total * n_coders), character=character
    )
    return AgreementResult(
        level="character",
        overlap=overlap,
        coders=coders,
        codes=codes,
        n_units=int(total),
        per_code=per_code,
        overall=_overall(h.sum(axis=0), per_code, n_coders),
        per_document=_documents(h_doc, n_coders, lengths.astype(np.float64)),
        per_pair=_pairs(h, n_coders),
        notes=(NVIVO_CAVEAT,),
    )


# ------------------------------------------------------------------------------ span level


def _span_level(
    codings: Codings,
    coders: tuple[str, ...],
    codes: tuple[str, ...],
    lengths: IntArray,
    overlap: str,
) -> AgreementResult:
    n_coders, n_codes, n_docs = len(coders), len(codes), len(lengths)
    segment = codings.code * n_docs + codings.doc
    segment_length = np.tile(lengths, n_codes)
    seg_ids = np.arange(n_codes * n_docs)
    d_o, d_e = unitizing_disagreements(
        segment,
        codings.coder,
        codings.start,
        codings.end,
        segment_length,
        n_coders,
        seg_ids // n_docs,
        n_codes,
    )
    d_o_doc, d_e_doc = unitizing_disagreements(
        segment,
        codings.coder,
        codings.start,
        codings.end,
        segment_length,
        n_coders,
        seg_ids,
        n_codes * n_docs,
    )
    n_marked = np.bincount(codings.code, minlength=n_codes)
    coded = np.bincount(
        codings.code * n_coders + codings.coder, minlength=n_codes * n_coders
    ).reshape(n_codes, n_coders)
    per_code = []
    u_alphas = []
    for k, name in enumerate(codes):
        u_alpha = _u_coefficient(float(d_o[k]), float(d_e[k]), int(n_marked[k]))
        u_alphas.append(u_alpha)
        per_code.append(
            CodeAgreement(
                code=k,
                name=name,
                coded=tuple(int(x) for x in coded[k]),
                prevalence=math.nan,
                kappa_name="",
                unitized_alpha=u_alpha,
            )
        )
    mean_alpha, n_defined = binary.nan_mean(u_alphas)
    pooled = _u_coefficient(float(np.nansum(d_o)), float(np.nansum(d_e)), int(n_marked.sum()))
    d_o_doc = np.nan_to_num(d_o_doc.reshape(n_codes, n_docs)).sum(axis=0)
    d_e_doc = np.nan_to_num(d_e_doc.reshape(n_codes, n_docs)).sum(axis=0)
    marked_doc = np.bincount(codings.doc, minlength=n_docs)
    per_document = [
        DocumentAgreement(
            d,
            int(lengths[d]),
            _u_coefficient(float(d_o_doc[d]), float(d_e_doc[d]), int(marked_doc[d])),
            None,
        )
        for d in range(n_docs)
    ]
    return AgreementResult(
        level="span",
        overlap=overlap,
        coders=coders,
        codes=codes,
        n_units=int(lengths.sum()),
        per_code=per_code,
        overall=OverallAgreement(pooled, None, None, mean_alpha, math.nan, n_defined),
        per_document=per_document,
    )


def _u_coefficient(d_o: float, d_e: float, n_marked: int) -> Coefficient:
    if n_marked == 0:
        return Coefficient.undefined(NO_UNITS_MARKED, d_o, d_e)
    if not d_e > 0:
        return Coefficient.undefined(NO_VARIATION, d_o, d_e)
    return Coefficient(1.0 - d_o / d_e, None, d_o, d_e)
