"""``coder check``: verify a project's storage, document hashes, references, offsets, code tree."""

from __future__ import annotations

from sqlalchemy import Connection, Table, func, select

from coder.db.engine import Store, lost_wal_problem, sqlite_path
from coder.db.models import Base, Code, Document, ProjectSettings
from coder.domain.project import CheckReport
from coder.services.documents.reading import text_sha256
from coder.services.project.maintenance import read_snapshot, refuse_coder_login, sqlite_integrity

#: Problems listed per kind before the rest are summarised as a count.
MAX_LISTED = 20


def _add(report: CheckReport, kind: str, found: list[str]) -> None:
    report.problems.extend(f"{kind}: {p}" for p in found[:MAX_LISTED])
    if len(found) > MAX_LISTED:
        report.problems.append(f"{kind}: ... and {len(found) - MAX_LISTED} more")


def check_project(store: Store) -> CheckReport:
    """Verify a project: storage integrity, document hashes, references, offsets, code tree."""
    refuse_coder_login(store, "a check")
    report = CheckReport(project=store.display_name)
    path = sqlite_path(store.url)
    if path is not None:
        _add(report, "sqlite", sqlite_integrity(path))
    if store.lost_wal_frames:
        # Found when the project was opened: SQLite has since rebuilt the index and forgotten.
        report.problems.append(f"sqlite: {lost_wal_problem(store)}")
    with read_snapshot(store) as conn:
        for table in Base.metadata.sorted_tables:
            report.counts[table.name] = conn.execute(
                select(func.count()).select_from(table)
            ).scalar_one()
        if report.counts[ProjectSettings.__tablename__] != 1:
            # What a copy or backup that stopped half-way leaves: the tables, not the project.
            report.problems.append("settings: no project settings row (an unfinished copy?)")
        _add(report, "document", _check_documents(conn))
        _add(report, "reference", _check_references(conn))
        _add(report, "coding", _check_spans(conn, Base.metadata.tables["codings"], "coding"))
        _add(report, "unit", _check_spans(conn, Base.metadata.tables["units"], "unit"))
        _add(report, "code tree", _check_code_tree(conn))
    return report


def _check_documents(conn: Connection) -> list[str]:
    found: list[str] = []
    query = select(Document.id, Document.name, Document.text, Document.length, Document.sha256)
    for doc_id, name, body, length, digest in conn.execution_options(yield_per=50).execute(
        query.order_by(Document.id)
    ):
        if text_sha256(body) != digest:
            found.append(f"{name!r} (id {doc_id}): text does not match its sha256")
        if len(body) != length:
            found.append(f"{name!r} (id {doc_id}): length {length} but text has {len(body)}")
    return found


def _check_references(conn: Connection) -> list[str]:
    # Every foreign key of the models, checked generically: a non-NULL reference whose target
    # row does not exist (foreign keys can be off in a SQLite file edited by another tool).
    found: list[str] = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            target = fk.column.table.alias("target")
            child = fk.parent
            missing = (
                select(func.count())
                .select_from(table.outerjoin(target, child == target.c[fk.column.name]))
                .where(child.is_not(None), target.c[fk.column.name].is_(None))
            )
            n = conn.execute(missing).scalar_one()
            if n:
                found.append(
                    f"{n} {table.name} row(s) point to missing {fk.column.table.name}"
                    f" ({table.name}.{child.name})"
                )
    return found


def _check_spans(conn: Connection, table: Table, label: str) -> list[str]:
    query = (
        select(table.c.id, table.c.start, table.c.end, Document.name, Document.length)
        .join(Document, Document.id == table.c.document_id)
        .where(
            (table.c.start < 0) | (table.c.end < table.c.start) | (table.c.end > Document.length)
        )
        .order_by(table.c.id)
    )
    return [
        f"{label} {row_id} in {name!r}: {start}-{end} is outside the text (0-{length})"
        for row_id, start, end, name, length in conn.execute(query)
    ]


def _check_code_tree(conn: Connection) -> list[str]:
    parents: dict[int, int | None] = {
        i: p for i, p in conn.execute(select(Code.id, Code.parent_id))
    }
    names: dict[int, str] = {i: n for i, n in conn.execute(select(Code.id, Code.name))}
    found: list[str] = []
    reported: set[int] = set()
    for start in parents:
        seen: list[int] = []
        current: int | None = start
        while current is not None and current not in seen:
            seen.append(current)
            current = parents.get(current)
        if current is not None and current not in reported:
            cycle = seen[seen.index(current) :]
            reported.update(cycle)
            found.append("cycle " + " -> ".join(repr(names[c]) for c in [*cycle, current]))
    return found
