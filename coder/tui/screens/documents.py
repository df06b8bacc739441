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
        table = self.query_one(DataTable)
        keep = table.cursor_row
        query = self.query_one("#filter", Input).value.strip()
        table.clear(columns=True)
        keys = self._attribute_keys()
        table.add_columns("Document", *keys, "Sentences", "Coded", "Codings", "Done")
        for row in self.rows:
            if query and not _matches(row, query):
                continue
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
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill()

    def on_input_submitted(self) -> None:
        self.query_one(DataTable).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.post_message(OpenDocument(int(event.row_key.value)))

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            if key is not None:
                self.post_message(OpenDocument(int(key)))

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_clear_filter(self) -> None:
        self.query_one("#filter", Input).value = ""
        self.query_one(DataTable).focus()
