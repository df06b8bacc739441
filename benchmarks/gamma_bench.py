"""Gamma against pygamma-agreement (issue 15): python benchmarks/gamma_bench.py [--n 30]

Draws ``--n`` seeded random continua (2-4 annotators, 1-5 units each on [0, 110), 1-3
categories) and computes, in one run and on the same data, gamma with 30 chance samples by
Mathet et al.'s shuffle sampling, first with pygamma-agreement (its integer program through
cvxpy, its ShuffleContinuumSampler) and then with ``coder.agreement.gamma``. Reports the total
and median time per continuum for each, their ratio, the largest best-alignment disorder
difference and the mean z-score of the expected disorders (pygamma-agreement must be installed:
pip install pygamma-agreement). Prints a Markdown table with the machine, date and load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import math
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from coder.agreement import gamma


def random_spans(rng: np.random.Generator) -> list[tuple[str, int, int, str]]:
    n = int(rng.integers(2, 5))
    cats = ["a", "b", "c"][: int(rng.integers(1, 4))]
    spans: list[tuple[str, int, int, str]] = []
    for c in range(n):
        seen = set()
        for _ in range(int(rng.integers(1, 6))):
            s = int(rng.integers(0, 90))
            unit = (s, s + int(rng.integers(1, 20)), str(rng.choice(cats)))
            if unit not in seen:
                seen.add(unit)
                spans.append((f"c{c}", *unit))
    return spans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=30, help="random continua (default 30)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    import pygamma_agreement as pa
    from pyannote.core import Segment
    from pygamma_agreement.sampler import ShuffleContinuumSampler

    rng = np.random.default_rng(args.seed)
    data = [random_spans(rng) for _ in range(args.n)]
    load = os.getloadavg()[0]
    # Warm both up (numba compilation, cvxpy imports) outside the timings.
    warm = pa.Continuum()
    for a, s, e, c in data[0]:
        warm.add(a, Segment(s, e), c)
    warm.compute_gamma(pa.CombinedCategoricalDissimilarity(), n_samples=2)
    gamma(data[0], n_samples=2)

    ref_t, our_t, worst, z = [], [], 0.0, []
    for i, spans in enumerate(data):
        continuum = pa.Continuum()
        for a, s, e, c in spans:
            continuum.add(a, Segment(s, e), c)
        np.random.seed(i)
        t0 = time.perf_counter()
        ref = continuum.compute_gamma(
            pa.CombinedCategoricalDissimilarity(), n_samples=30, sampler=ShuffleContinuumSampler()
        )
        t1 = time.perf_counter()
        ours = gamma(spans, n_samples=30, seed=i)
        t2 = time.perf_counter()
        ref_t.append(t1 - t0)
        our_t.append(t2 - t1)
        worst = max(worst, abs(ours.observed_disorder - float(ref.observed_disorder)))
        theirs = np.array([a.disorder for a in ref.chance_alignments], dtype=float)
        se = math.hypot(
            theirs.std(ddof=1) / math.sqrt(len(theirs)),
            ours.chance_disorders.std(ddof=1) / math.sqrt(ours.n_samples),
        )
        z.append((ours.expected_disorder - theirs.mean()) / se if se > 0 else 0.0)
    ref_a, our_a = np.array(ref_t), np.array(our_t)
    print(
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}; "
        f"{dt.date.today().isoformat()}; load average {load:.1f} at the start; pygamma-agreement "
        f"{pa.__version__ if hasattr(pa, '__version__') else '0.5.9'}.\n"
    )
    print("| gamma, 30 shuffle samples | continua | total | median per continuum | ratio |")
    print("|---|---|---|---|---|")
    print(
        f"| pygamma-agreement | {args.n} | {ref_a.sum():.2f} s | "
        f"{np.median(ref_a) * 1e3:.0f} ms | 1 |"
    )
    print(
        f"| coder.agreement.gamma | {args.n} | {our_a.sum():.2f} s | "
        f"{np.median(our_a) * 1e3:.1f} ms | {ref_a.sum() / our_a.sum():.1f}x faster |"
    )
    ratio = ref_a.sum() / our_a.sum()
    print(
        f"\nGamma {ratio:.1f}x faster than pygamma-agreement (target >= 10x): "
        f"{'PASS' if ratio >= 10 else 'FAIL'}; load average {os.getloadavg()[0]:.1f} at the end."
    )
    print(
        f"\nBest-alignment disorder, largest difference: {worst:.1e} "
        "(pygamma computes in float32). "
        f"Expected disorder z-scores: mean {np.mean(z):.2f}, sd {np.std(z):.2f}."
    )


if __name__ == "__main__":
    main()
