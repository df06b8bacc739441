"""What a coder does to the text, by id: apply a code, remove or adjust a coding, code inductively.

These are the functions the coding screen and ``coder serve`` call; each is one transaction and
one undoable audit entry (:mod:`coder.services.undo`). A coder only ever sees and changes their
own codings here, whether or not the project is blind.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coder.db.audit import recorded
from coder.db.engine import Store
from coder.db.models import Code, Coder, Coding, ConsensusSource, Document, Memo
from coder.domain.views import CodeView, CodingView
from coder.errors import ConflictError, InputError
from coder.services.codebook.codes import code_view
from coder.services.codebook.edit import add_code_in, visible_code
from coder.services.coding.rows import document_by_id, load_coding_view, own_coding
from coder.services.project.coders import require_coder


def _apply_in(
    session: Session, me: Coder, doc: Document, code: Code, start: int, end: int
) -> Coding:
    if not (0 <= start < end <= doc.length):
        raise InputError(f"{start}-{end}", f"span is outside document {doc.name!r}")
    if code.status != "active":
        raise ConflictError(f"code {code.name!r} is {code.status}; it cannot be applied")
    if not code.codable:
        raise ConflictError(
            f"code {code.name!r} is a folder (not codable); apply one of the codes inside it"
        )
    name = code.name
    row = Coding(document_id=doc.id, code_id=code.id, coder_id=me.id, start=start, end=end)
    # The savepoint opens before the row joins the session: opening it flushes what is pending,
    # and a duplicate must fail inside it, leaving the transaction usable for the error.
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise ConflictError(f"this text is already coded with {name!r}") from None
    return row


def apply_code(
    store: Store, *, coder: str, document_id: int, code_id: int, start: int, end: int
) -> CodingView:
    """Apply a code the coder can see to ``[start, end)`` of a document."""
    with store.write() as session:
        me = require_coder(session, coder)
        doc = document_by_id(session, document_id)
        code = visible_code(session, code_id, me)
        with recorded(session, me.name, "apply", "coding") as action:
            row = _apply_in(session, me, doc, code, start, end)
            action.entity_id = row.id
            action.info = {
                "description": f"applied {code.name} to {doc.name} ({start}-{end})",
                "document_id": doc.id,
            }
        return load_coding_view(session, row, doc, me)


def remove_coding(store: Store, *, coder: str, coding_id: int) -> None:
    """Remove one of the coder's codings; its memos go with it and come back on undo."""
    with store.write() as session:
        me = require_coder(session, coder)
        row = own_coding(session, me, coding_id)
        doc = document_by_id(session, row.document_id)
        with recorded(session, me.name, "remove", "coding", row.id) as action:
            action.info = {
                "description": f"removed a coding from {doc.name} ({row.start}-{row.end})",
                "document_id": doc.id,
            }
            # What the database's foreign keys would do on their own, done here so that the
            # changeset sees it and undo puts it back.
            for memo in session.scalars(select(Memo).where(Memo.coding_id == row.id)):
                session.delete(memo)
            for source in session.scalars(
                select(ConsensusSource).where(
                    (ConsensusSource.coding_id == row.id)
                    | (ConsensusSource.source_coding_id == row.id)
                )
            ):
                if source.coding_id == row.id:
                    session.delete(source)
                else:
                    source.source_coding_id = None
            session.flush()
            session.delete(row)


def adjust_coding(store: Store, *, coder: str, coding_id: int, start: int, end: int) -> CodingView:
    """Move the start and end of one of the coder's codings."""
    with store.write() as session:
        me = require_coder(session, coder)
        row = own_coding(session, me, coding_id)
        doc = document_by_id(session, row.document_id)
        if not (0 <= start < end <= doc.length):
            raise InputError(f"{start}-{end}", f"span is outside document {doc.name!r}")
        with recorded(session, me.name, "adjust", "coding", row.id) as action:
            action.info = {
                "description": f"moved a coding in {doc.name} from {row.start}-{row.end} "
                f"to {start}-{end}",
                "document_id": doc.id,
            }
            try:
                with session.begin_nested():  # before the change: see _apply_in
                    row.start, row.end = start, end
                    session.flush()
            except IntegrityError:
                raise ConflictError("the same code already covers exactly that text") from None
        return load_coding_view(session, row, doc, me)


def create_code_from_selection(
    store: Store,
    *,
    coder: str,
    document_id: int,
    start: int,
    end: int,
    name: str,
    definition: str = "",
    parent_id: int | None = None,
) -> tuple[CodeView, CodingView]:
    """Inductive coding: a new code (private while blind) applied to the selection at once.

    One action, so one undo takes back both the code and its coding.
    """
    with store.write() as session:
        me = require_coder(session, coder)
        doc = document_by_id(session, document_id)
        with recorded(session, me.name, "create", "code") as action:
            code = add_code_in(
                session, actor=me.name, name=name, parent_id=parent_id, definition=definition
            )
            coding = _apply_in(session, me, doc, code, start, end)
            action.entity_id = code.id
            action.info = {
                "name": code.name,
                "description": f"made code {code.name} and applied it to {doc.name} "
                f"({start}-{end})",
                "document_id": doc.id,
            }
        return code_view(session, code), load_coding_view(session, coding, doc, me)
