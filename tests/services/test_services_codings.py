"""Codings: apply, remove, list, blind rules and the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coder.db.engine import Store
from coder.db.models import AuditEntry, Coding
from coder.errors import ConflictError, InputError, NotFoundError
from coder.services.coding.codings import apply_code, list_codings, remove_coding
from coder.services.project.lifecycle import update_settings


def test_apply_code_stores_the_span_text_and_audit(project: Store) -> None:
    view = apply_code(
        project, coder="alice", document="interview-1", start=20, end=40, code="Relationships/Trust"
    )
    assert view.text == "Trust mattered most."
    assert str(view.code_path) == "Relationships/Trust"
    with project.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "apply")).one()
    assert entry.actor == "alice"
    assert entry.after is not None and entry.after["start"] == 20


def test_code_paths_resolve_case_insensitively(project: Store) -> None:
    view = apply_code(
        project, coder="ALICE", document="interview-1", start=0, end=19, code="relationships/trust"
    )
    assert view.coder == "alice"


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"start": 5, "end": 5}, InputError, "outside document"),
        ({"start": -1, "end": 5}, InputError, "outside document"),
        ({"start": 0, "end": 10_000}, InputError, "outside document"),
        ({"code": "Relationships/Nope"}, NotFoundError, "unknown code 'Relationships/Nope'"),
        ({"coder": "mallory"}, NotFoundError, "unknown coder 'mallory'"),
        ({"document": "interview-9"}, NotFoundError, "unknown document 'interview-9'"),
    ],
)
def test_bad_codings_are_refused_and_nothing_is_written(
    project: Store, kwargs: dict[str, object], error: type[Exception], fragment: str
) -> None:
    args: dict[str, object] = {
        "coder": "alice",
        "document": "interview-1",
        "start": 0,
        "end": 19,
        "code": "Time",
    }
    args["code"] = "Practicalities/Time"
    args.update(kwargs)
    with pytest.raises(error, match=fragment):
        apply_code(project, **args)  # type: ignore[arg-type]
    with project.read() as s:
        assert s.scalars(select(Coding)).all() == []


def test_the_same_coding_twice_is_a_conflict(project: Store) -> None:
    args = {
        "coder": "alice",
        "document": "interview-1",
        "start": 0,
        "end": 19,
        "code": "Practicalities/Time",
    }
    apply_code(project, **args)  # type: ignore[arg-type]
    with pytest.raises(ConflictError, match="already coded"):
        apply_code(project, **args)  # type: ignore[arg-type]


def test_blind_viewer_sees_only_their_own_codings(project: Store) -> None:
    apply_code(
        project,
        coder="alice",
        document="interview-1",
        start=0,
        end=19,
        code="Relationships/Early engagement",
    )
    apply_code(
        project, coder="bob", document="interview-1", start=20, end=40, code="Relationships/Trust"
    )
    assert [v.coder for v in list_codings(project, viewer="alice")] == ["alice"]
    assert [v.coder for v in list_codings(project, viewer="bob")] == ["bob"]
    assert sorted(v.coder for v in list_codings(project)) == ["alice", "bob"]
    update_settings(project, actor="lead", blind=False)
    assert sorted(v.coder for v in list_codings(project, viewer="alice")) == ["alice", "bob"]


def test_filters_by_code_include_sub_codes(project: Store) -> None:
    apply_code(
        project, coder="alice", document="interview-1", start=20, end=40, code="Relationships/Trust"
    )
    apply_code(
        project,
        coder="alice",
        document="interview-1",
        start=42,
        end=60,
        code="Practicalities/Funding",
    )
    assert [str(v.code_path) for v in list_codings(project, codes=["Relationships"])] == [
        "Relationships/Trust"
    ]
    assert len(list_codings(project, documents=["interview-1"], coders=["alice"])) == 2
    assert list_codings(project, documents=["interview-2"]) == []


def test_remove_only_own_codings(project: Store) -> None:
    view = apply_code(
        project, coder="alice", document="interview-2", start=0, end=31, code="Practicalities/Time"
    )
    with pytest.raises(NotFoundError):
        remove_coding(project, coder="bob", coding_id=view.id)
    remove_coding(project, coder="alice", coding_id=view.id)
    assert list_codings(project) == []
    with project.read() as s:
        removed = s.scalars(select(AuditEntry).where(AuditEntry.action == "remove")).one()
    assert removed.before is not None and removed.before["end"] == 31
