"""Reading and segmenting the files of an import, overlapped with storing them.

Segmenting a document with spaCy and storing its units cost about the same. Done one after the
other, an import runs at well under half of spaCy's own speed; so when there is more than one
file and more than one core, spaCy runs in a worker process on the next files while the caller
stores the previous ones, each still in its own transaction. The worker is forked after the
pipeline is loaded, so it starts at once with the same pipeline.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from coder.domain.documents import AttributeValue, DocumentDraft, Unit
from coder.errors import CoderError

#: Files read ahead of the one being stored (bounds the memory an import holds).
READ_AHEAD = 4


@dataclass
class SegmentedFile:
    """One file of an import: its documents and their units, or why it could not be read."""

    path: Path
    drafts: list[DocumentDraft] = field(default_factory=list)
    units: list[list[Unit]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


def _segment(model: str | None, drafts: list[DocumentDraft]) -> list[list[Unit]] | str:
    """Units of each draft, or the one-line error (exceptions cross processes badly)."""
    from coder.text import load_pipeline, segment_drafts

    try:
        return segment_drafts(drafts, nlp=load_pipeline(model))
    except CoderError as exc:
        return str(exc)
    except (OSError, ValueError) as exc:
        return f"{drafts[0].source_path if drafts else '?'}: {exc}"


def _read(
    path: Path,
    text_column: str | None,
    attributes: Mapping[str, AttributeValue] | None,
    max_bytes: int | None,
) -> SegmentedFile:
    from coder.io.documents import read_documents

    try:
        if max_bytes is None:
            result = read_documents(path, text_column=text_column, attributes=attributes)
        else:
            result = read_documents(
                path, text_column=text_column, attributes=attributes, max_bytes=max_bytes
            )
    except CoderError as exc:
        return SegmentedFile(path, error=str(exc))
    except (OSError, ValueError) as exc:
        return SegmentedFile(path, error=f"{path}: {exc}")
    return SegmentedFile(path, drafts=result.documents, warnings=list(result.warnings))


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
    can fork) segmentation runs in one worker process, READ_AHEAD files ahead of the caller.
    """
    from coder.text import load_pipeline

    load_pipeline(spacy_model)  # load once here: the forked worker inherits it
    if not (_use_worker(len(paths)) if parallel is None else parallel):
        for path in paths:
            item = _read(path, text_column, attributes, max_bytes)
            if item.error is None:
                _finish(item, _segment(spacy_model, item.drafts))
            yield item
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        pending: deque[tuple[SegmentedFile, Future[list[list[Unit]] | str] | None]] = deque()
        for path in paths:
            item = _read(path, text_column, attributes, max_bytes)
            job = None if item.error else pool.submit(_segment, spacy_model, item.drafts)
            pending.append((item, job))
            while len(pending) > READ_AHEAD or (pending and _ready(pending[0][1])):
                yield _collect(*pending.popleft())
        while pending:
            yield _collect(*pending.popleft())


def _ready(job: Future[list[list[Unit]] | str] | None) -> bool:
    return job is None or job.done()


def _collect(item: SegmentedFile, job: Future[list[list[Unit]] | str] | None) -> SegmentedFile:
    if job is not None:
        _finish(item, job.result())
    return item


def _finish(item: SegmentedFile, outcome: list[list[Unit]] | str) -> None:
    if isinstance(outcome, str):
        item.error = outcome
    else:
        item.units = outcome
