"""From codes to themes: merge, group under a theme, split; each exactly undoable.

* merge X into Y: X's codings become Y's, X's fields go into Y's history (``code_history``),
  and X stays as an alias (status ``merged``, ``merged_into_id`` Y) so that imports and reports
  can still resolve its name (:func:`resolve_alias`).
* group codes under a theme: a parent, new or existing.
* split: chosen codings of a code move to a new sibling code.

Each operation is one transaction and one audit entry holding every row it created, changed
or deleted (:mod:`coder.db.changeset`), so :func:`coder.services.undo.undo_latest` restores the
database exactly: same ids, same timestamps. Only the audit log grows (an ``undo`` entry).
Code alignment between two coders' codebooks lives in :mod:`coder.services.codebook.alignment`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coder.db.audit import record_changes
from coder.db.bulk import delete_rows, update_rows
from coder.db.changeset import KEYS_PER_STATEMENT, Changes, tracking
from coder.db.engine import Store
from coder.db.models import Code, CodeHistory, Coding, ConsensusSource, Memo
from coder.domain.codebook import OperationResult
from coder.errors import ConflictError, InputError, NotFoundError
from coder.services.codebook.codes import CodeTree, code_snapshot
from coder.services.codebook.edit import (
    check_name,
    next_colour,
    next_position,
    reparent,
    share_code,
)


def _code(session: Session, code_id: int) -> Code:
    row = session.get(Code, code_id)
    if row is None:
        raise NotFoundError(f"no code with id {code_id}")
    return row


def _active(session: Session, code_id: int) -> Code:
    row = _code(session, code_id)
    if row.status != "active":
        raise ConflictError(f"code {row.name!r} is {row.status}")
    return row


def finish_operation(
    session: Session,
    actor: str,
    action: str,
    entity_id: int | None,
    changes: Changes,
    *,
    entity: str = "code",
    **info: Any,
) -> OperationResult:
    """Record an operation's changes as one audit entry (what undo reads back)."""
    entry = record_changes(session, actor, action, entity, entity_id, changes, info)
    total = {b: sum(len(v) for v in getattr(changes, b).values()) for b in ("created", "updated")}
    return OperationResult(
        entry_id=entry.id,
        action=action,
        description=str(info.get("description", action)),
        created=total["created"],
        changed=total["updated"],
        deleted=sum(len(v) for v in changes.deleted.values()),
    )


def merge_codes(store: Store, *, actor: str, source_id: int, target_id: int) -> OperationResult:
    """Merge code ``source_id`` into ``target_id``: every coding, memo link and sub-code moves.

    Where a coder applied both codes to exactly the same text, the source coding is removed and
    its memos and consensus provenance move to the target's coding (nothing is lost).
    """
    with store.write() as session:
        source, target = _active(session, source_id), _active(session, target_id)
        if source.id == target.id:
            raise InputError(source.name, "a code cannot be merged into itself")
        tree = CodeTree.load(session)
        if target.id in {d.id for d in tree.walk(source.id)}:
            raise ConflictError(f"cannot merge {source.name!r} into its own sub-code")
        source_path, target_path = str(tree.path(source.id)), str(tree.path(target.id))
        with tracking(session) as changes:
            session.add(
                CodeHistory(
                    code_id=target.id,
                    source_code_id=source.id,
                    event="merged",
                    snapshot={"path": source_path, **code_snapshot(source)},
                    actor=actor,
                )
            )
            # Each coding of the source looks for its twin among the target's in one pass,
            # and the codings that move are changed in sets.
            twins = {
                (c.document_id, c.coder_id, c.start, c.end): c
                for c in session.scalars(select(Coding).where(Coding.code_id == target.id))
            }
            moving, folded = [], []
            for coding in list(session.scalars(select(Coding).where(Coding.code_id == source.id))):
                twin = twins.get((coding.document_id, coding.coder_id, coding.start, coding.end))
                if twin is None:
                    moving.append(coding)
                else:
                    folded.append((coding, twin))
            update_rows(session, changes, [(c, {"code_id": target.id}) for c in moving])
            _fold_into(session, changes, folded)
            moved = len(moving)
            for child in list(tree.children.get(source.id, [])):
                reparent(session, child, target.id)
                session.flush()
            if source.owner_id != target.owner_id:
                share_code(session, target)  # two coders' codes become one shared code
            source.status = "merged"
            source.merged_into_id = target.id
        return finish_operation(
            session,
            actor,
            "merge",
            source.id,
            changes,
            into=target.id,
            codings=moved,
            description=f"merged {source_path} into {target_path} ({moved} codings moved)",
        )


#: The columns by which a memo or a consensus source points at a coding.
_POINTERS = ("coding_id", "source_coding_id")


def _fold_into(session: Session, changes: Changes, pairs: list[tuple[Coding, Coding]]) -> None:
    """Remove each coding of ``pairs`` (a duplicate of its twin), moving what points at it
    (memos, consensus provenance) to the twin, in sets."""
    if not pairs:
        return
    twin_of = {coding.id: twin.id for coding, twin in pairs}
    ids = list(twin_of)
    memos: list[Memo] = []
    sources: list[ConsensusSource] = []
    for i in range(0, len(ids), KEYS_PER_STATEMENT):
        part = ids[i : i + KEYS_PER_STATEMENT]
        memos += session.scalars(select(Memo).where(Memo.coding_id.in_(part)))
        sources += session.scalars(
            select(ConsensusSource).where(
                ConsensusSource.coding_id.in_(part) | ConsensusSource.source_coding_id.in_(part)
            )
        )
    update_rows(
        session,
        changes,
        [
            (row, {k: twin_of[v] for k in _POINTERS if (v := getattr(row, k, None)) in twin_of})
            for row in [*memos, *sources]
        ],
    )
    delete_rows(session, changes, [coding for coding, _twin in pairs])


def group_codes(
    store: Store,
    *,
    actor: str,
    code_ids: Sequence[int],
    theme: str | int,
    parent_id: int | None = None,
    definition: str = "",
) -> OperationResult:
    """Put codes under a theme: an existing code (by id) or a new one named ``theme``."""
    if not code_ids:
        raise InputError("group", "name at least one code to put under the theme")
    with store.write() as session:
        with tracking(session) as changes:
            if isinstance(theme, int):
                parent = _active(session, theme)
            else:
                if parent_id is not None:
                    _active(session, parent_id)
                parent = Code(
                    name=check_name(session, theme, parent_id, exclude=None),
                    parent_id=parent_id,
                    definition=definition.strip(),
                    colour=next_colour(session),
                    keywords=[],
                    position=next_position(session, parent_id),
                    status="active",
                )
                session.add(parent)
                session.flush()
            tree = CodeTree.load(session)
            for code_id in code_ids:
                row = _active(session, code_id)
                if row.id == parent.id or parent.id in {d.id for d in tree.walk(row.id)}:
                    raise ConflictError(f"cannot put {row.name!r} under itself or its sub-codes")
                if row.parent_id == parent.id:
                    continue
                reparent(session, row, parent.id)
                session.flush()
        path = str(CodeTree.load(session).path(parent.id))
        return finish_operation(
            session,
            actor,
            "group",
            parent.id,
            changes,
            theme=parent.id,
            description=f"grouped {len(code_ids)} code(s) under {path}",
        )


def split_code(
    store: Store,
    *,
    actor: str,
    code_id: int,
    coding_ids: Sequence[int],
    name: str,
    definition: str = "",
) -> OperationResult:
    """Move the chosen codings of a code to a new code beside it (same parent and owner)."""
    if not coding_ids:
        raise InputError("split", "choose at least one coding to move to the new code")
    with store.write() as session:
        code = _active(session, code_id)
        with tracking(session) as changes:
            new = Code(
                name=check_name(session, name, code.parent_id, exclude=None),
                parent_id=code.parent_id,
                definition=definition.strip(),
                colour=next_colour(session),
                keywords=[],
                position=next_position(session, code.parent_id),
                status="active",
                owner_id=code.owner_id,
                created_by_id=code.created_by_id,
            )
            session.add(new)
            session.flush()
            for coding_id in dict.fromkeys(coding_ids):
                coding = session.get(Coding, coding_id)
                if coding is None or coding.code_id != code.id:
                    raise NotFoundError(f"code {code.name!r} has no coding with id {coding_id}")
                coding.code_id = new.id
        path = str(CodeTree.load(session).path(new.id))
        return finish_operation(
            session,
            actor,
            "split",
            code.id,
            changes,
            new_code=new.id,
            description=f"moved {len(set(coding_ids))} coding(s) to the new code {path}",
        )


def code_history(store: Store, code_id: int) -> list[dict[str, Any]]:
    """What a code absorbed, oldest first: each merged code's fields, who merged it and when."""
    with store.read() as session:
        _code(session, code_id)
        return [
            {"event": h.event, "at": h.at, "actor": h.actor, **h.snapshot}
            for h in session.scalars(
                select(CodeHistory).where(CodeHistory.code_id == code_id).order_by(CodeHistory.id)
            )
        ]


def resolve_alias(session: Session, code: Code) -> Code:
    """The code a merged code now stands for (following merges in turn), else the code itself."""
    seen = {code.id}
    while code.status == "merged" and code.merged_into_id is not None:
        code = _code(session, code.merged_into_id)
        if code.id in seen:
            break
        seen.add(code.id)
    return code
