"""Figures shared by every level of a project's agreement, from ``H[key, coder subset]`` tables.

``H[k, m]`` counts the decisions (units, or characters) on key ``k`` (a code, a document) where
exactly the coders in bitmask ``m`` applied the code; see :mod:`coder.agreement.binary`.
"""

from __future__ import annotations

import math

import numpy as np

from coder.agreement import binary
from coder.agreement.ratings import FloatArray, IntArray
from coder.domain.agreement_results import (
    CodeAgreement,
    DocumentAgreement,
    OverallAgreement,
    PairAgreement,
)
from coder.domain.coefficient import BootstrapCI, CharacterAgreement

__all__ = ["code_figures", "document_figures", "mask_tables", "overall_figures", "pair_figures"]


def mask_tables(
    key: IntArray, mask: IntArray, n_keys: int, n_coders: int, totals: FloatArray
) -> FloatArray:
    """``H[key, mask]`` from entries, with column 0 filled so rows sum to ``totals``."""
    n_masks = 1 << n_coders
    h = np.bincount(key * n_masks + mask, minlength=n_keys * n_masks).astype(np.float64)
    h = h.reshape(n_keys, n_masks)
    h[:, 0] = totals - h[:, 1:].sum(axis=1)
    return h


def code_figures(
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
    """Per-code figures from ``h[code, mask]``: kappa, alpha, percent agreement, PABAK, and the
    prevalence and bias indices (two coders); ``coded[code, coder]`` and ``decisions[code]``
    give prevalence. Intervals and character tables, when given, are attached per code."""
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


def overall_figures(
    h_all: FloatArray, per_code: list[CodeAgreement], n_coders: int
) -> OverallAgreement:
    """Pooled figures from the summed table ``h_all[mask]``, and means over ``per_code``."""
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


def pair_figures(h: FloatArray, n_coders: int) -> list[PairAgreement]:
    """Figures for every pair of coders, when there are more than two (else none)."""
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


def document_figures(
    h_doc: FloatArray, n_coders: int, units_per_doc: FloatArray
) -> list[DocumentAgreement]:
    """Pooled alpha and percent agreement per document, from ``h_doc[document, mask]``."""
    alpha = binary.alpha(h_doc, n_coders).coefficients()
    pa = binary.percent_agreement(h_doc, n_coders).coefficients()
    units = np.asarray(units_per_doc).astype(np.int64).tolist()
    return [DocumentAgreement(d, units[d], alpha[d], pa[d]) for d in range(len(h_doc))]
