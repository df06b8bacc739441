"""The codebook screen: browse and edit the code tree, with this coder's coding counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Static, Tree

from coder.domain.views import CodeView
from coder.domain.words import plural
from coder.errors import CoderError
from coder.services.codebook import edit as codebook_edit
from coder.services.codebook import themes
from coder.services.codebook.codes import coding_counts, list_codes
from coder.services.coding.pins import code_pins
from coder.services.undo import undo_latest
from coder.tui.commands import Command, bindings
from coder.tui.context import ScreenContext
from coder.tui.messages import CodebookChanged
from coder.tui.screens.dialogs import ChooseDialog, CodeFields, CodeForm
from coder.tui.screens.pinning import ask_pin
from coder.tui.widgets.codebook import CodebookTree, DefinitionPanel, number_slots


class CodebookScreen(Screen[None]):
    """Add, rename, move, edit and retire codes; every change goes to the audit log."""

    COMMAND_LIST: ClassVar[tuple[Command, ...]] = (
        Command("a", "add", "Add code", "Add a code (beside the highlighted one; parent editable)"),
        Command("e,enter", "edit", "Edit", "Rename, move, or edit the highlighted code's fields"),
        Command("x", "retire", "Retire", "Retire the highlighted code (its codings stay)"),
        Command("m", "merge", "Merge", "Merge the highlighted code into another (undoable)", False),
        Command("g", "group", "Group", "Put the highlighted code under a theme", False),
        Command("i", "toggle_retired", "Show retired", "Show or hide retired codes", False),
        Command("p", "pin", "Pin to key", "Put the highlighted code on a number key (1-9)", False),
        Command("u", "undo", "Undo", "Undo your last action"),
        Command("escape", "back", "Back", "Back to the previous screen"),
    )
    BINDINGS = bindings(COMMAND_LIST)

    def __init__(self, context: ScreenContext) -> None:
        super().__init__()
        self.context = context
        self.codes: list[CodeView] = []
        self.show_retired = False
        #: The number keys of the coding screen, shown here too (``p`` pins a code to one).
        self.slots: dict[int, CodeView] = {}
        self.pins: dict[int, int] = {}

    def compose(self) -> ComposeResult:
        yield Static("", id="codebook-title")
        with Horizontal(id="codebook-body"):
            yield CodebookTree(id="codebook")
            yield DefinitionPanel(id="definition")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one(CodebookTree).focus()

    def reload(self, keep: int | None = None) -> None:
        """Read the codes and this coder's counts again."""
        ctx = self.context
        self.codes = list_codes(ctx.store, viewer=ctx.coder, include_inactive=self.show_retired)
        by_path = {c.path: c.id for c in self.codes}
        counts = {
            by_path[path]: n
            for path, n in coding_counts(ctx.store, coder=ctx.coder).items()
            if path in by_path
        }
        tree = self.query_one(CodebookTree)
        if keep is None and tree.highlighted_code is not None:
            keep = tree.highlighted_code.id
        active = [c for c in self.codes if c.status == "active"]
        self.pins = code_pins(ctx.store, ctx.coder)
        self.slots = number_slots(active, ctx.pinned, self.pins)
        tree.show_codes(self.codes, slots=self.slots, counts=counts, keep=keep)
        total = sum(counts.values())
        self.query_one("#codebook-title", Static).update(
            f"Codebook · {plural(len(self.codes), 'code')} · {plural(total, 'coding')}"
            f" by {ctx.coder}"
            + (" · private codes stay yours until reconciliation" if ctx.settings.blind else "")
        )
        self.query_one(DefinitionPanel).show_code(
            tree.highlighted_code or next(iter(self.codes), None)
        )

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[CodeView]) -> None:
        self.query_one(DefinitionPanel).show_code(event.node.data)

    def on_codebook_tree_pin_asked(self, message: CodebookTree.PinAsked) -> None:
        ask_pin(self, self.context, message.code, self.slots, self.pins, self._pins_changed)

    def _pins_changed(self, _pins: dict[int, int], note: str) -> None:
        self.reload()
        self.notify(note, timeout=3)

    def on_tree_node_selected(self) -> None:
        self.action_edit()

    def on_codebook_changed(self, message: CodebookChanged) -> None:
        self.notify(message.note, timeout=3)

    def _attempt(self, action: Callable[[], tuple[str, int | None]]) -> None:
        try:
            note, keep = action()
        except CoderError as exc:
            self.notify(str(exc), severity="error", timeout=6)
            return
        self.reload(keep)
        self.post_message(CodebookChanged(note))

    def action_add(self) -> None:
        ctx = self.context
        current = self.query_one(CodebookTree).highlighted_code

        def save(fields: CodeFields | None) -> None:
            if fields is None:
                return

            def run() -> tuple[str, int | None]:
                code = codebook_edit.add_code(
                    ctx.store,
                    actor=ctx.coder,
                    name=fields.name,
                    parent_id=fields.parent_id,
                    definition=fields.definition,
                    inclusion=fields.inclusion,
                    exclusion=fields.exclusion,
                    example=fields.example,
                    colour=fields.colour or None,
                )
                return f"Added {code.path}", code.id

            self._attempt(run)

        parent = current.parent_id if current else None
        self.app.push_screen(CodeForm("Add code", self.codes, parent_id=parent), save)

    def action_edit(self) -> None:
        ctx = self.context
        code = self.query_one(CodebookTree).highlighted_code
        if code is None:
            return

        def save(fields: CodeFields | None) -> None:
            if fields is None:
                return

            def run() -> tuple[str, int | None]:
                if fields.name != code.name:
                    codebook_edit.rename_code(
                        ctx.store, actor=ctx.coder, code_id=code.id, name=fields.name
                    )
                if fields.parent_id != code.parent_id:
                    codebook_edit.move_code(
                        ctx.store, actor=ctx.coder, code_id=code.id, parent_id=fields.parent_id
                    )
                result = codebook_edit.edit_code(
                    ctx.store,
                    actor=ctx.coder,
                    code_id=code.id,
                    definition=fields.definition,
                    inclusion=fields.inclusion,
                    exclusion=fields.exclusion,
                    example=fields.example,
                    colour=fields.colour or None,
                )
                return f"Saved {result.path}", code.id

            self._attempt(run)

        self.app.push_screen(CodeForm(f"Edit {code.path}", self.codes, code=code), save)

    def action_retire(self) -> None:
        ctx = self.context
        code = self.query_one(CodebookTree).highlighted_code
        if code is None:
            return

        def run() -> tuple[str, int | None]:
            retired = codebook_edit.retire_code(ctx.store, actor=ctx.coder, code_id=code.id)
            return f"Retired {retired.path}", None

        self._attempt(run)

    def _choose_other(self, title: str, then: Callable[[int], tuple[str, int | None]]) -> None:
        code = self.query_one(CodebookTree).highlighted_code
        if code is None:
            return
        options = [(str(c.path), c.id) for c in self.codes if c.id != code.id]

        def chosen(target: int | None) -> None:
            if target is not None:
                self._attempt(lambda: then(target))

        self.app.push_screen(ChooseDialog(f"{title} {code.path}", options), chosen)

    def action_merge(self) -> None:
        ctx, code = self.context, self.query_one(CodebookTree).highlighted_code

        def run(target: int) -> tuple[str, int | None]:
            assert code is not None
            result = themes.merge_codes(ctx.store, actor=ctx.coder, source_id=code.id,
                                        target_id=target)  # fmt: skip
            return result.description, target

        self._choose_other("Merge into …:", run)

    def action_group(self) -> None:
        ctx, code = self.context, self.query_one(CodebookTree).highlighted_code

        def run(theme: int) -> tuple[str, int | None]:
            assert code is not None
            result = themes.group_codes(ctx.store, actor=ctx.coder, code_ids=[code.id],
                                        theme=theme)  # fmt: skip
            return result.description, code.id

        self._choose_other("Put under …:", run)

    def action_pin(self) -> None:
        self.query_one(CodebookTree).action_pin()

    def action_toggle_retired(self) -> None:
        self.show_retired = not self.show_retired
        self.reload()

    def action_undo(self) -> None:
        ctx = self.context

        def run() -> tuple[str, int | None]:
            # Merges and groups too: whichever of the coder's undoable actions came last.
            result = undo_latest(ctx.store, actor=ctx.coder)
            return ("Nothing to undo" if result is None else result.description), None

        self._attempt(run)

    def action_back(self) -> None:
        self.app.pop_screen()
