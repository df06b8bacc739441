"""Document sets (REFI-QDA ``Sets``, NVivo's and MAXQDA's document sets): named groups of
documents to filter by, each change undoable.

A document belongs to a set with all its versions, and a new version joins the sets of the
version it replaces (:func:`coder.services.documents.corpus.store_draft`), so filtering the
current versions by set always finds it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from coder.db.audit import recorded
from coder.db.engine import Store
from coder.db.models import Document, DocumentSet, DocumentSetMember
from coder.domain.document_admin import DocumentSetSummary
from coder.errors import ConflictError, InputError, NotFoundError
from coder.services.documents.manage import acting
from coder.services.documents.reading import latest_documents


def _require_set(session: Session, name: str) -> DocumentSet:
    row = session.scalars(select(DocumentSet).where(DocumentSet.name == name)).first()
    if row is None:
        raise NotFoundError(f"unknown document set {name!r} (see 'coder docs sets list')")
    return row


def _document_ids(session: Session, names: Sequence[str]) -> dict[str, list[int]]:
    """The ids of every version of each named document; unknown names refuse them all."""
    ids: dict[str, list[int]] = {name: [] for name in names}
    for doc_id, name in session.execute(
        select(Document.id, Document.name).where(Document.name.in_(names))
    ):
        ids[name].append(doc_id)
    unknown = [name for name, found in ids.items() if not found]
    if unknown:
        raise NotFoundError(
            f"unknown document {', '.join(map(repr, unknown))} (see 'coder docs list')"
        )
    return ids


def list_sets(store: Store) -> list[DocumentSetSummary]:
    """Every document set with the names of its documents, by name."""
    with store.read() as session:
        members: dict[int, list[str]] = {}
        current = latest_documents(Document.id).subquery()
        for set_id, name in session.execute(
            select(DocumentSetMember.set_id, Document.name)
            .join(Document, Document.id == DocumentSetMember.document_id)
            .where(Document.id.in_(select(current.c.id)))
            .order_by(Document.name)
        ):
            members.setdefault(set_id, []).append(name)
        return [
            DocumentSetSummary(row.name, row.description, tuple(members.get(row.id, ())))
            for row in session.scalars(select(DocumentSet).order_by(DocumentSet.name))
        ]


def create_set(store: Store, *, actor: str, name: str, description: str = "") -> None:
    """A new, empty document set with a name no other set has."""
    name = name.strip()
    if not name or "\n" in name or len(name) > 200:
        raise InputError(repr(name[:40]), "a set name is one line of 1 to 200 characters")
    with store.write() as session:
        if session.scalars(select(DocumentSet.id).where(DocumentSet.name == name)).first():
            raise ConflictError(f"a document set named {name!r} already exists")
        with recorded(session, acting(session, actor), "create", "document_set") as act:
            row = DocumentSet(name=name, description=description.strip())
            session.add(row)
            session.flush()
            act.entity_id = row.id
            act.info = {"description": f"created document set {name!r}"}


def delete_set(store: Store, *, actor: str, name: str) -> int:
    """Delete a document set (its documents stay); how many documents it held."""
    with store.write() as session:
        row = _require_set(session, name)
        members = list(
            session.scalars(select(DocumentSetMember).where(DocumentSetMember.set_id == row.id))
        )
        with recorded(session, acting(session, actor), "delete", "document_set", row.id) as act:
            act.info = {"description": f"deleted document set {name!r}"}
            for member in members:
                session.delete(member)
            session.flush()
            session.delete(row)
        return len({m.document_id for m in members})


def add_to_set(store: Store, *, actor: str, name: str, documents: Sequence[str]) -> list[str]:
    """Put documents (every version of each) into a set; the names that were not in it."""
    with store.write() as session:
        row = _require_set(session, name)
        ids = _document_ids(session, documents)
        present = set(
            session.scalars(
                select(DocumentSetMember.document_id).where(DocumentSetMember.set_id == row.id)
            )
        )
        added = [doc for doc, versions in ids.items() if not present.issuperset(versions)]
        with recorded(session, acting(session, actor), "add", "document_set", row.id) as act:
            act.info = {"description": f"added {', '.join(added)} to document set {name!r}"}
            for versions in ids.values():
                for doc_id in versions:
                    if doc_id not in present:
                        session.add(DocumentSetMember(set_id=row.id, document_id=doc_id))
        return added


def remove_from_set(store: Store, *, actor: str, name: str, documents: Sequence[str]) -> list[str]:
    """Take documents out of a set (the documents stay); the names that were in it."""
    with store.write() as session:
        row = _require_set(session, name)
        ids = _document_ids(session, documents)
        wanted = {doc_id: doc for doc, versions in ids.items() for doc_id in versions}
        members = [
            m
            for m in session.scalars(
                select(DocumentSetMember).where(DocumentSetMember.set_id == row.id)
            )
            if m.document_id in wanted
        ]
        removed = sorted({wanted[m.document_id] for m in members})
        with recorded(session, acting(session, actor), "remove", "document_set", row.id) as act:
            act.info = {"description": f"took {', '.join(removed)} out of document set {name!r}"}
            for member in members:
                session.delete(member)
        return removed
