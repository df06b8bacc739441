"""The engine's faster replacements give exactly what they replace: distinct integers by one sort
(``np.unique``), distinct rows by one lexsort (``np.unique(axis=0)``, whose order the pooled
bootstrap's draws depend on), and the unit-level report finding the codes on the units once
(its breakdown and precision equal those computed from scratch); spans merged and covered
after an unstable sort equal a naive union and a per-position count; unitizing disagreements
pooled several ways at once equal each pooling alone; ``Figures.coefficients()`` equals
``coefficient(i)`` for every table, undefined ones included."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from coder.agreement import binary, compute_agreement
from coder.agreement.bootstrap import distinct_rows
from coder.agreement.breakdown import add_breakdown, unit_entries
from coder.agreement.intervals import coverage_by_mask, merge_intervals, sorted_unique
from coder.agreement.unitizing import unitizing_disagreements, unitizing_disagreements_by
from coder.domain.agreement_results import Codings, Units


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-(2**62), 2**62), max_size=60), st.integers(1, 1000))
def test_sorted_unique_is_numpy_unique(values: list[int], spread: int) -> None:
    for array in (np.array(values, dtype=np.int64), np.array(values, dtype=np.int64) % spread):
        ours, numpy = sorted_unique(array), np.unique(array)
        assert ours.dtype == numpy.dtype
        assert np.array_equal(ours, numpy)


def test_sorted_unique_on_span_boundaries() -> None:
    rng = np.random.default_rng(15)
    for _ in range(100):
        bounds = rng.integers(0, rng.integers(1, 10_000), size=rng.integers(0, 5_000))
        assert np.array_equal(sorted_unique(bounds), np.unique(bounds))


def test_distinct_rows_is_numpy_unique_by_rows() -> None:
    rng = np.random.default_rng(15)
    for _ in range(100):
        n_rows, n_cols = int(rng.integers(1, 400)), int(rng.choice([1, 2, 4, 8, 16]))
        table = rng.integers(0, rng.integers(1, 5), size=(n_rows, n_cols)).astype(np.float64)
        rows, inverse = distinct_rows(table)
        expected_rows, expected_inverse = np.unique(table, axis=0, return_inverse=True)
        assert np.array_equal(rows, expected_rows)
        assert np.array_equal(inverse, expected_inverse.ravel())
        assert np.array_equal(rows[inverse], table)


def _project(seed: int, n_coders: int) -> tuple[Units, Codings, np.ndarray]:
    rng = np.random.default_rng(seed)
    lengths = rng.integers(50, 400, size=6)
    doc = np.repeat(np.arange(6), lengths // 10)
    start = np.concatenate([np.arange(0, n - n % 10, 10) for n in lengths])
    order = rng.permutation(len(doc))  # units in any order: the engine lays them out
    units = Units(doc[order], start[order], start[order] + 10)
    n = 120
    c_doc = rng.integers(0, 6, n)
    c_start = (rng.random(n) * (lengths[c_doc] - 1)).astype(np.int64)
    c_end = np.minimum(c_start + rng.integers(1, 40, n), lengths[c_doc])
    codings = Codings(c_doc, c_start, c_end, rng.integers(0, 5, n), rng.integers(0, n_coders, n))
    return units, codings, lengths


def test_unit_level_breakdown_and_precision_as_computed_alone() -> None:
    coders5 = ["A", "B", "C", "D", "E"]
    codes = ["v", "w", "x", "y", "z"]
    for seed in range(20):
        n_coders = 2 + seed % 3
        units, codings, lengths = _project(seed, n_coders)
        coders = coders5[:n_coders]
        for overlap in ("any", "majority", "full"):
            result = compute_agreement(
                units, codings, coders, codes, overlap=overlap, doc_lengths=lengths, n_boot=50
            )
            alone = add_breakdown(result, units, codings, lengths)
            # repr: undefined coefficients carry NaN, which == never matches
            assert repr(alone.per_code_document) == repr(result.per_code_document)
            assert repr(alone.per_code) == repr(result.per_code)
            code, _, mask, _ = unit_entries(units, codings, len(codes), overlap)
            coded = np.bincount(code * (1 << n_coders) + mask, minlength=len(codes) << n_coders)
            cells = coded.reshape(len(codes), -1)[:, 1:].sum(axis=1)
            assert [sum(c.units_by_coders[1:]) for c in result.per_code] == cells.tolist()


def _naive_union(
    group: np.ndarray, start: np.ndarray, end: np.ndarray, touching: bool
) -> list[tuple[int, int, int]]:
    out: list[tuple[int, int, int]] = []
    for g in sorted(set(group.tolist())):
        spans = sorted(zip(start[group == g].tolist(), end[group == g].tolist(), strict=True))
        s0, e0 = spans[0]
        for s, e in spans[1:]:
            if s < e0 or (touching and s == e0):
                e0 = max(e0, e)
            else:
                out.append((g, s0, e0))
                s0, e0 = s, e
        out.append((g, s0, e0))
    return out


def test_merge_intervals_with_ties_is_the_union() -> None:
    rng = np.random.default_rng(15)
    for _ in range(200):
        n = int(rng.integers(1, 60))
        group = rng.integers(0, 4, n)
        start = rng.integers(0, 30, n)  # few positions: many spans share group and start
        end = start + rng.integers(1, 8, n)
        for touching in (False, True):
            g, s, e = merge_intervals(group, start, end, merge_touching=touching)
            got = list(zip(g.tolist(), s.tolist(), e.tolist(), strict=True))
            assert got == _naive_union(group, start, end, touching)


def test_coverage_by_mask_counts_positions() -> None:
    rng = np.random.default_rng(15)
    for _ in range(100):
        n_coders, n = int(rng.integers(1, 4)), int(rng.integers(1, 40))
        group, coder = rng.integers(0, 3, n), rng.integers(0, n_coders, n)
        start = rng.integers(0, 40, n)
        end = start + rng.integers(1, 10, n)
        g, s, e = merge_intervals(group * n_coders + coder, start, end, merge_touching=True)
        cover = coverage_by_mask(g // n_coders, g % n_coders, s, e, 3, n_coders)
        masks = np.zeros((3, 60), dtype=np.int64)
        for gi, ci, si, ei in zip(group, coder, start, end, strict=True):
            masks[gi, si:ei] |= 1 << ci
        expected = np.zeros_like(cover)
        for gi in range(3):
            expected[gi] = np.bincount(masks[gi], minlength=1 << n_coders)
        expected[:, 0] = 0
        assert np.array_equal(cover, expected)


def test_unitizing_poolings_at_once_equal_one_at_a_time() -> None:
    rng = np.random.default_rng(15)
    for _ in range(50):
        n_coders, n_docs, n_codes = int(rng.integers(2, 4)), 3, 4
        lengths = np.tile(rng.integers(20, 200, n_docs), n_codes)
        n = int(rng.integers(0, 60))
        segment = rng.integers(0, n_docs * n_codes, n)
        start = (rng.random(n) * (lengths[segment] - 1)).astype(np.int64)
        end = np.minimum(start + rng.integers(1, 30, n), lengths[segment])
        coder = rng.integers(0, n_coders, n)
        ids = np.arange(n_docs * n_codes)
        poolings = [(ids // n_docs, n_codes), (ids, n_docs * n_codes), (ids % 2, 2)]
        together = unitizing_disagreements_by(
            segment, coder, start, end, lengths, n_coders, poolings
        )
        for (result_of_segment, n_results), (d_o, d_e) in zip(poolings, together, strict=True):
            alone = unitizing_disagreements(
                segment, coder, start, end, lengths, n_coders, result_of_segment, n_results
            )
            np.testing.assert_array_equal(d_o, alone[0])
            np.testing.assert_array_equal(d_e, alone[1])


def test_figures_coefficients_equal_coefficient_by_index() -> None:
    rng = np.random.default_rng(15)
    for n_coders in (2, 3):
        h = rng.integers(0, 4, size=(300, 1 << n_coders)).astype(np.float64)
        h[:20] = 0.0  # no data
        h[20:40, 1:] = 0.0  # nobody applied the code: no variation
        h[40:50] = 0.0
        h[40:50, 0] = 1.0  # one unit
        for figures in (binary.kappa(h, n_coders), binary.alpha(h, n_coders)):
            expected = [figures.coefficient(i) for i in range(len(h))]
            assert repr(figures.coefficients()) == repr(expected)
