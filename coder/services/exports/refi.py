"""REFI-QDA exchange: whole projects (``.qdpx``) and codebooks (``.qdc``) in and out.

Importing a project fills a new or empty project in one transaction: a file that cannot be
read, or fails half-way, leaves the project exactly as it was. Every coding keeps the user
who made it as its coder, so a project coded in NVivo, ATLAS.ti, MAXQDA, QualCoder or
Taguette can have its inter-coder agreement computed here.

Exported GUIDs are derived (uuid5) from the project's creation time and each row's id, so
exporting the same project twice gives the same file.
"""

from __future__ import annotations

import os
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coder.db.audit import record
from coder.db.engine import Store
from coder.db.models import (
    Code,
    Coder,
    Coding,
    Document,
    DocumentAttribute,
    Memo,
    ProjectSettings,
)
from coder.domain.codebook import Codebook, CodeDef, CodePath
from coder.domain.documents import AttributeValue, DocumentDraft
from coder.errors import ConflictError, InputError
from coder.io.refi import (
    NoteTarget,
    RefiCoding,
    RefiNote,
    RefiProject,
    RefiSelection,
    RefiSource,
    RefiUser,
    read_qdc_document,
    read_qdpx,
    write_qdc,
    write_qdpx,
)
from coder.io.refi._xml import COD_GUID_NAMESPACE, derived_guid
from coder.services.codebook.codes import (
    CodebookImportReport,
    CodeTree,
    _import_code,
    export_codebook,
    import_codebook,
    list_codes,
)
from coder.services.coding.codings import coding_snapshot
from coder.services.documents.corpus import ImportReport, decode_attribute, store_draft
from coder.services.project.coders import get_or_create_coder

#: Coder given codings whose file names no user at all.
UNKNOWN_CODER = "imported"


@dataclass
class RefiImportReport:
    """What a ``.qdpx`` import did."""

    origin: str
    position_unit: str
    documents: list[str] = field(default_factory=list)
    codes_added: list[str] = field(default_factory=list)
    coders: list[str] = field(default_factory=list)
    codings: int = 0
    memos: int = 0
    uncoded_selections: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class RefiExportReport:
    """What a ``.qdpx`` export wrote."""

    path: Path
    documents: int = 0
    codes: int = 0
    coders: int = 0
    codings: int = 0
    memos: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class RefiCodebookImportReport:
    """What a ``.qdc`` import did, with what the file held that ``coder`` cannot keep."""

    codebook: CodebookImportReport
    origin: str
    warnings: list[str] = field(default_factory=list)


# -- import ---------------------------------------------------------------------------------


def import_refi_project(
    store: Store, path: str | os.PathLike[str], *, actor: str
) -> RefiImportReport:
    """Fill an empty project from a ``.qdpx`` archive, in one transaction.

    Refuses (:class:`ConflictError`) a project that already has documents or codings, and
    (:class:`InputError`) any unsafe or inconsistent archive, before writing anything.
    """
    from coder.services.project.lifecycle import get_settings
    from coder.text import load_pipeline, segment_many

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
        _import_code(session, tree, code, None, position, actor, book_report)
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


# -- export ---------------------------------------------------------------------------------


def _namespace(session: Session) -> uuid.UUID:
    settings = session.scalars(select(ProjectSettings)).one()
    return uuid.uuid5(COD_GUID_NAMESPACE, f"project:{settings.created_at.isoformat()}")


def build_refi_project(store: Store) -> tuple[RefiProject, list[str]]:
    """The project as a :class:`RefiProject` (latest document versions; active codes and any
    code that has codings), with what could not be exported as warnings."""
    warnings: list[str] = []
    with store.read() as session:
        ns = _namespace(session)
        name = session.scalars(select(ProjectSettings.name)).one()

        def guid(key: str) -> str:
            return derived_guid(ns, key)

        coders = list(session.scalars(select(Coder).order_by(Coder.id)))
        user_guid = {c.id: guid(f"user:{c.id}") for c in coders}
        newer = select(Document.previous_id).where(Document.previous_id.is_not(None))
        docs = list(
            session.scalars(select(Document).where(Document.id.not_in(newer)).order_by(Document.id))
        )
        doc_guid = {d.id: guid(f"source:{d.id}") for d in docs}
        attributes: dict[int, dict[str, AttributeValue]] = defaultdict(dict)
        for attr in session.scalars(select(DocumentAttribute).order_by(DocumentAttribute.id)):
            attributes[attr.document_id][attr.key] = decode_attribute(attr.value_type, attr.value)
        codings = [
            c
            for c in session.scalars(
                select(Coding).order_by(Coding.document_id, Coding.start, Coding.end, Coding.id)
            )
            if c.document_id in doc_guid
        ]
        tree = CodeTree.load(session)
        codebook, code_guid = _codebook(tree, {c.code_id for c in codings}, guid, warnings)
        memos = list(session.scalars(select(Memo).order_by(Memo.id)))
        sources = []
        coding_guid: dict[int, str] = {}
        for doc in docs:
            selections: dict[tuple[int, int], RefiSelection] = {}
            for c in (c for c in codings if c.document_id == doc.id):
                sel = selections.get((c.start, c.end))
                if sel is None:
                    sel = selections[(c.start, c.end)] = RefiSelection(
                        guid=guid(f"selection:{doc.id}:{c.start}:{c.end}"),
                        source_guid=doc_guid[doc.id],
                        start=c.start,
                        end=c.end,
                        user_guid=user_guid[c.coder_id],
                    )
                coding_guid[c.id] = guid(f"coding:{c.id}")
                sel.codings.append(
                    RefiCoding(coding_guid[c.id], code_guid[c.code_id], user_guid[c.coder_id])
                )
            sources.append(
                RefiSource(
                    guid=doc_guid[doc.id],
                    name=doc.name,
                    text=doc.text,
                    attributes=attributes.get(doc.id, {}),
                    selections=list(selections.values()),
                )
            )
        notes = []
        for memo in memos:
            target, target_guid = _memo_target(memo, doc_guid, code_guid, coding_guid)
            if target is None:
                warnings.append(f"memo {memo.id} is on a superseded document version: not exported")
                continue
            notes.append(
                RefiNote(
                    guid=guid(f"note:{memo.id}"),
                    text=memo.text,
                    user_guid=user_guid.get(memo.author_id) if memo.author_id else None,
                    target=target,
                    target_guid=target_guid,
                )
            )
        total = session.scalar(select(func.count()).select_from(Coding)) or 0
        if total > len(codings):
            warnings.append(
                f"{total - len(codings)} coding(s) on superseded document versions not exported"
            )
        project = RefiProject(
            name=name,
            codebook=codebook,
            code_guids={g: tree.path(i) for i, g in code_guid.items()},
            users=[RefiUser(user_guid[c.id], c.name) for c in coders],
            sources=sources,
            notes=notes,
            origin="coder",
        )
    return project, warnings


def _codebook(
    tree: CodeTree, coded: set[int], make_guid: Callable[[str], str], warnings: list[str]
) -> tuple[Codebook, dict[int, str]]:
    """Active codes plus any code with codings (and its ancestors), as a Codebook."""
    wanted: set[int] = set()
    for row in tree.walk():
        if row.status == "active" or row.id in coded:
            current: int | None = row.id
            while current is not None and current not in wanted:
                wanted.add(current)
                current = tree.rows[current].parent_id
    nodes: dict[int, CodeDef] = {}
    roots: list[CodeDef] = []
    code_guid: dict[int, str] = {}
    by_path: dict[CodePath, str] = {}
    for row in tree.walk():
        if row.id not in wanted:
            continue
        path = tree.path(row.id)
        if path in by_path:
            # Two private codes of the same name under one parent: one code in the file.
            code_guid[row.id] = by_path[path]
            warnings.append(f"codes named {str(path)!r} are exported as one code")
            continue
        code_guid[row.id] = by_path[path] = make_guid(f"code:{row.id}")
        node = _code_def(row)
        nodes[row.id] = node
        if row.parent_id is not None and row.parent_id in nodes:
            nodes[row.parent_id].children.append(node)
        else:
            roots.append(node)
    return Codebook(codes=roots), code_guid


def _code_def(row: Code) -> CodeDef:
    return CodeDef(
        name=row.name,
        definition=row.definition,
        inclusion=row.inclusion,
        exclusion=row.exclusion,
        example=row.example,
        colour=row.colour,
        keywords=list(row.keywords or []),
    )


def _memo_target(
    memo: Memo,
    doc_guid: dict[int, str],
    code_guid: dict[int, str],
    coding_guid: dict[int, str],
) -> tuple[NoteTarget | None, str | None]:
    if memo.coding_id is not None:
        found = coding_guid.get(memo.coding_id)
        return (NoteTarget.CODING, found) if found else (None, None)
    if memo.document_id is not None:
        found = doc_guid.get(memo.document_id)
        return (NoteTarget.SOURCE, found) if found else (None, None)
    if memo.code_id is not None:
        found = code_guid.get(memo.code_id)
        return (NoteTarget.CODE, found) if found else (NoteTarget.PROJECT, None)
    return NoteTarget.PROJECT, None


def export_refi_project(store: Store, path: str | os.PathLike[str]) -> RefiExportReport:
    """Write the project as a schema-valid ``.qdpx`` archive."""
    project, warnings = build_refi_project(store)
    target = Path(path)
    write_qdpx(project, target)
    return RefiExportReport(
        path=target,
        documents=len(project.sources),
        codes=len(project.code_guids),
        coders=len(project.users),
        codings=sum(len(s.codings) for s in project.selections),
        memos=len(project.notes),
        warnings=warnings,
    )


def export_refi_codebook(store: Store, path: str | os.PathLike[str]) -> int:
    """Write the project's shared active codes as a ``.qdc``; returns how many codes."""
    codebook = export_codebook(store)
    if not len(codebook):
        raise InputError(str(path), "the project has no codes to export")
    with store.read() as session:
        ns = _namespace(session)
    ids = {v.path: v.id for v in list_codes(store) if v.owner is None}
    guids = {p: derived_guid(ns, f"code:{ids[p]}") for p, _ in codebook.walk()}
    write_qdc(codebook, Path(path), guids)
    return len(codebook)
