"""``coder codings import``: codings made in a spreadsheet, brought into the project.

The file is a CSV or XLSX table with the layout ``coder export --format codings-csv`` writes:
``document``, ``start``, ``end``, ``code``, ``coder`` (required), ``memo``, ``text`` and
``created_at`` (optional). Offsets are Unicode characters into the document's text, end
exclusive. ``text``, when present, must equal the document's text at ``[start, end)``:
otherwise the file was made against another version of the text and the row is refused.
``created_at`` is read for information only.

The whole file is one transaction and one audit entry (undone as one): the first problem (an
unknown document, code or coder, bad offsets, a duplicate row...) raises one
:class:`~coder.errors.InputError` naming the file, the row (the spreadsheet's row number; for
CSV the line where the record starts) and what is wrong, and nothing is written. Names are
resolved once for the file and the rows written in sets, so 100,000 rows take seconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coder.db.audit import record_changes
from coder.db.bulk import insert_rows
from coder.db.changeset import KEYS_PER_STATEMENT, tracking
from coder.db.engine import Store
from coder.db.models import Code, Coder, Coding, Document, Memo, utcnow
from coder.domain.codebook import CodePath
from coder.domain.coding import CodingsImportReport
from coder.errors import InputError
from coder.io.codings_table import REQUIRED_COLUMNS, CodingsRow, read_codings_table
from coder.io.inputs import DEFAULT_MAX_BYTES, RAISE_WITH_MAX_BYTES
from coder.reports.xlsx import CUT_MARKER, XLSX_TEXT_CAP
from coder.services.codebook.codes import CodeTree


@dataclass(frozen=True)
class _Document:
    id: int
    name: str
    length: int


_WHOLE_NUMBER = re.compile(r"-?[0-9]+")
#: Characters of document text held at once while rows are checked against it.
TEXT_CACHE_CHARACTERS = 50_000_000


def import_codings(
    store: Store,
    path: Path,
    *,
    actor: str,
    create_coders: bool = False,
    create_codes: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> CodingsImportReport:
    """Add the codings in a CSV/XLSX file to the project, all or nothing.

    Every row is checked first, in file order, against names resolved once for the whole
    file; the codings and memos are then written in sets, with one audit entry for the import
    (undo takes the whole file back, with the coders and codes it created). A file larger
    than ``max_bytes``, or a workbook that unpacks to more, is refused before it is read.
    """
    source = str(path)
    rows = list(read_codings_table(path, max_bytes=max_bytes, hint=RAISE_WITH_MAX_BYTES))
    report = CodingsImportReport()
    with store.write() as session:
        checker = _Checker(session, source, rows, create_coders, create_codes, report)
        # Coders and codes the file brings are few: written through the ORM, and tracked.
        with tracking(session) as changes:
            checked = [checker.check(row) for row in rows]
        codings = [coding for coding, _memo in checked]
        ids = insert_rows(session, changes, Coding, codings, key=CODING_KEY)
        now = checker.now
        memos = [
            {
                "author_id": coding["coder_id"],
                "coding_id": coding_id,
                "text": memo,
                "created_at": now,
                "updated_at": now,
            }
            for (coding, memo), coding_id in zip(checked, ids, strict=True)
            if memo
        ]
        insert_rows(session, changes, Memo, memos, key=("coding_id",))
        report.codings, report.memos = len(ids), len(memos)
        record_changes(
            session,
            actor,
            "import",
            "coding",
            None,
            changes,
            {
                "description": f"imported {len(ids)} coding(s) and {len(memos)} memo(s)"
                f" from {path.name}",
                "file": source,
            },
        )
    return report


#: What tells two codings apart (the table's unique constraint).
CODING_KEY = ("document_id", "coder_id", "code_id", "start", "end")


class _Checker:
    """Checks each row against the project, with every name looked up once for the file."""

    def __init__(
        self,
        session: Session,
        source: str,
        rows: list[CodingsRow],
        create_coders: bool,
        create_codes: bool,
        report: CodingsImportReport,
    ) -> None:
        self.session = session
        self.source = source
        self.create_coders = create_coders
        self.create_codes = create_codes
        self.report = report
        self.now = utcnow()
        self.tree = CodeTree.load(session)
        self.coders = {c.name.casefold(): c for c in session.scalars(select(Coder))}
        self.codes: dict[tuple[str, int], Code] = {}
        self.texts: dict[int, str] = {}
        self.text_characters = 0
        self.seen: dict[tuple[int, int, int, int, int], int] = {}
        names = {n for r in rows if (n := r.values.get("document", "").strip())}
        self.documents = _latest_documents(session, names)
        coder_ids = {
            c.id
            for r in rows
            if (c := self.coders.get(r.values.get("coder", "").strip().casefold()))
        }
        self.existing = _existing_codings(
            session, [d.id for d in self.documents.values()], sorted(coder_ids)
        )

    def fail(self, row: CodingsRow, problem: str) -> InputError:
        return InputError(self.source, f"row {row.number}: {problem}", line=None)

    def check(self, row: CodingsRow) -> tuple[dict[str, Any], str]:
        """The coding a row asks for (as column values) and its memo; raises at a bad row."""
        v = row.values
        for column in REQUIRED_COLUMNS:
            if not v.get(column, "").strip():
                raise self.fail(row, f"the {column!r} cell is empty")
        name = v["document"].strip()
        doc = self.documents.get(name)
        if doc is None:
            raise self.fail(row, f"unknown document {name!r} (see 'coder docs list')")
        start = self._offset(row, "start", v["start"])
        end = self._offset(row, "end", v["end"])
        if start < 0 or end <= start:
            raise self.fail(row, f"start {start} and end {end}: need 0 <= start < end")
        if end > doc.length:
            raise self.fail(
                row,
                f"{start}-{end} is outside document {doc.name!r}, which has {doc.length}"
                " characters",
            )
        text = v.get("text", "")
        if text:
            passage = self._text(doc)[start:end]
            if not _same_text(text, passage):
                raise self.fail(
                    row,
                    f"the text does not match document {doc.name!r} at {start}-{end}"
                    f" (file: {_short(text)!r}; project: {_short(passage)!r}):"
                    " the file was made against another version of the text",
                )
        coder = self._coder(row, v["coder"].strip())
        code = self._code(row, v["code"], coder)
        key = (doc.id, coder.id, code.id, start, end)
        if key in self.seen:
            raise self.fail(row, f"duplicate of row {self.seen[key]}")
        self.seen[key] = row.number
        if key in self.existing:
            raise self.fail(
                row,
                f"{coder.name} already coded {doc.name} {start}-{end} with"
                f" {str(self.tree.path(code.id))!r} in the project",
            )
        coding: dict[str, Any] = dict(zip(CODING_KEY, key, strict=True))
        coding["created_at"] = self.now
        return coding, v.get("memo", "").strip()

    def _text(self, doc: _Document) -> str:
        text = self.texts.get(doc.id)
        if text is None:
            # Files are mostly in document order: a bounded cache holds the recent texts.
            if self.text_characters > TEXT_CACHE_CHARACTERS:
                self.texts.clear()
                self.text_characters = 0
            text = self.session.scalars(select(Document.text).where(Document.id == doc.id)).one()
            self.texts[doc.id] = text
            self.text_characters += len(text)
        return text

    def _offset(self, row: CodingsRow, column: str, raw: str) -> int:
        if raw.isascii() and raw.isdigit():
            return int(raw)
        text = raw.strip()
        # Spreadsheets may hand back whole numbers as 12.0.
        if text.endswith(".0"):
            text = text[:-2]
        if not _WHOLE_NUMBER.fullmatch(text):
            raise self.fail(row, f"{column} must be a whole number, found {raw!r}")
        return int(text)

    def _coder(self, row: CodingsRow, name: str) -> Coder:
        found = self.coders.get(name.casefold())
        if found is not None:
            return found
        if not self.create_coders:
            known = ", ".join(sorted(c.name for c in self.coders.values())) or "none yet"
            raise self.fail(
                row, f"unknown coder {name!r} (coders: {known}; or use --create-coders)"
            )
        from coder.services.project.coders import is_valid_coder_name

        if not is_valid_coder_name(name):
            raise self.fail(
                row, f"{name!r} is not a valid coder name (letters, digits, spaces, . @ ' -)"
            )
        coder = Coder(name=name, kind="human")
        self.session.add(coder)
        self.session.flush()
        self.coders[name.casefold()] = coder
        self.report.coders_created.append(name)
        return coder

    def _code(self, row: CodingsRow, raw: str, coder: Coder) -> Code:
        known = self.codes.get((raw, coder.id))
        if known is not None:
            return known
        try:
            path = CodePath.parse(raw.strip())
        except ValueError:
            raise self.fail(row, f"the code path {raw!r} has an empty name in it") from None
        # A coder's own private codes are found; another coder's are not.
        found = self.tree.find(path, viewer_id=coder.id, blind=True)
        if found is None:
            if not self.create_codes:
                raise self.fail(
                    row,
                    f"unknown code {str(path)!r} (see 'coder codes list'; or use --create-codes)",
                )
            found = self._create_code(path)
        elif found.status != "active":
            raise self.fail(row, f"code {str(path)!r} is {found.status}; it cannot be applied")
        self.codes[(raw, coder.id)] = found
        return found

    def _create_code(self, path: CodePath) -> Code:
        parent: Code | None = None
        for depth in range(1, path.depth + 1):
            sub = CodePath(path.parts[:depth])
            found = self.tree.find(sub)
            if found is None:
                parent_id = parent.id if parent else None
                siblings = self.tree.children.get(parent_id, [])
                found = Code(
                    name=sub.name,
                    parent_id=parent_id,
                    position=max((s.position for s in siblings), default=-1) + 1,
                    status="active",
                    keywords=[],
                )
                self.session.add(found)
                self.session.flush()
                self.tree.add(found)
                self.report.codes_created.append(str(sub))
            parent = found
        assert parent is not None
        return parent


def _latest_documents(session: Session, names: set[str]) -> dict[str, _Document]:
    """The latest version of each named document (names the project lacks are left out)."""
    out: dict[str, _Document] = {}
    versions: dict[str, int] = {}
    ordered = sorted(names)
    for i in range(0, len(ordered), KEYS_PER_STATEMENT):
        query = select(Document.id, Document.name, Document.version, Document.length).where(
            Document.name.in_(ordered[i : i + KEYS_PER_STATEMENT])
        )
        for doc_id, name, version, length in session.execute(query):
            if version > versions.get(name, 0):
                versions[name] = version
                out[name] = _Document(doc_id, name, length)
    return out


def _existing_codings(
    session: Session, document_ids: list[int], coder_ids: list[int]
) -> set[tuple[int, int, int, int, int]]:
    """The keys of the codings these coders already have on these documents."""
    out: set[tuple[int, int, int, int, int]] = set()
    if not coder_ids:
        return out
    for i in range(0, len(document_ids), KEYS_PER_STATEMENT):
        query = select(*(getattr(Coding, c) for c in CODING_KEY)).where(
            Coding.document_id.in_(document_ids[i : i + KEYS_PER_STATEMENT]),
            Coding.coder_id.in_(coder_ids),
        )
        out.update(tuple(r) for r in session.execute(query))
    return out


def _same_text(in_file: str, in_project: str) -> bool:
    if in_file == in_project:
        return True
    # An XLSX export cuts passages longer than a cell holds; the kept part must still match.
    return (
        in_file.endswith(CUT_MARKER)
        and len(in_file) == XLSX_TEXT_CAP + len(CUT_MARKER)
        and in_project.startswith(in_file[: -len(CUT_MARKER)])
    )


def _short(text: str, width: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
