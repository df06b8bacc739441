"""The coded text as the coder works in it: a unit cursor, a selection, and the mouse.

Drawing is :class:`~coder.tui.widgets.coded_view.CodedView`'s; this adds where the cursor is.
The cursor unit is always on screen with a few lines of context around it (a jump to a search
hit puts it in the middle). The mouse: a click puts the cursor on the unit under it, a drag
selects from press to release, widened to whole words (spaCy tokens).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from textual.events import MouseDown, MouseMove, MouseUp
from textual.message import Message

from coder.domain.coding import CodingDocument
from coder.tui.widgets.coded_lines import Marked, column_of, offset_at_column
from coder.tui.widgets.coded_view import DEFAULT_CODE_COLOUR, CodedView

__all__ = ["CONTEXT_LINES", "DEFAULT_CODE_COLOUR", "CodedText"]

#: Lines of text kept in sight above and below the cursor unit (fewer if it is tall).
CONTEXT_LINES = 2


class CodedText(CodedView, can_focus=True, inherit_bindings=False):
    """A document with the coder's codings, a unit cursor and a selection."""

    @dataclass
    class SelectionChanged(Message):
        """The selection (or cursor unit) moved."""

        start: int
        end: int

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        # Where a mouse button went down (a text offset), and whether it has moved since.
        self._press: int | None = None
        self._dragged = False
        #: The offset at the moving end of the selection: what stays in sight when the
        #: selection is taller than the screen.
        self.lead = 0

    def load(self, document: CodingDocument, unit_kind: str) -> None:
        """Show a document; the cursor goes to its first unit."""
        super().load(document, unit_kind)
        self.move_to_unit(0)

    def on_resize(self) -> None:
        self._rewrap()
        self.scroll_to_selection()

    # -- cursor and selection ----------------------------------------------------------------

    def _set_selection(
        self,
        start: int,
        end: int,
        *,
        centre: bool = False,
        lead: int | None = None,
        scroll: bool = True,
    ) -> None:
        old = self.selection
        self.selection = (start, end)
        self.lead = start if lead is None else lead
        if self._lines:
            for a, b in (old, self.selection):
                self._redraw_lines(*self._lines.span_lines(a, b))
        if scroll:
            self.scroll_to_selection(centre=centre)
        self.post_message(self.SelectionChanged(start, end))

    # The mouse wheel and the scrollbar scroll the view without the cursor (Textual's own
    # handlers do the scrolling, after these): the cursor then follows the text in sight.

    def on_mouse_scroll_down(self) -> None:
        self.call_after_refresh(self.keep_cursor_in_sight)

    def on_mouse_scroll_up(self) -> None:
        self.call_after_refresh(self.keep_cursor_in_sight)

    def on_scroll_to(self) -> None:
        self.call_after_refresh(self.keep_cursor_in_sight)

    def on_scroll_up(self) -> None:
        self.call_after_refresh(self.keep_cursor_in_sight)

    def on_scroll_down(self) -> None:
        self.call_after_refresh(self.keep_cursor_in_sight)

    def keep_cursor_in_sight(self) -> None:
        """If the cursor unit went out of sight in a scroll, put the cursor on a unit in
        sight, as a pager does: a code is never applied to text the coder cannot see."""
        units = self.current_units
        if not self._lines or not units or self._press is not None:
            return
        top, bottom = self._lines.span_lines(*self.selection)
        y, height = round(self.scroll_offset.y), self._view_height
        if bottom - top + 1 > height:
            top = bottom = self._lines.line_of(self.lead)
        if top >= y and bottom < y + height:
            return
        last = min(y + height, len(self._lines)) - 1
        if bottom < y:
            # Scrolled down past it: the first unit that starts on screen.
            index = self.unit_at(self._lines.lines[y][0])
            if self._lines.line_of(units[index].start) < y and index + 1 < len(units):
                index += 1
        else:
            # Scrolled up past it: the last unit that ends on screen.
            index = self.unit_at(max(self._lines.lines[last][1] - 1, 0))
            if self._lines.line_of(max(units[index].end - 1, 0)) > last and index > 0:
                index -= 1
        self.cursor = self.anchor_unit = index
        self._set_selection(units[index].start, units[index].end, scroll=False)

    def scroll_to_selection(self, *, centre: bool = False, again: bool = True) -> None:
        """Scroll so that the selection is on screen with :data:`CONTEXT_LINES` around it
        (``centre``: in the middle of the screen); of a selection taller than the screen, its
        moving end (:attr:`lead`: the cursor unit, the word just added, the mouse) is kept in
        sight. Right after a document is loaded the layout has not yet taken in its new
        height (nor shown the scrollbar that allows scrolling), so a scroll it cannot make yet
        is made again after the next refresh."""
        if not self._lines:
            return
        top, bottom = self._lines.span_lines(*self.selection)
        height = self._view_height
        if bottom - top + 1 > height:
            # Taller than the screen: keep its moving end in sight.
            top = bottom = self._lines.line_of(self.lead)
        room = max(height - (bottom - top + 1), 0)
        margin = min(CONTEXT_LINES, room // 2)
        y = round(self.scroll_offset.y)
        if centre:
            target = top - room // 2
        elif top - margin < y:
            target = top - margin
        elif bottom + margin >= y + height:
            target = min(top - margin, bottom + margin - height + 1)
        else:
            return
        target = max(0, min(target, len(self._lines) - height))
        stale = target > self.max_scroll_y or (target and not self.allow_vertical_scroll)
        if stale and again:
            self.call_after_refresh(self.scroll_to_selection, centre=centre, again=False)
        self.scroll_to(y=target, animate=False, immediate=True)

    def move_to_unit(self, index: int) -> None:
        """Put the cursor on unit ``index`` of the current kind and select it."""
        units = self.current_units
        if not units:
            return
        index = max(0, min(index, len(units) - 1))
        self.cursor = self.anchor_unit = index
        self._set_selection(units[index].start, units[index].end)

    def unit_at(self, offset: int) -> int:
        """Index of the unit (current kind) that contains ``offset``, or the one before it."""
        spans = self.units.get(self.unit_kind)
        if spans is None:
            return 0
        return max(bisect.bisect_right(spans.starts, offset) - 1, 0)

    def move_to_offset(self, offset: int, end: int | None = None) -> None:
        """Jump to ``offset`` (a search hit), shown in the middle of the screen: the cursor
        goes on the unit containing it, and ``[offset, end)`` is selected if given."""
        self.cursor = self.anchor_unit = self.unit_at(offset)
        if end is None or end <= offset:
            unit = self.current_units[self.cursor]
            offset, end = unit.start, unit.end
        self._set_selection(offset, end, centre=True)

    def page_delta(self, pages: int) -> int:
        """How many units a move by ``pages`` screenfuls goes (at least one unit)."""
        units = self.current_units
        if not units or not self._lines:
            return 0
        step = max(self._view_height - 1, 1) * pages
        line = self._lines.line_of(units[self.cursor].start) + step
        line = max(0, min(line, len(self._lines) - 1))
        target = self.unit_at(self._lines.lines[line][0])
        if target == self.cursor:
            target += 1 if pages > 0 else -1
        return target - self.cursor

    def move(self, delta: int) -> None:
        self.move_to_unit(self.cursor + delta)

    def extend_units(self, delta: int) -> None:
        """Grow or shrink the selection by whole units, keeping the anchor unit."""
        units = self.current_units
        if not units:
            return
        self.cursor = max(0, min(self.cursor + delta, len(units) - 1))
        first, last = sorted((self.anchor_unit, self.cursor))
        cursor = units[self.cursor]
        lead = cursor.start if self.cursor < self.anchor_unit else max(cursor.end - 1, 0)
        self._set_selection(units[first].start, units[last].end, lead=lead)

    def switch_unit_kind(self) -> str:
        """Cycle sentence -> paragraph -> turn -> document; the cursor stays in place."""
        kinds = self.kinds
        offset = self.selection[0]
        self.unit_kind = kinds[(kinds.index(self.unit_kind) + 1) % len(kinds)]
        self.move_to_unit(self.unit_at(offset))
        return self.unit_kind

    def extend_words(self, delta: int) -> None:
        """Move the end of the selection by one word (spaCy token) forward or back."""
        start, end = self.selection
        words = self._words
        new_end = words.next_end(end) if delta > 0 else words.previous_end(start, end)
        if new_end is not None:
            self._set_selection(start, new_end, lead=max(new_end - 1, start))

    def extend_start_words(self, delta: int) -> None:
        """Move the start of the selection by one word: back (``delta`` < 0) or forward."""
        start, end = self.selection
        words = self._words
        new_start = words.previous_start(start) if delta < 0 else words.next_start(start, end)
        if new_start is not None:
            self._set_selection(new_start, end)

    def next_uncoded(self) -> bool:
        """Move to the next unit after the cursor that no coding touches; False if none."""
        units = self.current_units
        for index in range(self.cursor + 1, len(units)):
            unit = units[index]
            if unit.end <= unit.start:
                continue
            if not self._lines.overlapping(unit.start, unit.end):
                self.move_to_unit(index)
                return True
        return False

    def marks_at_selection(self) -> list[Marked]:
        """Codings that overlap the selection, shortest first."""
        start, end = self.selection
        found = self._lines.overlapping(start, max(end, start + 1))
        return sorted(found, key=lambda m: (m.end - m.start, m.start))

    def offset_at(self, x: int, y: int) -> int | None:
        """The text offset under a point of the widget (a point above, below, left or right
        of the text: the nearest character); None for an empty document."""
        if not self._lines:
            return None
        top = round(self.scroll_offset.y)
        y = max(0, min(y, self._view_height - 1))
        index = min(top + y, len(self._lines) - 1)
        start, end = self._lines.lines[index]
        return offset_at_column(self.text, start, end, x - self.text_left)

    def point_of(self, offset: int) -> tuple[int, int]:
        """Where the character at ``offset`` is drawn, relative to the widget (the inverse of
        :meth:`offset_at`; the line may be off screen)."""
        line = self._lines.line_of(offset)
        column = column_of(self.text, self._lines.lines[line][0], offset)
        return self.text_left + column, line - round(self.scroll_offset.y)

    # -- mouse -------------------------------------------------------------------------------

    def on_mouse_down(self, event: MouseDown) -> None:
        offset = self.offset_at(event.x, event.y)
        if offset is None:
            return
        self._press, self._dragged = offset, False
        self.capture_mouse()

    def on_mouse_move(self, event: MouseMove) -> None:
        if self._press is None:
            return
        if event.y < 0 or event.y >= self._view_height:
            # Dragged past the top or bottom: scroll a line that way.
            self.scroll_relative(y=-1 if event.y < 0 else 1, animate=False, immediate=True)
        offset = self.offset_at(event.x, event.y)
        if offset is not None and (self._dragged or offset != self._press):
            self._dragged = True
            self._drag_to(offset)

    def on_mouse_up(self, event: MouseUp) -> None:
        press, self._press = self._press, None
        self.release_mouse()
        if press is None:
            return
        offset = self.offset_at(event.x, event.y)
        if self._dragged or (offset is not None and offset != press):
            self._drag_to(press if offset is None else offset, press)
        elif event.shift:
            self.extend_units(self.unit_at(press) - self.cursor)
        else:
            self.move_to_unit(self.unit_at(press))

    def _drag_to(self, offset: int, press: int | None = None) -> None:
        """Select from the press to ``offset`` (both characters included), in whole words."""
        press = self._press if press is None else press
        if press is None:
            return
        first, last = sorted((press, offset))
        start, end = self._words.snap(first, last + 1)
        self.cursor = self.anchor_unit = self.unit_at(start)
        self._set_selection(start, end, lead=offset)
