"""The documents screen: every document with this coder's progress; Enter opens one.

The lead corrects documents here too: rename (r), edit attributes (a), remove with its codings
(Delete, after a confirmation that says what goes), undo and redo (u, U). Each write is one
service call in a thread worker, one at a time in the order asked, and the list is read again
in the same worker; a refusal (a coder's login on a server, a name taken, a database busy past
patience) is a notice and the list stays as it was.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar, TypeVar

from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Input, Static

from coder.domain.coding import DocumentProgress
from coder.domain.document_admin import DocumentRemoval
from coder.domain.words import plural
from coder.errors import CoderError
from coder.services.coding.progress import document_progress
from coder.services.documents.manage import (
    edit_attributes,
    removal_preview,
    remove_document,
    rename_document,
)
from coder.services.failures import refusing_failures
from coder.services.undo import redo_latest, undo_latest
from coder.tui.commands import Command, bindings
from coder.tui.context import ScreenContext
from coder.tui.messages import OpenDocument
from coder.tui.screens.coding_layout import BUSY_NOTE
from coder.tui.screens.coding_writes import BUSY_AFTER_S
from coder.tui.screens.document_dialogs import (
    AttributeEdit,
    AttributesDialog,
    ConfirmDialog,
    RenameDialog,
)

T = TypeVar("T")

#: Rows shown before the first paint; the rest are added right after it.
FIRST_ROWS = 60

#: How many attribute columns fit: more on a wide terminal.
ATTRIBUTE_COLUMNS_NARROW = 1
ATTRIBUTE_COLUMNS_WIDE = 3


def _matches(row: DocumentProgress, query: str) -> bool:
    wanted = query.casefold()
    if wanted in row.name.casefold():
        return True
    return any(
        wanted in f"{key}={value}".casefold() or wanted in str(value).casefold()
        for key, value in row.attributes.items()
    )


def _cell(value: object, width: int = 28) -> str:
    text = str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


class DocumentsScreen(Screen[None]):
    """The project's documents, filterable by name or attribute, with done flags."""

    COMMAND_LIST: ClassVar[tuple[Command, ...]] = (
        Command("enter", "open", "Open", "Open the highlighted document for coding", priority=True),
        Command("slash", "filter", "Filter", "Filter documents by name or attribute (role=...)"),
        Command("escape", "clear_filter", "Clear filter", "Show all documents again", False),
        # The lead's corrections: in the help (?) and the palette; the footer is full at 80
        # columns with the keys every coder needs.
        Command("r", "rename", "Rename", "Rename the highlighted document (every version)", False),
        Command(
            "a", "attributes", "Attributes", "Edit the highlighted document's attributes", False
        ),
        Command(
            "delete",
            "remove",
            "Remove",
            "Remove the highlighted document with every coder's codings on it (u undoes)",
            False,
            key_display="Del",
        ),
        Command(
            "u,ctrl+z", "undo", "Undo", "Undo your last action (a removal, a rename...)", False
        ),
        Command("U,ctrl+y", "redo", "Redo", "Redo what you just undid", False),
    )
    BINDINGS = bindings(COMMAND_LIST)

    @dataclass
    class Written(Message):
        """A write finished: the service's answer and the list read again, or a refusal."""

        result: Any
        rows: list[DocumentProgress] | None
        refusal: str | None

    def __init__(self, context: ScreenContext) -> None:
        super().__init__()
        self.context = context
        self.rows: list[DocumentProgress] = []
        #: The ids of the rows shown (the filter applied), in the table's order.
        self.shown_ids: list[int] = []
        #: Which fill is current (rows still being added by an older one are dropped).
        self._generation = 0
        # Rows loaded by on_mount are fresh for the resume that follows the first showing.
        self._fresh = False
        #: What shows the answer of the write running now (None: no write is running).
        self._show: Callable[[Any], str | None] | None = None
        self._queued: deque[Callable[[], None]] = deque()
        self._busy_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="progress")
        yield Input(placeholder="/ filter by name or attribute", id="filter")
        yield DataTable(id="documents", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_rows()
        self._fresh = True
        self.query_one(DataTable).focus()

    def on_screen_resume(self) -> None:
        # Back from a document: the table has the focus (arrows, q and ? work at once).
        self.query_one(DataTable).focus()
        if self._fresh:
            self._fresh = False
            return
        self.refresh_rows()

    def refresh_rows(self) -> None:
        """Reload progress from the database (after coming back from a document)."""
        self.show_rows(document_progress(self.context.store, self.context.coder))

    def show_rows(self, rows: list[DocumentProgress]) -> None:
        """Show these rows and the progress line they add up to."""
        ctx = self.context
        self.rows = rows
        done = sum(r.done for r in self.rows)
        codings = sum(r.codings for r in self.rows)
        units = sum(r.units for r in self.rows)
        coded = sum(r.coded_units for r in self.rows)
        share = f"{100 * coded / units:.0f}%" if units else "-"
        self.query_one("#progress", Static).update(
            f"{ctx.project_name} · {ctx.coder}: {done}/{len(self.rows)} "
            f"documents done · {plural(codings, 'coding')} · {share} of sentences coded"
            + (" · blind" if ctx.settings.blind else "")
        )
        self._fill()

    def _attribute_keys(self) -> list[str]:
        keys: list[str] = []
        for row in self.rows:
            for key in row.attributes:
                if key not in keys:
                    keys.append(key)
        wide = self.app.size.width >= 120
        return keys[: ATTRIBUTE_COLUMNS_WIDE if wide else ATTRIBUTE_COLUMNS_NARROW]

    def _fill(self) -> None:
        """Show the rows the filter lets through, the highlighted document kept if shown.

        The first :data:`FIRST_ROWS` rows are added at once, the rest once they are on
        screen: the table measures every cell it is given before it paints.
        """
        table = self.query_one(DataTable)
        keep = self.highlighted_document()
        query = self.query_one("#filter", Input).value.strip()
        table.clear(columns=True)
        keys = self._attribute_keys()
        table.add_columns("Document", *keys, "Sentences", "Coded", "Codings", "Done")
        shown = [row for row in self.rows if not query or _matches(row, query)]
        self.shown_ids = [row.id for row in shown]
        self._generation += 1
        self._add_rows(shown[:FIRST_ROWS], keys)
        target = keep if keep in self.shown_ids else next(iter(self.shown_ids), None)
        if target is not None:
            self.highlight(target)
        if len(shown) > FIRST_ROWS:
            rest = shown[FIRST_ROWS:]
            self.call_after_refresh(self._add_rest, self._generation, rest, keys, target)

    def _add_rest(
        self, generation: int, rows: list[DocumentProgress], keys: list[str], target: int | None
    ) -> None:
        if generation != self._generation:
            return  # filtered again meanwhile: that fill shows its own rows
        self._add_rows(rows, keys)
        if target is not None and self.shown_ids.index(target) >= FIRST_ROWS:
            self.highlight(target)

    def _add_rows(self, rows: list[DocumentProgress], keys: list[str]) -> None:
        table = self.query_one(DataTable)
        for row in rows:
            coded = f"{100 * row.coded_units / row.units:.0f}%" if row.units else "-"
            table.add_row(
                row.name,
                *(_cell(row.attributes.get(k, "")) for k in keys),
                str(row.units),
                coded,
                str(row.codings),
                "✓ done" if row.done else "",
                key=str(row.id),
            )

    def highlighted_document(self) -> int | None:
        """The id of the document highlighted in the table (None when nothing is shown)."""
        row = self.query_one(DataTable).cursor_row
        return self.shown_ids[row] if 0 <= row < len(self.shown_ids) else None

    def highlight(self, document_id: int) -> None:
        """Move the table's cursor to a shown document."""
        if document_id in self.shown_ids:
            row = self.shown_ids.index(document_id)
            self.query_one(DataTable).move_cursor(row=row, animate=False, scroll=True)

    def adjacent(self, document_id: int, step: int) -> int | None:
        """The document ``step`` rows after (or before) ``document_id`` in the list as shown,
        which becomes the highlighted one; None past either end."""
        if document_id not in self.shown_ids:
            return None
        at = self.shown_ids.index(document_id) + step
        if not 0 <= at < len(self.shown_ids):
            return None
        self.highlight(self.shown_ids[at])
        return self.shown_ids[at]

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        # A click on the highlighted row (Enter is the screen's own key: action_open).
        if event.row_key.value is not None:
            self.post_message(OpenDocument(int(event.row_key.value)))

    def action_open(self) -> None:
        """Open the highlighted visible document (from the table or the filter box)."""
        document_id = self.highlighted_document()
        if document_id is not None:
            self.query_one(DataTable).focus()
            self.post_message(OpenDocument(document_id))

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_clear_filter(self) -> None:
        self.query_one("#filter", Input).value = ""
        self.query_one(DataTable).focus()

    # -- the lead's corrections ------------------------------------------------------------

    def _highlighted_row(self) -> DocumentProgress | None:
        document_id = self.highlighted_document()
        row = next((r for r in self.rows if r.id == document_id), None)
        if row is None:
            self.notify("No document highlighted.", severity="warning")
        return row

    @property
    def writing(self) -> bool:
        """Whether a write is running or waiting to run."""
        return self._show is not None or bool(self._queued)

    def write(self, run: Callable[[], T], show: Callable[[T], str | None]) -> None:
        """Run ``run`` (service calls only) in a worker, then read the list again there;
        ``show`` the answer on the UI thread (it returns the notice to give, if any)."""
        if self._show is not None:
            self._queued.append(partial(self.write, run, show))
            return
        self._show = show
        self._busy_timer = self.set_timer(BUSY_AFTER_S, self._say_busy)
        self.run_worker(partial(self._run, run), thread=True, group="write", name="write")

    def _run(self, run: Callable[[], object]) -> None:
        # In the worker thread: post_message is thread-safe.
        ctx = self.context
        try:
            result = refusing_failures(run)
            rows = refusing_failures(partial(document_progress, ctx.store, ctx.coder))
        except CoderError as exc:
            self.post_message(self.Written(None, None, str(exc)))
            return
        self.post_message(self.Written(result, rows, None))

    def _say_busy(self) -> None:
        self.query_one("#progress", Static).update(BUSY_NOTE)

    def on_documents_screen_written(self, message: Written) -> None:
        show, self._show = self._show, None
        if self._busy_timer is not None:
            self._busy_timer.stop()
            self._busy_timer = None
        if message.rows is not None:
            self.show_rows(message.rows)
        else:
            self.show_rows(self.rows)  # the progress line back in place of the busy note
        if message.refusal is not None:
            self.notify(message.refusal, severity="error", timeout=6)
        elif show is not None:
            note = show(message.result)
            if note:
                self.notify(note, timeout=4)
        while self._queued and self._show is None:
            self._queued.popleft()()

    def action_rename(self) -> None:
        row = self._highlighted_row()
        if row is None:
            return
        ctx = self.context

        def renamed(new_name: str | None) -> None:
            if new_name:
                self.write(
                    partial(
                        rename_document,
                        ctx.store,
                        actor=ctx.coder,
                        name=row.name,
                        new_name=new_name,
                    ),
                    lambda change: change.description,
                )

        self.app.push_screen(RenameDialog(row.name), renamed)

    def action_attributes(self) -> None:
        row = self._highlighted_row()
        if row is None:
            return
        ctx = self.context

        def edited(edit: AttributeEdit | None) -> None:
            if edit is not None and not edit.empty:
                self.write(
                    partial(
                        edit_attributes,
                        ctx.store,
                        actor=ctx.coder,
                        name=row.name,
                        values=edit.values,
                        unset=edit.unset,
                    ),
                    lambda change: change.description,
                )

        self.app.push_screen(AttributesDialog(row.name, row.attributes), edited)

    def action_remove(self) -> None:
        row = self._highlighted_row()
        if row is None:
            return
        ctx = self.context

        def confirm(preview: DocumentRemoval) -> None:
            def answered(yes: bool | None) -> None:
                if yes:
                    self.write(
                        partial(remove_document, ctx.store, actor=ctx.coder, name=row.name),
                        lambda removal: f"Removed {removal.what} with {removal.losses} (u undoes)",
                    )

            question = f"Remove {preview.what} with {preview.losses}?"
            if preview.codings:
                question += " Every coder's codings on it go."
            self.app.push_screen(ConfirmDialog("Remove document", question, "remove"), answered)

        self.write(partial(removal_preview, ctx.store, row.name), lambda p: confirm(p))

    def action_undo(self) -> None:
        ctx = self.context
        self.write(
            partial(undo_latest, ctx.store, actor=ctx.coder),
            lambda done: done.description if done else "Nothing to undo",
        )

    def action_redo(self) -> None:
        ctx = self.context
        self.write(
            partial(redo_latest, ctx.store, actor=ctx.coder),
            lambda done: done.description if done else "Nothing to redo",
        )
