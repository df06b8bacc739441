"""Pinning a code to a number key: the dialog, then the write in a worker.

The codebook panel of the coding screen (``p``), Find code (Ctrl+T) and the codebook screen
(``p``) all pin through :func:`ask_pin`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from textual.screen import Screen

from coder.domain.views import CodeView
from coder.errors import CoderError
from coder.services.coding.pins import code_pins, pin_code
from coder.tui.context import ScreenContext
from coder.tui.screens.dialogs import PinDialog

#: Called on the UI thread with the coder's pins (key -> code id) and a note saying what changed.
PinsChanged = Callable[[dict[int, int], str], None]


def ask_pin(
    screen: Screen[Any],
    context: ScreenContext,
    code: CodeView,
    slots: Mapping[int, CodeView],
    pins: Mapping[int, int],
    then: PinsChanged,
) -> None:
    """Ask which key to pin ``code`` to, save it, and hand the coder's pins to ``then``."""

    def chosen(slot: int | None) -> None:
        if slot is not None:
            work = partial(_pin, screen, context, code, slot, then)
            screen.run_worker(work, thread=True, group="pin")

    screen.app.push_screen(PinDialog(code, slots, pins), chosen)


def _pin(
    screen: Screen[Any], context: ScreenContext, code: CodeView, slot: int, then: PinsChanged
) -> None:
    try:
        pinned = pin_code(context.store, coder=context.coder, code_id=code.id, slot=slot)
        pins = code_pins(context.store, context.coder)
    except CoderError as exc:
        screen.app.call_from_thread(screen.notify, str(exc), severity="error", timeout=6)
        return
    note = f"Pinned {code.path} to key {slot}" if pinned else f"Unpinned {code.path} from {slot}"
    screen.app.call_from_thread(then, pins, note)
