"""The documents screen's dialogs: rename a document, confirm a removal, edit its attributes.

Each returns its result through ``dismiss`` (None or False when cancelled) and never touches
the database: the documents screen calls the service with what it returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from coder.domain.documents import AttributeValue

#: Their own styles beside the app's dialog and form classes.
STYLES = "document_dialogs.tcss"


class RenameDialog(ModalScreen[str | None]):
    """A document's new name; Enter renames, Esc cancels."""

    CSS_PATH = STYLES
    BINDINGS = [Binding("escape", "cancel", "Cancel")]  # noqa: RUF012

    def __init__(self, name: str) -> None:
        super().__init__()
        self.old_name = name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Rename {self.old_name}", classes="dialog-title")
            with Horizontal(classes="field"):
                yield Label("New name", classes="field-label")
                yield Input(self.old_name, id="new-name", compact=True)
            yield Label("Enter rename (every version)   Esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        if not name:
            self.notify("A document needs a name.", severity="warning")
            return
        self.dismiss(None if name == self.old_name else name)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A question that needs a yes: y confirms, n or Esc declines."""

    CSS_PATH = STYLES
    BINDINGS = [  # noqa: RUF012
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, title: str, question: str, yes: str) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Label(self.question, id="question", classes="wrap")
            yield Label(f"y {self.yes}   n/Esc keep it", classes="dialog-hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


@dataclass(frozen=True)
class AttributeEdit:
    """What the attributes dialog changed: values typed (as text) and attributes removed."""

    values: dict[str, str] = field(default_factory=dict)
    unset: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """True when nothing was changed."""
        return not self.values and not self.unset


def _text(value: AttributeValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class AttributesDialog(ModalScreen[AttributeEdit | None]):
    """A document's attributes, one labelled field each (emptied: removed), and empty rows
    for new ones (name and value). Ctrl+N adds a row, Ctrl+S saves, Esc cancels."""

    CSS_PATH = STYLES
    BINDINGS = [  # noqa: RUF012
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+n", "add_row", "New attribute", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, name: str, attributes: Mapping[str, AttributeValue]) -> None:
        super().__init__()
        self.document = name
        self.attributes = {key: _text(value) for key, value in attributes.items()}
        self._new_rows = 0

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog form", id="attributes"):
            yield Label(f"Attributes of {self.document}", classes="dialog-title")
            for index, (key, value) in enumerate(self.attributes.items()):
                with Horizontal(classes="field"):
                    yield Label(key, classes="field-label")
                    yield Input(value, id=f"value-{index}", compact=True)
            yield self._new_row()
            yield Label(
                "Ctrl+S save   Ctrl+N new attribute   Tab next field   Esc cancel."
                " An emptied value removes its attribute.",
                classes="dialog-hint wrap",
                id="hint",
            )

    def _new_row(self) -> Horizontal:
        n = self._new_rows
        self._new_rows += 1
        key = Input(placeholder="new attribute", id=f"new-key-{n}", compact=True)
        value = Input(placeholder="value", id=f"new-value-{n}", compact=True)
        return Horizontal(key, value, classes="field new-attribute")

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    def on_input_submitted(self) -> None:
        self.action_save()

    async def action_add_row(self) -> None:
        row = self._new_row()
        await self.query_one("#attributes").mount(row, before=self.query_one("#hint"))
        row.query(Input).first().focus()

    def action_save(self) -> None:
        values: dict[str, str] = {}
        unset: list[str] = []
        for index, (key, old) in enumerate(self.attributes.items()):
            value = self.query_one(f"#value-{index}", Input).value.strip()
            if not value:
                unset.append(key)
            elif value != old:
                values[key] = value
        for n in range(self._new_rows):
            key = self.query_one(f"#new-key-{n}", Input).value.strip()
            value = self.query_one(f"#new-value-{n}", Input).value.strip()
            if key and value:
                values[key] = value
                if key in unset:
                    unset.remove(key)
            elif key or value:
                self.notify("A new attribute needs a name and a value.", severity="warning")
                return
        self.dismiss(AttributeEdit(values, tuple(unset)))

    def action_cancel(self) -> None:
        self.dismiss(None)
