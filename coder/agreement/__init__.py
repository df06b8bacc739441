"""coder.agreement: inter-coder agreement statistics, pure functions over numpy arrays.

Coefficients return ``Coefficient`` (a value, or NaN with the reason it is undefined).
``compute_agreement`` turns a project's units and codings into a full ``AgreementResult``;
``codes_on_units`` is its overlap rule on its own. The result types are plain values in
:mod:`coder.domain.coefficient` and :mod:`coder.domain.agreement_results`, re-exported here.
Units that carry sets of codes: ``mv_alpha``, or ``krippendorff_alpha(data,
distance=masi_distance)`` (``distance`` takes any difference function).

Input: the multi-coder coefficients take Krippendorff's reliability data matrix, a row per
coder and a column per unit (list of lists or numpy array; ``None``/NaN is a missing rating);
the two-coder ones (``cohen_kappa``, ``scott_pi``, ``pabak``, the weighted Cohen/Scott) two
sequences, one per coder. Other layouts (:mod:`coder.agreement.layouts`): a table with a row
per unit and a column per coder, or a pandas DataFrame with a column per coder, through
``reliability_data(table, rows="units")`` (``krippendorff_alpha``, ``mv_alpha`` and the
weighted coefficients also take ``rows=`` themselves); a units x categories table of counts
(Fleiss 1971) through ``ratings_from_counts``; a two-coder contingency table through
``cohen_kappa(*ratings_from_table(table))``.

Names are the literature's; a few are also under the other name the literature uses (the same
function): ``cohens_kappa``, ``scotts_pi``, ``krippendorffs_alpha``, ``bennett_s``
(Brennan-Prediger's kappa_n is Bennett, Alpert & Goldstein's 1954 S), ``weighted_kappa``
(Cohen's 1968 weighted kappa), ``unitizing_alpha`` (the 1995/2004 unitized alpha),
``multi_valued_alpha``.
"""

from coder.agreement.alpha import krippendorff_alpha
from coder.agreement.benchmarks import BENCHMARK_SCALES, benchmark, probabilistic_benchmark
from coder.agreement.bootstrap import bootstrap_ci
from coder.agreement.coefficients import (
    PabakResult,
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    pabak,
    percent_agreement,
    scott_pi,
)
from coder.agreement.gamma import GammaResult, gamma
from coder.agreement.layouts import ratings_from_counts, ratings_from_table, reliability_data
from coder.agreement.overlap import codes_on_units
from coder.agreement.pairwise import light_kappa, weighted_cohen_kappa, weighted_scott_pi
from coder.agreement.planning import (
    AlphaRisk,
    SampleSizePlan,
    krippendorff_minimum_sample,
    plan_sample_size,
    probability_below,
)
from coder.agreement.project import compute_agreement
from coder.agreement.sets import jaccard_distance, masi_distance, multi_valued_alpha, mv_alpha
from coder.agreement.specific import (
    SpecificAgreement,
    holsti_from_counts,
    holsti_index,
    negative_agreement,
    positive_agreement,
    specific_agreement,
)
from coder.agreement.ualpha2016 import (
    Cu_alpha,
    UnitizingAlphas,
    binary_u_alpha,
    cu_alpha,
    k_u_alpha,
    u_alpha,
    unitizing_alphas,
)
from coder.agreement.unitizing import character_kappa, unitized_alpha
from coder.agreement.variance import Precision, agreement_precision
from coder.agreement.weighted import (
    conger_kappa,
    gwet_ac2,
    weighted_brennan_prediger,
    weighted_fleiss_kappa,
    weighted_krippendorff_alpha,
)
from coder.agreement.weights import WEIGHT_SCHEMES, agreement_weights
from coder.domain.agreement_results import AgreementResult, Codings, Units
from coder.domain.coefficient import NVIVO_CAVEAT, BootstrapCI, CharacterAgreement, Coefficient

# The literature's other names for the same coefficients (aliases, not second implementations).
cohens_kappa = cohen_kappa
scotts_pi = scott_pi
krippendorffs_alpha = krippendorff_alpha
bennett_s = brennan_prediger
weighted_kappa = weighted_cohen_kappa
unitizing_alpha = unitized_alpha

__all__ = [
    "BENCHMARK_SCALES",
    "NVIVO_CAVEAT",
    "WEIGHT_SCHEMES",
    "AgreementResult",
    "AlphaRisk",
    "BootstrapCI",
    "CharacterAgreement",
    "Codings",
    "Coefficient",
    "Cu_alpha",
    "GammaResult",
    "PabakResult",
    "Precision",
    "SampleSizePlan",
    "SpecificAgreement",
    "UnitizingAlphas",
    "Units",
    "agreement_precision",
    "agreement_weights",
    "benchmark",
    "bennett_s",
    "binary_u_alpha",
    "bootstrap_ci",
    "brennan_prediger",
    "character_kappa",
    "codes_on_units",
    "cohen_kappa",
    "cohens_kappa",
    "compute_agreement",
    "conger_kappa",
    "cu_alpha",
    "fleiss_kappa",
    "gamma",
    "gwet_ac1",
    "gwet_ac2",
    "holsti_from_counts",
    "holsti_index",
    "jaccard_distance",
    "k_u_alpha",
    "krippendorff_alpha",
    "krippendorff_minimum_sample",
    "krippendorffs_alpha",
    "light_kappa",
    "masi_distance",
    "multi_valued_alpha",
    "mv_alpha",
    "negative_agreement",
    "pabak",
    "percent_agreement",
    "plan_sample_size",
    "positive_agreement",
    "probabilistic_benchmark",
    "probability_below",
    "ratings_from_counts",
    "ratings_from_table",
    "reliability_data",
    "scott_pi",
    "scotts_pi",
    "specific_agreement",
    "u_alpha",
    "unitized_alpha",
    "unitizing_alpha",
    "unitizing_alphas",
    "weighted_brennan_prediger",
    "weighted_cohen_kappa",
    "weighted_fleiss_kappa",
    "weighted_kappa",
    "weighted_krippendorff_alpha",
    "weighted_scott_pi",
]
