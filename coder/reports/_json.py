"""The JSON report: every figure of the result plus the context needed to read it."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from coder.domain.agreement import MIN_CODED_UNITS, AgreementReport
from coder.domain.coefficient import Coefficient
from coder.reports._common import code_flag, code_names, too_few_units
from coder.reports._methods import methods_paragraph, references
from coder.reports._rows import disagreement_entries
from coder.reports._summary import code_summary, neither_share, pooled_alpha, unitizing_notes

#: Bumped when a key is renamed or removed (adding keys keeps the version).
FORMAT_VERSION = 1


def request_dict(report: AgreementReport) -> dict[str, Any]:
    """The request's parameters as plain JSON values."""
    request = report.request
    return {
        "coders": list(request.coders),
        "unit": str(request.unit),
        "level": request.level,
        "overlap": request.overlap,
        "documents": list(request.documents),
        "where": {str(k): str(v) for k, v in request.where.items()},
        "codes": list(request.codes),
        "rollup": request.rollup,
        "all_documents": request.all_documents,
        "ci": request.ci,
        "n_boot": request.n_boot,
        "seed": request.seed,
        "all_codes": request.all_codes,
    }


def summary_dict(report: AgreementReport) -> dict[str, Any]:
    """The summary across codes as the report states it, and each code's flag."""
    facts = code_summary(report)
    level = report.request.level
    return {
        "coefficient": facts.name,
        "n_codes": facts.n_codes,
        "n_unused": facts.n_unused,
        "n_defined": len(facts.values),
        "mean": facts.mean if facts.values else None,
        "median": facts.median if facts.values else None,
        "min": min(facts.values, default=None),
        "max": max(facts.values, default=None),
        "undefined": facts.undefined,
        "too_few_units": facts.too_few,
        "judged": facts.judged,
        "low": facts.low,
        "tentative": facts.tentative,
        "reliable": facts.reliable,
        "pooled_alpha": pooled_alpha(report).to_dict(),
        "neither_share": neither_share(report),
        "min_coded_units": MIN_CODED_UNITS,
        "flags": [
            {
                "code": name,
                "flag": code_flag(code, level).word,
                "too_few_units": too_few_units(code, level),
            }
            for code, name in zip(report.result.per_code, code_names(report), strict=True)
        ],
    }


def report_dict(report: AgreementReport) -> dict[str, Any]:
    """Everything in the report as JSON-ready values; NaN becomes ``None``.

    Undefined coefficients keep their ``reason``; document and code indices in ``result``
    index ``documents`` and ``code_paths``.
    """
    result = report.result
    # The disagreement list is built from the table's arrays directly: much faster than
    # ``DisagreementTable.to_dict`` on large projects, and the same records.
    result_dict = dataclasses.replace(result, disagreements=None, per_code_document=[]).to_dict()
    out: dict[str, Any] = _clean(
        {
            "format_version": FORMAT_VERSION,
            "project": report.project,
            "generated_at": report.generated_at.isoformat(),
            "request": request_dict(report),
            "unit_label": report.unit_label,
            "documents": list(report.documents),
            "code_paths": [str(p) for p in report.code_paths],
            "codings_per_coder": dict(report.codings_per_coder),
            "excluded": list(report.excluded),
            "blind": report.blind,
            "headings": [str(p) for p in report.headings],
            "methods": methods_paragraph(report),
            "references": references(report),
            "summary": summary_dict(report),
            "notes": unitizing_notes(report),
            "result": result_dict,
        }
    )
    # One record per code and document, built without the recursive clean: 100,000 rows.
    out["result"]["per_code_document"] = [
        {
            "code": row.code,
            "doc": row.doc,
            "n_units": row.n_units,
            "coded": list(row.coded),
            "cells": list(row.cells),
            "kappa": _coefficient(row.kappa),
            "alpha": _coefficient(row.alpha),
            "percent_agreement": _coefficient(row.percent_agreement),
        }
        for row in result.per_code_document
    ]
    if result.disagreements is not None:
        # Plain ints from ``tolist()``: nothing to clean, and cleaning 100,000 records is slow.
        out["result"]["disagreements"] = [
            {"doc": doc, "unit": unit, "start": start, "end": end, "codes": codes}
            for doc, unit, start, end, codes in disagreement_entries(result.disagreements)
        ]
    return out


def render_json(report: AgreementReport) -> str:
    """``report_dict`` as JSON text, one line (strict: no NaN literals).

    Not indented: the indenting encoder is pure Python and takes seconds on a large project.
    """
    return json.dumps(report_dict(report), ensure_ascii=False, allow_nan=False) + "\n"


def _number(x: float) -> float | None:
    return x + 0.0 if math.isfinite(x) else None


def _coefficient(c: Coefficient) -> dict[str, Any]:
    """``Coefficient.to_dict`` without -0.0."""
    return {
        "value": _number(c.value),
        "reason": c.reason,
        "observed": _number(c.observed),
        "expected": _number(c.expected),
    }


def _clean(value: Any) -> Any:
    """Numpy scalars to Python numbers and NaN/inf to ``None``, recursively."""
    if isinstance(value, Mapping):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return _clean(value.tolist())
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        # "+ 0.0" turns -0.0 into 0.0, so no "-0.0" reaches the file.
        return float(value) + 0.0 if math.isfinite(value) else None
    return value
