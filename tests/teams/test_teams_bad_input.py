"""A folder of hostile and broken files: each gets a clear one-line message, nothing changes.

The command-line tests run ``coder`` on every file as a user would (``coder import``, ``coder
codebook import``), each in a forked child limited to 1 GiB more memory than it started with
and to a time limit (:mod:`tests.clirun`), and check for each: a non-zero exit status, exactly
one line on standard error naming the file and the problem, no traceback, the project's rows
unchanged, and the time and memory the refusal took.
"""

from __future__ import annotations

import io
import resource
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SCHEMA_0001

from coder.db.engine import Store, connect
from coder.errors import CoderError, InputError
from coder.services.coding.importing import import_codings
from coder.services.documents.corpus import import_files
from coder.services.project.lifecycle import create_project, open_project
from coder.text.pipeline import load_pipeline
from tests.badfiles import (
    BadInput,
    make_bad_inputs,
    make_hostile_codebooks,
    make_hostile_codings,
    make_hostile_inputs,
    make_hostile_refi,
    pdf_bytes,
)
from tests.clirun import CRASHED, Outcome, run_bounded
from tests.dbdump import dump
from tests.factories import code_named, team_project

HUGE = 200 * 1024 * 1024


def extra_bad_inputs(folder: Path) -> list[BadInput]:
    """The issue's additions to tests/badfiles.py: size, encodings, ragged rows, truncation."""
    import docx

    bad: list[BadInput] = []

    def add(name: str, content: bytes, fragment: str, **kwargs: object) -> None:
        (folder / name).write_bytes(content)
        bad.append(BadInput(folder / name, fragment, dict(kwargs)))

    huge = folder / "transcript-200mb.txt"
    with huge.open("wb") as fh:  # sparse: no 200 MB written to the disk, or read back
        fh.truncate(HUGE)
    bad.append(BadInput(huge, "too large", {}))
    add(
        "ragged-short.csv",
        b"id,text,role\n1,hello there,a\n2,only two\n",
        "row has 2 fields",
        text_column="text",
    )
    add("ragged-wide.csv", b"id,text\n1,a,b,c\n", "fields", text_column="text")
    add("bad-utf8-bom.txt", b"\xef\xbb\xbfHello \xff\xfe\xfd broken", "cannot decode")
    add("odd-utf16.txt", b"\xff\xfeH\x00i\x00!", "cannot decode")
    add("nul-bytes.txt", b"Hello\x00\x00world\x00 text " * 5, "not a text file")
    document = docx.Document()
    document.add_paragraph("An interview that was cut off in the middle. " * 100)
    buffer = io.BytesIO()
    document.save(buffer)
    whole = buffer.getvalue()
    add("truncated.docx", whole[: len(whole) // 2], "corrupt .docx")
    pdf = pdf_bytes(["An interview cut off. " * 20])
    add("truncated-midway.pdf", pdf[:300], "corrupt PDF")
    return bad


@pytest.fixture
def coded(project: Store) -> Store:
    code_named(project, coder="ana", document="doc-0", start=0, end=10, code="Relationships/Trust")
    return project


def test_every_bad_document_is_refused_by_name_and_the_project_is_unchanged(
    coded: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "hostile"
    cases = make_bad_inputs(folder) + extra_bad_inputs(folder)
    assert len(cases) >= 30
    before = dump(coded)
    for case in cases:
        options = {k: v for k, v in case.kwargs.items() if k in ("text_column", "max_bytes")}
        report = import_files(coded, [case.path], actor="ana", **options)
        assert len(report.errors) == 1, (case.path.name, report)
        message = report.errors[0]
        assert case.path.name in message and case.fragment in message, message
        assert "\n" not in message and "Traceback" not in message
        assert not report.imported
    assert dump(coded) == before


def test_a_200_mb_file_is_refused_by_its_size_before_it_is_read(
    coded: Store, tmp_path: Path
) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as fh:
        fh.truncate(HUGE)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    began = time.perf_counter()
    report = import_files(coded, [huge], actor="ana")
    assert time.perf_counter() - began < 2.0
    # Reading it would have cost at least 200 MB of memory (ru_maxrss is in KiB on Linux).
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before < 50 * 1024
    assert len(report.errors) == 1
    assert report.errors[0].startswith(f"{huge}: file too large (200")


def test_a_codebook_with_a_cycle_is_refused_with_its_lines(coded: Store, tmp_path: Path) -> None:
    from coder.io.codebook import read_codebook

    book = tmp_path / "cycle.yaml"
    book.write_text("codes:\n  - name: A\n    parent: B\n  - name: B\n    parent: A\n")
    before = dump(coded)
    with pytest.raises(InputError, match=r"cycle\.yaml:3: cycle in 'parent': A . B . A"):
        read_codebook(book)
    assert dump(coded) == before


def test_codings_file_with_ragged_rows_changes_nothing(coded: Store, tmp_path: Path) -> None:
    rows = tmp_path / "codings.csv"
    rows.write_text("document,start,end,code,coder\ndoc-0,20,30,Barriers/Funding,ana\ndoc-0,40\n")
    before = dump(coded)
    with pytest.raises(CoderError) as error:
        import_codings(coded, rows, actor="ana")
    assert "codings.csv" in str(error.value)
    assert dump(coded) == before


def test_a_project_file_that_is_not_a_database_is_named_as_such(tmp_path: Path) -> None:
    for name, content in {
        "notes.db": b"Meeting notes, not a database.\n" * 20,
        "zeros.db": b"\x00" * 4096,
        "truncated.db": SCHEMA_0001.read_bytes()[:100],
    }.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(CoderError) as error:
            open_project(path).dispose()
        assert name in str(error.value) and "\n" not in str(error.value)
        assert path.read_bytes() == content


def test_a_database_from_another_program_or_a_newer_coder_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other-app.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    with pytest.raises(InputError, match="not a coder project"):
        open_project(other)
    newer = tmp_path / "newer.db"
    shutil.copyfile(SCHEMA_0001, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(CoderError, match="newer than this version of coder"):
        open_project(newer)


def test_a_database_from_the_first_schema_opens_by_upgrading(old_project: Path) -> None:
    store = open_project(old_project)
    try:
        from coder.services.coding.codings import list_codings

        assert len(list_codings(store)) == 6
    finally:
        store.dispose()


# ---------------------------------------------------------------------------------------------
# Through the command line, in bounded time and memory

#: A refusal may take this long on a loaded machine (most take milliseconds).
REFUSAL_SECONDS = 20.0
#: ... and grow the process's resident memory by this much at most.
REFUSAL_MEGABYTES = 300.0


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[BadInput]]:
    """Every broken and hostile file by the command that reads it (built once for the module)."""
    folder = tmp_path_factory.mktemp("hostile")
    broken = make_bad_inputs(folder / "broken") + extra_bad_inputs(folder / "broken")
    return {
        "broken": broken,
        "documents": make_hostile_inputs(folder / "documents"),
        "codebooks": make_hostile_codebooks(folder / "codebooks"),
        "refi": make_hostile_refi(folder / "refi"),
        "codings": make_hostile_codings(folder / "codings"),
    }


@pytest.fixture(scope="module")
def project_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite project with documents, codes and codings (file input does not depend on the
    backend), closed so that only the command under test has it open."""
    path = tmp_path_factory.mktemp("project") / "study.db"
    store = create_project(path)
    team_project(store)
    code_named(store, coder="ana", document="doc-0", start=0, end=10, code="Relationships/Trust")
    store.dispose()
    # Every import loads the text pipeline first; loaded here, each forked command inherits it
    # and its time is what refusing the file costs (not three seconds of loading spaCy).
    load_pipeline()
    return path


def rows_of(path: Path) -> dict[str, list[tuple[object, ...]]]:
    store = connect(path)
    try:
        return dump(store)
    finally:
        store.dispose()


def refusal_problems(outcome: Outcome, case: BadInput) -> list[str]:
    """What is wrong with how ``coder`` refused ``case`` (nothing when it did it right)."""
    problems = []
    if outcome.timed_out or outcome.killed_by is not None:
        problems.append(f"killed (signal {outcome.killed_by}, timed out {outcome.timed_out})")
    elif outcome.status in (0, CRASHED):
        problems.append(f"exit status {outcome.status}")
    lines = outcome.error_lines
    if len(lines) != 1 or not lines[0].startswith("coder: error: "):
        problems.append(f"{len(lines)} lines on stderr, not one 'coder: error:' line")
    elif case.path.name not in lines[0] or case.fragment not in lines[0]:
        problems.append(f"message lacks {case.path.name!r} or {case.fragment!r}")
    if "Traceback" in outcome.stderr:
        problems.append("a traceback")
    if outcome.seconds > REFUSAL_SECONDS:
        problems.append(f"took {outcome.seconds:.1f} s")
    if outcome.rss_growth_mb > REFUSAL_MEGABYTES:
        problems.append(f"grew by {outcome.rss_growth_mb:.0f} MB")
    return problems


def import_argv(case: BadInput, project: Path) -> list[str]:
    argv = ["import", str(case.path), "-p", str(project)]
    if case.kwargs.get("text_column"):
        argv += ["--text-column", str(case.kwargs["text_column"])]
    if case.kwargs.get("max_bytes"):
        argv += ["--max-bytes", str(case.kwargs["max_bytes"])]
    return argv


def refuse_all(
    cases: list[BadInput], project: Path, argv: Callable[[BadInput, Path], list[str]]
) -> list[str]:
    """Run ``coder`` on each case; the failures, each with what the command did."""
    before = rows_of(project)
    failures = []
    for case in cases:
        outcome = run_bounded(argv(case, project), timeout=REFUSAL_SECONDS + 10)
        problems = refusal_problems(outcome, case)
        if rows_of(project) != before:
            problems.append("the project changed")
            before = rows_of(project)
        if problems:
            failures.append(f"{case.path.name}: {'; '.join(problems)}\n{outcome.describe()}")
    return failures


def codebook_argv(case: BadInput, project: Path) -> list[str]:
    return ["codebook", "import", str(case.path), "-p", str(project)]


def codings_argv(case: BadInput, project: Path) -> list[str]:
    return ["codings", "import", str(case.path), "-p", str(project)]


def test_there_are_at_least_sixty_hostile_cases(hostile: dict[str, list[BadInput]]) -> None:
    assert sum(len(cases) for cases in hostile.values()) >= 60


@pytest.mark.slow
@pytest.mark.parametrize(
    ("group", "argv"),
    [
        ("broken", import_argv),
        ("documents", import_argv),
        ("codebooks", codebook_argv),
        ("refi", import_argv),
        ("codings", codings_argv),
    ],
)
def test_every_hostile_file_is_refused_through_the_command_line(
    hostile: dict[str, list[BadInput]],
    project_file: Path,
    group: str,
    argv: Callable[[BadInput, Path], list[str]],
) -> None:
    failures = refuse_all(hostile[group], project_file, argv)
    assert not failures, "\n\n".join(failures)


def test_max_bytes_moves_the_size_limit_of_coder_import(tmp_path: Path) -> None:
    import inspect

    from coder.cli.import_ import import_
    from coder.io import DEFAULT_MAX_BYTES

    option = inspect.signature(import_).parameters["max_bytes"].default
    assert option.default == DEFAULT_MAX_BYTES
    project = tmp_path / "study.db"
    create_project(project).dispose()
    transcript = tmp_path / "long.txt"
    transcript.write_text("A long answer about trust. " * 100)
    refused = run_bounded(["import", str(transcript), "-p", str(project), "--max-bytes", "1000"])
    assert refused.status == 1 and refused.error_lines == [
        f"coder: error: {transcript}: file too large (2,700 bytes; the limit is 1,000 bytes,"
        " raise it with --max-bytes)"
    ]
    imported = run_bounded(["import", str(transcript), "-p", str(project), "--max-bytes", "3000"])
    assert imported.status == 0 and "imported long" in imported.stdout, imported.describe()
