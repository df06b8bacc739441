"""Documents corrected after import: rename, remove, attributes, versions and sets, each undone
to exactly the tables before it and redone; and the import's duplicate and version policy."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from coder.cli.main import run
from coder.db.engine import Store
from coder.db.models import Base, Coding, Document
from coder.domain import DocumentDraft
from coder.domain.documents import ImportReport
from coder.errors import ConflictError, InputError, NotFoundError
from coder.services.coding.memos import set_memo
from coder.services.coding.status import set_done
from coder.services.documents.corpus import import_files, list_documents, store_drafts
from coder.services.documents.manage import (
    attributes_from_sheet,
    document_versions,
    edit_attributes,
    make_current,
    removal_preview,
    remove_document,
    rename_document,
)
from coder.services.documents.reading import get_document
from coder.services.documents.sets import (
    add_to_set,
    create_set,
    delete_set,
    list_sets,
    remove_from_set,
)
from coder.services.project.team import grant_login
from coder.services.reconcile.decisions import auto_accept, decide
from coder.services.reconcile.queue import load_queue
from coder.services.undo import redo_latest, undo_latest
from tests.conftest import SERVER_URL
from tests.dbdump import dump
from tests.factories import reconcile_project, sentence_units

LEAD = "lead"
NOTES_V2 = "The team described their partnerships as slow. Money came up at last."


def tables(store: Store) -> dict[str, Any]:
    """Every table but the audit log, which grows by design (an undo is itself recorded)."""
    out = dump(store)
    out.pop("audit_log")
    return out


def _import(store: Store, draft: DocumentDraft, *, new_version: bool = False) -> ImportReport:
    report = ImportReport()
    store_drafts(
        store, [draft], [sentence_units(draft.text)], actor=LEAD, report=report,
        new_version=new_version,
    )  # fmt: skip
    return report


@pytest.fixture
def managed(store: Store) -> Store:
    """The reconcile project (alice and bob coded 'interview' and 'notes') with everything a
    document can hold: decisions and consensus codings, memos on a coding and on a document,
    a done mark, attributes, a set, and a second version of 'notes'."""
    built = reconcile_project(store)
    pair: dict[str, Any] = {"first": "alice", "second": "bob"}
    queue = load_queue(store, **pair)
    decide(store, **pair, item=queue.items[0].key, choice="both", actor=LEAD)
    auto_accept(store, **pair, actor=LEAD)
    first = next(iter(built["codings"].values()))
    set_memo(store, coder="alice", text="why this", coding_id=first)
    set_memo(store, coder="alice", text="on the interview", document_id=built["docs"]["interview"])
    set_done(store, coder="alice", document_id=built["docs"]["interview"], done=True)
    edit_attributes(store, actor=LEAD, name="interview", values={"site": "north", "wave": "1"})
    create_set(store, actor=LEAD, name="Wave 1")
    add_to_set(store, actor=LEAD, name="Wave 1", documents=["interview", "notes"])
    create_set(store, actor=LEAD, name="Pilot")
    notes = DocumentDraft("notes", NOTES_V2, "txt", "notes.md", {"kind": "field"})
    assert _import(store, notes, new_version=True).new_versions == ["notes (version 2)"]
    return store


Action = Callable[[Store, Path], Any]

ACTIONS: dict[str, Action] = {
    "rename": lambda s, p: rename_document(s, actor=LEAD, name="interview", new_name="int-A"),
    "rename two versions": lambda s, p: rename_document(
        s, actor=LEAD, name="notes", new_name="field notes"
    ),
    "remove with codings, decisions, memos": lambda s, p: remove_document(
        s, actor=LEAD, name="interview"
    ),
    "remove every version": lambda s, p: remove_document(s, actor=LEAD, name="notes"),
    "remove the current version": lambda s, p: remove_document(
        s, actor=LEAD, name="notes", version=2
    ),
    "remove an older version": lambda s, p: remove_document(s, actor=LEAD, name="notes", version=1),
    "set and unset attributes": lambda s, p: edit_attributes(
        s, actor=LEAD, name="interview", values={"site": "south", "year": "2021"}, unset=["wave"]
    ),
    "attributes from a sheet": lambda s, p: attributes_from_sheet(s, actor=LEAD, path=p),
    "make an older version current": lambda s, p: make_current(
        s, actor=LEAD, name="notes", version=1
    ),
    "create a set": lambda s, p: create_set(s, actor=LEAD, name="Wave 2", description="later"),
    "delete a set": lambda s, p: delete_set(s, actor=LEAD, name="Wave 1"),
    "add to a set": lambda s, p: add_to_set(s, actor=LEAD, name="Pilot", documents=["notes"]),
    "take out of a set": lambda s, p: remove_from_set(
        s, actor=LEAD, name="Wave 1", documents=["interview"]
    ),
}


@pytest.fixture
def sheet(tmp_path: Path) -> Path:
    path = tmp_path / "classification.csv"
    path.write_text("name,age,site\ninterview,41,east\nnotes,,west\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("name", list(ACTIONS))
def test_each_action_is_undone_exactly_and_redone(managed: Store, sheet: Path, name: str) -> None:
    before = tables(managed)
    ACTIONS[name](managed, sheet)
    after = tables(managed)
    assert after != before
    undone = undo_latest(managed, actor=LEAD)
    assert undone is not None
    assert tables(managed) == before
    redone = redo_latest(managed, actor=LEAD)
    assert redone is not None and redone.entry_id == undone.entry_id
    assert tables(managed) == after
    assert undo_latest(managed, actor=LEAD) is not None
    assert tables(managed) == before


def test_every_table_that_points_at_a_document_is_handled_by_remove() -> None:
    """A table added later that points at documents, codings or decisions must be removed
    with them by remove_document (else the database's cascade would, out of undo's sight)."""
    pointing = {
        (fk.parent.table.name, fk.column.table.name)
        for table in Base.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table.name in ("documents", "codings", "reconcile_decisions")
    }
    assert pointing == {
        ("documents", "documents"),
        ("document_attributes", "documents"),
        ("units", "documents"),
        ("codings", "documents"),
        ("document_status", "documents"),
        ("memos", "documents"),
        ("memos", "codings"),
        ("reconcile_decisions", "documents"),
        ("consensus_sources", "codings"),
        ("consensus_sources", "reconcile_decisions"),
        ("document_set_members", "documents"),
    }


def test_remove_takes_everything_and_says_what(managed: Store) -> None:
    preview = removal_preview(managed, "interview")
    assert preview.versions == (1,)
    assert preview.codings > 0 and preview.coders == 3  # alice, bob and the consensus
    assert preview.memos == 2 and preview.decisions >= 1
    assert preview.losses.startswith(f"{preview.codings} codings by 3 coders, 2 memos")
    interview = get_document(managed, "interview").summary.id
    removed = remove_document(managed, actor=LEAD, name="interview")
    assert removed == preview
    with managed.read() as session:
        assert session.scalars(select(Coding).where(Coding.document_id == interview)).all() == []
    for name, rows in tables(managed).items():
        columns = [c.name for c in Base.metadata.tables[name].columns]
        if "document_id" in columns:
            at = columns.index("document_id")
            assert all(row[at] != interview for row in rows), name
    assert [d.name for d in list_documents(managed)] == ["notes"]
    with pytest.raises(NotFoundError, match="unknown document 'interview'"):
        get_document(managed, "interview")


def test_removing_the_current_version_brings_back_the_one_before(managed: Store) -> None:
    v1 = get_document(managed, "notes", version=1)
    remove_document(managed, actor=LEAD, name="notes", version=2)
    current = get_document(managed, "notes")
    assert current.summary.id == v1.summary.id and current.text == v1.text
    assert [d.id for d in list_documents(managed) if d.name == "notes"] == [v1.summary.id]
    with pytest.raises(NotFoundError, match="no version 2"):
        removal_preview(managed, "notes", version=2)


def test_an_older_version_made_current_comes_back_with_its_codings(managed: Store) -> None:
    old = get_document(managed, "notes", version=1)
    versions = document_versions(managed, "notes")
    assert [(v.summary.version, v.current) for v in versions] == [(1, False), (2, True)]
    assert versions[0].codings > 0 and versions[1].codings == 0
    assert versions[1].summary.attributes == {"kind": "field"}
    change = make_current(managed, actor=LEAD, name="notes", version=1)
    assert change.description == "made version 1 of 'notes' current again (now version 3)"
    now = get_document(managed, "notes")
    assert (now.summary.id, now.summary.version, now.text) == (old.summary.id, 3, old.text)
    assert [d.id for d in list_documents(managed) if d.name == "notes"] == [old.summary.id]
    assert [(v.summary.version, v.current) for v in document_versions(managed, "notes")] == [
        (2, False),
        (3, True),
    ]
    again = make_current(managed, actor=LEAD, name="notes", version=3)
    assert "already current" in again.description


def test_rename_renames_every_version_and_keeps_names_unique(managed: Store) -> None:
    with pytest.raises(ConflictError, match="a document named 'interview' already exists"):
        rename_document(managed, actor=LEAD, name="notes", new_name="interview")
    with pytest.raises(InputError, match="one line"):
        rename_document(managed, actor=LEAD, name="notes", new_name="  ")
    rename_document(managed, actor=LEAD, name="notes", new_name="field notes")
    assert [v.summary.name for v in document_versions(managed, "field notes")] == [
        "field notes",
        "field notes",
    ]
    with pytest.raises(NotFoundError):
        document_versions(managed, "notes")


def test_attributes_are_typed_as_their_key_is_in_the_project(managed: Store) -> None:
    _import(managed, DocumentDraft("memo", "A memo.", "txt", "memo.txt", {"year": 2020}))
    edit_attributes(managed, actor=LEAD, name="interview", values={"year": "2021", "note": "7"})
    attrs = get_document(managed, "interview").summary.attributes
    assert attrs["year"] == 2021 and attrs["note"] == "7"
    with pytest.raises(InputError, match="year is a whole number in this project"):
        edit_attributes(managed, actor=LEAD, name="interview", values={"year": "soon"})
    with pytest.raises(NotFoundError, match="has no attribute 'colour'"):
        edit_attributes(managed, actor=LEAD, name="interview", unset=["colour"])
    unchanged = edit_attributes(managed, actor=LEAD, name="interview", values={"year": "2021"})
    assert "as they were" in unchanged.description


def test_a_sheet_sets_typed_attributes_and_an_unknown_name_changes_nothing(
    managed: Store, sheet: Path, tmp_path: Path
) -> None:
    report = attributes_from_sheet(managed, actor=LEAD, path=sheet)
    assert report.documents == ["interview", "notes"] and report.values == 3
    assert get_document(managed, "interview").summary.attributes == {
        "site": "east",
        "wave": "1",
        "age": 41,
    }
    # An empty cell leaves the attribute alone; the sheet sets the current version's.
    assert get_document(managed, "notes").summary.attributes == {"kind": "field", "site": "west"}
    bad = tmp_path / "bad.csv"
    bad.write_text("name,age\ninterview,50\nnobody,3\nghost,4\n", encoding="utf-8")
    before = dump(managed)
    with pytest.raises(InputError, match=r"no document named 'nobody', 'ghost'.*nothing"):
        attributes_from_sheet(managed, actor=LEAD, path=bad)
    assert dump(managed) == before


def test_sets_list_filter_and_follow_new_versions(managed: Store) -> None:
    assert [(s.name, s.documents) for s in list_sets(managed)] == [
        ("Pilot", ()),
        ("Wave 1", ("interview", "notes")),
    ]
    with pytest.raises(ConflictError, match="already exists"):
        create_set(managed, actor=LEAD, name="Pilot")
    with pytest.raises(NotFoundError, match="unknown document 'ghost'"):
        add_to_set(managed, actor=LEAD, name="Pilot", documents=["notes", "ghost"])
    assert add_to_set(managed, actor=LEAD, name="Pilot", documents=["notes"]) == ["notes"]
    assert [d.name for d in list_documents(managed, in_set="Pilot")] == ["notes"]
    # A new version of a member is a member too.
    _import(managed, DocumentDraft("notes", "Third text.", "txt", "notes.txt"), new_version=True)
    assert [d.version for d in list_documents(managed, in_set="Pilot")] == [3]
    assert remove_from_set(managed, actor=LEAD, name="Wave 1", documents=["notes"]) == ["notes"]
    assert [d.name for d in list_documents(managed, in_set="Wave 1")] == ["interview"]
    assert delete_set(managed, actor=LEAD, name="Wave 1") == 1
    with pytest.raises(NotFoundError, match="unknown document set 'Wave 1'"):
        list_documents(managed, in_set="Wave 1")


# -- the import's policy: never merge documents because their texts are equal ---------------


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_changed_file_is_refused_unless_asked_for_as_a_new_version(
    store: Store, tmp_path: Path
) -> None:
    first = _write(tmp_path, "interview.txt", "Interviewer: Hello.\n\nAna: We met monthly.\n")
    assert import_files(store, [first], actor=LEAD, attributes={"site": "north"}).imported == [
        "interview"
    ]
    edit_attributes(store, actor=LEAD, name="interview", values={"wave": "1"})
    other = _write(tmp_path, "interview.md", "# Interview\n\nAna: We met monthly.\n")
    before = dump(store)
    refused = import_files(store, [other], actor=LEAD)
    assert refused.errors == [
        f"{other}: a document named 'interview' already exists (version 1); use --new-version"
        " to add this as its new version"
    ]
    assert dump(store) == before
    added = import_files(store, [other], actor=LEAD, attributes={"site": "south"}, new_version=True)
    assert added.new_versions == ["interview (version 2, keeping wave from version 1)"]
    doc = get_document(store, "interview")
    assert doc.summary.version == 2 and doc.summary.attributes == {"site": "south", "wave": "1"}
    # The first file again: the same text as version 1, which is not current: skipped, and
    # the way back is named.
    again = import_files(store, [first], actor=LEAD)
    assert again.imported == [] and again.errors == []
    assert "same text as version 1 of document 'interview'" in again.skipped[0]
    assert "coder docs current interview --version 1" in again.skipped[0]


def test_equal_texts_under_other_names_are_documents_of_their_own(
    store: Store, tmp_path: Path
) -> None:
    a = _write(tmp_path, "respondent-1.txt", "No.\n")
    b = _write(tmp_path, "respondent-2.txt", "No.\n")
    report = import_files(store, [a, b, a], actor=LEAD)
    assert report.imported == ["respondent-1", "respondent-2"]
    assert "same text as document 'respondent-1'" in report.skipped[0]
    with store.read() as session:
        assert len(session.scalars(select(Document)).all()) == 2


def test_one_name_twice_in_one_file_refuses_the_file(store: Store) -> None:
    """The spreadsheet readers give repeated names a row number; should a reader not, the two
    documents are not made versions of each other."""
    drafts = [
        DocumentDraft("r1", "Yes.", "csv", "survey.csv"),
        DocumentDraft("r2", "No.", "csv", "survey.csv"),
        DocumentDraft("r1", "Maybe.", "csv", "survey.csv"),
    ]
    before = dump(store)
    report = ImportReport()
    with pytest.raises(ConflictError, match=r"survey\.csv: two documents of this file are named"):
        store_drafts(
            store, drafts, [sentence_units(d.text) for d in drafts], actor=LEAD, report=report
        )
    assert dump(store) == before and report == ImportReport()


@pytest.mark.skipif(not SERVER_URL, reason="coder logins need PostgreSQL")
def test_a_coders_own_login_is_told_that_managing_documents_needs_the_lead(
    managed: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    role = f"t_alice_{uuid.uuid4().hex[:8]}"
    grant_login(managed, "alice", role=role, password="pw-alice", actor=LEAD)
    url = make_url(managed.url).set(username=role, password="pw-alice")
    alice = url.render_as_string(hide_password=False)
    try:
        before = dump(managed)
        for argv in (
            ["docs", "rename", "notes", "mine"],
            ["docs", "remove", "notes", "--yes"],
            ["docs", "set", "notes", "k=v"],
            ["docs", "current", "notes", "--version", "1"],
            ["docs", "sets", "create", "Mine"],
        ):
            capsys.readouterr()
            assert run([*argv, "-p", alice]) == 1
            said = capsys.readouterr().err.strip()
            assert said.startswith("coder: error: this needs the project lead"), said
            assert "\n" not in said
        assert dump(managed) == before
    finally:
        admin = create_engine(managed.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
        admin.dispose()


def test_a_new_version_keeps_the_refi_guid_of_the_source(store: Store) -> None:
    # A REFI-QDA source re-imported with a changed text is the same source to NVivo & co.
    guid = "6f1c2b3a-0d4e-4f5a-8b6c-7d8e9f0a1b2c"
    _import(store, DocumentDraft("notes", "First text.", "txt", "notes.txt"))
    with store.write() as session:
        row = session.scalars(select(Document).where(Document.name == "notes")).one()
        row.guid = guid
    _import(store, DocumentDraft("notes", "Second text.", "txt", "notes.txt"), new_version=True)
    with store.read() as session:
        rows = session.execute(
            select(Document.version, Document.guid).where(Document.name == "notes")
        ).all()
    assert sorted(rows) == [(1, guid), (2, guid)]
