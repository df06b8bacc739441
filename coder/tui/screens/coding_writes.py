"""The coding screen's writes: one at a time, in the order typed, off the UI thread.

Every change the coder makes (apply, remove, adjust, memo, new code, done, undo, redo) is one
service call run in a Textual thread worker, so a database held by another writer never
freezes the screen: the coder keeps moving and reading, and after a moment the status line
says the database is busy. Writes run one at a time in the order their keys were pressed; an
action that depends on what the writes before it did (remove, adjust, memo) waits for them, so
nothing typed is lost or applied twice. Each write reports back on the UI thread with a
past-tense message: :class:`CodingWrites.Written`, then ``CodingsChanged`` (what was done) or
``ActionRefused`` (what was refused, and the screen stays as it was).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from textual.message import Message
from textual.timer import Timer

from coder.domain.coding import UndoResult
from coder.domain.views import CodeView, CodingView
from coder.errors import CoderError
from coder.services.coding.loading import document_codings
from coder.services.failures import refusing_failures
from coder.tui.messages import ActionRefused, CodingsChanged
from coder.tui.screens.coding_layout import CodingLayout
from coder.tui.screens.dialogs import ChooseDialog

T = TypeVar("T")


@dataclass(frozen=True)
class HistoryStep:
    """What an undo or redo did (``None``: nothing to do), and what the screen shows after it."""

    result: UndoResult | None
    codes: list[CodeView] | None
    codings: list[CodingView]
    done: bool
    #: The coder's memos on codes, read again when the step was a memo's (else None).
    code_memos: dict[int, str] | None = None


#: A write still running after this long is waiting on another writer's lock (a write itself
#: takes milliseconds), and the status line says so.
BUSY_AFTER_S = 0.4


class CodingWrites(CodingLayout):
    """Runs the screen's writes in a worker, in order, and shows what each one did."""

    @dataclass
    class Written(Message):
        """A write finished: ``result`` is the service's answer, or ``refusal`` says why not."""

        result: Any
        refusal: str | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._steps: deque[Callable[[], None]] = deque()
        self._show: Callable[[Any], str | None] | None = None
        self._busy_timer: Timer | None = None

    @property
    def writing(self) -> bool:
        """Whether a write is running or waiting to run."""
        return self._show is not None or bool(self._steps)

    def after_writes(self, step: Callable[[], None]) -> None:
        """Run ``step`` now, or once the writes already asked for have finished, in order."""
        if self.writing:
            self._steps.append(step)
        else:
            step()

    def write(self, run: Callable[[], T], show: Callable[[T], str | None]) -> None:
        """Run ``run`` (service calls only) in the worker; ``show`` its answer on the UI thread.

        ``show`` updates what is on screen and returns the sentence for the status line.
        """
        if self._show is not None:
            self._steps.append(partial(self.write, run, show))
            return
        self._show = show
        self._busy_timer = self.set_timer(BUSY_AFTER_S, self._say_busy)
        self.run_worker(partial(self._run, run), thread=True, group="write", name="write")

    def refresh_from_database(self) -> None:
        """Read the codes and codings again in the worker, in order with the writes."""
        self.write(self.reread, self.show_reread)

    def _run(self, run: Callable[[], object]) -> None:
        # In the worker thread: post_message is thread-safe.
        try:
            result = refusing_failures(run)
        except CoderError as exc:
            self.post_message(self.Written(None, str(exc)))
            return
        self.post_message(self.Written(result, None))

    def _say_busy(self) -> None:
        self.waiting = True
        self.describe_selection()

    def on_coding_writes_written(self, message: Written) -> None:
        show, self._show = self._show, None
        if self._busy_timer is not None:
            self._busy_timer.stop()
            self._busy_timer = None
        self.waiting = False
        if message.refusal is not None:
            self.post_message(ActionRefused(message.refusal))
        elif show is not None:
            note = show(message.result)
            if note:
                self.post_message(CodingsChanged(self.document_id, note))
        while self._steps and self._show is None:
            self._steps.popleft()()

    def on_action_refused(self, message: ActionRefused) -> None:
        # A toast as well as the status line: a refusal is rare and must not pass unseen.
        self.notify(message.note, severity="error", timeout=6)
        self.show_status(message.note)

    def choose(self, title: str, then: Callable[[CodingView], None]) -> None:
        """Run ``then`` on the coding under the selection as it is now, asking which if several.

        The selection is taken at the keystroke; the codings under it once the writes typed
        before have landed, so "1 x" removes what 1 applied.
        """
        start, end = self.text_view.selection

        def choose() -> None:
            found = self.codings_at(start, end)
            if not found:
                self.notify("No coding under the cursor.", severity="warning")
                return
            if len(found) == 1:
                then(found[0])
                return
            by_id = {c.id: c for c in found}
            options = [(self.coding_label(c) + f" [{c.start}-{c.end}]", c.id) for c in found]

            def chosen(coding_id: int | None) -> None:
                if coding_id is not None and coding_id in by_id:
                    then(by_id[coding_id])

            self.app.push_screen(ChooseDialog(title, options), chosen)

        self.after_writes(choose)

    def codings_now(self) -> list[CodingView]:
        """This coder's codings of the document, read again (in the worker, after a write)."""
        return document_codings(self.context.store, self.context.coder, self.document_id)
