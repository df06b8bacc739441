"""Agreement on coded segments as ATLAS.ti and INCEpTION report it: per semantic domain, per code.

``coder agreement --level span --coefficient u-alpha-2016|gamma`` computes these figures over
the selected documents laid end to end as one continuum (each document's codings shifted by
the lengths of the documents before it, so no segment spans two documents).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from coder.domain.agreement import AgreementRequest
from coder.domain.coefficient import Coefficient

SpanCoefficient = Literal["u-alpha-2016", "gamma"]
#: ``--coefficient`` values, as the command line spells them.
SPAN_COEFFICIENTS: tuple[SpanCoefficient, ...] = ("u-alpha-2016", "gamma")


@dataclass(frozen=True)
class SpanCodeFigures:
    """One code: its alpha-binary (|uα of the code alone), (k)uα within its domain, gamma-k."""

    code: str
    domain: str
    segments: tuple[int, ...]
    binary_u_alpha: Coefficient | None = None
    k_u_alpha: Coefficient | None = None
    gamma_k: Coefficient | None = None


@dataclass(frozen=True)
class SpanDomainFigures:
    """One semantic domain: its codes (mutually exclusive values) and its coefficients."""

    name: str
    codes: tuple[str, ...]
    u_alpha: Coefficient | None = None
    binary_u_alpha: Coefficient | None = None
    cu_alpha: Coefficient | None = None
    gamma: Coefficient | None = None
    gamma_cat: Coefficient | None = None


@dataclass(frozen=True)
class SpanFamilyReport:
    """The 2016 alpha family or gamma for a project's codings, per domain and per code.

    ``Cu_alpha`` (across domains) is set for ``u-alpha-2016``; ``gamma`` (every code as a
    category of one continuum) for ``gamma``. ``domains_from`` says where the domains came
    from: "code tree" (each top-level theme) or "declared".
    """

    project: str
    request: AgreementRequest
    coefficient: SpanCoefficient
    coders: tuple[str, ...]
    documents: tuple[str, ...]
    length: int
    domains: tuple[SpanDomainFigures, ...]
    codes: tuple[SpanCodeFigures, ...]
    domains_from: str
    excluded: tuple[str, ...]
    generated_at: dt.datetime
    Cu_alpha: Coefficient | None = None
    gamma: Coefficient | None = None
    gamma_samples: int = 0


def parse_domains(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``"Theme A=Code1,Code2;Theme B=Code3"`` (or one domain a line) as (name, codes) pairs.

    A code is named by its path or its own name. Raises ValueError for an entry without ``=``,
    a domain without codes, a domain named twice or a code in two domains.
    """
    domains: dict[str, tuple[str, ...]] = {}
    seen: dict[str, str] = {}
    for entry in (e.strip() for e in text.replace("\n", ";").split(";")):
        if not entry or entry.startswith("#"):
            continue
        name, sep, listed = entry.partition("=")
        name = name.strip()
        codes = tuple(c.strip() for c in listed.split(",") if c.strip())
        if not sep or not name or not codes:
            raise ValueError(f"{entry!r}: write a domain as 'Name=Code1,Code2'")
        if name in domains:
            raise ValueError(f"domain {name!r} is declared twice")
        for code in codes:
            if code in seen:
                raise ValueError(f"code {code!r} is in two domains ({seen[code]!r}, {name!r})")
            seen[code] = name
        domains[name] = codes
    if not domains:
        raise ValueError("no domain declared (write 'Name=Code1,Code2;Other=Code3')")
    return tuple(domains.items())
