"""Inter-coder agreement of a project: load units and codings, compute, describe what was done.

``compute_project_agreement`` runs four steps, each a function below: choose the documents,
choose the codes (and what each is reported under), load the codings and the units as arrays,
and hand them to :func:`coder.agreement.compute_agreement` (which adds AC1, positive
agreement, the code x document table, the analytical precision and q). Whatever a step
leaves out is noted in the report's ``excluded`` lines, so a report never silently narrows its
own scope.

Codes nobody can apply are not variables and are left out (and named in ``headings``):
folders (``codable`` false) and parent codes no selected coder applied in the selection, which
serve as headings of their sub-codes. A code that could be applied but was not stays in: both
coders deciding it applies nowhere is a finding.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from coder.agreement import compute_agreement
from coder.db.engine import Store
from coder.db.models import Code, Coder, Coding, Document, DocumentAttribute, DocumentStatus, Unit
from coder.domain.agreement import AgreementReport, AgreementRequest
from coder.domain.agreement_results import Codings, IntArray, Units
from coder.domain.codebook import CodePath
from coder.errors import InputError, NotFoundError, UsageError
from coder.services.codebook.codes import CodeTree, require_code
from coder.services.documents.reading import latest_documents, require_document
from coder.services.project.coders import require_coder
from coder.services.project.lifecycle import get_settings

__all__ = ["compute_project_agreement"]


@dataclass(frozen=True)
class _Codes:
    """The codes compared: each selected code id -> the id it is reported under, in tree order."""

    report_under: dict[int, int]
    reported: tuple[int, ...]
    paths: tuple[CodePath, ...]

    def index(self) -> dict[int, int]:
        """Selected code id -> index of the code it is reported under."""
        position = {cid: i for i, cid in enumerate(self.reported)}
        return {code: position[target] for code, target in self.report_under.items()}


def compute_project_agreement(store: Store, request: AgreementRequest) -> AgreementReport:
    """Agreement between ``request.coders`` on the chosen documents and codes.

    Codes are the active shared codes (or those named, each with its sub-codes). With
    ``rollup=N`` codings count for their ancestor at depth N (theme-level agreement).
    Raises a one-line error for one coder only, an unknown coder, document or code, or a
    selection with no codings.
    """
    check_request(request)
    settings = get_settings(store)
    excluded: list[str] = []
    with store.read() as session:
        coders = [require_coder(session, name) for name in request.coders]
        tree = CodeTree.load(session)
        docs = selected_documents(session, request, [c.id for c in coders], excluded)
        codes = selected_codes(session, tree, request)
        headings: tuple[CodePath, ...] = ()
        if request.rollup is None:
            codes, headings = without_headings(session, tree, codes, docs, coders)
            if headings:
                excluded.append(listed_names("heading code", "that nobody can apply", headings))
        if settings.blind:
            excluded.extend(_private_codes_note(tree, coders))
        codings, per_coder = selected_codings(session, docs, coders, codes)
        excluded.extend(
            f"{name} has no codings in this selection" for name, n in per_coder.items() if n == 0
        )
        units = _units(session, docs, request, excluded) if request.level == "unit" else None
    lengths = np.array([d.length for d in docs], dtype=np.int64)
    try:
        result = compute_agreement(
            units,
            codings,
            [c.name for c in coders],
            [str(p) for p in codes.paths],
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
        documents=tuple(d.name for d in docs),
        code_paths=codes.paths,
        codings_per_coder=per_coder,
        excluded=tuple(excluded),
        generated_at=dt.datetime.now(dt.UTC),
        blind=settings.blind,
        headings=headings,
    )


def check_request(request: AgreementRequest) -> None:
    if len(request.coders) < 2:
        raise UsageError("agreement needs at least two coders (--coders A B)")
    if len({c.casefold() for c in request.coders}) != len(request.coders):
        raise UsageError("each coder may be named only once")
    if request.rollup is not None and request.rollup < 1:
        raise UsageError("--rollup is a depth of 1 (top-level themes) or more")


def listed_names(noun: str, what: str, names: Sequence[object], shown: int = 5) -> str:
    """``"3 documents not yet coded by every coder: a, b, c"``, naming at most ``shown`` and
    saying how many more there are."""
    count = f"{len(names):,} {noun if len(names) == 1 else noun + 's'} {what}"
    listed = ", ".join(str(n) for n in names[:shown])
    rest = len(names) - shown
    return f"{count}: {listed}" + (f" and {rest:,} more" if rest > 0 else "")


def selected_documents(
    session: Session, request: AgreementRequest, coder_ids: list[int], excluded: list[str]
) -> list[Document]:
    """The selected documents; unless ``all_documents``, only those every coder worked on."""
    docs = _select_documents(session, request)
    if not docs:
        raise NotFoundError("no documents match the selection")
    if request.all_documents:
        return docs
    docs, skipped = _coded_by_everyone(session, docs, coder_ids)
    if skipped:
        excluded.append(listed_names("document", "not yet coded by every coder", skipped))
    if not docs:
        raise NotFoundError(
            "no document in the selection has been coded by every selected coder "
            "(code it, mark it done, or pass --all-docs)"
        )
    return docs


def selected_codes(session: Session, tree: CodeTree, request: AgreementRequest) -> _Codes:
    """The selected codes and, with ``rollup``, the ancestor each is reported under."""
    report_under: dict[int, int] = {}
    for row in _select_codes(session, tree, request):
        target = row
        if request.rollup is not None:
            while tree.path(target.id).depth > request.rollup and target.parent_id:
                target = tree.rows[target.parent_id]
        report_under[row.id] = target.id
    order = {row.id: position for position, row in enumerate(tree.walk())}
    reported = tuple(sorted(set(report_under.values()), key=order.__getitem__))
    return _Codes(report_under, reported, tuple(tree.path(cid) for cid in reported))


def without_headings(
    session: Session, tree: CodeTree, codes: _Codes, docs: list[Document], coders: list[Coder]
) -> tuple[_Codes, tuple[CodePath, ...]]:
    """``codes`` without those nobody can apply: folders and parents no coder applied here."""
    applied = set(
        session.scalars(
            select(Coding.code_id)
            .where(
                Coding.document_id.in_([d.id for d in docs]),
                Coding.coder_id.in_([c.id for c in coders]),
                Coding.code_id.in_(codes.report_under),
            )
            .distinct()
        )
    )
    headings = {
        cid
        for cid in codes.reported
        if cid not in applied and (not tree.rows[cid].codable or tree.children.get(cid))
    }
    if not headings:
        return codes, ()
    kept = tuple(cid for cid in codes.reported if cid not in headings)
    return (
        _Codes(
            {code: target for code, target in codes.report_under.items() if code not in headings},
            kept,
            tuple(tree.path(cid) for cid in kept),
        ),
        tuple(tree.path(cid) for cid in codes.reported if cid in headings),
    )


def _private_codes_note(tree: CodeTree, coders: Sequence[Coder]) -> list[str]:
    """In a blind project, say how many of the coders' private codes are left out."""
    ids = {c.id for c in coders}
    private = [c for c in tree.rows.values() if c.owner_id is not None and c.owner_id in ids]
    if not private:
        return []
    noun = "code" if len(private) == 1 else "codes"
    return [f"{len(private):,} private {noun} not yet shared at reconciliation"]


def selected_codings(
    session: Session, docs: list[Document], coders: list[Coder], codes: _Codes
) -> tuple[Codings, dict[str, int]]:
    """The coders' codings of the codes on the documents, as arrays, and a count per coder."""
    doc_index = {d.id: i for i, d in enumerate(docs)}
    coder_index = {c.id: i for i, c in enumerate(coders)}
    rows = session.execute(
        select(Coding.document_id, Coding.start, Coding.end, Coding.code_id, Coding.coder_id).where(
            Coding.document_id.in_(doc_index),
            Coding.coder_id.in_(coder_index),
            Coding.code_id.in_(codes.report_under),
        )
    ).all()
    if not rows:
        raise NotFoundError(
            "the selected coders have no codings on the selected documents and codes"
        )
    arr = _int_table(rows, 5)
    coder = _lookup(coder_index, arr[:, 4])
    counts = np.bincount(coder, minlength=len(coders))
    per_coder = {c.name: int(counts[i]) for i, c in enumerate(coders)}
    codings = Codings(
        doc=_lookup(doc_index, arr[:, 0]),
        start=arr[:, 1],
        end=arr[:, 2],
        code=_lookup(codes.index(), arr[:, 3]),
        coder=coder,
    )
    return codings, per_coder


def _units(
    session: Session, docs: list[Document], request: AgreementRequest, excluded: list[str]
) -> Units:
    """The documents' units of the requested kind; documents without any are noted."""
    doc_index = {d.id: i for i, d in enumerate(docs)}
    rows = session.execute(
        select(Unit.document_id, Unit.start, Unit.end)
        .where(Unit.document_id.in_(doc_index), Unit.kind == str(request.unit))
        .order_by(Unit.document_id, Unit.start)
    ).all()
    have_units = {r.document_id for r in rows}
    missing = [d.name for d in docs if d.id not in have_units]
    if missing:
        excluded.append(listed_names("document", f"without {request.unit} units", missing))
    if not rows:
        raise InputError(str(request.unit), "no document in the selection has units of this kind")
    u = _int_table(rows, 3)
    return Units(doc=_lookup(doc_index, u[:, 0]), start=u[:, 1], end=u[:, 2])


def _int_table(rows: Sequence[Sequence[int]], n_columns: int) -> IntArray:
    """Rows of integers as an (n, n_columns) array, read in one pass (8x faster than building
    a tuple per row for ``np.array``: 0.27 s -> 0.03 s for 200,000 codings)."""
    flat = np.fromiter(
        itertools.chain.from_iterable(rows), dtype=np.int64, count=len(rows) * n_columns
    )
    table: IntArray = flat.reshape(len(rows), n_columns)
    return table


def _lookup(mapping: Mapping[int, int], keys: np.ndarray) -> IntArray:
    """Map database ids to dense indices, vectorised through a lookup array."""
    table: IntArray = np.full(max(mapping) + 1, -1, dtype=np.int64)
    table[np.fromiter(mapping.keys(), dtype=np.int64)] = np.fromiter(
        mapping.values(), dtype=np.int64
    )
    indices: IntArray = table[keys]
    return indices


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
