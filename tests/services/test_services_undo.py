"""One undo engine: every undoable action, driven through the function a keystroke or command
calls, is undone to exactly the database before it, survives a restart, and can be redone."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from coder.cli.main import run
from coder.db.audit import record
from coder.db.engine import Store
from coder.db.models import AuditEntry
from coder.services.codebook import themes
from coder.services.codebook.edit import add_code, edit_code, move_code, rename_code, retire_code
from coder.services.coding.edits import (
    adjust_coding,
    apply_code,
    create_code_from_selection,
    remove_coding,
)
from coder.services.coding.loading import document_codings
from coder.services.coding.memos import set_memo
from coder.services.coding.status import set_done
from coder.services.project.lifecycle import open_project
from coder.services.reconcile.decisions import auto_accept, decide
from coder.services.reconcile.queue import load_queue
from coder.services.undo import redo_latest, undo_latest
from tests.dbdump import dump
from tests.factories import SERVICES_TEXTS, Names, code_named, reconcile_project

Action = Callable[[Store, Names], Any]


def tables(store: Store) -> dict[str, Any]:
    """Every table but the audit log, which grows by design (an undo is itself recorded)."""
    out = dump(store)
    out.pop("audit_log")
    return out


@pytest.fixture
def coded(project: Store) -> Store:
    """alice has coded two sentences of interview-1, one of them with a memo, and marked
    interview-2 done: every action below has something to change or remove."""
    code_named(project, coder="alice", document="interview-1", code="Relationships/Trust",
               start=0, end=19, memo="first thought")  # fmt: skip
    code_named(project, coder="alice", document="interview-1", code="Practicalities/Funding",
               start=42, end=60)  # fmt: skip
    names = Names(project)
    set_done(project, coder="alice", document_id=names.document("interview-2"), done=True)
    return project


def _codings(store: Store) -> list[int]:
    return [c.id for c in document_codings(store, "alice", Names(store).document("interview-1"))]


ACTIONS: dict[str, Action] = {
    "apply": lambda s, n: apply_code(
        s,
        coder="alice",
        document_id=n.document("interview-1"),
        code_id=n.code("Relationships/Early engagement"),
        start=20,
        end=40,
    ),
    "remove (with its memo)": lambda s, n: remove_coding(
        s, coder="alice", coding_id=_codings(s)[0]
    ),
    "adjust": lambda s, n: adjust_coding(
        s, coder="alice", coding_id=_codings(s)[1], start=42, end=78
    ),
    "memo create": lambda s, n: set_memo(
        s, coder="alice", text="on the document", document_id=n.document("interview-1")
    ),
    "memo update": lambda s, n: set_memo(
        s, coder="alice", text="second thought", coding_id=_codings(s)[0]
    ),
    "memo delete": lambda s, n: set_memo(s, coder="alice", text="", coding_id=_codings(s)[0]),
    "memo on a code": lambda s, n: set_memo(
        s, coder="alice", text="mostly funders", code_id=n.code("Relationships/Trust")
    ),
    "done": lambda s, n: set_done(
        s, coder="alice", document_id=n.document("interview-1"), done=True
    ),
    "not done": lambda s, n: set_done(
        s, coder="alice", document_id=n.document("interview-2"), done=False
    ),
    "new code from selection": lambda s, n: create_code_from_selection(
        s, coder="alice", document_id=n.document("interview-1"), start=20, end=40, name="Pace"
    ),
    "code create": lambda s, n: add_code(s, actor="alice", name="Pace"),
    "code rename": lambda s, n: rename_code(
        s, actor="alice", code_id=n.code("Relationships/Trust"), name="Confidence"
    ),
    "code move": lambda s, n: move_code(
        s, actor="alice", code_id=n.code("Relationships/Trust"), parent_id=None
    ),
    "code edit": lambda s, n: edit_code(
        s, actor="alice", code_id=n.code("Relationships/Trust"), definition="Reliance."
    ),
    "code retire": lambda s, n: retire_code(
        s, actor="alice", code_id=n.code("Practicalities/Time")
    ),
    "merge": lambda s, n: themes.merge_codes(
        s,
        actor="alice",
        source_id=n.code("Practicalities/Funding"),
        target_id=n.code("Relationships/Trust"),
    ),
    "group": lambda s, n: themes.group_codes(
        s, actor="alice", code_ids=[n.code("Practicalities/Funding")], theme="Money"
    ),
    "split": lambda s, n: themes.split_code(
        s,
        actor="alice",
        code_id=n.code("Relationships/Trust"),
        coding_ids=[_codings(s)[0]],
        name="Distrust",
    ),
}


@pytest.mark.parametrize("name", list(ACTIONS))
def test_each_action_is_undone_exactly_and_redone(coded: Store, name: str) -> None:
    names = Names(coded)
    before = tables(coded)
    ACTIONS[name](coded, names)
    after = tables(coded)
    assert after != before

    undone = undo_latest(coded, actor="alice")
    assert undone is not None
    assert tables(coded) == before
    redone = redo_latest(coded, actor="alice")
    assert redone is not None and redone.entry_id == undone.entry_id
    assert tables(coded) == after
    # The redone action is the latest again, so undo takes it back once more.
    assert undo_latest(coded, actor="alice") is not None
    assert tables(coded) == before


def test_undo_walks_back_one_action_at_a_time_to_the_project_as_built(project: Store) -> None:
    names = Names(project)
    states = [tables(project)]
    coding = code_named(project, coder="alice", document="interview-1",
                        code="Relationships/Trust", start=0, end=19)  # fmt: skip
    states.append(tables(project))
    set_memo(project, coder="alice", text="first thought", coding_id=coding.id)
    states.append(tables(project))
    for name in ("apply", "memo update", "new code from selection", "code rename", "merge"):
        ACTIONS[name](project, names)
        states.append(tables(project))
    for expected in states[-2::-1]:
        assert undo_latest(project, actor="alice") is not None
        assert tables(project) == expected
    assert undo_latest(project, actor="alice") is None


def test_the_description_names_the_document(coded: Store) -> None:
    names = Names(coded)
    ACTIONS["apply"](coded, names)
    result = undo_latest(coded, actor="alice")
    assert result is not None
    assert result.description == "undid: applied Early engagement to interview-1 (20-40)"
    assert result.document_id == names.document("interview-1")
    assert (result.action, result.entity) == ("apply", "coding")
    ACTIONS["code retire"](coded, names)
    result = undo_latest(coded, actor="alice")
    assert result is not None and result.description == "undid the retire of code 'Time'"
    ACTIONS["new code from selection"](coded, names)
    result = undo_latest(coded, actor="alice")
    assert result is not None and result.entity == "code"
    assert "interview-1" in result.description and "Pace" in result.description


def test_undo_survives_a_restart_and_is_per_actor(coded: Store) -> None:
    names = Names(coded)
    interview = names.document("interview-1")
    before = tables(coded)
    apply_code(coded, coder="bob", document_id=interview,
               code_id=names.code("Relationships/Trust"), start=0, end=19)  # fmt: skip
    ACTIONS["apply"](coded, names)
    both = tables(coded)
    url = coded.url
    coded.dispose()
    reopened = open_project(url)
    try:
        # bob's undo takes back bob's coding, not alice's later one.
        assert undo_latest(reopened, actor="bob") is not None
        assert document_codings(reopened, "bob", interview) == []
        assert len(document_codings(reopened, "alice", interview)) == 3
        assert undo_latest(reopened, actor="ALICE") is not None  # a coder's name, any case
        assert tables(reopened) == before
        reopened.dispose()
        reopened = open_project(url)
        assert redo_latest(reopened, actor="alice") is not None
        assert redo_latest(reopened, actor="bob") is not None
        assert tables(reopened) == both
    finally:
        reopened.dispose()


def test_redo_only_right_after_undo(coded: Store) -> None:
    names = Names(coded)
    assert redo_latest(coded, actor="alice") is None  # nothing undone yet
    ACTIONS["apply"](coded, names)
    assert undo_latest(coded, actor="alice") is not None
    ACTIONS["code edit"](coded, names)
    assert redo_latest(coded, actor="alice") is None  # a new action since the undo
    before = tables(coded)
    ACTIONS["code rename"](coded, names)
    renamed = tables(coded)
    ACTIONS["memo update"](coded, names)
    updated = tables(coded)
    assert undo_latest(coded, actor="alice") is not None
    assert undo_latest(coded, actor="alice") is not None
    assert tables(coded) == before
    assert redo_latest(coded, actor="alice") is not None
    assert tables(coded) == renamed
    assert redo_latest(coded, actor="alice") is not None
    assert tables(coded) == updated
    assert redo_latest(coded, actor="alice") is None


def test_entries_of_earlier_versions_are_not_undoable(coded: Store) -> None:
    """An earlier version logged a coding as one row's before and after: undo says no, and
    does not reach past it to an older action."""
    names = Names(coded)
    ACTIONS["code edit"](coded, names)
    before = tables(coded)
    with coded.write() as session:
        record(session, "alice", "apply", "coding", 999, None,
               {"document_id": 1, "code_id": 1, "coder_id": 1, "start": 0, "end": 5})  # fmt: skip
        record(session, "alice", "undo", "audit", 998, {"start": 0}, None)
    assert undo_latest(coded, actor="alice") is None
    assert redo_latest(coded, actor="alice") is None
    assert tables(coded) == before


def test_reconciliation_decisions_undo_exactly(store: Store) -> None:
    built = reconcile_project(store)
    pair: dict[str, Any] = {"first": "alice", "second": "bob"}
    before = tables(store)
    queue = load_queue(store, **pair)
    decide(store, **pair, item=queue.find("2").key, choice="both", actor="lead")
    decided = tables(store)
    auto_accept(store, **pair, actor="lead")
    undone = undo_latest(store, actor="lead")
    assert undone is not None and undone.action == "accept"
    assert tables(store) == decided
    undone = undo_latest(store, actor="lead")
    assert undone is not None and undone.action == "decide"
    assert "interview" in undone.description
    assert tables(store) == before
    assert redo_latest(store, actor="lead") is not None
    assert tables(store) == decided
    assert built["codings"]  # the project had codings to reconcile


def test_every_undo_and_redo_is_in_the_audit_log(coded: Store) -> None:
    names = Names(coded)
    ACTIONS["apply"](coded, names)
    undone = undo_latest(coded, actor="alice")
    redo_latest(coded, actor="alice")
    assert undone is not None
    with coded.read() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(2))
        redo, undo = entries.all()
    assert (undo.action, undo.entity, undo.entity_id) == ("undo", "audit", undone.entry_id)
    assert (redo.action, redo.entity, redo.entity_id) == ("redo", "audit", undo.id)


# Bulk imports: one audit entry for the whole file or book, undone as one. ---------------------


def _import_codings_file(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """alice imports 120 codings of interview-1 with ``coder codings import``: some with memos,
    one by a new coder with a code path the project does not have yet."""
    text = SERVICES_TEXTS["interview-1"]
    lines = ["document,start,end,code,coder,memo,text"]
    for start in range(60):
        end = start + 1 + start % 7
        memo = f"note {start}" if start % 25 == 0 else ""
        code = "Relationships/Trust" if start % 2 else "Practicalities/Funding"
        lines.append(f"interview-1,{start},{end},{code},alice,{memo},{text[start:end]}")
        lines.append(f"interview-1,{start},{end},Relationships/Trust,bob,,")
    lines[-1] = "interview-1,0,5,New theme/New code,dora,a new coder's memo,"
    path = tmp_path / "codings.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(line.split(",", 6) for line in lines)
    monkeypatch.setenv("CODER_USER", "alice")
    argv = ["codings", "import", str(path), "-p", store.url, "--create-coders", "--create-codes"]
    assert run(argv) == 0


def test_a_codings_import_is_undone_exactly_and_redone(
    coded: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = tables(coded)
    _import_codings_file(coded, tmp_path, monkeypatch)
    after = tables(coded)
    assert len(after["codings"]) == len(before["codings"]) + 120
    assert len(after["memos"]) == len(before["memos"]) + 4
    assert {r[1] for r in after["coders"]} - {r[1] for r in before["coders"]} == {"dora"}

    undone = undo_latest(coded, actor="alice")
    assert undone is not None and (undone.action, undone.entity) == ("import", "coding")
    assert "imported 120 coding(s) and 4 memo(s) from codings.csv" in undone.description
    assert tables(coded) == before  # the coder and the codes it created go too
    assert redo_latest(coded, actor="alice") is not None
    assert tables(coded) == after
    assert undo_latest(coded, actor="alice") is not None
    assert tables(coded) == before


def test_a_codebook_import_is_undone_exactly_and_redone(
    coded: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = tmp_path / "book.yaml"
    book.write_text(
        "codebook: revised\n"
        "codes:\n"
        "  - name: Relationships\n"
        "    children:\n"
        "      - name: Trust\n"
        "        definition: Reliance on the partner.\n"
        "      - name: Reciprocity\n"
        "        children:\n"
        "          - name: Give and take\n"
        "  - name: Outcomes\n"
        "    definition: What came of it.\n"
        "    children:\n"
        "      - name: Policy change\n"
        "      - name: Papers\n"
    )
    before = tables(coded)
    monkeypatch.setenv("CODER_USER", "alice")
    assert run(["codebook", "import", str(book), "-p", coded.url]) == 0
    after = tables(coded)
    assert len(after["codes"]) == len(before["codes"]) + 5

    undone = undo_latest(coded, actor="alice")
    assert undone is not None and (undone.action, undone.entity) == ("import", "code")
    assert "5 code(s) added, 1 updated" in undone.description
    assert tables(coded) == before  # sub-codes before their parents, Trust as it was
    assert redo_latest(coded, actor="alice") is not None
    assert tables(coded) == after
    assert undo_latest(coded, actor="alice") is not None
    assert tables(coded) == before
