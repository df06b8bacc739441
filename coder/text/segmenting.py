"""Reading and segmenting the files of an import, overlapped with storing them.

Segmenting a document with spaCy costs more than storing it. Done one after the other, an
import runs at well under spaCy's own speed; so when there is more than one file and more than
one core, a worker process reads and segments the next files (in batches, so spaCy's ``pipe``
batches too) while the caller stores the previous ones. The worker is forked after the pipeline
is loaded, so it starts at once with the same pipeline. Storing takes about half the time of
segmenting, so rather than wait for the worker the caller reads and segments a later batch
itself whenever the worker's next batch is not ready: both processes stay busy.

Reading a file is the caller's: it passes a ``read`` function (the importers live in
:mod:`coder.io`, a layer beside this one). The function travels to the worker by reference, so
it must be picklable: a module-level function, or a :func:`functools.partial` of one.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from coder.domain.documents import DocumentDraft
from coder.errors import CoderError
from coder.text.pipeline import load_pipeline
from coder.text.segment import UnitRow, segment_rows

#: A batch of files for the worker ends after this many files or this many bytes.
BATCH_FILES = 8
BATCH_BYTES = 1_000_000
#: Batches handed to the worker beyond the one it is segmenting.
BATCHES_AHEAD = 2
#: Batches segmented or being segmented and not yet handed to the caller, the worker's and
#: the caller's own together (bounds the memory held).
BATCHES_HELD = 6


@dataclass
class SegmentedFile:
    """One file of an import: its documents and their units, or why it could not be read.

    ``units`` holds one list of :data:`~coder.text.segment.UnitRow` tuples per draft: plain
    tuples cross from the worker process at a fraction of the cost of ``Unit`` objects.
    """

    path: Path
    drafts: list[DocumentDraft] = field(default_factory=list)
    units: list[list[UnitRow]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


#: Reads one file: its documents and warnings. Raises CoderError (or OSError/ValueError) when
#: the file cannot be read; the error is reported for that file alone.
FileReader = Callable[[Path], tuple[Sequence[DocumentDraft], Sequence[str]]]


def _read(path: Path, read: FileReader) -> SegmentedFile:
    try:
        drafts, warnings = read(path)
    except CoderError as exc:
        return SegmentedFile(path, error=str(exc))
    except (OSError, ValueError) as exc:
        return SegmentedFile(path, error=f"{path}: {exc}")
    return SegmentedFile(path, drafts=list(drafts), warnings=list(warnings))


def _process(paths: list[Path], read: FileReader, spacy_model: str | None) -> list[SegmentedFile]:
    """Read a batch of files and segment all their documents in one spaCy pass."""
    items = [_read(path, read) for path in paths]
    readable = [item for item in items if item.error is None]
    drafts = [draft for item in readable for draft in item.drafts]
    try:
        units = _segment(drafts, spacy_model)
    except (CoderError, OSError, ValueError):
        # Something in the batch defeats the segmenter: find which file, one by one.
        for item in readable:
            _segment_alone(item, spacy_model)
        return items
    position = 0
    for item in readable:
        item.units = units[position : position + len(item.drafts)]
        position += len(item.drafts)
    return items


def _segment(drafts: list[DocumentDraft], spacy_model: str | None) -> list[list[UnitRow]]:
    return segment_rows(
        [d.text for d in drafts], nlp=load_pipeline(spacy_model), turns=[d.turns for d in drafts]
    )


def _segment_alone(item: SegmentedFile, spacy_model: str | None) -> None:
    try:
        item.units = _segment(item.drafts, spacy_model)
    except CoderError as exc:
        item.error = str(exc)
    except (OSError, ValueError) as exc:
        item.error = f"{item.path}: {exc}"


def _batches(paths: Sequence[Path]) -> Iterator[list[Path]]:
    batch: list[Path] = []
    size = 0
    for path in paths:
        with contextlib.suppress(OSError):  # a missing file is the reader's to report
            size += path.stat().st_size
        batch.append(path)
        if len(batch) >= BATCH_FILES or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _use_worker(n_files: int) -> bool:
    return (
        n_files > 1
        and (os.cpu_count() or 1) > 1
        and "fork" in multiprocessing.get_all_start_methods()
    )


def read_and_segment(
    paths: Sequence[Path],
    *,
    read: FileReader,
    spacy_model: str | None = None,
    parallel: bool | None = None,
) -> Generator[SegmentedFile, None, None]:
    """Yield every file read with ``read`` and segmented, in the order given.

    With ``parallel`` (default: more than one file, more than one core, and a platform that
    can fork) reading and segmentation run in one worker process, ahead of the caller, and
    in the caller while the worker's next batch is not ready.
    """
    load_pipeline(spacy_model)  # load once here: the forked worker inherits it
    if not (_use_worker(len(paths)) if parallel is None else parallel):
        for batch in _batches(paths):
            yield from _process(batch, read, spacy_model)
        return
    context = multiprocessing.get_context("fork")
    batches = _batches(paths)
    # In the order of ``paths``: a batch the worker segments, or one the caller segmented.
    slots: deque[Future[list[SegmentedFile]] | list[SegmentedFile]] = deque()
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        while True:
            busy = sum(isinstance(slot, Future) and not slot.done() for slot in slots)
            if (
                busy <= BATCHES_AHEAD
                and len(slots) < BATCHES_HELD
                and (following := next(batches, None)) is not None
            ):
                slots.append(pool.submit(_process, following, read, spacy_model))
                continue
            if not slots:
                return
            head = slots[0]
            if (
                isinstance(head, Future)
                and not head.done()
                and len(slots) < BATCHES_HELD
                and (following := next(batches, None)) is not None
            ):
                slots.append(_process(following, read, spacy_model))  # rather than wait
                continue
            slots.popleft()
            yield from head if isinstance(head, list) else head.result()
