"""The coding screen's layout and what it shows: the text with its codings, the codebook
with this coder's counts, the title and the status line.

:class:`CodingLayout` loads a document in a worker and keeps the plain view objects on screen
in step with the database; :class:`~coder.tui.screens.coding.CodingScreen` adds the keys and
the actions, each of which calls one service and then updates what is shown through the
methods here.
"""

from __future__ import annotations

import bisect
import gc
from collections.abc import Callable
from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static, Tree

from coder.domain.coding import CodingDocument
from coder.domain.views import CodeView, CodingView
from coder.services.codebook.codes import list_codes
from coder.services.coding.loading import coding_document, document_codings
from coder.services.coding.pins import code_pins
from coder.services.coding.status import is_done
from coder.tui.context import ScreenContext
from coder.tui.messages import CodingsChanged
from coder.tui.screens.pinning import ask_pin
from coder.tui.widgets.codebook import CodebookTree, DefinitionPanel, number_slots
from coder.tui.widgets.coded_lines import Marked, abbreviation
from coder.tui.widgets.coded_text import CodedText
from coder.tui.widgets.keys_footer import KeysFooter


class FrozenHeap:
    """Keeps the objects alive when a coding screen opens out of the garbage collector's way.

    A full collection walks every container object in the process: with Textual and a big
    document that is over a hundred thousand objects, a pause of 50-200 ms that lands in the
    middle of opening a document or applying a code. Objects alive when the screen opens (the
    app, its screens, their widgets) are long-lived, so :func:`gc.freeze` moves them to the
    permanent generation while a coding screen is open, and full collections walk only what
    was made since. When the last coding screen closes they are handed back and collected once,
    after the next screen has been painted, while the coder looks at it.
    """

    open_screens = 0

    @classmethod
    def enter(cls) -> None:
        cls.open_screens += 1
        gc.freeze()

    @classmethod
    def leave(cls, later: Callable[[Callable[[], object]], object]) -> None:
        cls.open_screens = max(cls.open_screens - 1, 0)
        if cls.open_screens == 0:
            gc.unfreeze()
            later(gc.collect)


class CodingLayout(Screen[None]):
    """One document's text, the codebook and the coder's codings, as plain view objects."""

    @dataclass
    class Loaded(Message):
        """The document and everything the screen shows with it, read by one worker."""

        document: CodingDocument
        codes: list[CodeView]
        codings: list[CodingView]
        done: bool

    def __init__(
        self,
        context: ScreenContext,
        document_id: int,
        start: int | None = None,
        end: int | None = None,
    ) -> None:
        super().__init__()
        self.context = context
        self.document_id = document_id
        self.initial = (start, end)
        self.document: CodingDocument | None = None
        self.codes: list[CodeView] = []
        self.codings: list[CodingView] = []
        self._coding_by_id: dict[int, CodingView] = {}
        self.text_view = CodedText(id="text")
        self.slots: dict[int, CodeView] = {}
        #: The coder's pinned codes (key -> code id), read with the codes.
        self.pins: dict[int, int] = {}
        self.done = False

    def compose(self) -> ComposeResult:
        yield Static("Loading...", id="coding-title")
        with Horizontal(id="coding-body"):
            yield self.text_view
            with Vertical(id="side"):
                yield CodebookTree(id="codebook")
                yield DefinitionPanel(id="definition")
        yield Static("", id="status")
        yield KeysFooter()

    def on_mount(self) -> None:
        FrozenHeap.enter()
        # Before the first layout: switching the class later restyles and lays out again.
        self.on_resize()
        self.text_view.focus()
        self.load_document()

    def on_unmount(self) -> None:
        FrozenHeap.leave(self.app.call_after_refresh)

    def on_resize(self) -> None:
        self.set_class(self.app.size.width >= 120, "-wide")

    def on_screen_resume(self) -> None:
        # Back from the codebook or search: codes may have changed there.
        if self.document is not None:
            self.reload_codes()
            self.reload_codings()

    @work(thread=True, exclusive=True, group="load")
    def load_document(self) -> None:
        """Read the document, codes and codings in a thread: a big one must not freeze the
        screen, and the first paint shows the text with its codings, not one then the other."""
        ctx = self.context
        store, coder = ctx.store, ctx.coder
        document = coding_document(store, self.document_id)
        codes = list_codes(store, viewer=coder)
        codings = document_codings(store, coder, self.document_id)
        done = is_done(store, coder=coder, document_id=self.document_id)
        self.pins = code_pins(store, coder)
        self.post_message(self.Loaded(document, codes, codings, done))

    def on_coding_layout_loaded(self, message: Loaded) -> None:
        self.document = message.document
        self.done = message.done
        text = self.text_view
        text.load(message.document, self.context.settings.default_unit.value)
        self._set_codes(message.codes)
        self._set_codings(message.codings)
        start, end = self.initial
        if start is not None:
            text.move_to_offset(start, end)
        self.update_title()

    # -- state refresh -----------------------------------------------------------------------

    def reload_codes(self, keep: int | None = None) -> None:
        """Read the codes again (``keep`` highlighted, else the one highlighted now)."""
        self.pins = code_pins(self.context.store, self.context.coder)
        self._set_codes(list_codes(self.context.store, viewer=self.context.coder), keep)

    def _set_codes(self, codes: list[CodeView], keep: int | None = None) -> None:
        self.codes = codes
        self.slots = number_slots(self.codes, self.context.pinned, self.pins)
        self._show_tree(keep)

    def _show_tree(self, keep: int | None = None) -> None:
        counts: dict[int, int] = {}
        for coding in self.codings:
            counts[coding.code_id] = counts.get(coding.code_id, 0) + 1
        tree = self.query_one(CodebookTree)
        if keep is None and tree.highlighted_code is not None:
            keep = tree.highlighted_code.id
        tree.show_codes(self.codes, slots=self.slots, counts=counts, keep=keep)
        self.query_one(DefinitionPanel).show_code(
            tree.highlighted_code or next(iter(self.codes), None)
        )

    def _labels(self) -> dict[int, str]:
        labels = {c.id: abbreviation(c.name) for c in self.codes}
        for coding in self.codings:
            labels.setdefault(coding.code_id, abbreviation(coding.code_path.name))
        return labels

    def reload_codings(self) -> None:
        """Read this coder's codings of the document again and show them."""
        self._set_codings(
            document_codings(self.context.store, self.context.coder, self.document_id)
        )

    def _set_codings(self, codings: list[CodingView]) -> None:
        self.codings = codings
        self._coding_by_id = {c.id: c for c in codings}
        by_id = {c.id: c for c in self.codes}
        self.text_view.set_codings(self.codings, by_id, self._labels())
        self._show_tree()
        self._describe_selection()

    def show_coding(self, coding: CodingView) -> None:
        """Show a coding just saved, without reloading the others."""
        text = self.text_view
        if not text.can_show(coding.code_id):
            self.reload_codings()
            return
        bisect.insort(self.codings, coding, key=lambda c: (c.start, c.end, c.id))
        self._coding_by_id[coding.id] = coding
        text.add_coding(coding)
        self._count_changed(coding.code_id)

    def hide_coding(self, coding_id: int) -> None:
        """Stop showing a coding just deleted, without reloading the others."""
        coding = self._coding_by_id.pop(coding_id, None)
        if coding is None:
            self.reload_codings()
            return
        self.codings.remove(coding)
        self.text_view.remove_coding(coding_id)
        self._count_changed(coding.code_id)

    def _count_changed(self, code_id: int) -> None:
        count = sum(1 for c in self.codings if c.code_id == code_id)
        tree = self.query_one(CodebookTree)
        if not tree.set_count(code_id, count):
            self._show_tree()
        self._describe_selection()

    def update_title(self) -> None:
        """Show the document's name, coding count, unit, done flag and coder."""
        if self.document is None:
            return
        text = self.text_view
        done = "done ✓" if self.done else "not done"
        # One line of fixed height: no layout pass needed (it would repaint the whole screen).
        self.query_one("#coding-title", Static).update(
            f"{self.document.summary.name} · {len(self.codings)} codings · "
            f"by {text.unit_kind} · {done} · {self.context.coder}",
            layout=False,
        )

    def _describe_selection(self) -> None:
        text = self.text_view
        marks = text.marks_at_selection()
        start, end = text.selection
        if marks:
            names = ", ".join(self.coding_label(m) for m in marks)
            self._status(f"[{start}-{end}] coded: {names}")
        else:
            self._status(f"[{start}-{end}] not coded · 1-9 or f to apply a code · ? for help")

    def coding_label(self, mark: Marked) -> str:
        """The code path of a coding on screen, with "(memo)" if it has one."""
        coding = self._coding_by_id.get(mark.id)
        label = str(coding.code_path) if coding else "?"
        if coding and coding.memo:
            label += " (memo)"
        return label

    def _status(self, text: str) -> None:
        self.query_one("#status", Static).update(text, layout=False)

    def on_coded_text_selection_changed(self, _message: CodedText.SelectionChanged) -> None:
        self._describe_selection()

    def ask_pin(self, code: CodeView) -> None:
        """Pin a code to the number key the coder chooses (kept per coder in the project)."""
        ask_pin(self, self.context, code, self.slots, self.pins, self._pins_changed)

    def _pins_changed(self, pins: dict[int, int], note: str) -> None:
        self.pins = pins
        self._set_codes(self.codes)
        self.notify(note, timeout=3)

    def on_codebook_tree_pin_asked(self, message: CodebookTree.PinAsked) -> None:
        self.ask_pin(message.code)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[CodeView]) -> None:
        self.query_one(DefinitionPanel).show_code(event.node.data)

    def on_codings_changed(self, message: CodingsChanged) -> None:
        # The codings on screen were brought up to date by the action that sent this.
        self.update_title()
        # The status line, not a toast: a toast re-lays out the screen on every keystroke.
        self._status(f"{message.note} · u undoes")
