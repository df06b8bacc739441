"""Codes and the codebook: importing, exporting and listing the tree."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coder.db.audit import record
from coder.db.engine import Store
from coder.db.models import Code, Coder, Coding
from coder.domain.codebook import Codebook, CodebookImportReport, CodeDef, CodePath, code_fields
from coder.domain.views import CodeView
from coder.errors import NotFoundError


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
        for r in sorted(rows, key=lambda r: (r.position, r.id)):
            self.children[r.parent_id].append(r)
        self._paths: dict[int, CodePath] = {}

    @classmethod
    def load(cls, session: Session) -> CodeTree:
        return cls(list(session.scalars(select(Code))))

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
            wanted = part.casefold()
            found = next(
                (
                    r
                    for r in self.children.get(parent, [])
                    if r.name.casefold() == wanted and self.visible_to(r, viewer_id, blind)
                ),
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
    names = dict(session.execute(select(Coder.id, Coder.name)).all())
    return _view(tree, tree.rows[row.id], names)


def list_codes(
    store: Store,
    *,
    viewer: str | None = None,
    include_inactive: bool = False,
) -> list[CodeView]:
    """The code tree in display order (parents before children).

    With ``viewer`` on a blind project, other coders' private codes are left out.
    """
    from coder.services.project.coders import require_coder
    from coder.services.project.lifecycle import get_settings

    blind = get_settings(store).blind
    with store.read() as session:
        viewer_id = require_coder(session, viewer).id if viewer else None
        tree = CodeTree.load(session)
        names = {i: n for i, n in session.execute(select(Coder.id, Coder.name))}
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
    with store.read() as session:
        query = select(Coding.code_id, func.count()).group_by(Coding.code_id)
        if coder:
            from coder.services.project.coders import require_coder

            query = query.where(Coding.coder_id == require_coder(session, coder).id)
        tree = CodeTree.load(session)
        return {tree.path(code_id): n for code_id, n in session.execute(query)}


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
    """Add the book's codes to the project in one transaction.

    Codes are matched by path (case-insensitively): new paths are added, existing ones get the
    book's definition fields. Nothing is deleted.
    """
    report = CodebookImportReport()
    with store.write() as session:
        tree = CodeTree.load(session)
        for position, code in enumerate(codebook.codes):
            import_code(session, tree, code, None, position, actor, report)
    return report


def import_code(
    session: Session,
    tree: CodeTree,
    code: CodeDef,
    parent: Code | None,
    position: int,
    actor: str,
    report: CodebookImportReport,
) -> None:
    """Add ``code`` and its sub-codes under ``parent`` (matched by name; nothing deleted)."""
    parent_id = parent.id if parent else None
    wanted = code.name.casefold()
    row = next(
        (
            r
            for r in tree.children.get(parent_id, [])
            if r.name.casefold() == wanted and r.owner_id is None
        ),
        None,
    )
    values = code_fields(code)
    if row is None:
        row = Code(
            name=code.name, parent_id=parent_id, position=position, status="active", **values
        )
        session.add(row)
        session.flush()
        tree.rows[row.id] = row
        tree.children[parent_id].append(row)
        record(session, actor, "create", "code", row.id, None, code_snapshot(row))
        report.added.append(str(tree.path(row.id)))
    else:
        current = code_fields(row)
        # An empty field in the book never erases what the project already has.
        changed = {f: v for f, v in values.items() if v and v != current[f]}
        if changed:
            before = code_snapshot(row)
            for f, v in changed.items():
                setattr(row, f, v)
            record(session, actor, "update", "code", row.id, before, code_snapshot(row))
            report.updated.append(str(tree.path(row.id)))
        else:
            report.unchanged += 1
    for child_position, child in enumerate(code.children):
        import_code(session, tree, child, row, child_position, actor, report)


def export_codebook(
    store: Store, *, name: str | None = None, viewer: str | None = None
) -> Codebook:
    """The project's active shared codes (and the viewer's private ones) as a Codebook."""
    from coder.services.project.lifecycle import get_settings

    settings = get_settings(store)
    views = list_codes(store, viewer=viewer)
    by_id: dict[int, CodeDef] = {}
    roots: list[CodeDef] = []
    for v in views:
        if viewer is None and v.owner is not None:
            continue
        node = CodeDef(name=v.name, **code_fields(v))
        by_id[v.id] = node
        if v.parent_id is not None and v.parent_id in by_id:
            by_id[v.parent_id].children.append(node)
        else:
            roots.append(node)
    return Codebook(name=name or settings.name, codes=roots)
