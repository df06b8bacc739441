"""Agreement reports built the way ``coder agreement`` builds them (engine, then breakdown), from
fixed arrays: the shared fixture of ``tests.factories`` and cases a methodologist asks about
(rare codes, a single sentence, a project that was not blind, tiny negative figures).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from coder.agreement import compute_agreement
from coder.agreement.breakdown import add_breakdown
from coder.domain.agreement import AgreementReport, AgreementRequest, Level
from coder.domain.agreement_results import Codings, Units
from coder.domain.codebook import CodePath
from coder.domain.documents import UnitKind
from tests.factories import REPORT_CODINGS, REPORT_TIME, agreement_report

FIXTURE_LENGTHS = np.array([100, 60])
FIXTURE_EXCLUDED = ("1 document not yet coded by every coder: interview-03",)


def fixture_units() -> Units:
    starts = [*range(0, 100, 10), 0, 20, 40]
    ends = [*range(10, 101, 10), 20, 40, 60]
    return Units(doc=np.array([0] * 10 + [1] * 3), start=np.array(starts), end=np.array(ends))


def full_report(
    level: Level = "unit", n_coders: int = 2, *, ci: bool = True, **fields: Any
) -> AgreementReport:
    """``tests.factories.agreement_report`` with the breakdown the service adds (AC1, positive
    agreement, the code x document table), and any report ``fields`` replaced."""
    report = agreement_report(level, n_coders, ci=ci, excluded=FIXTURE_EXCLUDED)
    rows = np.array([c for c in REPORT_CODINGS if c[4] < n_coders], dtype=np.int64)
    codings = Codings(rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3], rows[:, 4])
    units = fixture_units() if level == "unit" else None
    result = add_breakdown(report.result, units, codings, FIXTURE_LENGTHS)
    return dataclasses.replace(report, result=result, **fields)


def report_from(
    units: Sequence[tuple[int, int, int]],
    codings: Sequence[tuple[int, int, int, int, int]],
    codes: Sequence[str],
    documents: Sequence[str],
    lengths: Sequence[int],
    *,
    coders: Sequence[str] = ("ana", "ben"),
    level: Level = "unit",
    blind: bool | None = True,
    ci: bool = True,
    all_codes: bool = False,
    codings_per_coder: dict[str, int] | None = None,
) -> AgreementReport:
    """A report on hand-made units (document, start, end) and codings (document, start, end,
    code, coder), computed and broken down as the service does."""
    u = np.array(units, dtype=np.int64).reshape(-1, 3)
    c = np.array(codings, dtype=np.int64).reshape(-1, 5)
    unit_arrays = Units(u[:, 0], u[:, 1], u[:, 2])
    coding_arrays = Codings(c[:, 0], c[:, 1], c[:, 2], c[:, 3], c[:, 4])
    doc_lengths = np.array(lengths, dtype=np.int64)
    result = compute_agreement(
        unit_arrays if level == "unit" else None,
        coding_arrays,
        list(coders),
        list(codes),
        level=level,
        doc_lengths=doc_lengths,
        ci=ci,
        n_boot=200,
        seed=3,
    )
    result = add_breakdown(result, unit_arrays, coding_arrays, doc_lengths)
    counts = codings_per_coder or {name: int((c[:, 4] == i).sum()) for i, name in enumerate(coders)}
    return AgreementReport(
        project="cases",
        request=AgreementRequest(
            coders=tuple(coders),
            unit=UnitKind.SENTENCE,
            level=level,
            ci=ci,
            n_boot=200,
            seed=3,
            all_codes=all_codes,
        ),
        result=result,
        documents=tuple(documents),
        code_paths=tuple(CodePath(tuple(name.split("/"))) for name in codes),
        codings_per_coder=counts,
        excluded=(),
        generated_at=REPORT_TIME,
        blind=blind,
    )


# 120 sentences of 10 characters in three documents of 400 characters each.
SENTENCES = [(d, s, s + 10) for d in range(3) for s in range(0, 400, 10)]
RARE_CODES = ("Common", "Rare", "Unused", "Weak", "Middling")


def _code(code: int, coder: int, sentences: Sequence[int]) -> list[tuple[int, int, int, int, int]]:
    return [(s // 40, (s % 40) * 10, (s % 40) * 10 + 10, code, coder) for s in sentences]


def rare_codes_report(*, blind: bool | None = True, all_codes: bool = False) -> AgreementReport:
    """``Common``: both coders on 20 sentences, 18 of them the same (enough data, alpha > 0.8);
    ``Rare``: both on the same 3 sentences (alpha 1.000 [1.000, 1.000], too few units);
    ``Unused``: nobody; ``Weak``: 16 sentences each, 8 shared (enough data, alpha low);
    ``Middling``: 20 each, 16 shared (alpha 0.761, tentative)."""
    common_a = list(range(0, 20))
    common_b = [*range(0, 18), 50, 51]
    weak_a = list(range(60, 76))
    weak_b = [*range(60, 68), *range(90, 98)]
    codings = [
        *_code(0, 0, common_a),
        *_code(0, 1, common_b),
        *_code(1, 0, [100, 105, 110]),
        *_code(1, 1, [100, 105, 110]),
        *_code(3, 0, weak_a),
        *_code(3, 1, weak_b),
        *_code(4, 0, range(20, 40)),
        *_code(4, 1, [*range(20, 36), 80, 81, 82, 83]),
    ]
    return report_from(
        SENTENCES,
        codings,
        RARE_CODES,
        ("doc-1", "doc-2", "doc-3"),
        [400, 400, 400],
        blind=blind,
        all_codes=all_codes,
    )


def single_sentence_report() -> AgreementReport:
    """One document of one sentence; both coders apply A to it, one of them also B."""
    return report_from(
        [(0, 0, 20)],
        [(0, 0, 20, 0, 0), (0, 0, 20, 0, 1), (0, 0, 20, 1, 0)],
        ("A", "B"),
        ("one-sentence",),
        [20],
        codings_per_coder={"ana": 2, "ben": 1},
    )


def one_of_each_report() -> AgreementReport:
    """One document, one coding by ana and two by ben: the singular forms."""
    return report_from(
        [(0, s, s + 10) for s in range(0, 200, 10)],
        [(0, 0, 10, 0, 0), (0, 0, 10, 0, 1), (0, 50, 60, 0, 1)],
        ("Only",),
        ("the-only-document",),
        [200],
        codings_per_coder={"ana": 1, "ben": 2},
    )


def span_single_sentence_report() -> AgreementReport:
    """Span level on two one-sentence documents where the coders mark small, different bits."""
    return report_from(
        [(0, 0, 40), (1, 0, 40)],
        [(0, 0, 3, 0, 0), (0, 30, 33, 0, 1), (1, 5, 9, 0, 0), (1, 20, 22, 0, 1)],
        ("Tiny",),
        ("short-1", "short-2"),
        [40, 40],
        level="span",
    )
