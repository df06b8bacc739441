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
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static, Tree

from coder.domain.coding import CodingDocument
from coder.domain.documents import AttributeValue
from coder.domain.views import CodeView, CodingView
from coder.domain.words import plural
from coder.services.codebook.codes import list_codes
from coder.services.coding.loading import coding_document, document_codings
from coder.services.coding.memos import code_memos, get_memo
from coder.services.coding.pins import code_pins
from coder.services.coding.status import is_done
from coder.tui.context import ScreenContext
from coder.tui.messages import CodingsChanged
from coder.tui.widgets.codebook import CodebookTree, DefinitionPanel, number_slots
from coder.tui.widgets.coded_lines import Marked, abbreviation
from coder.tui.widgets.coded_text import CodedText
from coder.tui.widgets.keys_footer import KeysFooter

BUSY_NOTE = "saving... the database is busy or slow (keep reading: your keys are kept)"


def first_words(text: str, width: int = 40) -> str:
    """The start of a memo on one line, cut at a word with "…" when longer than ``width``."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    cut = flat[: width - 1].rsplit(" ", 1)[0] or flat[: width - 1]
    return cut + "…"


def key_attributes(attributes: dict[str, AttributeValue], limit: int = 3, width: int = 18) -> str:
    """The first few attributes of a document as the title shows them: `` · role=manager``."""
    shown = [
        f"{key}={value if len(str(value)) <= width else str(value)[: width - 1] + '…'}"
        for key, value in list(attributes.items())[:limit]
    ]
    return "".join(f" · {item}" for item in shown)


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
        memo: str
        code_memos: dict[int, str]

    @dataclass
    class Refreshed:
        """The codes, this coder's codings and memos on codes, read again."""

        codes: list[CodeView]
        codings: list[CodingView]
        code_memos: dict[int, str]

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
        #: The coder's memo on this document ('' if none), as last read or written.
        self.document_memo = ""
        #: The coder's memos on codes (code id -> text), shown with the highlighted code.
        self.code_memos: dict[int, str] = {}
        self._memo_text = ""
        #: A write is waiting on another writer's lock (the status line says so).
        self.waiting = False

    def compose(self) -> ComposeResult:
        yield Static("Loading...", id="coding-title")
        with Horizontal(id="coding-body"):
            yield self.text_view
            with Vertical(id="side"):
                yield CodebookTree(id="codebook", memos=True)
                yield DefinitionPanel(id="definition")
                yield Static(id="memo-panel")
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
            self.refresh_from_database()

    def refresh_from_database(self) -> None:
        """Read the codes and codings again and show them.

        :class:`~coder.tui.screens.coding_writes.CodingWrites` runs this in its worker, in
        order with the writes, so a read begun before a write never lands after it.
        """
        self.show_reread(self.reread())

    def reread(self) -> Refreshed:
        """The codes and this coder's codings as the database has them now (no screen work)."""
        ctx = self.context
        codes = list_codes(ctx.store, viewer=ctx.coder)
        codings = document_codings(ctx.store, ctx.coder, self.document_id)
        self.pins = code_pins(ctx.store, ctx.coder)
        return self.Refreshed(codes, codings, code_memos(ctx.store, coder=ctx.coder))

    def show_reread(self, message: Refreshed) -> None:
        """Show what :meth:`reread` read."""
        self.code_memos = message.code_memos
        self.set_codes(message.codes)
        # Back from a dialog, nothing changed as a rule: then the status line keeps what it says.
        if message.codings != self.codings:
            self.set_codings(message.codings)
            self.update_title()

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
        memo = get_memo(store, coder=coder, document_id=self.document_id)
        memos = code_memos(store, coder=coder)
        self.pins = code_pins(store, coder)
        self.post_message(self.Loaded(document, codes, codings, done, memo, memos))

    def on_coding_layout_loaded(self, message: Loaded) -> None:
        self.document = message.document
        self.done = message.done
        self.document_memo = message.memo
        self.code_memos = message.code_memos
        text = self.text_view
        text.load(message.document, self.context.settings.default_unit.value)
        self.set_codes(message.codes)
        self.set_codings(message.codings)
        start, end = self.initial
        if start is not None:
            text.move_to_offset(start, end)
        self.update_title()

    # -- state refresh -----------------------------------------------------------------------

    def set_codes(self, codes: list[CodeView], keep: int | None = None) -> None:
        """Show these codes (``keep`` highlighted, else the one highlighted now)."""
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
        self.show_definition(tree.highlighted_code or next(iter(self.codes), None))

    def show_definition(self, code: CodeView | None) -> None:
        """The definition panel: this code's definition and the coder's memo on it."""
        memo = self.code_memos.get(code.id, "") if code is not None else ""
        self.query_one(DefinitionPanel).show_code(code, memo)

    def set_code_memos(self, memos: dict[int, str]) -> None:
        """Show these memos on codes (all of the coder's, read again)."""
        self.code_memos = memos
        self._show_tree()

    def _labels(self) -> dict[int, str]:
        labels = {c.id: abbreviation(c.name) for c in self.codes}
        for coding in self.codings:
            labels.setdefault(coding.code_id, abbreviation(coding.code_path.name))
        return labels

    def set_codings(self, codings: list[CodingView]) -> None:
        """Show these codings of the coder's (all of them, read again)."""
        self.codings = codings
        self._coding_by_id = {c.id: c for c in codings}
        by_id = {c.id: c for c in self.codes}
        self.text_view.set_codings(self.codings, by_id, self._labels())
        self._show_tree()
        self.describe_selection()

    def codings_at(self, start: int, end: int) -> list[CodingView]:
        """The coder's codings that overlap ``[start, end)`` (a point: the character there),
        shortest first: what remove, adjust and memo act on."""
        end = max(end, start + 1)
        found = [c for c in self.codings if c.start < end and c.end > start]
        return sorted(found, key=lambda c: (c.end - c.start, c.start))

    def show_coding(self, coding: CodingView) -> None:
        """Show a coding just saved, without reloading the others."""
        text = self.text_view
        if not text.can_show(coding.code_id):
            self.refresh_from_database()
            return
        bisect.insort(self.codings, coding, key=lambda c: (c.start, c.end, c.id))
        self._coding_by_id[coding.id] = coding
        text.add_coding(coding)
        self._count_changed(coding.code_id)

    def hide_coding(self, coding_id: int) -> None:
        """Stop showing a coding just deleted, without reloading the others."""
        coding = self._coding_by_id.pop(coding_id, None)
        if coding is None:
            self.refresh_from_database()
            return
        self.codings.remove(coding)
        self.text_view.remove_coding(coding_id)
        self._count_changed(coding.code_id)

    def _count_changed(self, code_id: int) -> None:
        count = sum(1 for c in self.codings if c.code_id == code_id)
        tree = self.query_one(CodebookTree)
        if not tree.set_count(code_id, count):
            self._show_tree()
        self.describe_selection()

    def update_title(self) -> None:
        """Show the document's name and key attributes, coding count, unit, done flag, coder."""
        if self.document is None:
            return
        text = self.text_view
        done = "done ✓" if self.done else "not done"
        # One line of fixed height: no layout pass needed (it would repaint the whole screen).
        self.query_one("#coding-title", Static).update(
            f"{self.document.summary.name}{key_attributes(self.document.summary.attributes)} · "
            f"{plural(len(self.codings), 'coding')} · "
            f"by {text.unit_kind} · {done} · {self.context.coder}",
            layout=False,
        )

    def describe_selection(self) -> None:
        """Say on the status line what the selection is coded with (and if a write waits)."""
        text = self.text_view
        marks = text.marks_at_selection()
        start, end = text.selection
        if marks:
            names = ", ".join(self.coding_label(m) for m in marks)
            line = f"[{start}-{end}] coded: {names}"
        else:
            line = f"[{start}-{end}] not coded · 1-9 or f to apply a code · ? for help"
        self.show_status(f"{BUSY_NOTE} · {line}" if self.waiting else line)
        self.show_memos(marks)

    def show_memos(self, marks: list[Marked]) -> None:
        """The memo panel: the memos of the codings under the cursor, then the document's."""
        memos = [
            f"{coding.code_path.name}: {coding.memo}"
            for coding in (self._coding_by_id.get(m.id) for m in marks)
            if coding is not None and coding.memo
        ]
        if self.document_memo:
            memos.append(f"Document: {self.document_memo}")
        text = "\n".join(memos)
        if text == self._memo_text:
            return  # most moves change nothing here: no repaint, no layout
        self._memo_text = text
        panel = self.query_one("#memo-panel", Static)
        panel.update(Content(text))
        panel.set_class(bool(text), "-shown")

    def coding_label(self, mark: Marked | CodingView) -> str:
        """The code path of a coding on screen, with the first words of its memo if any."""
        coding = self._coding_by_id.get(mark.id)
        label = str(coding.code_path) if coding else "?"
        if coding and coding.memo:
            label += f" (memo: {first_words(coding.memo)})"
        return label

    def show_status(self, text: str) -> None:
        """Put one line on the status line."""
        self.query_one("#status", Static).update(text, layout=False)

    def on_coded_text_selection_changed(self, _message: CodedText.SelectionChanged) -> None:
        self.describe_selection()

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[CodeView]) -> None:
        self.show_definition(event.node.data)

    def on_codings_changed(self, message: CodingsChanged) -> None:
        # The codings on screen were brought up to date by the action that sent this.
        self.update_title()
        # The status line, not a toast: a toast re-lays out the screen on every keystroke.
        self.show_status(f"{message.note} · u undoes")
