"""Documents: importing files into the project and reading them back."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import insert, literal, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from coder.db.audit import record
from coder.db.engine import Store
from coder.db.models import Document, DocumentAttribute, DocumentSetMember
from coder.domain.documents import AttributeValue, DocumentDraft, ImportReport
from coder.domain.documents import Unit as UnitDraft
from coder.errors import (
    CoderError,
    ConflictError,
    ReadOnlyProjectError,
)
from coder.services.documents.attributes import (
    attributes_by_document as attributes_by_document,  # re-exported: other services import it here
)
from coder.services.documents.attributes import decode_attribute as decode_attribute
from coder.services.documents.attributes import encode_attribute
from coder.services.documents.listing import (
    list_documents as list_documents,  # re-exported: one implementation, in listing
)
from coder.services.documents.reading import text_sha256
from coder.services.failures import describe_failure, fault_of

if TYPE_CHECKING:
    from coder.text.segment import UnitRow
    from coder.text.segmenting import SegmentedFile

ProgressCallback = Callable[[int, int, str], None]

#: One transaction of an import stores up to this many files, or files holding up to this
#: many characters of text: a commit, a session and an audit flush for a group of files
#: rather than for each (benchmarks/import_bench.py).
GROUP_FILES = 16
GROUP_CHARS = 2_000_000
#: Rows of units a statement on SQLite (7 values a row: under its 32,766 bound parameters).
UNITS_PER_STATEMENT = 512

#: The documents of one source file and, for each, its units as rows.
FileRows = tuple[Sequence[DocumentDraft], Sequence[Sequence["UnitRow"]]]


def import_files(
    store: Store,
    paths: Sequence[Path],
    *,
    actor: str,
    attributes: Mapping[str, AttributeValue] | None = None,
    text_column: str | Sequence[str] | None = None,
    name_column: str | None = None,
    speakers: str = "auto",
    progress: ProgressCallback | None = None,
    spacy_model: str | None = None,
    max_bytes: int | None = None,
    parallel: bool | None = None,
    new_version: bool = False,
) -> ImportReport:
    """Import files: each file all or nothing, a few files to a transaction.

    A bad file is reported in ``errors`` (one line naming it and the problem) and leaves the
    project as it was; the other files still import. Files are stored in groups (at most
    :data:`GROUP_FILES`), one transaction each; when anything in a group fails, the group is
    rolled back and its files are stored again one transaction each, so that the failure is
    the failing file's alone. A fault of the machine while storing a file (a full disk, a
    read-only project, a lost server: :func:`fault_of`) fails that file and stops the import:
    the files after it are listed in ``not_attempted``, so the report says exactly what was
    and was not imported. Nothing is reported imported before its transaction has committed.
    Segmentation of the next files overlaps with storing the previous ones (see
    :mod:`coder.text.segmenting`). A document whose name is taken by one with another text is
    refused unless ``new_version`` (see :func:`store_draft`).
    """
    if store.read_only:
        raise ReadOnlyProjectError(store.display_name)
    # Here, not at the top: listing documents must not load multiprocessing and its kin.
    from coder.text.segmenting import read_and_segment

    report = ImportReport()
    total = len(paths)
    read = functools.partial(
        read_document_file,
        text_column=text_column,
        name_column=name_column,
        speakers=speakers,
        attributes=attributes,
        max_bytes=max_bytes,
    )
    group: list[tuple[int, SegmentedFile]] = []
    chars = 0
    # Closed on the way out, so that an import stopped by a fault shuts its worker down.
    files = read_and_segment(paths, read=read, spacy_model=spacy_model, parallel=parallel)
    with closing(files):
        for index, item in enumerate(files):
            if progress:
                progress(index, total, item.path.name)
            report.warnings.extend(item.warnings)
            group.append((index, item))
            chars += sum(len(draft.text) for draft in item.drafts)
            if len(group) >= GROUP_FILES or chars >= GROUP_CHARS:
                if not _store_group(
                    store, group, paths, actor=actor, report=report, new_version=new_version
                ):
                    break
                group, chars = [], 0
        else:
            _store_group(store, group, paths, actor=actor, report=report, new_version=new_version)
    if progress:
        progress(total, total, "")
    return report


def _store_group(
    store: Store,
    group: Sequence[tuple[int, SegmentedFile]],
    paths: Sequence[Path],
    *,
    actor: str,
    report: ImportReport,
    new_version: bool,
) -> bool:
    """Store the readable files of ``group`` (``(index in paths, file)``) in one transaction
    and report every file of it, in order; False when a fault stopped the import.

    When the group's transaction fails (a file refused, a fault), it is rolled back and the
    files are stored one transaction each, which says which file failed and why.
    """
    readable = [(item.drafts, item.units) for _, item in group if item.error is None]
    if len(readable) > 1:
        try:
            done = _store_files(store, readable, actor=actor, new_version=new_version)
        except (CoderError, SQLAlchemyError, OSError):
            pass  # stored again file by file below
        else:
            report.errors.extend(item.error for _, item in group if item.error is not None)
            _tell(report, done)
            return True
    for index, item in group:
        if item.error is not None:
            report.errors.append(item.error)
            continue
        try:
            _tell(
                report,
                _store_files(
                    store, [(item.drafts, item.units)], actor=actor, new_version=new_version
                ),
            )
        except CoderError as exc:
            report.errors.append(str(exc))
        except (SQLAlchemyError, OSError) as exc:
            report.errors.append(f"{item.path}: not imported: {describe_failure(exc)}")
            report.stopped_by = fault_of(exc)
            if report.stopped_by is not None:
                report.not_attempted = [str(p) for p in paths[index + 1 :]]
                return False
    return True


def _tell(report: ImportReport, done: ImportReport) -> None:
    """Add what a committed transaction stored to the import's report."""
    report.imported.extend(done.imported)
    report.new_versions.extend(done.new_versions)
    report.skipped.extend(done.skipped)
    report.words += done.words


def read_document_file(
    path: Path,
    *,
    text_column: str | Sequence[str] | None = None,
    name_column: str | None = None,
    speakers: str = "auto",
    attributes: Mapping[str, AttributeValue] | None = None,
    max_bytes: int | None = None,
) -> tuple[list[DocumentDraft], list[str]]:
    """The documents in one file and the reader's warnings (the importer chosen by extension).

    ``max_bytes`` None keeps the readers' own size limit. Module-level so that the import's
    worker process can receive it (see :mod:`coder.text.segmenting`).
    """
    from coder.io.documents import DEFAULT_MAX_BYTES, read_documents

    result = read_documents(
        path,
        text_column=text_column,
        name_column=name_column,
        speakers=speakers,
        attributes=attributes,
        max_bytes=DEFAULT_MAX_BYTES if max_bytes is None else max_bytes,
    )
    return result.documents, list(result.warnings)


def store_drafts(
    store: Store,
    drafts: Sequence[DocumentDraft],
    unit_lists: Sequence[Sequence[UnitDraft]],
    *,
    actor: str,
    report: ImportReport,
    new_version: bool = False,
) -> None:
    """Write the documents of one source file in one transaction (all of them, or none).

    Two documents of one file with the same name and different texts refuse the file.
    """
    rows = [_unit_rows(units) for units in unit_lists]
    _tell(report, _store_files(store, [(drafts, rows)], actor=actor, new_version=new_version))


def _store_files(
    store: Store, files: Sequence[FileRows], *, actor: str, new_version: bool = False
) -> ImportReport:
    """Write the documents of ``files`` in one transaction; what it stored, once committed.

    Each document's units are inserted at the end, all documents' in a few statements.
    """
    done = ImportReport()
    # No autoflush: the audit entries go in one flush at the commit, not one before each
    # document's query for its earlier versions (which reads only rows inserted with Core).
    with store.write() as session, session.no_autoflush:
        units: list[tuple[int, Sequence[UnitRow]]] = []
        for drafts, unit_lists in files:
            texts: dict[str, str] = {}
            for draft in drafts:
                if texts.setdefault(draft.name, draft.text) != draft.text:
                    raise ConflictError(
                        f"{draft.source_path}: two documents of this file are named"
                        f" {draft.name!r}; give each its own name (--name-column)"
                    )
            for draft, rows in zip(drafts, unit_lists, strict=True):
                document_id = _store_document(
                    session, draft, actor=actor, report=done, new_version=new_version
                )
                if document_id is not None:
                    units.append((document_id, rows))
        _insert_units(session.connection(), units)
    return done


def store_draft(
    session: Session,
    draft: DocumentDraft,
    units: Sequence[UnitDraft],
    *,
    actor: str,
    report: ImportReport,
    new_version: bool = False,
) -> None:
    """Store one document, its attributes and units in the caller's transaction.

    Documents are never merged because their texts are equal (two respondents may well give
    the same answer): only the same name with the same text is a duplicate, and is skipped.
    A different text under a name the project has is refused (ConflictError) unless
    ``new_version``: it becomes the name's next version, keeping the attributes, set
    memberships and REFI-QDA GUID of the version it replaces (the file's own attributes
    win). ``report`` says which.
    """
    document_id = _store_document(
        session, draft, actor=actor, report=report, new_version=new_version
    )
    if document_id is not None:
        _insert_units(session.connection(), [(document_id, _unit_rows(units))])


def _store_document(
    session: Session,
    draft: DocumentDraft,
    *,
    actor: str,
    report: ImportReport,
    new_version: bool = False,
) -> int | None:
    """:func:`store_draft` but for the units: the new document's id, None for a duplicate."""
    digest = text_sha256(draft.text)
    versions = session.execute(
        select(Document.id, Document.version, Document.sha256, Document.guid).where(
            Document.name == draft.name
        )
    ).all()
    latest = max(versions, key=lambda r: r.version) if versions else None
    same = next((r for r in versions if r.sha256 == digest), None)
    if latest is not None and same is not None:
        report.skipped.append(_duplicate_note(draft, same.version, latest.version))
        return None
    if latest is not None and not new_version:
        raise ConflictError(
            f"{draft.source_path}: a document named {draft.name!r} already exists (version "
            f"{latest.version}); use --new-version to add this as its new version"
        )
    version = 1 if latest is None else latest.version + 1
    attrs = dict(draft.attributes)
    kept = {}
    if latest is not None:
        previous = attributes_by_document(session, [latest.id]).get(latest.id, {})
        kept = {k: v for k, v in previous.items() if k not in attrs}
        attrs = {**previous, **attrs}
    # Core inserts throughout: an import writes many rows and the ORM's unit of work would
    # cost more than the database itself.
    connection = session.connection()
    document_id = connection.execute(
        insert(Document).returning(Document.id),
        {
            "name": draft.name,
            "version": version,
            "previous_id": None if latest is None else latest.id,
            "text": draft.text,
            "length": len(draft.text),
            "sha256": digest,
            "source_format": draft.source_format,
            "source_path": draft.source_path,
            "imported_by": actor,
            # A new version is the same source: an export names it by the same GUID.
            "guid": None if latest is None else latest.guid,
        },
    ).scalar_one()
    if attrs:
        connection.execute(
            insert(DocumentAttribute),
            [
                {"document_id": document_id, "key": k, "value_type": t, "value": v}
                for k, (t, v) in ((k, encode_attribute(val)) for k, val in attrs.items())
            ],
        )
    if latest is not None:
        connection.execute(
            insert(DocumentSetMember).from_select(
                ["set_id", "document_id"],
                select(DocumentSetMember.set_id, literal(document_id)).where(
                    DocumentSetMember.document_id == latest.id
                ),
            )
        )
    record(
        session,
        actor,
        "import",
        "document",
        document_id,
        None,
        {
            "name": draft.name,
            "version": version,
            "sha256": digest,
            "source": draft.source_path,
            "attributes": {k: encode_attribute(v)[1] for k, v in attrs.items()},
        },
    )
    report.words += len(draft.text.split())
    if latest is None:
        report.imported.append(draft.name)
    else:
        names = ", ".join(kept) if len(kept) <= 3 else f"{len(kept)} attributes"
        keeping = f", keeping {names} from version {latest.version}" if kept else ""
        report.new_versions.append(f"{draft.name} (version {version}{keeping})")
    return document_id


def _duplicate_note(draft: DocumentDraft, same: int, latest: int) -> str:
    """Why a document already in the project was skipped; how to bring back an older version."""
    where = f"{draft.source_path}: {draft.name!r} has the same text as"
    if same == latest:
        return f"{where} document {draft.name!r}; skipped"
    return (
        f"{where} version {same} of document {draft.name!r} (version {latest} is current; "
        f"'coder docs current {draft.name} --version {same}' makes it current again); skipped"
    )


def _unit_rows(units: Iterable[UnitDraft]) -> list[UnitRow]:
    return [(str(u.kind), u.start, u.end, u.speaker, u.time_start, u.time_end) for u in units]


_UNIT_COLUMNS = 'INSERT INTO units (document_id, kind, start, "end", speaker, time_start, time_end)'


def _insert_units(connection: Connection, units: Sequence[tuple[int, Sequence[UnitRow]]]) -> None:
    """Insert the units of documents (``(document id, rows)``), positional rows straight to
    the driver: SQLAlchemy's per-row parameter processing costs more than the insert itself.

    SQLite gets multi-row ``INSERT ... VALUES (...), (...)`` statements, a third cheaper than
    one execution a row; their sizes are powers of two, so that a few prepared statements
    serve every import (the driver caches them by text). Other backends get ``executemany``.
    """
    paramstyle = connection.dialect.paramstyle
    mark = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(paramstyle)
    if mark is None:
        raise ValueError(f"unsupported paramstyle {paramstyle!r}")
    row = "(" + ", ".join([mark] * 7) + ")"
    if connection.dialect.name != "sqlite":
        params = [(document_id, *u) for document_id, rows in units for u in rows]
        if params:
            connection.exec_driver_sql(f"{_UNIT_COLUMNS} VALUES {row}", params)
        return
    flat = [v for document_id, rows in units for u in rows for v in (document_id, *u)]
    first = 0
    count = len(flat) // 7
    while first < count:
        size = min(UNITS_PER_STATEMENT, 1 << ((count - first).bit_length() - 1))
        statement = f"{_UNIT_COLUMNS} VALUES {', '.join([row] * size)}"
        connection.exec_driver_sql(statement, tuple(flat[first * 7 : (first + size) * 7]))
        first += size
