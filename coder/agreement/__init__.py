"""coder.agreement: inter-coder agreement statistics, pure functions over numpy arrays.

Coefficients return ``Coefficient`` (a value, or NaN with the reason it is undefined).
``compute_agreement`` turns a project's units and codings into a full ``AgreementResult``;
``codes_on_units`` is its overlap rule on its own. The result types are plain values in
:mod:`coder.domain.coefficient` and :mod:`coder.domain.agreement_results`, re-exported here.
Units that carry sets of codes: ``mv_alpha``, or ``krippendorff_alpha(data,
distance=masi_distance)`` (``distance`` takes any difference function).
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
    "binary_u_alpha",
    "bootstrap_ci",
    "brennan_prediger",
    "character_kappa",
    "codes_on_units",
    "cohen_kappa",
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
    "scott_pi",
    "specific_agreement",
    "u_alpha",
    "unitized_alpha",
    "unitizing_alphas",
    "weighted_brennan_prediger",
    "weighted_cohen_kappa",
    "weighted_fleiss_kappa",
    "weighted_krippendorff_alpha",
    "weighted_scott_pi",
]
