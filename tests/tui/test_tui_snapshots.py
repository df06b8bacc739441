"""Snapshots of every screen at 80x24 (and the coding screen wide and in the light theme).

Cursor blink is off and nothing on screen shows the time, so the pictures are stable.
"""

from __future__ import annotations

from textual.widgets import Input, TextArea

from coder.services.codebook.codes import list_codes
from coder.services.coding.edits import apply_code
from coder.services.documents.reading import get_document
from coder.tui.app import make_app


async def _steady(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    for widget in pilot.app.screen.query(TextArea):
        widget.cursor_blink = False
    await pilot.pause()


def _with_codings(project):
    doc = get_document(project, "interview-01").summary.id
    codes = {c.name: c.id for c in list_codes(project)}
    for start, end, name in [(44, 125, "Need for evidence"), (86, 125, "Barriers"),
                             (205, 233, "Credibility")]:  # fmt: skip
        apply_code(project, coder="alice", document_id=doc, code_id=codes[name],
                      start=start, end=end)  # fmt: skip
    return project


def _coding_screen(keys=("j", "j")):
    async def run_before(pilot) -> None:
        await _steady(pilot)
        await pilot.press("enter")
        await _steady(pilot)
        await pilot.press(*keys)
        await _steady(pilot)

    return run_before


def test_tui_snapshot_documents(project, snap_compare):
    app = make_app(_with_codings(project), "alice")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_steady)


def test_tui_snapshot_coding(project, snap_compare):
    app = make_app(_with_codings(project), "alice")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_coding_screen())


def test_tui_snapshot_coding_wide(project, snap_compare):
    app = make_app(_with_codings(project), "alice")
    assert snap_compare(app, terminal_size=(140, 36), run_before=_coding_screen(("j", "J")))


def test_tui_snapshot_coding_light(project, snap_compare):
    app = make_app(_with_codings(project), "alice", theme="textual-light")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_coding_screen())


def test_tui_snapshot_codebook(project, snap_compare):
    app = make_app(_with_codings(project), "alice")

    async def run_before(pilot) -> None:
        await _steady(pilot)
        await pilot.press("c")
        await _steady(pilot)
        await pilot.press("down")
        await _steady(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_tui_snapshot_search(project, snap_compare):
    app = make_app(project, "alice")

    async def run_before(pilot) -> None:
        await _steady(pilot)
        await pilot.press("s", *"partner", "enter")
        await _steady(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_tui_snapshot_help(project, snap_compare):
    app = make_app(project, "alice")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_coding_screen(("question_mark",)))


def test_tui_snapshot_new_code_dialog(project, snap_compare):
    app = make_app(project, "alice")
    assert snap_compare(
        app, terminal_size=(80, 24), run_before=_coding_screen(("j", "n", *"Speed"))
    )
