"""add_breakdown: AC1 with its standard error, positive agreement and the code x document table
agree with the general functions and with a run of the engine per document."""

from __future__ import annotations

import numpy as np
import pytest

from coder.agreement import cohen_kappa, compute_agreement, fleiss_kappa, krippendorff_alpha
from coder.agreement.breakdown import add_breakdown, gwet_ac1_binary, positive_agreement
from coder.agreement.overlap import codes_on_units
from coder.agreement.specific import positive_agreement as positive_of_ratings
from coder.agreement.variance import agreement_precision
from coder.domain.agreement_results import Codings, Units

LENGTHS = np.array([200, 150, 100])
UNITS = Units(
    doc=np.array([d for d, n in enumerate(LENGTHS) for _ in range(0, n, 10)]),
    start=np.array([s for n in LENGTHS for s in range(0, n, 10)]),
    end=np.array([s + 10 for n in LENGTHS for s in range(0, n, 10)]),
)
CODES = ["w", "x", "y", "z"]


def _codings(seed: int, n_coders: int) -> Codings:
    rng = np.random.default_rng(seed)
    n = 90
    doc = rng.integers(0, 3, n)
    start = rng.integers(0, 88, n)
    return Codings(doc, start, start + rng.integers(1, 12, n), rng.integers(0, 4, n),
                   rng.integers(0, n_coders, n))  # fmt: skip


def _ratings(codings: Codings, n_coders: int, code: int) -> np.ndarray:
    """coders x units 0/1 matrix of one code, by the engine's overlap rule."""
    applied = codes_on_units(UNITS, codings, len(CODES), overlap="any")
    matrix = np.zeros((n_coders, len(UNITS)), dtype=np.int64)
    chosen = applied.code == code
    matrix[applied.coder[chosen], applied.unit[chosen]] = 1
    return matrix


@pytest.mark.parametrize("n_coders", [2, 3, 5])
@pytest.mark.parametrize("seed", range(4))
def test_ac1_and_positive_agreement_are_the_general_functions(n_coders: int, seed: int) -> None:
    codings = _codings(seed, n_coders)
    coders = [f"c{i}" for i in range(n_coders)]
    result = compute_agreement(UNITS, codings, coders, CODES, doc_lengths=LENGTHS, ci=False)
    broken = add_breakdown(result, UNITS, codings, LENGTHS)
    for k, code in enumerate(broken.per_code):
        ratings = _ratings(codings, n_coders, k)
        precision = agreement_precision(ratings, "gwet_ac1", categories=[0, 1])
        assert code.ac1 is not None and code.positive_agreement is not None
        assert code.ac1.value == pytest.approx(precision.value, abs=1e-12)
        assert code.ac1_se == pytest.approx(precision.standard_error, abs=1e-12)
        expected = positive_of_ratings(ratings, positive=1)
        if expected.is_defined:
            assert code.positive_agreement.value == pytest.approx(expected.value, abs=1e-12)
        else:
            assert not code.positive_agreement.is_defined
        counts = np.bincount(ratings.sum(axis=0), minlength=n_coders + 1)
        assert code.units_by_coders == tuple(int(n) for n in counts)
        assert code.units_coded == int((ratings.sum(axis=0) > 0).sum())


def test_ac1_by_hand_for_two_coders() -> None:
    """a = 3 both, b = 1, c = 1, d = 15 of 20: p_a = 0.9, pi = 0.2, p_e = 2 * 0.2 * 0.8 = 0.32,
    AC1 = (0.9 - 0.32) / 0.68; positive agreement 2a / (2a + b + c) = 0.75."""
    h = np.array([[15.0, 1.0, 1.0, 3.0]])
    ac1, se = gwet_ac1_binary(h, 2)
    assert ac1.value[0] == pytest.approx(0.58 / 0.68)
    assert se[0] > 0
    assert positive_agreement(h, 2).value[0] == pytest.approx(0.75)
    one, _ = gwet_ac1_binary(np.array([[0.0, 0.0, 0.0, 1.0]]), 2)
    assert one.reason[0] == "one unit only"


@pytest.mark.parametrize("n_coders", [2, 3])
def test_code_by_document_rows_are_the_engine_run_on_each_document(n_coders: int) -> None:
    codings = _codings(11, n_coders)
    coders = [f"c{i}" for i in range(n_coders)]
    result = compute_agreement(UNITS, codings, coders, CODES, doc_lengths=LENGTHS, ci=False)
    rows = add_breakdown(result, UNITS, codings, LENGTHS).per_code_document
    assert rows and [(r.code, r.doc) for r in rows] == sorted((r.code, r.doc) for r in rows)
    for row in rows:
        in_doc = UNITS.doc == row.doc
        ratings = _ratings(codings, n_coders, row.code)[:, in_doc]
        assert row.n_units == int(in_doc.sum()) and sum(row.cells) == row.n_units
        assert row.coded == tuple(int(n) for n in ratings.sum(axis=1))
        assert sum(row.coded) > 0  # only pairs where some coder applied the code
        kappa = cohen_kappa(*ratings) if n_coders == 2 else fleiss_kappa(ratings)
        alpha = krippendorff_alpha(ratings)
        for ours, theirs in ((row.kappa, kappa), (row.alpha, alpha)):
            assert ours.is_defined == theirs.is_defined
            if ours.is_defined:
                assert ours.value == pytest.approx(theirs.value, abs=1e-12)


def test_character_level_rows_count_characters_and_span_level_is_unchanged() -> None:
    codings = _codings(5, 2)
    chars = compute_agreement(None, codings, ["a", "b"], CODES, level="character",
                              doc_lengths=LENGTHS)  # fmt: skip
    broken = add_breakdown(chars, None, codings, LENGTHS)
    for code in broken.per_code:
        assert code.character is not None
        both, first, second, neither = (
            code.character.both, code.character.first_only, code.character.second_only,
            code.character.neither,
        )  # fmt: skip
        assert code.units_by_coders == (neither, first + second, both)
        assert code.ac1_se != code.ac1_se  # NaN: characters are not independent units
    for row in broken.per_code_document:
        assert sum(row.cells) == LENGTHS[row.doc]
    spans = compute_agreement(None, codings, ["a", "b"], CODES, level="span", doc_lengths=LENGTHS)
    assert add_breakdown(spans, None, codings, LENGTHS) is spans
