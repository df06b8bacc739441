"""Inputs and results of ``coder.agreement.compute_agreement``: frozen dataclasses of arrays.

Every result has ``to_dict()`` giving JSON-ready data (NaN becomes ``None``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from coder.domain.coefficient import BootstrapCI, CharacterAgreement, Coefficient

IntArray = npt.NDArray[np.int64]

__all__ = [
    "AgreementResult",
    "Analytical",
    "CodeAgreement",
    "CodeDocumentAgreement",
    "Codings",
    "ConfusionTable",
    "Disagreement",
    "DisagreementTable",
    "DocumentAgreement",
    "OverallAgreement",
    "PairAgreement",
    "Units",
    "int_array",
]


def int_array(values: Any, name: str) -> IntArray:
    """``values`` as a 1-D int64 array; ``ValueError`` naming ``name`` if they are not integers."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array")
    if array.size and array.dtype.kind not in "iu":
        if (
            array.dtype.kind == "f"
            and np.all(np.isfinite(array))
            and np.all(array == np.round(array))
        ):
            return array.astype(np.int64)
        raise ValueError(f"{name} must hold integers")
    return array.astype(np.int64)


@dataclass(frozen=True)
class Units:
    """Units of analysis: ``[start, end)`` of document ``doc`` (indices, not ids)."""

    doc: IntArray
    start: IntArray
    end: IntArray

    def __post_init__(self) -> None:
        for name in ("doc", "start", "end"):
            object.__setattr__(self, name, int_array(getattr(self, name), f"units.{name}"))
        if not len(self.doc) == len(self.start) == len(self.end):
            raise ValueError("units.doc, units.start and units.end differ in length")
        if np.any(self.start < 0) or np.any(self.end <= self.start) or np.any(self.doc < 0):
            raise ValueError("every unit needs doc >= 0 and 0 <= start < end")

    def __len__(self) -> int:
        return len(self.doc)


@dataclass(frozen=True)
class Codings:
    """Codings: coder ``coder`` applied code ``code`` to ``[start, end)`` of document ``doc``."""

    doc: IntArray
    start: IntArray
    end: IntArray
    code: IntArray
    coder: IntArray

    def __post_init__(self) -> None:
        for name in ("doc", "start", "end", "code", "coder"):
            object.__setattr__(self, name, int_array(getattr(self, name), f"codings.{name}"))
        if (
            not len(self.doc)
            == len(self.start)
            == len(self.end)
            == len(self.code)
            == len(self.coder)
        ):
            raise ValueError("the codings arrays differ in length")
        if np.any(self.start < 0) or np.any(self.end <= self.start) or np.any(self.doc < 0):
            raise ValueError("every coding needs doc >= 0 and 0 <= start < end")

    def __len__(self) -> int:
        return len(self.doc)


def _clean(x: float) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


def _opt(obj: Any) -> Any:
    return None if obj is None else obj.to_dict()


@dataclass(frozen=True)
class Analytical:
    """A coefficient's analytical standard error, ``confidence`` interval (Student's t, upper
    bound capped at 1) and two-sided p-value of "coefficient = 0" (Gwet 2014, ch. 5)."""

    se: float
    low: float
    high: float
    p_value: float
    confidence: float = 0.95

    def to_dict(self) -> dict[str, Any]:
        return {
            "se": _clean(self.se),
            "low": _clean(self.low),
            "high": _clean(self.high),
            "p_value": _clean(self.p_value),
            "confidence": self.confidence,
        }


@dataclass(frozen=True)
class CodeAgreement:
    """Figures for one code. Fields a level does not compute are ``None``.

    ``kappa`` is Cohen's (2 coders) or Fleiss' (more), named in ``kappa_name``. ``coded`` is,
    per coder, the number of units (characters at character level) the coder applied the code
    to; ``prevalence`` is the share of all coder x unit decisions that applied it.

    ``ac1`` (Gwet's AC1, with Gwet's 2008 standard error ``ac1_se``; NaN where units are not
    independent, as characters are), ``positive_agreement`` (positive specific agreement) and
    ``units_by_coders`` (``units_by_coders[k]``: units on which exactly k coders applied the
    code) are added by :func:`coder.agreement.breakdown.add_breakdown`. At unit level
    ``kappa_se`` and ``alpha_se`` are kappa's and alpha's analytical precision (Gwet 2014) and
    ``alpha_q`` pairs each threshold with q = P(alpha < threshold) from the bootstrap (Hayes &
    Krippendorff 2007); see :mod:`coder.agreement.binary_precision`.
    """

    code: int
    name: str
    coded: tuple[int, ...]
    prevalence: float
    kappa_name: str
    kappa: Coefficient | None = None
    alpha: Coefficient | None = None
    percent_agreement: Coefficient | None = None
    pabak: Coefficient | None = None
    prevalence_index: float = math.nan
    bias_index: float = math.nan
    alpha_ci: BootstrapCI | None = None
    kappa_ci: BootstrapCI | None = None
    character: CharacterAgreement | None = None
    unitized_alpha: Coefficient | None = None
    ac1: Coefficient | None = None
    ac1_se: float = math.nan
    positive_agreement: Coefficient | None = None
    units_by_coders: tuple[int, ...] = ()
    kappa_se: Analytical | None = None
    alpha_se: Analytical | None = None
    alpha_q: tuple[tuple[float, float], ...] = ()

    @property
    def units_coded(self) -> int | None:
        """Units at least one coder applied the code to (None when not counted)."""
        if not self.units_by_coders:
            return None
        return sum(self.units_by_coders[1:])

    @property
    def mean_coded(self) -> float:
        """Units (segments at span level) each coder applied the code to, on average."""
        return sum(self.coded) / len(self.coded) if self.coded else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "coded": list(self.coded),
            "prevalence": _clean(self.prevalence),
            "kappa_name": self.kappa_name,
            "kappa": _opt(self.kappa),
            "alpha": _opt(self.alpha),
            "percent_agreement": _opt(self.percent_agreement),
            "pabak": _opt(self.pabak),
            "prevalence_index": _clean(self.prevalence_index),
            "bias_index": _clean(self.bias_index),
            "alpha_ci": _opt(self.alpha_ci),
            "kappa_ci": _opt(self.kappa_ci),
            "character": _opt(self.character),
            "unitized_alpha": _opt(self.unitized_alpha),
            "ac1": _opt(self.ac1),
            "ac1_se": _clean(self.ac1_se),
            "positive_agreement": _opt(self.positive_agreement),
            "units_by_coders": list(self.units_by_coders),
            "kappa_precision": _opt(self.kappa_se),
            "alpha_precision": _opt(self.alpha_se),
            "alpha_q": {str(t): _clean(q) for t, q in self.alpha_q},
        }


@dataclass(frozen=True)
class CodeDocumentAgreement:
    """One code in one document, as NVivo's coding comparison lists it.

    ``cells[mask]`` counts the units (characters at character level) of the document on which
    exactly the coders in bit set ``mask`` applied the code (bit i = coder i): for two coders
    ``(neither, first only, second only, both)``. ``coded`` is per coder.
    """

    code: int
    doc: int
    n_units: int
    coded: tuple[int, ...]
    cells: tuple[int, ...]
    kappa: Coefficient
    alpha: Coefficient
    percent_agreement: Coefficient

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "doc": self.doc,
            "n_units": self.n_units,
            "coded": list(self.coded),
            "cells": list(self.cells),
            "kappa": self.kappa.to_dict(),
            "alpha": self.alpha.to_dict(),
            "percent_agreement": self.percent_agreement.to_dict(),
        }


@dataclass(frozen=True)
class OverallAgreement:
    """Pooled figures over all code x unit decisions, and means of the per-code values.

    ``mean_alpha``/``mean_kappa`` average the codes whose value is defined;
    ``n_codes_defined`` says how many that was. At span level ``alpha`` is the unitized alpha
    pooled over codes, ``1 - sum D_o / sum D_e``, and ``mean_alpha`` the mean per-code u-alpha.
    """

    alpha: Coefficient
    kappa: Coefficient | None
    percent_agreement: Coefficient | None
    mean_alpha: float
    mean_kappa: float
    n_codes_defined: int
    #: Bootstrap interval of the pooled alpha, resampling units with all their decisions.
    alpha_ci: BootstrapCI | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "alpha": self.alpha.to_dict(),
            "alpha_ci": _opt(self.alpha_ci),
            "kappa": _opt(self.kappa),
            "percent_agreement": _opt(self.percent_agreement),
            "mean_alpha": _clean(self.mean_alpha),
            "mean_kappa": _clean(self.mean_kappa),
            "n_codes_defined": self.n_codes_defined,
        }


@dataclass(frozen=True)
class DocumentAgreement:
    """Pooled figures over one document's code x unit decisions."""

    doc: int
    n_units: int
    alpha: Coefficient
    percent_agreement: Coefficient | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc": self.doc,
            "n_units": self.n_units,
            "alpha": self.alpha.to_dict(),
            "percent_agreement": _opt(self.percent_agreement),
        }


@dataclass(frozen=True)
class PairAgreement:
    """Two coders among several: pooled Cohen's kappa, alpha and agreement, mean per-code kappa."""

    first: int
    second: int
    kappa: Coefficient
    alpha: Coefficient
    percent_agreement: Coefficient
    mean_kappa: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "first": self.first,
            "second": self.second,
            "kappa": self.kappa.to_dict(),
            "alpha": self.alpha.to_dict(),
            "percent_agreement": self.percent_agreement.to_dict(),
            "mean_kappa": _clean(self.mean_kappa),
        }


@dataclass(frozen=True)
class ConfusionTable:
    """``counts[p, q]``: units where coder ``first`` applied code p and ``second`` code q.

    Row and column ``n_codes`` stand for "no code at all": ``counts[p, none]`` counts units where
    the first coder applied p and the second applied nothing.
    """

    first: int
    second: int
    counts: IntArray

    def to_dict(self) -> dict[str, Any]:
        return {"first": self.first, "second": self.second, "counts": self.counts.tolist()}


@dataclass(frozen=True)
class Disagreement:
    """A unit where the coders' code sets differ; ``codes[i]`` is coder i's sorted codes."""

    doc: int
    unit: int
    start: int
    end: int
    codes: tuple[tuple[int, ...], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc": self.doc,
            "unit": self.unit,
            "start": self.start,
            "end": self.end,
            "codes": [list(c) for c in self.codes],
        }


@dataclass(frozen=True)
class DisagreementTable:
    """All disagreements, stored as arrays; iterate to get ``Disagreement`` objects.

    ``unit`` indexes the caller's ``Units``. The codes applied to disagreement ``k`` are
    entries ``ptr[k]:ptr[k + 1]`` of ``entry_code``/``entry_coder``.
    """

    doc: IntArray
    unit: IntArray
    start: IntArray
    end: IntArray
    ptr: IntArray
    entry_code: IntArray
    entry_coder: IntArray
    n_coders: int

    def __len__(self) -> int:
        return len(self.unit)

    def __getitem__(self, k: int) -> Disagreement:
        lo, hi = int(self.ptr[k]), int(self.ptr[k + 1])
        codes = tuple(
            tuple(sorted(int(c) for c in self.entry_code[lo:hi][self.entry_coder[lo:hi] == i]))
            for i in range(self.n_coders)
        )
        return Disagreement(
            int(self.doc[k]), int(self.unit[k]), int(self.start[k]), int(self.end[k]), codes
        )

    def __iter__(self) -> Iterator[Disagreement]:
        return (self[k] for k in range(len(self)))

    def to_dict(self) -> list[dict[str, Any]]:
        return [d.to_dict() for d in self]


@dataclass(frozen=True)
class AgreementResult:
    """Everything ``compute_agreement`` found; ``to_dict()`` is JSON-serialisable."""

    level: str
    overlap: str
    coders: tuple[str, ...]
    codes: tuple[str, ...]
    n_units: int
    per_code: list[CodeAgreement]
    overall: OverallAgreement
    per_document: list[DocumentAgreement]
    per_pair: list[PairAgreement] = field(default_factory=list)
    confusion: ConfusionTable | None = None
    disagreements: DisagreementTable | None = None
    notes: tuple[str, ...] = ()
    #: Per code and document, where some coder applied the code (``add_breakdown``).
    per_code_document: list[CodeDocumentAgreement] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "overlap": self.overlap,
            "coders": list(self.coders),
            "codes": list(self.codes),
            "n_units": self.n_units,
            "per_code": [c.to_dict() for c in self.per_code],
            "overall": self.overall.to_dict(),
            "per_document": [d.to_dict() for d in self.per_document],
            "per_pair": [p.to_dict() for p in self.per_pair],
            "confusion": _opt(self.confusion),
            "disagreements": None if self.disagreements is None else self.disagreements.to_dict(),
            "notes": list(self.notes),
            "per_code_document": [c.to_dict() for c in self.per_code_document],
        }
