"""Reconciliation counts a coding for a unit by the agreement engine's own overlap rule.

Partial codings make the rules differ: a coding over a few characters of a sentence counts for
it under ``any`` and not under ``majority``; one over most of a sentence counts under
``majority`` and not under ``full``. Whatever the rule, the units reconciliation asks about
are exactly the agreement report's disagreements, with the same codes on each side.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from coder.cli import agreement, reconcile
from coder.cli.main import expand_multi_value_options
from coder.db.engine import Store
from coder.domain.agreement import OVERLAP_RULES, AgreementRequest, Overlap
from coder.services.agreement.compute import compute_project_agreement
from coder.services.codebook.codes import list_codes
from coder.services.coding.edits import apply_code
from coder.services.reconcile.queue import load_queue

PAIR: dict[str, Any] = {"first": "alice", "second": "bob"}

#: (coder, sentence of the interview, code, which part of the sentence).
PARTIAL = [
    ("alice", 4, "Trust", "start"),  # 5 characters of 19: any only
    ("bob", 2, "Barriers", "most"),  # all but the last 3 characters: any and majority
    ("alice", 0, "Trust", "tail"),  # the last 3 characters: any only
]

Disagreements = set[tuple[int, int, int, tuple[int, ...], tuple[int, ...]]]


@pytest.fixture
def partial(project: Store, built: dict[str, Any]) -> Store:
    doc = built["docs"]["interview"]
    for coder, index, code, part in PARTIAL:
        start, end = built["units"]["interview"][index]
        if part == "start":
            end = start + 5
        elif part == "most":
            end -= 3
        else:
            start = end - 3
        apply_code(
            project,
            coder=coder,
            document_id=doc,
            code_id=built["codes"][code],
            start=start,
            end=end,
        )
    return project


def _engine(store: Store, overlap: Overlap, built: dict[str, Any]) -> Disagreements:
    report = compute_project_agreement(
        store, AgreementRequest(coders=("alice", "bob"), overlap=overlap, ci=False)
    )
    ids = {str(c.path): c.id for c in list_codes(store)}
    code_id = [ids[str(path)] for path in report.code_paths]
    out: Disagreements = set()
    for d in report.result.disagreements or ():
        first, second = (tuple(sorted(code_id[k] for k in side)) for side in d.codes)
        out.add((built["docs"][report.documents[d.doc]], d.start, d.end, first, second))
    return out


def _queue(store: Store, overlap: Overlap) -> Disagreements:
    queue = load_queue(store, **PAIR, overlap=overlap)
    return {
        (i.document_id, *unit, i.first_codes, i.second_codes)
        for i in queue.disagreements
        for unit in i.units
    }


def test_reconcile_agrees_with_the_engine_unit_by_unit_under_every_rule(partial, built):
    found = {}
    for overlap in OVERLAP_RULES:
        found[overlap] = _queue(partial, overlap)
        assert found[overlap] == _engine(partial, overlap, built), overlap
    # The rules really differ here, so the comparison above says something.
    assert found["any"] != found["majority"] != found["full"]
    sentence = built["units"]["interview"]
    interview = built["docs"]["interview"]
    assert (interview, *sentence[4]) in {k[:3] for k in found["any"]}
    assert (interview, *sentence[4]) not in {k[:3] for k in found["majority"]}


def test_a_partly_coded_unit_shows_the_coding_that_counts(partial, built):
    queue = load_queue(partial, **PAIR, overlap="majority")
    start, end = built["units"]["interview"][2]
    item = queue.find(f"{built['docs']['interview']}:{start}-{end}")
    assert item.second_codes == (built["codes"]["Barriers"],)
    assert [(c.start, c.end) for c in item.second] == [(start, end - 3)]
    full = load_queue(partial, **PAIR, overlap="full").find(item.key)
    assert full.second_codes == ()


def _run(store: Store, *args: str) -> Any:
    app = typer.Typer()
    agreement.register(app)
    reconcile.register(app)
    return CliRunner().invoke(app, expand_multi_value_options([*args, "-p", store.url]))


def test_reconcile_status_takes_the_overlap_choice_of_coder_agreement(partial, monkeypatch):
    monkeypatch.setenv("CODER_USER", "lead")
    for overlap in OVERLAP_RULES:
        status = _run(partial, "reconcile", "status", "--coders", "alice", "bob",
                      "--overlap", overlap, "--format", "json")  # fmt: skip
        assert status.exit_code == 0, status.output
        report = _run(partial, "agreement", "--coders", "alice", "bob", "--overlap", overlap,
                      "--bootstrap", "0", "-f", "json")  # fmt: skip
        assert report.exit_code == 0, report.output
        data = json.loads(report.output)
        engine = {
            (data["documents"][d["doc"]], d["start"], d["end"])
            for d in data["result"]["disagreements"]
        }
        ours = {
            (row["document"], *map(int, row["key"].split(":")[1].split("-")))
            for row in json.loads(status.output)
        }
        assert ours == engine, overlap
    for command in (["reconcile", "status"], ["agreement"]):
        bad = _run(partial, *command, "--coders", "alice", "bob", "--overlap", "most")
        assert bad.exit_code != 0
        assert "choose any, majority or full" in bad.output
