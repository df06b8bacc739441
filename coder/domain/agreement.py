"""Agreement as the workbench asks for it and reports it: requests, reports, rounds.

The statistics' own inputs and results (``Units``, ``Codings``, ``AgreementResult``) are in
:mod:`coder.domain.agreement_results`; this module wraps them with the project's names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from coder.domain.codebook import CodePath
from coder.domain.documents import UnitKind

if TYPE_CHECKING:  # numpy stays unloaded for the command line's option parsing
    from coder.domain.agreement_results import AgreementResult

Level = Literal["unit", "character", "span"]
Overlap = Literal["any", "majority", "full"]

#: Levels of analysis, as ``coder agreement --level`` spells them.
LEVELS: tuple[Level, ...] = ("unit", "character", "span")
#: When a coder's codings count for a unit (``--overlap``): any overlap, at least half, all of it.
OVERLAP_RULES: tuple[Overlap, ...] = ("any", "majority", "full")
#: The rule ``coder agreement`` and ``coder reconcile`` use unless told otherwise.
DEFAULT_OVERLAP: Overlap = "any"

#: The minimum-data rule: a code each coder applied to fewer units than this, on average, is
#: reported as having "too few units" and is not judged against Krippendorff's thresholds.
#:
#: Why 14. Krippendorff (2004, *Content Analysis*, 2nd ed., ch. 11, sampling considerations)
#: sizes a reliability sample with Bloch and Kraemer's (1989, *Biometrics* 45:269-287, eq. 3.7)
#: formula: to tell alpha from a smallest acceptable alpha_min at significance p, a variable
#: whose rarest value has probability p_c needs
#: ``N = z^2 [(1 + alpha_min)(3 - alpha_min) / (4 (1 - alpha_min) p_c (1 - p_c)) - alpha_min]``
#: units (:func:`coder.agreement.planning.krippendorff_minimum_sample`). A code is such a rare
#: value: p_c is its prevalence, so ``N p_c`` is the number of units each coder is expected to
#: code with it, and for small p_c it tends to
#: ``z^2 (1 + alpha_min)(3 - alpha_min) / (4 (1 - alpha_min))``: 13.4 at alpha_min = 0.800 and
#: p = 0.05 (z = 1.645, as in Krippendorff's table), 7.9 at alpha_min = 0.667. Calling a code
#: "ok" claims alpha >= 0.800, hence 14 (a test checks the limit against the formula). The
#: count is the one the report prints (units coded per coder), so a reader can check every
#: flag. A simulation of the per-code bootstrap interval agrees (two coders, 300 units, true
#: alpha 0.53-0.93, 2,000 samples each): with 4-6 units coded per coder the 95% interval
#: covered the true alpha 74-89% of the time and up to 22% of intervals had zero width
#: ("1.000 [1.000, 1.000]"); from 14 units on, 90-95%.
MIN_CODED_UNITS = 14


@dataclass(frozen=True)
class AgreementRequest:
    """What to compute: between whom, over which documents and codes, at which unit."""

    coders: tuple[str, ...]
    unit: UnitKind = UnitKind.SENTENCE
    level: Level = "unit"
    overlap: Overlap = DEFAULT_OVERLAP
    documents: tuple[str, ...] = ()
    where: Mapping[str, str] = field(default_factory=dict)
    codes: tuple[str, ...] = ()
    rollup: int | None = None
    #: Include documents some coder has not worked on (their silence then counts as "absent").
    all_documents: bool = False
    ci: bool = True
    n_boot: int = 1000
    seed: int = 0
    #: List codes nobody applied in the tables (they are always in the figures).
    all_codes: bool = False


@dataclass(frozen=True)
class AgreementReport:
    """A computed agreement result with everything a report needs to describe it.

    ``blind`` is the project's setting (coders could not see each other's codings), None when
    not known; ``headings`` are the codes left out because nobody can apply them (folders,
    and parent codes nobody applied: headings of their sub-codes).
    """

    project: str
    request: AgreementRequest
    result: AgreementResult
    documents: tuple[str, ...]
    code_paths: tuple[CodePath, ...]
    codings_per_coder: dict[str, int]
    excluded: tuple[str, ...]
    generated_at: dt.datetime
    blind: bool | None = None
    headings: tuple[CodePath, ...] = ()

    @property
    def unit_label(self) -> str:
        """What one unit of analysis is, in words: a sentence, a character, the continuum."""
        if self.request.level == "character":
            return "character"
        if self.request.level == "span":
            return "continuum (unitizing)"
        return str(self.request.unit)


@dataclass(frozen=True)
class RoundFigures:
    """Agreement between the round's coders when a snapshot was taken (None: not computable)."""

    alpha: float | None
    percent_agreement: float | None
    n_units: int
    documents: int
    per_code: dict[str, float | None]
    note: str = ""

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> RoundFigures | None:
        """The figures as a round row stores them (JSON), or None when none were stored."""
        if data is None:
            return None
        return cls(
            alpha=data.get("alpha"),
            percent_agreement=data.get("percent_agreement"),
            n_units=int(data.get("n_units", 0)),
            documents=int(data.get("documents", 0)),
            per_code=dict(data.get("per_code", {})),
            note=str(data.get("note", "")),
        )


@dataclass(frozen=True)
class RoundView:
    """One round of coding: who, when, and the codebook size and figures at start and close."""

    number: int
    name: str
    coders: tuple[str, ...]
    started_at: dt.datetime
    started_by: str
    closed_at: dt.datetime | None
    closed_by: str | None
    start: RoundFigures | None
    end: RoundFigures | None
    codes_at_start: int
    codes_at_end: int | None

    @property
    def latest(self) -> RoundFigures | None:
        """The figures at close, or at start while the round is open."""
        return self.end if self.end is not None else self.start


@dataclass(frozen=True)
class DiffEntry:
    """One change to one code between two rounds: ``kind`` is added, removed, renamed, moved,
    redefined, merged, retired or restored."""

    kind: str
    code: str
    detail: str
