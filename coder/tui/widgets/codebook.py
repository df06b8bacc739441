"""The codebook as a tree (with the codes on number keys 1-9) and a definition panel that
shows the highlighted code's definition and the coder's memo on it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from coder.domain.views import CodeView
from coder.tui.widgets.coded_text import DEFAULT_CODE_COLOUR

#: How many codes get a number key.
SLOTS = 9


def number_slots(
    codes: Sequence[CodeView],
    pinned: Sequence[int] = (),
    pins: Mapping[int, int] | None = None,
) -> dict[int, CodeView]:
    """Number keys 1-9: the coder's pins on their own keys, then the ``pinned`` ids (from the
    command line), then the codebook's leaves in tree order on the keys left free.

    Leaves come first because they are what coders apply; when there are fewer than nine
    leaves, parents fill the rest. A pin survives codebook edits: it names the code, not a
    place in the tree. A pin on a code no longer shown (retired) leaves its key to the others.
    """
    by_id = {c.id: c for c in codes}
    slots = {
        slot: by_id[code_id]
        for slot, code_id in (pins or {}).items()
        if code_id in by_id and 1 <= slot <= SLOTS
    }
    taken = {code.id for code in slots.values()}
    parents = {c.parent_id for c in codes if c.parent_id is not None}
    order = [by_id[i] for i in pinned if i in by_id]
    order += [c for c in codes if c.id not in parents]
    order += [c for c in codes if c.id in parents]
    free = (n for n in range(1, SLOTS + 1) if n not in slots)
    for code in order:
        if code.id in taken:
            continue
        slot = next(free, None)
        if slot is None:
            break
        slots[slot] = code
        taken.add(code.id)
    return dict(sorted(slots.items()))


class CodebookTree(Tree[CodeView]):
    """The code tree; labels show the number key, a colour swatch, the name and a count.

    ``p`` asks to pin the highlighted code to a number key; with ``memos`` on, ``m`` asks to
    write the coder's memo on it (off where ``m`` means something else, as on the codebook
    screen, where it merges).
    """

    BINDINGS = [  # noqa: RUF012
        Binding("p", "pin", "Pin to key"),
        Binding("m", "memo", "Code memo"),
    ]

    @dataclass
    class PinAsked(Message):
        """The coder asked to pin the highlighted code to a number key."""

        code: CodeView

    @dataclass
    class MemoAsked(Message):
        """The coder asked to write their memo on the highlighted code."""

        code: CodeView

    def __init__(self, *, id: str | None = None, memos: bool = False) -> None:  # noqa: A002
        super().__init__("Codebook", id=id)
        self.memos = memos
        self.show_root = False
        self.auto_expand = False
        self.guide_depth = 2
        self._shown_codes: tuple[CodeView, ...] = ()
        self._code_nodes: dict[int, TreeNode[CodeView]] = {}
        self._slot_of: dict[int, int] = {}

    def show_codes(
        self,
        codes: Sequence[CodeView],
        *,
        slots: dict[int, CodeView] | None = None,
        counts: dict[int, int] | None = None,
        keep: int | None = None,
    ) -> None:
        """Replace the tree's contents; the node of code ``keep`` is highlighted again.

        When the codes are the same as last time only the labels change (counts), which is
        much cheaper than rebuilding the tree after every coding.
        """
        slot_of = {code.id: n for n, code in (slots or {}).items()}
        self._slot_of = slot_of
        counts = counts or {}
        if tuple(codes) == self._shown_codes and self._code_nodes:
            for code in codes:
                label = self._label(code, slot_of.get(code.id), counts.get(code.id))
                node = self._code_nodes[code.id]
                if str(node.label) != str(label):
                    node.set_label(label)
            return
        self._shown_codes = tuple(codes)
        self._code_nodes = {}
        self.clear()
        nodes: dict[int | None, TreeNode[CodeView]] = {None: self.root}
        target: TreeNode[CodeView] | None = None
        for code in codes:
            parent = nodes.get(code.parent_id, self.root)
            label = self._label(code, slot_of.get(code.id), counts.get(code.id))
            has_children = any(c.parent_id == code.id for c in codes)
            node = (
                parent.add(label, data=code, expand=True)
                if has_children
                else parent.add_leaf(label, data=code)
            )
            nodes[code.id] = node
            self._code_nodes[code.id] = node
            if code.id == keep:
                target = node
        self.root.expand()
        if target is not None:
            self.call_after_refresh(self.move_cursor, target, animate=False)

    def set_count(self, code_id: int, count: int) -> bool:
        """Show a new count of codings for one code; False if the code is not in the tree."""
        node = self._code_nodes.get(code_id)
        if node is None or node.data is None:
            return False
        label = self._label(node.data, self._slot_of.get(code_id), count)
        if str(node.label) != str(label):
            node.set_label(label)
        return True

    @staticmethod
    def _label(code: CodeView, slot: int | None, count: int | None) -> Text:
        text = Text()
        text.append(f"{slot} " if slot else "  ", style="bold")
        text.append("■ ", style=code.colour or DEFAULT_CODE_COLOUR)
        text.append(code.name)
        if code.owner:
            text.append(" (private)", style="italic")
        if code.status != "active":
            text.append(f" [{code.status}]", style="italic")
        if count:
            text.append(f" {count}", style="dim")
        return text

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Without memos, ``m`` is left to the screen (hidden from the footer, not run here).
        return self.memos or action != "memo"

    def action_pin(self) -> None:
        self._ask(self.PinAsked)

    def action_memo(self) -> None:
        self._ask(self.MemoAsked)

    def _ask(self, asked: Callable[[CodeView], Message]) -> None:
        """Post ``asked`` about the highlighted code, or say there is none."""
        code = self.highlighted_code
        if code is None:
            self.notify("Highlight a code in the codebook first.", severity="warning")
            return
        self.post_message(asked(code))

    @property
    def highlighted_code(self) -> CodeView | None:
        node = self.cursor_node
        return node.data if node is not None else None


class DefinitionPanel(Static):
    """The highlighted code's definition, inclusion and exclusion criteria and example, and
    the coder's memo on it."""

    _shown: tuple[CodeView | None, str] | None = None  # None: nothing shown yet

    def show_code(self, code: CodeView | None, memo: str = "") -> None:
        # The panel is shown again after every action; rebuilding the same text would cost a
        # layout pass of the whole screen each time.
        if self._shown == (code, memo):
            return
        self._shown = (code, memo)
        if code is None:
            self.update("No code highlighted.")
            return
        text = Text()
        text.append(str(code.path), style="bold")
        text.append("\n")
        sections = (
            ("Definition", code.definition),
            ("Use when", code.inclusion),
            ("Not when", code.exclusion),
            ("Example", code.example),
        )
        for title, body in sections:
            if body:
                text.append(f"{title}: ", style="bold")
                text.append(body.strip())
                text.append("\n")
        if not any(body for _, body in sections):
            text.append("(no definition yet)", style="italic")
        if memo:
            if not text.plain.endswith("\n"):
                text.append("\n")
            text.append("Your memo: ", style="bold")
            text.append(memo.strip())
        self.update(text)
