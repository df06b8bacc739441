"""REFI-QDA through the command line as a user types it: `coder import` of projects, and the
formats the error message offers."""

from __future__ import annotations

from pathlib import Path

import pytest

from coder.cli.main import run
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
