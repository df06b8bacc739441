"""The documents screen: every document with this coder's progress; Enter opens one."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from coder.domain.coding import DocumentProgress
from coder.services.coding.progress import document_progress
from coder.tui.commands import Command, bindings
from coder.tui.context import ScreenContext
from coder.tui.messages import OpenDocument

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
    )
    BINDINGS = bindings(COMMAND_LIST)

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
        ctx = self.context
        self.rows = document_progress(ctx.store, ctx.coder)
        done = sum(r.done for r in self.rows)
        codings = sum(r.codings for r in self.rows)
        units = sum(r.units for r in self.rows)
        coded = sum(r.coded_units for r in self.rows)
        share = f"{100 * coded / units:.0f}%" if units else "-"
        self.query_one("#progress", Static).update(
            f"{ctx.project_name} · {ctx.coder}: {done}/{len(self.rows)} "
            f"documents done · {codings} codings · {share} of sentences coded"
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
