"""coder.agreement: inter-coder agreement statistics, pure functions over numpy arrays.

Coefficients return ``Coefficient`` (a value, or NaN with the reason it is undefined).
``compute_agreement`` turns a project's units and codings into a full ``AgreementResult``;
``codes_on_units`` is its overlap rule on its own. The result types are plain values in
:mod:`coder.domain.coefficient` and :mod:`coder.domain.agreement_results`, re-exported here.
"""

from coder.agreement.alpha import krippendorff_alpha
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
from coder.agreement.overlap import codes_on_units
from coder.agreement.project import compute_agreement
from coder.agreement.unitizing import character_kappa, unitized_alpha
from coder.domain.agreement_results import AgreementResult, Codings, Units
from coder.domain.coefficient import NVIVO_CAVEAT, BootstrapCI, CharacterAgreement, Coefficient

__all__ = [
    "NVIVO_CAVEAT",
    "AgreementResult",
    "BootstrapCI",
    "CharacterAgreement",
    "Codings",
    "Coefficient",
    "PabakResult",
    "Units",
    "bootstrap_ci",
    "brennan_prediger",
    "character_kappa",
    "codes_on_units",
    "cohen_kappa",
    "compute_agreement",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "pabak",
    "percent_agreement",
    "scott_pi",
    "unitized_alpha",
]
