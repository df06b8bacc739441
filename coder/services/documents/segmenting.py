"""Reading and segmenting the files of an import, overlapped with storing them.

Segmenting a document with spaCy and storing its units cost about the same. Done one after the
other, an import runs at well under half of spaCy's own speed; so when there is more than one
file and more than one core, a worker process reads and segments the next files (in batches,
so spaCy's ``pipe`` batches too) while the caller stores the previous ones, each file still in
its own transaction. The worker is forked after the pipeline is loaded, so it starts at once
with the same pipeline.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from coder.domain.documents import AttributeValue, DocumentDraft, Unit
from coder.errors import CoderError

#: A batch of files for the worker ends after this many files or this many bytes.
BATCH_FILES = 8
BATCH_BYTES = 1_000_000
#: Batches handed to the worker ahead of the one being stored (bounds the memory held).
BATCHES_AHEAD = 2


@dataclass
class SegmentedFile:
    """One file of an import: its documents and their units, or why it could not be read."""

    path: Path
    drafts: list[DocumentDraft] = field(default_factory=list)
    units: list[list[Unit]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass(frozen=True)
class _Options:
    text_column: str | None
    attributes: Mapping[str, AttributeValue] | None
    max_bytes: int | None
    spacy_model: str | None


def _read(path: Path, options: _Options) -> SegmentedFile:
    from coder.io.documents import read_documents

    try:
        if options.max_bytes is None:
            result = read_documents(
                path, text_column=options.text_column, attributes=options.attributes
            )
        else:
            result = read_documents(
                path,
                text_column=options.text_column,
                attributes=options.attributes,
                max_bytes=options.max_bytes,
            )
    except CoderError as exc:
        return SegmentedFile(path, error=str(exc))
    except (OSError, ValueError) as exc:
        return SegmentedFile(path, error=f"{path}: {exc}")
    return SegmentedFile(path, drafts=result.documents, warnings=list(result.warnings))


def _process(paths: list[Path], options: _Options) -> list[SegmentedFile]:
    """Read a batch of files and segment all their documents in one spaCy pass."""
    from coder.text import load_pipeline, segment_drafts

    items = [_read(path, options) for path in paths]
    readable = [item for item in items if item.error is None]
    drafts = [draft for item in readable for draft in item.drafts]
    try:
        units = segment_drafts(drafts, nlp=load_pipeline(options.spacy_model))
    except (CoderError, OSError, ValueError):
        # Something in the batch defeats the segmenter: find which file, one by one.
        for item in readable:
            _segment_alone(item, options)
        return items
    position = 0
    for item in readable:
        item.units = units[position : position + len(item.drafts)]
        position += len(item.drafts)
    return items


def _segment_alone(item: SegmentedFile, options: _Options) -> None:
    from coder.text import load_pipeline, segment_drafts

    try:
        item.units = segment_drafts(item.drafts, nlp=load_pipeline(options.spacy_model))
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
    text_column: str | None = None,
    attributes: Mapping[str, AttributeValue] | None = None,
    max_bytes: int | None = None,
    spacy_model: str | None = None,
    parallel: bool | None = None,
) -> Iterator[SegmentedFile]:
    """Yield every file read and segmented, in the order given.

    With ``parallel`` (default: more than one file, more than one core, and a platform that
    can fork) reading and segmentation run in one worker process, ahead of the caller.
    """
    from coder.text import load_pipeline

    options = _Options(text_column, attributes, max_bytes, spacy_model)
    load_pipeline(spacy_model)  # load once here: the forked worker inherits it
    if not (_use_worker(len(paths)) if parallel is None else parallel):
        for batch in _batches(paths):
            yield from _process(batch, options)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        pending: deque[Future[list[SegmentedFile]]] = deque()
        for batch in _batches(paths):
            pending.append(pool.submit(_process, batch, options))
            while len(pending) > BATCHES_AHEAD or (pending and pending[0].done()):
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
