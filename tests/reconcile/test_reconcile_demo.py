"""The issue's "done when" on the demo project: reconcile end to end, merge and undo, rounds."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy import select

from coder.cli.main import run
from coder.db.engine import connect
from coder.db.models import Coder, Coding, Unit
from coder.domain.agreement import AgreementRequest
from coder.services.agreement import rounds
from coder.services.agreement.compute import compute_project_agreement
from coder.services.codebook import themes
from coder.services.codebook.codes import list_codes
from coder.services.coding.edits import apply_code
from coder.services.project.demo import EXAMPLE_CODERS, build_demo
from coder.services.reconcile.decisions import auto_accept, decide
from coder.services.reconcile.queue import load_queue
from coder.services.undo import undo_latest
from coder.tui.app import make_reconcile_app
from tests.dbdump import dump
from tests.pilot import settle

A, B = EXAMPLE_CODERS
PAIR: dict[str, Any] = {"first": A, "second": B}
#: The code both example coders give the passages the test adds (the issue's example).
CODE = "Motives/Impact"
#: (document id, start, end).
Span = tuple[int, int, int]


async def test_demo_reconciled_end_to_end(tmp_path, repo):
    path = tmp_path / "demo.db"
    book = repo / "codebooks" / "evidence-partnerships.yaml"
    build_demo(str(path), seeds=repo / "seeds", codebook=book, user=None)
    store = connect(path)
    try:
        rounds.start_round(store, actor="lead", coders=[A, B])
        accepted = auto_accept(store, **PAIR, actor="lead")
        assert accepted.accepted > 100
        app = make_reconcile_app(store, "lead", **PAIR)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            for key in ("a", "b", "o", "s"):
                await pilot.press(key)
                await settle(pilot)
        queue = load_queue(store, **PAIR)
        assert queue.decided == 4
        for item in queue.disagreements:
            if not item.decided:
                decide(store, **PAIR, item=item, choice="both", actor="lead", queue=queue)
        queue = load_queue(store, **PAIR)
        assert (queue.remaining, queue.agreeing_pending) == (0, 0)
        for coder in (A, B):
            report = compute_project_agreement(
                store, AgreementRequest(coders=(coder, "consensus"), ci=False)
            )
            assert len(report.documents) == 4
        closed = rounds.close_round(store, actor="lead")
        assert closed.end is not None and closed.end.alpha is not None

        codes = {str(c.path): c.id for c in list_codes(store)}
        before = dump(store)
        before.pop("audit_log")
        themes.merge_codes(store, actor="lead", source_id=codes["Motives/Resources"],
                           target_id=codes["Motives/Expertise"])  # fmt: skip
        rounds.start_round(store, actor="lead", coders=[A, B], name="after merge")
        rounds.close_round(store, actor="lead")
        listed = rounds.list_rounds(store)
        assert [r.number for r in listed] == [1, 2]
        assert all(r.end is not None and r.end.alpha is not None for r in listed)
        diff = rounds.codebook_diff(store, 1, 2)
        assert [(d.kind, d.code) for d in diff] == [("merged", "Motives/Resources")]
        # Undo the merge (the rounds stay: they were started after it, by their own actions).
        undo_latest(store, actor="lead")
        after = dump(store)
        after.pop("audit_log")
        after.pop("rounds")
        before.pop("rounds")
        assert after == before
    finally:
        store.dispose()


def _whole_passages(store) -> tuple[list[Span], list[Span]]:
    """Both example coders code runs of three sentences whole, one coding each, through the
    coding service: runs nobody had coded (``clean``: each one agreeing passage) and runs whose
    middle sentence has other codes (``nested``: passages apart, joined where the coders'
    codings run on, a hole where one is still to decide). Spans are (document, start, end)."""
    code = next(c for c in list_codes(store) if str(c.path) == CODE)
    coded = {(c.document_id, c.start) for c in _codings(store)}
    clean, nested = [], []
    for doc, spans in _sentences(store, {d for d, _ in coded}).items():
        free = [(doc, u[0]) not in coded for u in spans]
        k, doc_clean, doc_nested = 0, list[Span](), list[Span]()
        while k + 3 <= len(spans):
            span = (doc, spans[k][0], spans[k + 2][1])
            if free[k : k + 3] == [True] * 3 and len(doc_clean) < 3:
                doc_clean.append(span)
            elif free[k : k + 3] == [True, False, True] and len(doc_nested) < 2:
                doc_nested.append(span)
            else:
                k += 1
                continue
            k += 3
        clean += doc_clean
        nested += doc_nested
    for doc, start, end in clean + nested:
        for coder in (A, B):
            apply_code(store, coder=coder, document_id=doc, code_id=code.id, start=start, end=end)
    return clean, nested


def _codings(store) -> list[Coding]:
    with store.read() as s:
        return list(s.scalars(select(Coding)))


def _sentences(store, doc_ids: set[int]) -> dict[int, list[tuple[int, int]]]:
    with store.read() as s:
        rows = s.execute(
            select(Unit.document_id, Unit.start, Unit.end)
            .where(Unit.document_id.in_(doc_ids), Unit.kind == "sentence")
            .order_by(Unit.document_id, Unit.start)
        ).all()
    out: dict[int, list[tuple[int, int]]] = {}
    for doc, start, end in rows:
        out.setdefault(doc, []).append((start, end))
    return out


def _cuts_and_holes(store) -> tuple[list[Span], list[Span]]:
    """Inside every stretch both example coders coded whole with one code: where two
    consensus codings of it meet (a cut) and the sentences next to a consensus coding of it
    that no consensus coding covers (a hole)."""
    with store.read() as s:
        names = dict(s.execute(select(Coder.id, Coder.name)).all())
    layer: dict[tuple[str, int, int], list[tuple[int, int]]] = {}
    for c in _codings(store):
        layer.setdefault((names[c.coder_id], c.document_id, c.code_id), []).append((c.start, c.end))
    sentences = _sentences(store, {doc for _, doc, _ in layer})
    cuts, holes = [], []
    for (coder, doc, code), spans in layer.items():
        if coder != A:
            continue
        cover = layer.get(("consensus", doc, code), [])
        for a, b in itertools.product(spans, layer.get((B, doc, code), [])):
            lo, hi = max(a[0], b[0]), min(a[1], b[1])
            inside = [u for u in sentences[doc] if lo <= u[0] and u[1] <= hi]
            owner = [next((k for k, c in enumerate(cover) if c[0] <= u[0] and u[1] <= c[1]), None)
                     for u in inside]  # fmt: skip
            for k in range(len(inside) - 1):
                left, right = owner[k], owner[k + 1]
                if left is not None and right is not None and left != right:
                    cuts.append((doc, inside[k][1], inside[k + 1][0]))
                elif (left is None) != (right is None):
                    hole = inside[k] if left is None else inside[k + 1]
                    holes.append((doc, *hole))
    return cuts, holes


def test_demo_auto_accept_keeps_whole_passages_whole(tmp_path, capsys):
    """``coder reconcile --auto`` on the demo: no consensus coding boundary inside a stretch
    both coders coded whole with a code, except facing a passage still to decide (a hole, which
    the decision fills and joins), and each passage nobody else coded is one consensus coding."""
    path = tmp_path / "d.db"
    assert run(["demo", "--no-tui", "-p", str(path)]) == 0
    store = connect(path)
    try:
        clean, nested = _whole_passages(store)
        assert len(clean) >= 3 and nested
        capsys.readouterr()
        assert run(["reconcile", "--coders", A, B, "--auto", "--as", "lead", "-p", str(path)]) == 0
        assert "agreeing passage(s) into consensus" in capsys.readouterr().out
        cuts, holes = _cuts_and_holes(store)
        assert cuts == []
        queue = load_queue(store, **PAIR)
        undecided = {(i.document_id, *u) for i in queue.items if not i.decided for u in i.units}
        assert set(holes) <= undecided
        with store.read() as s:
            code = next(c.id for c in list_codes(store) if str(c.path) == CODE)
            consensus = {
                (c.document_id, c.start, c.end)
                for c in s.scalars(
                    select(Coding)
                    .join(Coder)
                    .where(Coder.name == "consensus", Coding.code_id == code)
                )
            }
        assert set(clean) <= consensus
        # Deciding what is left fills every hole, and the code runs on whole.
        for item in queue.disagreements:
            if not item.decided:
                decide(store, **PAIR, item=item, choice="both", actor="lead", queue=queue)
        assert _cuts_and_holes(store) == ([], [])
    finally:
        store.dispose()
