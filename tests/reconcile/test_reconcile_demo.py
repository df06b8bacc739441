"""The issue's "done when" on the demo project: reconcile end to end, merge and undo, rounds."""

from __future__ import annotations

from typing import Any

from coder.db.engine import connect
from coder.domain.agreement import AgreementRequest
from coder.services.agreement import rounds
from coder.services.agreement.compute import compute_project_agreement
from coder.services.codebook import themes
from coder.services.codebook.codes import list_codes
from coder.services.project.demo import EXAMPLE_CODERS, build_demo
from coder.services.reconcile.decisions import auto_accept, decide
from coder.services.reconcile.queue import load_queue
from coder.services.undo import undo_latest
from coder.tui.app import make_reconcile_app
from tests.dbdump import dump
from tests.pilot import settle

A, B = EXAMPLE_CODERS
PAIR: dict[str, Any] = {"first": A, "second": B}


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
