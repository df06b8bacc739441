"""The TUI's export never writes over the project and replaces a file only when told to."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, OptionList

from coder.db.engine import Store, sqlite_path
from coder.tui.app import make_app
from coder.tui.screens.dialogs import ChooseDialog
from coder.tui.screens.export import ExportDialog
from tests.dbdump import dump
from tests.pilot import settle

SIZE = (100, 30)


async def _choose_export(pilot: Any, fmt: str, target: Path) -> None:
    """e, pick the format, type the file, Ctrl+S: as a coder exports."""
    app = pilot.app
    await pilot.press("e")
    await settle(pilot)
    dialog = app.screen
    assert isinstance(dialog, ExportDialog)
    options = dialog.query_one(OptionList)
    names = [options.get_option_at_index(i).id for i in range(options.option_count)]
    options.highlighted = names.index(fmt)
    await pilot.pause()
    dialog.query_one("#export-path", Input).value = str(target)
    await pilot.press("ctrl+s")
    await settle(pilot)


@pytest.mark.parametrize(("answer", "replaced"), [("Keep", False), ("Replace", True)])
async def test_an_existing_file_is_replaced_only_when_the_coder_says_so(
    project: Store, tmp_path: Path, answer: str, replaced: bool
) -> None:
    target = tmp_path / "codebook.md"
    target.write_text("my edited codebook\n")
    app = make_app(project, coder="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _choose_export(pilot, "codebook-md", target)
        question = app.screen
        assert isinstance(question, ChooseDialog)
        assert "codebook.md exists already" in question.title_text
        assert target.read_text() == "my edited codebook\n", "nothing written before the answer"
        options = question.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(2)]
        options.highlighted = next(i for i, label in enumerate(labels) if label.startswith(answer))
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ChooseDialog)
    text = target.read_text()
    assert (text != "my edited codebook\n") is replaced
    assert ("Need for evidence" in text) is replaced


async def test_an_export_onto_the_project_file_is_refused(project: Store) -> None:
    path = sqlite_path(project.url)
    if path is None:
        pytest.skip("a project on a server has no file to write over")
    before, rows = hashlib.sha256(path.read_bytes()).hexdigest(), dump(project)
    app = make_app(project, coder="alice")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await _choose_export(pilot, "codings-csv", path)
        assert not isinstance(app.screen, ChooseDialog), "refused outright, not asked"
        shown = [n.message for n in app._notifications]
    assert any("is the project's database" in m for m in shown), shown
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert dump(project) == rows
