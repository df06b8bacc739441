"""Snapshots of the reconciliation screen (cursor blink off; nothing on screen shows the time)."""

from __future__ import annotations

from textual.widgets import Input

from coder.services.coding.memos import set_memo
from coder.tui.app import make_reconcile_app


async def _steady(pilot) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


def test_reconcile_snapshot_first_item(project, built, snap_compare):
    coding = built["codings"][("alice", "interview", 1, "Credibility")]
    set_memo(project, coder="alice", coding_id=coding, text="They gain standing")
    app = make_reconcile_app(project, "lead", first="alice", second="bob")
    assert snap_compare(app, terminal_size=(100, 30), run_before=_steady)


def test_reconcile_snapshot_after_a_decision(project, snap_compare):
    app = make_reconcile_app(project, "lead", first="alice", second="bob")

    async def run_before(pilot) -> None:
        await _steady(pilot)
        await pilot.press("w")
        await _steady(pilot)
        await pilot.press(*"both fit", "ctrl+s")
        await _steady(pilot)
        await pilot.press("o")
        await _steady(pilot)
        await pilot.press("p")
        await _steady(pilot)

    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)
