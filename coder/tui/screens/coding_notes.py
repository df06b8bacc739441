"""The coding screen's notes beside the codings: the coder's memos (on a coding, the document
or a code) and their pins of codes to number keys.

:class:`CodingNotes` holds these actions; :class:`~coder.tui.screens.coding.CodingScreen`
declares their keys. A memo is saved through the screen's one write queue
(:meth:`~coder.tui.screens.coding_writes.CodingWrites.write`), in order with the other writes,
and is undoable like them; a pin is saved by :func:`~coder.tui.screens.pinning.ask_pin`.
"""

from __future__ import annotations

from coder.domain.views import CodeView, CodingView
from coder.services.coding.memos import code_memos, set_memo
from coder.tui.screens.coding_writes import CodingWrites
from coder.tui.screens.dialogs import MemoDialog
from coder.tui.screens.pinning import ask_pin
from coder.tui.widgets.codebook import CodebookTree

MEMO_NOTES = {"create": "Memo saved", "update": "Memo updated", "delete": "Memo deleted"}


class CodingNotes(CodingWrites):
    """Memos and pins on the coding screen."""

    def _edit_memo(self, title: str, current: str, *, coding_id: int | None = None) -> None:
        """Open the memo dialog at once (keys typed next go into it), then save in the worker."""
        ctx = self.context
        document_id = None if coding_id is not None else self.document_id

        def save(text: str | None) -> None:
            if text is None:
                return

            def run() -> tuple[str | None, list[CodingView]]:
                done = set_memo(
                    ctx.store,
                    coder=ctx.coder,
                    text=text,
                    coding_id=coding_id,
                    document_id=document_id,
                )
                return MEMO_NOTES.get(done), self.codings_now()

            def show(answer: tuple[str | None, list[CodingView]]) -> str | None:
                if document_id is not None:
                    self.document_memo = text
                self.set_codings(answer[1])
                return answer[0]

            self.write(run, show)

        self.app.push_screen(MemoDialog(title, current), save)

    def action_memo(self) -> None:
        if not self.text_view.marks_at_selection() and not self.writing:
            self.action_document_memo()
            return
        self.choose(
            "Memo on which coding?",
            lambda coding: self._edit_memo(
                f"Memo on {self.coding_label(coding)}", coding.memo or "", coding_id=coding.id
            ),
        )

    def action_document_memo(self) -> None:
        name = self.document.summary.name if self.document else "document"
        self._edit_memo(f"Memo on {name}", self.document_memo)

    def edit_code_memo(self, code: CodeView) -> None:
        """Open the memo dialog on the coder's memo on ``code``, then save it in the worker."""
        ctx = self.context

        def save(text: str | None) -> None:
            if text is None:
                return

            def run() -> tuple[str | None, dict[int, str]]:
                done = set_memo(ctx.store, coder=ctx.coder, text=text, code_id=code.id)
                return MEMO_NOTES.get(done), code_memos(ctx.store, coder=ctx.coder)

            def show(answer: tuple[str | None, dict[int, str]]) -> str | None:
                note, memos = answer
                self.set_code_memos(memos)
                return f"{note} on the code {code.path}" if note else None

            self.write(run, show)

        current = self.code_memos.get(code.id, "")
        self.app.push_screen(MemoDialog(f"Your memo on the code {code.path}", current), save)

    def action_code_memo(self) -> None:
        self.query_one(CodebookTree).action_memo()

    def on_codebook_tree_memo_asked(self, message: CodebookTree.MemoAsked) -> None:
        self.edit_code_memo(message.code)

    def ask_pin(self, code: CodeView) -> None:
        """Pin a code to the number key the coder chooses (kept per coder in the project)."""
        ask_pin(self, self.context, code, self.slots, self.pins, self._pins_changed)

    def _pins_changed(self, pins: dict[int, int], note: str) -> None:
        self.pins = pins
        self.set_codes(self.codes)
        self.notify(note, timeout=3)

    def on_codebook_tree_pin_asked(self, message: CodebookTree.PinAsked) -> None:
        self.ask_pin(message.code)

    def action_pin_code(self) -> None:
        self.query_one(CodebookTree).action_pin()
