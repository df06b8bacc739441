"""REFI-QDA export: the project as a ``.qdpx`` archive, its codebook as a ``.qdc``.

Documents, codes and document sets imported from a REFI-QDA file keep the GUID they had there;
other GUIDs are derived (uuid5) from the project's creation time and each row's id, so
exporting the same project twice gives the same file. Codes that are not codable (folders)
are written ``isCodable="false"``; the project's name is the file's.
"""

from __future__ import annotations

import os
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coder.db.engine import Store
from coder.db.models import (
    Code,
    Coder,
    Coding,
    Document,
    DocumentAttribute,
    DocumentSet,
    DocumentSetMember,
    Memo,
    ProjectSettings,
)
from coder.domain.codebook import Codebook, CodeDef, CodePath, code_fields
from coder.domain.documents import AttributeValue
from coder.domain.exports import RefiExportReport
from coder.errors import ConflictError, InputError
from coder.io.refi import (
    COD_GUID_NAMESPACE,
    NoteTarget,
    RefiCoding,
    RefiNote,
    RefiProject,
    RefiSelection,
    RefiSet,
    RefiSource,
    RefiUser,
    canonical_guid,
    derived_guid,
    write_qdc,
    write_qdpx,
)
from coder.services.codebook.codes import CodeTree, export_codebook, list_codes
from coder.services.documents.corpus import decode_attribute


def _namespace(session: Session) -> uuid.UUID:
    settings = session.scalars(select(ProjectSettings)).one()
    return uuid.uuid5(COD_GUID_NAMESPACE, f"project:{settings.created_at.isoformat()}")


class _Guids:
    """GUIDs for exported rows: the one a row kept from its REFI-QDA file when it is a real
    GUID not given out yet, else one derived from the row's kind and id."""

    def __init__(self, namespace: uuid.UUID) -> None:
        self.namespace = namespace
        self.used: set[str] = set()

    def __call__(self, key: str, kept: str | None = None) -> str:
        guid = canonical_guid(kept)
        if guid is None or guid in self.used:
            guid = derived_guid(self.namespace, key)
        self.used.add(guid)
        return guid


def build_refi_project(store: Store) -> tuple[RefiProject, list[str]]:
    """The project as a :class:`RefiProject` (latest document versions; active codes and any
    code that has codings), with what could not be exported as warnings."""
    warnings: list[str] = []
    with store.read() as session:
        name = session.scalars(select(ProjectSettings.name)).one()
        guid = _Guids(_namespace(session))

        coders = list(session.scalars(select(Coder).order_by(Coder.id)))
        user_guid = {c.id: guid(f"user:{c.id}") for c in coders}
        newer = select(Document.previous_id).where(Document.previous_id.is_not(None))
        docs = list(
            session.scalars(select(Document).where(Document.id.not_in(newer)).order_by(Document.id))
        )
        doc_guid = {d.id: guid(f"source:{d.id}", d.guid) for d in docs}
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
        unplaced = sorted({c.code_id for c in codings} - code_guid.keys())
        if unplaced:  # only a project changed by hand: coder never puts a code under itself
            raise ConflictError(
                f"code id(s) {', '.join(map(str, unplaced[:5]))} have codings but no place in"
                " the code tree (a cycle of parents?); 'coder check' says what to repair"
            )
        memos = list(session.scalars(select(Memo).order_by(Memo.id)))
        sources = []
        coding_guid: dict[int, str] = {}
        # Grouped once: looking each document's codings up in the whole list made the export
        # of 10,000 documents and 1,000,000 codings 10^10 comparisons.
        by_document: dict[int, list[Coding]] = defaultdict(list)
        for c in codings:
            by_document[c.document_id].append(c)
        for doc in docs:
            selections: dict[tuple[int, int], RefiSelection] = {}
            for c in by_document.get(doc.id, ()):
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
            sets=_document_sets(session, doc_guid, guid),
            not_codable={g for i, g in code_guid.items() if not tree.rows[i].codable},
            origin="coder",
        )
    return project, warnings


def _document_sets(
    session: Session, doc_guid: dict[int, str], make_guid: Callable[[str, str | None], str]
) -> list[RefiSet]:
    """Document sets with their exported members; a superseded version stands for its latest."""
    newer = dict(
        session.execute(
            select(Document.previous_id, Document.id).where(Document.previous_id.is_not(None))
        ).all()
    )
    members: dict[int, list[str]] = defaultdict(list)
    for set_id, document_id in session.execute(
        select(DocumentSetMember.set_id, DocumentSetMember.document_id).order_by(
            DocumentSetMember.set_id, DocumentSetMember.document_id
        )
    ):
        seen: set[int] = set()
        while document_id in newer and document_id not in seen:
            seen.add(document_id)
            document_id = newer[document_id]
        if document_id in doc_guid and doc_guid[document_id] not in members[set_id]:
            members[set_id].append(doc_guid[document_id])
    return [
        RefiSet(
            guid=make_guid(f"set:{row.id}", row.guid),
            name=row.name,
            description=row.description,
            member_source_guids=tuple(members[row.id]),
        )
        for row in session.scalars(select(DocumentSet).order_by(DocumentSet.id))
    ]


def _codebook(
    tree: CodeTree,
    coded: set[int],
    make_guid: Callable[[str, str | None], str],
    warnings: list[str],
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
        code_guid[row.id] = by_path[path] = make_guid(f"code:{row.id}", row.guid)
        node = _code_def(row)
        nodes[row.id] = node
        if row.parent_id is not None and row.parent_id in nodes:
            nodes[row.parent_id].children.append(node)
        else:
            roots.append(node)
    return Codebook(codes=roots), code_guid


def _code_def(row: Code) -> CodeDef:
    return CodeDef(name=row.name, **code_fields(row))


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
    ids = {v.path: v.id for v in list_codes(store) if v.owner is None}
    with store.read() as session:
        guid = _Guids(_namespace(session))
        rows = {r.id: r for r in session.scalars(select(Code).where(Code.id.in_(ids.values())))}
    guids = {p: guid(f"code:{ids[p]}", rows[ids[p]].guid) for p, _ in codebook.walk()}
    not_codable = {guids[p] for p, _ in codebook.walk() if not rows[ids[p]].codable}
    write_qdc(codebook, Path(path), guids, not_codable)
    return len(codebook)
