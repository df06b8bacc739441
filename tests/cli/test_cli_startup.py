"""A command imports what it uses: listing and reporting never load the heavy packages.

``python -X importtime -m coder ...`` in a fresh process, as a user runs it; its report names
every module the command imported. Not timed (``benchmarks/startup_bench.py`` times it).
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import coder.cli
from coder.cli.main import COMMANDS, load_commands, run

#: Packages no listing or reporting command needs.
HEAVY = frozenset({"pandas", "alembic", "spacy", "openpyxl", "textual"})


def imported_by(*argv: str) -> set[str]:
    """The modules ``python -m coder ARGV`` imports; the command must succeed."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "coder", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return {
        line.split("|")[2].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "self [us]" not in line
    }


def packages(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


@pytest.fixture
def project(empty_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A document, a codebook and two coders' codings, made through the commands."""
    monkeypatch.setenv("CODER_USER", "lead")
    (tmp_path / "int-1.txt").write_text("We partnered early.\n\nTrust mattered most.\n")
    (tmp_path / "book.yaml").write_text("codebook: t\ncodes:\n  - name: Trust\n")
    (tmp_path / "codings.csv").write_text(
        "document,coder,code,start,end\nint-1,ana,Trust,0,19\nint-1,ben,Trust,0,19\n"
    )
    for argv in (
        ["init", "-p", empty_db_url],
        ["import", "-p", empty_db_url, str(tmp_path / "int-1.txt")],
        ["codebook", "import", "-p", empty_db_url, str(tmp_path / "book.yaml")],
        ["coders", "add", "ana", "ben", "-p", empty_db_url],
        ["codings", "import", "-p", empty_db_url, str(tmp_path / "codings.csv")],
    ):
        assert run(argv) == 0, argv
    return empty_db_url


def test_version_loads_no_database_toolkit_and_no_command() -> None:
    modules = imported_by("--version")
    assert not packages(modules) & (HEAVY | {"sqlalchemy", "rich", "pydantic", "numpy"})
    assert not {name for name in modules if name.startswith("coder.cli.")} - {"coder.cli.main"}


@pytest.mark.parametrize(
    "argv",
    [
        ["docs", "list"],
        ["codes", "list"],
        ["codings", "list"],
        ["coders", "list"],
        ["agreement", "--coders", "ana", "ben", "--bootstrap", "0"],
    ],
    ids=lambda argv: " ".join(argv[:2]),
)
def test_listing_and_reporting_load_no_heavy_package(project: str, argv: list[str]) -> None:
    modules = imported_by(*argv, "-p", project)
    assert packages(modules) & HEAVY == set()
    assert "numpy" in packages(modules) or argv[0] != "agreement"  # the report did run


@pytest.mark.parametrize(
    "argv", [["docs", "list"], ["codes", "list"], ["coders", "list"]], ids=" ".join
)
@pytest.mark.parametrize("user", ["ana", "lead"])  # blind: a coder's own work, or everyone's
def test_listings_read_with_core_and_never_load_the_orm(
    project: str, argv: list[str], user: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODER_USER", user)
    modules = imported_by(*argv, "-p", project)
    assert "coder.db.tables" in modules  # the listing did read the project
    assert not {name for name in modules if name.split(".")[:2] == ["sqlalchemy", "orm"]}
    assert "coder.db.models" not in modules


def test_docs_list_loads_no_codebook_and_no_other_docs_command(project: str) -> None:
    modules = imported_by("docs", "list", "-p", project)
    assert "coder.services.documents.listing" in modules
    assert not {"coder.domain.codebook", "coder.domain.spans"} & modules
    assert not {"coder.services.documents.manage", "coder.services.documents.sets"} & modules
    assert "rich.table" in modules and "rich._emoji_codes" not in modules  # headers: no emoji


@pytest.mark.parametrize("argv", [["docs", "list"], ["codes", "list"]], ids=" ".join)
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_listings_for_scripts_load_no_rich(project: str, argv: list[str], fmt: str) -> None:
    """Rich lays out tables for people; JSON and CSV go out without it."""
    modules = imported_by(*argv, "-p", project, "--format", fmt)
    assert "coder.cli.output" in modules
    assert "rich" not in packages(modules)


def test_each_command_is_built_from_the_module_that_registers_it() -> None:
    folder = Path(coder.cli.__file__).parent
    modules = {
        info.name
        for info in pkgutil.iter_modules([str(folder)])
        if "\ndef register(" in (folder / f"{info.name}.py").read_text(encoding="utf-8")
    }
    assert set(COMMANDS.values()) == modules, "a module under coder/cli is missing from COMMANDS"
    for module in modules:
        registered = set(load_commands(module))
        assert registered == {name for name, home in COMMANDS.items() if home == module}, module


def test_a_group_is_built_with_the_sub_command_that_runs() -> None:
    """``coder docs list`` builds ``docs`` with ``list`` alone; help and a wrong name see all."""
    whole = set(load_commands("docs")["docs"].commands)
    assert {"list", "show", "rename", "sets"} <= whole
    assert set(load_commands("docs", only="list")["docs"].commands) == {"list"}
    assert set(load_commands("docs", only="sets")["docs"].commands) == {"sets"}
    assert set(load_commands("docs", only="lsit")["docs"].commands) == whole
    assert set(load_commands("rounds", only="start")) == {"rounds", "round"}
    assert set(load_commands("rounds", only="start")["round"].commands) == {"start"}


def test_a_wrong_sub_command_is_still_told_its_neighbours(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["docs", "lsit"]) == 2
    assert "No such command 'lsit'. Did you mean 'list'?" in capsys.readouterr().err


def test_the_collector_waits_for_startup_then_runs_with_pythons_thresholds() -> None:
    code = (
        "import gc\n"
        "from coder.cli.main import STARTUP_GC_THRESHOLD, collect_after_startup\n"
        "defaults = gc.get_threshold()\n"
        "collect_after_startup()\n"
        "assert gc.get_threshold()[0] == STARTUP_GC_THRESHOLD\n"
        "before = gc.get_stats()[0]['collections']\n"
        "startup = [[] for _ in range(STARTUP_GC_THRESHOLD - 10_000)]\n"
        "assert gc.get_stats()[0]['collections'] == before\n"
        "later = [[] for _ in range(20_000)]\n"  # a long command goes on
        "assert gc.get_stats()[0]['collections'] > before\n"
        "assert gc.get_threshold() == defaults and gc.callbacks == []\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_a_command_closes_the_project_it_opened_and_exits_without_collecting(
    tmp_path: Path,
) -> None:
    """The CLI closes its projects itself (no -wal or -shm is left beside a SQLite file, as
    before) and then freezes its objects, so Python's exit frees them without collecting."""
    path = tmp_path / "p.db"
    assert run(["init", "-p", str(path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.db"]
    code = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0, file=sys.stderr))\n"
        f"sys.argv = ['coder', 'docs', 'list', '-p', {str(path)!r}]\n"
        "from coder.cli.main import entry\n"
        "entry()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "Documents (0)" in done.stdout
    assert done.stderr.strip() == "frozen True"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.db"]
