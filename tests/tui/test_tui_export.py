"""Exports from the TUI: the same formats as ``coder export``, blind rules kept."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from textual.widgets import Input, OptionList

from coder.db.engine import Store, sqlite_path
from coder.tui.app import make_app
from coder.tui.screens.export import ExportDialog
from tests.factories import code_named

SIZE = (100, 30)


async def _export(project: Store, fmt: str, target: Path) -> None:
    app = make_app(project, coder="alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        options = dialog.query_one(OptionList)
        names = [options.get_option_at_index(i).id for i in range(options.option_count)]
        options.highlighted = names.index(fmt)
        await pilot.pause()
        dialog.query_one("#export-path", Input).value = str(target)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()


async def test_codings_export_from_the_tui_shows_only_my_work_when_blind(
    project: Store, tmp_path: Path
) -> None:
    code_named(
        project, coder="alice", document="interview-01", start=0, end=12, code="Motives/Credibility"
    )
    code_named(project, coder="bob", document="interview-01", start=0, end=12, code="Barriers")
    target = tmp_path / "out" / "codings.csv"
    await _export(project, "codings-csv", target)
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert [(r["coder"], r["code"]) for r in rows] == [("alice", "Motives/Credibility")]


async def test_blind_project_offers_no_whole_project_archive(project: Store) -> None:
    app = make_app(project, coder="alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        names = {options.get_option_at_index(i).id for i in range(options.option_count)}
        assert "codebook-docx" in names and "quotes-md" in names and "qdc" in names
        assert "qdpx" not in names
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ExportDialog)


async def test_codebook_markdown_from_the_tui(project: Store, tmp_path: Path) -> None:
    target = tmp_path / "codebook.md"
    await _export(project, "codebook-md", target)
    text = target.read_text(encoding="utf-8")
    assert "Need for evidence" in text and "Wanting research to inform a decision." in text


async def test_exports_go_next_to_the_project_not_to_the_shells_folder(
    project: Store, tmp_path: Path, monkeypatch
) -> None:
    elsewhere = tmp_path / "shell"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    path = sqlite_path(project.url)
    # Next to the project file; a project on a server has no file: the coder's home, by name.
    folder = path.parent / "exports" if path else tmp_path / "home" / "test" / "exports"
    app = make_app(project, coder="alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        shown = str(dialog.query_one("#export-folder").render())
        assert shown == f"Writes into {folder}"
        suggested = Path(dialog.query_one("#export-path", Input).value)
        assert suggested.parent == folder
        dialog.query_one("#export-path", Input).value = "mine.md"  # a bare name: in the folder
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert (folder / "mine.md").is_file()
    assert list(elsewhere.iterdir()) == []
