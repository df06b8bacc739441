"""The coded text's display lines and which codings lie on each, without any drawing.

:class:`LineIndex` wraps a document into display lines and keeps, per line, the codings that
touch it, so drawing a line, finding the codings at the selection or the next uncoded unit
looks at a few lines and never at every coding of a long transcript. :func:`drawable`,
:func:`column_of` and :func:`offset_at_column` say how a line's characters fall on cells
(tabs to tab stops, wide characters on two), :class:`WordBounds` where words begin and end
(a drag snaps to them), and :class:`SpeakerIndex` which speaker opens a turn on which line.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from rich.cells import cell_len, get_character_cell_size, split_graphemes


def abbreviation(name: str, size: int = 3) -> str:
    """A short label for a code: the initials of its words, or the start of a one-word name."""
    words = [w for w in name.replace("-", " ").replace("/", " ").split() if w[:1].isalnum()]
    if len(words) >= 2:
        return "".join(w[0] for w in words)[:size].upper()
    return (words[0] if words else name)[:size].capitalize()


#: Tab stops every this many cells, counted from the start of each display line.
TAB_SIZE = 4

#: Characters a terminal cannot draw in one cell (control and layout characters other than
#: the tab), each drawn as one space so that no escape reaches the terminal.
_ODD_WHITESPACE = {
    **{c: " " for c in range(0x20) if c not in (0x09, 0x0A)},
    0x7F: " ",
    0x85: " ",
    0x200B: " ",
    0x2028: " ",
    0x2029: " ",
    0xFEFF: " ",
}


#: Characters drawn in exactly one cell (or, the odd whitespace, as one space): text made of
#: these alone maps a character to a cell one to one, the common case and the fast path.
_NARROW = frozenset(
    ch
    for first, last in (
        (0x20, 0x7E),
        (0xA0, 0xAC),
        (0xAE, 0x2FF),
        (0x370, 0x482),
        (0x1E00, 0x1EFF),
        (0x2010, 0x2027),
        (0x2030, 0x205E),
    )
    for ch in map(chr, range(first, last + 1))
    if get_character_cell_size(ch) == 1
) | frozenset(map(chr, _ODD_WHITESPACE))


def _narrow(text: str) -> bool:
    """True if every character of ``text`` is drawn in one cell (no tab, no wide character)."""
    return _NARROW.issuperset(text)


#: The characters drawn as something other than themselves: the tab and the odd whitespace.
_DRAWN_AS_SPACE = re.compile("[\t" + "".join(map(chr, _ODD_WHITESPACE)) + "]")


#: Text is measured in chunks of at most this many characters (so a long paragraph is not
#: read to its end for every line wrapped in it).
_CHUNK = 256


def _pieces(text: str, start: int, end: int, column: int) -> Iterator[tuple[int, int, int, bool]]:
    """``text[start:end]`` drawn from cell ``column``, piece by piece: the offset, characters
    and cells of each piece, and whether it is a run of one-cell characters (which may be cut
    anywhere) or one glyph: a tab (up to the next tab stop), other odd whitespace (one cell), a
    wide character (two), a character with its combining marks or a joined emoji."""
    pos = start
    while pos < end:
        found = _DRAWN_AS_SPACE.search(text, pos, min(end, pos + _CHUNK))
        stop = min(end, pos + _CHUNK) if found is None else found.start()
        run = text[pos:stop]
        if _narrow(run):
            if run:
                yield pos, len(run), len(run), True
                column += len(run)
        else:
            for a, b, cells in split_graphemes(run)[0]:
                yield pos + a, b - a, cells, False
                column += cells
        if found is not None:
            cells = TAB_SIZE - column % TAB_SIZE if text[stop] == "\t" else 1
            yield stop, 1, cells, False
            column += cells
            stop += 1
        pos = stop


def _reach(text: str, start: int, end: int, cell: int) -> int | None:
    """The offset of the character drawn across cell ``cell`` (from 0) of ``text[start:end]``
    drawn from its first cell; None if the text ends before that cell."""
    at = 0
    for offset, _chars, cells, run in _pieces(text, start, end, 0):
        if at + cells > cell:
            return offset + (cell - at) if run else offset
        at += cells
    return None


def drawable(text: str, column: int = 0) -> str:
    """``text`` as drawn from cell ``column`` of its line: a tab becomes the spaces up to the
    next tab stop, any other control character one space.

    A control character sent to the terminal as is would move its cursor and leave glyphs of
    the previous screen standing. Offsets stay right: :func:`column_of` and
    :func:`offset_at_column` map between cells and characters the same way (a wide character,
    CJK or emoji, takes two cells).
    """
    text = text.translate(_ODD_WHITESPACE)
    if "\t" not in text:
        return text
    out: list[str] = []
    for ch in text:
        if ch == "\t":
            ch = " " * (TAB_SIZE - column % TAB_SIZE)
            column += len(ch)
        else:
            column += 1 if ch in _NARROW else cell_len(ch)
        out.append(ch)
    return "".join(out)


def cells_of(text: str, start: int, end: int, column: int = 0) -> int:
    """How many cells ``text[start:end]`` takes when drawn from cell ``column``."""
    if _narrow(text[start:end]):
        return end - start
    return sum(piece[2] for piece in _pieces(text, start, end, column))


def column_of(text: str, start: int, offset: int) -> int:
    """The cell where the character at ``offset`` is drawn, on a line starting at ``start``."""
    return cells_of(text, start, offset)


def offset_at_column(text: str, start: int, end: int, column: int) -> int:
    """The character drawn at cell ``column`` of the line ``[start, end)`` (the last one for
    a cell past its end)."""
    if _narrow(text[start:end]):
        return min(max(start + column, start), max(end - 1, start))
    found = _reach(text, start, end, max(column, 0))
    return max(end - 1, start) if found is None else found


def _fit(text: str, start: int, end: int, width: int) -> int:
    """How far from ``start`` a line of ``width`` cells reaches (tabs and wide characters
    taking the cells they are drawn with)."""
    if _narrow(text[start : start + width]):
        return start + width
    found = _reach(text, start, end, width)
    return end if found is None else found


def wrap_lines(text: str, width: int) -> list[tuple[int, int]]:
    """``[start, end)`` of each display line of ``text`` wrapped at ``width`` cells.

    Lines break at the last space before the width (the space stays on the upper line, out of
    sight) or, for a longer word, at the width. Newlines always break. A tab counts the cells
    it is drawn with.
    """
    width = max(width, 8)
    lines: list[tuple[int, int]] = []
    pos, size = 0, len(text)
    while pos <= size:
        nl = text.find("\n", pos)
        para_end = size if nl == -1 else nl
        start = pos
        while para_end > (fit := _fit(text, start, para_end, width)):
            cut = text.rfind(" ", start, fit + 1)
            if cut <= start:
                fit = max(fit, start + 1)
                lines.append((start, fit))
                start = fit
            else:
                lines.append((start, cut))
                start = cut + 1
        lines.append((start, para_end))
        if nl == -1:
            break
        pos = nl + 1
    return lines


@dataclass(frozen=True)
class Marked:
    """A coding as the view draws it."""

    id: int
    start: int
    end: int
    code_id: int


def mark_order(mark: Marked) -> tuple[int, int, int]:
    """Sort key of drawn codings: by start, longer first, then by id."""
    # The id keeps equal spans in a stable order.
    return (mark.start, -mark.end, mark.id)


class LineIndex:
    """A text's display lines at one width, and the codings on each line."""

    def __init__(self) -> None:
        #: ``[start, end)`` of each display line.
        self.lines: list[tuple[int, int]] = []
        self.starts: list[int] = []
        self.marks_by_line: dict[int, list[Marked]] = {}

    def __len__(self) -> int:
        return len(self.lines)

    def wrap(self, text: str, width: int, marks: Iterable[Marked]) -> None:
        """Wrap ``text`` at ``width`` cells and place ``marks`` on the new lines."""
        self.lines = wrap_lines(text, width)
        self.starts = [s for s, _ in self.lines]
        self.place(marks)

    def line_of(self, offset: int) -> int:
        """The display line that shows the character at ``offset``."""
        return max(bisect.bisect_right(self.starts, offset) - 1, 0)

    def span_lines(self, start: int, end: int) -> tuple[int, int]:
        """The first and last display lines of ``[start, end)`` (an empty span: its line)."""
        return self.line_of(start), self.line_of(max(start, end - 1))

    def place(self, marks: Iterable[Marked]) -> None:
        """Put every mark on the lines it covers (``marks`` in :func:`mark_order`)."""
        index: dict[int, list[Marked]] = {}
        for mark in marks:
            first, last = self.span_lines(mark.start, mark.end)
            for line in range(first, last + 1):
                index.setdefault(line, []).append(mark)
        self.marks_by_line = index

    def add(self, mark: Marked) -> tuple[int, int]:
        """Put one more mark on its lines; returns the first and last of them."""
        first, last = self.span_lines(mark.start, mark.end)
        for line in range(first, last + 1):
            bisect.insort(self.marks_by_line.setdefault(line, []), mark, key=mark_order)
        return first, last

    def remove(self, mark: Marked) -> tuple[int, int]:
        """Take a mark off its lines; returns the first and last of them."""
        first, last = self.span_lines(mark.start, mark.end)
        for line in range(first, last + 1):
            marks = self.marks_by_line.get(line, [])
            if mark in marks:
                marks.remove(mark)
            if not marks:
                self.marks_by_line.pop(line, None)
        return first, last

    def on_line(self, line: int) -> list[Marked]:
        """The marks that touch display line ``line``, in :func:`mark_order`."""
        return self.marks_by_line.get(line, [])

    def overlapping(self, start: int, end: int) -> list[Marked]:
        """Marks that overlap ``[start, end)``, each once, in no particular order."""
        # Every mark that overlaps the span is on one of the span's lines.
        first, last = self.span_lines(start, end)
        found: dict[int, Marked] = {}
        for line in range(first, last + 1):
            for mark in self.marks_by_line.get(line, ()):
                if mark.start < end and mark.end > start:
                    found[mark.id] = mark
        return list(found.values())


class WordBounds:
    """Word boundaries (spaCy tokens) of a text, found one paragraph at a time and kept."""

    def __init__(self, text: str = "") -> None:
        self.text = text
        self._by_paragraph: dict[int, list[tuple[int, int]]] = {}

    def near(self, offset: int) -> list[tuple[int, int]]:
        """``[start, end)`` of each word of the paragraph around ``offset``."""
        text = self.text
        para_start = text.rfind("\n", 0, offset) + 1
        if para_start not in self._by_paragraph:
            para_end = text.find("\n", offset)
            para_end = len(text) if para_end == -1 else para_end
            # spaCy loads on the first word move, not when the coding screen opens.
            from coder.text import token_spans

            spans = token_spans(text[para_start:para_end])
            self._by_paragraph[para_start] = [(a + para_start, b + para_start) for a, b in spans]
        return self._by_paragraph[para_start]

    def next_end(self, end: int) -> int | None:
        """The end of the first word ending after ``end``, looking on through paragraphs."""
        probe = end
        while probe < len(self.text):
            after = [b for _, b in self.near(probe) if b > end]
            if after:
                return min(after)
            next_para = self.text.find("\n", probe)
            if next_para == -1:
                return None
            probe = next_para + 1
        return None

    def previous_end(self, start: int, end: int) -> int | None:
        """The last word end inside ``(start, end)``, to shrink a selection by a word."""
        before = [b for _, b in self.near(max(end - 1, start)) if start < b < end]
        return max(before) if before else None

    def previous_start(self, start: int) -> int | None:
        """The start of the word before ``start``."""
        earlier = [a for a, _ in self.near(max(start - 1, 0)) if a < start]
        return max(earlier) if earlier else None

    def next_start(self, start: int, end: int) -> int | None:
        """The first word start inside ``(start, end)``, to move a selection's start on."""
        later = [a for a, _ in self.near(start) if start < a < end]
        return min(later) if later else None

    def snap(self, start: int, end: int) -> tuple[int, int]:
        """``[start, end)`` widened to whole words: a word cut by either end is taken whole,
        and blanks at either end are dropped (a span of blanks only stays as it was)."""
        words = self.near(start)
        last = self.near(max(end - 1, start))
        if last is not words:
            words = words + last
        inside = [(a, b) for a, b in words if a < end and b > start]
        if not inside:
            return start, end
        return min(a for a, _ in inside), max(b for _, b in inside)


class SpeakerIndex:
    """The speaker of each turn, a colour slot per speaker, the lines that open a turn, and
    where the text itself names the speaker.

    A transcript imported with its labels in the text ("Interviewer: ...", as every import
    keeps them) needs no column of names beside it: :attr:`labels` holds each label's span,
    drawn in the speaker's colour, and :attr:`width` is 0. Otherwise (a transcript imported
    before labels were kept) the names go in a column of :attr:`width` cells.
    """

    def __init__(
        self, starts: Sequence[int] = (), speakers: Sequence[str | None] = (), text: str = ""
    ) -> None:
        self.starts = list(starts)
        self.speakers = list(speakers)
        names = [s for s in dict.fromkeys(self.speakers) if s]
        #: Each speaker's colour slot, in order of first appearance.
        self.slot = {name: n for n, name in enumerate(names)}
        #: ``(start, end, speaker)`` of each label in the text, in text order.
        self.labels = self._find_labels(text)
        in_text = bool(self.labels) and len(self.labels) == sum(1 for s in self.speakers if s)
        if not in_text:
            self.labels = []
        self.width = 0 if in_text else min(max((cell_len(n) for n in names), default=0), 14)
        self._label_starts = [start for start, _, _ in self.labels]
        self.by_line: dict[int, str] = {}

    def _find_labels(self, text: str) -> list[tuple[int, int, str]]:
        """The speaker's name where a turn opens with it (after "[", "**" or a time)."""
        found = []
        for start, name in zip(self.starts, self.speakers, strict=False):
            if not name:
                continue
            head = text[start : start + len(name) + 24].casefold()
            at = head.find(name.casefold())
            if at < 0:
                return []
            found.append((start + at, start + at + len(name), name))
        return found

    def labels_within(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """The labels that overlap ``[start, end)``."""
        first = max(bisect.bisect_right(self._label_starts, start) - 1, 0)
        last = bisect.bisect_left(self._label_starts, end)
        return [label for label in self.labels[first:last] if label[1] > start]

    def place(self, lines: LineIndex) -> None:
        """Find the display line that opens each turn (after the text is wrapped again)."""
        self.by_line = {
            lines.line_of(start): name
            for start, name in zip(self.starts, self.speakers, strict=False)
            if name
        }

    def opening(self, line: int) -> str | None:
        """The speaker whose turn opens on display line ``line``, if any."""
        return self.by_line.get(line)
