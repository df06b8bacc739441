"""The services behind the coding TUI: undo over the audit log, blind isolation, codebook
edits and lemma search."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coder.db.models import AuditEntry
from coder.errors import ConflictError, NotFoundError
from coder.services.codebook import edit as codebook_edit
from coder.services.codebook.codes import list_codes
from coder.services.coding.edits import (
    adjust_coding,
    apply_code,
    create_code_from_selection,
    remove_coding,
)
from coder.services.coding.loading import document_codings
from coder.services.coding.memos import set_memo
from coder.services.coding.progress import document_progress
from coder.services.coding.status import is_done, set_done
from coder.services.documents.reading import get_document
from coder.services.documents.search import search_project
from coder.services.project.lifecycle import open_project, update_settings
from coder.services.undo import undo_latest


def _ids(store):
    doc = get_document(store, "interview-01")
    codes = {c.name: c.id for c in list_codes(store)}
    return doc, codes


def test_undo_restores_every_action_exactly(project, state):
    doc, codes = _ids(project)
    snapshots = [state(project)]
    coding = apply_code(
        project, coder="alice", document_id=doc.summary.id, code_id=codes["Barriers"],
        start=44, end=85,
    )  # fmt: skip
    snapshots.append(state(project))
    set_memo(project, coder="alice", coding_id=coding.id, text="first thought")
    snapshots.append(state(project))
    set_memo(project, coder="alice", coding_id=coding.id, text="second thought")
    snapshots.append(state(project))
    adjust_coding(project, coder="alice", coding_id=coding.id, start=44, end=125)
    snapshots.append(state(project))
    set_done(project, coder="alice", document_id=doc.summary.id, done=True)
    snapshots.append(state(project))
    create_code_from_selection(
        project, coder="alice", document_id=doc.summary.id, start=126, end=172, name="Firsts"
    )
    snapshots.append(state(project))
    codebook_edit.rename_code(project, actor="alice", code_id=codes["Barriers"], name="Obstacles")
    snapshots.append(state(project))
    remove_coding(project, coder="alice", coding_id=coding.id)  # takes its memo with it
    snapshots.append(state(project))
    assert snapshots[-1]["memos"] == []

    # Undo walks back one action at a time, each time to exactly the state before it (the new
    # code from the selection goes in one step with its coding).
    expected = snapshots[-2::-1]
    for before in expected:
        result = undo_latest(project, actor="alice")
        assert result is not None
        assert state(project) == before
    assert undo_latest(project, actor="alice") is None
    assert state(project) == snapshots[0]
    with project.read() as s:
        undos = s.scalars(select(AuditEntry).where(AuditEntry.action == "undo")).all()
    assert len(undos) == len(expected)  # the new code and its coding: one action, one undo


def test_undo_survives_a_restart_and_is_per_coder(project, state):
    doc, codes = _ids(project)
    before = state(project)
    apply_code(project, coder="alice", document_id=doc.summary.id, code_id=codes["Barriers"],
                  start=0, end=43)  # fmt: skip
    apply_code(project, coder="bob", document_id=doc.summary.id, code_id=codes["Barriers"],
                  start=0, end=43)  # fmt: skip
    url = project.url
    project.dispose()
    reopened = open_project(url)
    try:
        assert undo_latest(reopened, actor="alice") is not None
        assert [c.coder for c in document_codings(reopened, "bob", doc.summary.id)] == ["bob"]
        assert document_codings(reopened, "alice", doc.summary.id) == []
        assert undo_latest(reopened, actor="bob") is not None
        assert state(reopened) == before
    finally:
        reopened.dispose()


def test_blind_isolation_in_services(project):
    doc, codes = _ids(project)
    apply_code(project, coder="alice", document_id=doc.summary.id, code_id=codes["Barriers"],
                  start=0, end=43)  # fmt: skip
    private, _ = create_code_from_selection(
        project, coder="alice", document_id=doc.summary.id, start=44, end=85, name="Alice only"
    )
    assert private.owner == "alice"
    assert document_codings(project, "bob", doc.summary.id) == []
    assert "Alice only" not in {c.name for c in list_codes(project, viewer="bob")}
    assert "Alice only" in {c.name for c in list_codes(project, viewer="alice")}
    progress = {p.name: p for p in document_progress(project, "bob")}
    assert progress["interview-01"].codings == 0
    with pytest.raises(NotFoundError):
        apply_code(project, coder="bob", document_id=doc.summary.id, code_id=private.id,
                      start=0, end=43)  # fmt: skip
    with pytest.raises(NotFoundError):
        codebook_edit.rename_code(project, actor="bob", code_id=private.id, name="Mine now")
    alice_coding = document_codings(project, "alice", doc.summary.id)[0]
    with pytest.raises(NotFoundError):
        remove_coding(project, coder="bob", coding_id=alice_coding.id)
    # Once the project is no longer blind, alice's code is visible to bob.
    update_settings(project, actor="t", blind=False)
    assert "Alice only" in {c.name for c in list_codes(project, viewer="bob")}


def test_progress_and_done(project):
    doc, codes = _ids(project)
    apply_code(project, coder="alice", document_id=doc.summary.id, code_id=codes["Barriers"],
                  start=44, end=125)  # fmt: skip
    set_done(project, coder="alice", document_id=doc.summary.id, done=True)
    rows = {p.name: p for p in document_progress(project, "alice")}
    assert rows["interview-01"].units == 8
    assert rows["interview-01"].coded_units == 2
    assert rows["interview-01"].codings == 1
    assert rows["interview-01"].done is True
    assert rows["notes-02"].done is False
    assert is_done(project, coder="bob", document_id=doc.summary.id) is False


def test_codebook_edits_are_audited_and_checked(project):
    _, codes = _ids(project)
    added = codebook_edit.add_code(
        project, actor="alice", name="Timing", parent_id=codes["Motives"], definition="When."
    )
    assert str(added.path) == "Motives/Timing"
    assert added.colour is not None and added.owner == "alice"
    with pytest.raises(ConflictError):
        codebook_edit.add_code(project, actor="alice", name="timing", parent_id=codes["Motives"])
    moved = codebook_edit.move_code(project, actor="alice", code_id=added.id, parent_id=None)
    assert str(moved.path) == "Timing"
    with pytest.raises(ConflictError):
        codebook_edit.move_code(
            project, actor="alice", code_id=codes["Motives"], parent_id=codes["Credibility"]
        )
    edited = codebook_edit.edit_code(
        project, actor="alice", code_id=added.id, exclusion="Not dates.", colour="#112233"
    )
    assert (edited.exclusion, edited.colour) == ("Not dates.", "#112233")
    retired = codebook_edit.retire_code(project, actor="alice", code_id=added.id)
    assert retired.status == "retired"
    with project.read() as s:
        actions = [
            e.action
            for e in s.scalars(
                select(AuditEntry).where(
                    AuditEntry.entity == "code", AuditEntry.entity_id == added.id
                )
            )
        ]
    assert actions == ["create", "move", "edit", "retire"]


def test_search_is_lemma_aware(project):
    hits = search_project(project, "partner")
    found = {(h.document, h.match) for h in hits}
    assert found == {
        ("interview-01", "partnership"),
        ("interview-01", "partners"),
        ("notes-02", "partnerships"),
    }
    hit = next(h for h in hits if h.match == "partners")
    assert hit.before.endswith("the first time our ")
    assert hit.after.startswith(" came to us.")
    assert search_project(project, "rapid reviews")[0].match == "rapid review"
    assert search_project(project, "   ") == []
