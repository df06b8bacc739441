"""REFI-QDA import: whole projects (``.qdpx``, or a bare ``.qde``) and codebooks (``.qdc``).

Importing a project fills a new or empty project in one transaction: a file that cannot be
read, or fails half-way, leaves the project exactly as it was. Every coding keeps the user
who made it as its coder, so a project coded in NVivo, ATLAS.ti, MAXQDA, QualCoder or
Taguette can have its inter-coder agreement computed here. Every source becomes a document of
its own, even when two have the same text (two respondents who both answered "No"); the
project's name, the GUIDs of sources, codes and document sets, and which codes are not
codable are kept, so an export gives them back.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coder.db.audit import record
from coder.db.engine import Store
from coder.db.models import (
    Code,
    Coding,
    Document,
    DocumentSet,
    DocumentSetMember,
    Memo,
    ProjectSettings,
)
from coder.domain.codebook import Codebook, CodebookImportReport, CodePath
from coder.domain.documents import DocumentDraft, ImportReport, Unit
from coder.domain.exports import RefiCodebookImportReport, RefiImportReport
from coder.errors import ConflictError
from coder.io.refi import (
    NoteTarget,
    RefiProject,
    canonical_guid,
    read_qdc_document,
    read_qdpx,
)
from coder.services.codebook.codes import CodeTree, import_code
from coder.services.coding.codings import coding_snapshot
from coder.services.documents.corpus import store_draft
from coder.services.project.coders import get_or_create_coder
from coder.services.project.lifecycle import get_settings
from coder.text import load_pipeline, segment_many

#: Coder given codings whose file names no user at all.
UNKNOWN_CODER = "imported"


def import_refi_project(
    store: Store, path: str | os.PathLike[str], *, actor: str, speakers: str = "auto"
) -> RefiImportReport:
    """Fill an empty project from a ``.qdpx`` archive (or a bare ``.qde``), in one transaction.

    Refuses (:class:`ConflictError`) a project that already has documents or codings, and
    (:class:`InputError`) any unsafe or inconsistent archive, before writing anything.
    Speaker turns are found in the sources' texts as in any text import (``speakers``).
    """
    archive = Path(path)
    refi = read_qdpx(archive, speakers=speakers)
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
    names = _document_names(refi, report)
    drafts = [
        DocumentDraft(
            name=name,
            text=source.text,
            source_format=archive.suffix.lower().removeprefix(".") or "qdpx",
            source_path=f"{archive.name}:{source.text_path or 'project.qde'}",
            attributes=dict(source.attributes),
            turns=list(source.turns),
        )
        for source, name in zip(refi.sources, names, strict=True)
    ]
    units = segment_many(
        [d.text for d in drafts],
        nlp=load_pipeline(get_settings(store).spacy_model),
        turns=[d.turns for d in drafts],
    )
    with store.write() as session:
        doc_ids = _store_documents(session, refi, drafts, units, actor, report)
        code_ids = _import_codes(session, refi, actor, report)
        coder_ids = _import_coders(session, refi, actor, report)
        coding_ids = _import_codings(session, refi, doc_ids, code_ids, coder_ids, actor, report)
        _import_notes(session, refi, doc_ids, code_ids, coder_ids, coding_ids, actor, report)
        sets = _import_document_sets(session, refi, doc_ids, actor, report)
        _keep_project_name(session, refi, actor)
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
                "document sets": sets,
            },
        )
    return report


def _unique_name(name: str, taken: set[str], limit: int) -> str:
    """``name``, or ``name (2)``, ``name (3)``... when it is taken (ignoring case); taken then."""
    base = name[: limit - 8]
    candidate, n = name[:limit], 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{base} ({n})"
    taken.add(candidate.casefold())
    return candidate


def _document_names(refi: RefiProject, report: RefiImportReport) -> list[str]:
    """A distinct document name per source: a repeated name gets `` (2)``, with a warning.

    Sources are never merged, not even when their texts are equal: two respondents may give
    the same answer, and each keeps their attributes and codings.
    """
    taken: set[str] = set()
    names = []
    for source in refi.sources:
        name = _unique_name(source.name, taken, 300)
        if name != source.name:
            report.warnings.append(
                f"two sources are named {source.name!r}: the later one is document {name!r}"
            )
        names.append(name)
    return names


def _store_documents(
    session: Session,
    refi: RefiProject,
    drafts: list[DocumentDraft],
    units: list[list[Unit]],
    actor: str,
    report: RefiImportReport,
) -> dict[str, int]:
    """Store one document per source, keeping its GUID; returns source GUID -> document id."""
    doc_report = ImportReport()
    doc_ids: dict[str, int] = {}
    for source, draft, doc_units in zip(refi.sources, drafts, units, strict=True):
        store_draft(session, draft, doc_units, actor=actor, report=doc_report)
        row = session.scalars(
            select(Document).where(Document.name == draft.name).order_by(Document.version.desc())
        ).first()
        if row is None or row.id in doc_ids.values():
            reason = doc_report.skipped[-1] if doc_report.skipped else "it was not stored"
            raise ConflictError(f"source {source.name!r} could not be kept as a document: {reason}")
        row.guid = canonical_guid(source.guid)
        doc_ids[source.guid] = row.id
    report.documents = doc_report.imported
    return doc_ids


def _import_codes(
    session: Session, refi: RefiProject, actor: str, report: RefiImportReport
) -> dict[str, int]:
    tree = CodeTree.load(session)
    added = import_book(session, tree, refi.codebook, refi.code_guids, refi.not_codable, actor)
    report.codes_added = added.added
    out: dict[str, int] = {}
    for guid, path in refi.code_guids.items():
        row = tree.find(path)
        assert row is not None, path  # every path of the book was just imported
        out[guid] = row.id
    return out


def import_book(
    session: Session,
    tree: CodeTree,
    codebook: Codebook,
    code_guids: Mapping[str, CodePath],
    not_codable: Collection[str],
    actor: str,
) -> CodebookImportReport:
    """Add a REFI-QDA codebook's codes in the caller's transaction (matched by path, as every
    codebook import does), keeping each code's GUID (where the code has none yet) and, for a
    new code, whether it is codable."""
    book_report = CodebookImportReport()
    for position, code in enumerate(codebook.codes):
        import_code(session, tree, code, None, position, actor, book_report)
    added = set(book_report.added)
    used = set(session.scalars(select(Code.guid).where(Code.guid.is_not(None))))
    for file_guid, path in code_guids.items():
        row = tree.find(path)
        assert row is not None, path  # every path of the book was just imported
        guid = canonical_guid(file_guid)
        if row.guid is None and guid is not None and guid not in used:
            row.guid = guid
            used.add(guid)
        if file_guid in not_codable and str(path) in added:
            row.codable = False
    return book_report


def _import_document_sets(
    session: Session,
    refi: RefiProject,
    doc_ids: dict[str, int],
    actor: str,
    report: RefiImportReport,
) -> int:
    """Store the file's document sets (MAXQDA's document groups, NVivo's sets); returns how
    many. Code groups have no place in ``coder`` (the reader warned about them)."""
    taken = {n.casefold() for n in session.scalars(select(DocumentSet.name))}
    count = 0
    for refi_set in refi.sets:
        if not refi_set.is_document_set:
            continue
        name = _unique_name(refi_set.name or "set", taken, 200)
        if name != refi_set.name:
            report.warnings.append(f"set {refi_set.name!r} is imported as {name!r}")
        members = list(
            dict.fromkeys(doc_ids[g] for g in refi_set.member_source_guids if g in doc_ids)
        )
        row = DocumentSet(
            name=name, description=refi_set.description, guid=canonical_guid(refi_set.guid)
        )
        session.add(row)
        session.flush()
        session.add_all(DocumentSetMember(set_id=row.id, document_id=d) for d in members)
        record(
            session,
            actor,
            "create",
            "document_set",
            row.id,
            None,
            {"name": name, "description": row.description, "documents": members},
        )
        count += 1
    return count


def _keep_project_name(session: Session, refi: RefiProject, actor: str) -> None:
    """The project takes the name the file gives it, so an export gives the name back."""
    settings = session.scalars(select(ProjectSettings)).one()
    name = " ".join(refi.name.split())[:200]
    if name and name != settings.name:
        before = {"name": settings.name}
        settings.name = name
        record(session, actor, "update", "project", 1, before, {"name": name})


def _import_coders(
    session: Session, refi: RefiProject, actor: str, report: RefiImportReport
) -> dict[str | None, int]:
    """User GUID -> coder id for every user of the file (None: codings that name no user)."""
    names = refi.user_names()
    used: set[str | None] = (
        {c.user_guid or s.user_guid for s in refi.selections for c in s.codings}
        | {n.user_guid for n in refi.notes if n.user_guid is not None}
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
    """Add a ``.qdc`` codebook's codes to the project (matched by path; nothing deleted), with
    their GUIDs and codability, in one transaction."""
    document = read_qdc_document(Path(path))
    with store.write() as session:
        tree = CodeTree.load(session)
        result = import_book(
            session, tree, document.codebook, document.code_guids, document.not_codable, actor
        )
    return RefiCodebookImportReport(
        codebook=result, origin=document.origin, warnings=list(document.warnings)
    )
