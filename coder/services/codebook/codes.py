"""Codes and the codebook: importing, exporting and listing the tree.

Listing (:func:`list_codes`, :func:`coding_counts`) reads the tables with Core
(``Store.read_tables``), so ``coder codes list`` never loads the ORM; what writes codes or
hands back mapped ones imports the ORM where it runs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, func, select

from coder.db import tables
from coder.db.engine import Store
from coder.db.tables import utcnow
from coder.domain.codebook import Codebook, CodebookImportReport, CodeDef, CodePath, code_fields
from coder.domain.views import CodeView
from coder.errors import NotFoundError
from coder.services.project.coders import require_coder_id

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from coder.db.changeset import Changes
    from coder.db.models import Code


def code_snapshot(row: Code) -> dict[str, object]:
    """The fields of a code as the audit log keeps them."""
    return {
        "name": row.name,
        "parent_id": row.parent_id,
        **code_fields(row),
        "status": row.status,
        "owner_id": row.owner_id,
        "position": row.position,
    }


class CodeTree:
    """All codes of a project loaded once, with their paths, for resolving and rendering."""

    def __init__(self, rows: list[Code]) -> None:
        self.rows = {r.id: r for r in rows}
        self.children: dict[int | None, list[Code]] = defaultdict(list)
        self._named: dict[tuple[int | None, str], list[Code]] = defaultdict(list)
        for r in sorted(rows, key=lambda r: (r.position, r.id)):
            self.children[r.parent_id].append(r)
            self._named[(r.parent_id, r.name.casefold())].append(r)
        self._paths: dict[int, CodePath] = {}

    @classmethod
    def load(cls, session: Session) -> CodeTree:
        """Every code as a mapped object, for a service that changes them."""
        from coder.db.models import Code

        return cls(list(session.scalars(select(Code))))

    @classmethod
    def read(cls, connection: Connection) -> CodeTree:
        """Every code as a Core row, for a listing: a row has each column a tree and a view
        read (``id``, ``parent_id``, ``name``, ``position``, ...) as an attribute, as a
        :class:`~coder.db.models.Code` has, and nothing here writes it."""
        return cls(cast("list[Code]", connection.execute(select(tables.codes)).all()))

    def add(self, row: Code) -> None:
        """A code written since the tree was loaded, placed after its siblings."""
        self.rows[row.id] = row
        self.children[row.parent_id].append(row)
        self._named[(row.parent_id, row.name.casefold())].append(row)

    def named(self, parent_id: int | None, name: str) -> list[Code]:
        """The codes under ``parent_id`` called ``name`` (any case), in display order."""
        return self._named.get((parent_id, name.casefold()), [])

    def path(self, code_id: int) -> CodePath:
        if code_id not in self._paths:
            parts: list[str] = []
            seen: set[int] = set()
            current: int | None = code_id
            while current is not None and current not in seen:
                seen.add(current)
                row = self.rows[current]
                parts.append(row.name)
                current = row.parent_id
            self._paths[code_id] = CodePath(tuple(reversed(parts)))
        return self._paths[code_id]

    def visible_to(self, row: Code, viewer_id: int | None, blind: bool) -> bool:
        """Private codes of another coder stay hidden while the project is blind."""
        return row.owner_id is None or not blind or row.owner_id == viewer_id

    def find(
        self, path: CodePath, *, viewer_id: int | None = None, blind: bool = False
    ) -> Code | None:
        parent: int | None = None
        found: Code | None = None
        for part in path.parts:
            found = next(
                (r for r in self.named(parent, part) if self.visible_to(r, viewer_id, blind)),
                None,
            )
            if found is None:
                return None
            parent = found.id
        return found

    def walk(self, parent: int | None = None) -> Iterator[Code]:
        """Codes under ``parent`` (all codes for None), depth-first in display order."""
        for row in self.children.get(parent, []):
            yield row
            yield from self.walk(row.id)


def _view(tree: CodeTree, row: Code, coder_names: dict[int, str]) -> CodeView:
    return CodeView(
        id=row.id,
        parent_id=row.parent_id,
        path=tree.path(row.id),
        name=row.name,
        **code_fields(row) | {"keywords": tuple(row.keywords or ())},
        status=row.status,
        owner=coder_names.get(row.owner_id) if row.owner_id else None,
        created_by=coder_names.get(row.created_by_id) if row.created_by_id else None,
    )


def code_view(session: Session, row: Code) -> CodeView:
    """The plain view of one code (path computed over the whole tree)."""
    tree = CodeTree.load(session)
    return _view(tree, tree.rows[row.id], coder_names(session))


def coder_names(session: Session | Connection) -> dict[int, str]:
    """Every coder's name by id."""
    return {i: n for i, n in session.execute(select(tables.coders.c.id, tables.coders.c.name))}


def list_codes(
    store: Store,
    *,
    viewer: str | None = None,
    include_inactive: bool = False,
) -> list[CodeView]:
    """The code tree in display order (parents before children).

    With ``viewer`` on a blind project, other coders' private codes are left out.
    """
    from coder.services.project.lifecycle import get_settings

    blind = get_settings(store).blind
    with store.read_tables() as connection:
        viewer_id = require_coder_id(connection, viewer) if viewer else None
        tree = CodeTree.read(connection)
        names = coder_names(connection)
        out = []
        for row in tree.walk():
            if not include_inactive and row.status != "active":
                continue
            if viewer is not None and not tree.visible_to(row, viewer_id, blind):
                continue
            out.append(_view(tree, row, names))
        return out


def coding_counts(store: Store, *, coder: str | None = None) -> dict[CodePath, int]:
    """Number of codings per code (for one coder, or everyone)."""
    with store.read_tables() as connection:
        query = select(tables.codings.c.code_id, func.count()).group_by(tables.codings.c.code_id)
        if coder:
            query = query.where(tables.codings.c.coder_id == require_coder_id(connection, coder))
        tree = CodeTree.read(connection)
        return {tree.path(code_id): n for code_id, n in connection.execute(query)}


def with_sub_codes(counts: Mapping[CodePath, int]) -> dict[CodePath, int]:
    """Each code's count with those of every code under it, at any depth: a theme's total.

    Every coding is of one code, so a total counts distinct codings. Codes under a theme count
    whatever their status (a retired sub-code keeps its codings; a merged one has none left).
    """
    totals: dict[CodePath, int] = defaultdict(int)
    for path, count in counts.items():
        for depth in range(1, len(path.parts) + 1):
            totals[CodePath(path.parts[:depth])] += count
    return dict(totals)


def require_code(
    session: Session,
    path: str | CodePath,
    *,
    viewer_id: int | None = None,
    blind: bool = False,
    tree: CodeTree | None = None,
) -> Code:
    code_path = path if isinstance(path, CodePath) else CodePath.parse(path)
    tree = tree or CodeTree.load(session)
    row = tree.find(code_path, viewer_id=viewer_id, blind=blind)
    if row is None:
        raise NotFoundError(f"unknown code {str(code_path)!r} (see 'coder codes list')")
    return row


def import_codebook(store: Store, codebook: Codebook, *, actor: str) -> CodebookImportReport:
    """Add the book's codes to the project in one transaction and one undoable audit entry.

    Codes are matched by path (case-insensitively): new paths are added, existing ones get the
    book's definition fields. Nothing is deleted.
    """
    from coder.db.audit import record_changes
    from coder.db.changeset import Changes

    report = CodebookImportReport()
    with store.write() as session:
        changes = Changes()
        store_codes(session, CodeTree.load(session), codebook.codes, changes, report)
        if not changes.empty:
            added, updated = len(report.added), len(report.updated)
            record_changes(
                session,
                actor,
                "import",
                "code",
                None,
                changes,
                {
                    "description": f"imported the codebook {codebook.name!r}"
                    f" ({added} code(s) added, {updated} updated)"
                },
            )
    return report


def store_codes(
    session: Session,
    tree: CodeTree,
    codes: Sequence[CodeDef],
    changes: Changes,
    report: CodebookImportReport,
    *,
    parent: Code | None = None,
    first_position: int = 0,
) -> list[int]:
    """Add ``codes`` and their sub-codes under ``parent`` (matched by name among the shared
    codes; nothing deleted), written in sets, one statement per level of the tree.

    A new code takes its place among the book's siblings as its position; an empty field in
    the book never erases what the project already has. Every row written is noted in
    ``changes``; the ids of the new codes are returned (the tree is not told of them).
    """
    from coder.db.bulk import insert_rows, update_rows
    from coder.db.models import Code

    now = utcnow()
    # Paths travel as tuples of names; a CodePath is made only for a line of the report.
    top = tree.path(parent.id).parts if parent is not None else ()
    level = [
        (parent.id if parent else None, top, position, code)
        for position, code in enumerate(codes, start=first_position)
    ]
    changed: dict[int, dict[str, Any]] = {}
    created: list[int] = []
    while level:
        new: dict[tuple[int | None, str], dict[str, Any]] = {}
        placed: list[tuple[int | tuple[int | None, str], tuple[str, ...], CodeDef]] = []
        for parent_id, parent_path, position, code in level:
            values = code_fields(code)
            row = next((r for r in tree.named(parent_id, code.name) if r.owner_id is None), None)
            key = (parent_id, code.name.casefold())
            target: int | tuple[int | None, str] = key
            if row is None and key not in new:
                path = (*parent_path, code.name)
                new[key] = {
                    "name": code.name,
                    "parent_id": parent_id,
                    "position": position,
                    "status": "active",
                    "created_at": now,
                    **values,
                }
                report.added.append(str(CodePath(path)))
            else:
                # A name the book gives twice under one parent is one code, as if the second
                # were already in the project.
                if row is not None:
                    target, current = row.id, code_fields(row) | changed.get(row.id, {})
                else:
                    current = new[key]
                path = (*parent_path, current["name"] if row is None else row.name)
                # An empty field in the book never erases what the project already has.
                fresh = {f: v for f, v in values.items() if v and v != current[f]}
                if not fresh:
                    report.unchanged += 1
                elif row is not None:
                    changed[row.id] = changed.get(row.id, {}) | fresh
                    report.updated.append(str(CodePath(path)))
                else:
                    new[key].update(fresh)
                    report.updated.append(str(CodePath(path)))
            placed.append((target, path, code))
        ids = insert_rows(session, changes, Code, list(new.values()), key=("parent_id", "name"))
        created.extend(ids)
        new_ids = dict(zip(new, ids, strict=True))
        level = [
            (target if isinstance(target, int) else new_ids[target], path, position, child)
            for target, path, code in placed
            for position, child in enumerate(code.children)
        ]
    update_rows(session, changes, [(tree.rows[i], values) for i, values in changed.items()])
    return created


def import_code(
    session: Session,
    tree: CodeTree,
    code: CodeDef,
    parent: Code | None,
    position: int,
    actor: str,
    report: CodebookImportReport,
) -> None:
    """Add ``code`` and its sub-codes under ``parent`` in the caller's transaction, as
    :func:`store_codes` does, logging each code added or changed on its own, and tell the
    tree of the new codes."""
    from coder.db.audit import record
    from coder.db.changeset import KEYS_PER_STATEMENT, Changes
    from coder.db.models import Code

    changes = Changes()
    ids = store_codes(
        session, tree, [code], changes, report, parent=parent, first_position=position
    )
    for i in range(0, len(ids), KEYS_PER_STATEMENT):
        chunk = ids[i : i + KEYS_PER_STATEMENT]
        for row in sorted(session.scalars(select(Code).where(Code.id.in_(chunk))), key=_order):
            tree.add(row)
            record(session, actor, "create", "code", row.id, None, code_snapshot(row))
    for old in changes.updated.get("codes", []):
        row = tree.rows[old["id"]]
        snapshot = {k: old[k] for k in code_snapshot(row)}
        record(session, actor, "update", "code", row.id, snapshot, code_snapshot(row))


def _order(row: Code) -> tuple[int, int]:
    return (row.position, row.id)


def export_codebook(
    store: Store, *, name: str | None = None, viewer: str | None = None, memos: bool = True
) -> Codebook:
    """The project's active shared codes (and the viewer's private ones) as a Codebook, with
    the memos written on each code (the viewer's own when given, else everyone's) unless
    ``memos`` is False."""
    from coder.services.codebook.code_memos import memos_on_codes
    from coder.services.project.lifecycle import get_settings

    settings = get_settings(store)
    views = list_codes(store, viewer=viewer)
    notes = memos_on_codes(store, author=viewer) if memos else {}
    by_id: dict[int, CodeDef] = {}
    roots: list[CodeDef] = []
    for v in views:
        if viewer is None and v.owner is not None:
            continue
        node = CodeDef(name=v.name, memos=notes.get(v.id, []), **code_fields(v))
        by_id[v.id] = node
        if v.parent_id is not None and v.parent_id in by_id:
            by_id[v.parent_id].children.append(node)
        else:
            roots.append(node)
    return Codebook(name=name or settings.name, codes=roots)
