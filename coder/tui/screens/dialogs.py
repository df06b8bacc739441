"""Small modal dialogs: memo, new code, code form, code finder, pin to a key and a chooser.

Each returns its result through ``dismiss`` (None when cancelled) and never touches the
database: the screen that opened it calls the service.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widget import Widget
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
            yield Label("Memo", classes="field-label")
            yield TextArea(self.initial, id="memo-text", soft_wrap=True, classes="grow")
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


#: The long text fields of a code, with their labels: multi-line areas that grow.
LONG_FIELDS = (
    ("definition", "Definition"),
    ("inclusion", "Use when"),
    ("exclusion", "Not when"),
    ("example", "Example"),
)


def _field(label: str, widget: Widget) -> Horizontal:
    """One labelled row of a form."""
    return Horizontal(Label(label, classes="field-label"), widget, classes="field")


def _parent_options(codes: Sequence[CodeView], exclude: int | None) -> list[tuple[str, int]]:
    return [
        ("  " * (c.path.depth - 1) + c.name, c.id)
        for c in codes
        if c.id != exclude and c.status == "active"
    ]


class CodeForm(ModalScreen[CodeFields | None]):
    """A code's fields, each with its label; the long ones grow with their text.

    Enter or Ctrl+S saves, Esc cancels. With ``full`` off it asks only for name,
    parent and definition (new code from selection).
    """

    BINDINGS = [  # noqa: RUF012
        Binding("ctrl+s", "save", "Save", priority=True),
        # Enter saves from every field: the long ones wrap and grow, they need no newlines.
        Binding("enter", "save", "Save", priority=True, show=False),
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
        with VerticalScroll(classes="dialog form"):
            yield Label(self.title_text, classes="dialog-title")
            yield _field("Name", Input(code.name if code else "", id="name", compact=True))
            texts = LONG_FIELDS if self.full else LONG_FIELDS[:1]
            for field, label in texts:
                value = getattr(code, field) if code else ""
                area = TextArea(
                    value, id=f"{field}-text", soft_wrap=True, compact=True, classes="grow"
                )
                yield _field(label, area)
            if self.full:
                colour = Input((code.colour or "") if code else "", id="colour", compact=True)
                colour.placeholder = "#RRGGBB"
                yield _field("Colour", colour)
            options = _parent_options(self.codes, code.id if code else None)
            yield _field(
                "Parent",
                Select(
                    options,
                    prompt="(top level)",
                    value=self.parent_id
                    if self.parent_id in {v for _, v in options}
                    else Select.NULL,
                    id="parent",
                    compact=True,
                ),
            )
            yield Label(
                "Enter/Ctrl+S save   Tab next field   Esc cancel",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # An open parent list takes Enter itself (to choose the parent).
        parent = self.query("#parent")
        return not (action == "save" and parent and parent.first(Select).expanded)

    def _value(self, field: str) -> str:
        # The long fields' ids say "-text": "#definition" is the coding screen's panel.
        found = self.query(f"#{field}") or self.query(f"#{field}-text")
        if not found:
            return ""
        widget = found.first()
        text = widget.text if isinstance(widget, TextArea) else found.first(Input).value
        return str(text).strip()

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


@dataclass(frozen=True)
class CodeMatch:
    """A code the finder found, and where: its name or path first, then its keywords, then
    its definition and criteria."""

    code: CodeView
    rank: int
    score: float
    #: The keyword or text the query was found in (empty for a name or path match).
    where: str = ""


def find_codes(codes: Sequence[CodeView], query: str) -> list[CodeMatch]:
    """The codes matching ``query``, best first: fuzzy matches of the name or path, then
    codes with a keyword containing every word of it, then codes whose definition, criteria
    or example contain every word of it."""
    if not query:
        return [CodeMatch(code, 0, 1.0) for code in codes]
    matcher = Matcher(query)
    words = query.casefold().split()
    found: list[CodeMatch] = []
    for code in codes:
        score = max(matcher.match(code.name), matcher.match(str(code.path)))
        if score > 0:
            found.append(CodeMatch(code, 0, score))
            continue
        keyword = next((k for k in code.keywords if all(w in k.casefold() for w in words)), None)
        if keyword is not None:
            found.append(CodeMatch(code, 1, 1.0, f"keyword: {keyword}"))
            continue
        for field, label in LONG_FIELDS:
            text = str(getattr(code, field))
            if text and all(w in text.casefold() for w in words):
                found.append(
                    CodeMatch(code, 2, 1.0, f"{label.lower()}: {_snippet(text, words[0])}")
                )
                break
    found.sort(key=lambda m: (m.rank, -m.score))
    return found


def _snippet(text: str, word: str, width: int = 40) -> str:
    """The words around the first place ``word`` is found in ``text``."""
    flat = " ".join(text.split())
    at = max(flat.casefold().find(word) - width // 3, 0)
    piece = flat[at : at + width]
    return ("…" if at else "") + piece + ("…" if at + width < len(flat) else "")


class CodeFinder(ModalScreen[int | None]):
    """Type part of a code's name, path, keywords or definition; Enter applies the best
    match. With ``on_pin`` given, Ctrl+T pins the highlighted code to a number key."""

    BINDINGS = [  # noqa: RUF012
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
        Binding("ctrl+t", "pin", "Pin to key", priority=True),
    ]

    def __init__(
        self,
        codes: Sequence[CodeView],
        *,
        on_pin: Callable[[CodeView], None] | None = None,
    ) -> None:
        super().__init__()
        self.codes = [c for c in codes if c.status == "active"]
        self.on_pin = on_pin

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Apply code", classes="dialog-title")
            yield Input(placeholder="name, path, keyword or definition", id="query")
            yield OptionList(id="matches")
            hint = "Enter apply   Esc cancel" + ("   Ctrl+T pin to a key" if self.on_pin else "")
            yield Label(hint, classes="dialog-hint")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def _fill(self, query: str) -> None:
        matches = self.query_one(OptionList)
        matches.clear_options()
        found = find_codes(self.codes, query)
        matcher = Matcher(query) if query else None
        for match in found:
            path = str(match.code.path)
            label = matcher.highlight(path) if matcher and match.rank == 0 else Content(path)
            if match.where:
                label = label.append_text(f"  {match.where}", style="dim")
            matches.add_option(Option(label, id=str(match.code.id)))
        if found:
            matches.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value.strip())

    def action_move(self, delta: int) -> None:
        matches = self.query_one(OptionList)
        if matches.option_count:
            current = matches.highlighted or 0
            matches.highlighted = max(0, min(current + delta, matches.option_count - 1))

    def _highlighted(self) -> int | None:
        matches = self.query_one(OptionList)
        if matches.highlighted is None:
            return None
        return int(matches.get_option_at_index(matches.highlighted).id or 0)

    def on_input_submitted(self) -> None:
        code_id = self._highlighted()
        if code_id is not None:
            self.dismiss(code_id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def action_pin(self) -> None:
        code_id = self._highlighted()
        code = next((c for c in self.codes if c.id == code_id), None)
        if code is not None and self.on_pin is not None:
            self.on_pin(code)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PinDialog(ModalScreen[int | None]):
    """Choose the number key (1-9) to pin a code to; its own key again unpins it. Keys not
    pinned hold the codebook's first codes and go to whichever code is pinned there."""

    BINDINGS = [  # noqa: RUF012
        Binding("escape", "cancel", "Cancel"),
        *(Binding(str(n), f"choose({n})", show=False) for n in range(1, 10)),
    ]

    def __init__(
        self, code: CodeView, slots: Mapping[int, CodeView], pins: Mapping[int, int]
    ) -> None:
        super().__init__()
        self.code = code
        self.slots = slots
        self.pins = pins

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Pin {self.code.path} to key", classes="dialog-title")
            options = []
            for n in range(1, 10):
                current = self.slots.get(n)
                now = str(current.path) if current else "(free)"
                if n in self.pins:
                    mine = self.pins[n] == self.code.id
                    now += "  (pinned: press again to unpin)" if mine else "  (pinned)"
                options.append(Option(f"{n}  {now}", id=str(n)))
            yield OptionList(*options)
            yield Label("1-9 pin   Esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def action_choose(self, slot: int) -> None:
        self.dismiss(slot)

    def action_cancel(self) -> None:
        self.dismiss(None)
