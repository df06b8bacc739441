"""Editing the codebook: add, rename, move, edit fields, retire; every change in the audit log.

A code created by a coder in a blind project is private to that coder (``owner_id``) until
reconciliation shares it. Other coders' private codes cannot be seen, so they cannot be edited.
The ``*_in`` functions work inside a caller's transaction, so a use case that creates a code
and applies it in one go (``coding.edits.create_code_from_selection``) commits both at once.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coder.db.audit import recorded
from coder.db.engine import Store
from coder.db.models import Code, Coder, ProjectSettings
from coder.domain.codebook import CODE_TEXT_FIELDS, is_hex_colour
from coder.domain.views import CodeView
from coder.errors import ConflictError, InputError, NotFoundError
from coder.services.codebook.codes import CodeTree, code_view
from coder.services.project.coders import require_coder

#: Fields of a code that :func:`edit_code` changes.
EDITABLE_FIELDS = (*CODE_TEXT_FIELDS, "colour")

#: Colours given to new codes in turn: Okabe & Ito's colour-blind-safe palette (2008, "Color
#: Universal Design"), then a few darker tones, so neighbouring codes stay distinguishable.
NEW_CODE_COLOURS = (
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
    "#999999", "#8C564B", "#1F77B4", "#2CA02C", "#9467BD",
)  # fmt: skip


def is_blind(session: Session) -> bool:
    """Whether the project is blind: each coder sees only their own codings and codes."""
    return bool(session.scalars(select(ProjectSettings.blind)).one())


def visible_code(session: Session, code_id: int, coder: Coder | None) -> Code:
    """The code with this id if ``coder`` may see it (blind rules), else NotFoundError."""
    row = session.get(Code, code_id)
    if row is None:
        raise NotFoundError(f"no code with id {code_id}")
    if (
        coder is not None
        and row.owner_id is not None
        and row.owner_id != coder.id
        and is_blind(session)
    ):
        raise NotFoundError(f"no code with id {code_id}")
    return row


def check_name(session: Session, name: str, parent_id: int | None, *, exclude: int | None) -> str:
    """``name`` stripped, if it is a valid name no active sibling under ``parent_id`` has."""
    name = name.strip()
    if not name:
        raise InputError(repr(name), "a code needs a name")
    if "\n" in name or len(name) > 200:
        raise InputError(repr(name[:40]), "a code name is one line of at most 200 characters")
    siblings = session.scalars(
        select(Code).where(
            Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id,
            Code.status == "active",
        )
    )
    for row in siblings:
        if row.id != exclude and row.name.casefold() == name.casefold():
            raise ConflictError(f"a code named {row.name!r} already exists there")
    return name


def _check_colour(colour: str | None) -> str | None:
    if colour is None or colour == "":
        return None
    if not is_hex_colour(colour):
        raise InputError(repr(colour), "a colour is written #RRGGBB")
    return colour.upper()


def next_colour(session: Session) -> str:
    """The colour for a new code: the first of :data:`NEW_CODE_COLOURS` not in use."""
    used = {c.upper() for c in session.scalars(select(Code.colour)) if c}
    free = [c for c in NEW_CODE_COLOURS if c not in used]
    if free:
        return free[0]
    count = session.scalar(select(func.count()).select_from(Code)) or 0
    return NEW_CODE_COLOURS[count % len(NEW_CODE_COLOURS)]


def next_position(session: Session, parent_id: int | None) -> int:
    """The position after the last child of ``parent_id`` (or of the top level)."""
    return int(
        session.scalar(
            select(func.coalesce(func.max(Code.position) + 1, 0)).where(
                Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id
            )
        )
        or 0
    )


def reparent(session: Session, row: Code, parent_id: int | None) -> None:
    """Put ``row`` last under ``parent_id``; its name must be free among its new siblings."""
    row.name = check_name(session, row.name, parent_id, exclude=row.id)
    row.parent_id = parent_id
    row.position = next_position(session, parent_id)


def share_code(session: Session, row: Code) -> None:
    """Make ``row`` a shared code, and its private parents with it: a shared code under a
    private one would have a path nobody else can read (what reconciliation keeps in consensus
    and what a merge of two coders' codes makes is shared)."""
    while row.owner_id is not None:
        row.owner_id = None
        parent = session.get(Code, row.parent_id) if row.parent_id is not None else None
        if parent is None:
            return
        row = parent


def add_code_in(
    session: Session,
    *,
    actor: str,
    name: str,
    parent_id: int | None = None,
    definition: str = "",
    inclusion: str = "",
    exclusion: str = "",
    example: str = "",
    colour: str | None = None,
) -> Code:
    """Add a code inside the caller's transaction and undoable action (see :func:`add_code`)."""
    coder = require_coder(session, actor)
    if parent_id is not None:
        parent = visible_code(session, parent_id, coder)
        if parent.status != "active":
            raise ConflictError(f"code {parent.name!r} is {parent.status}; it cannot get children")
    name = check_name(session, name, parent_id, exclude=None)
    row = Code(
        name=name,
        parent_id=parent_id,
        definition=definition.strip(),
        inclusion=inclusion.strip(),
        exclusion=exclusion.strip(),
        example=example.strip(),
        colour=_check_colour(colour) or next_colour(session),
        keywords=[],
        position=next_position(session, parent_id),
        status="active",
        owner_id=coder.id if is_blind(session) else None,
        created_by_id=coder.id,
    )
    session.add(row)
    session.flush()
    return row


def add_code(
    store: Store,
    *,
    actor: str,
    name: str,
    parent_id: int | None = None,
    definition: str = "",
    inclusion: str = "",
    exclusion: str = "",
    example: str = "",
    colour: str | None = None,
) -> CodeView:
    """Add a code under ``parent_id`` (or at the top); private to ``actor`` if the project is
    blind. Without a colour the next free one of :data:`NEW_CODE_COLOURS` is used."""
    with store.write() as session:
        me = require_coder(session, actor)
        with recorded(session, me.name, "create", "code") as action:
            row = add_code_in(
                session,
                actor=me.name,
                name=name,
                parent_id=parent_id,
                definition=definition,
                inclusion=inclusion,
                exclusion=exclusion,
                example=example,
                colour=colour,
            )
            action.entity_id = row.id
            action.info = {"name": row.name}
        return code_view(session, row)


def _change(
    store: Store, actor: str, code_id: int, action: str, change: Callable[[Session, Code], None]
) -> CodeView:
    with store.write() as session:
        coder = require_coder(session, actor)
        row = visible_code(session, code_id, coder)
        with recorded(session, coder.name, action, "code", row.id) as recording:
            recording.info = {"name": row.name}
            change(session, row)
        return code_view(session, row)


def rename_code(store: Store, *, actor: str, code_id: int, name: str) -> CodeView:
    """Give a code a new name (unique among its siblings)."""

    def change(session: Session, row: Code) -> None:
        row.name = check_name(session, name, row.parent_id, exclude=row.id)

    return _change(store, actor, code_id, "rename", change)


def move_code(store: Store, *, actor: str, code_id: int, parent_id: int | None) -> CodeView:
    """Move a code (with its sub-codes) under another parent, or to the top with None."""

    def change(session: Session, row: Code) -> None:
        if parent_id == row.parent_id:
            return
        if parent_id is not None:
            coder = require_coder(session, actor)
            parent = visible_code(session, parent_id, coder)
            tree = CodeTree.load(session)
            if parent.id == row.id or parent.id in {d.id for d in tree.walk(row.id)}:
                raise ConflictError(f"cannot move {row.name!r} under itself or its sub-codes")
        reparent(session, row, parent_id)

    return _change(store, actor, code_id, "move", change)


def edit_code(store: Store, *, actor: str, code_id: int, **fields: str | None) -> CodeView:
    """Change any of definition, inclusion, exclusion, example and colour."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise InputError(", ".join(sorted(unknown)), "not an editable field of a code")

    def change(session: Session, row: Code) -> None:
        for key, value in fields.items():
            if key == "colour":
                row.colour = _check_colour(value)
            else:
                setattr(row, key, (value or "").strip())

    return _change(store, actor, code_id, "edit", change)


def retire_code(store: Store, *, actor: str, code_id: int) -> CodeView:
    """Retire a code: it keeps its codings but can no longer be applied."""

    def change(session: Session, row: Code) -> None:
        if row.status == "merged":
            raise ConflictError(f"code {row.name!r} was merged; it cannot be retired")
        row.status = "retired"

    return _change(store, actor, code_id, "retire", change)
