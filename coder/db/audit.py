"""The append-only audit log: every change records who, when, what, before and after.

An undoable action runs inside :func:`recorded`: every row it writes is captured by the
row-snapshot changeset (:mod:`coder.db.changeset`) and stored in its one audit entry, which is
all that undo (and redo) need, even after a restart.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from coder.db.changeset import Changes, tracking
from coder.db.models import AuditEntry


def record(
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """Append one entry in the caller's transaction: the change and its record commit together."""
    session.add(
        AuditEntry(
            actor=actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=before,
            after=after,
        )
    )


def record_changes(
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    changes: Changes,
    info: dict[str, Any],
) -> AuditEntry:
    """Append the entry of an undoable action: its changed rows, and ``info`` for its sentence."""
    before, after = changes.to_audit()
    after["info"] = info
    entry = AuditEntry(
        actor=actor, action=action, entity=entity, entity_id=entity_id, before=before, after=after
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass
class Recording:
    """What an action inside :func:`recorded` tells its audit entry once it knows it.

    ``info["description"]`` is the sentence an undo repeats (naming the document, if any);
    ``info["document_id"]`` the document the action touched.
    """

    entity_id: int | None = None
    info: dict[str, Any] = field(default_factory=dict)
    entry: AuditEntry | None = None


@contextmanager
def recorded(
    session: Session, actor: str, action: str, entity: str, entity_id: int | None = None
) -> Iterator[Recording]:
    """Run one undoable action and append its audit entry; an action that changed no row
    (a memo saved unchanged, say) leaves no entry."""
    recording = Recording(entity_id)
    with tracking(session) as changes:
        yield recording
    if not changes.empty:
        recording.entry = record_changes(
            session, actor, action, entity, recording.entity_id, changes, recording.info
        )
