"""The reconciliation screen: walk two coders' disagreements and decide each into consensus.

Each item is a passage (the units with the same decision to make, shown whole with who says
it); keys decide it (keep A, keep B, both, shared, edit), skip, go back, accept every agreeing
passage, change the order and undo; the progress line always shows decided and remaining. The
rationale written with w becomes the memo of the consensus codings of the next decision. The
queue opens at the first undecided disagreement, so quitting and coming back resumes there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Label, SelectionList, Static

from coder.domain.agreement import DEFAULT_OVERLAP, Overlap
from coder.domain.documents import UnitKind
from coder.domain.reconcile import DEFAULT_CONSENSUS, Order, ReconcileItem, ReconcileQueue
from coder.errors import CoderError
from coder.services.codebook.codes import list_codes
from coder.services.reconcile.decisions import auto_accept, decide
from coder.services.reconcile.queue import item_context, load_queue
from coder.services.undo import undo_latest
from coder.tui.commands import Command, bindings
from coder.tui.context import ScreenContext
from coder.tui.screens.dialogs import MemoDialog
from coder.tui.widgets.reconcile_panels import ContextPanel, DefinitionsPanel, SidePanel


@dataclass
class QueueLoaded(Message):
    """The reconciliation queue was (re)read; ``focus`` is the item key to show, if any."""

    queue: ReconcileQueue
    focus: str | None
    note: str


class EditCodesDialog(ModalScreen[list[int] | None]):
    """Choose the consensus codes by hand: Space toggles, Enter keeps, Esc cancels."""

    BINDINGS: ClassVar = [
        Binding("enter", "keep", "Keep", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, options: Sequence[tuple[str, int]], chosen: set[int]) -> None:
        super().__init__()
        self.options = options
        self.chosen = chosen

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Consensus codes for this passage", classes="dialog-title")
            yield SelectionList[int](
                *((label, value, value in self.chosen) for label, value in self.options)
            )
            yield Label("Space toggle   Enter keep   Esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_keep(self) -> None:
        self.dismiss(list(self.query_one(SelectionList).selected))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReconcileScreen(Screen[None]):
    """Two coders' disagreements, one at a time, decided into the consensus coder."""

    CSS_PATH = "reconcile.tcss"

    COMMAND_LIST: ClassVar[tuple[Command, ...]] = (
        Command("a", "decide('a')", "Keep A", "Keep the first coder's codes"),
        Command("b", "decide('b')", "Keep B", "Keep the second coder's codes"),
        Command("o", "decide('both')", "Both", "Keep both coders' codes (union)"),
        Command("s", "decide('shared')", "Shared", "Keep only the codes both applied"),
        Command("e", "edit", "Edit", "Choose the consensus codes by hand"),
        Command("n,right", "move(1)", "Skip", "Skip to the next item (decide it later)"),
        Command("p,left", "move(-1)", "Back", "Go back to the previous item", footer=False),
        Command("w", "why", "Why", "Write the rationale (its memo) kept with the next decision"),
        Command("A", "accept", "Accept agreeing", "Accept every passage both coders coded alike"),
        Command("t", "toggle_order", "Order", "Order by document or weakest codes first"),
        Command("u", "undo", "Undo", "Undo your last decision"),
        Command("escape", "leave", "Quit", "Leave reconciliation (everything is saved)"),
    )
    BINDINGS = bindings(COMMAND_LIST)

    def __init__(
        self,
        context: ScreenContext,
        *,
        first: str,
        second: str,
        consensus: str = DEFAULT_CONSENSUS,
        order: str = "document",
        unit: UnitKind = UnitKind.SENTENCE,
        overlap: Overlap = DEFAULT_OVERLAP,
    ) -> None:
        super().__init__()
        self.context = context
        self.first, self.second, self.consensus = first, second, consensus
        # The command line has checked the name; anything but "weakest" is document order.
        self.order: Order = "weakest" if order == "weakest" else "document"
        self.unit = unit
        self.overlap = overlap
        self.queue: ReconcileQueue | None = None
        self.items: tuple[ReconcileItem, ...] = ()
        self.index = 0
        #: Rationale to keep with the next decision (written with w).
        self.rationale = ""

    @property
    def current(self) -> ReconcileItem | None:
        return self.items[self.index] if 0 <= self.index < len(self.items) else None

    def compose(self) -> ComposeResult:
        yield Static("Loading disagreements…", id="rec-progress")
        yield Static("", id="rec-item")
        yield ContextPanel(id="rec-context")
        with Horizontal(id="rec-sides"):
            yield SidePanel(id="rec-first")
            yield SidePanel(id="rec-second")
        yield DefinitionsPanel(id="rec-definitions")
        yield Static("", id="rec-why")
        yield Footer()

    def on_mount(self) -> None:
        self.show_rationale()
        self.load()

    def show_rationale(self) -> None:
        self.query_one("#rec-why", Static).update(
            f"Why: {self.rationale}" if self.rationale else "Why: (w to write a rationale)"
        )

    @work(thread=True, exclusive=True)
    def load(self, focus: str | None = None, note: str = "") -> None:
        """Read the queue in a worker and report it with :class:`QueueLoaded`."""
        try:
            queue = load_queue(
                self.context.store,
                first=self.first,
                second=self.second,
                consensus=self.consensus,
                order=self.order,
                unit=self.unit,
                overlap=self.overlap,
            )
        except CoderError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", timeout=8)
            return
        self.post_message(QueueLoaded(queue, focus, note))

    def on_queue_loaded(self, message: QueueLoaded) -> None:
        self.queue = message.queue
        self.items = message.queue.disagreements
        keys = [i.key for i in self.items]
        if message.focus in keys:
            self.index = keys.index(message.focus)
        else:
            first = message.queue.first_undecided()
            self.index = first if first is not None else 0
        self.render_item()
        if message.note:
            self.notify(message.note, timeout=3)

    def render_item(self) -> None:
        queue, item = self.queue, self.current
        if queue is None:
            return
        self.query_one("#rec-progress", Static).update(
            f"{queue.first} ↔ {queue.second} → {queue.consensus} · "
            f"decided {queue.decided}/{len(queue.disagreements)} · remaining {queue.remaining}"
            f" · agreeing to accept {queue.agreeing_pending} · by {queue.order}"
        )
        definitions = self.query_one(DefinitionsPanel)
        if item is None:
            self.query_one("#rec-item", Static).update("No disagreements between these coders.")
            self.query_one(ContextPanel).show(None)
            definitions.show(None, queue.codes)
            return
        state = "decided" if item.decided else "undecided"
        units = len(item.units)
        size = f" · {units} {self.unit}s" if units > 1 else ""
        self.query_one("#rec-item", Static).update(
            f"Item {self.index + 1} of {len(self.items)} · {item.document} "
            f"{item.start}-{item.end}{size} · {state}"
        )
        self.query_one(ContextPanel).show(item_context(self.context.store, item, unit=self.unit))
        self.query_one("#rec-first", SidePanel).show(
            f"A: {queue.first}", item.first, set(item.second_codes), queue.codes
        )
        self.query_one("#rec-second", SidePanel).show(
            f"B: {queue.second}", item.second, set(item.first_codes), queue.codes
        )
        definitions.show(item, queue.codes)

    def _next_after(self, key: str) -> str | None:
        """The key of the next undecided item after ``key`` (wrapping), to show after deciding."""
        keys = [i.key for i in self.items]
        start = keys.index(key) if key in keys else -1
        for step in range(1, len(self.items) + 1):
            candidate = self.items[(start + step) % len(self.items)]
            if not candidate.decided and candidate.key != key:
                return candidate.key
        return key

    def _decide(self, choice: str, code_ids: list[int] | None = None) -> None:
        item, ctx = self.current, self.context
        if item is None or self.queue is None:
            return
        try:
            result = decide(
                ctx.store,
                first=self.first,
                second=self.second,
                item=item,
                choice=choice,
                actor=ctx.coder,
                consensus=self.consensus,
                code_ids=code_ids,
                rationale=self.rationale,
                unit=self.unit,
                overlap=self.overlap,
                queue=self.queue,
            )
        except CoderError as exc:
            self.notify(str(exc), severity="error", timeout=6)
            return
        self.rationale = ""
        self.show_rationale()
        self.load(self._next_after(item.key), result.description)

    def action_decide(self, choice: str) -> None:
        self._decide(choice)

    def action_edit(self) -> None:
        item = self.current
        if item is None:
            return
        codes = list_codes(self.context.store)
        options = [(str(c.path), c.id) for c in codes]
        chosen = set(item.decision.code_ids if item.decision else item.codes_for("both"))

        def done(code_ids: list[int] | None) -> None:
            if code_ids is not None:
                self._decide("edit", code_ids)

        self.app.push_screen(EditCodesDialog(options, chosen), done)

    def action_move(self, delta: int) -> None:
        if self.items:
            self.index = (self.index + delta) % len(self.items)
            self.render_item()

    def action_why(self) -> None:
        def keep(text: str | None) -> None:
            if text is not None:
                self.rationale = text.strip()
                self.show_rationale()

        self.app.push_screen(MemoDialog("Why (kept with the next decision)", self.rationale), keep)

    def action_accept(self) -> None:
        try:
            report = auto_accept(
                self.context.store,
                first=self.first,
                second=self.second,
                actor=self.context.coder,
                consensus=self.consensus,
                unit=self.unit,
                overlap=self.overlap,
            )
        except CoderError as exc:
            self.notify(str(exc), severity="error", timeout=6)
            return
        focus = self.current.key if self.current else None
        self.load(focus, f"Accepted {report.accepted} agreeing passage(s)")

    def action_toggle_order(self) -> None:
        self.order = "weakest" if self.order == "document" else "document"
        self.load(self.current.key if self.current else None)

    def action_undo(self) -> None:
        try:
            result = undo_latest(self.context.store, actor=self.context.coder)
        except CoderError as exc:
            self.notify(str(exc), severity="error", timeout=6)
            return
        focus = self.current.key if self.current else None
        self.load(focus, result.description if result else "Nothing to undo")

    def action_leave(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit()
