"""Codings: apply, remove, list, blind rules and the audit log, through the coding screen's
own functions (``coder.services.coding.edits``)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coder.db.engine import Store
from coder.db.models import AuditEntry, Code, Coding
from coder.errors import ConflictError, InputError, NotFoundError
from coder.services.coding.codings import list_codings
from coder.services.coding.edits import apply_code, remove_coding
from coder.services.project.lifecycle import update_settings
from tests.factories import Names, code_named


def test_apply_code_stores_the_span_text_and_audit(project: Store) -> None:
    view = code_named(
        project, coder="alice", document="interview-1", start=20, end=40, code="Relationships/Trust"
    )
    assert view.text == "Trust mattered most."
    assert str(view.code_path) == "Relationships/Trust"
    with project.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "apply")).one()
    assert entry.actor == "alice"
    # The entry holds the rows the action wrote (what undo replays).
    assert entry.after is not None and entry.after["created"]["codings"][0]["start"] == 20


def test_code_paths_resolve_case_insensitively(project: Store) -> None:
    view = code_named(
        project, coder="ALICE", document="interview-1", start=0, end=19, code="relationships/trust"
    )
    assert view.coder == "alice"


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"start": 5, "end": 5}, InputError, "outside document"),
        ({"start": -1, "end": 5}, InputError, "outside document"),
        ({"start": 0, "end": 10_000}, InputError, "outside document"),
        ({"code_id": 9999}, NotFoundError, "no code with id 9999"),
        ({"coder": "mallory"}, NotFoundError, "unknown coder 'mallory'"),
        ({"document_id": 9999}, NotFoundError, "no document with id 9999"),
    ],
)
def test_bad_codings_are_refused_and_nothing_is_written(
    project: Store, kwargs: dict[str, object], error: type[Exception], fragment: str
) -> None:
    names = Names(project)
    args: dict[str, object] = {
        "coder": "alice",
        "document_id": names.document("interview-1"),
        "code_id": names.code("Practicalities/Time"),
        "start": 0,
        "end": 19,
    }
    args.update(kwargs)
    with pytest.raises(error, match=fragment):
        apply_code(project, **args)  # type: ignore[arg-type]
    with project.read() as s:
        assert s.scalars(select(Coding)).all() == []


def test_unknown_names_are_named(project: Store) -> None:
    with pytest.raises(NotFoundError, match="unknown code 'Relationships/Nope'"):
        Names(project).code("Relationships/Nope")
    with pytest.raises(NotFoundError, match="unknown document 'interview-9'"):
        Names(project).document("interview-9")


def test_the_same_coding_twice_is_a_conflict(project: Store) -> None:
    names = Names(project)
    args = {
        "coder": "alice",
        "document_id": names.document("interview-1"),
        "start": 0,
        "end": 19,
        "code_id": names.code("Practicalities/Time"),
    }
    apply_code(project, **args)  # type: ignore[arg-type]
    with pytest.raises(ConflictError, match="already coded"):
        apply_code(project, **args)  # type: ignore[arg-type]


def test_a_folder_code_is_not_applied(project: Store) -> None:
    # NVivo's and MAXQDA's non-codable codes (isCodable="false" in REFI-QDA) group others.
    names = Names(project)
    folder = names.code("Practicalities")
    with project.write() as session:
        code = session.get(Code, folder)
        assert code is not None
        code.codable = False
    document = names.document("interview-1")
    with pytest.raises(ConflictError, match="is a folder"):
        apply_code(project, coder="alice", document_id=document, start=0, end=19, code_id=folder)
    assert list_codings(project, coders=["alice"]) == []


def test_blind_viewer_sees_only_their_own_codings(project: Store) -> None:
    code_named(
        project,
        coder="alice",
        document="interview-1",
        start=0,
        end=19,
        code="Relationships/Early engagement",
    )
    code_named(
        project, coder="bob", document="interview-1", start=20, end=40, code="Relationships/Trust"
    )
    assert [v.coder for v in list_codings(project, viewer="alice")] == ["alice"]
    assert [v.coder for v in list_codings(project, viewer="bob")] == ["bob"]
    assert sorted(v.coder for v in list_codings(project)) == ["alice", "bob"]
    update_settings(project, actor="lead", blind=False)
    assert sorted(v.coder for v in list_codings(project, viewer="alice")) == ["alice", "bob"]


def test_filters_by_code_include_sub_codes(project: Store) -> None:
    code_named(
        project, coder="alice", document="interview-1", start=20, end=40, code="Relationships/Trust"
    )
    code_named(
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
    view = code_named(
        project, coder="alice", document="interview-2", start=0, end=31, code="Practicalities/Time"
    )
    with pytest.raises(NotFoundError):
        remove_coding(project, coder="bob", coding_id=view.id)
    remove_coding(project, coder="alice", coding_id=view.id)
    assert list_codings(project) == []
    with project.read() as s:
        removed = s.scalars(select(AuditEntry).where(AuditEntry.action == "remove")).one()
    assert removed.before is not None and removed.before["deleted"]["codings"][0]["end"] == 31
