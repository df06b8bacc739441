"""Projects, coders, documents and the codebook through the services."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from coder.db.engine import Store
from coder.db.models import AuditEntry, Code
from coder.domain import Codebook, CodeDef, DocumentDraft
from coder.domain.documents import ImportReport
from coder.errors import ConflictError, InputError, NotFoundError
from coder.services.codebook.codes import export_codebook, import_codebook, list_codes
from coder.services.documents.corpus import list_documents, store_drafts
from coder.services.documents.reading import get_document
from coder.services.project.coders import add_coder, list_coders
from coder.services.project.lifecycle import create_project, get_settings, open_project
from tests.factories import SERVICES_BOOK, sentence_units


def test_new_project_is_blind_with_sentence_units(store: Store) -> None:
    settings = get_settings(store)
    assert settings.blind is True
    assert settings.default_unit == "sentence"


def test_creating_twice_is_refused(store: Store) -> None:
    with pytest.raises(ConflictError, match="already exists"):
        create_project(store.url)


def test_opening_a_missing_project_names_it(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match=r"nope\.db: no such project"):
        open_project(tmp_path / "nope.db")


def test_opening_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("just some notes")
    with pytest.raises(InputError, match="not a coder project"):
        open_project(path)
    assert path.read_text() == "just some notes"


def test_coders_are_unique_ignoring_case(store: Store) -> None:
    add_coder(store, "Alice")
    with pytest.raises(ConflictError):
        add_coder(store, "alice")
    with pytest.raises(InputError):
        add_coder(store, "  ")
    assert [c.name for c in list_coders(store)] == ["Alice"]


def test_documents_keep_typed_attributes_and_units(project: Store) -> None:
    docs = {d.name: d for d in list_documents(project)}
    assert docs["interview-2"].attributes == {"role": "policy-maker", "year": 2021}
    assert docs["interview-1"].unit_counts == {"sentence": 4, "document": 1}
    assert [d.name for d in list_documents(project, where={"role": "researcher"})] == [
        "interview-1"
    ]
    doc = get_document(project, "interview-1")
    sentences = [doc.text[u.start : u.end] for u in doc.units if u.kind == "sentence"]
    assert sentences[1] == "Trust mattered most."
    assert doc.summary.imported_at.tzinfo is not None
    assert doc.summary.imported_at <= dt.datetime.now(dt.UTC)


def test_only_the_same_name_with_the_same_text_is_a_duplicate(project: Store) -> None:
    """Equal texts under other names are documents of their own; a changed text under a known
    name is refused unless it is asked for as a new version (see test_services_documents_manage
    for the whole policy)."""
    text = "Policy asked for rapid answers. Researchers wanted rigour."
    same_name = DocumentDraft("interview-2", text, "txt", "interview-2.txt")
    other_name = DocumentDraft("copy", text, "txt", "copy.txt")
    changed = DocumentDraft("interview-2", "Policy asked again.", "txt", "interview-2.txt")
    report = ImportReport()
    drafts = [same_name, other_name]
    store_drafts(
        project, drafts, [sentence_units(d.text) for d in drafts], actor="t", report=report
    )
    assert report.skipped and "same text as document 'interview-2'" in report.skipped[0]
    assert report.imported == ["copy"]
    with pytest.raises(ConflictError, match="use --new-version"):
        store_drafts(project, [changed], [sentence_units(changed.text)], actor="t", report=report)
    store_drafts(
        project, [changed], [sentence_units(changed.text)], actor="t", report=report,
        new_version=True,
    )  # fmt: skip
    assert report.new_versions == ["interview-2 (version 2, keeping role, year from version 1)"]
    assert get_document(project, "interview-2").text == "Policy asked again."
    assert len(list_documents(project)) == 3
    assert len(list_documents(project, all_versions=True)) == 4


def test_tampered_text_is_detected_on_open(project: Store) -> None:
    from coder.db.models import Document

    with project.write() as s:
        s.scalars(select(Document).where(Document.name == "interview-1")).one().text = "edited"
    with pytest.raises(InputError, match="does not match its sha256"):
        get_document(project, "interview-1")


def test_codebook_round_trip_through_the_project(project: Store) -> None:
    exported = export_codebook(project)
    assert [c.name for c in exported.codes] == ["Relationships", "Practicalities"]
    assert exported.codes[0].children[0].keywords == ["trust"]
    assert exported.codes[0].colour == "#0072B2"
    # Importing the same book again changes nothing; a new definition updates in place.
    report = import_codebook(project, SERVICES_BOOK, actor="t")
    assert report.added == [] and report.updated == []
    revised = Codebook(
        codes=[
            CodeDef(
                name="Relationships",
                children=[
                    CodeDef(name="Trust", definition="Revised."),
                    CodeDef(name="Reciprocity"),
                ],
            )
        ]
    )
    report = import_codebook(project, revised, actor="t")
    assert report.added == ["Relationships/Reciprocity"]
    assert report.updated == ["Relationships/Trust"]
    paths = [str(c.path) for c in list_codes(project)]
    assert paths[:4] == [
        "Relationships",
        "Relationships/Trust",
        "Relationships/Early engagement",
        "Relationships/Reciprocity",
    ]
    with project.read() as s:
        trust = s.scalars(select(Code).where(Code.name == "Trust")).one()
        # One audit entry for the whole import: the rows it added, and Trust as it was.
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert (entry.action, entry.entity) == ("import", "code")
    assert entry.before is not None and entry.after is not None
    (before,) = entry.before["updated"]["codes"]
    assert (before["id"], before["definition"]) == (trust.id, "Confidence in the partner.")
    assert trust.definition == "Revised."
    assert [c["name"] for c in entry.after["created"]["codes"]] == ["Reciprocity"]
