"""The document text with codings, a stripe margin and a unit cursor, rendered line by line.

Only the lines on screen are styled (Textual's Line API): a 1 MB transcript costs one pass to
wrap it into lines and nothing more per frame. A drawn line is kept until something on it
changes (a coding, the selection, the width or the theme), and a change repaints only the
lines it touches, so moving the cursor or applying a code redraws a handful of lines. The
margin on the left of every line names the codes that cover it (abbreviation in the code's
colour), so colour is never the only cue. Which codings lie on which line, and where words
begin and end, is kept by :mod:`coder.tui.widgets.coded_lines`.
"""

from __future__ import annotations

import bisect
import itertools
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.color import Color
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from coder.domain.coding import CodingDocument, UnitSpan, UnitSpans
from coder.domain.views import CodeView, CodingView
from coder.tui.widgets.coded_lines import LineIndex, Marked, WordBounds, mark_order

#: Colour for a code that has none of its own.
DEFAULT_CODE_COLOUR = "#888888"

#: How many drawn lines are kept: a few screens' worth, so scrolling back is free too.
LINE_CACHE_SIZE = 1024


class CodedText(ScrollView, can_focus=True):
    """A read-only view of a document with the coder's codings and a selection."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "coded-text--selection",
        "coded-text--margin",
    }

    @dataclass
    class SelectionChanged(Message):
        """The selection (or cursor unit) moved."""

        start: int
        end: int

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self.text = ""
        self.units: dict[str, UnitSpans] = {}
        self.unit_kind = "sentence"
        self.cursor = 0
        self.anchor_unit = 0
        self.selection = (0, 0)
        self.codes: dict[int, CodeView] = {}
        self.labels: dict[int, str] = {}
        self.marks: list[Marked] = []
        self._lines = LineIndex()
        self._wrapped_width = -1
        self._words = WordBounds()
        self._styles: dict[tuple[str, str], Style] = {}
        self._colours: dict[int, Color] = {}
        # Drawn lines by line index, with the base style and width they were drawn for.
        self._strips: LRUCache[int, tuple[Style, int, Strip]] = LRUCache(LINE_CACHE_SIZE)
        # Styles looked up once per frame rather than once per line (they walk the DOM).
        self._frame_base: Style | None = None
        self._frame_background: Color | None = None

    # -- data in -----------------------------------------------------------------------------

    def load(self, document: CodingDocument, unit_kind: str) -> None:
        """Show a document; the cursor goes to its first unit."""
        self.text = document.text
        by_kind = dict(document.units)
        if not by_kind:
            by_kind["document"] = UnitSpans(array("q", [0]), array("q", [len(self.text)]))
        self.units = by_kind
        self.unit_kind = unit_kind if unit_kind in by_kind else next(iter(by_kind))
        self._words = WordBounds(self.text)
        self._wrapped_width = -1
        self._rewrap()
        self.refresh()
        self.move_to_unit(0)

    def set_codings(
        self, codings: Sequence[CodingView], codes: dict[int, CodeView], labels: dict[int, str]
    ) -> None:
        """Replace the codings shown (and the codes' colours and margin labels)."""
        self.codes = codes
        self.labels = labels
        self._colours.clear()
        self.marks = sorted(
            (Marked(c.id, c.start, c.end, c.code_id) for c in codings), key=mark_order
        )
        self._lines.place(self.marks)
        self._strips.clear()
        self.refresh()

    def can_show(self, code_id: int) -> bool:
        """True if codings of ``code_id`` can be added without new codes or labels."""
        return code_id in self.labels

    def add_coding(self, coding: CodingView) -> None:
        """Show one more coding (of a code already known here); only its lines are redrawn."""
        mark = Marked(coding.id, coding.start, coding.end, coding.code_id)
        bisect.insort(self.marks, mark, key=mark_order)
        self._redraw_lines(*self._lines.add(mark))

    def remove_coding(self, coding_id: int) -> None:
        """Stop showing one coding; only its lines are redrawn."""
        mark = next((m for m in self.marks if m.id == coding_id), None)
        if mark is None:
            return
        self.marks.remove(mark)
        self._redraw_lines(*self._lines.remove(mark))

    @property
    def kinds(self) -> list[str]:
        order = ["sentence", "paragraph", "turn", "document"]
        return [k for k in order if k in self.units]

    @property
    def current_units(self) -> Sequence[UnitSpan]:
        """The units of the kind the cursor moves by, in text order."""
        return self.units.get(self.unit_kind, ())

    # -- layout ------------------------------------------------------------------------------

    @property
    def margin_width(self) -> int:
        return 12 if self.size.width < 100 else 20

    def _text_width(self) -> int:
        return max(self.size.width - self.margin_width - 2, 20)

    def _rewrap(self) -> None:
        width = self._text_width()
        if width == self._wrapped_width:
            return
        self._wrapped_width = width
        self._lines.wrap(self.text, width, self.marks)
        self.virtual_size = Size(self.size.width, len(self._lines))
        self._strips.clear()

    def _redraw_lines(self, first: int, last: int) -> None:
        """Forget the drawn lines ``first..last`` and repaint those that are on screen."""
        top = round(self.scroll_offset.y)
        height = self.size.height
        for line in range(first, last + 1):
            self._strips.discard(line)
        # Only the part on screen needs a repaint; the rest is drawn when scrolled to.
        first, last = max(first, top), min(last, top + height - 1)
        if first <= last:
            self.refresh(Region(0, first - top, self.size.width, last - first + 1))

    def line_of(self, offset: int) -> int:
        """The display line that shows the character at ``offset``."""
        return self._lines.line_of(offset)

    def on_resize(self) -> None:
        self._rewrap()
        self.scroll_to_selection()

    # -- rendering ---------------------------------------------------------------------------

    def _code_colour(self, code_id: int) -> Color:
        colour = self._colours.get(code_id)
        if colour is None:
            code = self.codes.get(code_id)
            colour = Color.parse((code.colour if code else None) or DEFAULT_CODE_COLOUR)
            self._colours[code_id] = colour
        return colour

    def _component(self, name: str) -> Style:
        # Resolving a component style walks the CSS; do it once per theme, not per line.
        key = (name, self.app.theme)
        if key not in self._styles:
            self._styles[key] = self.get_component_rich_style(name, partial=True)
        return self._styles[key]

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._strips.clear()

    def render_lines(self, crop: Region) -> list[Strip]:
        self._frame_base = self.rich_style
        self._frame_background = self.background_colors[1]
        try:
            return super().render_lines(crop)
        finally:
            self._frame_base = self._frame_background = None

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_offset.y) + y
        width = self.size.width
        base = self._frame_base if self._frame_base is not None else self.rich_style
        if index >= len(self._lines):
            return Strip.blank(width, base)
        cached = self._strips.get(index)
        if cached is not None and cached[0] == base and cached[1] == width:
            return cached[2]
        start, end = self._lines.lines[index]
        marks = self._lines.on_line(index)
        segments = self._margin(marks, base)
        segments.append(Segment(" ", base))
        segments.extend(self._text_segments(start, end, marks, base))
        strip = Strip(segments).adjust_cell_length(width, base)
        self._strips.set(index, (base, width, strip))
        return strip

    def _margin(self, marks: list[Marked], base: Style) -> list[Segment]:
        width = self.margin_width
        margin_style = base + self._component("coded-text--margin")
        seen: list[int] = []
        for mark in marks:
            if mark.code_id not in seen:
                seen.append(mark.code_id)
        out: list[Segment] = []
        used = 0
        for n, code_id in enumerate(seen):
            label = self.labels.get(code_id, "?")
            piece = len(label) + 1
            rest = len(seen) - n - 1
            if used + piece + (3 if rest else 0) > width - 1:
                more = f"+{len(seen) - n}"
                out.append(Segment(more, margin_style))
                used += len(more)
                break
            colour = self._code_colour(code_id)
            out.append(Segment("▌", margin_style + Style(color=colour.rich_color)))
            out.append(Segment(label, margin_style + Style(bold=True)))
            used += piece
        out.append(Segment(" " * max(width - used - 1, 0), margin_style))
        out.append(Segment("│", margin_style))
        return out

    def _text_segments(
        self, start: int, end: int, marks: list[Marked], base: Style
    ) -> list[Segment]:
        sel_start, sel_end = self.selection
        cuts = {start, end}
        for mark in marks:
            cuts.update(p for p in (mark.start, mark.end) if start < p < end)
        if sel_end > sel_start:
            cuts.update(p for p in (sel_start, sel_end) if start < p < end)
        points = sorted(cuts)
        selection_style = self._component("coded-text--selection")
        background = self._frame_background
        if background is None:
            background = self.background_colors[1]
        out: list[Segment] = []
        for a, b in itertools.pairwise(points):
            style = base
            covering = [m for m in marks if m.start <= a < m.end]
            if covering:
                # The shortest coding is drawn on top; more than one is underlined.
                top = min(covering, key=lambda m: m.end - m.start)
                tint = background.blend(self._code_colour(top.code_id), 0.45)
                style = style + Style(
                    bgcolor=tint.rich_color, color=tint.get_contrast_text(1.0).rich_color
                )
                if len(covering) > 1:
                    style = style + Style(underline=True)
            if sel_start <= a < sel_end:
                style = style + selection_style
            out.append(Segment(self.text[a:b], style))
        return out

    # -- cursor and selection ----------------------------------------------------------------

    def _set_selection(self, start: int, end: int) -> None:
        old = self.selection
        self.selection = (start, end)
        if self._lines:
            for a, b in (old, self.selection):
                self._redraw_lines(*self._lines.span_lines(a, b))
        self.scroll_to_selection()
        self.post_message(self.SelectionChanged(start, end))

    def scroll_to_selection(self) -> None:
        if not self._lines:
            return
        top, bottom = self._lines.span_lines(*self.selection)
        height = max(self.size.height, 1)
        y = round(self.scroll_offset.y)
        if top < y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif bottom >= y + height:
            self.scroll_to(y=min(top, bottom - height + 1), animate=False, immediate=True)

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
        """Put the cursor on the unit containing ``offset``; select ``[offset, end)`` if given."""
        self.cursor = self.anchor_unit = self.unit_at(offset)
        if end is not None and end > offset:
            self._set_selection(offset, end)
        else:
            self.move_to_unit(self.cursor)

    def move(self, delta: int) -> None:
        self.move_to_unit(self.cursor + delta)

    def extend_units(self, delta: int) -> None:
        """Grow or shrink the selection by whole units, keeping the anchor unit."""
        units = self.current_units
        if not units:
            return
        self.cursor = max(0, min(self.cursor + delta, len(units) - 1))
        first, last = sorted((self.anchor_unit, self.cursor))
        self._set_selection(units[first].start, units[last].end)

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
            self._set_selection(start, new_end)

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
        """The text offset under a point of the widget, or None outside the text."""
        index = round(self.scroll_offset.y) + y
        if index >= len(self._lines):
            return None
        start, end = self._lines.lines[index]
        column = x - self.margin_width - 1
        return min(max(start + column, start), max(end - 1, start))

    def on_click(self, event: Click) -> None:
        offset = self.offset_at(event.x, event.y)
        if offset is None:
            return
        if event.shift:
            target = self.unit_at(offset)
            self.extend_units(target - self.cursor)
        else:
            self.move_to_unit(self.unit_at(offset))
