"""compute_agreement on small hand-built projects, and against naive per-unit computations."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TypeVar

import numpy as np
import pytest

from coder.agreement import (
    Codings,
    Units,
    character_kappa,
    cohen_kappa,
    compute_agreement,
    fleiss_kappa,
    krippendorff_alpha,
    unitized_alpha,
)
from coder.domain.agreement import Overlap

T = TypeVar("T")


def present(value: T | None) -> T:
    """``value``, failing the test when the engine left it out (None)."""
    assert value is not None
    return value


def make_units(doc: Sequence[int], start: Sequence[int], end: Sequence[int]) -> Units:
    """Units from plain lists of integers."""
    return Units(*(np.asarray(column, dtype=np.int64) for column in (doc, start, end)))


def make_codings(
    doc: Sequence[int],
    start: Sequence[int],
    end: Sequence[int],
    code: Sequence[int],
    coder: Sequence[int],
) -> Codings:
    """Codings from plain lists of integers."""
    columns = (doc, start, end, code, coder)
    return Codings(*(np.asarray(column, dtype=np.int64) for column in columns))


# One document of 100 characters, four 10-character units, codes X (0) and Y (1).
#   coder 0: X on [0, 15), Y on [30, 40)
#   coder 1: X on [0, 10), Y on [20, 40)
UNITS = make_units([0, 0, 0, 0], [0, 10, 20, 30], [10, 20, 30, 40])
CODINGS = make_codings(
    doc=[0, 0, 0, 0], start=[0, 30, 0, 20], end=[15, 40, 10, 40], code=[0, 1, 0, 1],
    coder=[0, 0, 1, 1],
)  # fmt: skip
CODERS, CODES = ["ann", "bob"], ["X", "Y"]


def test_unit_level_any_overlap_by_hand() -> None:
    result = compute_agreement(UNITS, CODINGS, CODERS, CODES, n_boot=200)
    x, y = result.per_code
    # X: ann applied it to units 0 and 1, bob to unit 0. p_o = 3/4, p_e = .5*.25 + .5*.75 = .5
    assert present(x.kappa).value == pytest.approx(0.5)
    assert x.coded == (2, 1)
    assert present(x.percent_agreement).value == pytest.approx(0.75)
    assert present(x.pabak).value == pytest.approx(0.5)
    assert x.prevalence == pytest.approx(3 / 8)
    assert x.prevalence_index == pytest.approx((1 - 2) / 4)
    assert x.bias_index == pytest.approx((1 - 0) / 4)
    assert present(x.alpha).value == pytest.approx(
        krippendorff_alpha([[1, 1, 0, 0], [1, 0, 0, 0]]).value
    )
    # Y: ann unit 3, bob units 2 and 3.
    assert present(y.kappa).value == pytest.approx(cohen_kappa([0, 0, 0, 1], [0, 0, 1, 1]).value)
    assert y.coded == (1, 2)
    # Pooled over the 8 code x unit decisions.
    pooled = krippendorff_alpha([[1, 1, 0, 0, 0, 0, 0, 1], [1, 0, 0, 0, 0, 0, 1, 1]])
    assert result.overall.alpha.value == pytest.approx(pooled.value)
    assert result.overall.mean_kappa == pytest.approx(0.5)
    assert result.per_document[0].n_units == 4
    assert result.per_document[0].alpha.value == pytest.approx(pooled.value)
    # Confusion: row/column 2 is "no code".
    expected = np.array([[1, 0, 1], [0, 1, 0], [0, 1, 0]])
    np.testing.assert_array_equal(present(result.confusion).counts, expected)
    disagreements = list(present(result.disagreements))
    assert [(d.unit, d.start, d.end, d.codes) for d in disagreements] == [
        (1, 10, 20, ((0,), ())),
        (2, 20, 30, ((), (1,))),
    ]
    assert x.alpha_ci is not None and x.alpha_ci.n_boot == 200
    json.dumps(result.to_dict(), allow_nan=False)


@pytest.mark.parametrize(("overlap", "ann_x"), [("majority", [1, 1, 0, 0]), ("full", [1, 0, 0, 0])])
def test_overlap_rules(overlap: Overlap, ann_x: list[int]) -> None:
    # Ann's X covers unit 1 for 5 of its 10 characters: a majority (>= 50%) but not all of it.
    result = compute_agreement(UNITS, CODINGS, CODERS, CODES, overlap=overlap, ci=False)
    expected = cohen_kappa(ann_x, [1, 0, 0, 0])
    assert present(result.per_code[0].kappa).value == pytest.approx(expected.value)


def test_character_level_by_hand() -> None:
    result = compute_agreement(None, CODINGS, CODERS, CODES, level="character", doc_lengths=[100])
    x = present(result.per_code[0].character)
    assert (x.both, x.first_only, x.second_only, x.neither) == (10, 5, 0, 85)
    assert x.percent_agreement == pytest.approx(0.95)
    spans = [(0, 0, 15, "X"), (0, 30, 40, "Y"), (1, 0, 10, "X"), (1, 20, 40, "Y")]
    for k, name in enumerate(CODES):
        alone = character_kappa(spans, 100, name, (0, 1))
        assert present(result.per_code[k].kappa).value == pytest.approx(alone.kappa.value)
    assert result.notes and "NVivo" in result.notes[0]


def test_span_level_matches_unitized_alpha() -> None:
    result = compute_agreement(None, CODINGS, CODERS, CODES, level="span", doc_lengths=[100])
    spans = [(0, 0, 15, "X"), (0, 30, 40, "Y"), (1, 0, 10, "X"), (1, 20, 40, "Y")]
    for k, name in enumerate(CODES):
        assert present(result.per_code[k].unitized_alpha).value == pytest.approx(
            unitized_alpha(spans, 100, name).value
        )
    assert result.per_code[0].kappa is None


def test_three_coders_fleiss_alpha_and_pairs() -> None:
    units = make_units([0, 0, 0, 0, 0], [0, 10, 20, 30, 40], [10, 20, 30, 40, 50])
    codings = make_codings(
        doc=[0, 0, 0, 0, 0], start=[0, 0, 12, 30, 45], end=[10, 20, 18, 35, 50],
        code=[0, 0, 0, 0, 0], coder=[0, 1, 2, 0, 2],
    )  # fmt: skip
    result = compute_agreement(units, codings, ["a", "b", "c"], ["X"], ci=False)
    presence = [[1, 0, 0, 1, 0], [1, 1, 0, 0, 0], [0, 1, 0, 0, 1]]
    code = result.per_code[0]
    assert code.kappa_name == "fleiss"
    assert present(code.kappa).value == pytest.approx(fleiss_kappa(presence).value)
    assert present(code.alpha).value == pytest.approx(krippendorff_alpha(presence).value)
    pairs = {(p.first, p.second): p for p in result.per_pair}
    assert set(pairs) == {(0, 1), (0, 2), (1, 2)}
    assert pairs[(0, 2)].kappa.value == pytest.approx(cohen_kappa(presence[0], presence[2]).value)


def _random_project(seed: int, n_coders: int = 2) -> tuple[Units, Codings, np.ndarray]:
    rng = np.random.default_rng(seed)
    lengths = rng.integers(50, 200, size=4)
    starts, ends, docs = [], [], []
    for d, length in enumerate(lengths):
        cuts = np.unique(np.r_[0, rng.integers(1, length, size=6), length])
        starts += cuts[:-1].tolist()
        ends += cuts[1:].tolist()
        docs += [d] * (len(cuts) - 1)
    n = 40
    doc = rng.integers(0, 4, size=n)
    start = (rng.random(n) * (lengths[doc] - 1)).astype(int)
    end = np.minimum(start + rng.integers(1, 60, size=n), lengths[doc])
    codings = Codings(doc, start, end, rng.integers(0, 3, size=n), rng.integers(0, n_coders, n))
    return make_units(docs, starts, ends), codings, lengths


def _naive_presence(units: Units, codings: Codings, overlap: str, n_coders: int) -> np.ndarray:
    """presence[coder, code, unit] by looping over units and characters."""
    out = np.zeros((n_coders, 3, len(units)), dtype=int)
    for u in range(len(units)):
        doc, us, ue = units.doc[u], units.start[u], units.end[u]
        for coder in range(n_coders):
            for code in range(3):
                covered = np.zeros(ue - us, dtype=bool)
                for i in range(len(codings)):
                    if (codings.doc[i], codings.coder[i], codings.code[i]) == (doc, coder, code):
                        lo, hi = max(codings.start[i], us), min(codings.end[i], ue)
                        if lo < hi:
                            covered[lo - us : hi - us] = True
                share = covered.mean()
                applied = {"any": share > 0, "majority": share >= 0.5, "full": share == 1}
                out[coder, code, u] = applied[overlap]
    return out


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("overlap", ["any", "majority", "full"])
def test_unit_level_matches_naive_computation(seed: int, overlap: Overlap) -> None:
    units, codings, _ = _random_project(seed)
    result = compute_agreement(units, codings, ["a", "b"], ["p", "q", "r"], overlap=overlap,
                               ci=False)  # fmt: skip
    presence = _naive_presence(units, codings, overlap, 2)
    for code in range(3):
        expected_kappa = cohen_kappa(presence[0, code], presence[1, code])
        got = result.per_code[code]
        assert present(got.kappa).value == pytest.approx(expected_kappa.value, nan_ok=True)
        assert present(got.kappa).reason == expected_kappa.reason
        expected_alpha = krippendorff_alpha(presence[:, code])
        assert present(got.alpha).value == pytest.approx(expected_alpha.value, nan_ok=True)
        assert got.coded == tuple(presence[:, code].sum(axis=1))
    differs = np.flatnonzero((presence[0] != presence[1]).any(axis=0))
    assert sorted(d.unit for d in present(result.disagreements)) == differs.tolist()
    for d in present(result.disagreements):
        for coder in range(2):
            assert d.codes[coder] == tuple(np.flatnonzero(presence[coder, :, d.unit]).tolist())
    # Confusion table: for each unit, every pair (code of a, code of b).
    size = 4
    expected = np.zeros((size, size), dtype=int)
    for u in range(len(units)):
        a = np.flatnonzero(presence[0, :, u]).tolist() or [3]
        b = np.flatnonzero(presence[1, :, u]).tolist() or [3]
        for p in a:
            for q in b:
                expected[p, q] += 1
    np.testing.assert_array_equal(present(result.confusion).counts, expected)


@pytest.mark.parametrize("seed", range(5))
def test_character_level_matches_per_character_arrays(seed: int) -> None:
    _, codings, lengths = _random_project(seed)
    result = compute_agreement(None, codings, ["a", "b"], ["p", "q", "r"], level="character",
                               doc_lengths=lengths)  # fmt: skip
    for code in range(3):
        marks = [np.concatenate([np.zeros(n, bool) for n in lengths]) for _ in range(2)]
        offset = np.r_[0, np.cumsum(lengths)]
        for i in np.flatnonzero(codings.code == code):
            base = offset[codings.doc[i]]
            marks[codings.coder[i]][base + codings.start[i] : base + codings.end[i]] = True
        expected = cohen_kappa(marks[0].astype(int), marks[1].astype(int))
        assert present(result.per_code[code].kappa).value == pytest.approx(
            expected.value, nan_ok=True
        )


def test_bootstrap_is_reproducible_and_seeded() -> None:
    units, codings, _ = _random_project(3)
    first = compute_agreement(units, codings, ["a", "b"], ["p", "q", "r"], seed=7, n_boot=300)
    again = compute_agreement(units, codings, ["a", "b"], ["p", "q", "r"], seed=7, n_boot=300)
    other = compute_agreement(units, codings, ["a", "b"], ["p", "q", "r"], seed=8, n_boot=300)
    assert first.to_dict() == again.to_dict()
    lows = [present(c.alpha_ci).low for c in first.per_code]
    assert lows != [present(c.alpha_ci).low for c in other.per_code]
    for code in first.per_code:
        if present(code.alpha).is_defined:
            ci = present(code.alpha_ci)
            assert ci.low <= ci.high <= 1.0


def test_bad_input_gives_clear_errors() -> None:
    with pytest.raises(ValueError, match="at least 2 coders"):
        compute_agreement(UNITS, CODINGS, ["ann"], CODES)
    with pytest.raises(ValueError, match="coder index"):
        compute_agreement(UNITS, make_codings([0], [0], [5], [0], [2]), CODERS, CODES)
    with pytest.raises(ValueError, match="code index"):
        compute_agreement(UNITS, make_codings([0], [0], [5], [4], [0]), CODERS, CODES)
    with pytest.raises(ValueError, match="overlap"):
        compute_agreement(make_units([0, 0], [0, 5], [10, 20]), CODINGS, CODERS, CODES)
    with pytest.raises(ValueError, match="doc_lengths"):
        compute_agreement(None, CODINGS, CODERS, CODES, level="character")
    with pytest.raises(ValueError, match="unknown level"):
        compute_agreement(UNITS, CODINGS, CODERS, CODES, level="word")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="ends after"):
        compute_agreement(None, CODINGS, CODERS, CODES, level="span", doc_lengths=[20])


def test_no_codings_gives_undefined_not_an_error() -> None:
    empty = make_codings([], [], [], [], [])
    result = compute_agreement(UNITS, empty, CODERS, CODES, n_boot=50)
    assert str(result.per_code[0].alpha) == "undefined: no variation"
    assert len(present(result.disagreements)) == 0
    span = compute_agreement(None, empty, CODERS, CODES, level="span", doc_lengths=[100])
    assert str(span.per_code[0].unitized_alpha) == "undefined: no coder marked any unit"
    json.dumps(result.to_dict(), allow_nan=False)
