"""The agreement service on a small project where every figure can be worked out by hand."""

from __future__ import annotations

import math

import pytest

from coder.db.engine import Store
from coder.domain.agreement import AgreementRequest
from coder.errors import CoderError, NotFoundError, UsageError
from coder.services.agreement.compute import compute_project_agreement
from tests.factories import code_named

# interview-1 sentences: [0,19) [20,40) [42,60) [61,78); interview-2: [0,31) [32,58)
TRUST = "Relationships/Trust"
EARLY = "Relationships/Early engagement"
FUNDING = "Practicalities/Funding"


def _code(store: Store, coder: str, doc: str, start: int, end: int, code: str) -> None:
    code_named(store, coder=coder, document=doc, start=start, end=end, code=code)


@pytest.fixture
def coded(project: Store) -> Store:
    # alice and bob agree on Trust in sentence 2, disagree on sentence 1 (Early vs nothing),
    # both code Funding on sentence 3 (bob only part of it: still "any overlap").
    _code(project, "alice", "interview-1", 20, 40, TRUST)
    _code(project, "bob", "interview-1", 20, 40, TRUST)
    _code(project, "alice", "interview-1", 0, 19, EARLY)
    _code(project, "alice", "interview-1", 42, 60, FUNDING)
    _code(project, "bob", "interview-1", 50, 60, FUNDING)
    return project


def _per_code(report):
    return {c.name: c for c in report.result.per_code}


def test_unit_level_figures(coded: Store) -> None:
    report = compute_project_agreement(coded, AgreementRequest(coders=("alice", "bob"), n_boot=200))
    # interview-2 has no codings by anyone: it is excluded, not counted as agreement.
    assert report.documents == ("interview-1",)
    assert any("not yet coded by every coder: interview-2" in e for e in report.excluded)
    assert report.result.n_units == 4
    per_code = _per_code(report)
    trust = per_code[TRUST]
    assert trust.coded == (1, 1)
    assert float(trust.kappa) == pytest.approx(1.0)
    early = per_code[EARLY]
    assert early.coded == (1, 0)
    # 4 units, alice codes 1, bob 0: p_o = 3/4, p_e = 3/4 * 1 = 3/4 -> kappa 0
    assert float(early.kappa) == pytest.approx(0.0)
    assert float(early.percent_agreement) == pytest.approx(0.75)
    # A code nobody used has no variation: undefined, with the reason, never a number.
    time = per_code["Practicalities/Time"]
    assert math.isnan(float(time.alpha)) and time.alpha.reason
    assert report.codings_per_coder == {"alice": 3, "bob": 2}


def test_overlap_rule_changes_what_counts(coded: Store) -> None:
    full = compute_project_agreement(
        coded, AgreementRequest(coders=("alice", "bob"), overlap="full", ci=False)
    )
    # bob's Funding covers only 10 of 18 characters of the sentence: not "full".
    assert _per_code(full)[FUNDING].coded == (1, 0)
    majority = compute_project_agreement(
        coded, AgreementRequest(coders=("alice", "bob"), overlap="majority", ci=False)
    )
    assert _per_code(majority)[FUNDING].coded == (1, 1)


def test_rollup_to_themes(coded: Store) -> None:
    report = compute_project_agreement(
        coded, AgreementRequest(coders=("alice", "bob"), rollup=1, ci=False)
    )
    assert [c.name for c in report.result.per_code] == ["Relationships", "Practicalities"]
    assert _per_code(report)["Relationships"].coded == (2, 1)


def test_character_and_span_levels_run(coded: Store) -> None:
    chars = compute_project_agreement(
        coded, AgreementRequest(coders=("alice", "bob"), level="character")
    )
    assert chars.result.n_units == len(
        "We partnered early. Trust mattered most.\n\nFunding was short. Timelines slipped."
    )
    assert _per_code(chars)[TRUST].character is not None
    spans = compute_project_agreement(
        coded, AgreementRequest(coders=("alice", "bob"), level="span")
    )
    assert float(_per_code(spans)[TRUST].unitized_alpha) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("request_kwargs", "error", "fragment"),
    [
        ({"coders": ("alice",)}, UsageError, "at least two coders"),
        ({"coders": ("alice", "ALICE")}, UsageError, "only once"),
        ({"coders": ("alice", "mallory")}, NotFoundError, "unknown coder 'mallory'"),
        ({"coders": ("alice", "bob"), "codes": ("Nope",)}, NotFoundError, "unknown code 'Nope'"),
        ({"coders": ("alice", "bob"), "documents": ("x",)}, NotFoundError, "unknown document"),
        ({"coders": ("alice", "carol")}, NotFoundError, "coded by every selected coder"),
        (
            {"coders": ("alice", "bob"), "documents": ("interview-2",), "all_documents": True},
            NotFoundError,
            "no codings on the selected documents",
        ),
        ({"coders": ("alice", "bob"), "where": {"role": "nobody"}}, NotFoundError, "no documents"),
    ],
)
def test_bad_requests_give_clear_messages(
    coded: Store, request_kwargs: dict[str, object], error: type[CoderError], fragment: str
) -> None:
    with pytest.raises(error, match=fragment):
        compute_project_agreement(coded, AgreementRequest(**request_kwargs))  # type: ignore[arg-type]
