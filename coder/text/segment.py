"""Units of analysis: sentences, paragraphs, speaker turns and the whole document.

Offsets are Unicode code points into the normalised document text, end exclusive. Every
sentence and paragraph unit starts and ends on a non-space character, and none is empty.

:func:`segment_rows` gives the units of many texts as plain tuples (:data:`UnitRow`), the form
an import sends from its worker process and stores: building, pickling and unpickling a
``Unit`` object for each of a document's hundreds of sentences cost an import more than the
database's own insert. :func:`segment` and :func:`segment_many` give ``Unit`` objects.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from coder.domain.documents import DocumentDraft, Unit, UnitKind
from coder.text.pipeline import load_pipeline, sentence_pipes

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: A line longer than this cannot come from hard-wrapped prose, so a block of lines holding
#: one is read as "one paragraph per line" (what word processors and PDF extraction give).
WRAP_WIDTH = 100

Bounds = tuple[int, int]

#: One unit as stored: kind (a :class:`UnitKind` value), start, end, speaker, time_start and
#: time_end (the last three None but for speaker turns).
UnitRow = tuple[str, int, int, str | None, float | None, float | None]


def paragraph_spans(text: str) -> list[Bounds]:
    """``[start, end)`` of each paragraph of ``text``, trimmed of surrounding whitespace.

    Paragraphs are blocks of lines separated by one or more blank (whitespace-only) lines.
    Each non-empty line is a paragraph of its own instead when the text has no blank lines at
    all, or when its block holds a line longer than :data:`WRAP_WIDTH` code points: such a
    block is not hard-wrapped prose but one paragraph per line, as in text exported from a
    word processor, where a heading line is followed directly by its paragraph.
    """
    blocks: list[list[Bounds]] = []
    current: list[Bounds] = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        if line.strip():
            current.append((pos, end))
        elif current:
            blocks.append(current)
            current = []
        pos = end + 1
    if current:
        blocks.append(current)

    one_block = len(blocks) == 1
    spans: list[Bounds] = []
    for block in blocks:
        per_line = len(block) > 1 and (one_block or any(e - s > WRAP_WIDTH for s, e in block))
        if per_line:
            spans.extend(_trim(text, s, e) for s, e in block)
        else:
            spans.append(_trim(text, block[0][0], block[-1][1]))
    return spans


def segment(
    text: str,
    *,
    nlp: Language | None = None,
    turns: Iterable[Unit] = (),
) -> list[Unit]:
    """All units of ``text``: the document, its paragraphs, its sentences, then ``turns``.

    Sentences come from the spaCy pipeline (``nlp``, default :func:`load_pipeline`), cut at
    paragraph boundaries so that a heading without a full stop is not glued to the sentence
    after it. ``turns`` (speaker turns from a subtitle or transcript reader) are checked to lie
    inside the text and passed through.
    """
    return segment_many([text], nlp=nlp, turns=[list(turns)])[0]


def segment_many(
    texts: Sequence[str],
    *,
    nlp: Language | None = None,
    turns: Sequence[Iterable[Unit]] | None = None,
    batch_size: int = 32,
    progress: Callable[[int, int], None] | None = None,
) -> list[list[Unit]]:
    """:func:`segment` for many texts, streaming them through ``nlp.pipe`` for throughput.

    ``turns``, when given, has one iterable of turn units per text. ``progress(done, total)``
    is called after each text. Pipes that sentence boundaries do not need (the lemmatizer of
    the blank pipeline) are switched off for the duration: lemmas are computed on demand by
    :func:`coder.text.lemmatise`.
    """
    rows = segment_rows(texts, nlp=nlp, turns=turns, batch_size=batch_size, progress=progress)
    return [
        [
            Unit(UnitKind(kind), start, end, speaker, t0, t1)
            for kind, start, end, speaker, t0, t1 in r
        ]
        for r in rows
    ]


def segment_rows(
    texts: Sequence[str],
    *,
    nlp: Language | None = None,
    turns: Sequence[Iterable[Unit]] | None = None,
    batch_size: int = 32,
    progress: Callable[[int, int], None] | None = None,
) -> list[list[UnitRow]]:
    """The units of :func:`segment_many` as :data:`UnitRow` tuples, in the same order."""
    if nlp is None:
        nlp = load_pipeline()
    if turns is not None and len(turns) != len(texts):
        raise ValueError(f"{len(turns)} lists of turns for {len(texts)} texts")
    paragraphs = [paragraph_spans(t) for t in texts]
    chunks = [_chunk_bounds(t, nlp.max_length, p) for t, p in zip(texts, paragraphs, strict=True)]

    def chunk_texts() -> Iterator[str]:
        for text, bounds in zip(texts, chunks, strict=True):
            for start, end in bounds:
                yield text[start:end]

    results: list[list[UnitRow]] = []
    total = len(texts)
    with nlp.select_pipes(enable=sentence_pipes(nlp)):
        docs = iter(nlp.pipe(chunk_texts(), batch_size=batch_size))
        for i, text in enumerate(texts):
            sentences: list[Bounds] = []
            for offset, _ in chunks[i]:
                sentences.extend(_sentence_bounds(next(docs), offset))
            given = [] if turns is None else list(turns[i])
            results.append(_unit_rows(text, paragraphs[i], sentences, given))
            if progress is not None:
                progress(i + 1, total)
    return results


def segment_drafts(
    drafts: Sequence[DocumentDraft],
    *,
    nlp: Language | None = None,
    batch_size: int = 32,
    progress: Callable[[int, int], None] | None = None,
) -> list[list[Unit]]:
    """:func:`segment_many` over importer output, passing each draft's speaker turns through."""
    return segment_many(
        [d.text for d in drafts],
        nlp=nlp,
        turns=[d.turns for d in drafts],
        batch_size=batch_size,
        progress=progress,
    )


_DOCUMENT = UnitKind.DOCUMENT.value
_PARAGRAPH = UnitKind.PARAGRAPH.value
_SENTENCE = UnitKind.SENTENCE.value
_TURN = UnitKind.TURN.value


def _unit_rows(
    text: str, paragraphs: list[Bounds], sentences: list[Bounds], turns: list[Unit]
) -> list[UnitRow]:
    rows: list[UnitRow] = [(_DOCUMENT, 0, len(text), None, None, None)]
    rows.extend([(_PARAGRAPH, s, e, None, None, None) for s, e in paragraphs])
    rows.extend(
        [
            (_SENTENCE, s, e, None, None, None)
            for s, e in _cut_at_paragraphs(text, sentences, paragraphs)
        ]
    )
    for turn in sorted(turns, key=lambda u: (u.start, u.end)):
        if turn.kind is not UnitKind.TURN or turn.end > len(text):
            raise ValueError(f"turn {turn} does not fit a text of length {len(text)}")
        rows.append((_TURN, turn.start, turn.end, turn.speaker, turn.time_start, turn.time_end))
    return rows


def _sentence_bounds(doc: Doc, offset: int) -> Iterator[Bounds]:
    for sent in doc.sents:
        yield sent.start_char + offset, sent.end_char + offset


def _cut_at_paragraphs(
    text: str, sentences: list[Bounds], paragraphs: list[Bounds]
) -> list[Bounds]:
    """Split sentences where they cross a paragraph boundary; trim and drop blank pieces."""
    out: list[Bounds] = []
    j = 0
    n = len(paragraphs)
    for s, e in sentences:
        while j < n and paragraphs[j][1] <= s:
            j += 1
        k = j
        while k < n and paragraphs[k][0] < e:
            a, b = _trim(text, max(s, paragraphs[k][0]), min(e, paragraphs[k][1]))
            if a < b:
                out.append((a, b))
            k += 1
    return out


def _chunk_bounds(text: str, limit: int, paragraphs: list[Bounds]) -> list[Bounds]:
    """Cut ``text`` into pieces of at most ``limit`` code points for spaCy's ``max_length``.

    Cuts fall at a paragraph start where possible, else at whitespace, else anywhere.
    """
    starts = [p[0] for p in paragraphs]
    bounds: list[Bounds] = []
    start = 0
    while len(text) - start > limit:
        hard = start + limit
        i = bisect.bisect_right(starts, hard) - 1
        cut = starts[i] if i >= 0 else -1
        if cut <= start:
            cut = max(text.rfind(" ", start + 1, hard + 1), text.rfind("\n", start + 1, hard + 1))
            if cut <= start:
                cut = hard
        bounds.append((start, cut))
        start = cut
    bounds.append((start, len(text)))
    return bounds


def _trim(text: str, start: int, end: int) -> Bounds:
    if start < end and not text[start].isspace() and not text[end - 1].isspace():
        return start, end  # the usual case: spaCy's sentences start and end on a word
    piece = text[start:end]
    head = len(piece) - len(piece.lstrip())
    if head == len(piece):
        return start, start
    tail = len(piece) - len(piece.rstrip())
    return start + head, end - tail
