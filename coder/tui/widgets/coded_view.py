"""How the coded text is drawn: the text with codings, a stripe margin and speakers, line by line.

Only the lines on screen are styled (Textual's Line API): a 1 MB transcript costs one pass to
wrap it into lines and nothing more per frame. A drawn line is kept until something on it
changes (a coding, the selection, the width or the theme), and a change repaints only the
lines it touches, so moving the cursor or applying a code redraws a handful of lines. The
margin on the left of every line names the codes that cover it (abbreviation in the code's
colour), so colour is never the only cue. Which codings lie on which line, and where words
begin and end, is kept by :mod:`coder.tui.widgets.coded_lines`.

When the document has speaker turns, a column left of the margin names the speaker on the
first line of each turn, in a colour of the speaker's own.
The cursor, the selection and the mouse are :class:`~coder.tui.widgets.coded_text.CodedText`'s,
built on this view.
"""

from __future__ import annotations

import bisect
import itertools
from array import array
from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.color import Color
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from coder.domain.coding import CodingDocument, UnitSpan, UnitSpans
from coder.domain.views import CodeView, CodingView
from coder.tui.speakers import SPEAKER_COLOURS
from coder.tui.widgets.coded_lines import (
    LineIndex,
    Marked,
    SpeakerIndex,
    WordBounds,
    drawable,
    mark_order,
)

#: Colour for a code that has none of its own.
DEFAULT_CODE_COLOUR = "#888888"

#: How many drawn lines are kept: a few screens' worth, so scrolling back is free too.
LINE_CACHE_SIZE = 1024

#: The speaker column gives way (down to 6 cells) to keep the text at least this wide.
MIN_TEXT_WIDTH = 40


class CodedView(ScrollView, inherit_bindings=False):
    """A read-only view of a document with the coder's codings and a selection, drawn.

    It has no keys of its own (not even the scroll keys a ScrollView has): the coding screen
    binds every key, so Down/Up move the cursor rather than scroll. Nor does it take part in
    Textual's own text selection (a drag there would select screen cells across widgets): a
    drag here selects a span of the document, see ``CodedText``.
    """

    ALLOW_SELECT: ClassVar[bool] = False

    # One colour per speaker, in order of first appearance (then round again): the palette
    # every screen that names speakers uses.
    DEFAULT_CSS = "\n".join(
        f"CodedView > .coded-text--speaker-{n} {{ color: {colour}; text-style: bold; }}"
        for n, colour in enumerate(SPEAKER_COLOURS)
    )

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "coded-text--selection",
        "coded-text--margin",
        *(f"coded-text--speaker-{n}" for n in range(len(SPEAKER_COLOURS))),
    }

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
        self._speakers = SpeakerIndex()
        self._styles: dict[tuple[str, str], Style] = {}
        self._colours: dict[int, Color] = {}
        # Drawn lines by line index, with the base style and width they were drawn for.
        self._strips: LRUCache[int, tuple[Style, int, Strip]] = LRUCache(LINE_CACHE_SIZE)
        # Styles looked up once per frame rather than once per line (they walk the DOM).
        self._frame_base: Style | None = None
        self._frame_background: Color | None = None

    # -- data in -----------------------------------------------------------------------------

    def load(self, document: CodingDocument, unit_kind: str) -> None:
        """Show a document."""
        self.text = document.text
        by_kind = dict(document.units)
        if not by_kind:
            by_kind["document"] = UnitSpans(array("q", [0]), array("q", [len(self.text)]))
        self.units = by_kind
        self.unit_kind = unit_kind if unit_kind in by_kind else next(iter(by_kind))
        self._words = WordBounds(self.text)
        turns = by_kind.get("turn")
        self._speakers = SpeakerIndex(
            turns.starts if turns else (), document.speakers, document.text
        )
        self._wrapped_width = -1
        self._rewrap()
        self.refresh()

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

    @property
    def speaker_width(self) -> int:
        """Width of the speaker column (its label and a space), 0 without speaker turns."""
        if not self._speakers.width:
            return 0
        # Whole names (up to 14 cells) while the text keeps MIN_TEXT_WIDTH cells; shorter
        # ones, cut with "…", on a narrow screen.
        spare = self._view_width - self.margin_width - 2 - MIN_TEXT_WIDTH
        return max(min(self._speakers.width, spare), 6) + 1

    @property
    def text_left(self) -> int:
        """The column where the text starts, right of the speaker column and the margin."""
        return self.speaker_width + self.margin_width + 1

    @property
    def _view_width(self) -> int:
        # The columns left of the vertical scrollbar (overflow-x is hidden in app.tcss, so
        # no horizontal scrollbar ever covers the bottom line).
        return max(self.size.width - self.styles.scrollbar_size_vertical, 1)

    @property
    def _view_height(self) -> int:
        return max(self.scrollable_content_region.height, 1)

    @property
    def line_count(self) -> int:
        """How many display lines the wrapped text has."""
        return len(self._lines)

    def _text_width(self) -> int:
        return max(self._view_width - self.text_left - 1, 20)

    def _rewrap(self) -> None:
        width = self._text_width()
        if width == self._wrapped_width:
            return
        self._wrapped_width = width
        self._lines.wrap(self.text, width, self.marks)
        self._speakers.place(self._lines)
        self.virtual_size = Size(self._view_width, len(self._lines))
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

    def selection_lines(self) -> tuple[int, int]:
        """The first and last display lines of the selection."""
        return self._lines.span_lines(*self.selection)

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
        width = self._view_width
        base = self._frame_base if self._frame_base is not None else self.rich_style
        if index >= len(self._lines):
            return Strip.blank(width, base)
        cached = self._strips.get(index)
        if cached is not None and cached[0] == base and cached[1] == width:
            return cached[2]
        start, end = self._lines.lines[index]
        marks = self._lines.on_line(index)
        segments = self._speaker(index, base)
        segments.extend(self._margin(marks, base))
        segments.append(Segment(" ", base))
        segments.extend(self._text_segments(start, end, marks, base))
        strip = Strip(segments).adjust_cell_length(width, base)
        self._strips.set(index, (base, width, strip))
        return strip

    def _speaker(self, line: int, base: Style) -> list[Segment]:
        """The speaker column: the speaker's name on the first line of a turn."""
        width = self.speaker_width
        if not width:
            return []
        name = self._speakers.opening(line)
        if name is None:
            return [Segment(" " * width, base)]
        style = base + self._speaker_style(name)
        label = name if cell_len(name) < width else set_cell_size(name, width - 2) + "…"
        label = set_cell_size(label, width - 1)
        return [Segment(label, style), Segment(" ", base)]

    def _speaker_style(self, name: str) -> Style:
        """The speaker's colour (bold), as every screen that names speakers draws it."""
        slot = self._speakers.slot.get(name, 0) % len(SPEAKER_COLOURS)
        return self._component(f"coded-text--speaker-{slot}")

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
            piece = cell_len(label) + 1
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
        labels = self._speakers.labels_within(start, end)
        for label in labels:
            cuts.update(p for p in label[:2] if start < p < end)
        if sel_end > sel_start:
            cuts.update(p for p in (sel_start, sel_end) if start < p < end)
        points = sorted(cuts)
        selection_style = self._component("coded-text--selection")
        background = self._frame_background
        if background is None:
            background = self.background_colors[1]
        out: list[Segment] = []
        column = 0  # cells drawn so far on this line: where tab stops fall
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
            speaker = next((name for s, e, name in labels if s <= a < e), None)
            if speaker is not None:
                style = style + self._speaker_style(speaker)
            if sel_start <= a < sel_end:
                style = style + selection_style
            shown = drawable(self.text[a:b], column)
            column += cell_len(shown)
            out.append(Segment(shown, style))
        return out
