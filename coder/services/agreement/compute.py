"""Inter-coder agreement of a project: load units and codings, compute, describe what was done."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from coder.agreement import AgreementResult, Codings, Units, compute_agreement
from coder.db.engine import Store
from coder.db.models import Code, Coding, Document, DocumentAttribute, DocumentStatus, Unit
from coder.domain.codebook import CodePath
from coder.domain.documents import UnitKind
from coder.errors import InputError, NotFoundError, UsageError
from coder.services.codebook.codes import CodeTree, require_code
from coder.services.documents.corpus import require_document
from coder.services.project.coders import require_coder

Level = Literal["unit", "character", "span"]
Overlap = Literal["any", "majority", "full"]


@dataclass(frozen=True)
class AgreementRequest:
    """What to compute: between whom, over which documents and codes, at which unit."""

    coders: tuple[str, ...]
    unit: UnitKind = UnitKind.SENTENCE
    level: Level = "unit"
    overlap: Overlap = "any"
    documents: tuple[str, ...] = ()
    where: Mapping[str, str] = field(default_factory=dict)
    codes: tuple[str, ...] = ()
    rollup: int | None = None
    #: Include documents some coder has not worked on (their silence then counts as "absent").
    all_documents: bool = False
    ci: bool = True
    n_boot: int = 1000
    seed: int = 0


@dataclass(frozen=True)
class AgreementReport:
    """A computed agreement result with everything a report needs to describe it."""

    project: str
    request: AgreementRequest
    result: AgreementResult
    documents: tuple[str, ...]
    code_paths: tuple[CodePath, ...]
    codings_per_coder: dict[str, int]
    excluded: tuple[str, ...]
    generated_at: dt.datetime

    @property
    def unit_label(self) -> str:
        if self.request.level == "character":
            return "character"
        if self.request.level == "span":
            return "continuum (unitizing)"
        return str(self.request.unit)


def compute_project_agreement(store: Store, request: AgreementRequest) -> AgreementReport:
    """Agreement between ``request.coders`` on the chosen documents and codes.

    Codes are the active shared codes (or those named, each with its sub-codes). With
    ``rollup=N`` codings count for their ancestor at depth N (theme-level agreement).
    Raises a one-line error for one coder only, an unknown coder, document or code, or a
    selection with no codings.
    """
    from coder.services.project.lifecycle import get_settings

    if len(request.coders) < 2:
        raise UsageError("agreement needs at least two coders (--coders A B)")
    if len({c.casefold() for c in request.coders}) != len(request.coders):
        raise UsageError("each coder may be named only once")
    if request.rollup is not None and request.rollup < 1:
        raise UsageError("--rollup is a depth of 1 (top-level themes) or more")
    settings = get_settings(store)
    excluded: list[str] = []
    with store.read() as session:
        coders = [require_coder(session, name) for name in request.coders]
        coder_index = {c.id: i for i, c in enumerate(coders)}
        tree = CodeTree.load(session)

        docs = _select_documents(session, request)
        if not docs:
            raise NotFoundError("no documents match the selection")
        if not request.all_documents:
            docs, skipped = _coded_by_everyone(session, docs, [c.id for c in coders])
            if skipped:
                excluded.append(
                    f"{len(skipped)} document(s) not yet coded by every coder: "
                    + ", ".join(skipped[:5])
                    + (" ..." if len(skipped) > 5 else "")
                )
            if not docs:
                raise NotFoundError(
                    "no document in the selection has been coded by every selected coder "
                    "(code it, mark it done, or pass --all-docs)"
                )
        doc_index = {d.id: i for i, d in enumerate(docs)}

        selected = _select_codes(session, tree, request)
        # Each selected code maps to the code it is reported under (itself or its ancestor).
        report_under: dict[int, int] = {}
        for row in selected:
            target = row
            if request.rollup is not None:
                while tree.path(target.id).depth > request.rollup and target.parent_id:
                    target = tree.rows[target.parent_id]
            report_under[row.id] = target.id
        order = {row.id: position for position, row in enumerate(tree.walk())}
        reported_ids = sorted(set(report_under.values()), key=order.__getitem__)
        code_index = {cid: i for i, cid in enumerate(reported_ids)}
        code_paths = tuple(tree.path(cid) for cid in reported_ids)

        rows = session.execute(
            select(
                Coding.document_id, Coding.start, Coding.end, Coding.code_id, Coding.coder_id
            ).where(
                Coding.document_id.in_(doc_index),
                Coding.coder_id.in_(coder_index),
                Coding.code_id.in_(report_under),
            )
        ).all()
        private = [
            tree.path(c.id)
            for c in tree.rows.values()
            if c.owner_id is not None and c.owner_id in coder_index
        ]
        if private and settings.blind:
            excluded.append(f"{len(private)} private code(s) not yet shared at reconciliation")
        if not rows:
            raise NotFoundError(
                "the selected coders have no codings on the selected documents and codes"
            )
        codings_per_coder = {c.name: 0 for c in coders}
        for coding in rows:
            codings_per_coder[coders[coder_index[coding.coder_id]].name] += 1
        for coder in coders:
            if codings_per_coder[coder.name] == 0:
                excluded.append(f"{coder.name} has no codings in this selection")

        arr = np.array([tuple(r) for r in rows], dtype=np.int64)
        codings = Codings(
            doc=_lookup(doc_index, arr[:, 0]),
            start=arr[:, 1],
            end=arr[:, 2],
            code=_lookup({c: code_index[t] for c, t in report_under.items()}, arr[:, 3]),
            coder=_lookup(coder_index, arr[:, 4]),
        )
        lengths = np.array([d.length for d in docs], dtype=np.int64)
        units = None
        if request.level == "unit":
            unit_rows = session.execute(
                select(Unit.document_id, Unit.start, Unit.end)
                .where(Unit.document_id.in_(doc_index), Unit.kind == str(request.unit))
                .order_by(Unit.document_id, Unit.start)
            ).all()
            have_units = {r.document_id for r in unit_rows}
            missing = [d.name for d in docs if d.id not in have_units]
            if missing:
                excluded.append(
                    f"{len(missing)} document(s) without {request.unit} units: "
                    + ", ".join(missing[:5])
                    + (" ..." if len(missing) > 5 else "")
                )
            if not unit_rows:
                raise InputError(
                    str(request.unit), "no document in the selection has units of this kind"
                )
            u = np.array([tuple(r) for r in unit_rows], dtype=np.int64)
            units = Units(
                doc=_lookup(doc_index, u[:, 0]),
                start=u[:, 1],
                end=u[:, 2],
            )
        doc_names = tuple(d.name for d in docs)

    try:
        result = compute_agreement(
            units,
            codings,
            [c.name for c in coders],
            [str(p) for p in code_paths],
            overlap=request.overlap,
            level=request.level,
            doc_lengths=lengths,
            ci=request.ci,
            n_boot=request.n_boot,
            seed=request.seed,
        )
    except ValueError as exc:
        raise InputError("agreement", str(exc)) from None
    return AgreementReport(
        project=settings.name,
        request=request,
        result=result,
        documents=doc_names,
        code_paths=code_paths,
        codings_per_coder=codings_per_coder,
        excluded=tuple(excluded),
        generated_at=dt.datetime.now(dt.UTC),
    )


def _lookup(mapping: Mapping[int, int], keys: np.ndarray) -> np.ndarray:
    """Map database ids to dense indices, vectorised through a lookup array."""
    table = np.full(max(mapping) + 1, -1, dtype=np.int64)
    table[np.fromiter(mapping.keys(), dtype=np.int64)] = np.fromiter(
        mapping.values(), dtype=np.int64
    )
    return table[keys]


def _coded_by_everyone(
    session: Session, docs: list[Document], coder_ids: list[int]
) -> tuple[list[Document], list[str]]:
    """Documents each coder has worked on (a coding, or marked done), and the names of the rest.

    A document a coder has not opened yet says nothing about agreement: counting its silence as
    "code absent" would inflate agreement, the flaw of per-character figures over whole projects.
    """
    worked: dict[int, set[int]] = {}
    for doc_id, coder_id in session.execute(
        select(Coding.document_id, Coding.coder_id).where(Coding.coder_id.in_(coder_ids)).distinct()
    ):
        worked.setdefault(doc_id, set()).add(coder_id)
    for doc_id, coder_id in session.execute(
        select(DocumentStatus.document_id, DocumentStatus.coder_id).where(
            DocumentStatus.coder_id.in_(coder_ids), DocumentStatus.done.is_(True)
        )
    ):
        worked.setdefault(doc_id, set()).add(coder_id)
    everyone = set(coder_ids)
    kept = [d for d in docs if worked.get(d.id, set()) >= everyone]
    skipped = [d.name for d in docs if not worked.get(d.id, set()) >= everyone]
    return kept, skipped


def _select_documents(session: Session, request: AgreementRequest) -> list[Document]:
    from coder.services.documents.corpus import latest_documents

    if request.documents:
        docs = [require_document(session, name) for name in request.documents]
    else:
        docs = list(session.scalars(latest_documents().order_by(Document.id)))
    for key, value in request.where.items():
        ids = set(
            session.scalars(
                select(DocumentAttribute.document_id).where(
                    DocumentAttribute.key == key, DocumentAttribute.value == value
                )
            )
        )
        docs = [d for d in docs if d.id in ids]
    return docs


def _select_codes(session: Session, tree: CodeTree, request: AgreementRequest) -> list[Code]:
    if request.codes:
        chosen: dict[int, Code] = {}
        for path in request.codes:
            row = require_code(session, path, tree=tree)
            chosen[row.id] = row
            for child in tree.walk(row.id):
                chosen[child.id] = child
        rows = list(chosen.values())
    else:
        rows = [r for r in tree.walk() if r.owner_id is None]
    return [r for r in rows if r.status == "active"]
