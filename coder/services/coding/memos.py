"""The coder's memos on a coding, a document or a code: read, and write (create, update,
delete). Memos are per author: each coder reads and writes only their own."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from coder.db.audit import recorded
from coder.db.engine import Store
from coder.db.models import Coder, Coding, Document, Memo, ProjectSettings
from coder.errors import InputError, NotFoundError
from coder.services.codebook.code_memos import memos_on_codes
from coder.services.codebook.codes import CodeTree
from coder.services.codebook.edit import visible_code
from coder.services.coding.rows import document_by_id, own_coding
from coder.services.project.coders import require_coder


@dataclass(frozen=True)
class MemoTarget:
    """What a memo is on, as the audit entry names it, and the document it touches if any."""

    where: str
    document_id: int | None


#: Control characters a memo may not hold: C0 but tab and line feed, DEL, C1 (ESC and CSI
#: among them, which would rewrite the terminal of whoever lists the memo).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def memo_text(text: str) -> str:
    """A memo's text as stored: line ends made LF, outer whitespace trimmed; InputError when it
    holds a control character."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    bad = _CONTROL.search(text)
    if bad is not None:
        raise InputError(
            "memo",
            f"holds the control character U+{ord(bad.group()):04X} at position {bad.start()}:"
            " a memo is plain text",
        )
    return text


def get_memo(
    store: Store,
    *,
    coder: str,
    coding_id: int | None = None,
    document_id: int | None = None,
    code_id: int | None = None,
) -> str:
    """The coder's memo on a coding, a document or a code ('' if none)."""
    with store.read() as session:
        me = require_coder(session, coder)
        row, _ = _find_memo(session, me, coding_id, document_id, code_id)
        return row.text if row else ""


def code_memos(store: Store, *, coder: str) -> dict[int, str]:
    """The coder's memos on codes, by code id: what the codebook panel shows with each code
    (the oldest on a code, the one set_memo edits)."""
    return {
        code_id: memos[0].text for code_id, memos in memos_on_codes(store, author=coder).items()
    }


def _find_memo(
    session: Session,
    me: Coder,
    coding_id: int | None,
    document_id: int | None,
    code_id: int | None,
) -> tuple[Memo | None, MemoTarget]:
    """The coder's memo on the coding, document or code (None if none yet), and its target."""
    query = select(Memo).where(Memo.author_id == me.id)
    one = sum(target is not None for target in (coding_id, document_id, code_id)) == 1
    if one and coding_id is not None:
        doc = document_by_id(session, own_coding(session, me, coding_id).document_id)
        query = query.where(Memo.coding_id == coding_id)
        target = MemoTarget(f"a coding in {doc.name}", doc.id)
    elif one and document_id is not None:
        doc = document_by_id(session, document_id)
        query = query.where(Memo.document_id == document_id)
        target = MemoTarget(doc.name, doc.id)
    elif one and code_id is not None:
        visible_code(session, code_id, me)  # another coder's private code is as good as missing
        query = query.where(Memo.code_id == code_id)
        target = MemoTarget(f"the code {CodeTree.load(session).path(code_id)}", None)
    else:
        raise InputError("memo", "a memo belongs to exactly one coding, document or code")
    return session.scalars(query.order_by(Memo.id)).first(), target


def set_memo(
    store: Store,
    *,
    coder: str,
    text: str,
    coding_id: int | None = None,
    document_id: int | None = None,
    code_id: int | None = None,
) -> str:
    """Write the coder's memo on a coding, a document or a code: create, update, or (empty)
    delete. Exactly one of ``coding_id``, ``document_id`` and ``code_id`` is given.

    Returns the action taken: ``create``, ``update``, ``delete`` or ``none``; each but ``none``
    is undoable.
    """
    text = memo_text(text)
    with store.write() as session:
        me = require_coder(session, coder)
        row, target = _find_memo(session, me, coding_id, document_id, code_id)
        if row is None:
            kind = "create" if text else "none"
        elif not text:
            kind = "delete"
        else:
            kind = "none" if text == row.text else "update"
        if kind == "none":
            return kind
        with recorded(session, me.name, kind, "memo") as action:
            action.info = {"description": f"{kind}d the memo on {target.where}"}
            if target.document_id is not None:
                action.info["document_id"] = target.document_id
            if row is None:
                row = Memo(
                    author_id=me.id,
                    coding_id=coding_id,
                    document_id=document_id,
                    code_id=code_id,
                    text=text,
                )
                session.add(row)
            elif kind == "delete":
                session.delete(row)
            else:
                row.text = text
                row.updated_at = dt.datetime.now(dt.UTC)
            session.flush()
            action.entity_id = row.id
        return kind


#: The kinds of memo, by what they are on: a coding, a document, a code, or nothing (the
#: project journal).
MEMO_KINDS = ("coding", "document", "code", "project")


@dataclass(frozen=True)
class MemoView:
    """One memo as listings show it: its kind, author, what it is on, and its text."""

    id: int
    kind: str
    author: str
    target: str
    document: str | None
    code: str | None
    coding_id: int | None
    text: str
    created_at: dt.datetime
    updated_at: dt.datetime


def _kind(row: Memo) -> str:
    if row.coding_id is not None:
        return "coding"
    if row.document_id is not None:
        return "document"
    return "code" if row.code_id is not None else "project"


def _views(session: Session, rows: list[Memo]) -> list[MemoView]:
    """Memo rows as views, with the names of what they are on."""
    tree = CodeTree.load(session)
    names = {c.id: c.name for c in session.scalars(select(Coder))}
    coding_ids = {r.coding_id for r in rows if r.coding_id is not None}
    codings = {c.id: c for c in session.scalars(select(Coding).where(Coding.id.in_(coding_ids)))}
    doc_ids = {r.document_id for r in rows if r.document_id is not None}
    doc_ids |= {c.document_id for c in codings.values()}
    query = select(Document.id, Document.name).where(Document.id.in_(doc_ids))
    docs = dict(session.execute(query).all())
    out = []
    for row in rows:
        kind = _kind(row)
        coding = codings.get(row.coding_id) if row.coding_id is not None else None
        doc_id = coding.document_id if coding is not None else row.document_id
        document = docs.get(doc_id) if doc_id is not None else None
        code_id = coding.code_id if coding is not None else row.code_id
        code = str(tree.path(code_id)) if code_id is not None else None
        target = {
            "coding": f"{document} {coding.start}-{coding.end} {code}" if coding else "",
            "document": document or "",
            "code": code or "",
            "project": "(journal)",
        }[kind]
        author = names.get(row.author_id, "") if row.author_id is not None else ""
        out.append(
            MemoView(
                row.id,
                kind,
                author,
                target,
                document,
                code,
                row.coding_id,
                row.text,
                row.created_at,
                row.updated_at,
            )
        )
    return out


def _under(path: str | None, prefix: str) -> bool:
    """Whether a code path is ``prefix`` or one of its sub-codes (any case)."""
    if path is None:
        return False
    path, prefix = path.casefold(), prefix.strip("/").casefold()
    return path == prefix or path.startswith(prefix + "/")


def list_memos(
    store: Store,
    *,
    kinds: tuple[str, ...] = (),
    coders: tuple[str, ...] = (),
    document: str | None = None,
    code: str | None = None,
    search: str | None = None,
) -> list[MemoView]:
    """Every memo of the project, oldest first, narrowed by kind, author, document name, code
    (the code and its sub-codes; a coding's memo counts under its code) and ``search``: the
    memo must mention each of its words as the document search finds them (by lemma and word
    family, any case: ``partner`` finds "partnerships")."""
    for kind in kinds:
        if kind not in MEMO_KINDS:
            raise InputError("kind", f"unknown memo kind {kind!r} (one of {', '.join(MEMO_KINDS)})")
    authors = {c.casefold() for c in coders}
    with store.read() as session:
        views = _views(session, list(session.scalars(select(Memo).order_by(Memo.id))))
        model = session.scalars(select(ProjectSettings.spacy_model)).first()
    chosen = [
        v
        for v in views
        if (not kinds or v.kind in kinds)
        and (not authors or v.author.casefold() in authors)
        and (document is None or v.document == document)
        and (code is None or _under(v.code, code))
    ]
    if search is None or not search.split():
        return chosen
    from coder.services.documents.search import mentioning_every_word

    found = mentioning_every_word(search, [v.text for v in chosen], model)
    return [v for v, hit in zip(chosen, found, strict=True) if hit]


def memo_by_id(store: Store, memo_id: int) -> MemoView:
    """One memo by its id, else NotFoundError."""
    with store.read() as session:
        row = session.get(Memo, memo_id)
        if row is None:
            raise NotFoundError(f"no memo with id {memo_id} (see 'coder memos list')")
        return _views(session, [row])[0]


def add_journal_entry(store: Store, *, coder: str, text: str) -> int:
    """A new entry of the project journal (a memo on nothing) by the coder; its id. Undoable."""
    text = memo_text(text)
    if not text:
        raise InputError("memo", "a journal entry needs some text")
    with store.write() as session:
        me = require_coder(session, coder)
        with recorded(session, me.name, "create", "memo") as action:
            action.info = {"description": "created a project journal entry"}
            row = Memo(author_id=me.id, text=text)
            session.add(row)
            session.flush()
            action.entity_id = row.id
        return row.id


def edit_memo(store: Store, *, coder: str, memo_id: int, text: str) -> str:
    """Rewrite one of the coder's own memos by id (empty text deletes it); the action taken,
    as :func:`set_memo` answers. Another coder's memo is as good as missing."""
    text = memo_text(text)
    with store.write() as session:
        me = require_coder(session, coder)
        row = session.get(Memo, memo_id)
        if row is None or row.author_id != me.id:
            raise NotFoundError(f"{me.name} has no memo with id {memo_id}")
        kind = "delete" if not text else "none" if text == row.text else "update"
        if kind == "none":
            return kind
        with recorded(session, me.name, kind, "memo") as action:
            action.info = {"description": f"{kind}d memo {memo_id}"}
            if row.document_id is not None:
                action.info["document_id"] = row.document_id
            action.entity_id = row.id
            if kind == "delete":
                session.delete(row)
            else:
                row.text = text
                row.updated_at = dt.datetime.now(dt.UTC)
            session.flush()
        return kind
