"""Correcting documents after import: rename, remove, attributes, versions; each one undoable.

Every action here runs inside :func:`coder.db.audit.recorded` and changes rows through the ORM
only, so its audit entry holds every row it created, changed or deleted and ``undo`` puts the
project back exactly (same ids, same timestamps). What a foreign key's ON DELETE would do on
its own (a removed document's codings, memos, units...) is done here, row by row, for the same
reason.

A name stands for a document with all its versions: renaming renames them all, removing
removes them all (``version`` removes one). The current version is the one with the highest
number (the one with no newer version pointing at it); :func:`make_current` moves an older
version to the top, so its id, and with it its codings, memos and units, stay as they are.

These are the lead's actions. On a PostgreSQL server a coder's own login may not change
documents: the server refuses, and :mod:`coder.services.failures` says so in one line.
Document sets are in :mod:`coder.services.documents.sets`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from coder.db.audit import recorded
from coder.db.engine import Store
from coder.db.models import (
    Coding,
    ConsensusSource,
    Document,
    DocumentAttribute,
    DocumentSetMember,
    DocumentStatus,
    Memo,
    ReconcileDecision,
    Unit,
)
from coder.domain.document_admin import (
    DocumentChange,
    DocumentRemoval,
    SheetReport,
    VersionSummary,
)
from coder.domain.documents import AttributeValue
from coder.errors import ConflictError, InputError, NotFoundError
from coder.services.documents.attributes import (
    attributes_by_document,
    encode_attribute,
    key_types,
    typed_attribute,
)
from coder.services.documents.corpus import read_document_file
from coder.services.documents.reading import document_summary, require_document
from coder.services.project.coders import find_coder


def acting(session: Session, actor: str) -> str:
    """The name the audit log gives the actor (a coder's as spelled when added), as undo
    looks it up."""
    coder = find_coder(session, actor)
    return coder.name if coder is not None else actor


def versions_of(session: Session, name: str, version: int | None = None) -> list[Document]:
    """The named document's versions (or the one asked for), oldest first."""
    require_document(session, name, version)
    query = select(Document).where(Document.name == name).options(selectinload(Document.attributes))
    if version is not None:
        query = query.where(Document.version == version)
    return list(session.scalars(query.order_by(Document.version)))


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or "\n" in name or len(name) > 300:
        raise InputError(repr(name[:40]), "a document name is one line of 1 to 300 characters")
    return name


def rename_document(store: Store, *, actor: str, name: str, new_name: str) -> DocumentChange:
    """Give a document (all its versions) a new name no other document has."""
    new_name = _check_name(new_name)
    with store.write() as session:
        docs = versions_of(session, name)
        current = docs[-1]
        if new_name == name:
            return DocumentChange(f"{name!r} already has that name", current.id)
        taken = session.scalar(select(func.count()).where(Document.name == new_name))
        if taken:
            raise ConflictError(f"a document named {new_name!r} already exists")
        with recorded(session, acting(session, actor), "rename", "document", current.id) as act:
            act.info = {
                "description": f"renamed document {name!r} to {new_name!r}",
                "document_id": current.id,
            }
            for doc in docs:
                doc.name = new_name
        return DocumentChange(act.info["description"], current.id)


def _removal(session: Session, name: str, docs: Sequence[Document]) -> DocumentRemoval:
    ids = [d.id for d in docs]
    codings = session.execute(
        select(func.count(), func.count(func.distinct(Coding.coder_id))).where(
            Coding.document_id.in_(ids)
        )
    ).one()
    coding_ids = select(Coding.id).where(Coding.document_id.in_(ids))
    memos = session.scalar(
        select(func.count()).where(or_(Memo.document_id.in_(ids), Memo.coding_id.in_(coding_ids)))
    )
    decisions = session.scalar(select(func.count()).where(ReconcileDecision.document_id.in_(ids)))
    return DocumentRemoval(
        name=name,
        versions=tuple(d.version for d in docs),
        codings=codings[0],
        coders=codings[1],
        memos=memos or 0,
        decisions=decisions or 0,
    )


def removal_preview(store: Store, name: str, version: int | None = None) -> DocumentRemoval:
    """What removing the document (or one version of it) would take with it."""
    with store.read() as session:
        return _removal(session, name, versions_of(session, name, version))


def remove_document(
    store: Store, *, actor: str, name: str, version: int | None = None
) -> DocumentRemoval:
    """Remove a document with every version (or only ``version``) and all that hangs on it:
    its codings (every coder's), memos, units, attributes, done marks, reconcile decisions and
    set memberships. Removing the current version makes the one before it current again."""
    with store.write() as session:
        docs = versions_of(session, name, version)
        removal = _removal(session, name, docs)
        with recorded(session, acting(session, actor), "remove", "document", docs[-1].id) as act:
            act.info = {"description": f"removed document {removal.what} with {removal.losses}"}
            _delete_documents(session, docs)
        return removal


def _delete_documents(session: Session, docs: Sequence[Document]) -> None:
    """Delete documents and their dependants through the ORM, children first."""
    ids = [d.id for d in docs]
    codings = list(session.scalars(select(Coding).where(Coding.document_id.in_(ids))))
    coding_ids = {c.id for c in codings}
    decisions = list(
        session.scalars(select(ReconcileDecision).where(ReconcileDecision.document_id.in_(ids)))
    )
    decision_ids = {d.id for d in decisions}
    for source in session.scalars(
        select(ConsensusSource).where(
            or_(
                ConsensusSource.coding_id.in_(coding_ids),
                ConsensusSource.source_coding_id.in_(coding_ids),
                ConsensusSource.decision_id.in_(decision_ids),
            )
        )
    ):
        if source.coding_id in coding_ids or source.decision_id in decision_ids:
            session.delete(source)
        else:
            source.source_coding_id = None
    for memo in session.scalars(
        select(Memo).where(or_(Memo.document_id.in_(ids), Memo.coding_id.in_(coding_ids)))
    ):
        session.delete(memo)
    session.flush()
    for row in (*codings, *decisions):
        session.delete(row)
    for model in (DocumentStatus, DocumentSetMember, Unit):
        for row in session.scalars(select(model).where(model.document_id.in_(ids))):
            session.delete(row)
    session.flush()
    for doc in docs:
        later = session.scalars(select(Document).where(Document.previous_id == doc.id)).first()
        if later is not None and later.id not in ids:
            later.previous_id = doc.previous_id  # the version before takes the removed one's place
    # Oldest first, one at a time: undo inserts them back in this order, each one's previous
    # version already there.
    for doc in docs:
        session.delete(doc)
        session.flush()


def _attribute_rows(session: Session, document_id: int) -> dict[str, DocumentAttribute]:
    rows = session.scalars(
        select(DocumentAttribute).where(DocumentAttribute.document_id == document_id)
    )
    return {row.key: row for row in rows}


def _check_key(key: str) -> str:
    key = key.strip()
    if not key or "\n" in key or len(key) > 100:
        raise InputError(repr(key[:40]), "an attribute name is one line of 1 to 100 characters")
    return key


def typed_values(session: Session, values: Mapping[str, str]) -> dict[str, AttributeValue]:
    """Values typed by a user, each as the type its key has in the project (text if new)."""
    checked = {_check_key(k): v for k, v in values.items()}
    types = key_types(session, checked)
    return {k: typed_attribute(k, v, types.get(k, "str")) for k, v in checked.items()}


def _write_attributes(
    session: Session,
    doc: Document,
    values: Mapping[str, AttributeValue],
    unset: Sequence[str] = (),
) -> list[str]:
    """Set and unset attributes of one document; what changed, as ``key=value`` and ``-key``."""
    rows = _attribute_rows(session, doc.id)
    changed = []
    for key, value in values.items():
        value_type, text = encode_attribute(value)
        row = rows.get(key)
        if row is None:
            session.add(
                DocumentAttribute(document_id=doc.id, key=key, value_type=value_type, value=text)
            )
        elif (row.value_type, row.value) == (value_type, text):
            continue
        else:
            row.value_type, row.value = value_type, text
        changed.append(f"{key}={text}")
    for key in unset:
        if key in rows:
            session.delete(rows[key])
            changed.append(f"-{key}")
    return changed


def edit_attributes(
    store: Store,
    *,
    actor: str,
    name: str,
    values: Mapping[str, str] | None = None,
    unset: Sequence[str] = (),
) -> DocumentChange:
    """Set attributes of a document's current version from text (typed as the key is typed
    in the project: ``year=2021`` is a number where years are numbers) and unset others."""
    with store.write() as session:
        doc = require_document(session, name)
        missing = [k for k in unset if k not in _attribute_rows(session, doc.id)]
        if missing:
            raise NotFoundError(f"{name!r} has no attribute {', '.join(map(repr, missing))}")
        typed = typed_values(session, values or {})
        with recorded(session, acting(session, actor), "attributes", "document", doc.id) as act:
            changed = _write_attributes(session, doc, typed, unset)
            act.info = {
                "description": f"changed the attributes of {name!r}: {', '.join(changed)}",
                "document_id": doc.id,
            }
        if not changed:
            return DocumentChange(f"the attributes of {name!r} are as they were", doc.id)
        return DocumentChange(act.info["description"], doc.id)


def attributes_from_sheet(
    store: Store, *, actor: str, path: Path, key_column: str = "name"
) -> SheetReport:
    """Set attributes from a CSV/XLSX sheet: one row per document, named in ``key_column``,
    the other columns its attributes, typed per column as an import types them. An empty cell
    leaves the attribute as it is. Names the project does not have refuse the whole sheet."""
    drafts, warnings = read_document_file(path, text_column=key_column)
    rows: dict[str, dict[str, AttributeValue]] = {}
    for draft in drafts:
        name = draft.text.strip()
        if name in rows:
            raise InputError(str(path), f"document {name!r} is in more than one row")
        rows[name] = draft.attributes
    report = SheetReport(warnings=list(warnings))
    with store.write() as session:
        known = set(session.scalars(select(Document.name).where(Document.name.in_(rows))))
        unknown = [name for name in rows if name not in known]
        if unknown:
            raise InputError(
                str(path),
                f"no document named {', '.join(map(repr, unknown))} in the project;"
                " nothing was changed",
            )
        with recorded(session, acting(session, actor), "attributes", "document") as act:
            for name, values in rows.items():
                changed = _write_attributes(session, require_document(session, name), values)
                if changed:
                    report.documents.append(name)
                    report.values += len(changed)
            act.info = {
                "description": f"set {report.values} attribute value(s) of "
                f"{len(report.documents)} document(s) from {path.name}"
            }
    return report


def document_versions(store: Store, name: str) -> list[VersionSummary]:
    """Every version of a document, oldest first, with its codings; the last is current."""
    with store.read() as session:
        docs = versions_of(session, name)
        ids = [d.id for d in docs]
        attrs = attributes_by_document(session, ids)
        codings = dict(
            session.execute(
                select(Coding.document_id, func.count())
                .where(Coding.document_id.in_(ids))
                .group_by(Coding.document_id)
            ).all()
        )
        units = session.execute(
            select(Unit.document_id, Unit.kind, func.count())
            .where(Unit.document_id.in_(ids))
            .group_by(Unit.document_id, Unit.kind)
        ).all()
        counts: dict[int, dict[str, int]] = {i: {} for i in ids}
        for doc_id, kind, count in units:
            counts[doc_id][kind] = count
        return [
            VersionSummary(
                summary=document_summary(
                    d, attributes=attrs.get(d.id, {}), unit_counts=counts[d.id]
                ),
                codings=codings.get(d.id, 0),
                current=d is docs[-1],
            )
            for d in docs
        ]


def make_current(store: Store, *, actor: str, name: str, version: int) -> DocumentChange:
    """Make an older version the one shown, with its codings, memos and units.

    The version moves to the top: it takes the next number (version 1 of 2 becomes version
    3) and the versions' chain is relinked around it. Its id stays, so everything that hangs
    on it comes with it; the version that was current keeps its own codings, hidden.
    """
    with store.write() as session:
        docs = versions_of(session, name)
        chosen = next((d for d in docs if d.version == version), None)
        if chosen is None:
            raise NotFoundError(f"document {name!r} has no version {version}")
        top = docs[-1]
        if chosen is top:
            return DocumentChange(f"version {version} of {name!r} is already current", top.id)
        with recorded(session, acting(session, actor), "current", "document", chosen.id) as act:
            for later in docs:
                if later.previous_id == chosen.id:
                    later.previous_id = chosen.previous_id
            chosen.previous_id = top.id
            chosen.version = top.version + 1
            act.info = {
                "description": f"made version {version} of {name!r} current again "
                f"(now version {chosen.version})",
                "document_id": chosen.id,
            }
        return DocumentChange(act.info["description"], chosen.id)
