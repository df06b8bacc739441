"""Memos on a code: each coder's own, on a code they can see, recorded and undoable like the
memos on codings and documents (``coder.services.coding.memos``, what the coding screen calls)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coder.db.engine import Store
from coder.db.models import AuditEntry, Memo
from coder.errors import InputError, NotFoundError
from coder.services.codebook.edit import add_code
from coder.services.coding.memos import code_memos, get_memo, set_memo
from coder.services.undo import undo_latest
from tests.factories import Names


def test_a_code_memo_is_the_coders_own(project: Store) -> None:
    trust = Names(project).code("Relationships/Trust")
    assert set_memo(project, coder="alice", text=" Mostly about funders ", code_id=trust) == (
        "create"
    )
    assert set_memo(project, coder="bob", text="Peers too", code_id=trust) == "create"
    assert get_memo(project, coder="alice", code_id=trust) == "Mostly about funders"
    assert get_memo(project, coder="bob", code_id=trust) == "Peers too"
    assert get_memo(project, coder="carol", code_id=trust) == ""
    assert code_memos(project, coder="alice") == {trust: "Mostly about funders"}
    assert set_memo(project, coder="alice", text="Funders and peers", code_id=trust) == "update"
    assert set_memo(project, coder="alice", text="Funders and peers", code_id=trust) == "none"
    with project.read() as s:
        rows = s.execute(select(Memo.code_id, Memo.coding_id, Memo.document_id)).all()
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert rows == [(trust, None, None), (trust, None, None)]
    assert entry is not None and entry.after is not None
    assert entry.after["info"] == {
        "description": "updated the memo on the code Relationships/Trust"
    }


def test_undo_takes_a_code_memo_back(project: Store) -> None:
    trust = Names(project).code("Relationships/Trust")
    set_memo(project, coder="alice", text="first", code_id=trust)
    set_memo(project, coder="alice", text="", code_id=trust)
    assert code_memos(project, coder="alice") == {}
    result = undo_latest(project, actor="alice")
    assert result is not None
    assert result.description == "undid: deleted the memo on the code Relationships/Trust"
    assert (result.entity, result.document_id) == ("memo", None)
    assert get_memo(project, coder="alice", code_id=trust) == "first"


def test_a_memo_needs_one_target_and_a_code_the_coder_can_see(project: Store) -> None:
    names = Names(project)
    trust = names.code("Relationships/Trust")
    with pytest.raises(InputError, match="exactly one coding, document or code"):
        set_memo(
            project,
            coder="alice",
            text="x",
            code_id=trust,
            document_id=names.document("interview-1"),
        )
    with pytest.raises(InputError):
        get_memo(project, coder="alice")
    # A code bob added while the project is blind is his: to alice it is as good as missing.
    private = add_code(project, actor="bob", name="Hunches")
    assert private.owner == "bob"
    with pytest.raises(NotFoundError):
        set_memo(project, coder="alice", text="x", code_id=private.id)
    assert set_memo(project, coder="bob", text="mine", code_id=private.id) == "create"
