"""Importing files through the service: each file is one transaction; bad files change nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from coder.db.engine import Store
from coder.db.models import AuditEntry
from coder.domain.documents import DocumentDraft, ImportReport
from coder.services.documents import corpus
from coder.services.documents.corpus import import_files, list_documents
from coder.services.documents.reading import get_document
from tests.badfiles import BadInput, make_bad_inputs
from tests.dbdump import dump

BAD_DIR_NAME = "bad-inputs"


def _bad_inputs(tmp_path: Path) -> list[BadInput]:
    return make_bad_inputs(tmp_path / BAD_DIR_NAME)


def test_catalogue_is_large_enough(tmp_path: Path) -> None:
    assert len(_bad_inputs(tmp_path)) >= 15


@pytest.mark.parametrize("index", range(len(make_bad_inputs(Path("/tmp/coder-bad-probe")))))
def test_each_bad_file_is_refused_and_the_project_is_unchanged(
    project: Store, tmp_path: Path, index: int
) -> None:
    bad = _bad_inputs(tmp_path)[index]
    before = dump(project)
    report = import_files(project, [bad.path], actor="t", **bad.kwargs)
    assert len(report.errors) == 1, report
    message = report.errors[0]
    assert "\n" not in message
    assert bad.path.name in message
    assert bad.fragment in message
    assert report.imported == [] and report.new_versions == []
    assert dump(project) == before


def test_good_files_import_beside_bad_ones(project: Store, tmp_path: Path) -> None:
    good = tmp_path / "focus-group.txt"
    good.write_text("Facilitator: welcome.\n\nWe trusted them. It took years.\n", encoding="utf-8")
    bad = [b for b in _bad_inputs(tmp_path) if not b.kwargs][:3]
    seen: list[tuple[int, int, str]] = []
    report = import_files(
        project,
        [bad[0].path, good, bad[1].path, bad[2].path],
        actor="t",
        attributes={"group": "A"},
        progress=lambda done, total, label: seen.append((done, total, label)),
    )
    assert report.imported == ["focus-group"]
    assert len(report.errors) == 3
    assert seen[0] == (0, 4, bad[0].path.name) and seen[-1] == (4, 4, "")
    doc = get_document(project, "focus-group")
    assert doc.summary.attributes == {"group": "A"}
    sentences = [doc.text[u.start : u.end] for u in doc.units if u.kind == "sentence"]
    assert sentences == ["Facilitator: welcome.", "We trusted them.", "It took years."]
    assert {d.name for d in list_documents(project)} == {
        "interview-1",
        "interview-2",
        "focus-group",
    }


def test_importing_the_same_file_twice_skips_it(project: Store, tmp_path: Path) -> None:
    path = tmp_path / "memo.md"
    path.write_text("# Field notes\n\nThe ministry called back.\n", encoding="utf-8")
    assert import_files(project, [path], actor="t").imported == ["memo"]
    before = dump(project)
    again = import_files(project, [path], actor="t")
    assert again.imported == [] and len(again.skipped) == 1
    assert "same text as document 'memo'" in again.skipped[0]
    assert dump(project) == before


def test_survey_rows_with_equal_answers_are_all_kept(project: Store, tmp_path: Path) -> None:
    path = tmp_path / "survey.csv"
    path.write_text("respondent,answer,age\nr1,Yes,30\nr2,Yes,41\nr3,No,52\n", encoding="utf-8")
    report = import_files(project, [path], actor="t", text_column="answer")
    assert report.errors == []
    assert sorted(report.imported) == ["r1", "r2", "r3"]
    ages = {d.name: d.attributes.get("age") for d in list_documents(project, name_contains="r")}
    assert ages["r2"] == 41


def test_subtitle_speaker_turns_are_stored(project: Store, tmp_path: Path) -> None:
    path = tmp_path / "interview-3.vtt"
    path.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Interviewer>Why did you partner?\n\n"
        "00:00:05.000 --> 00:00:09.000\n<v Policy-maker>We needed evidence fast.\n\n"
        "00:00:09.500 --> 00:00:12.000\n<v Policy-maker>And trust came later.\n",
        encoding="utf-8",
    )
    assert import_files(project, [path], actor="t").imported == ["interview-3"]
    doc = get_document(project, "interview-3")
    turns = [(u.speaker, doc.text[u.start : u.end]) for u in doc.units if u.kind == "turn"]
    assert turns == [
        ("Interviewer", "Interviewer: Why did you partner?"),
        ("Policy-maker", "Policy-maker: We needed evidence fast. And trust came later."),
    ]


@pytest.mark.parametrize("batch_files", [8, 1])
def test_parallel_and_sequential_imports_store_the_same(
    tmp_path: Path, empty_db_url: str, monkeypatch: pytest.MonkeyPatch, batch_files: int
) -> None:
    """One batch for the worker, or one a file (the worker and the caller each segment some:
    the caller segments a later batch while the worker's is not ready)."""
    from coder.services.project.lifecycle import create_project
    from coder.text import segmenting

    monkeypatch.setattr(segmenting, "BATCH_FILES", batch_files)

    files = []
    for i in range(6):
        path = tmp_path / f"doc-{i}.txt"
        path.write_text(f"Interview {i}. We met often.\n\nTrust grew over {i + 2} years.\n")
        files.append(path)
    bad = [b.path for b in _bad_inputs(tmp_path) if not b.kwargs][:2]
    files[2:2] = bad
    outcomes = []
    for parallel, url in ((True, empty_db_url), (False, f"sqlite:///{tmp_path / 'seq.db'}")):
        store = create_project(url)
        try:
            report = import_files(store, files, actor="t", parallel=parallel)
            docs = [get_document(store, d.name) for d in list_documents(store)]
            outcomes.append(
                (
                    report.imported,
                    report.errors,
                    [
                        (d.summary.name, d.text, [(u.kind, u.start, u.end) for u in d.units])
                        for d in docs
                    ],
                )
            )
        finally:
            store.dispose()
    assert outcomes[0] == outcomes[1]
    assert len(outcomes[0][0]) == 6 and len(outcomes[0][1]) == 2


def _interviews(folder: Path, count: int) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"doc-{i:02}.txt"
        path.write_text(f"Interview {i}. We met often.\n\nTrust grew over {i + 2} years. Slowly.\n")
        paths.append(path)
    return paths


def _outcome(store: Store, report: ImportReport) -> tuple[Any, ...]:
    docs = [get_document(store, d.name) for d in list_documents(store)]
    with store.read() as session:
        audit = session.scalars(select(AuditEntry.entity_id).where(AuditEntry.action == "import"))
        audited = sorted(i for i in audit if i is not None)
    return (
        report.imported,
        report.errors,
        report.skipped,
        report.words,
        report.stopped_by,
        report.not_attempted,
        [(d.summary.name, d.text, [(u.kind, u.start, u.end) for u in d.units]) for d in docs],
        len(audited),
    )


def _import_in_groups(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, group_files: int
) -> tuple[Any, ...]:
    """Import doc-03 and doc-06 first, then doc-00..doc-09 (doc-03 with a changed text, so
    refused; doc-06 unchanged, so skipped), ``group_files`` files to a transaction."""
    from coder.services.project.lifecycle import create_project

    monkeypatch.setattr(corpus, "GROUP_FILES", group_files)
    first = _interviews(tmp_path / "first", 10)
    paths = _interviews(tmp_path / "second", 10)
    paths[3].write_text("Interview 3, revised. Nothing was as before.\n")
    store = create_project(url)
    try:
        assert import_files(store, [first[3], first[6]], actor="t").imported == ["doc-03", "doc-06"]
        return _outcome(store, import_files(store, paths, actor="t"))
    finally:
        store.dispose()


def test_files_stored_in_groups_are_stored_as_file_by_file(
    tmp_path: Path, empty_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = _import_in_groups(f"sqlite:///{tmp_path / 'alone.db'}", tmp_path, monkeypatch, 1)
    grouped = _import_in_groups(empty_db_url, tmp_path, monkeypatch, 4)
    assert grouped == alone
    imported, errors, skipped = grouped[:3]
    assert imported == [f"doc-{i:02}" for i in range(10) if i not in (3, 6)]
    assert len(errors) == 1 and "doc-03.txt" in errors[0] and "already exists" in errors[0]
    assert len(skipped) == 1 and "doc-06" in skipped[0]
    assert grouped[-1] == 2 + 8  # one audit entry a stored document


def test_a_fault_inside_a_group_keeps_the_files_before_it(
    project: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk met at the sixth file of a group of ten: the group is rolled back and
    stored again file by file, so the five files before it are imported and said to be."""
    paths = _interviews(tmp_path / "docs", 10)
    store_document = corpus._store_document

    def full_at_doc_05(session: Any, draft: DocumentDraft, **kwargs: Any) -> int | None:
        if draft.name == "doc-05":
            raise OperationalError(
                "INSERT", {}, sqlite3.OperationalError("database or disk is full")
            )
        return store_document(session, draft, **kwargs)

    monkeypatch.setattr(corpus, "GROUP_FILES", 10)
    monkeypatch.setattr(corpus, "_store_document", full_at_doc_05)
    before = {d.name for d in list_documents(project)}
    report = import_files(project, paths, actor="t")
    assert report.imported == [f"doc-{i:02}" for i in range(5)]
    assert (
        len(report.errors) == 1 and "doc-05.txt: not imported: the disk is full" in report.errors[0]
    )
    assert report.stopped_by is not None and report.stopped_by.startswith("the disk is full")
    assert report.not_attempted == [str(p) for p in paths[6:]]
    assert {d.name for d in list_documents(project)} - before == set(report.imported)


def test_an_interrupted_import_leaves_whole_documents_only(
    project: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C during the 11th file (groups of 4): the two whole groups stay, each document
    with its units and its audit entry; the group being gathered is not stored."""
    monkeypatch.setattr(corpus, "GROUP_FILES", 4)
    paths = _interviews(tmp_path / "docs", 14)
    before = {d.name for d in list_documents(project)}

    def interrupt_at_the_11th(done: int, total: int, label: str) -> None:
        if done == 10:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_files(project, paths, actor="t", progress=interrupt_at_the_11th)
    stored = sorted({d.name for d in list_documents(project)} - before)
    assert stored == [f"doc-{i:02}" for i in range(8)]
    for name in stored:
        doc = get_document(project, name)
        assert [u.kind for u in doc.units].count("sentence") == 4
    with project.read() as session:
        audited = session.scalars(select(AuditEntry.after).where(AuditEntry.action == "import"))
        assert sorted(a.get("name") for a in audited if a.get("name") in stored) == stored
