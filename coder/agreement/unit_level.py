"""Agreement at unit level: codes present per unit of analysis (sentence, paragraph, turn).

A code is present on a unit for a coder under the overlap rule (:mod:`coder.agreement.overlap`);
each (code, unit) is then one decision per coder. Bootstrap intervals resample units.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from coder.agreement import binary
from coder.agreement.binary_precision import q_below
from coder.agreement.bootstrap import bootstrap_tables, distinct_rows, percentile_interval
from coder.agreement.figures import (
    code_figures,
    document_figures,
    mask_tables,
    overall_figures,
    pair_figures,
)
from coder.agreement.intervals import sorted_unique
from coder.agreement.overlap import AppliedCodes, LaidOutUnits
from coder.agreement.ratings import FloatArray, IntArray
from coder.domain.agreement import Overlap
from coder.domain.agreement_results import (
    AgreementResult,
    ConfusionTable,
    DisagreementTable,
)
from coder.domain.coefficient import BootstrapCI, Coefficient

__all__ = ["unit_level"]


def unit_level(
    laid: LaidOutUnits,
    applied: AppliedCodes,
    coders: tuple[str, ...],
    codes: tuple[str, ...],
    lengths: IntArray,
    overlap: Overlap,
    *,
    ci: bool,
    n_boot: int,
    seed: int,
    confidence: float,
    confusion_pair: tuple[int, int],
) -> AgreementResult:
    """The ``AgreementResult`` at unit level (see ``compute_agreement``, which validates) from
    the units laid out and the codes each coder applied to them (:mod:`.overlap`)."""
    n_coders, n_codes, n_docs = len(coders), len(codes), len(lengths)
    n_units = len(laid)

    # One entry per (code, unit) with the set of coders who applied the code.
    cu_key, inverse = np.unique(applied.code * n_units + applied.unit, return_inverse=True)
    mask = np.bincount(inverse, weights=np.left_shift(1, applied.coder), minlength=len(cu_key))
    mask = mask.astype(np.int64)
    cu_code, cu_unit = cu_key // n_units, cu_key % n_units

    h = mask_tables(cu_code, mask, n_codes, n_coders, np.full(n_codes, float(n_units)))
    units_per_doc = np.bincount(laid.doc, minlength=n_docs).astype(np.float64)
    h_doc = mask_tables(laid.doc[cu_unit], mask, n_docs, n_coders, units_per_doc * n_codes)
    coded = np.bincount(
        applied.code * n_coders + applied.coder, minlength=n_codes * n_coders
    ).reshape(n_codes, n_coders)

    alpha_ci = kappa_ci = None
    pooled_ci = None
    q: list[tuple[tuple[float, float], ...]] = [()] * n_codes
    if ci:
        alpha_ci, kappa_ci, q = _code_intervals(h, n_coders, n_boot, seed, confidence)
        estimate = overall_figures(h.sum(axis=0), [], n_coders).alpha
        pooled_ci = _pooled_interval(
            cu_unit, mask, n_units, n_codes, n_coders, estimate, n_boot, seed, confidence
        )
    per_code = code_figures(
        h,
        n_coders,
        codes,
        coded.astype(float),
        np.full(n_codes, float(n_units * n_coders)),
        alpha_ci=alpha_ci,
        kappa_ci=kappa_ci,
    )
    per_code = [replace(figures, alpha_q=q[i]) for i, figures in enumerate(per_code)]
    return AgreementResult(
        level="unit",
        overlap=overlap,
        coders=coders,
        codes=codes,
        n_units=n_units,
        per_code=per_code,
        overall=replace(overall_figures(h.sum(axis=0), per_code, n_coders), alpha_ci=pooled_ci),
        per_document=document_figures(h_doc, n_coders, units_per_doc),
        per_pair=pair_figures(h, n_coders),
        confusion=_confusion(applied, n_codes, n_units, confusion_pair),
        disagreements=_disagreements(cu_unit[mask != (1 << n_coders) - 1], applied, n_coders, laid),
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
    per_unit = mask_tables(cu_unit, mask, n_units, n_coders, np.full(n_units, float(n_codes)))
    profiles, inverse = distinct_rows(per_unit)
    weights = np.bincount(inverse, minlength=len(profiles)) / n_units
    rng = np.random.default_rng([seed, 1])  # a stream of its own, apart from the per-code one
    chunk = max(1, 4_000_000 // len(profiles))
    values = []
    for lo in range(0, n_boot, chunk):
        draws = rng.multinomial(n_units, weights, size=min(chunk, n_boot - lo))
        values.append(binary.alpha(draws.astype(np.float64) @ profiles, n_coders).value)
    return percentile_interval(estimate, np.concatenate(values), n_boot, confidence)


def _code_intervals(
    h: FloatArray, n_coders: int, n_boot: int, seed: int, confidence: float
) -> tuple[
    list[BootstrapCI | None], list[BootstrapCI | None], list[tuple[tuple[float, float], ...]]
]:
    """Per code, the percentile intervals of alpha and kappa and, from the same resamples of
    alpha, q = P(alpha < 0.667), P(alpha < 0.800) (``binary_precision.alpha_q``'s chunks and
    seeds, so the two agree)."""
    if n_boot < 1:
        raise ValueError(f"n_boot must be >= 1, got {n_boot}")
    alpha_ci: list[BootstrapCI | None] = []
    kappa_ci: list[BootstrapCI | None] = []
    q: list[tuple[tuple[float, float], ...]] = []
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
            q.append(q_below(boot_alpha[:, k]))
    return alpha_ci, kappa_ci, q


def _confusion(
    applied: AppliedCodes, n_codes: int, n_units: int, pair: tuple[int, int]
) -> ConfusionTable:
    """Units by the first coder's code x the second's, with "no code" as the last row/column."""
    e_code, e_unit, e_coder = applied.code, applied.unit, applied.coder
    first, second = pair
    none = n_codes
    size = n_codes + 1
    a = e_coder == first
    b = e_coder == second
    # Within a unit the codes may come in any order: every pair of them is counted.
    a_order = np.argsort(e_unit[a])
    b_order = np.argsort(e_unit[b])
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
    coded_units = sorted_unique(np.r_[a_unit, b_unit])
    counts[none, none] = n_units - len(coded_units)
    return ConfusionTable(first, second, counts.astype(np.int64))


def _disagreements(
    split_units: IntArray, applied: AppliedCodes, n_coders: int, laid: LaidOutUnits
) -> DisagreementTable:
    """Units where the coders' code sets differ (``split_units``: one entry per split code)."""
    e_code, e_unit, e_coder = applied.code, applied.unit, applied.coder
    units = sorted_unique(split_units)
    keep = np.isin(e_unit, units)
    entry_order = np.lexsort((e_code[keep], e_coder[keep], e_unit[keep]))
    entry_unit = e_unit[keep][entry_order]
    ptr = np.r_[np.searchsorted(entry_unit, units, side="left"), len(entry_unit)]
    return DisagreementTable(
        doc=laid.doc[units],
        unit=laid.order[units],
        start=laid.start[units],
        end=laid.end[units],
        ptr=ptr.astype(np.int64),
        entry_code=e_code[keep][entry_order],
        entry_coder=e_coder[keep][entry_order],
        n_coders=n_coders,
    )
