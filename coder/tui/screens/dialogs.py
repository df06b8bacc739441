"""Small modal dialogs: memo, new code, code form, code finder and a chooser.

Each returns its result through ``dismiss`` (None when cancelled) and never touches the
database: the screen that opened it calls the service.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Select, TextArea
from textual.widgets.option_list import Option

from coder.domain.views import CodeView


class MemoDialog(ModalScreen[str | None]):
    """Write a memo; Ctrl+S saves (empty text deletes the memo), Esc cancels."""

    BINDINGS = [  # noqa: RUF012
        Binding("ctrl+s", "save", "Save memo", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, title: str, text: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.initial = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield TextArea(self.initial, id="memo-text", soft_wrap=True)
            yield Label("Ctrl+S save   Esc cancel   (empty memo = delete)", classes="dialog-hint")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class CodeFields:
    """What the code form returns."""

    name: str
    parent_id: int | None
    definition: str
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    colour: str = ""


def _parent_options(codes: Sequence[CodeView], exclude: int | None) -> list[tuple[str, int]]:
    return [
        ("  " * (c.path.depth - 1) + c.name, c.id)
        for c in codes
        if c.id != exclude and c.status == "active"
    ]


class CodeForm(ModalScreen[CodeFields | None]):
    """A code's name, parent and definition fields; Enter or Ctrl+S saves, Esc cancels.

    With ``full`` off it asks only for name, definition and parent (new code from selection).
    """

    BINDINGS = [  # noqa: RUF012
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self,
        title: str,
        codes: Sequence[CodeView],
        *,
        code: CodeView | None = None,
        parent_id: int | None = None,
        full: bool = True,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.codes = codes
        self.code = code
        self.parent_id = code.parent_id if code else parent_id
        self.full = full

    def compose(self) -> ComposeResult:
        code = self.code
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(code.name if code else "", placeholder="Name", id="name")
            yield Input(code.definition if code else "", placeholder="Definition", id="definition")
            if self.full:
                yield Input(code.inclusion if code else "", placeholder="Use when", id="inclusion")
                yield Input(code.exclusion if code else "", placeholder="Not when", id="exclusion")
                yield Input(code.example if code else "", placeholder="Example", id="example")
                yield Input(
                    (code.colour or "") if code else "", placeholder="Colour #RRGGBB", id="colour"
                )
            options = _parent_options(self.codes, code.id if code else None)
            yield Select(
                options,
                prompt="Parent: (top level)",
                value=self.parent_id if self.parent_id in {v for _, v in options} else Select.NULL,
                id="parent",
            )
            yield Label("Enter/Ctrl+S save   Tab next field   Esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def on_input_submitted(self) -> None:
        self.action_save()

    def _value(self, field: str) -> str:
        found = self.query(f"#{field}")
        return found.first(Input).value.strip() if found else ""

    def action_save(self) -> None:
        name = self._value("name")
        if not name:
            self.notify("A code needs a name.", severity="warning")
            return
        parent = self.query_one("#parent", Select).value
        self.dismiss(
            CodeFields(
                name=name,
                parent_id=parent if isinstance(parent, int) else None,
                definition=self._value("definition"),
                inclusion=self._value("inclusion"),
                exclusion=self._value("exclusion"),
                example=self._value("example"),
                colour=self._value("colour"),
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChooseDialog(ModalScreen[int | None]):
    """Pick one of several options (e.g. which coding under the cursor); Esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]  # noqa: RUF012

    def __init__(self, title: str, options: Sequence[tuple[str, int]]) -> None:
        super().__init__()
        self.title_text = title
        self.options = options

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield OptionList(*[Option(label, id=str(value)) for label, value in self.options])

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def action_cancel(self) -> None:
        self.dismiss(None)


class CodeFinder(ModalScreen[int | None]):
    """Type part of a code's name or path; Enter applies the best match."""

    BINDINGS = [  # noqa: RUF012
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
    ]

    def __init__(self, codes: Sequence[CodeView]) -> None:
        super().__init__()
        self.codes = [c for c in codes if c.status == "active"]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Apply code", classes="dialog-title")
            yield Input(placeholder="type to find a code", id="query")
            yield OptionList(id="matches")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def _fill(self, query: str) -> None:
        matches = self.query_one(OptionList)
        matches.clear_options()
        scored: list[tuple[float, CodeView]] = []
        matcher = Matcher(query) if query else None
        for code in self.codes:
            score = matcher.match(str(code.path)) if matcher else 1.0
            if score > 0:
                scored.append((score, code))
        scored.sort(key=lambda pair: -pair[0])
        for _, code in scored:
            label = matcher.highlight(str(code.path)) if matcher else str(code.path)
            matches.add_option(Option(label, id=str(code.id)))
        if scored:
            matches.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value.strip())

    def action_move(self, delta: int) -> None:
        matches = self.query_one(OptionList)
        if matches.option_count:
            current = matches.highlighted or 0
            matches.highlighted = max(0, min(current + delta, matches.option_count - 1))

    def on_input_submitted(self) -> None:
        matches = self.query_one(OptionList)
        if matches.highlighted is not None:
            option = matches.get_option_at_index(matches.highlighted)
            self.dismiss(int(option.id or 0))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def action_cancel(self) -> None:
        self.dismiss(None)
