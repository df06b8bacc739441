"""Pinned codes: each coder's favourite codes on the number keys 1-9 of the coding screen.

A pin names the code, not a position in the tree, so editing the codebook around it (a code
added before it, a rename, a move) leaves it on its key. Pins are a coder's own preference:
kept per coder in the project, not audited and not undoable.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from coder.db.engine import Store
from coder.db.models import Code, CodePin
from coder.errors import NotFoundError, UsageError
from coder.services.project.coders import require_coder

#: The number keys a code can be pinned to.
PIN_SLOTS = range(1, 10)


def code_pins(store: Store, coder: str) -> dict[int, int]:
    """The coder's pins: number key -> code id."""
    with store.read() as session:
        me = require_coder(session, coder)
        rows = session.execute(
            select(CodePin.slot, CodePin.code_id).where(CodePin.coder_id == me.id)
        )
        return {slot: code_id for slot, code_id in rows}


def pin_code(store: Store, *, coder: str, code_id: int, slot: int) -> bool:
    """Put a code on a number key (moving it from any other key, replacing whatever was on
    this one). Pinning a code to the key it is already on unpins it; returns whether it is
    pinned now."""
    if slot not in PIN_SLOTS:
        raise UsageError(f"a code can be pinned to the keys 1-9, not {slot}")
    with store.write() as session:
        me = require_coder(session, coder)
        if session.get(Code, code_id) is None:
            raise NotFoundError(f"unknown code id {code_id}")
        current = session.get(CodePin, (me.id, slot))
        unpin = current is not None and current.code_id == code_id
        session.execute(
            delete(CodePin).where(
                CodePin.coder_id == me.id, (CodePin.slot == slot) | (CodePin.code_id == code_id)
            )
        )
        if unpin:
            return False
        session.flush()
        session.add(CodePin(coder_id=me.id, slot=slot, code_id=code_id))
        return True
