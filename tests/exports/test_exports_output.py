"""Outputs that cannot destroy: ``-o`` never writes over the project, never over a file unasked,
and never leaves half a file (issue 13).

Driven through the commands (``coder.cli.main.run``, or ``python -m coder`` where the process
must fail for real); the project is compared row by row and byte by byte afterwards.
"""

from __future__ import annotations

import hashlib
import os
import resource
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from coder.cli.main import run
from coder.db.engine import Store
from coder.domain import Codebook, CodeDef, DocumentDraft
from coder.errors import InputError
from coder.io.output import OutputExistsError, ProtectedOutputError, write_file_safely
from coder.services.project.lifecycle import create_project, open_project
from tests.dbdump import dump
from tests.factories import build_project, code_named, document_unit, paper_project

REPO = Path(__file__).resolve().parents[2]
#: Each command that takes -o, with what it needs (the project comes with -p).
COMMANDS = {
    "export": ["export", "-f", "codings-csv"],
    "export-xlsx": ["export", "-f", "codings-xlsx"],
    "agreement": ["agreement", "-c", "alice", "-c", "bob", "-u", "document", "-f", "csv"],
    "codebook-export": ["codebook", "export", "-f", "yaml"],
}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def study(tmp_path: Path) -> Iterator[Path]:
    """A SQLite project file, ``study.db``, with documents, codes and two coders' codings."""
    path = tmp_path / "study.db"
    store = create_project(str(path), name="study")
    paper_project(store)
    store.dispose()
    yield path


def snapshot(project: Path) -> tuple[str, dict[str, object]]:
    """The project's bytes and every row, to compare before and after."""
    store = open_project(str(project))
    try:
        return digest(project), dict(dump(store))
    finally:
        store.dispose()


def one_line_error(err: str, path: Path | str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("coder: error: ") and str(path) in lines[0], err
    return lines[0]


# Every command onto the database itself, with and without --force; every other name of the
# database's files (its companions, a link, another spelling) with --force, through `export`.
REFUSALS = [(c, "db", f) for c in sorted(COMMANDS) for f in (False, True)] + [
    ("export", t, True) for t in ("wal", "shm", "journal", "symlink", "hardlink", "dots")
]


@pytest.mark.parametrize(("command", "target", "force"), REFUSALS)
def test_output_onto_the_project_is_refused(
    study: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    target: str,
    force: bool,
) -> None:
    wal = study.with_name("study.db-wal")
    keeper = open_project(str(study))  # a coder at work: the -wal and -shm files exist
    try:
        if target == "symlink":
            out = tmp_path / "link.csv"
            out.symlink_to(study)
        elif target == "hardlink":
            out = tmp_path / "hard.csv"
            os.link(study, out)
        elif target == "dots":
            out = tmp_path / "sub" / ".." / "study.db"
            (tmp_path / "sub").mkdir()
        else:
            out = study if target == "db" else study.with_name(f"study.db-{target}")
        held = {p: digest(p) for p in (study, wal) if p.exists()}
        before = snapshot(study)
        capsys.readouterr()
        argv = [*COMMANDS[command], "-p", str(study), "-o", str(out)]
        assert run(argv + (["--force"] if force else [])) == 1
        line = one_line_error(capsys.readouterr().err, out)
        assert "project's database" in line
        assert {p: digest(p) for p in held} == held
    finally:
        keeper.dispose()
    assert snapshot(study) == before


@pytest.mark.parametrize("force", [False, True], ids=["", "force"])
def test_no_export_replaces_another_project(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str], force: bool
) -> None:
    """A project on a server has no file to protect, but a SQLite project named by -o (any
    SQLite database: a project, a backup) is never replaced, whatever -p is."""
    paper_project(store)
    other = tmp_path / "other.db"
    create_project(str(other), name="other").dispose()
    held = digest(other)
    capsys.readouterr()
    argv = ["export", "-f", "codings-csv", "-p", store.url, "-o", str(other)]
    assert run(argv + (["--force"] if force else [])) == 1
    assert "is a SQLite database" in one_line_error(capsys.readouterr().err, other)
    assert digest(other) == held


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_existing_file_is_replaced_only_with_force(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    out = tmp_path / "report.out"
    out.write_bytes(b"yesterday's report\n")
    out.chmod(0o640)
    argv = [*COMMANDS[command], "-p", str(study), "-o", str(out)]
    capsys.readouterr()
    assert run(argv) == 1
    line = one_line_error(capsys.readouterr().err, out)
    assert line.endswith("exists already; add --force to replace it")
    assert out.read_bytes() == b"yesterday's report\n"
    assert run([*argv, "--force"]) == 0
    assert out.read_bytes() != b"yesterday's report\n" and out.stat().st_size > 100
    assert stat.S_IMODE(out.stat().st_mode) == 0o640, "a replaced file keeps its permissions"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_new_file_gets_the_usual_permissions(study: Path, tmp_path: Path) -> None:
    out = tmp_path / "new.csv"
    old = os.umask(0o022)
    try:
        assert run(["export", "-f", "codings-csv", "-p", str(study), "-o", str(out)]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda d: d / "missing" / "out.csv", "the folder does not exist"),
        (lambda d: d / "a-file.txt" / "out.csv", "a part of the path is a file, not a folder"),
        (lambda d: d, "is a folder; give a file name"),
    ],
    ids=["missing-folder", "parent-is-a-file", "a-folder"],
)
def test_a_path_that_cannot_be_written_is_one_line(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], make, problem: str
) -> None:
    (tmp_path / "a-file.txt").write_text("a file")
    out = make(tmp_path)
    capsys.readouterr()
    assert run(["export", "-f", "codings-csv", "-p", str(study), "-o", str(out), "--force"]) == 1
    assert problem in one_line_error(capsys.readouterr().err, out)
    assert (tmp_path / "a-file.txt").read_text() == "a file"


# -- a write that fails half-way: the old file stays, whole ------------------------------------

BIG = 400_000  # characters of the coded passage: the export is far over the size limit below
LIMIT = 120_000  # bytes a process may write to one file (RLIMIT_FSIZE), above SQLite's -shm


@pytest.fixture
def big_project(tmp_path: Path) -> Path:
    path = tmp_path / "big.db"
    store = create_project(str(path), name="big")
    text = ("All of this was said in one long answer. " * (BIG // 40))[:BIG]
    book = Codebook(name="b", codes=[CodeDef(name="Long")])
    build_project(
        store, [DocumentDraft("long", text, "txt", "long.txt", {})], book, ("alice",),
        units=document_unit,
    )  # fmt: skip
    code_named(store, coder="alice", document="long", code="Long", start=0, end=BIG)
    store.dispose()
    return path


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


def _coder(
    argv: list[str], script: str | None = None, **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    """``coder ARGV`` in a process of its own (``python -c SCRIPT ARGV`` when given)."""
    command = [sys.executable, "-c", script] if script else [sys.executable, "-m", "coder"]
    return subprocess.run(
        [*command, *argv], cwd=REPO, capture_output=True, text=True, timeout=120, **kwargs
    )


def test_a_file_too_large_to_write_leaves_the_old_one(big_project: Path, tmp_path: Path) -> None:
    """The process may write only LIMIT bytes to a file (Python ignores SIGXFSZ, so the write
    fails with EFBIG, as it fails with ENOSPC on a full disk): one line, old file whole."""
    out = tmp_path / "codings.csv"
    out.write_text("the old export\n")
    before = snapshot(big_project)
    done = _coder(
        ["export", "-f", "codings-csv", "-p", str(big_project), "-o", str(out), "--force"],
        preexec_fn=_limit_file_size,
    )
    assert done.returncode == 1, done.stderr
    assert "cannot write the file: File too large" in one_line_error(done.stderr, out)
    assert out.read_text() == "the old export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".codings")] == []
    assert snapshot(big_project) == before


def test_a_process_killed_while_writing_leaves_the_old_file(
    big_project: Path, tmp_path: Path
) -> None:
    """With SIGXFSZ at its default the kernel kills the process in the middle of its write."""
    out = tmp_path / "codings.csv"
    out.write_text("the old export\n")
    script = (
        "import signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_DFL);"
        " from coder.cli.main import run; sys.exit(run(sys.argv[1:]))"
    )
    done = _coder(
        ["export", "-f", "codings-csv", "-p", str(big_project), "-o", str(out), "--force"],
        script,
        preexec_fn=_limit_file_size,
    )
    assert done.returncode == -signal.SIGXFSZ, (done.returncode, done.stderr)
    assert out.read_text() == "the old export\n"
    # What the killed process had written is in its hidden temporary file, never the target.
    partial = [p for p in tmp_path.iterdir() if p.name.startswith(".codings.csv.")]
    assert all(p.stat().st_size <= LIMIT for p in partial)


# -- the writer itself --------------------------------------------------------------------------


def test_writer_follows_a_symlink_and_keeps_it(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_file_safely(link, b"new", force=True)
    assert link.is_symlink() and real.read_text() == "new"


def test_writer_streams_into_a_device(tmp_path: Path) -> None:
    """/dev/null takes the bytes without --force; /dev/full reports a full device in one line."""
    write_file_safely(Path("/dev/null"), b"data")
    with pytest.raises(InputError, match=r"^/dev/full: cannot write the file: no space left"):
        write_file_safely(Path("/dev/full"), b"data")


def test_writer_refuses_before_writing(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    db.write_bytes(b"SQLite format 3\x00" + bytes(100))
    with pytest.raises(ProtectedOutputError, match="is the project's database"):
        write_file_safely(tmp_path / "p.db-shm", b"x", force=True, protect=[db.with_suffix(
            ".db-shm")])  # fmt: skip
    with pytest.raises(ProtectedOutputError, match="is a SQLite database"):
        write_file_safely(db, b"x", force=True)
    (tmp_path / "old.txt").write_text("old")
    with pytest.raises(OutputExistsError):
        write_file_safely(tmp_path / "old.txt", b"x")
    assert (tmp_path / "old.txt").read_text() == "old"
    assert not (tmp_path / "p.db-shm").exists()
