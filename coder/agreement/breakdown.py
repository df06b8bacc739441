"""Figures a methodologist reads beside kappa and alpha, and the per code x document table.

For presence/absence data where every coder decides every unit (see :mod:`.binary`), from mask
tables ``H[key, mask]``, vectorised over many codes at once:

* :func:`gwet_ac1_binary`: Gwet's AC1 and its standard error (Gwet 2008);
* :func:`positive_agreement`: positive specific agreement (Fleiss 1975; Cicchetti & Feinstein
  1990; Uebersax 1982 for m coders);
* :func:`units_by_coders`: units by the number of coders applying the code.

As :mod:`.binary` is to :mod:`.coefficients`, these are the binary, no-missing-data cases of
the general functions, ``agreement_precision(data, "gwet_ac1")`` (:mod:`.variance`) and
:func:`coder.agreement.specific.positive_agreement`, computed from counts so a project with
many codes and 100,000 units takes milliseconds, not minutes; the tests check they agree.

:func:`add_breakdown` attaches them to an ``AgreementResult`` at unit and character level,
with one row per code and document (NVivo's coding comparison layout) where some coder applied
the code: kappa, alpha, percent agreement and the cells of the coders' table, so a per-document
figure needs no run per document.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from coder.agreement import binary
from coder.agreement.bootstrap import distinct_rows
from coder.agreement.intervals import coverage_by_mask, merge_intervals, sorted_unique
from coder.agreement.overlap import AppliedCodes, codes_on_units
from coder.agreement.ratings import FloatArray, IntArray
from coder.domain.agreement import Overlap
from coder.domain.agreement_results import (
    AgreementResult,
    CodeDocumentAgreement,
    Codings,
    Units,
)
from coder.domain.coefficient import NO_DATA, NO_UNITS_MARKED, ONE_UNIT

__all__ = [
    "MAX_TABLE_CELLS",
    "add_breakdown",
    "applied_entries",
    "gwet_ac1_binary",
    "positive_agreement",
    "units_by_coders",
]

#: Largest code x document mask table built (rows x 2^coders); beyond it the table is skipped.
MAX_TABLE_CELLS = 20_000_000


def units_by_coders(h: FloatArray, n_coders: int) -> FloatArray:
    """``out[key, k]``: units of ``key`` on which exactly k coders applied the code."""
    counts = binary.popcounts(n_coders)
    h = np.asarray(h, dtype=np.float64)
    out = np.zeros((*h.shape[:-1], n_coders + 1))
    for k in range(n_coders + 1):
        out[..., k] = h[..., counts == k].sum(axis=-1)
    return out


def gwet_ac1_binary(h: FloatArray, n_coders: int) -> tuple[binary.Figures, FloatArray]:
    """Gwet's AC1 for presence/absence and its standard error, for each row of ``h``.

    With m coders rating N units, k_u of them applying the code to unit u, and
    ``pi = sum k_u / (N m)``: ``p_a`` is the mean share of agreeing coder pairs, ``p_e =
    2 pi (1 - pi)`` (``sum_k pi_k (1 - pi_k) / (q - 1)`` with q = 2 categories) and
    ``AC1 = (p_a - p_e) / (1 - p_e)`` (Gwet 2008, "Computing inter-rater reliability and its
    variance in the presence of high agreement", *British Journal of Mathematical and
    Statistical Psychology* 61:29-48). The variance is Gwet's linearisation (2008, eq. for
    multiple raters; as in his irrCAC ``gwet.ac1.raw``, infinite population): per unit
    ``ac1_u = (p_a|u - p_e) / (1 - p_e) - 2 (1 - AC1) (p_e|u - p_e) / (1 - p_e)`` with
    ``p_e|u = (k_u (1 - pi) + (m - k_u) pi) / m``, and ``var = sum (ac1_u - AC1)^2 /
    (N (N - 1))``. AC1 is defined when no coder applied the code (it is then ``p_a`` = 1, as
    ``gwet_ac1`` with both categories given); undefined for one unit ("one unit only") or none.
    """
    hist = units_by_coders(h, n_coders)
    m = float(n_coders)
    k = np.arange(n_coders + 1, dtype=np.float64)
    agree = (k * (k - 1) + (m - k) * (m - k - 1)) / (m * (m - 1))
    n_units = hist.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        pi = (hist @ k) / (n_units * m)
        p_a = (hist @ agree) / n_units
        p_e = 2 * pi * (1 - pi)
        value = (p_a - p_e) / (1 - p_e)
        p_e_unit = (k[None, :] * (1 - pi[:, None]) + (m - k[None, :]) * pi[:, None]) / m
        per_unit = (agree[None, :] - p_e[:, None]) / (1 - p_e[:, None]) - 2 * (
            1 - value[:, None]
        ) * (p_e_unit - p_e[:, None]) / (1 - p_e[:, None])
        variance = (hist * (per_unit - value[:, None]) ** 2).sum(axis=-1) / (
            n_units * (n_units - 1)
        )
    reason = np.full(value.shape, None, dtype=object)
    reason[n_units == 1] = ONE_UNIT
    reason[n_units == 0] = NO_DATA
    defined = reason == None  # noqa: E711 (elementwise on an object array)
    value = np.where(defined, value, np.nan)
    se = np.where(defined, np.sqrt(np.maximum(variance, 0.0)), np.nan)
    return binary.Figures(value.astype(float), p_a, p_e, reason), se


def positive_agreement(h: FloatArray, n_coders: int) -> binary.Figures:
    """Positive specific agreement: of the coder pairs in which one coder applied the code, the
    share in which the other did too.

    ``sum_u k_u (k_u - 1) / ((m - 1) sum_u k_u)``; for two coders ``2a / (2a + b + c)`` with a
    the units both coded and b, c those only one coded (Fleiss 1975, "Measuring agreement
    between two judges on the presence or absence of a trait", *Biometrics* 31:651-659;
    Cicchetti & Feinstein 1990, "High agreement but low kappa: II. Resolving the paradoxes",
    *Journal of Clinical Epidemiology* 43:551-558). It leaves out the units nobody coded, which
    dominate percent agreement for rare codes. Undefined when no coder applied the code.
    """
    hist = units_by_coders(h, n_coders)
    k = np.arange(n_coders + 1, dtype=np.float64)
    positive = hist @ k
    with np.errstate(divide="ignore", invalid="ignore"):
        value = (hist @ (k * (k - 1))) / ((n_coders - 1) * positive)
    reason = np.full(value.shape, None, dtype=object)
    reason[positive == 0] = NO_UNITS_MARKED
    value = np.where(positive > 0, value, np.nan)
    return binary.Figures(value.astype(float), value, np.full_like(value, np.nan), reason)


def add_breakdown(
    result: AgreementResult,
    units: Units | None,
    codings: Codings,
    doc_lengths: IntArray,
    *,
    entries: Entries | None = None,
) -> AgreementResult:
    """``result`` with AC1, positive agreement and units by coders per code, and the code x
    document table; unchanged at span level (unitizing has no such figures).

    Pass the units, codings and document lengths ``result`` was computed from (its overlap
    rule is applied again). Characters are not independent units, so AC1's standard error is
    left NaN at character level. A code x document table larger than ``MAX_TABLE_CELLS``
    (many coders) is left out, with a note. At unit level, ``entries`` are the
    :func:`unit_entries` of these units and codings when the caller has them already.
    """
    n_coders, n_codes = len(result.coders), len(result.codes)
    lengths = np.asarray(doc_lengths, dtype=np.int64)
    n_docs = len(lengths)
    if result.level == "unit" and units is not None:
        if entries is None:
            entries = unit_entries(units, codings, n_codes, result.overlap)  # type: ignore[arg-type]
        per_doc = np.bincount(units.doc, minlength=n_docs).astype(np.float64)
    elif result.level == "character":
        entries = _character_entries(codings, n_codes, n_docs, n_coders)
        per_doc = lengths.astype(np.float64)
    else:
        return result
    code, doc, mask, weight = entries
    n_masks = 1 << n_coders
    h = np.bincount(code * n_masks + mask, weights=weight, minlength=n_codes * n_masks)
    h = h.reshape(n_codes, n_masks)
    h[:, 0] = per_doc.sum() - h[:, 1:].sum(axis=1)
    ac1, se = gwet_ac1_binary(h, n_coders)
    positive = positive_agreement(h, n_coders)
    hist = units_by_coders(h, n_coders)
    per_code = [
        replace(
            figures,
            ac1=ac1.coefficient(i),
            ac1_se=float(se[i]) if result.level == "unit" else math.nan,
            positive_agreement=positive.coefficient(i),
            units_by_coders=tuple(round(float(x)) for x in hist[i]),
        )
        for i, figures in enumerate(result.per_code)
    ]
    key = code * n_docs + doc
    present = sorted_unique(key)
    if len(present) * n_masks > MAX_TABLE_CELLS:
        note = (
            "The code x document table is left out: "
            f"{len(present):,} rows x {n_masks:,} coder subsets is too large."
        )
        return replace(result, per_code=per_code, notes=(*result.notes, note))
    rows = _code_document_rows(
        present, key, mask, weight, n_docs, n_coders, per_doc, share_rows=result.level == "unit"
    )
    return replace(result, per_code=per_code, per_code_document=rows)


Entries = tuple[IntArray, IntArray, IntArray, FloatArray]


def unit_entries(units: Units, codings: Codings, n_codes: int, overlap: Overlap) -> Entries:
    """One entry per (code, unit) some coder applied the code to: code, document, the set of
    coders (bit mask) and a weight of 1."""
    applied = codes_on_units(units, codings, n_codes, overlap=overlap)
    return applied_entries(applied, units.doc)


def applied_entries(applied: AppliedCodes, unit_doc: IntArray) -> Entries:
    """:func:`unit_entries` from the codes already found on the units (``applied.unit`` indexes
    ``unit_doc``, the document of each unit)."""
    n_units = len(unit_doc)
    code_unit, inverse = np.unique(applied.code * n_units + applied.unit, return_inverse=True)
    mask = np.bincount(
        inverse.ravel(), weights=np.left_shift(1, applied.coder), minlength=len(code_unit)
    ).astype(np.int64)
    unit = code_unit % n_units
    return code_unit // n_units, unit_doc[unit], mask, np.ones(len(code_unit))


def _character_entries(codings: Codings, n_codes: int, n_docs: int, n_coders: int) -> Entries:
    """One entry per (code, document, set of coders) covering some characters, weighted by how
    many characters it covers."""
    group, start, end = merge_intervals(
        (codings.code * n_docs + codings.doc) * n_coders + codings.coder,
        codings.start,
        codings.end,
        merge_touching=True,
    )
    code_doc = group // n_coders
    present, compact = np.unique(code_doc, return_inverse=True)
    cover = coverage_by_mask(compact.ravel(), group % n_coders, start, end, len(present), n_coders)
    row, mask = np.nonzero(cover)
    key = present[row]
    return key // n_docs, key % n_docs, mask.astype(np.int64), cover[row, mask].astype(np.float64)


def _code_document_rows(
    present: IntArray,
    key: IntArray,
    mask: IntArray,
    weight: FloatArray,
    n_docs: int,
    n_coders: int,
    per_doc: FloatArray,
    *,
    share_rows: bool,
) -> list[CodeDocumentAgreement]:
    """Kappa, alpha, percent agreement and coder cells of each (code, document) present."""
    n_masks = 1 << n_coders
    row = np.searchsorted(present, key)
    h = np.bincount(row * n_masks + mask, weights=weight, minlength=len(present) * n_masks)
    h = h.reshape(len(present), n_masks)
    h[:, 0] = per_doc[present % n_docs] - h[:, 1:].sum(axis=1)
    # Rows with the same cells have the same figures: each distinct row is computed and built
    # once and its immutable values shared. Counts of units repeat (a third of the rows are
    # distinct on the bench workload); counts of characters hardly do, so they are not sought.
    if share_rows:
        distinct, row_of = distinct_rows(h)
    else:
        distinct, row_of = h, np.arange(len(h))
    kappa = binary.kappa(distinct, n_coders).coefficients()
    alpha = binary.alpha(distinct, n_coders).coefficients()
    agreement = binary.percent_agreement(distinct, n_coders).coefficients()
    bits = (np.arange(n_masks)[None, :] >> np.arange(n_coders)[:, None]) & 1
    cells = [tuple(row) for row in np.rint(distinct).astype(np.int64).tolist()]
    coded = [tuple(row) for row in np.rint(distinct @ bits.T).astype(np.int64).tolist()]
    n_units = per_doc[present % n_docs].astype(np.int64).tolist()
    return [
        CodeDocumentAgreement(
            code=k // n_docs,
            doc=k % n_docs,
            n_units=units,
            coded=coded[r],
            cells=cells[r],
            kappa=kappa[r],
            alpha=alpha[r],
            percent_agreement=agreement[r],
        )
        for k, units, r in zip(present.tolist(), n_units, row_of.tolist(), strict=True)
    ]
