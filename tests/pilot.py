"""Waiting for a Textual app under Pilot: one helper for every TUI test."""

from __future__ import annotations

from typing import Any

from coder.tui.screens.coding import CodingScreen


async def settle(pilot: Any) -> None:
    """Wait until the app's workers are done and the coding screen's writes have been shown.

    Calm three times in a row: a load's answer can start another worker, and a dialog's answer
    starts its write just after the dialog closes.
    """
    calm = 0
    for _ in range(1500):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        writing = any(getattr(s, "writing", False) for s in pilot.app.screen_stack)
        calm = 0 if writing else calm + 1
        if calm == 3:
            return
        await pilot.pause(0.02)
    raise AssertionError("the app's workers and writes never finished")


async def wheel(pilot: Any, widget: Any, *, down: bool = True, times: int = 1) -> None:
    """Turn the mouse wheel over the middle of ``widget``, as the terminal reports it: the app
    gets a scroll event at that point of the screen and hands it to the widget under it."""
    from textual.events import MouseScrollDown, MouseScrollUp

    region = widget.region
    x, y = region.x + region.width // 2, region.y + region.height // 2
    event_type = MouseScrollDown if down else MouseScrollUp
    for _ in range(times):
        event = event_type(None, x, y, 0, 1 if down else -1, 0, False, False, False, x, y)
        pilot.app.post_message(event)
        await pilot.pause()
    await pilot.pause()


async def open_highlighted(pilot: Any) -> CodingScreen:
    """From the Documents screen, open the highlighted document with Enter, as a coder does;
    the coding screen it opens."""
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CodingScreen)
    return screen


async def highlight_code(pilot: Any, tree: Any, name: str) -> None:
    """Move down the focused codebook tree until the code called ``name`` is highlighted."""
    for _ in range(20):
        code = tree.highlighted_code
        if code is not None and code.name == name:
            return
        await pilot.press("down")
    raise AssertionError(f"{name} not found in the tree")


def codings_of(store: Any, coder: str = "alice") -> list[tuple[int, int, str]]:
    """A coder's codings as (start, end, code path), in the order the project lists them."""
    from coder.services.coding.codings import list_codings

    return [(c.start, c.end, str(c.code_path)) for c in list_codings(store, coders=[coder])]
