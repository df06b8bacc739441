"""The coding screen: a document's text, the codebook, and every coding action by keyboard.

The screen holds plain view objects only. Each action calls one service function (one
transaction, saved at once) and then shows what that transaction wrote: applying, removing or
adjusting a coding updates the view from the service's answer (the committed row), so a
keystroke repaints a few lines and not the whole document; memos, undo and new codes reload
the coder's codings of this document. Either way what is on screen is what is in the database.
"""

from __future__ import annotations

import bisect
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static, Tree

from coder.domain.coding import CodingDocument
from coder.domain.views import CodeView, CodingView
from coder.errors import CoderError
from coder.services.codebook.codes import list_codes
from coder.services.coding.edits import (
    adjust_coding,
    apply_code,
    create_code_from_selection,
    remove_coding,
)
from coder.services.coding.loading import coding_document, document_codings
from coder.services.coding.memos import get_memo, set_memo
from coder.services.coding.status import is_done, set_done
from coder.services.undo import undo_last
from coder.tui.commands import Command, bindings
from coder.tui.context import ScreenContext
from coder.tui.messages import CodingsChanged
from coder.tui.screens.dialogs import ChooseDialog, CodeFields, CodeFinder, CodeForm, MemoDialog
from coder.tui.widgets.codebook import CodebookTree, DefinitionPanel, number_slots
from coder.tui.widgets.coded_text import CodedText, Marked, abbreviation

SLOT_COMMANDS = tuple(
    Command(
        str(n),
        f"apply_slot({n})",
        "Apply code" if n == 1 else f"Apply code {n}",
        "Apply the code shown with that number in the codebook to the selection",
        footer=n == 1,
        palette=False,
        key_display="1-9" if n == 1 else None,
        listed=n == 1,
    )
    for n in range(1, 10)
)


class KeysFooter(Footer):
    """Textual's footer, rebuilt only when the bindings it shows change.

    The footer rebuilds all its keys whenever the screen's bindings are recomputed (mount,
    every focus change), and each rebuilt key restyles itself twice: on opening a document
    that was the largest cost of the first paint. Focus moving between the text and the
    codebook does not change what this screen's footer shows.
    """

    _shown: tuple[tuple[object, ...], ...] | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        shown = tuple(
            (binding.key, binding.description, binding.action, enabled, tooltip)
            for (_, binding, enabled, tooltip) in screen.active_bindings.values()
            if binding.show
        )
        if shown == self._shown:
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = shown  # the footer rebuilds from exactly these
        super().bindings_changed(screen)


class _FrozenHeap:
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


MEMO_NOTES = {"create": "Memo saved", "update": "Memo updated", "delete": "Memo deleted"}


class CodingScreen(Screen[None]):
    """Code one document."""

    COMMAND_LIST: ClassVar[tuple[Command, ...]] = (
        Command("down,j", "move(1)", "Next unit", "Move the cursor to the next unit", False),
        Command("up,k", "move(-1)", "Previous unit", "Move the cursor to the previous unit", False),
        Command(
            "shift+down,J",
            "extend_units(1)",
            "Extend by unit",
            "Grow the selection by one unit",
            False,
        ),
        Command(
            "shift+up,K",
            "extend_units(-1)",
            "Shrink by unit",
            "Shrink the selection by one unit",
            False,
        ),
        Command(
            "shift+right,L",
            "extend_words(1)",
            "Extend by word",
            "Move the selection's end one word on",
            False,
        ),
        Command(
            "shift+left,H",
            "extend_words(-1)",
            "Shrink by word",
            "Move the selection's end one word back",
            False,
        ),
        Command(
            "ctrl+left,less_than_sign",
            "extend_start(-1)",
            "Start one word earlier",
            "Move the selection's start one word back",
            False,
        ),
        Command(
            "ctrl+right,greater_than_sign",
            "extend_start(1)",
            "Start one word later",
            "Move the selection's start one word on",
            False,
        ),
        *SLOT_COMMANDS,
        Command("f", "find_code", "Find code", "Apply a code found by typing part of its name"),
        Command("x", "remove", "Remove", "Remove the coding under the cursor"),
        Command("a", "adjust", "Adjust", "Set the coding under the cursor to the selected text"),
        Command(
            "m", "memo", "Memo", "Write a memo on the coding under the cursor (or the document)"
        ),
        Command("M", "document_memo", "Document memo", "Write a memo on this document", False),
        Command("n", "new_code", "New code", "Create a code from the selection and apply it"),
        Command("g", "next_uncoded", "Next uncoded", "Jump to the next unit with no coding"),
        Command(
            "t", "switch_unit", "Unit", "Move by sentence, paragraph, speaker turn or document"
        ),
        Command("d", "toggle_done", "Done", "Mark this document done (or not done)"),
        Command("u,ctrl+z", "undo", "Undo", "Undo your last action (works after a restart too)"),
        Command(
            "tab",
            "focus_next",
            "Text/codes",
            "Move focus between the text and the codebook",
            False,
            False,
        ),
        Command("escape", "back", "Documents", "Back to the documents", palette=True),
    )
    BINDINGS = bindings(COMMAND_LIST)

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
        _FrozenHeap.enter()
        # Before the first layout: switching the class later restyles and lays out again.
        self.on_resize()
        self.text_view.focus()
        self.load_document()

    def on_unmount(self) -> None:
        _FrozenHeap.leave(self.app.call_after_refresh)

    def on_resize(self) -> None:
        self.set_class(self.app.size.width >= 120, "-wide")

    def on_screen_resume(self) -> None:
        # Back from the codebook or search: codes may have changed there.
        if self.document is not None:
            self._reload_codes()
            self._reload_codings()

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
        self.post_message(self.Loaded(document, codes, codings, done))

    def on_coding_screen_loaded(self, message: Loaded) -> None:
        self.document = message.document
        self.done = message.done
        text = self.text_view
        text.load(message.document, self.context.settings.default_unit.value)
        self._set_codes(message.codes)
        self._set_codings(message.codings)
        start, end = self.initial
        if start is not None:
            text.move_to_offset(start, end)
        self._update_title()

    # -- state refresh -----------------------------------------------------------------------

    def _reload_codes(self, keep: int | None = None) -> None:
        self._set_codes(list_codes(self.context.store, viewer=self.context.coder), keep)

    def _set_codes(self, codes: list[CodeView], keep: int | None = None) -> None:
        self.codes = codes
        self.slots = number_slots(self.codes, self.context.pinned)
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

    def _reload_codings(self) -> None:
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

    def _coding_added(self, coding: CodingView) -> None:
        """Show a coding just saved, without reloading the others."""
        text = self.text_view
        if not text.can_show(coding.code_id):
            self._reload_codings()
            return
        bisect.insort(self.codings, coding, key=lambda c: (c.start, c.end, c.id))
        self._coding_by_id[coding.id] = coding
        text.add_coding(coding)
        self._count_changed(coding.code_id)

    def _coding_removed(self, coding_id: int) -> None:
        """Stop showing a coding just deleted, without reloading the others."""
        coding = self._coding_by_id.pop(coding_id, None)
        if coding is None:
            self._reload_codings()
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

    def _update_title(self) -> None:
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
            names = ", ".join(self._coding_label(m) for m in marks)
            self._status(f"[{start}-{end}] coded: {names}")
        else:
            self._status(f"[{start}-{end}] not coded · 1-9 or f to apply a code · ? for help")

    def _coding_label(self, mark: Marked) -> str:
        coding = self._coding_by_id.get(mark.id)
        label = str(coding.code_path) if coding else "?"
        if coding and coding.memo:
            label += " (memo)"
        return label

    def _status(self, text: str) -> None:
        self.query_one("#status", Static).update(text, layout=False)

    def on_coded_text_selection_changed(self, _message: CodedText.SelectionChanged) -> None:
        self._describe_selection()

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[CodeView]) -> None:
        self.query_one(DefinitionPanel).show_code(event.node.data)

    def on_tree_node_selected(self, event: Tree.NodeSelected[CodeView]) -> None:
        if event.node.data is not None:
            self.apply(event.node.data.id)

    def on_codings_changed(self, message: CodingsChanged) -> None:
        # The codings on screen were brought up to date by the action that sent this.
        self._update_title()
        # The status line, not a toast: a toast re-lays out the screen on every keystroke.
        self._status(f"{message.note} · u undoes")

    # -- running a service -------------------------------------------------------------------

    def _attempt(self, action: Callable[[], str | None], *, reload: bool = True) -> None:
        """Run one service call; a refused action is shown, never raised into the app.

        With ``reload`` the coder's codings are read again afterwards; without it, ``action``
        has updated the view itself from what the service returned.
        """
        try:
            note = action()
        except CoderError as exc:
            self.notify(str(exc), severity="error", timeout=6)
            return
        if note:
            if reload:
                self._reload_codings()
            self.post_message(CodingsChanged(self.document_id, note))

    def _choose(self, title: str, then: Callable[[Marked], None]) -> None:
        """Run ``then`` on the coding under the cursor, asking which one if several."""
        marks = self.text_view.marks_at_selection()
        if not marks:
            self.notify("No coding under the cursor.", severity="warning")
            return
        if len(marks) == 1:
            then(marks[0])
            return
        by_id = {m.id: m for m in marks}
        options = [(self._coding_label(m) + f" [{m.start}-{m.end}]", m.id) for m in marks]

        def chosen(coding_id: int | None) -> None:
            if coding_id is not None and coding_id in by_id:
                then(by_id[coding_id])

        self.app.push_screen(ChooseDialog(title, options), chosen)

    def apply(self, code_id: int) -> None:
        """Apply a code to the selection (the CodingSaved path of the screen)."""
        start, end = self.text_view.selection
        ctx = self.context

        def run() -> str:
            coding = apply_code(
                ctx.store,
                coder=ctx.coder,
                document_id=self.document_id,
                code_id=code_id,
                start=start,
                end=end,
            )
            self._coding_added(coding)
            return f"Applied {coding.code_path}"

        self._attempt(run, reload=False)

    # -- actions -----------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        self.text_view.move(delta)

    def action_extend_units(self, delta: int) -> None:
        self.text_view.extend_units(delta)

    def action_extend_words(self, delta: int) -> None:
        self.text_view.extend_words(delta)

    def action_extend_start(self, delta: int) -> None:
        self.text_view.extend_start_words(delta)

    def action_apply_slot(self, slot: int) -> None:
        code = self.slots.get(slot)
        if code is None:
            self.notify(f"No code on key {slot}.", severity="warning")
            return
        self.apply(code.id)

    def action_find_code(self) -> None:
        def chosen(code_id: int | None) -> None:
            if code_id is not None:
                self.apply(code_id)

        self.app.push_screen(CodeFinder(self.codes), chosen)

    def action_remove(self) -> None:
        ctx = self.context

        def remove(mark: Marked) -> None:
            label = self._coding_label(mark)

            def run() -> str:
                remove_coding(ctx.store, coder=ctx.coder, coding_id=mark.id)
                self._coding_removed(mark.id)
                return f"Removed {label}"

            self._attempt(run, reload=False)

        self._choose("Remove which coding?", remove)

    def action_adjust(self) -> None:
        ctx = self.context
        start, end = self.text_view.selection

        def adjust(mark: Marked) -> None:
            if (mark.start, mark.end) == (start, end):
                self.notify(
                    "Select the new extent first (Shift+arrows), then press a.", severity="warning"
                )
                return

            def run() -> str:
                coding = adjust_coding(
                    ctx.store, coder=ctx.coder, coding_id=mark.id, start=start, end=end
                )
                self._coding_removed(mark.id)
                self._coding_added(coding)
                return f"Adjusted {coding.code_path}"

            self._attempt(run, reload=False)

        self._choose("Adjust which coding to the selection?", adjust)

    def _edit_memo(self, title: str, *, coding_id: int | None, document_id: int | None) -> None:
        ctx = self.context
        current = get_memo(ctx.store, coder=ctx.coder, coding_id=coding_id, document_id=document_id)

        def save(text: str | None) -> None:
            if text is None:
                return

            def run() -> str | None:
                done = set_memo(
                    ctx.store,
                    coder=ctx.coder,
                    text=text,
                    coding_id=coding_id,
                    document_id=document_id,
                )
                return {
                    "create": "Memo saved",
                    "update": "Memo updated",
                    "delete": "Memo deleted",
                }.get(done)

            self._attempt(run)

        self.app.push_screen(MemoDialog(title, current), save)

    def action_memo(self) -> None:
        if not self.text_view.marks_at_selection():
            self.action_document_memo()
            return
        self._choose(
            "Memo on which coding?",
            lambda mark: self._edit_memo(
                f"Memo on {self._coding_label(mark)}", coding_id=mark.id, document_id=None
            ),
        )

    def action_document_memo(self) -> None:
        name = self.document.summary.name if self.document else "document"
        self._edit_memo(f"Memo on {name}", coding_id=None, document_id=self.document_id)

    def action_new_code(self) -> None:
        ctx = self.context
        start, end = self.text_view.selection
        if end <= start:
            self.notify("Select some text first.", severity="warning")
            return
        highlighted = self.query_one(CodebookTree).highlighted_code
        snippet = self.text_view.text[start:end][:40].replace("\n", " ")

        def create(fields: CodeFields | None) -> None:
            if fields is None:
                return

            def run() -> str:
                code, _ = create_code_from_selection(
                    ctx.store,
                    coder=ctx.coder,
                    document_id=self.document_id,
                    start=start,
                    end=end,
                    name=fields.name,
                    definition=fields.definition,
                    parent_id=fields.parent_id,
                )
                self._reload_codes(keep=code.id)
                return f"Created and applied {code.path}"

            self._attempt(run)

        self.app.push_screen(
            CodeForm(
                f"New code from “{snippet}”",
                self.codes,
                parent_id=highlighted.parent_id if highlighted else None,
                full=False,
            ),
            create,
        )

    def action_next_uncoded(self) -> None:
        if not self.text_view.next_uncoded():
            self.notify("No uncoded unit after the cursor.")

    def action_switch_unit(self) -> None:
        kind = self.text_view.switch_unit_kind()
        self._update_title()
        self.notify(f"Moving by {kind}", timeout=2)

    def action_toggle_done(self) -> None:
        ctx = self.context
        wanted = not self.done

        def run() -> str:
            set_done(ctx.store, coder=ctx.coder, document_id=self.document_id, done=wanted)
            self.done = wanted
            return "Marked done" if wanted else "Marked not done"

        self._attempt(run)

    def action_undo(self) -> None:
        ctx = self.context

        def run() -> str:
            result = undo_last(ctx.store, coder=ctx.coder)
            if result is None:
                return "Nothing to undo"
            if result.entity == "code":
                self._reload_codes()
            if result.entity == "document":
                self.done = is_done(ctx.store, coder=ctx.coder, document_id=self.document_id)
            return f"Undone: {result.description}"

        self._attempt(run)

    def action_back(self) -> None:
        self.app.pop_screen()

    def palette_commands(self) -> Iterator[tuple[str, str, Callable[[], None]]]:
        """Extra palette entries: apply any code by name."""
        for code in self.codes:
            yield (
                f"Apply code: {code.path}",
                code.definition[:80] or "Apply this code to the selection",
                partial(self.apply, code.id),
            )
