"""Agreement over the text as a continuum: per character (NVivo) and per span (unitizing).

Neither level has units of analysis: the character level makes every character one (so text
nobody coded counts as agreement, see ``NVIVO_CAVEAT``), and the span level measures how far
the coders' spans differ with Krippendorff's unitized alpha; the kappa family is not computed.
"""

from __future__ import annotations

import math

import numpy as np

from coder.agreement import binary
from coder.agreement.figures import code_figures, document_figures, overall_figures, pair_figures
from coder.agreement.intervals import merge_intervals
from coder.agreement.ratings import IntArray
from coder.agreement.unitizing import (
    character_table,
    unitized_coefficient,
    unitizing_disagreements_by,
)
from coder.domain.agreement_results import (
    AgreementResult,
    CodeAgreement,
    Codings,
    DocumentAgreement,
    OverallAgreement,
)
from coder.domain.coefficient import (
    NVIVO_CAVEAT,
    CharacterAgreement,
)

__all__ = ["character_level", "span_level"]


def character_level(
    codings: Codings,
    coders: tuple[str, ...],
    codes: tuple[str, ...],
    lengths: IntArray,
    overlap: str,
) -> AgreementResult:
    """Every character of every document is a unit (NVivo's method; no bootstrap interval)."""
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
    per_code = code_figures(
        h, n_coders, codes, coded, np.full(n_codes, total * n_coders), character=character
    )
    return AgreementResult(
        level="character",
        overlap=overlap,
        coders=coders,
        codes=codes,
        n_units=int(total),
        per_code=per_code,
        overall=overall_figures(h.sum(axis=0), per_code, n_coders),
        per_document=document_figures(h_doc, n_coders, lengths.astype(np.float64)),
        per_pair=pair_figures(h, n_coders),
        notes=(NVIVO_CAVEAT,),
    )


def span_level(
    codings: Codings,
    coders: tuple[str, ...],
    codes: tuple[str, ...],
    lengths: IntArray,
    overlap: str,
) -> AgreementResult:
    """Krippendorff's unitized alpha per code over the documents laid end to end."""
    n_coders, n_codes, n_docs = len(coders), len(codes), len(lengths)
    segment = codings.code * n_docs + codings.doc
    segment_length = np.tile(lengths, n_codes)
    seg_ids = np.arange(n_codes * n_docs)
    # One comparison of the coders' sections, pooled per code and per code in each document.
    (d_o, d_e), (d_o_doc, d_e_doc) = unitizing_disagreements_by(
        segment,
        codings.coder,
        codings.start,
        codings.end,
        segment_length,
        n_coders,
        [(seg_ids // n_docs, n_codes), (seg_ids, n_codes * n_docs)],
    )
    n_marked = np.bincount(codings.code, minlength=n_codes)
    coded = np.bincount(
        codings.code * n_coders + codings.coder, minlength=n_codes * n_coders
    ).reshape(n_codes, n_coders)
    per_code = []
    u_alphas = []
    for k, name in enumerate(codes):
        u_alpha = unitized_coefficient(float(d_o[k]), float(d_e[k]), int(n_marked[k]))
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
    pooled = unitized_coefficient(float(np.nansum(d_o)), float(np.nansum(d_e)), int(n_marked.sum()))
    d_o_doc = np.nan_to_num(d_o_doc.reshape(n_codes, n_docs)).sum(axis=0)
    d_e_doc = np.nan_to_num(d_e_doc.reshape(n_codes, n_docs)).sum(axis=0)
    marked_doc = np.bincount(codings.doc, minlength=n_docs)
    per_document = [
        DocumentAgreement(
            d,
            int(lengths[d]),
            unitized_coefficient(float(d_o_doc[d]), float(d_e_doc[d]), int(marked_doc[d])),
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
