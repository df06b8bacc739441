"""Migration fixture, integrity check, online backup and project copy between backends."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import SCHEMA_0001, SERVER_URL
from sqlalchemy import text

from coder.db.engine import Store, connect
from coder.db.migrate import current_revision, head_revision, upgrade
from coder.domain import Codebook, CodeDef
from coder.errors import CoderError, ConflictError
from coder.services.codebook.codes import import_codebook
from coder.services.coding.codings import list_codings
from coder.services.documents.corpus import list_documents
from coder.services.documents.reading import get_document
from coder.services.project.check import check_project
from coder.services.project.lifecycle import open_project
from coder.services.project.maintenance import (
    backup_project,
    copy_project,
    project_fingerprint,
    reset_sequences,
    sqlite_integrity,
)
from tests.dbdump import dump
from tests.factories import code_named, team_project

WORKER = Path(__file__).with_name("teams_worker.py")
REPO = Path(__file__).resolve().parents[2]


def fixture_rows() -> dict[str, list[dict[str, Any]]]:
    """Every row of the 0001 fixture as SQLite stores it, keyed by table."""
    conn = sqlite3.connect(SCHEMA_0001)
    conn.row_factory = sqlite3.Row
    try:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            if r[0] != "alembic_version"
        ]
        return {t: [dict(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY 1")] for t in tables}
    finally:
        conn.close()


def old_database(empty_db_url: str, old_project: Path) -> str:
    """The 0001 fixture on the test backend: the file itself, or its rows on PostgreSQL."""
    if not SERVER_URL:
        return str(old_project)
    store = connect(empty_db_url, must_exist=False)
    upgrade(store, "0001")
    tables = fixture_rows()
    order = ["project_settings", "coders", "documents", "document_attributes", "units", "codes"]
    order += [t for t in ("codings", "memos", "document_status", "audit_log")]
    with store.engine.begin() as conn:
        for table in order:
            for row in tables[table]:
                if "blind" in row or "done" in row:
                    row = {k: bool(v) if k in ("blind", "done") else v for k, v in row.items()}
                cols = ", ".join(f'"{c}"' for c in row)
                conn.execute(
                    text(
                        f"INSERT INTO {table} ({cols}) VALUES ({', '.join(':' + c for c in row)})"
                    ),
                    row,
                )
        reset_sequences(conn)
    store.dispose()
    return empty_db_url


def test_schema_0001_fixture_upgrades_to_head_with_data_intact(
    empty_db_url: str, old_project: Path
) -> None:
    url = old_database(empty_db_url, old_project)
    before = connect(url)
    assert current_revision(before) == "0001"
    before.dispose()

    store = open_project(url)
    try:
        assert current_revision(store) == head_revision()
        expected = fixture_rows()
        with store.engine.connect() as conn:
            for table, rows in expected.items():
                now = conn.execute(text(f"SELECT * FROM {table} ORDER BY 1")).mappings().all()
                assert len(now) == len(rows), table
                for old, new in zip(rows, now, strict=True):
                    for column in ("id", "name", "text", "start", "end", "sha256", "value"):
                        if column in old:
                            assert new[column] == old[column], (table, column)
        codings = list_codings(store)
        assert {(c.coder, c.text) for c in codings} == {
            ("amina", "Trust came slowly."),
            ("amina", "Regular meetings"),
            ("amina", "Funding was always short."),
            ("jose", "Trust came slowly."),
            ("jose", "Staff turnover at the ministry."),
            ("jose", "café chats helped more than reports"),
        }
        # Blind: each coder sees only their own codings, and jose's private code stays his.
        assert {c.coder for c in list_codings(store, viewer="amina")} == {"amina"}
        assert [d.name for d in list_documents(store)] == ["interview-01", "interview-02"]
        assert get_document(store, "interview-02").text.endswith("than reports.")
        assert check_project(store).ok
        # The upgraded project is a working one: a new coding is accepted.
        code_named(
            store, coder="jose", document="interview-01", start=0, end=11, code="Barriers/Funding"
        )
    finally:
        store.dispose()


def test_fixture_is_small_and_really_revision_0001() -> None:
    assert SCHEMA_0001.stat().st_size < 400_000
    conn = sqlite3.connect(SCHEMA_0001)
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
        columns = {r[1] for r in conn.execute("PRAGMA table_info(coders)")}
        assert "db_role" not in columns
    finally:
        conn.close()


def code_some(store: Store) -> None:
    for i, coder in enumerate(["ana", "ben", "ana"]):
        code_named(
            store,
            coder=coder,
            document=f"doc-{i}",
            start=10,
            end=30,
            code="Relationships/Trust",
            memo=f"note {i}",
        )


def test_check_passes_on_a_sound_project(project: Store) -> None:
    code_some(project)
    report = check_project(project)
    assert report.ok, report.problems
    assert report.counts["codings"] == 3
    assert report.counts["documents"] == 3


def test_check_finds_bad_hashes_offsets_and_cycles(project: Store) -> None:
    code_some(project)
    with project.engine.begin() as conn:
        conn.execute(text("UPDATE documents SET text = 'tampered' || text WHERE name = 'doc-1'"))
        conn.execute(
            text('UPDATE codings SET "end" = 999999 WHERE id = (SELECT MIN(id) FROM codings)')
        )
        ids = {n: i for n, i in conn.execute(text("SELECT name, id FROM codes"))}
        conn.execute(
            text("UPDATE codes SET parent_id = :child WHERE id = :parent"),
            {"child": ids["Trust"], "parent": ids["Relationships"]},
        )
    problems = check_project(project).problems
    assert any("'doc-1'" in p and "sha256" in p for p in problems), problems
    assert any("length" in p and "'doc-1'" in p for p in problems), problems
    assert any(p.startswith("coding:") and "outside the text" in p for p in problems), problems
    assert any("cycle" in p and "'Trust'" in p for p in problems), problems


@pytest.mark.skipif(bool(SERVER_URL), reason="dangling rows need SQLite with foreign keys off")
def test_check_finds_dangling_references_and_sqlite_damage(project: Store, tmp_path: Path) -> None:
    code_some(project)
    path = Path(project.url.removeprefix("sqlite:///"))
    project.dispose()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("UPDATE codings SET code_id = 4242 WHERE id = 1")
    conn.commit()
    conn.close()
    problems = check_project(connect(path)).problems
    assert any("codings row(s) point to missing codes" in p for p in problems), problems
    assert any(p.startswith("sqlite:") for p in problems), problems

    garbage = tmp_path / "damaged.db"
    data = bytearray(path.read_bytes())
    data[4096 : 4096 + 512] = b"\xff" * 512  # overwrite part of the second page
    garbage.write_bytes(bytes(data))
    assert sqlite_integrity(garbage)


def start_churn(url: str, coder: str, seconds: float) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), "churn", url, coder, str(seconds)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )


@pytest.mark.slow
def test_backup_is_consistent_while_a_coder_keeps_working(project: Store, tmp_path: Path) -> None:
    worker = start_churn(project.url, "ana", 6.0)
    try:
        deadline = time.monotonic() + 30
        while not list_codings(project, coders=["ana"]):  # wait until it is really writing
            assert worker.poll() is None, worker.stderr.read() if worker.stderr else ""
            assert time.monotonic() < deadline
            time.sleep(0.05)
        target = tmp_path / "backups" / "b1.db"
        report = backup_project(project, target)
        during = len(list_codings(project))
    finally:
        out, err = worker.communicate(timeout=60)
    assert worker.returncode == 0, err
    applied = json.loads(out)["applied"]
    assert report.path == target and target.exists()
    copy = open_project(target)
    try:
        check = check_project(copy)
        assert check.ok, check.problems
        saved = check.counts["codings"]
        assert 0 < saved <= during <= applied
        # The backup holds whole actions only, the first ones in order: every coding carries
        # its memo when it should, except that the backup may fall between the last coding and
        # its memo (two keystrokes, two commits), never inside either.
        memos = check.counts["memos"]
        expected = len([i for i in range(saved) if i % 10 == 0])
        last_has_memo = (saved - 1) % 10 == 0
        assert memos == expected or (last_has_memo and memos == expected - 1)
    finally:
        copy.dispose()
    with pytest.raises(ConflictError, match="exists already"):
        backup_project(project, target)


def test_default_backup_name_sits_next_to_a_sqlite_project(project: Store) -> None:
    if SERVER_URL:
        pytest.skip("default name applies to SQLite projects")
    report = backup_project(project)
    try:
        assert report.path.parent == Path(project.url.removeprefix("sqlite:///")).parent
        assert report.path.name.endswith(".backup.db")
    finally:
        report.path.unlink()


def test_copy_moves_a_project_between_backends_and_back(
    project: Store, new_db_url: Callable[[str], str], tmp_path: Path
) -> None:
    code_some(project)
    # A parent created after its child (a code moved under a newer one) is a forward reference.
    import_codebook(project, Codebook(name="more", codes=[CodeDef(name="Z")]), actor="t")
    with project.engine.begin() as conn:
        ids = {n: i for n, i in conn.execute(text("SELECT name, id FROM codes"))}
        conn.execute(
            text("UPDATE codes SET parent_id = :z WHERE id = :r"),
            {"z": ids["Z"], "r": ids["Relationships"]},
        )
    original = project_fingerprint(project)
    original_dump = dump(project)

    other = f"sqlite:///{tmp_path / 'other.db'}"
    back = new_db_url("back")
    first = copy_project(project.url, other)
    assert first.rows["codings"] == 3
    second = copy_project(other, back)
    assert second.rows == first.rows
    returned = open_project(back)
    try:
        assert project_fingerprint(returned) == original
        assert dump(returned) == original_dump
        # Sequences were moved past the copied ids: new rows get fresh ids.
        code_named(
            returned, coder="ben", document="doc-2", start=40, end=50, code="Barriers/Funding"
        )
        assert len(list_codings(returned)) == 4
        assert check_project(returned).ok
    finally:
        returned.dispose()
    with pytest.raises(ConflictError, match="not empty"):
        copy_project(project.url, back)
    with pytest.raises(ConflictError, match="same"):
        copy_project(project.url, project.url)


def test_copy_fails_when_the_copy_differs_from_the_source(project: Store, tmp_path: Path) -> None:
    """The verification compares what was written: a destination that stores something else
    (here a trigger shifts every coding's end) fails the copy instead of reporting success."""
    code_some(project)
    target = connect(f"sqlite:///{tmp_path / 'altered.db'}", must_exist=False)
    try:
        upgrade(target)
        with target.engine.begin() as conn:
            conn.execute(
                text(
                    "CREATE TRIGGER shift AFTER INSERT ON codings BEGIN"
                    ' UPDATE codings SET "end" = "end" + 1 WHERE id = NEW.id; END'
                )
            )
    finally:
        target.dispose()
    with pytest.raises(CoderError, match="copy differs from the source in codings"):
        copy_project(project.url, target.url)


def test_copy_refuses_a_database_that_is_not_a_project(tmp_path: Path) -> None:
    from coder.errors import InputError

    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a database\n" * 10)
    with pytest.raises(InputError, match="not a coder project"):
        copy_project(bogus, tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()


def test_team_project_builds_the_documents_asked_for(store: Store) -> None:
    team_project(store, documents=1, coders=("solo",))
    assert [d.name for d in list_documents(store)] == ["doc-0"]
