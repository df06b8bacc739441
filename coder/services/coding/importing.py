"""``coder codings import``: codings made in a spreadsheet, brought into the project.

The file is a CSV or XLSX table with the layout ``coder export --format codings-csv`` writes:
``document``, ``start``, ``end``, ``code``, ``coder`` (required), ``memo``, ``text`` and
``created_at`` (optional). Offsets are Unicode characters into the document's text, end
exclusive. ``text``, when present, must equal the document's text at ``[start, end)``:
otherwise the file was made against another version of the text and the row is refused.
``created_at`` is read for information only.

The whole file is one transaction: the first problem (an unknown document, code or coder, bad
offsets, a duplicate row...) raises one :class:`~coder.errors.InputError` naming the file, the
row (the spreadsheet's row number; for CSV the line where the record starts) and what is
wrong, and nothing is written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from coder.db.audit import record
from coder.db.engine import Store
from coder.db.models import Code, Coder, Coding, Document, Memo
from coder.domain.codebook import CodePath
from coder.domain.coding import CodingsImportReport
from coder.errors import InputError
from coder.io.escaping import csv_value
from coder.reports.xlsx import CUT_MARKER, XLSX_TEXT_CAP
from coder.services.codebook.codes import CodeTree, code_snapshot
from coder.services.coding.codings import coding_snapshot

REQUIRED_COLUMNS = ("document", "start", "end", "code", "coder")
OPTIONAL_COLUMNS = ("memo", "text", "created_at")
_HINTS = {
    "doc": "document",
    "name": "document",
    "begin": "start",
    "stop": "end",
    "code path": "code",
    "path": "code",
    "user": "coder",
    "note": "memo",
    "quote": "text",
}


@dataclass(frozen=True)
class _Row:
    number: int
    values: dict[str, str]


def import_codings(
    store: Store,
    path: Path,
    *,
    actor: str,
    create_coders: bool = False,
    create_codes: bool = False,
) -> CodingsImportReport:
    """Add the codings in a CSV/XLSX file to the project, all or nothing."""
    source = str(path)
    rows = list(_read_rows(path))
    report = CodingsImportReport()
    with store.write() as session:
        importer = _Importer(session, source, actor, create_coders, create_codes, report)
        for row in rows:
            importer.add(row)
    return report


class _Importer:
    def __init__(
        self,
        session: Session,
        source: str,
        actor: str,
        create_coders: bool,
        create_codes: bool,
        report: CodingsImportReport,
    ) -> None:
        self.session = session
        self.source = source
        self.actor = actor
        self.create_coders = create_coders
        self.create_codes = create_codes
        self.report = report
        self.tree = CodeTree.load(session)
        self.coders = {c.name.casefold(): c for c in session.scalars(select(Coder))}
        self.documents: dict[str, Document | None] = {}
        self.seen: dict[tuple[int, int, int, int, int], int] = {}

    def fail(self, row: _Row, problem: str) -> InputError:
        return InputError(self.source, f"row {row.number}: {problem}", line=None)

    def add(self, row: _Row) -> None:
        v = row.values
        for column in REQUIRED_COLUMNS:
            if not v.get(column, "").strip():
                raise self.fail(row, f"the {column!r} cell is empty")
        doc = self._document(row, v["document"].strip())
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
        if text and not _same_text(text, doc.text[start:end]):
            raise self.fail(
                row,
                f"the text does not match document {doc.name!r} at {start}-{end}"
                f" (file: {_short(text)!r}; project: {_short(doc.text[start:end])!r}):"
                " the file was made against another version of the text",
            )
        coder = self._coder(row, v["coder"].strip())
        code = self._code(row, v["code"], coder)
        key = (doc.id, coder.id, code.id, start, end)
        if key in self.seen:
            raise self.fail(row, f"duplicate of row {self.seen[key]}")
        self.seen[key] = row.number
        exists = self.session.scalars(
            select(Coding.id).where(
                Coding.document_id == doc.id,
                Coding.coder_id == coder.id,
                Coding.code_id == code.id,
                Coding.start == start,
                Coding.end == end,
            )
        ).first()
        if exists is not None:
            raise self.fail(
                row,
                f"{coder.name} already coded {doc.name} {start}-{end} with"
                f" {str(self.tree.path(code.id))!r} in the project",
            )
        coding = Coding(
            document_id=doc.id, code_id=code.id, coder_id=coder.id, start=start, end=end
        )
        self.session.add(coding)
        self.session.flush()
        record(
            self.session, self.actor, "import", "coding", coding.id, None, coding_snapshot(coding)
        )
        self.report.codings += 1
        memo = v.get("memo", "").strip()
        if memo:
            memo_row = Memo(author_id=coder.id, coding_id=coding.id, text=memo)
            self.session.add(memo_row)
            self.session.flush()
            record(self.session, self.actor, "create", "memo", memo_row.id, None, {"text": memo})
            self.report.memos += 1

    def _document(self, row: _Row, name: str) -> Document:
        if name not in self.documents:
            self.documents[name] = self.session.scalars(
                select(Document).where(Document.name == name).order_by(Document.version.desc())
            ).first()
        doc = self.documents[name]
        if doc is None:
            raise self.fail(row, f"unknown document {name!r} (see 'coder docs list')")
        return doc

    def _offset(self, row: _Row, column: str, raw: str) -> int:
        text = raw.strip()
        # Spreadsheets may hand back whole numbers as 12.0.
        if text.endswith(".0"):
            text = text[:-2]
        if not text.lstrip("-").isdigit():
            raise self.fail(row, f"{column} must be a whole number, found {raw!r}")
        return int(text)

    def _coder(self, row: _Row, name: str) -> Coder:
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
        record(
            self.session,
            self.actor,
            "create",
            "coder",
            coder.id,
            None,
            {"name": name, "kind": "human"},
        )
        self.coders[name.casefold()] = coder
        self.report.coders_created.append(name)
        return coder

    def _code(self, row: _Row, raw: str, coder: Coder) -> Code:
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
            return self._create_code(path)
        if found.status != "active":
            raise self.fail(row, f"code {str(path)!r} is {found.status}; it cannot be applied")
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
                self.tree.rows[found.id] = found
                self.tree.children[parent_id].append(found)
                record(
                    self.session, self.actor, "create", "code", found.id, None, code_snapshot(found)
                )
                self.report.codes_created.append(str(sub))
            parent = found
        assert parent is not None
        return parent


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


def _read_rows(path: Path) -> Iterator[_Row]:
    """The data rows of the file, each with its row number and its cells by column name."""
    source = str(path)
    if not path.exists():
        raise InputError(source, "no such file")
    if path.is_dir():
        raise InputError(source, "is a folder, not a CSV or XLSX file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = _csv_table(path)
    elif suffix in (".xlsx", ".xlsm"):
        table = _xlsx_table(path)
    else:
        raise InputError(
            source, f"cannot read codings from '{suffix or '(none)'}'; use .csv or .xlsx"
        )
    header: list[str] | None = None
    columns: list[str | None] = []
    any_rows = False
    for number, cells in table:
        if header is None:
            if not any(c.strip() for c in cells):
                continue
            header = cells
            columns = _columns(source, number, cells)
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
            raise InputError(
                source,
                f"row {number}: {len(cells)} cells but the header has {len(columns)} columns",
            )
        any_rows = True
        yield _Row(number, {c: cell for c, cell in zip(columns, cells, strict=False) if c})
    if header is None:
        raise InputError(source, "the file is empty")
    if not any_rows:
        raise InputError(source, "the file has a header but no codings")


def _columns(source: str, number: int, header: list[str]) -> list[str | None]:
    valid = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
    columns: list[str | None] = []
    for cell in header:
        name = cell.strip().lower()
        if name in columns:
            raise InputError(source, f"row {number}: the column {cell.strip()!r} appears twice")
        if name not in valid:
            hint = _HINTS.get(name)
            why = f"did you mean {hint!r}?" if hint else f"valid columns: {', '.join(valid)}"
            raise InputError(source, f"row {number}: unknown column {cell.strip()!r} ({why})")
        columns.append(name)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise InputError(
            source, f"row {number}: the header lacks the column(s) {', '.join(missing)}"
        )
    return columns


def _csv_table(path: Path) -> Iterator[tuple[int, list[str]]]:
    source = str(path)
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise InputError(source, "is a binary file, not CSV text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise InputError(source, f"row {line}: is not UTF-8 text; save it as UTF-8") from None
    first = text.split("\n", 1)[0]
    # Spreadsheets in locales with a decimal comma save CSV with ';' between cells.
    delimiter = max((",", ";", "\t"), key=lambda d: (first.count(d), d == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 1
    try:
        for cells in reader:
            # A cell an export escaped against formulas ('=...) reads back as it was.
            yield line, [csv_value(c) for c in cells]
            line = reader.line_num + 1
    except csv.Error as error:
        raise InputError(source, f"row {line}: CSV error: {error}") from None


def _xlsx_table(path: Path) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    source = str(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise InputError(source, f"cannot open the workbook: {error}") from None
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_xlsx_cell(v) for v in values]
    finally:
        workbook.close()


def _xlsx_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
