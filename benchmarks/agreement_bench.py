"""Agreement engine benchmark (issues 3, 15): python benchmarks/agreement_bench.py [--quick]

Generates a seeded project-sized workload (2,000 documents, 20 million characters, 100 codes,
two coders with 100,000 codings each, sentence-sized units) and measures, in one run:

1. the full report, part by part: the sentence level (``coder agreement``'s default report: per
   code with 95% bootstrap intervals of 1,000 resamples, AC1, the code x document table, kappa's
   and alpha's analytical precision and q), the character level, the 1995 unitized alpha of
   every code, and the 2016 alpha family (u-, |u-, cu-alpha per domain of 10 codes, |u- and
   (k)u-alpha per code, Cu-alpha) as ``coder agreement --level span --coefficient
   u-alpha-2016`` computes it; the total against the 10 s target, with the load average before
   and after. Times are taken without tracemalloc (best of ``--repeat``); peak memory comes
   from a separate, untimed tracemalloc pass per part (``--no-memory`` skips it), and max RSS;
2. character-level kappa by interval arithmetic vs a naive per-character boolean computation;
3. nominal alpha on 2 x 1,000,000 units, ours vs the ``krippendorff`` package;
4. gamma against pygamma-agreement on the same continua, in the same run, with the ratio
   (``benchmarks/gamma_bench.py``; skipped with a note when pygamma-agreement is missing).

The engine only: loading a project from its database and rendering the report are not in it
(``benchmarks/scale_bench.py`` runs ``coder agreement`` end to end). Prints a Markdown table
with the machine and date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from coder.agreement import Codings, Units, character_kappa, compute_agreement, krippendorff_alpha
from coder.services.agreement.span_family import span_figures


def make_workload(
    n_docs: int = 2000,
    n_chars: int = 20_000_000,
    n_codes: int = 100,
    codings_per_coder: int = 100_000,
    seed: int = 0,
) -> tuple[Units, Codings, np.ndarray]:
    """Documents, sentence units and two coders' codings; coder 2 mostly echoes coder 1."""
    rng = np.random.default_rng(seed)
    weights = rng.uniform(0.5, 1.5, n_docs)
    lengths = np.floor(weights / weights.sum() * n_chars).astype(np.int64)
    lengths[0] += n_chars - lengths.sum()
    offset = np.r_[0, np.cumsum(lengths)]
    # Sentences: cut points every 40-160 characters, restarted in every document.
    cuts = np.cumsum(rng.integers(40, 160, size=n_chars // 40))
    cuts = cuts[cuts < n_chars]
    bounds = np.unique(np.r_[cuts, offset])
    u_start, u_end = bounds[:-1], bounds[1:]
    u_doc = np.searchsorted(offset, u_start, side="right") - 1
    units = Units(u_doc, u_start - offset[u_doc], u_end - offset[u_doc])

    def random_codings(n: int) -> tuple[np.ndarray, ...]:
        doc = rng.choice(n_docs, size=n, p=lengths / lengths.sum())
        span = rng.integers(30, 600, size=n)
        start = (rng.random(n) * np.maximum(lengths[doc] - span, 1)).astype(np.int64)
        end = np.minimum(start + span, lengths[doc])
        code = rng.zipf(1.3, size=n) % n_codes
        return doc, start, end, code

    d1, s1, e1, c1 = random_codings(codings_per_coder)
    echo = rng.random(codings_per_coder) < 0.7
    d2, s2, e2, c2 = random_codings(codings_per_coder)
    jitter = rng.integers(-40, 40, size=(2, codings_per_coder))
    d2 = np.where(echo, d1, d2)
    s2 = np.where(echo, np.clip(s1 + jitter[0], 0, None), s2)
    e2 = np.where(echo, np.minimum(e1 + jitter[1], lengths[d1]), e2)
    e2 = np.maximum(e2, s2 + 1)
    c2 = np.where(echo & (rng.random(codings_per_coder) < 0.9), c1, c2)
    codings = Codings(
        np.r_[d1, d2],
        np.r_[s1, s2],
        np.r_[e1, e2],
        np.r_[c1, c2],
        np.r_[np.zeros(codings_per_coder, int), np.ones(codings_per_coder, int)],
    )
    return units, codings, lengths


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def max_rss_mib() -> float:
    """The largest resident size this process has had so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def naive_character_kappa(spans: np.ndarray, length: int) -> float:
    """The per-character way: one boolean per character per coder."""
    a = np.zeros(length, dtype=bool)
    b = np.zeros(length, dtype=bool)
    for coder, start, end, _ in spans.tolist():
        (a if coder == 0 else b)[start:end] = True
    both = float(np.sum(a & b))
    first, second = float(a.sum()), float(b.sum())
    p_o = (length - first - second + 2 * both) / length
    p_a, p_b = first / length, second / length
    p_e = p_a * p_b + (1 - p_a) * (1 - p_b)
    return (p_o - p_e) / (1 - p_e)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 10x smaller workload")
    parser.add_argument("--repeat", type=int, default=1, help="best of N timings per part")
    parser.add_argument("--no-memory", action="store_true", help="skip the (slow) tracemalloc pass")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    load = os.getloadavg()[0]
    n_chars = 20_000_000 // scale
    units, codings, lengths = make_workload(
        n_docs=2000 // scale, n_chars=n_chars, codings_per_coder=100_000 // scale
    )
    coders, codes = ["A", "B"], [f"code{k}" for k in range(100)]
    rows: list[tuple[str, str, str]] = []

    per_domain = {f"theme{d}": list(range(d * 10, d * 10 + 10)) for d in range(10)}
    parts: list[tuple[str, Callable[[], Any]]] = [
        (
            "unit",
            lambda: compute_agreement(units, codings, coders, codes, level="unit", n_boot=1000),
        ),
        (
            "character",
            lambda: compute_agreement(
                None, codings, coders, codes, level="character", doc_lengths=lengths
            ),
        ),
        (
            "span",
            lambda: compute_agreement(
                None, codings, coders, codes, level="span", doc_lengths=lengths
            ),
        ),
        ("family", lambda: span_figures(codings, lengths, 2, codes, per_domain, "u-alpha-2016")),
    ]
    # Timings without tracemalloc (it slows numpy-heavy code several-fold); best of --repeat.
    seconds: dict[str, float] = {}
    results: dict[str, Any] = {}
    for name, fn in parts:
        seconds[name], results[name] = timed(fn, args.repeat)
    load_after = os.getloadavg()[0]
    # Memory in a pass of its own: the peak Python-allocated size (numpy included) of each part.
    peaks: dict[str, float] = {}
    if not args.no_memory:
        for name, fn in parts:
            tracemalloc.start()
            fn()
            peaks[name] = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
    unit_result, char_result = results["unit"], results["character"]
    span_result, family = results["span"], results["family"]
    three = seconds["unit"] + seconds["character"] + seconds["span"]
    total = three + seconds["family"]
    verdict = "PASS" if total < 10 else "FAIL"
    rows += [
        (
            "Workload",
            f"{len(lengths):,} documents, {n_chars:,} characters, {len(units):,} "
            f"sentence units, 100 codes, 2 coders x {len(codings) // 2:,} codings",
            "",
        ),
        (
            "Sentence level (the default `coder agreement` report): per code + 95% bootstrap CI "
            "(1,000 resamples), AC1, the code x document table, analytical SE/CI/p of kappa and "
            "alpha, q = P(alpha < 0.667), P(alpha < 0.800)",
            f"{seconds['unit']:.2f} s",
            f"overall alpha {unit_result.overall.alpha}, {len(unit_result.disagreements):,} "
            "disagreements",
        ),
        (
            "Character level (NVivo-style), per code, with the code x document table",
            f"{seconds['character']:.2f} s",
            f"overall kappa {char_result.overall.kappa}",
        ),
        (
            "Unitized alpha (1995), every code and every document",
            f"{seconds['span']:.2f} s",
            f"pooled u-alpha {span_result.overall.alpha}",
        ),
        (
            "Krippendorff 2016 family (u-alpha-2016): 10 domains x 10 codes, per domain and code, "
            "Cu-alpha",
            f"{seconds['family']:.2f} s",
            f"Cu-alpha {family[2]}",
        ),
        ("Three levels of issue 3 (sentence + character + span)", f"{three:.2f} s", ""),
        (
            "**Full report with issue 15's coefficients, total** (target < 10 s)",
            f"**{total:.2f} s**",
            f"{verdict} at load {load:.1f} -> {load_after:.1f} (2 CPUs shared)",
        ),
    ]
    if peaks:
        rows.append(
            (
                "Peak traced memory per part (tracemalloc, a separate untimed pass)",
                ", ".join(f"{name} {mib:,.0f} MiB" for name, mib in peaks.items()),
                f"max RSS of the run {max_rss_mib():,.0f} MiB (target < 2 GB)",
            )
        )

    # Character kappa of the most used code on the whole project laid end to end.
    offset = np.r_[0, np.cumsum(lengths)]
    busiest = int(np.bincount(codings.code).argmax())
    pick = codings.code == busiest
    g_start = offset[codings.doc[pick]] + codings.start[pick]
    g_end = offset[codings.doc[pick]] + codings.end[pick]
    spans = np.column_stack(
        [codings.coder[pick], g_start, g_end, np.full(int(pick.sum()), busiest)]
    )
    t_interval, ours = timed(lambda: character_kappa(spans, n_chars, busiest, (0, 1)), 3)
    t_naive, theirs = timed(lambda: naive_character_kappa(spans, n_chars), 3)
    assert abs(ours.kappa.value - theirs) < 1e-9, (ours.kappa.value, theirs)
    rows.append(
        (
            f"Character kappa, one code, {n_chars:,} chars, {len(spans):,} spans: "
            "intervals vs per-character booleans",
            f"{t_interval * 1000:.1f} ms vs {t_naive * 1000:.1f} ms",
            f"{t_naive / t_interval:.0f}x faster (target >= 10x), same kappa {ours.kappa}",
        )
    )

    import krippendorff

    rng = np.random.default_rng(1)
    data = rng.integers(0, 2, size=(2, 1_000_000)).astype(float)
    data[1, :700_000] = data[0, :700_000]
    t_ours, a_ours = timed(lambda: krippendorff_alpha(data, "nominal"), 5)
    t_pkg, a_pkg = timed(lambda: krippendorff.alpha(data, level_of_measurement="nominal"), 5)
    assert abs(a_ours.value - a_pkg) < 1e-12
    rows.append(
        (
            "Nominal alpha, 2 x 1,000,000 units: ours vs `krippendorff` package (best of 5)",
            f"{t_ours * 1000:.0f} ms vs {t_pkg * 1000:.0f} ms",
            f"{t_pkg / t_ours:.1f}x (target >= 1x), alpha {a_ours.value:.6f} both",
        )
    )

    print(f"## Agreement benchmark ({dt.date.today().isoformat()})\n")
    print(
        f"Machine: {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, numpy {np.__version__}, load average {load:.1f} at the start\n"
    )
    print("| Measure | Time / size | Result |")
    print("|---|---|---|")
    for measure, value, note in rows:
        print(f"| {measure} | {value} | {note} |")
    print("\n### Gamma against pygamma-agreement (same continua, same run)\n")
    try:
        import gamma_bench
    except ImportError as exc:  # pygamma-agreement is imported inside gamma_bench.main
        print(f"skipped: {exc}")
        return
    saved = sys.argv
    sys.argv = ["gamma_bench.py", "--n", "10" if args.quick else "30"]
    try:
        gamma_bench.main()
    except ImportError as exc:
        print(f"skipped: pygamma-agreement is not installed ({exc})")
    finally:
        sys.argv = saved


if __name__ == "__main__":
    main()
