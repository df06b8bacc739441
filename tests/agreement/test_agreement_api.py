"""The public API as a methodologist with a textbook open calls it: ``coder.agreement.<name>``.

Each coefficient is called under the literature's name (and its other published names, which
are the same function) on a published worked example, in each layout the literature gives the
data in: a row per coder (Krippendorff's reliability data matrix), a row per unit and a column
per coder (Gwet's Handbook, irrCAC, R irr; a pandas DataFrame), a units x categories table of
counts (Fleiss 1971 Table 1, irrCAC's ``*.dist``), a two-coder contingency table (Cohen 1960,
irrCAC's ``*.table``), with missing ratings as ``None`` and as NaN. Values are compared at the
digits the source prints.

Sources (the same figures the other tests in this folder cite, reached here through the API):

* Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", Annenberg School for
  Communication: example A (p. 3-4, alpha = .095), example C (p. 8-10: .743 nominal, .815
  ordinal, .849 interval, .797 ratio); Gwet (2014) and irrCAC use example C as
  ``cac.raw4raters``.
* irrCAC (Gwet), R README and the Python package's docstrings (irrCAC 0.4.4, ``raw.py``,
  ``table.py``): ``pa.coeff.raw`` 0.81818, ``gwet.ac1.raw`` 0.77544, ``fleiss.kappa.raw``
  0.76117, ``krippen.alpha.raw`` 0.74342, ``bp.coeff.raw`` 0.77273; AC2 with bipolar weights
  0.90037; ``cont3x3abstractors``: Cohen 0.7964094, Scott 0.7962397, AC1 0.84933, AC2
  quadratic 0.94024; ``distrib.6raters``: AC1 0.4448007, Fleiss 0.4139265, BP 0.4388889,
  alpha 0.4204384.
* Fleiss (1971), *Psychological Bulletin* 76:378-382, Table 1 (p. 379): kappa .430, P-bar
  .556, P-bar_e .220 (pp. 379-380); the same data as R irr's ``diagnoses`` (a row per patient,
  a column per rater), on which irr's documented example output prints Light's kappa 0.459.
* Wikipedia, "Fleiss' kappa", worked example (10 subjects, 14 raters): kappa 0.210.
* Cohen (1960), *Educational and Psychological Measurement* 20:37-46, p. 45: kappa .492.
* Krippendorff (1995), "On the reliability of unitizing continuous data", *Sociological
  Methodology* 25:47-76, p. 57, example A digitised: kappa .385, pi .314, alpha .329.
* Byrt, Bishop & Carlin (1993), *Journal of Clinical Epidemiology* 46:423-429: PABAK, PI, BI.
* Krippendorff (2004), *Content Analysis*, 2nd ed., section 12.4, p. 254: unitized alpha
  .7286 (category c); Krippendorff (2019), 4th ed., Figure 12.11, p. 340: u-alpha .510,
  cu-alpha .724, |u-alpha .413.
* Krippendorff & Craggs (2016), *Communication Methods and Measures* 10(4):181-198, Table 3 as
  transcribed by the mvalpha R package: mv-alpha .2866.

No printed figure is available here for Holsti's index, positive/negative specific agreement,
Conger's kappa (irrCAC's README prints 0.76282, which irrCAC's own code no longer gives, see
test_agreement_irrcac_crosscheck.py), Cu-alpha, gamma, or AC2 with the weights other than
bipolar and quadratic: those are checked by their defining formula on the published data, and
against irrCAC where it is installed.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coder.agreement as agreement
from coder.agreement.alpha import Level
from tests.agreement.test_agreement_published import FLEISS_1971

N = None

# Krippendorff (2011) example C = irrCAC's cac.raw4raters, a row per coder.
EXAMPLE_C = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]

# Fleiss (1971) Table 1 as printed: for each of 30 patients, how many of the six psychiatrists
# chose each of five diagnoses (depression, personality disorder, schizophrenia, neurosis,
# other). Its first 15 rows are irrCAC's distrib.6raters.
FLEISS_TABLE_1 = [
    [0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0],
    [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6],
    [1, 0, 0, 5, 0], [1, 1, 0, 4, 0], [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1],
    [0, 0, 5, 0, 1], [3, 0, 0, 1, 2], [5, 1, 0, 0, 0], [0, 2, 0, 4, 0], [1, 0, 2, 0, 3],
    [0, 0, 0, 0, 6], [0, 1, 0, 5, 0], [0, 2, 0, 1, 3], [2, 0, 0, 4, 0], [1, 0, 0, 4, 1],
    [0, 5, 0, 1, 0], [4, 0, 0, 0, 2], [0, 2, 0, 4, 0], [1, 0, 5, 0, 0], [0, 0, 0, 0, 6],
]  # fmt: skip

# R irr's `diagnoses`: Fleiss (1971) Table 1's patients, a row per patient and a column per
# rater.
DIAGNOSES = FLEISS_1971

# Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories.
WIKIPEDIA_FLEISS = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]  # fmt: skip

# irrCAC's cont3x3abstractors: rows the first abstractor, columns the second.
ABSTRACTORS = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]
ABSTRACTOR_CATEGORIES = ["Ectopic", "AIU", "NIU"]

# Cohen (1960) p. 45: 200 units, 3 categories, rows the first judge.
COHEN_1960 = [[88, 14, 18], [10, 40, 10], [2, 6, 12]]

# Krippendorff (1995) p. 57, example A digitised into 24 units.
BERTHA = [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0]
BILL = [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0]


def printed(value: Any, digits: int) -> str:
    """The value as the source prints it; a coefficient is read through ``.value``."""
    return f"{getattr(value, 'value', value):.{digits}f}"


def units_by_coders(data: list[list[Any]]) -> list[list[Any]]:
    return [list(unit) for unit in zip(*data, strict=True)]


def layouts(coders_by_units: list[list[Any]]) -> dict[str, tuple[Any, dict[str, Any]]]:
    """The same reliability data in every layout, with the keyword each needs."""
    as_float = np.array(
        [[math.nan if v is None else v for v in row] for row in coders_by_units], dtype=float
    )
    result: dict[str, tuple[Any, dict[str, Any]]] = {
        "list, a row per coder, None missing": (coders_by_units, {}),
        "array, a row per coder, NaN missing": (as_float, {}),
        "list, a row per unit": (units_by_coders(coders_by_units), {"rows": "units"}),
        "array, a row per unit": (as_float.T, {"rows": "units"}),
    }
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a test dependency
        return result
    columns = [f"coder {i + 1}" for i in range(len(coders_by_units))]
    frame = pd.DataFrame(as_float.T, columns=columns)
    result["DataFrame, a column per coder"] = (frame, {})
    result["DataFrame, nullable integers"] = (frame.astype("Int64"), {})
    result["DataFrame, a row per coder"] = (frame.T, {"rows": "coders"})
    return result


EXAMPLE_C_LAYOUTS = layouts(EXAMPLE_C)


# The names a methodologist types, each with the coefficient's other published names.
LITERATURE_NAMES = {
    "percent_agreement": [],
    "cohen_kappa": ["cohens_kappa"],
    "scott_pi": ["scotts_pi"],
    "fleiss_kappa": [],
    "krippendorff_alpha": ["krippendorffs_alpha"],
    "gwet_ac1": [],
    "gwet_ac2": [],
    "brennan_prediger": ["bennett_s"],
    "conger_kappa": [],
    "light_kappa": [],
    "holsti_index": [],
    "holsti_from_counts": [],
    "pabak": [],
    "specific_agreement": [],
    "positive_agreement": [],
    "negative_agreement": [],
    "weighted_cohen_kappa": ["weighted_kappa"],
    "weighted_scott_pi": [],
    "weighted_fleiss_kappa": [],
    "weighted_brennan_prediger": [],
    "weighted_krippendorff_alpha": [],
    "unitized_alpha": ["unitizing_alpha"],
    "u_alpha": [],
    "binary_u_alpha": [],
    "cu_alpha": [],
    "Cu_alpha": [],
    "k_u_alpha": [],
    "gamma": [],
    "mv_alpha": ["multi_valued_alpha"],
    "masi_distance": [],
    "jaccard_distance": [],
    "reliability_data": [],
    "ratings_from_counts": [],
    "ratings_from_table": [],
}


def test_every_coefficient_is_public_under_the_literatures_names() -> None:
    for name, aliases in LITERATURE_NAMES.items():
        assert name in agreement.__all__, name
        assert callable(getattr(agreement, name)), name
        for alias in aliases:
            assert alias in agreement.__all__, alias
            # An alias is the same function, not a second implementation.
            assert getattr(agreement, alias) is getattr(agreement, name), alias


@pytest.mark.parametrize("layout", sorted(EXAMPLE_C_LAYOUTS))
@pytest.mark.parametrize(
    ("level", "expected"),
    [("nominal", "0.743"), ("ordinal", "0.815"), ("interval", "0.849"), ("ratio", "0.797")],
)
def test_krippendorff_2011_example_c_in_every_layout(
    layout: str, level: Level, expected: str
) -> None:
    data, keywords = EXAMPLE_C_LAYOUTS[layout]
    assert printed(agreement.krippendorff_alpha(data, level, **keywords), 3) == expected
    assert printed(agreement.krippendorffs_alpha(data, level=level, **keywords), 3) == expected


def test_ordinal_alpha_on_labels_takes_the_scale_from_categories() -> None:
    # The same example with the values as labels: the order is the categories', not the sort's.
    labels = ["none", "low", "some", "high", "very high"]
    as_labels = [[N if v is None else labels[v - 1] for v in row] for row in EXAMPLE_C]
    alpha = agreement.krippendorff_alpha(as_labels, "ordinal", categories=labels)
    assert printed(alpha, 3) == "0.815"
    assert printed(agreement.krippendorff_alpha(as_labels), 3) == "0.743"


def test_krippendorff_2011_example_a() -> None:
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert printed(agreement.krippendorff_alpha([a, b]), 3) == "0.095"
    assert printed(agreement.krippendorff_alpha(np.array([a, b])), 3) == "0.095"


@pytest.mark.parametrize("layout", sorted(EXAMPLE_C_LAYOUTS))
def test_irrcac_raw_four_raters_in_every_layout(layout: str) -> None:
    # irrCAC's coefficients on cac.raw4raters (pa.coeff.raw, gwet.ac1.raw, fleiss.kappa.raw,
    # krippen.alpha.raw, bp.coeff.raw; the Python package's raw.py doctest for AC2 bipolar).
    # Every layout goes through reliability_data; the weighted ones also take rows= directly.
    data, keywords = EXAMPLE_C_LAYOUTS[layout]
    matrix = agreement.reliability_data(data, **keywords)
    assert printed(agreement.percent_agreement(matrix), 5) == "0.81818"
    assert printed(agreement.gwet_ac1(matrix), 5) == "0.77544"
    assert printed(agreement.fleiss_kappa(matrix), 5) == "0.76117"
    assert printed(agreement.krippendorff_alpha(matrix), 5) == "0.74342"
    assert printed(agreement.brennan_prediger(matrix), 5) == "0.77273"
    assert printed(agreement.bennett_s(matrix), 5) == "0.77273"
    ac2 = agreement.gwet_ac2(data, weights="bipolar", **keywords)
    assert (printed(ac2, 5), printed(ac2.observed, 5), printed(ac2.expected, 5)) == (
        "0.90037",
        "0.96836",
        "0.68244",
    )
    # With identity weights the weighted forms are the unweighted coefficients.
    for weighted, plain in [
        (agreement.gwet_ac2, "0.77544"),
        (agreement.weighted_fleiss_kappa, "0.76117"),
        (agreement.weighted_krippendorff_alpha, "0.74342"),
        (agreement.weighted_brennan_prediger, "0.77273"),
    ]:
        assert printed(weighted(data, "identity", **keywords), 5) == plain


@pytest.mark.parametrize("scheme", agreement.WEIGHT_SCHEMES)
def test_ac2_with_each_weight_scheme_on_the_published_data(scheme: str) -> None:
    # Only bipolar (above) and quadratic (on the contingency table, below) have printed AC2
    # figures; every scheme gives a defined value on Gwet's 4-rater data, equal to irrCAC's.
    ac2 = agreement.gwet_ac2(EXAMPLE_C, weights=scheme)  # type: ignore[arg-type]
    assert ac2.is_defined and -1.0 <= ac2.value <= 1.0
    for function in (
        agreement.weighted_fleiss_kappa,
        agreement.weighted_brennan_prediger,
        agreement.weighted_krippendorff_alpha,
        agreement.conger_kappa,
    ):
        assert function(EXAMPLE_C, scheme).is_defined  # type: ignore[arg-type]
    pd = pytest.importorskip("pandas")
    raw = pytest.importorskip("irrCAC.raw")
    frame = pd.DataFrame(np.array(EXAMPLE_C, dtype=float).T)
    # Categories given: under pandas 3 irrCAC's own detection counts NaN as a category.
    cac = raw.CAC(frame, weights=scheme, categories=[1, 2, 3, 4, 5], digits=10)
    reference = cac.gwet()["est"]["coefficient_value"]
    assert ac2.value == pytest.approx(reference, abs=1e-9)


def test_fleiss_1971_table_1_as_printed_counts() -> None:
    ratings = agreement.ratings_from_counts(FLEISS_TABLE_1)
    kappa = agreement.fleiss_kappa(ratings)
    assert (printed(kappa, 3), printed(kappa.observed, 3), printed(kappa.expected, 3)) == (
        "0.430",
        "0.556",
        "0.220",
    )
    # Category labels in the table's column order.
    diagnoses = ["depression", "personality disorder", "schizophrenia", "neurosis", "other"]
    labelled = agreement.ratings_from_counts(FLEISS_TABLE_1, categories=diagnoses)
    assert printed(agreement.fleiss_kappa(labelled), 3) == "0.430"


def test_fleiss_1971_as_r_irrs_diagnoses_a_row_per_patient() -> None:
    matrix = agreement.reliability_data(DIAGNOSES, rows="units")
    assert printed(agreement.fleiss_kappa(matrix), 3) == "0.430"
    # irr's kappam.light(diagnoses) example output: Kappa = 0.459.
    assert printed(agreement.light_kappa(matrix), 3) == "0.459"
    # The counts the rows give are Fleiss' Table 1.
    counts = [[row.count(k) for k in range(1, 6)] for row in DIAGNOSES]
    assert counts == FLEISS_TABLE_1


def test_fleiss_wikipedia_worked_example() -> None:
    kappa = agreement.fleiss_kappa(agreement.ratings_from_counts(WIKIPEDIA_FLEISS))
    assert printed(kappa, 3) == "0.210"


def test_irrcac_distribution_six_raters() -> None:
    # irrCAC's *.dist functions on distrib.6raters (Fleiss' Table 1, first 15 patients).
    ratings = agreement.ratings_from_counts(FLEISS_TABLE_1[:15])
    assert printed(agreement.gwet_ac1(ratings), 7) == "0.4448007"
    assert printed(agreement.fleiss_kappa(ratings), 7) == "0.4139265"
    assert printed(agreement.brennan_prediger(ratings), 7) == "0.4388889"
    assert printed(agreement.krippendorff_alpha(ratings), 7) == "0.4204384"


def test_ratings_from_counts_leaves_missing_where_a_unit_has_fewer_coders() -> None:
    ratings = agreement.ratings_from_counts([[2, 1], [0, 2], [1, 0]])
    assert ratings.shape == (3, 3)
    assert np.isnan(ratings).sum(axis=0).tolist() == [0, 1, 2]
    assert agreement.fleiss_kappa(ratings).value == pytest.approx(
        agreement.fleiss_kappa([[0, 1, 0], [0, 1, N], [1, N, N]]).value
    )


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 4), min_size=3, max_size=3), min_size=1, max_size=12).filter(
        lambda table: any(map(any, table))
    )
)
def test_counts_and_tables_round_trip(table: list[list[int]]) -> None:
    # Property: the ratings ratings_from_counts builds have exactly the table's counts, and a
    # table with a row per unit transposed by rows="units" is the same reliability data.
    ratings = agreement.ratings_from_counts(table)
    counts = [[int(np.sum(ratings[:, i] == k)) for k in range(3)] for i in range(len(table))]
    assert counts == table
    units = units_by_coders([[N if math.isnan(v) else v for v in row] for row in ratings])
    fleiss = agreement.fleiss_kappa(ratings)
    same = agreement.fleiss_kappa(agreement.reliability_data(units, rows="units"))
    assert fleiss.reason == same.reason
    assert fleiss.value == pytest.approx(same.value, nan_ok=True)
    square = [row + [0] * (len(table) - 3) for row in table[:3]] if len(table) >= 3 else None
    if square is not None and len(square) == len(square[0]):
        a, b = agreement.ratings_from_table(square)
        paired = np.bincount(np.array(a) * len(square) + np.array(b), minlength=len(square) ** 2)
        assert paired.reshape(len(square), -1).tolist() == square


def test_layouts_refuse_what_they_cannot_read() -> None:
    with pytest.raises(ValueError, match="rows"):
        agreement.reliability_data(EXAMPLE_C, rows="columns")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="ragged"):
        agreement.reliability_data([[1, 2], [1]], rows="units")
    with pytest.raises(ValueError, match="one row"):
        agreement.reliability_data([1, 2, 3], rows="units")


@pytest.mark.parametrize("as_frame", [False, True])
def test_irrcac_contingency_table_abstractors(as_frame: bool) -> None:
    table: Any = ABSTRACTORS
    if as_frame:
        pd = pytest.importorskip("pandas")
        table = pd.DataFrame(
            ABSTRACTORS, index=ABSTRACTOR_CATEGORIES, columns=ABSTRACTOR_CATEGORIES
        )
    a, b = agreement.ratings_from_table(table, ABSTRACTOR_CATEGORIES)
    # README kappa2.table and scott2.table.
    assert printed(agreement.cohen_kappa(a, b), 7) == "0.7964094"
    assert printed(agreement.cohens_kappa(a, b), 7) == "0.7964094"
    assert printed(agreement.weighted_kappa(a, b, "identity"), 7) == "0.7964094"
    assert printed(agreement.scott_pi(a, b), 7) == "0.7962397"
    assert printed(agreement.weighted_scott_pi(a, b, "identity"), 7) == "0.7962397"
    assert printed(agreement.light_kappa([a, b]), 7) == "0.7964094"
    assert printed(agreement.conger_kappa([a, b]), 7) == "0.7964094"
    # table.py doctests: AC1 0.84933 (pa 0.89, pe 0.26992); AC2 quadratic 0.94024 (pa 0.9725,
    # pe 0.53985), the labels ranked in the table's order (categories=).
    ac1 = agreement.gwet_ac1([a, b])
    assert (printed(ac1, 5), printed(ac1.observed, 2), printed(ac1.expected, 5)) == (
        "0.84933",
        "0.89",
        "0.26992",
    )
    ac2 = agreement.gwet_ac2([a, b], "quadratic", ABSTRACTOR_CATEGORIES)
    assert (printed(ac2, 5), printed(ac2.observed, 4), printed(ac2.expected, 5)) == (
        "0.94024",
        "0.9725",
        "0.53985",
    )


def test_cohen_1960_contingency_table() -> None:
    kappa = agreement.cohen_kappa(*agreement.ratings_from_table(COHEN_1960))
    assert (printed(kappa, 3), printed(kappa.observed, 2), printed(kappa.expected, 2)) == (
        "0.492",
        "0.70",
        "0.41",
    )


def test_ratings_from_table_refuses_proportions() -> None:
    with pytest.raises(ValueError, match="counts"):
        agreement.ratings_from_table([[0.44, 0.07], [0.05, 0.44]])
    with pytest.raises(ValueError, match="square"):
        agreement.ratings_from_table([[1, 2, 3], [4, 5, 6]])


@pytest.mark.parametrize("as_array", [False, True])
def test_krippendorff_1995_two_sequences(as_array: bool) -> None:
    a: Any = np.array(BERTHA) if as_array else BERTHA
    b: Any = np.array(BILL) if as_array else BILL
    assert printed(agreement.cohen_kappa(a, b), 3) == "0.385"
    assert printed(agreement.scott_pi(a, b), 3) == "0.314"
    assert printed(agreement.scotts_pi(a, b), 3) == "0.314"
    assert printed(agreement.krippendorff_alpha([a, b]), 3) == "0.329"


def test_pabak_byrt_bishop_carlin_from_the_two_by_two_table() -> None:
    # a = 40 both positive, b = 9, c = 6, d = 45: p_o = .85, PABAK = .70, PI = -.05, BI = .03.
    # Listing the positive category first makes it the positive one (pabak's larger value).
    a, b = agreement.ratings_from_table([[40, 9], [6, 45]], categories=[1, 0])
    result = agreement.pabak(a, b)
    assert printed(result.pabak, 2) == "0.70"
    assert (printed(result.prevalence_index, 2), printed(result.bias_index, 2)) == ("-0.05", "0.03")
    # Specific agreement on the same table (Cicchetti & Feinstein 1990, J Clin Epidemiol
    # 43:551-558): p_pos = 2a / (2a + b + c), p_neg = 2d / (2d + b + c).
    assert agreement.positive_agreement([a, b], positive=1).value == pytest.approx(80 / 95)
    assert agreement.negative_agreement([a, b], positive=1).value == pytest.approx(90 / 105)
    both = agreement.specific_agreement([a, b])
    assert [c.value for c in both.values] == pytest.approx([90 / 105, 80 / 95])


def test_holsti_from_counts() -> None:
    # Holsti (1969), Content Analysis for the Social Sciences and Humanities, p. 140:
    # CR = 2M / (N1 + N2); two coders with 40 and 50 decisions agreeing on 36: 72 / 90.
    assert agreement.holsti_from_counts(36, 40, 50).value == pytest.approx(0.8)


def test_unitized_alpha_krippendorff_2004_under_both_names() -> None:
    spans = [
        (0, 75, 145, "c"), (0, 220, 250, "c"), (1, 70, 150, "c"), (1, 205, 225, "c"),
        (1, 250, 270, "c"), (0, 30, 90, "k"), (0, 150, 200, "k"), (1, 30, 90, "k"),
        (1, 150, 200, "k"),
    ]  # fmt: skip
    assert printed(agreement.unitized_alpha(spans, 300, "c"), 4) == "0.7286"
    assert printed(agreement.unitizing_alpha(np.array(spans, dtype=object), 300, "c"), 4) == (
        "0.7286"
    )


# Krippendorff (2019) Figure 12.11, 1-based inclusive positions made half-open.
FIGURE_12_11 = {
    "Alex": [(1, 7, "1"), (8, 13, "2"), (31, 32, "5"), (33, 37, "6"), (38, 44, "6"), (45, 60, "7")],
    "Paul": [(1, 7, "1"), (8, 13, "3"), (14, 21, "5"), (33, 44, "6")],
    "Suzan": [
        (1, 7, "1"), (8, 13, "4"), (14, 21, "5"), (33, 37, "6"), (38, 41, "6"), (42, 44, "6"),
    ],
}  # fmt: skip
BOOK_SPANS = [(c, s - 1, e, v) for c, segs in FIGURE_12_11.items() for s, e, v in segs]


def test_krippendorff_2019_family() -> None:
    assert printed(agreement.u_alpha(BOOK_SPANS, 60), 3) == "0.510"
    assert printed(agreement.cu_alpha(BOOK_SPANS, 60), 3) == "0.724"
    assert agreement.binary_u_alpha(BOOK_SPANS, 60).value == pytest.approx(0.413, abs=1e-3)
    assert agreement.k_u_alpha(BOOK_SPANS, 60, "1").value == pytest.approx(1.0)
    # Cu-alpha (no printed figure): with every value its own domain it is cu-alpha's
    # counterpart over domains; here it must at least be a defined number in [-1, 1].
    domains = {v: v for v in "1234567"}
    cu = agreement.Cu_alpha(BOOK_SPANS, 60, domains)
    assert cu.is_defined and -1.0 <= cu.value <= 1.0


def test_gamma_returns_a_value() -> None:
    # No published gamma figure is reproduced (see test_agreement_gamma.py); identical
    # annotations agree perfectly, and the result is read through .value like the others.
    spans = [(c, s, e, k) for c in ("a", "b") for s, e, k in [(0, 5, "x"), (8, 12, "y")]]
    result = agreement.gamma(spans, n_samples=10, seed=1)
    assert result.value == pytest.approx(1.0)
    assert float(result) == result.value


def s(*codes: str) -> frozenset[str]:
    return frozenset(codes)


# Krippendorff & Craggs (2016) Table 3: a row per unit, observers F, G, H.
TABLE_3: list[list[Any]] = [
    [s("b", "d"), s("d"), None],
    [s("a", "b", "d"), s("b"), s("b", "d")],
    [s(), s("a"), s("a")],
    [s("a"), None, None],
]


def test_mv_alpha_table_3_in_both_layouts() -> None:
    assert printed(agreement.mv_alpha(TABLE_3, rows="units"), 4) == "0.2866"
    assert printed(agreement.multi_valued_alpha(units_by_coders(TABLE_3)), 4) == "0.2866"
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(TABLE_3, columns=["F", "G", "H"])
    assert printed(agreement.mv_alpha(frame), 4) == "0.2866"


def test_set_distances_through_alpha() -> None:
    # nltk's doctest (Passonneau 2006's MASI): masi({1, 2}, {1, 2, 3, 4}) = 2/3 (distance 1/3
    # of Jaccard 1/2 times monotonicity 2/3: 1 - 1/2 * 2/3).
    assert agreement.masi_distance({1, 2}, {1, 2, 3, 4}) == pytest.approx(2 / 3)
    assert agreement.jaccard_distance({1, 2}, {1, 2, 3, 4}) == pytest.approx(0.5)
    coders = units_by_coders(TABLE_3)
    masi = agreement.krippendorff_alpha(coders, distance=agreement.masi_distance)
    same = agreement.krippendorff_alpha(TABLE_3, distance=agreement.masi_distance, rows="units")
    assert masi.is_defined and masi.value == same.value


def test_ratio_weights_on_a_scale_with_a_true_zero() -> None:
    # A ratio scale has a true zero (counts, durations): Krippendorff's ratio alpha takes it,
    # and so do the ratio weights (a 0 category agrees fully with itself; weighted alpha with
    # ratio weights is ratio alpha, Gwet 2014 ch. 3). It used to be a ValueError.
    data = [[0, 1, 2, 3, 0, 2, 5], [0, 1, 3, 3, 1, 2, 4], [0, 2, 2, 3, 0, N, 5]]
    ratio = agreement.krippendorff_alpha(data, "ratio")
    assert ratio.is_defined
    assert agreement.weighted_krippendorff_alpha(data, "ratio").value == pytest.approx(ratio.value)
    assert agreement.gwet_ac2(data, "ratio").is_defined
    weights = agreement.agreement_weights("ratio", [0, 1, 2])
    assert weights[0].tolist() == [1.0, 0.0, 0.0] and np.all(np.diag(weights) == 1.0)
    with pytest.raises(ValueError, match="sums"):
        agreement.agreement_weights("ratio", [-1, 0, 1])


@pytest.mark.parametrize(
    "call",
    [
        lambda d: agreement.krippendorff_alpha(d),
        lambda d: agreement.fleiss_kappa(d),
        lambda d: agreement.gwet_ac2(d),
        lambda d: agreement.conger_kappa(d),
        lambda d: agreement.light_kappa(d),
        lambda d: agreement.weighted_krippendorff_alpha(d),
        lambda d: agreement.cohen_kappa(d[0], d[1]),
        lambda d: agreement.scott_pi(d[0], d[1]),
        lambda d: agreement.mv_alpha(d),
    ],
)
def test_undefined_is_nan_with_a_reason_not_an_exception(call: Any) -> None:
    # Every coder gave every unit the same category: no variation, nothing to correct for.
    result = call([[2, 2, 2], [2, 2, 2]])
    assert math.isnan(result.value) and result.reason


def test_every_multi_coder_coefficient_takes_a_data_frame_directly() -> None:
    data, _ = EXAMPLE_C_LAYOUTS["DataFrame, a column per coder"]
    assert printed(agreement.fleiss_kappa(data), 5) == "0.76117"
    assert printed(agreement.gwet_ac1(data), 5) == "0.77544"
    assert printed(agreement.percent_agreement(data), 5) == "0.81818"
    assert printed(agreement.brennan_prediger(data), 5) == "0.77273"


def test_every_multi_coder_coefficient_takes_rows() -> None:
    units = units_by_coders(EXAMPLE_C)
    assert printed(agreement.fleiss_kappa(units, rows="units"), 5) == "0.76117"
    assert printed(agreement.gwet_ac1(units, rows="units"), 5) == "0.77544"
    assert printed(agreement.light_kappa(DIAGNOSES, rows="units"), 3) == "0.459"
