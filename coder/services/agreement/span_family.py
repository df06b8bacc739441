"""Krippendorff's 2016 alpha family and gamma for a project: per semantic domain and per code.

The documents and codes are chosen as for every agreement report (``compute.py``); the
documents are laid end to end as one continuum. Semantic domains are the code tree's top-level
themes (each theme with the codes under it; a top-level code without sub-codes is a domain of
its own) unless ``domains`` declares them (codes outside every declared domain are left out
and named).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

from coder.agreement import gamma as gamma_of
from coder.agreement import unitizing_alphas
from coder.agreement.ualpha2016 import Cu_alpha, binary_u_alpha
from coder.db.engine import Store
from coder.domain.agreement import AgreementRequest
from coder.domain.agreement_results import Codings
from coder.domain.agreement_span import (
    SpanCodeFigures,
    SpanCoefficient,
    SpanDomainFigures,
    SpanFamilyReport,
)
from coder.domain.codebook import CodePath
from coder.domain.coefficient import Coefficient
from coder.errors import UsageError
from coder.services.agreement.compute import (
    check_request,
    listed_names,
    selected_codes,
    selected_codings,
    selected_documents,
    without_headings,
)
from coder.services.codebook.codes import CodeTree
from coder.services.project.coders import require_coder
from coder.services.project.lifecycle import get_settings

__all__ = ["compute_span_family", "span_figures"]

#: Chance samples for gamma's expected disorder (pygamma-agreement's default is 30).
GAMMA_SAMPLES = 30

_Figures = tuple[
    tuple[SpanDomainFigures, ...], dict[int, dict[str, Coefficient]], Coefficient | None
]


def compute_span_family(
    store: Store,
    request: AgreementRequest,
    coefficient: SpanCoefficient,
    domains: Sequence[tuple[str, Sequence[str]]] = (),
) -> SpanFamilyReport:
    """uα, |uα, cuα per domain, Cuα across domains and |uα, (k)uα per code (``u-alpha-2016``),
    or γ and gamma-cat per domain, γ overall and gamma-k per code (``gamma``)."""
    check_request(request)
    settings = get_settings(store)
    excluded: list[str] = []
    with store.read() as session:
        coders = [require_coder(session, name) for name in request.coders]
        tree = CodeTree.load(session)
        docs = selected_documents(session, request, [c.id for c in coders], excluded)
        codes = selected_codes(session, tree, request)
        if request.rollup is None:
            codes, headings = without_headings(session, tree, codes, docs, coders)
            if headings:
                excluded.append(listed_names("heading code", "that nobody can apply", headings))
        codings, _ = selected_codings(session, docs, coders, codes)
    names = [str(p) for p in codes.paths]
    domain_of = _domain_of(codes.paths, domains, excluded)
    lengths = np.array([d.length for d in docs], dtype=np.int64)
    m = len(coders)
    per_domain: dict[str, list[int]] = {}
    for index, domain in domain_of.items():
        per_domain.setdefault(domain, []).append(index)
    counts = np.zeros((len(names), m), dtype=np.int64)
    np.add.at(counts, (codings.code, codings.coder), 1)
    domain_rows, code_figures, overall = span_figures(
        codings, lengths, m, names, per_domain, coefficient, request.seed
    )
    total = int(lengths.sum())
    code_rows = tuple(
        SpanCodeFigures(
            code=names[i],
            domain=domain,
            segments=tuple(int(x) for x in counts[i]),
            **code_figures.get(i, {}),
        )
        for domain, members in per_domain.items()
        for i in members
    )
    return SpanFamilyReport(
        project=settings.name,
        request=request,
        coefficient=coefficient,
        coders=tuple(c.name for c in coders),
        documents=tuple(d.name for d in docs),
        length=total,
        domains=domain_rows,
        codes=code_rows,
        domains_from="declared" if domains else "code tree",
        excluded=tuple(excluded),
        generated_at=dt.datetime.now(dt.UTC),
        Cu_alpha=overall if coefficient == "u-alpha-2016" else None,
        gamma=overall if coefficient == "gamma" else None,
        gamma_samples=GAMMA_SAMPLES if coefficient == "gamma" else 0,
    )


def span_figures(
    codings: Codings,
    lengths: np.ndarray,
    n_coders: int,
    names: list[str],
    per_domain: dict[str, list[int]],
    coefficient: SpanCoefficient,
    seed: int = 0,
) -> _Figures:
    """Per domain, per code (index -> figures) and overall (Cu-alpha or gamma) figures of
    ``codings`` on the documents of ``lengths`` laid end to end."""
    spans, total = _continuum(codings, lengths)
    if coefficient == "u-alpha-2016":
        return _alphas(spans, total, n_coders, names, per_domain)
    return _gammas(spans, total, n_coders, names, per_domain, seed)


def _domain_of(
    paths: Sequence[CodePath], declared: Sequence[tuple[str, Sequence[str]]], excluded: list[str]
) -> dict[int, str]:
    """Code index -> its semantic domain (top-level theme, or the declared domain naming it)."""
    if not declared:
        return {i: p.parts[0] for i, p in enumerate(paths)}
    by_name: dict[str, int] = {}
    for i, p in enumerate(paths):
        by_name.setdefault(str(p), i)
        by_name.setdefault(p.parts[-1], i)
    domain_of: dict[int, str] = {}
    for domain, listed in declared:
        for code in listed:
            if code not in by_name:
                raise UsageError(f"--domains: no code {code!r} in the selection")
            domain_of[by_name[code]] = domain
    left = [str(p) for i, p in enumerate(paths) if i not in domain_of]
    if left:
        excluded.append(listed_names("code", "in no declared domain", left))
    return dict(sorted(domain_of.items()))


def _continuum(codings: Codings, lengths: np.ndarray) -> tuple[np.ndarray, int]:
    """``(coder, start, end, code)`` rows on the documents laid end to end, and its length."""
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    shift = offsets[codings.doc]
    spans = np.column_stack(
        [codings.coder, codings.start + shift, codings.end + shift, codings.code]
    ).astype(np.int64)
    valid = spans[:, 2] > spans[:, 1]
    return spans[valid], int(lengths.sum())


def _alphas(
    spans: np.ndarray, total: int, m: int, names: list[str], per_domain: dict[str, list[int]]
) -> _Figures:
    coders = list(range(m))
    # Spans of other codes are ignored by each function: handing over only the code's (or the
    # domain's) rows gives the same figures without parsing every span for every code.
    order = np.argsort(spans[:, 3], kind="stable")
    ordered = spans[order]
    bounds = np.searchsorted(ordered[:, 3], np.arange(len(names) + 1))
    rows = []
    per_code: dict[int, dict[str, Coefficient]] = {}
    for domain, members in per_domain.items():
        mine = np.concatenate([ordered[bounds[i] : bounds[i + 1]] for i in members])
        family = unitizing_alphas(mine, total, codes=members, coders=coders)
        rows.append(
            SpanDomainFigures(
                name=domain,
                codes=tuple(names[i] for i in members),
                u_alpha=family.u_alpha,
                binary_u_alpha=family.binary_u_alpha,
                cu_alpha=family.cu_alpha,
            )
        )
        for i in members:
            own = ordered[bounds[i] : bounds[i + 1]]
            per_code[i] = {
                "binary_u_alpha": binary_u_alpha(own, total, codes=[i], coders=coders),
                "k_u_alpha": family.k_u_alpha[i],
            }
    domain_of = {i: domain for domain, members in per_domain.items() for i in members}
    overall = Cu_alpha(spans, total, domain_of, coders=coders)
    return tuple(rows), per_code, overall


def _gammas(
    spans: np.ndarray,
    total: int,
    m: int,
    names: list[str],
    per_domain: dict[str, list[int]],
    seed: int,
) -> _Figures:
    coders = list(range(m))

    def run(members: list[int]) -> tuple[Coefficient, Coefficient, dict[int, Coefficient]]:
        mine = spans[np.isin(spans[:, 3], members)]
        result = gamma_of(
            mine, coders=coders, length=total, categories=members,
            n_samples=GAMMA_SAMPLES, seed=seed,
        )  # fmt: skip
        value = Coefficient(result.value, result.reason)
        return value, result.gamma_cat, {int(k): v for k, v in result.gamma_k.items()}  # type: ignore[call-overload]

    rows = []
    per_code: dict[int, dict[str, Coefficient]] = {}
    for domain, members in per_domain.items():
        value, cat, by_code = run(members)
        rows.append(
            SpanDomainFigures(
                name=domain, codes=tuple(names[i] for i in members), gamma=value, gamma_cat=cat
            )
        )
        for i in members:
            per_code[i] = {"gamma_k": by_code.get(i, Coefficient.undefined(_NOT_CODED))}
    everything = sorted(i for members in per_domain.values() for i in members)
    overall, _, _ = run(everything)
    return tuple(rows), per_code, overall


_NOT_CODED = "no coder applied this code"
