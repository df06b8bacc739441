"""coder.agreement: inter-coder agreement statistics, pure functions over numpy arrays.

Coefficients return ``Coefficient`` (a value, or NaN with the reason it is undefined).
``compute_agreement`` turns a project's units and codings into a full ``AgreementResult``.
"""

from coder.agreement._result import Coefficient
from coder.agreement.alpha import krippendorff_alpha
from coder.agreement.bootstrap import BootstrapCI, bootstrap_ci
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
from coder.agreement.project import AgreementResult, Codings, Units, compute_agreement
from coder.agreement.unitizing import (
    NVIVO_CAVEAT,
    CharacterAgreement,
    character_kappa,
    unitized_alpha,
)

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
