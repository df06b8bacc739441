"""Faults of the machine under a command: a full disk, a read-only project, an old schema, a
lost write-ahead log. Each is one line on standard error and a non-zero status, never a
traceback, and leaves the project as it was (or, for an import, says what was imported).

How each fault is made, as root, in a sandbox or CI:

* **A full disk**: a 1.5 MB tmpfs mounted for the test when the process may mount (root with
  CAP_SYS_ADMIN: this sandbox); otherwise, and always as a second test, ``RLIMIT_FSIZE`` in the
  command's process with ``SIGXFSZ`` ignored, so a write past the limit fails with ``EFBIG``
  (SQLite then says "disk I/O error", the other way a disk fails).
* **A read-only project**: ``chmod`` does not stop root, so the project's folder is bind-mounted
  read-only (``mount --bind`` then ``remount,ro``: the file system itself refuses, as a CD or a
  read-only share does); where mounting is not allowed, ``chattr +i`` makes the file and its
  folder immutable, which stops root too (ext4, xfs, btrfs). Without either the test is
  skipped and says why.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SCHEMA_0001

from coder.db.engine import connect
from coder.services.project.lifecycle import create_project
from coder.text.pipeline import load_pipeline
from tests.clirun import Outcome, run_bounded
from tests.dbdump import dump
from tests.factories import code_named, team_project

REPO = Path(__file__).resolve().parents[2]


def _run(*command: str) -> bool:
    return subprocess.run(command, capture_output=True).returncode == 0


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[bool]:
    """``folder`` as a small tmpfs while the block runs; False when mounting is not allowed."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = _run("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder))
    try:
        yield mounted
    finally:
        if mounted:
            _run("umount", "-l", str(folder))


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[tuple[Path, str]]:
    """A read-only view of ``folder``: a read-only bind mount, else the folder made immutable
    (``chattr +i``); the path to use and how it was made. Skips when neither is possible."""
    view = folder.with_name(folder.name + "-ro")
    view.mkdir()
    if _run("mount", "--bind", str(folder), str(view)):
        if _run("mount", "-o", "remount,bind,ro", str(view)):
            try:
                yield view, "read-only bind mount"
            finally:
                _run("umount", "-l", str(view))
            return
        _run("umount", "-l", str(view))
    files = [str(p) for p in folder.iterdir()]
    if _run("chattr", "+i", *files, str(folder)):
        try:
            yield folder, "chattr +i"
        finally:
            _run("chattr", "-i", *files, str(folder))
        return
    pytest.skip("cannot make a folder read-only for root here (no mount, no chattr +i)")


def rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    store = connect(path)
    try:
        return dump(store)
    finally:
        store.dispose()


def one_error(outcome: Outcome, *fragments: str) -> str:
    """The one ``coder: error:`` line of a failed command, holding every fragment."""
    assert outcome.status == 1 and not outcome.timed_out, outcome.describe()
    assert "Traceback" not in outcome.stderr, outcome.describe()
    errors = [line for line in outcome.error_lines if line.startswith("coder: error: ")]
    assert len(errors) == 1, outcome.describe()
    for fragment in fragments:
        assert fragment in errors[0], outcome.describe()
    return errors[0]


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    path = tmp_path / "study" / "study.db"
    path.parent.mkdir()
    store = create_project(path)
    team_project(store)
    code_named(store, coder="ana", document="doc-0", start=0, end=10, code="Relationships/Trust")
    store.dispose()
    load_pipeline()  # each forked command inherits the text pipeline (see test_teams_bad_input)
    return path


@pytest.fixture
def transcripts(tmp_path: Path) -> list[Path]:
    """Twelve transcripts of about 140 KB each (they fill a small disk in a few)."""
    folder = tmp_path / "transcripts"
    folder.mkdir()
    words = ["trust", "funding", "staff", "meeting", "ministry", "report", "café", "slowly"]
    paths = []
    for number in range(12):
        text = " ".join(words[(number + i * 7) % len(words)] for i in range(20_000))
        path = folder / f"interview-{number:02}.txt"
        path.write_text(f"Interview {number}. {text}.\n")
        paths.append(path)
    return paths


# ---------------------------------------------------------------------------------------------
# A full disk during an import


def assert_stopped_with_a_summary(outcome: Outcome, files: list[Path], reason: str) -> list[str]:
    """The import stopped at the full disk and said what was and was not imported; the names
    of the documents it imported."""
    line = one_error(outcome, "not imported", reason)
    failed = next(f for f in files if f"{f}:" in line)
    at = files.index(failed)
    imported = [f.stem for f in files[:at]]
    out = outcome.stdout.splitlines()
    assert [o.removeprefix("imported ") for o in out if o.startswith("imported ")] == imported
    assert [o.removeprefix("not attempted: ") for o in out if o.startswith("not attempted")] == [
        str(f) for f in files[at + 1 :]
    ]
    assert out[-1].startswith(
        f"{len(imported)} document(s) imported, 0 skipped, 1 file(s) failed,"
        f" {len(files) - at - 1} not attempted (the import stopped: {reason}"
    ), outcome.stdout
    return imported


def test_a_disk_that_fills_during_an_import_stops_it_with_a_summary(
    tmp_path: Path, transcripts: list[Path]
) -> None:
    disk = tmp_path / "disk"
    with tmpfs(disk, "1500k") as mounted:
        if not mounted:
            pytest.skip("cannot mount a tmpfs here; the RLIMIT_FSIZE test stands in")
        project = disk / "study.db"
        create_project(project).dispose()
        before = rows(project)
        outcome = run_bounded(["import", *map(str, transcripts), "-p", str(project)])
        imported = assert_stopped_with_a_summary(outcome, transcripts, "the disk is full")
        assert 0 < len(imported) < len(transcripts)
        after = rows(project)
        assert sorted(str(r[1]) for r in after["documents"]) == sorted(imported)
        assert after["coders"] == before["coders"] and after["codes"] == before["codes"]
        check = run_bounded(["check", "-p", str(project)])
        assert check.status == 0 and ": ok (" in check.stdout, check.describe()


def test_a_file_size_limit_during_an_import_stops_it_with_a_summary(
    project_file: Path, transcripts: list[Path]
) -> None:
    before = rows(project_file)
    limit = project_file.stat().st_size + 300_000
    outcome = run_bounded(
        ["import", *map(str, transcripts), "-p", str(project_file)], file_size=limit
    )
    imported = assert_stopped_with_a_summary(
        outcome, transcripts, "the disk failed to read or write"
    )
    after = rows(project_file)
    assert {r[1] for r in after["documents"]} - {r[1] for r in before["documents"]} == set(imported)
    assert after["codings"] == before["codings"]
    assert run_bounded(["check", "-p", str(project_file)]).status == 0


# ---------------------------------------------------------------------------------------------
# A read-only project: read, checked and exported elsewhere; every change refused in one line


READS = [
    ["docs", "list"],
    ["docs", "show", "doc-0"],
    ["coders", "list"],
    ["codes", "list"],
    ["codings", "list", "--coder", "ana"],
    ["memos", "list"],
    ["rounds"],
    ["check"],
    ["codebook", "export", "-f", "yaml"],
]
WRITES = [
    ["coders", "add", "dan"],
    ["codes", "rename", "Relationships/Trust", "Confidence"],
    ["docs", "rename", "doc-0", "doc-zero"],
    ["memos", "add", "a journal entry"],
    ["round", "start", "--coders", "ana", "ben"],
    # Refused before the screen opens, not at the first key that would code.
    ["code", "--coder", "ana"],
    ["reconcile", "--coders", "ana", "ben", "--auto", "--as", "lee"],
]


def test_a_read_only_project_can_be_read_and_exported_but_not_changed(
    project_file: Path, tmp_path: Path, transcripts: list[Path]
) -> None:
    before = rows(project_file)
    with read_only(project_file.parent) as (folder, how):
        project = str(folder / project_file.name)
        for argv in READS:
            outcome = run_bounded([*argv, "-p", project])
            assert outcome.status == 0 and not outcome.stderr.strip(), (how, outcome.describe())
        exported = tmp_path / "codings.csv"
        outcome = run_bounded(
            ["export", "-p", project, "--format", "codings-csv", "-o", str(exported)]
        )
        assert outcome.status == 0 and "Trust" in exported.read_text(), outcome.describe()
        backup = tmp_path / "backup.db"
        assert run_bounded(["backup", "-p", project, "-o", str(backup)]).status == 0
        assert rows(backup) == before
        for argv in [*WRITES, ["import", str(transcripts[0])]]:
            one_error(run_bounded([*argv, "-p", project]), project, "read-only", "not changed")
        inside = folder / "codings.csv"
        one_error(
            run_bounded(["export", "-p", project, "--format", "codings-csv", "-o", str(inside)]),
            str(inside),
        )
        assert not list(folder.glob("*.csv"))
    assert rows(project_file) == before


def test_a_read_only_file_in_a_writable_folder_is_read_through_sqlite_read_only_mode(
    project_file: Path,
) -> None:
    before = rows(project_file)
    if not _run("chattr", "+i", str(project_file)):
        pytest.skip("chattr +i is not available here (the folder test covers read-only mounts)")
    try:
        assert not os.access(project_file, os.W_OK)
        listing = run_bounded(["docs", "list", "-p", str(project_file)])
        assert listing.status == 0 and "doc-0" in listing.stdout, listing.describe()
        assert run_bounded(["check", "-p", str(project_file)]).status == 0
        one_error(run_bounded(["coders", "add", "dan", "-p", str(project_file)]), "read-only")
    finally:
        _run("chattr", "-i", str(project_file))
    assert rows(project_file) == before


# ---------------------------------------------------------------------------------------------
# An old project: read-only commands leave it alone; a writing command backs it up first


def sqlite_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}


def test_an_old_project_is_upgraded_only_by_a_command_that_writes_after_a_backup(
    tmp_path: Path,
) -> None:
    project = tmp_path / "old.db"
    shutil.copyfile(SCHEMA_0001, project)
    original = sqlite_rows(project)
    for argv in (["check"], ["docs", "list"], ["codings", "list", "--coder", "amina"]):
        one_error(
            run_bounded([*argv, "-p", str(project)]),
            str(project),
            "revision 0001, older than",
            "coder project migrate",
        )
    backup = tmp_path / "copy.db"
    assert run_bounded(["backup", "-p", str(project), "-o", str(backup)]).status == 0
    # Opening may switch the file to WAL mode (two header bytes); its rows and revision stay.
    assert sqlite_rows(project) == original == sqlite_rows(backup)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.db", "old.db"]

    outcome = run_bounded(["coders", "add", "zed", "-p", str(project)])
    assert outcome.status == 0, outcome.describe()
    kept = tmp_path / "old-schema-0001.backup.db"
    assert outcome.error_lines == [
        f"coder: upgraded the schema of {project} from revision 0001 to"
        f" {current_head()}; the file as it was is kept as {kept}"
    ]
    assert sqlite_rows(kept) == sqlite_rows(SCHEMA_0001)
    assert run_bounded(["check", "-p", str(project)]).status == 0
    again = run_bounded(["project", "migrate", "-p", str(project)])
    assert again.status == 0 and "nothing to do" in again.stdout


def test_coder_project_migrate_upgrades_and_refuses_a_read_only_old_project(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    project = folder / "old.db"
    shutil.copyfile(SCHEMA_0001, project)
    with read_only(folder) as (view, _how):
        one_error(
            run_bounded(["coders", "add", "zed", "-p", str(view / "old.db")]),
            "older than",
            "read-only",
        )
    assert sqlite_rows(project) == sqlite_rows(SCHEMA_0001)
    outcome = run_bounded(["project", "migrate", "-p", str(project)])
    assert outcome.status == 0 and "old-schema-0001.backup.db" in outcome.stdout
    assert (folder / "old-schema-0001.backup.db").exists()


def current_head() -> str:
    from coder.db.migrate import head_revision

    return head_revision()


# ---------------------------------------------------------------------------------------------
# A lost write-ahead log


CRASHING_WRITER = """
import os, signal, sys
from coder.services.project.lifecycle import open_project
from coder.services.coding.edits import apply_code
from tests.factories import Names

store = open_project(sys.argv[1])
ids = Names(store)
document, code = ids.document("doc-1"), ids.code("Relationships/Trust")
apply_code(store, coder="ben", document_id=document, code_id=code, start=0, end=5)
os.unlink(sys.argv[1] + "-wal")
for start in range(10):
    apply_code(store, coder="ben", document_id=document, code_id=code, start=start, end=start + 8)
print("acknowledged", flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_coder_check_says_when_a_deleted_wal_lost_acknowledged_writes(project_file: Path) -> None:
    before = rows(project_file)
    crashed = subprocess.run(
        [sys.executable, "-c", CRASHING_WRITER, str(project_file)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert crashed.returncode == -signal.SIGKILL and "acknowledged" in crashed.stdout, crashed
    assert not project_file.with_name("study.db-wal").exists()
    outcome = run_bounded(["check", "-p", str(project_file)])
    assert outcome.status == 1, outcome.describe()
    assert "Traceback" not in outcome.stderr
    lost = [line for line in outcome.error_lines if "-wal file is gone" in line]
    assert lost and all("page write(s) not yet in the database" in line for line in lost)
    assert f"{project_file}: sqlite: its -wal file is gone" in outcome.stderr
    # The eleven acknowledged codings are gone, as check said; the rest is as it was.
    assert rows(project_file)["codings"] == before["codings"]
