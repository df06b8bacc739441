"""Who reconciliation is between: the two human coders, the consensus layer they settle into, and
the person deciding."""

from __future__ import annotations

from sqlalchemy.orm import Session

from coder.db.audit import record
from coder.db.models import Coder
from coder.errors import ConflictError, NotFoundError, UsageError
from coder.services.project.coders import find_coder, get_or_create_coder, require_coder


def coder_pair(session: Session, first: str, second: str) -> tuple[Coder, Coder]:
    """The two human coders being reconciled; a one-line error for the same coder twice or a
    consensus layer."""
    a, b = require_coder(session, first), require_coder(session, second)
    if a.id == b.id:
        raise UsageError("reconciliation needs two different coders (--coders A B)")
    for coder in (a, b):
        if coder.kind == "consensus":
            raise UsageError(f"{coder.name!r} is a consensus layer; reconcile two human coders")
    return a, b


def consensus_coder(session: Session, name: str, *, actor: str, create: bool) -> Coder:
    """The consensus coder of this name; with ``create``, registered (kind ``consensus``) if new.

    A human coder of that name is a ``ConflictError``; a missing one without ``create`` is a
    ``NotFoundError``.
    """
    row = find_coder(session, name)
    if row is None:
        if not create:
            raise NotFoundError(f"no consensus coder {name!r} yet (decide an item first)")
        row = Coder(name=name.strip(), kind="consensus")
        session.add(row)
        session.flush()
        record(
            session, actor, "create", "coder", row.id, None, {"name": row.name, "kind": "consensus"}
        )
    elif row.kind != "consensus":
        raise ConflictError(f"{row.name!r} is a human coder; name another consensus layer (--as)")
    return row


def reconciler(session: Session, name: str) -> Coder:
    """The person deciding, as a coder of the project (registered first if new).

    Decisions name them (``decided_by``) and their rationales are memos they wrote, so they are
    a person, never a consensus layer.
    """
    if not name.strip():
        raise UsageError("say who is reconciling (--as NAME)")
    row = get_or_create_coder(session, name, actor=name.strip())
    if row.kind == "consensus":
        raise UsageError(
            f"{row.name!r} is a consensus layer, not a person; --as names who is reconciling "
            "(--consensus names the layer)"
        )
    return row
