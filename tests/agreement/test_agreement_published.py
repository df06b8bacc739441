"""Every coefficient against a published worked example, to the printed digit.

Sources are cited per test. Values are compared after rounding to the digits the source
prints, so a test fails if our value would print differently.
"""

from __future__ import annotations

import numpy as np
import pytest

from coder.agreement import (
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    pabak,
    percent_agreement,
    scott_pi,
    unitized_alpha,
)
from coder.agreement.alpha import Level

N = None

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C: 4 observers,
# 12 units, values 1-5 with missing values. Gwet (2014), Handbook of Inter-Rater Reliability,
# 4th ed., uses the same data (R package irrCAC, data set cac.raw4raters).
FOUR_OBSERVERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]


def printed(value: float, digits: int) -> str:
    return f"{value:.{digits}f}"


@pytest.mark.parametrize(
    ("level", "expected"),
    [("nominal", "0.743"), ("ordinal", "0.815"), ("interval", "0.849"), ("ratio", "0.797")],
)
def test_krippendorff_2011_example_c(level: Level, expected: str) -> None:
    # Krippendorff (2011) p. 8-10 prints alpha = .743, .815, .849, .797.
    assert printed(krippendorff_alpha(FOUR_OBSERVERS, level).value, 3) == expected


def test_krippendorff_2011_example_a_binary() -> None:
    # Krippendorff (2011) example A: two observers, ten units, binary data; alpha = 0.095.
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert printed(krippendorff_alpha([a, b]).value, 3) == "0.095"


def test_gwet_handbook_ac1_four_raters() -> None:
    # Gwet (2014), Handbook, 4th ed., as printed by irrCAC's gwet.ac1.raw(cac.raw4raters):
    # AC1 = 0.77544, pa = 0.81818, pe = 0.19032.
    ac1 = gwet_ac1(np.array(FOUR_OBSERVERS, dtype=float))
    assert printed(ac1.value, 5) == "0.77544"
    assert printed(ac1.observed, 5) == "0.81818"
    assert printed(ac1.expected, 5) == "0.19032"
    assert printed(percent_agreement(FOUR_OBSERVERS).value, 5) == "0.81818"


def test_brennan_prediger_four_raters_by_hand() -> None:
    # Brennan & Prediger (1981): chance agreement 1/q. Same data, q = 5 observed categories and
    # p_a = 0.81818 (above), so kappa_n = (0.81818 - 0.2) / 0.8 = 0.77273.
    assert printed(brennan_prediger(FOUR_OBSERVERS).value, 5) == "0.77273"
    # With a sixth, unused category declared, chance agreement is 1/6.
    six = brennan_prediger(FOUR_OBSERVERS, categories=[1, 2, 3, 4, 5, 6])
    assert six.value == pytest.approx((9 / 11 - 1 / 6) / (5 / 6))


# Fleiss (1971), "Measuring nominal scale agreement among many raters", Table 1 (p. 379):
# 30 patients, 6 psychiatrists each, 5 diagnostic categories.
FLEISS_1971 = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]  # fmt: skip


def test_fleiss_1971() -> None:
    # Fleiss (1971) p. 379-380: P-bar = .556, P-bar_e = .220, kappa = .430.
    kappa = fleiss_kappa(np.array(FLEISS_1971).T)
    assert printed(kappa.value, 3) == "0.430"
    assert printed(kappa.observed, 3) == "0.556"
    assert printed(kappa.expected, 3) == "0.220"


def _from_table(cells: list[tuple[int, int, int]]) -> tuple[list[int], list[int]]:
    a: list[int] = []
    b: list[int] = []
    for count, x, y in cells:
        a += [x] * count
        b += [y] * count
    return a, b


def test_cohen_1960_example() -> None:
    # Cohen (1960), "A coefficient of agreement for nominal scales", p. 45: 200 units,
    # 3 categories; p_o = .70, p_c = .41, kappa = .492.
    a, b = _from_table(
        [(88, 1, 1), (14, 1, 2), (18, 1, 3), (10, 2, 1), (40, 2, 2), (10, 2, 3),
         (2, 3, 1), (6, 3, 2), (12, 3, 3)]
    )  # fmt: skip
    kappa = cohen_kappa(a, b)
    assert printed(kappa.value, 3) == "0.492"
    assert printed(kappa.observed, 2) == "0.70"
    assert printed(kappa.expected, 2) == "0.41"


# Krippendorff (1995), "On the reliability of unitizing continuous data", p. 57, example A
# (Bertha and Bill) digitised into 24 binary units; the paper prints kappa = .385,
# pi = .314 and alpha = .329 for it.
BERTHA = [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0]
BILL = [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0]


def test_krippendorff_1995_digitised_kappa_pi_alpha() -> None:
    assert printed(cohen_kappa(BERTHA, BILL).value, 3) == "0.385"
    assert printed(scott_pi(BERTHA, BILL).value, 3) == "0.314"
    assert printed(krippendorff_alpha([BERTHA, BILL]).value, 3) == "0.329"


def test_pabak_byrt_bishop_carlin_identity_and_definitions() -> None:
    # Byrt, Bishop & Carlin (1993): PABAK = 2 p_o - 1, PI = (a - d)/n, BI = (b - c)/n and
    # kappa = (PABAK - PI^2 + BI^2) / (1 - PI^2 + BI^2). Table with a=40, b=9, c=6, d=45:
    # p_o = 0.85, PABAK = 0.70, PI = -0.05, BI = 0.03.
    a = [1] * 40 + [1] * 9 + [0] * 6 + [0] * 45
    b = [1] * 40 + [0] * 9 + [1] * 6 + [0] * 45
    result = pabak(a, b)
    assert result.pabak.value == pytest.approx(0.70)
    assert result.prevalence_index == pytest.approx(-0.05)
    assert result.bias_index == pytest.approx(0.03)
    pi, bi = result.prevalence_index, result.bias_index
    identity = (result.pabak.value - pi**2 + bi**2) / (1 - pi**2 + bi**2)
    assert result.kappa.value == pytest.approx(identity)
    assert result.kappa.value == pytest.approx(cohen_kappa(a, b).value)


# Krippendorff (2004), Content Analysis, 2nd ed., section 12.4, p. 254: two observers unitize
# the continuum [150, 450) into categories c and k (shifted here to start at 0).
KRIPPENDORFF_2004 = [
    (0, 225, 295, "c"), (0, 370, 400, "c"), (1, 220, 300, "c"), (1, 355, 375, "c"),
    (1, 400, 420, "c"), (0, 180, 240, "k"), (0, 300, 350, "k"), (1, 180, 240, "k"),
    (1, 300, 350, "k"),
]  # fmt: skip


def test_unitized_alpha_krippendorff_2004() -> None:
    spans = [(coder, s - 150, e - 150, code) for coder, s, e, code in KRIPPENDORFF_2004]
    c = unitized_alpha(spans, 300, "c")
    assert printed(c.observed, 4) == "0.0144"
    assert printed(c.expected, 4) == "0.0532"
    assert printed(c.value, 4) == "0.7286"
    k = unitized_alpha(spans, 300, "k")
    assert printed(k.observed, 4) == "0.0000"
    assert printed(k.expected, 4) == "0.0490"
    assert printed(k.value, 4) == "1.0000"


def _krippendorff_1995(stretch: int) -> tuple[list[tuple[int, int, int, str]], int]:
    # Krippendorff (1995) p. 57, four pairs of observers on 24 units of a continuum;
    # (offset, length, observer, example). Stretched to approximate the continuous case the
    # paper computes.
    sections = [
        (2, 8, 0, "A"), (14, 6, 0, "A"), (4, 4, 1, "A"), (15, 2, 1, "A"),
        (0, 18, 0, "B"), (0, 2, 1, "B"), (2, 1, 1, "B"), (3, 1, 1, "B"), (4, 1, 1, "B"),
        (5, 1, 1, "B"), (6, 3, 1, "B"), (9, 1, 1, "B"),
        (2, 6, 0, "C"), (10, 2, 0, "C"), (14, 4, 0, "C"), (20, 2, 0, "C"), (0, 2, 1, "C"),
        (4, 4, 1, "C"), (10, 4, 1, "C"), (16, 2, 1, "C"), (20, 2, 1, "C"),
        (0, 2, 0, "D"), (2, 8, 0, "D"), (10, 4, 0, "D"), (14, 6, 0, "D"), (20, 4, 0, "D"),
        (0, 4, 1, "D"), (4, 4, 1, "D"), (8, 7, 1, "D"), (15, 2, 1, "D"), (17, 7, 1, "D"),
    ]  # fmt: skip
    spans = [(c, o * stretch, (o + n) * stretch, k) for o, n, c, k in sections]
    return spans, 24 * stretch


@pytest.mark.parametrize(
    ("example", "observed"), [("A", "0.03125"), ("B", "2.26736"), ("C", "0.02778"),
                              ("D", "0.38715")]
)  # fmt: skip
def test_unitized_observed_disagreement_krippendorff_1995(example: str, observed: str) -> None:
    # Observed disagreements as printed in Krippendorff (1995); they do not depend on scale.
    spans, length = _krippendorff_1995(1)
    assert printed(unitized_alpha(spans, length, example).observed, 5) == observed


@pytest.mark.parametrize(("example", "alpha"), [("A", "0.553"), ("D", "0.066")])
def test_unitized_alpha_krippendorff_1995(example: str, alpha: str) -> None:
    # Krippendorff (1995) prints u-alpha = .553 (A) and .066 (D) for the continuous case.
    # For B and C our expected disagreement (the 2004 formula) differs from the 1995 print in
    # the third decimal: the 2004 book revised the 1995 D_e (the DKPro Statistics test suite,
    # which transcribes this example, notes the same discrepancy).
    spans, length = _krippendorff_1995(50_000)
    assert printed(unitized_alpha(spans, length, example).value, 3) == alpha
