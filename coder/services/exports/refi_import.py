"""REFI-QDA import: whole projects (``.qdpx``) and codebooks (``.qdc``) into a project.

Importing a project fills a new or empty project in one transaction: a file that cannot be
read, or fails half-way, leaves the project exactly as it was. Every coding keeps the user
who made it as its coder, so a project coded in NVivo, ATLAS.ti, MAXQDA, QualCoder or
Taguette can have its inter-coder agreement computed here.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coder.db.audit import record
from coder.db.engine import Store
from coder.db.models import Coding, Document, Memo
from coder.domain.codebook import CodebookImportReport
from coder.domain.documents import DocumentDraft, ImportReport
from coder.domain.exports import RefiCodebookImportReport, RefiImportReport
from coder.errors import ConflictError
from coder.io.refi import NoteTarget, RefiProject, RefiSource, read_qdc_document, read_qdpx
from coder.services.codebook.codes import (
    CodeTree,
    import_code,
    import_codebook,
)
from coder.services.coding.codings import coding_snapshot
from coder.services.documents.corpus import store_draft
from coder.services.project.coders import get_or_create_coder
from coder.services.project.lifecycle import get_settings
from coder.text import load_pipeline, segment_many

#: Coder given codings whose file names no user at all.
UNKNOWN_CODER = "imported"


def import_refi_project(
    store: Store, path: str | os.PathLike[str], *, actor: str
) -> RefiImportReport:
    """Fill an empty project from a ``.qdpx`` archive, in one transaction.

    Refuses (:class:`ConflictError`) a project that already has documents or codings, and
    (:class:`InputError`) any unsafe or inconsistent archive, before writing anything.
    """
    archive = Path(path)
    refi = read_qdpx(archive)
    with store.read() as session:
        documents = session.scalar(select(func.count()).select_from(Document)) or 0
        codings = session.scalar(select(func.count()).select_from(Coding)) or 0
    if documents or codings:
        raise ConflictError(
            f"{store.display_name}: the project already has {documents} document(s) and"
            f" {codings} coding(s); import {archive.name} into a new or empty project"
        )
    report = RefiImportReport(origin=refi.origin, position_unit=refi.position_unit)
    report.warnings.extend(refi.warnings)
    kept, same_as = _distinct_sources(refi, report)
    drafts = [
        DocumentDraft(
            name=name,
            text=source.text,
            source_format="qdpx",
            source_path=f"{archive.name}:{source.text_path or 'project.qde'}",
            attributes=dict(source.attributes),
        )
        for source, name in kept
    ]
    units = segment_many(
        [d.text for d in drafts], nlp=load_pipeline(get_settings(store).spacy_model)
    )
    with store.write() as session:
        doc_report = ImportReport()
        doc_ids: dict[str, int] = {}
        for (source, _), draft, doc_units in zip(kept, drafts, units, strict=True):
            store_draft(session, draft, doc_units, actor=actor, report=doc_report)
            doc_ids[source.guid] = session.scalars(
                select(Document.id).where(Document.name == draft.name)
            ).one()
        for duplicate, original in same_as.items():
            doc_ids[duplicate] = doc_ids[original]
        report.documents = doc_report.imported
        code_ids = _import_codes(session, refi, actor, report)
        coder_ids = _import_coders(session, refi, actor, report)
        coding_ids = _import_codings(session, refi, doc_ids, code_ids, coder_ids, actor, report)
        _import_notes(session, refi, doc_ids, code_ids, coder_ids, coding_ids, actor, report)
        record(
            session,
            actor,
            "import",
            "project",
            1,
            None,
            {
                "file": str(archive),
                "origin": refi.origin,
                "positions": refi.position_unit,
                "documents": len(report.documents),
                "codings": report.codings,
                "memos": report.memos,
            },
        )
    return report


def _distinct_sources(
    refi: RefiProject, report: RefiImportReport
) -> tuple[list[tuple[RefiSource, str]], dict[str, str]]:
    """Sources to store with unique names; sources repeating another's text map onto it."""
    kept: list[tuple[RefiSource, str]] = []
    by_text: dict[str, str] = {}
    same_as: dict[str, str] = {}
    names: set[str] = set()
    for source in refi.sources:
        if source.text in by_text:
            same_as[source.guid] = by_text[source.text]
            report.warnings.append(
                f"source {source.name!r} has the same text as an earlier source:"
                " its codings are kept on that document"
            )
            continue
        by_text[source.text] = source.guid
        name, n = source.name[:290], 1
        while name.casefold() in names:
            n += 1
            name = f"{source.name[:290]} ({n})"
        names.add(name.casefold())
        kept.append((source, name))
    return kept, same_as


def _import_codes(
    session: Session, refi: RefiProject, actor: str, report: RefiImportReport
) -> dict[str, int]:
    tree = CodeTree.load(session)
    book_report = CodebookImportReport()
    for position, code in enumerate(refi.codebook.codes):
        import_code(session, tree, code, None, position, actor, book_report)
    report.codes_added = book_report.added
    out: dict[str, int] = {}
    for guid, path in refi.code_guids.items():
        row = tree.find(path)
        assert row is not None, path  # every path of the book was just imported
        out[guid] = row.id
    return out


def _import_coders(
    session: Session, refi: RefiProject, actor: str, report: RefiImportReport
) -> dict[str | None, int]:
    """User GUID -> coder id for every user of the file (None: codings that name no user)."""
    names = refi.user_names()
    used: set[str | None] = (
        {c.user_guid or s.user_guid for s in refi.selections for c in s.codings}
        | {n.user_guid for n in refi.notes}
        | set(names)
    )
    out: dict[str | None, int] = {}
    for guid in sorted(used, key=lambda g: names.get(g or "", "")):
        name = names[guid][:100] if guid is not None else UNKNOWN_CODER
        row = get_or_create_coder(session, name, actor=actor)
        out[guid] = row.id
        if row.name not in report.coders:
            report.coders.append(row.name)
    if None in out:
        report.warnings.append(f"codings without a user were given to coder {UNKNOWN_CODER!r}")
    return out


def _import_codings(
    session: Session,
    refi: RefiProject,
    doc_ids: dict[str, int],
    code_ids: dict[str, int],
    coder_ids: dict[str | None, int],
    actor: str,
    report: RefiImportReport,
) -> dict[str, int]:
    """Store the codings; returns coding GUID (and selection GUID, for its first coding) -> id."""
    rows: dict[tuple[int, int, int, int, int], Coding] = {}
    by_guid: dict[str, tuple[int, int, int, int, int]] = {}
    for selection in refi.selections:
        if not selection.codings:
            report.uncoded_selections += 1
            continue
        for coding in selection.codings:
            key = (
                doc_ids[selection.source_guid],
                coder_ids[coding.user_guid or selection.user_guid],
                code_ids[coding.code_guid],
                selection.start,
                selection.end,
            )
            if key not in rows:
                rows[key] = Coding(
                    document_id=key[0], coder_id=key[1], code_id=key[2], start=key[3], end=key[4]
                )
            by_guid[coding.guid] = key
            by_guid.setdefault(selection.guid, key)
    session.add_all(rows.values())
    session.flush()
    for row in rows.values():
        record(session, actor, "apply", "coding", row.id, None, coding_snapshot(row))
    report.codings = len(rows)
    if report.uncoded_selections:
        report.warnings.append(
            f"{report.uncoded_selections} selection(s) without codes left out (coder keeps codings)"
        )
    return {guid: rows[key].id for guid, key in by_guid.items()}


def _import_notes(
    session: Session,
    refi: RefiProject,
    doc_ids: dict[str, int],
    code_ids: dict[str, int],
    coder_ids: dict[str | None, int],
    coding_ids: dict[str, int],
    actor: str,
    report: RefiImportReport,
) -> None:
    selection_source = {s.guid: s.source_guid for s in refi.selections}
    for note in refi.notes:
        target: dict[str, int] = {}
        guid = note.target_guid or ""
        if note.target in (NoteTarget.CODING, NoteTarget.SELECTION) and guid in coding_ids:
            target = {"coding_id": coding_ids[guid]}
        elif note.target is NoteTarget.SELECTION and guid in selection_source:
            target = {"document_id": doc_ids[selection_source[guid]]}
        elif note.target is NoteTarget.SOURCE and guid in doc_ids:
            target = {"document_id": doc_ids[guid]}
        elif note.target is NoteTarget.CODE and guid in code_ids:
            target = {"code_id": code_ids[guid]}
        elif note.target is not NoteTarget.PROJECT:
            report.warnings.append(
                f"note {note.name or note.guid} was on a {note.target} coder does not keep:"
                " it is a project memo now"
            )
        row = Memo(author_id=coder_ids.get(note.user_guid), text=note.text, **target)
        session.add(row)
        session.flush()
        record(session, actor, "create", "memo", row.id, None, {"text": note.text, **target})
        report.memos += 1


def import_refi_codebook(
    store: Store, path: str | os.PathLike[str], *, actor: str
) -> RefiCodebookImportReport:
    """Add a ``.qdc`` codebook's codes to the project (matched by path; nothing deleted)."""
    document = read_qdc_document(Path(path))
    result = import_codebook(store, document.codebook, actor=actor)
    return RefiCodebookImportReport(
        codebook=result, origin=document.origin, warnings=list(document.warnings)
    )
