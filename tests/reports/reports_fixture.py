"""Small, fixed agreement reports built from hand-made arrays (no database, no clock).

Two documents (100 and 60 characters) cut into 13 units of 10 or 20 characters; four codes:
``Theme`` (a parent nobody applies: its coefficients are undefined, "no variation"),
``Theme/Sub a`` (near-perfect agreement), ``Theme/Sub b`` (weak) and ``Other | pipes`` (a name
with a Markdown-hostile character). A third coder exists for the multi-coder cases.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from coder.agreement import Codings, Units, compute_agreement
from coder.domain.agreement import AgreementReport, AgreementRequest
from coder.domain.codebook import CodePath
from coder.domain.documents import UnitKind

GOLDEN = Path(__file__).parent / "golden"
GENERATED_AT = dt.datetime(2025, 3, 14, 9, 26, 53, tzinfo=dt.UTC)
CODERS = ("ana", "ben", "cleo")
CODE_PATHS = (
    CodePath(("Theme",)),
    CodePath(("Theme", "Sub a")),
    CodePath(("Theme", "Sub b")),
    CodePath(("Other | pipes",)),
)
DOCUMENTS = ("interview-01", "interview-02")
LENGTHS = np.array([100, 60])

# (doc, start, end, code, coder)
CODINGS = [
    # Theme/Sub a: both coders on units 0-10, 20-30, 50-70; ana also 90-100.
    (0, 0, 10, 1, 0), (0, 0, 8, 1, 1),
    (0, 20, 30, 1, 0), (0, 22, 30, 1, 1),
    (0, 50, 70, 1, 0), (0, 50, 70, 1, 1),
    (0, 90, 100, 1, 0),
    (1, 0, 15, 1, 0), (1, 5, 20, 1, 1),
    # Theme/Sub b: little overlap.
    (0, 10, 20, 2, 0), (0, 30, 40, 2, 1),
    (0, 60, 80, 2, 0), (0, 70, 80, 2, 1),
    (1, 20, 40, 2, 1),
    # Other | pipes.
    (0, 40, 50, 3, 0), (0, 40, 50, 3, 1),
    (1, 40, 60, 3, 0),
    # The third coder.
    (0, 0, 10, 1, 2), (0, 20, 30, 1, 2), (0, 50, 60, 1, 2), (1, 0, 20, 1, 2),
    (0, 10, 20, 2, 2), (0, 70, 80, 2, 2),
    (0, 40, 50, 3, 2), (1, 40, 60, 3, 2),
]  # fmt: skip


def _units() -> Units:
    starts = [*range(0, 100, 10), 0, 20, 40]
    ends = [*range(10, 101, 10), 20, 40, 60]
    return Units(doc=[0] * 10 + [1] * 3, start=starts, end=ends)


def build_report(
    level: str = "unit",
    n_coders: int = 2,
    *,
    ci: bool = True,
    excluded: tuple[str, ...] = ("1 document(s) not yet coded by every coder: interview-03",),
) -> AgreementReport:
    """A deterministic report: the bootstrap is seeded, the clock fixed."""
    rows = np.array([c for c in CODINGS if c[4] < n_coders], dtype=np.int64)
    codings = Codings(rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3], rows[:, 4])
    coders = CODERS[:n_coders]
    request = AgreementRequest(
        coders=coders,
        unit=UnitKind.SENTENCE,
        level=level,
        ci=ci,
        n_boot=200,
        seed=7,  # type: ignore[arg-type]
    )
    result = compute_agreement(
        _units() if level == "unit" else None,
        codings,
        list(coders),
        [str(p) for p in CODE_PATHS],
        level=level,  # type: ignore[arg-type]
        doc_lengths=LENGTHS,
        ci=ci,
        n_boot=200,
        seed=7,
    )
    per_coder = {name: int((rows[:, 4] == i).sum()) for i, name in enumerate(coders)}
    return AgreementReport(
        project="fixture",
        request=request,
        result=result,
        documents=DOCUMENTS,
        code_paths=CODE_PATHS,
        codings_per_coder=per_coder,
        excluded=excluded,
        generated_at=GENERATED_AT,
    )
