"""The coding screen: a document's text, the codebook, and every coding action by keyboard.

The screen holds plain view objects only. Each action calls one service function (one
transaction, saved at once) and then shows what that transaction wrote: applying, removing or
adjusting a coding updates the view from the service's answer (the committed row), so a
keystroke repaints a few lines and not the whole document; memos, undo and new codes reload
the coder's codings of this document. Either way what is on screen is what is in the database.
This module holds the keys and the coding actions; :mod:`coder.tui.screens.coding_notes` the
memos and pins, and :mod:`coder.tui.screens.coding_layout` what is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import ClassVar

from textual.widgets import Tree

from coder.domain.coding import UndoResult
from coder.domain.views import CodeView, CodingView
from coder.services.codebook.codes import list_codes
from coder.services.coding.edits import (
    adjust_coding,
    apply_code,
    create_code_from_selection,
    remove_coding,
)
from coder.services.coding.memos import code_memos
from coder.services.coding.status import is_done, set_done
from coder.services.undo import redo_latest, undo_latest
from coder.tui.commands import Command, bindings
from coder.tui.messages import OpenAdjacentDocument
from coder.tui.screens.coding_notes import CodingNotes
from coder.tui.screens.coding_writes import HistoryStep
from coder.tui.screens.dialogs import CodeFields, CodeFinder, CodeForm
from coder.tui.widgets.codebook import CodebookTree

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


class CodingScreen(CodingNotes):
    """Code one document."""

    COMMAND_LIST: ClassVar[tuple[Command, ...]] = (
        Command("down,j", "move(1)", "Next unit", "Move the cursor to the next unit", False),
        Command("up,k", "move(-1)", "Previous unit", "Move the cursor to the previous unit", False),
        Command("pagedown", "move_page(1)", "Page down", "Move the cursor a screenful on", False),
        Command("pageup", "move_page(-1)", "Page up", "Move the cursor a screenful back", False),
        Command("home", "move_edge(0)", "First unit", "Move the cursor to the first unit", False),
        Command("end", "move_edge(1)", "Last unit", "Move the cursor to the last unit", False),
        Command(
            "shift+pagedown",
            "extend_page(1)",
            "Extend by page",
            "Grow the selection by a screenful of units",
            False,
        ),
        Command(
            "shift+pageup",
            "extend_page(-1)",
            "Shrink by page",
            "Shrink the selection by a screenful of units",
            False,
        ),
        Command(
            "shift+home",
            "extend_edge(0)",
            "Extend to start",
            "Grow the selection to the first unit",
            False,
        ),
        Command(
            "shift+end",
            "extend_edge(1)",
            "Extend to end",
            "Grow the selection to the last unit",
            False,
        ),
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
        Command(
            "C",
            "code_memo",
            "Code memo",
            "Write your memo on the code highlighted in the codebook (m there does it too);"
            " it shows under the code's definition",
            False,
        ),
        Command(
            "p",
            "pin_code",
            "Pin or unpin code",
            "Pin the code highlighted in the codebook to a number key 1-9, or unpin it (its"
            " key again); in Find code (f), Ctrl+T pins the code found",
            False,
        ),
        Command("n", "new_code", "New code", "Create a code from the selection and apply it"),
        Command("g", "next_uncoded", "Next uncoded", "Jump to the next unit with no coding"),
        Command(
            "right_square_bracket",
            "step_document(1)",
            "Prev/next doc",
            "Open the next document of the documents list (as filtered)",
            key_display="[ ]",
        ),
        Command(
            "left_square_bracket",
            "step_document(-1)",
            "Previous document",
            "Open the previous document of the documents list (as filtered)",
            footer=False,
            key_display="[",
        ),
        Command(
            "t", "switch_unit", "Unit", "Move by sentence, paragraph, speaker turn or document"
        ),
        Command("d", "toggle_done", "Done", "Mark this document done (or not done)"),
        Command("u,ctrl+z", "undo", "Undo", "Undo your last action (works after a restart too)"),
        Command("U,ctrl+y", "redo", "Redo", "Redo what you just undid", False),
        Command(
            "tab",
            "app.focus_next",
            "Text/codes",
            "Move focus between the text and the codebook",
            False,
            False,
        ),
        Command("escape", "back", "Documents", "Back to the documents", palette=True),
    )
    BINDINGS = bindings(COMMAND_LIST)

    def on_tree_node_selected(self, event: Tree.NodeSelected[CodeView]) -> None:
        if event.node.data is not None:
            self.apply(event.node.data.id)

    # -- running a service: every database call goes through CodingWrites.write ------------

    def apply(self, code_id: int) -> None:
        """Apply a code to the selection as it is at the keystroke."""
        start, end = self.text_view.selection
        ctx = self.context

        def run() -> CodingView:
            return apply_code(
                ctx.store,
                coder=ctx.coder,
                document_id=self.document_id,
                code_id=code_id,
                start=start,
                end=end,
            )

        def show(coding: CodingView) -> str:
            self.show_coding(coding)
            return f"Applied {coding.code_path}"

        self.write(run, show)

    # -- actions -----------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        self.text_view.move(delta)

    def action_extend_units(self, delta: int) -> None:
        self.text_view.extend_units(delta)

    def action_move_page(self, pages: int) -> None:
        self.text_view.move(self.text_view.page_delta(pages))

    def action_extend_page(self, pages: int) -> None:
        self.text_view.extend_units(self.text_view.page_delta(pages))

    def action_move_edge(self, last: int) -> None:
        self.text_view.move_to_unit(len(self.text_view.current_units) - 1 if last else 0)

    def action_extend_edge(self, last: int) -> None:
        text = self.text_view
        text.extend_units((len(text.current_units) - 1 if last else 0) - text.cursor)

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

        self.app.push_screen(CodeFinder(self.codes, on_pin=self.ask_pin), chosen)

    def action_remove(self) -> None:
        ctx = self.context

        def remove(coding: CodingView) -> None:
            label = self.coding_label(coding)

            def show(_: None) -> str:
                self.hide_coding(coding.id)
                return f"Removed {label}"

            run = partial(remove_coding, ctx.store, coder=ctx.coder, coding_id=coding.id)
            self.write(run, show)

        self.choose("Remove which coding?", remove)

    def action_adjust(self) -> None:
        ctx = self.context
        start, end = self.text_view.selection

        def adjust(coding: CodingView) -> None:
            if (coding.start, coding.end) == (start, end):
                self.notify(
                    "Select the new extent first (Shift+arrows), then press a.", severity="warning"
                )
                return

            def show(adjusted: CodingView) -> str:
                self.hide_coding(coding.id)
                self.show_coding(adjusted)
                return f"Adjusted {adjusted.code_path}"

            run = partial(
                adjust_coding, ctx.store, coder=ctx.coder, coding_id=coding.id, start=start, end=end
            )
            self.write(run, show)

        self.choose("Adjust which coding to the selection?", adjust)

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

            def run() -> tuple[CodeView, list[CodeView], list[CodingView]]:
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
                return code, list_codes(ctx.store, viewer=ctx.coder), self.codings_now()

            def show(answer: tuple[CodeView, list[CodeView], list[CodingView]]) -> str:
                code, codes, codings = answer
                self.set_codes(codes, keep=code.id)
                self.set_codings(codings)
                return f"Created and applied {code.path}"

            self.write(run, show)

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
        self.update_title()
        self.notify(f"Moving by {kind}", timeout=2)

    def action_toggle_done(self) -> None:
        ctx = self.context

        def toggle() -> None:
            wanted = not self.done

            def show(_: None) -> str:
                self.done = wanted
                return "Marked done" if wanted else "Marked not done"

            run = partial(
                set_done, ctx.store, coder=ctx.coder, document_id=self.document_id, done=wanted
            )
            self.write(run, show)

        # "d d" marks done then not done: the second reads the flag the first one set.
        self.after_writes(toggle)

    def action_undo(self) -> None:
        self._step_history(undo_latest, "Nothing to undo")

    def action_redo(self) -> None:
        self._step_history(redo_latest, "Nothing to redo")

    def _step_history(self, step: Callable[..., UndoResult | None], nothing: str) -> None:
        """Undo or redo the coder's latest action, then show what it touched."""
        ctx = self.context
        document_id = self.document_id

        def run() -> HistoryStep:
            result = step(ctx.store, actor=ctx.coder)
            if result is None:
                return HistoryStep(None, None, [], self.done)
            codes = list_codes(ctx.store, viewer=ctx.coder) if result.entity == "code" else None
            memos = code_memos(ctx.store, coder=ctx.coder) if result.entity == "memo" else None
            done = is_done(ctx.store, coder=ctx.coder, document_id=document_id)
            return HistoryStep(result, codes, self.codings_now(), done, memos)

        def show(answer: HistoryStep) -> str:
            if answer.result is None:
                return nothing
            if answer.codes is not None:
                self.set_codes(answer.codes)
            if answer.code_memos is not None:
                self.set_code_memos(answer.code_memos)
            self.done = answer.done
            self.set_codings(answer.codings)
            note = answer.result.description
            if answer.result.document_id not in (None, document_id):
                note += " · in another document: this one is unchanged"
            return note

        self.write(run, show)

    def action_step_document(self, step: int) -> None:
        self.post_message(OpenAdjacentDocument(self.document_id, step))

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
