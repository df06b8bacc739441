"""Rounds of coding: snapshots of the codebook and the agreement figures at start and close.

A team codes, measures agreement, reconciles and revises the codebook, and codes again; each
round keeps what the codebook and the figures were, so the rise of agreement over rounds can
be shown (:func:`list_rounds`) and the codebook changes between two rounds listed
(:func:`codebook_diff`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coder.db.audit import record
from coder.db.engine import Store
from coder.db.models import Round
from coder.domain.agreement import AgreementRequest, DiffEntry, RoundFigures, RoundView
from coder.errors import CoderError, ConflictError, NotFoundError, UsageError
from coder.services.agreement.compute import compute_project_agreement
from coder.services.codebook.codes import CodeTree
from coder.services.project.coders import find_coder, require_coder


def _clean(value: float) -> float | None:
    return None if math.isnan(value) else round(float(value), 6)


def agreement_figures(store: Store, coders: Sequence[str]) -> dict[str, Any]:
    """The figures a round keeps: pooled alpha, percent agreement and alpha per code."""
    try:
        report = compute_project_agreement(store, AgreementRequest(coders=tuple(coders), ci=False))
    except CoderError as exc:
        # A first round usually starts before anyone has coded: that is a figure, not an error.
        return {"alpha": None, "percent_agreement": None, "n_units": 0, "documents": 0,
                "per_code": {}, "note": str(exc)}  # fmt: skip
    overall = report.result.overall
    percent = overall.percent_agreement
    return {
        "alpha": _clean(overall.alpha.value),
        "percent_agreement": _clean(percent.value) if percent is not None else None,
        "n_units": report.result.n_units,
        "documents": len(report.documents),
        "per_code": {
            str(path): _clean(c.alpha.value) if c.alpha is not None else None
            for path, c in zip(report.code_paths, report.result.per_code, strict=True)
        },
        "note": "",
    }


def _snapshot(session: Session) -> list[dict[str, Any]]:
    tree = CodeTree.load(session)
    return [
        {
            "id": row.id,
            "path": str(tree.path(row.id)),
            "name": row.name,
            "parent_id": row.parent_id,
            "definition": row.definition,
            "status": row.status,
            "merged_into_id": row.merged_into_id,
            "owner_id": row.owner_id,
        }
        for row in sorted(tree.rows.values(), key=lambda r: r.id)
    ]


def _view(row: Round) -> RoundView:
    return RoundView(
        number=row.number,
        name=row.name,
        coders=tuple(row.coders),
        started_at=row.started_at,
        started_by=row.started_by,
        closed_at=row.closed_at,
        closed_by=row.closed_by,
        start=RoundFigures.from_json(row.figures_start),
        end=RoundFigures.from_json(row.figures_end),
        codes_at_start=sum(c["status"] == "active" for c in row.codebook_start),
        codes_at_end=None
        if row.codebook_end is None
        else sum(c["status"] == "active" for c in row.codebook_end),
    )


def _open_round(session: Session) -> Round | None:
    return session.scalars(select(Round).where(Round.closed_at.is_(None))).first()


def start_round(store: Store, *, actor: str, coders: Sequence[str], name: str = "") -> RoundView:
    """Open the next round for ``coders``, snapshotting the codebook and their agreement."""
    if len(coders) < 2:
        raise UsageError("a round compares at least two coders (--coders A B)")
    with store.read() as session:
        names = [require_coder(session, c).name for c in coders]
        if _open_round(session) is not None:
            raise ConflictError("a round is already open; close it first ('coder round close')")
    figures = agreement_figures(store, names)
    with store.write() as session:
        if _open_round(session) is not None:
            raise ConflictError("a round is already open; close it first ('coder round close')")
        number = int(session.scalar(select(func.coalesce(func.max(Round.number), 0))) or 0) + 1
        row = Round(
            number=number,
            name=name.strip() or f"Round {number}",
            coders=names,
            started_by=actor,
            codebook_start=_snapshot(session),
            figures_start=figures,
        )
        session.add(row)
        session.flush()
        record(session, actor, "start", "round", row.id, None, {"number": number, "coders": names})
        return _view(row)


def close_round(store: Store, *, actor: str) -> RoundView:
    """Close the open round, snapshotting the codebook and the agreement figures again."""
    with store.read() as session:
        row = _open_round(session)
        if row is None:
            raise NotFoundError("no round is open ('coder round start --coders A B')")
        coders = list(row.coders)
    figures = agreement_figures(store, coders)
    with store.write() as session:
        row = _open_round(session)
        if row is None:
            raise NotFoundError("no round is open ('coder round start --coders A B')")
        row.closed_at = dt.datetime.now(dt.UTC)
        row.closed_by = actor
        row.codebook_end = _snapshot(session)
        row.figures_end = figures
        session.flush()
        record(session, actor, "close", "round", row.id, None, {"number": row.number})
        return _view(row)


def list_rounds(store: Store) -> list[RoundView]:
    """Every round, first to last."""
    with store.read() as session:
        return [_view(r) for r in session.scalars(select(Round).order_by(Round.number))]


def _round(session: Session, number: int) -> Round:
    row = session.scalars(select(Round).where(Round.number == number)).first()
    if row is None:
        raise NotFoundError(f"no round {number} (see 'coder rounds')")
    return row


def codebook_diff(
    store: Store, first: int, second: int | None = None, *, viewer: str | None = None
) -> list[DiffEntry]:
    """What changed in the codebook: during round ``first`` when ``second`` is None (the
    codebook it started with against the one it closed with, or today's while it is open),
    else from round ``first`` to round ``second`` (the codebook each started with: the one its
    coders coded with, so the revisions made during and after ``first`` show).

    Codes are matched by identity, so a rename is a rename, not a removal and an addition.
    With a ``viewer`` (a blind project's coder), other coders' private codes are left out.
    """
    with store.read() as session:
        start = _round(session, first)
        me = find_coder(session, viewer) if viewer is not None else None
        hidden = viewer is not None
        if second is None:
            after = start.codebook_end if start.codebook_end is not None else _snapshot(session)
        else:
            after = _round(session, second).codebook_start
        mine = me.id if me is not None else None

        def shown(code: dict[str, Any]) -> bool:
            return not hidden or code.get("owner_id") in (None, mine)

        old = {c["id"]: c for c in start.codebook_start if shown(c)}
        new = {c["id"]: c for c in after if shown(c)}
    out: list[DiffEntry] = []
    for code_id, now in new.items():
        was = old.get(code_id)
        if was is None:
            out.append(DiffEntry("added", now["path"], now["definition"]))
            continue
        if was["status"] != now["status"]:
            if now["status"] == "merged":
                into = new.get(now["merged_into_id"] or -1, {}).get("path", "?")
                out.append(DiffEntry("merged", was["path"], f"into {into}"))
            elif now["status"] == "retired":
                out.append(DiffEntry("retired", was["path"], ""))
            else:
                out.append(DiffEntry("restored", now["path"], f"was {was['status']}"))
        if was["name"] != now["name"]:
            out.append(DiffEntry("renamed", was["path"], f"to {now['name']}"))
        if was["parent_id"] != now["parent_id"]:
            out.append(DiffEntry("moved", was["path"], f"to {now['path']}"))
        if was["definition"] != now["definition"]:
            out.append(DiffEntry("redefined", now["path"], now["definition"]))
    for code_id, was in old.items():
        if code_id not in new:
            out.append(DiffEntry("removed", was["path"], ""))
    order = ("added", "renamed", "moved", "redefined", "merged", "retired", "restored", "removed")
    return sorted(out, key=lambda e: (order.index(e.kind), e.code))
