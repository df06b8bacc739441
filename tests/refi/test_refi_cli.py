"""REFI-QDA through the command line as a user types it: `coder import` of projects, and the
formats the error message offers."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from coder.cli.main import run
from coder.db.engine import Store
from coder.services.coding.edits import apply_code
from tests.factories import Names, team_project
from tests.refi.test_refi_fidelity import HAND_AUTHORED, maxqda_archive


@pytest.fixture
def project(empty_db_url: str) -> str:
    assert run(["init", "-p", empty_db_url]) == 0
    return empty_db_url


def test_coder_import_of_a_qdpx_with_document_sets(
    project: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = maxqda_archive(tmp_path / "maxqda.qdpx")
    assert run(["import", "-p", project, str(archive)]) == 0
    out = capsys.readouterr()
    assert "imported a MAXQDA 24 (Release 24.7.0) project: 3 document(s)" in out.out
    assert "called a code group" not in out.err and "'ICLS 2024'" not in out.err


def test_an_unsupported_file_names_the_refi_formats_too(
    project: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = tmp_path / "notes.xyz"
    odd.write_text("hello", encoding="utf-8")
    assert run(["import", "-p", project, str(odd)]) == 1
    err = capsys.readouterr().err
    assert "unsupported file type" in err
    assert "qdpx" in err and "qde" in err and "qdc" in err


def test_coder_import_of_a_bare_qde(project: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["import", "-p", project, str(HAND_AUTHORED)]) == 0
    assert "imported a refi_qda test fixture project: 1 document(s)" in capsys.readouterr().out


def test_a_qdpx_export_of_a_code_tree_with_a_cycle_says_so_in_one_line(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Codes under each other, made by hand (coder never makes them): the export stops with
    one line that points to 'coder check', and writes nothing."""
    team_project(store)
    names = Names(store)
    trust, funding = names.code("Relationships/Trust"), names.code("Barriers/Funding")
    apply_code(store, coder="ana", document_id=names.document("doc-0"), code_id=trust,
               start=0, end=8)  # fmt: skip
    with store.engine.begin() as conn:
        for child, parent in ((trust, funding), (funding, trust)):
            conn.execute(
                text("UPDATE codes SET parent_id = :p WHERE id = :c"), {"p": parent, "c": child}
            )
    target = tmp_path / "out.qdpx"
    assert run(["export", "-p", store.url, "-f", "qdpx", "-o", str(target)]) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "coder check" in err and "Traceback" not in err
    assert not target.exists()
