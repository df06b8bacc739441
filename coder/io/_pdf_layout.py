"""From the glyphs on PDF pages to text as a reader would copy it: one pipeline of small pure
functions over positioned lines (:func:`layout_text`), each testable without a PDF.

1. :func:`page_lines`: the glyphs of a page, in the order the page draws them, become lines:
   glyphs on one baseline drawn one after another. A tab or any other blank, or a gap wider
   than a fifth of the font size, is one space; a gap wider than most of an em starts a new
   run (a margin number and the text of its line are two runs).
2. :func:`drop_margin_numbers`: line or paragraph numbers in the left margin: numbers alone,
   in one column left of the text, increasing down the page.
3. :func:`drop_page_furniture`: running headers and footers (a line among the three top or
   bottom lines of a page that recurs, digits aside, on at least half of the pages) and page
   numbers ("2", "2/5", "Page 2 of 5", "- 2 -") among those lines.
4. :func:`paragraphs`: lines joined into paragraphs. A paragraph ends at a vertical gap larger
   than the document's usual line pitch, at a bullet, or after a line that stops short: one
   that leaves room for the first word of the next line, so the author broke it, not the
   typesetter. Across a page or column break only the last two rules apply.
5. :func:`split_at_speakers`: a line that opens with a speaker's label (``Interviewer:``,
   ``I:``, ``B1:``, as :func:`coder.io._speakers.find_turns` finds them under the same
   ``--speakers`` option that makes the turns) starts a paragraph, and a label printed alone
   on its line is joined to the speech under it.
6. :func:`join_lines`: the lines of a paragraph joined by spaces. A word hyphenated at a line
   end is joined ("partner-" + "ship" -> "partnership") when the next line starts with a
   lower-case letter, unless the document spells that word with its hyphen elsewhere
   ("well-known"); before a capital or a digit the hyphen stays ("Ross-" + "Nazzal").
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from coder.io._speakers import SPEAKERS_AUTO, find_turns


class Glyph(NamedTuple):
    """One character drawn on a page, with its box in PDF points (y grows upwards)."""

    char: str
    left: float
    right: float
    bottom: float
    size: float


@dataclass(frozen=True, slots=True)
class Run:
    """Text on one baseline with no wide gap inside; ``word_end`` is where its first word
    ends (a typesetter could have moved that word up to the line above)."""

    text: str
    left: float
    right: float
    word_end: float


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a page: its runs left to right, its baseline and font size."""

    runs: tuple[Run, ...]
    baseline: float
    size: float

    @property
    def text(self) -> str:
        return " ".join(run.text for run in self.runs)

    @property
    def left(self) -> float:
        return self.runs[0].left

    @property
    def right(self) -> float:
        return self.runs[-1].right

    def without_first_run(self) -> Line:
        return Line(self.runs[1:], self.baseline, self.size)


#: Blanks drawn between words; each is (part of) one space.
BLANKS = frozenset(" \t\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a")
#: What producers (and PDFium, U+FFFE) leave at a line end where a word was hyphenated.
HYPHENS = frozenset("-\u00ad\u2010\ufffe\x02")
SPACE_GAP = 0.2  # a gap wider than this share of the font size between glyphs is a space
RUN_GAP = 0.8  # a gap wider than this starts a new run
PARAGRAPH_GAP = 1.4  # a line pitch this many times the usual one ends a paragraph


class _RunBuilder:
    """The glyphs of the run being read."""

    def __init__(self, glyph: Glyph) -> None:
        self.chars = [glyph.char]
        self.left = glyph.left
        self.right = glyph.right
        self.word_end: float | None = None

    def space(self) -> None:
        if self.chars[-1] != " ":
            if self.word_end is None:
                self.word_end = self.right
            self.chars.append(" ")

    def add(self, glyph: Glyph) -> None:
        self.chars.append(glyph.char)
        self.right = glyph.right

    def run(self) -> Run:
        word_end = self.word_end if self.word_end is not None else self.right
        return Run("".join(self.chars).rstrip(), self.left, self.right, word_end)


def page_lines(glyphs: Iterable[Glyph]) -> list[Line]:
    """The lines of one page, in the order the page draws them. Line breaks that PDFium
    guessed ("\\r", "\\n") are ignored: baselines decide."""
    lines: list[Line] = []
    runs: list[Run] = []
    run: _RunBuilder | None = None
    last: Glyph | None = None
    blank = False
    for glyph in glyphs:
        if glyph.char in BLANKS or glyph.char in "\r\n" or glyph.right <= glyph.left:
            blank = blank or glyph.char not in "\r\n"
            continue
        if run is None or last is None:
            run = _RunBuilder(glyph)
        elif _starts_line(last, glyph):
            runs.append(run.run())
            lines.append(Line(tuple(runs), last.bottom, last.size))
            runs = []
            run = _RunBuilder(glyph)
        else:
            gap = glyph.left - last.right
            size = max(glyph.size, last.size)
            if gap > RUN_GAP * size:
                runs.append(run.run())
                run = _RunBuilder(glyph)
            else:
                if blank or gap > SPACE_GAP * size:
                    run.space()
                run.add(glyph)
        last, blank = glyph, False
    if run is not None and last is not None:
        runs.append(run.run())
        lines.append(Line(tuple(runs), last.bottom, last.size))
    return lines


def _starts_line(last: Glyph, glyph: Glyph) -> bool:
    """A new line: the baseline moves by more than a third of the font size, or the glyph
    goes back left past the previous one."""
    size = max(last.size, glyph.size, 1.0)
    return abs(glyph.bottom - last.bottom) > size / 3 or glyph.right < last.left - size


# Margin numbers ------------------------------------------------------------------------------

_NUMBER = re.compile(r"\d{1,5}")


def drop_margin_numbers(pages: Sequence[Sequence[Line]]) -> list[list[Line]]:
    """Each page without the line or paragraph numbers printed in its left margin.

    A margin number is a number alone in the first run of a line, ending left of the page's
    text column (the most common left edge of the other runs) by half the font size; the
    page's margin numbers stand in one column (their right or left edges within two points)
    and increase down the page. Where that does not hold, the page keeps every line.
    """
    out = []
    for lines in pages:
        numbered = _margin_numbered(lines)
        kept = []
        for index, line in enumerate(lines):
            if index not in numbered:
                kept.append(line)
            elif len(line.runs) > 1:
                kept.append(line.without_first_run())
        out.append(kept)
    return out


def _margin_numbered(lines: Sequence[Line]) -> set[int]:
    """Indexes of the lines of one page whose first run is a margin number."""
    lefts = Counter(
        round(run.left / 3)
        for line in lines
        for run in line.runs
        if not _NUMBER.fullmatch(run.text)
    )
    if not lefts:
        return set()
    column = 3 * max(lefts.items(), key=lambda item: (item[1], -item[0]))[0]
    candidates = [
        (index, line)
        for index, line in enumerate(lines)
        if _NUMBER.fullmatch(line.runs[0].text) and line.runs[0].right < column - line.size / 2
    ]
    if len(candidates) < 2:
        return set()
    rights = [line.runs[0].right for _, line in candidates]
    lefts_ = [line.runs[0].left for _, line in candidates]
    if max(rights) - min(rights) > 2 and max(lefts_) - min(lefts_) > 2:
        return set()
    down_the_page = sorted(candidates, key=lambda item: -item[1].baseline)
    numbers = [int(line.runs[0].text) for _, line in down_the_page]
    if any(b <= a for a, b in itertools.pairwise(numbers)):
        return set()
    return {index for index, _ in candidates}


# Headers, footers and page numbers -----------------------------------------------------------

_PAGE_NUMBER = re.compile(
    r"""(?:page|p\.|pg\.?|seite|s\.|pagina|página|sida|side)?\s*
        (?:\d{1,5}|[-–—]\s*\d{1,5}\s*[-–—]|\[\s*\d{1,5}\s*\])
        (?:\s*(?:/|of|von|sur|de|di|av|af)\s*\d{1,5})?""",
    re.IGNORECASE | re.VERBOSE,
)
EDGE_LINES = 3  # lines at the top and at the bottom of a page that may be headers or footers


def drop_page_furniture(pages: Sequence[Sequence[Line]]) -> list[list[Line]]:
    """Each page without its running headers and footers and its page number.

    Among the ``EDGE_LINES`` highest and the ``EDGE_LINES`` lowest lines of each page, a line
    goes when it reads as a page number, or when its text, every number taken as the same,
    recurs at the same edge on at least half of the pages (and on two at least).
    """
    edges = [_edges(lines) for lines in pages]
    seen = Counter(key for page in edges for key in set(page.values()))
    enough = max(2, (len(pages) + 1) // 2)
    return [
        [
            line
            for index, line in enumerate(lines)
            if index not in edge
            or not (_PAGE_NUMBER.fullmatch(line.text) or seen[edge[index]] >= enough)
        ]
        for lines, edge in zip(pages, edges, strict=True)
    ]


def _edges(lines: Sequence[Line]) -> dict[int, str]:
    """The page's top and bottom lines by index, each with its edge and its text, every
    number in it replaced by "#"."""
    order = sorted(range(len(lines)), key=lambda i: -lines[i].baseline)
    keys = {i: "bottom " + _without_numbers(lines[i].text) for i in order[-EDGE_LINES:]}
    keys |= {i: "top " + _without_numbers(lines[i].text) for i in order[:EDGE_LINES]}
    return keys


def _without_numbers(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split()).casefold())


# Paragraphs ----------------------------------------------------------------------------------

_BULLET = re.compile(r"[•◦▪‣●○■□➢►✓*]\s")


def paragraphs(pages: Sequence[Sequence[Line]], page_width: float = 0.0) -> list[list[str]]:
    """The lines of every page (in drawing order) grouped into paragraphs: lists of line
    texts. See the module docstring for where a paragraph ends; in a document of short lines
    only (see :func:`_typeset`) every line is a paragraph."""
    pitch = _usual_pitch(pages)
    typeset = _typeset(pages, page_width)
    out: list[list[str]] = []
    previous: tuple[Line, tuple[float, float]] | None = None
    for lines in pages:
        for line, column in zip(lines, _columns(lines), strict=True):
            if previous is None or not typeset or _breaks(*previous, line, column, pitch):
                out.append([])
            out[-1].append(line.text)
            previous = line, column
    return [p for p in out if p]


def _typeset(pages: Sequence[Sequence[Line]], page_width: float) -> bool:
    """Whether the text was set in lines that fill a column: the widest line takes at least
    two fifths of the page between equal margins (the two columns of a paper do; a list, a
    form or a few short sentences on a page do not, and their line breaks are the author's).
    """
    lines = [line for page in pages for line in page]
    if not lines or page_width <= 0:
        return True
    margin = min(line.left for line in lines)
    widest = max(line.right - line.left for line in lines)
    return widest >= 0.4 * (page_width - 2 * margin)


def _usual_pitch(pages: Sequence[Sequence[Line]]) -> float:
    """The usual distance between consecutive baselines, in font sizes."""
    ratios = [
        (a.baseline - b.baseline) / max(a.size, 1.0)
        for lines in pages
        for a, b in itertools.pairwise(lines)
        if 0 < a.baseline - b.baseline < 3 * max(a.size, 1.0)
    ]
    return statistics.median(ratios) if ratios else 1.2


def _columns(lines: Sequence[Line]) -> list[tuple[float, float]]:
    """For each line, where its column starts and ends: the left and right edges of the lines
    that share most of its horizontal extent (10th and 90th percentiles, so that one indented
    or overlong line does not move them)."""
    spans = [(line.left, line.right) for line in lines]
    out = []
    for left, right in spans:
        near = [
            (other_left, other_right)
            for other_left, other_right in spans
            if min(right, other_right) - max(left, other_left)
            > 0.5 * min(right - left, other_right - other_left)
        ]
        lefts = sorted(edge for edge, _ in near)
        rights = sorted(edge for _, edge in near)
        out.append((lefts[len(lefts) // 10], rights[int(0.9 * (len(rights) - 1))]))
    return out


def _centred(line: Line, column: tuple[float, float]) -> bool:
    indent, room = line.left - column[0], column[1] - line.right
    return indent > 2 * line.size and abs(indent - room) < 1.5 * line.size


def _breaks(
    above: Line,
    above_column: tuple[float, float],
    line: Line,
    column: tuple[float, float],
    pitch: float,
) -> bool:
    """Does a paragraph end between ``above`` and ``line``, the next line drawn?"""
    if _BULLET.match(line.text) or _centred(above, above_column) or _centred(line, column):
        return True
    drop = above.baseline - line.baseline
    if drop > 0 and drop / max(above.size, 1.0) > PARAGRAPH_GAP * pitch:
        return True
    first_word = line.runs[0].word_end - line.left
    room = above_column[1] - above.right
    return first_word + 0.5 * line.size < room


# Speaker labels ------------------------------------------------------------------------------


def split_at_speakers(paras: list[list[str]], speakers: str = SPEAKERS_AUTO) -> list[list[str]]:
    """Paragraphs split before every line that opens with a speaker's label, and a label
    alone on its line joined to the next line."""
    text = "\n\n".join("\n".join(lines) for lines in paras)
    starts = {turn.start for turn in find_turns(text, speakers)}
    if not starts:
        return paras
    out: list[list[str]] = []
    offset = 0
    alone = False  # the last line was a label by itself: its speech follows
    for lines in paras:
        for index, line in enumerate(lines):
            labelled = offset in starts
            if alone and not labelled:
                out[-1][-1] = f"{out[-1][-1]} {line}"
            elif labelled or index == 0:
                out.append([line])
            else:
                out[-1].append(line)
            alone = labelled and _label_alone(line)
            offset += len(line) + 1
        offset += 1
    return out


def _label_alone(line: str) -> bool:
    return line.endswith((":", "：")) and len(line) <= 48 and len(line.split()) <= 5


# Joining lines -------------------------------------------------------------------------------

_HYPHENATED = re.compile(r"\w+[-\u2010]\w+")
_WORD_END = re.compile(r"(\w+)[-\u00ad\u2010\ufffe\x02]$")
_WORD_START = re.compile(r"\w+")


def hyphenated_words(paras: Iterable[Iterable[str]]) -> frozenset[str]:
    """Words written with a hyphen inside a line ("well-known"), lower-cased."""
    return frozenset(
        w.casefold().replace("\u2010", "-")
        for lines in paras
        for line in lines
        for w in _HYPHENATED.findall(line)
    )


def join_lines(lines: Sequence[str], keep: frozenset[str] = frozenset()) -> str:
    """The lines of one paragraph as one line (see the module docstring); ``keep`` holds the
    hyphenated words whose hyphen stays when they are split at a line end."""
    text = lines[0]
    for line in lines[1:]:
        text = _join(text, line, keep)
    return text


def _join(text: str, line: str, keep: frozenset[str]) -> str:
    end = _WORD_END.search(text)
    if end is not None and line[:1].isalpha():
        start = _WORD_START.match(line)
        whole = f"{end.group(1)}-{start.group(0) if start else ''}".casefold()
        if line[:1].islower() and whole not in keep:
            return text[:-1] + line
        return text[:-1] + "-" + line
    if text.endswith(("—", "/")) or text[-1:] in HYPHENS:
        return text + line
    return f"{text} {line}"


def clean_paragraph(text: str) -> str:
    """One space between words; hyphenation marks inside a line shown as the hyphen or the
    nothing they stand for."""
    text = text.replace("\ufffe", "-").replace("\x02", "-").replace("\u00ad", "")
    return " ".join(text.split())


def layout_text(
    pages: Sequence[Sequence[Line]], speakers: str = SPEAKERS_AUTO, page_width: float = 0.0
) -> str:
    """The text of a document from its pages' lines (``page_width`` in points, the widest
    page's): paragraphs separated by a blank line."""
    cleaned = drop_page_furniture(drop_margin_numbers(pages))
    paras = split_at_speakers(paragraphs(cleaned, page_width), speakers)
    keep = hyphenated_words(paras)
    return "\n\n".join(clean_paragraph(join_lines(lines, keep)) for lines in paras)
