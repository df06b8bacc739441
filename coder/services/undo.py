"""Undo and redo: one engine for every undoable action, over the row-snapshot changeset.

Each undoable action (codings, memos, done status, codes, merges, groups and splits,
reconciliation decisions, renaming and removing documents, their attributes, versions and
sets) writes one audit entry holding every row it created, changed or deleted
(:func:`coder.db.audit.recorded`). Undo finds the actor's latest such entry not yet
undone and puts every row back as it was (same ids, same timestamps); its own ``undo`` entry
holds the rows it changed, so a redo reverts the undo in turn. Only the audit log grows.
Undo and redo read nothing but the log, so they survive a restart.

Entries written by earlier versions of coder for single edits (one row's before and after)
and the per-row entries of importers are not changesets: they are not undoable, and undo
stops at them (it answers None rather than reach past them to an older action).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from coder.db.changeset import inverse, is_changeset, revert
from coder.db.engine import Store
from coder.db.models import AuditEntry
from coder.domain.coding import UndoResult
from coder.services.project.coders import find_coder

#: (action, entity) pairs of the audit log that undo takes back.
UNDOABLE = (
    ("apply", "coding"),
    ("remove", "coding"),
    ("adjust", "coding"),
    ("create", "memo"),
    ("update", "memo"),
    ("delete", "memo"),
    ("done", "document"),
    ("create", "code"),
    ("rename", "code"),
    ("move", "code"),
    ("edit", "code"),
    ("retire", "code"),
    ("merge", "code"),
    ("group", "code"),
    ("split", "code"),
    ("decide", "reconcile_decision"),
    ("accept", "reconcile_decision"),
    ("join", "reconcile_decision"),
    # Bulk imports written in sets with their rows noted (coder.db.bulk).
    ("import", "coding"),
    ("import", "code"),
    # Managing documents (services/documents/manage.py and sets.py).
    ("rename", "document"),
    ("remove", "document"),
    ("attributes", "document"),
    ("current", "document"),
    ("create", "document_set"),
    ("delete", "document_set"),
    ("add", "document_set"),
    ("remove", "document_set"),
)

#: Single-code edits: undo says "undid the <action> of code <name>".
CODE_EDITS = ("create", "rename", "move", "edit", "retire")


def _redone() -> Any:
    return select(AuditEntry.entity_id).where(
        AuditEntry.action == "redo", AuditEntry.entity == "audit"
    )


def _undone() -> Any:
    """Ids of the entries undone and not redone since."""
    return select(AuditEntry.entity_id).where(
        AuditEntry.action == "undo",
        AuditEntry.entity == "audit",
        AuditEntry.id.not_in(_redone()),
    )


def latest_undoable(session: Session, actor: str) -> AuditEntry | None:
    """The actor's latest undoable action not yet undone (or undone and redone since)."""
    return session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.actor == actor,
            tuple_(AuditEntry.action, AuditEntry.entity).in_(UNDOABLE),
            AuditEntry.id.not_in(_undone()),
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()


def latest_redoable(session: Session, actor: str) -> AuditEntry | None:
    """The actor's latest undo not yet redone, if no action of theirs came after it."""
    undo = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.actor == actor,
            AuditEntry.action == "undo",
            AuditEntry.entity == "audit",
            AuditEntry.id.not_in(_redone()),
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    if undo is None:
        return None
    later = latest_undoable(session, actor)
    if later is not None and later.id > undo.id:
        return None  # a new action since the undo: there is nothing to redo
    return undo


def _actor_name(session: Session, actor: str) -> str:
    # A coder's actions are logged under their name as spelled when they were added.
    coder = find_coder(session, actor)
    return coder.name if coder is not None else actor


def _sentence(entry: AuditEntry, verb: str) -> str:
    """What undo (``verb`` "undid") or redo ("redid") says it did, naming the document if any."""
    info = (entry.after or {}).get("info", {})
    if entry.entity == "code" and entry.action in CODE_EDITS and "document_id" not in info:
        return f"{verb} the {entry.action} of code {info.get('name', '')!r}"
    return f"{verb}: {info.get('description', entry.action)}"


def _result(entry: AuditEntry, description: str) -> UndoResult:
    info = (entry.after or {}).get("info", {})
    return UndoResult(
        entry_id=entry.id,
        action=entry.action,
        entity=entry.entity,
        entity_id=entry.entity_id,
        document_id=info.get("document_id"),
        description=description,
    )


def _revert_entry(session: Session, actor: str, kind: str, entry: AuditEntry) -> None:
    """Revert ``entry`` and log it as a ``kind`` (undo or redo) entry holding the rows changed."""
    before, after = entry.before or {}, entry.after or {}
    undo_before, undo_after = inverse(session, before, after)
    revert(session, before, after)
    undo_after["info"] = {"action": entry.action}
    session.add(
        AuditEntry(
            actor=actor,
            action=kind,
            entity="audit",
            entity_id=entry.id,
            before=undo_before,
            after=undo_after,
        )
    )
    session.flush()


def undo_latest(store: Store, *, actor: str) -> UndoResult | None:
    """Undo the actor's latest undoable action; None if there is none (or it cannot be undone).

    The database ends up exactly as before that action, every table but the audit log, which
    gains an ``undo`` entry. Raises ConflictError if a row the action wrote has gone since.
    """
    with store.write() as session:
        actor = _actor_name(session, actor)
        entry = latest_undoable(session, actor)
        if entry is None or not is_changeset(entry.before, entry.after):
            return None
        _revert_entry(session, actor, "undo", entry)
        return _result(entry, _sentence(entry, "undid"))


def redo_latest(store: Store, *, actor: str) -> UndoResult | None:
    """Redo what the actor's latest undo took back, if they have done nothing since; else None."""
    with store.write() as session:
        actor = _actor_name(session, actor)
        undo = latest_redoable(session, actor)
        if undo is None or not is_changeset(undo.before, undo.after) or undo.entity_id is None:
            return None
        original = session.get(AuditEntry, undo.entity_id)
        assert original is not None  # the audit log is append-only
        _revert_entry(session, actor, "redo", undo)
        return _result(original, _sentence(original, "redid"))
