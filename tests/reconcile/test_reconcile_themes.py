"""Merging, grouping and splitting codes: every coding follows, and undo restores exactly."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coder.db.models import AuditEntry, Code, Coding, Memo
from coder.errors import ConflictError, InputError
from coder.services.codebook import themes
from coder.services.codebook.codes import list_codes
from coder.services.codebook.edit import rename_code
from coder.services.coding.edits import apply_code
from coder.services.coding.memos import set_memo
from coder.services.project.coders import ensure_coder
from coder.services.reconcile.decisions import decide
from coder.services.reconcile.queue import load_queue
from coder.services.undo import undo_latest
from tests.dbdump import dump


def _state(store):
    """Every table but the audit log, which grows by design (an undo is itself recorded)."""
    out = dump(store)
    out.pop("audit_log")
    return out


def _codings_of(store, code_id):
    with store.read() as s:
        return sorted(s.scalars(select(Coding.id).where(Coding.code_id == code_id)))


def test_merge_moves_every_coding_and_undo_restores_the_database(project, built):
    codes = built["codes"]
    cred, need = codes["Credibility"], codes["Need for evidence"]
    moving = _codings_of(project, cred)
    staying = _codings_of(project, need)
    before = _state(project)
    result = themes.merge_codes(project, actor="lead", source_id=cred, target_id=need)
    assert result.action == "merge"
    assert _codings_of(project, cred) == []
    assert _codings_of(project, need) == sorted(moving + staying)
    with project.read() as s:
        merged = s.get(Code, cred)
        assert (merged.status, merged.merged_into_id) == ("merged", need)
        assert themes.resolve_alias(s, merged).id == need
    history = themes.code_history(project, need)
    assert [(h["event"], h["name"], h["definition"]) for h in history] == [
        ("merged", "Credibility", "Reputation gained from the work.")
    ]
    assert _state(project) != before
    undone = undo_latest(project, actor="lead")
    assert undone is not None and undone.action == "merge"
    assert _state(project) == before
    with project.read() as s:
        actions = [e.action for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[-2:] == ["merge", "undo"]


def test_merge_folds_duplicate_codings_keeping_their_memos(project, built):
    codes = built["codes"]
    docs, units = built["docs"], built["units"]
    start, end = units["interview"][3]
    # alice already has Trust on sentence 3; give her Barriers there too, with a memo.
    extra = apply_code(project, coder="alice", document_id=docs["interview"],
                          code_id=codes["Barriers"], start=start, end=end)  # fmt: skip
    set_memo(project, coder="alice", coding_id=extra.id, text="also a barrier")
    queue = load_queue(project, first="alice", second="bob")
    decide(project, first="alice", second="bob", item=queue.find("4").key, choice="both",
              actor="lead")  # fmt: skip
    before = _state(project)
    themes.merge_codes(project, actor="lead", source_id=codes["Barriers"], target_id=codes["Trust"])
    with project.read() as s:
        assert s.get(Coding, extra.id) is None
        memo = s.scalars(select(Memo).where(Memo.text == "also a barrier")).one()
        twin = s.get(Coding, memo.coding_id)
        assert (twin.code_id, twin.start, twin.end) == (codes["Trust"], start, end)
    undo_latest(project, actor="lead")
    assert _state(project) == before


def test_merge_moves_sub_codes_and_refuses_nonsense(project, built):
    codes = built["codes"]
    before = _state(project)
    themes.merge_codes(project, actor="lead", source_id=codes["Motives"], target_id=codes["Trust"])
    paths = {str(c.path) for c in list_codes(project)}
    assert {"Trust/Need for evidence", "Trust/Credibility"} <= paths
    assert "Motives" not in paths
    undo_latest(project, actor="lead")
    assert _state(project) == before
    with pytest.raises(InputError):
        themes.merge_codes(
            project, actor="lead", source_id=codes["Trust"], target_id=codes["Trust"]
        )
    with pytest.raises(ConflictError):
        themes.merge_codes(
            project, actor="lead", source_id=codes["Motives"], target_id=codes["Credibility"]
        )


def test_group_under_a_new_theme_and_undo(project, built):
    codes = built["codes"]
    before = _state(project)
    themes.group_codes(
        project, actor="lead", code_ids=[codes["Trust"], codes["Barriers"]], theme="Relations"
    )
    paths = {str(c.path) for c in list_codes(project)}
    assert {"Relations", "Relations/Trust", "Relations/Barriers"} <= paths
    undo_latest(project, actor="lead")
    assert _state(project) == before


def test_group_under_an_existing_code(project, built):
    codes = built["codes"]
    themes.group_codes(project, actor="lead", code_ids=[codes["Trust"]], theme=codes["Motives"])
    assert "Motives/Trust" in {str(c.path) for c in list_codes(project)}
    with pytest.raises(ConflictError):
        themes.group_codes(
            project, actor="lead", code_ids=[codes["Motives"]], theme=codes["Credibility"]
        )


def test_split_moves_chosen_codings_to_a_new_code(project, built):
    codes = built["codes"]
    barriers = _codings_of(project, codes["Barriers"])
    before = _state(project)
    themes.split_code(
        project, actor="lead", code_id=codes["Barriers"], coding_ids=barriers[:2], name="Money"
    )
    new = next(c for c in list_codes(project) if c.name == "Money")
    assert _codings_of(project, new.id) == barriers[:2]
    assert _codings_of(project, codes["Barriers"]) == barriers[2:]
    undo_latest(project, actor="lead")
    assert _state(project) == before


def test_undo_latest_takes_the_most_recent_action_of_either_kind(project, built):
    codes = built["codes"]
    before = _state(project)
    themes.merge_codes(
        project, actor="alice", source_id=codes["Trust"], target_id=codes["Barriers"]
    )
    rename_code(project, actor="alice", code_id=codes["Barriers"], name="Obstacles")
    ensure_coder(project, "carol", actor="alice")  # logged, but not something to undo
    renamed = undo_latest(project, actor="alice")
    assert renamed is not None and "rename" in renamed.description
    merged = undo_latest(project, actor="alice")
    assert merged is not None and "merged" in merged.description
    after = _state(project)
    assert [c[1] for c in after.pop("coders")] == ["alice", "bob", "carol"]
    before.pop("coders")
    assert after == before
