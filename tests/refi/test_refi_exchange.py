"""Project-level REFI-QDA exchange: export, re-import, and the NVivo sample through the service."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree
from sqlalchemy import select

from coder.api import Project
from coder.db.engine import Store
from coder.db.models import Code, Coder, Coding, Document, Memo
from coder.domain.codebook import Codebook, CodeDef
from coder.domain.documents import DocumentDraft, ImportReport
from coder.errors import ConflictError
from coder.io.refi import read_qdc, schema_errors
from coder.services.codebook.codes import CodeTree, import_codebook
from coder.services.documents.corpus import store_drafts
from coder.services.exports.refi_export import export_refi_codebook, export_refi_project
from coder.services.exports.refi_import import import_refi_codebook, import_refi_project
from coder.services.project.coders import add_coder
from coder.services.project.lifecycle import create_project
from tests.dbdump import dump
from tests.factories import code_named
from tests.refi.refi_helpers import NVIVO

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

TEXT_A = (
    "Interviewer: Why did you partner?\nAnn: The grant 😀 made it possible.\n\tWe had no staff."
)
TEXT_B = "Ben: Impact mattered most. Policy changed after the report.\n"


def _fill(store: Store) -> None:
    add_coder(store, "ann")
    add_coder(store, "ben")
    drafts = [
        DocumentDraft(
            name="interview 1",
            text=TEXT_A,
            source_format="txt",
            source_path="i1.txt",
            attributes={
                "role": "policy-maker",
                "year": 2021,
                "score": 0.00001,
                "consented": True,
                "interviewed": dt.date(2021, 3, 4),
            },
        ),
        DocumentDraft(
            name="interview 2",
            text=TEXT_B,
            source_format="txt",
            source_path="i2.txt",
            attributes={"role": "researcher", "year": 2022, "score": 3.5, "consented": False},
        ),
    ]
    store_drafts(store, drafts, [[], []], actor="t", report=ImportReport())
    import_codebook(
        store,
        Codebook(
            codes=[
                CodeDef(
                    name="Why partner",
                    definition="Reasons for working together.",
                    colour="#0072b2",
                    children=[
                        CodeDef(
                            name="Funding",
                            definition="Money as a reason.",
                            inclusion="grants\nbudgets",
                            exclusion="staff time",
                            example="the grant made it possible",
                            keywords=["grant", "money"],
                            colour="#e69f00",
                        ),
                        CodeDef(name="Impact", definition="Change it made."),
                    ],
                ),
                CodeDef(name="Staffing", exclusion="money"),
            ]
        ),
        actor="t",
    )
    grant = TEXT_A.index("The grant")
    sentence_end = TEXT_A.index("possible.") + len("possible.")
    code_named(store, coder="ann", document="interview 1", start=grant, end=sentence_end,
               code="Why partner/Funding", memo="clear case")  # fmt: skip
    code_named(store, coder="ben", document="interview 1", start=grant, end=sentence_end,
               code="Why partner/Funding")  # fmt: skip
    code_named(store, coder="ben", document="interview 1", start=grant, end=grant + 9,
               code="Why partner/Funding", memo="just the word")  # fmt: skip
    staff = TEXT_A.index("We had")
    code_named(store, coder="ann", document="interview 1", start=staff, end=len(TEXT_A),
               code="Staffing")  # fmt: skip
    code_named(store, coder="ben", document="interview 2", start=5, end=26,
               code="Why partner/Impact")  # fmt: skip
    with store.write() as session:
        ann = session.scalars(select(Coder).where(Coder.name == "ann")).one()
        ben = session.scalars(select(Coder).where(Coder.name == "ben")).one()
        doc = session.scalars(select(Document).where(Document.name == "interview 2")).one()
        staffing = session.scalars(select(Code).where(Code.name == "Staffing")).one()
        session.add_all(
            [
                Memo(author_id=ann.id, document_id=doc.id, text="Ben was in a hurry."),
                Memo(author_id=ben.id, code_id=staffing.id, text="Maybe merge with Resources?"),
                Memo(author_id=ann.id, text="Project memo:\nsecond line"),
            ]
        )


def _memos(store: Store) -> pd.DataFrame:
    with store.read() as session:
        tree = CodeTree.load(session)
        names = dict(session.execute(select(Coder.id, Coder.name)).all())
        docs = dict(session.execute(select(Document.id, Document.name)).all())
        rows = []
        for memo in session.scalars(select(Memo)):
            target = "project"
            if memo.document_id:
                target = f"document {docs[memo.document_id]}"
            elif memo.code_id:
                target = f"code {tree.path(memo.code_id)}"
            elif memo.coding_id:
                c = session.get(Coding, memo.coding_id)
                assert c is not None
                where = f"{docs[c.document_id]} {c.start}-{c.end}"
                target = f"coding {where} {tree.path(c.code_id)} {names[c.coder_id]}"
            author = names[memo.author_id] if memo.author_id else None
            rows.append({"author": author, "target": target, "text": memo.text})
    return pd.DataFrame(rows).sort_values(["target", "text"]).reset_index(drop=True)


def _frames(store: Store) -> dict[str, pd.DataFrame]:
    project = Project(store)
    codings = project.codings().drop(columns=["created_at"])
    codings = codings.sort_values(["document", "start", "end", "code", "coder"]).reset_index(
        drop=True
    )
    return {
        # source_format is provenance ("txt" before, "qdpx" after), not content.
        "documents": project.documents().drop(columns=["source_format"]),
        "codes": project.codes(),
        "codings": codings,
        "memos": _memos(store),
    }


@pytest.fixture
def filled(store: Store) -> Store:
    _fill(store)
    return store


def test_round_trip_keeps_documents_codes_codings_per_coder_memos_and_attributes(
    filled: Store, tmp_path: Path
) -> None:
    path = tmp_path / "project.qdpx"
    report = export_refi_project(filled, path)
    assert (report.documents, report.coders, report.codings, report.memos) == (2, 2, 5, 5)
    fresh = create_project(tmp_path / "fresh.db", name="fresh")
    try:
        result = import_refi_project(fresh, path, actor="tester")
        assert result.origin == "coder" and result.position_unit == "code points"
        before, after = _frames(filled), _frames(fresh)
        for name in before:
            pd.testing.assert_frame_equal(before[name], after[name], obj=name)
        assert set(after["codings"].coder) == {"ann", "ben"}
        assert after["documents"].attr_score.tolist() == [0.00001, 3.5]
        assert after["documents"].attr_interviewed[0] == dt.date(2021, 3, 4)
    finally:
        fresh.dispose()


def test_export_validates_against_the_official_schema_and_follows_the_conventions(
    filled: Store, tmp_path: Path
) -> None:
    path = tmp_path / "p.qdpx"
    export_refi_project(filled, path)
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        qde = zf.read("project.qde")
        texts = [zf.read(n) for n in names if n != "project.qde"]
    assert names[0] == "project.qde" and all(n.startswith("sources/") for n in names[1:])
    assert schema_errors(qde, "project") == []
    for data in [qde, *texts]:
        assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
        data.decode("utf-8")
    root = etree.fromstring(qde)
    assert root.tag == "{urn:QDA-XML:project:1.0}Project"
    guids = [el.get("guid") for el in root.iter() if el.get("guid")]
    assert guids and all(GUID.match(g) for g in guids) and len(set(guids)) == len(guids)
    colours = [el.get("color") for el in root.iter() if el.get("color")]
    assert colours == ["#0072B2", "#E69F00"]
    codings = root.findall(".//{urn:QDA-XML:project:1.0}Coding")
    users = {u.get("guid"): u.get("name") for u in root.iter("{urn:QDA-XML:project:1.0}User")}
    assert sorted(users[c.get("creatingUser")] for c in codings) == [
        "ann",
        "ann",
        "ben",
        "ben",
        "ben",
    ]
    # Two coders on the same stretch share one selection with two codings.
    sizes = sorted(len(s.findall("{*}Coding")) for s in root.iter("{*}PlainTextSelection"))
    assert sizes == [1, 1, 1, 2]


def test_re_export_gives_identical_bytes(filled: Store, tmp_path: Path) -> None:
    export_refi_project(filled, tmp_path / "a.qdpx")
    export_refi_project(filled, tmp_path / "b.qdpx")
    assert (tmp_path / "a.qdpx").read_bytes() == (tmp_path / "b.qdpx").read_bytes()


def test_import_refuses_a_project_that_has_documents(filled: Store, tmp_path: Path) -> None:
    path = tmp_path / "p.qdpx"
    export_refi_project(filled, path)
    before = dump(filled)
    with pytest.raises(ConflictError, match="new or empty project"):
        import_refi_project(filled, path, actor="tester")
    assert dump(filled) == before


def test_codebook_export_and_import(filled: Store, tmp_path: Path) -> None:
    path = tmp_path / "book.qdc"
    assert export_refi_codebook(filled, path) == 4
    assert schema_errors(path.read_bytes(), "codebook") == []
    assert read_qdc(path).codes[0].children[0].keywords == ["grant", "money"]
    fresh = create_project(tmp_path / "fresh.db")
    try:
        result = import_refi_codebook(fresh, path, actor="tester")
        assert len(result.codebook.added) == 4 and result.origin == "coder"
        pd.testing.assert_frame_equal(Project(filled).codes(), Project(fresh).codes())
    finally:
        fresh.dispose()


@pytest.mark.slow
def test_nvivo_sample_imports_with_every_coding_kept_by_its_coder(store: Store) -> None:
    report = import_refi_project(store, NVIVO, actor="tester")
    assert report.position_unit == "UTF-16 code units"
    assert report.documents == ["videos_selection", "videos_10_selected"]
    assert report.codings == 303 and len(report.codes_added) == 152
    assert sorted(report.coders) == ["Gergo", "floriansipos"]
    codings = Project(store).codings()
    assert len(codings) == 303
    assert set(codings.coder) == {"Gergo"}
    first = codings[codings.text.str.startswith("tudatos hal")]
    assert set(first.text) == {"tudatos hal äl reklám, hatalmas árulás"}
    assert "2. Attitűd szint az oltáshoz/piros" in set(first.code)
