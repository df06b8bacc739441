"""The command line of reconciliation, rounds and codebook operations, end to end."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from coder.cli import agreement, codebook, codes, reconcile, rounds
from coder.cli.main import expand_multi_value_options
from coder.errors import CoderError
from coder.services.reconcile.queue import load_queue
from tests.dbdump import dump


def _app() -> typer.Typer:
    """The commands wired as coder.cli.main wires them."""
    app = typer.Typer()
    agreement.register(app)
    reconcile.register(app)
    rounds.register(app)
    codes.register(app)
    codebook.register(app)
    return app


@pytest.fixture
def cli(project, monkeypatch):
    monkeypatch.setenv("CODER_USER", "lead")
    runner, app = CliRunner(), _app()

    def run(*args: str, ok: bool = True) -> str:
        argv = expand_multi_value_options([*args, "-p", project.url])
        result = runner.invoke(app, argv)
        if ok:
            assert result.exit_code == 0, (result.output, result.exception)
        elif result.exit_code == 0:
            raise AssertionError(result.output)
        if isinstance(result.exception, CoderError):
            return str(result.exception)
        return result.output

    return run


def test_auto_then_decide_every_disagreement(cli, project):
    out = cli("reconcile", "--coders", "alice", "bob", "--auto")
    assert out.startswith("accepted 3 agreeing passage(s) into consensus")
    status = cli("reconcile", "status", "--coders", "alice", "bob", "--format", "json")
    items = json.loads(status)
    assert len(items) == 4 and all(i["decision"] == "" for i in items)
    for item in items:
        cli("reconcile", "decide", item["key"], "--keep", "shared", "--why", "only the common",
            "--coders", "alice", "bob")  # fmt: skip
    summary = cli("reconcile", "status", "--coders", "alice", "bob")
    assert "4 of 4 disagreements decided, 0 remaining" in summary
    log = json.loads(cli("reconcile", "log", "--format", "json"))
    assert {r["from"] for r in log} == {"alice", "bob"}
    assert all(r["decided_by"] == "lead" for r in log)
    report = json.loads(
        cli("agreement", "--coders", "alice", "consensus", "--bootstrap", "0", "-f", "json")
    )
    assert report["result"]["coders"] == ["alice", "consensus"]


def test_decide_by_hand_chosen_codes(cli, project):
    queue = load_queue(project, first="alice", second="bob")
    key = queue.disagreements[0].key
    out = cli("reconcile", "decide", key, "--keep", "edit", "--code", "Trust", "--code",
              "Motives/Credibility", "--coders", "alice", "bob")  # fmt: skip
    assert ": edit" in out
    decided = load_queue(project, first="alice", second="bob").find(key).decision
    assert decided is not None and len(decided.code_ids) == 2
    error = cli("reconcile", "decide", key, "--keep", "nope", "--coders", "alice", "bob", ok=False)
    assert "a decision is one of" in error


def test_merge_and_undo_from_the_command_line(cli, project):
    before = dump(project)
    before.pop("audit_log")
    assert "merged Motives/Credibility into Trust" in cli(
        "codes", "merge", "Motives/Credibility", "Trust"
    )
    history = json.loads(cli("codes", "history", "Trust", "--format", "json"))
    assert history[0]["path"] == "Motives/Credibility"
    assert "undid: merged" in cli("codes", "undo")
    after = dump(project)
    after.pop("audit_log")
    assert after == before


def test_group_split_rename_move_retire(cli, project, built):
    assert "under Relations" in cli("codes", "group", "Trust", "Barriers", "--theme", "Relations")
    coding = built["codings"][("alice", "notes", 0, "Barriers")]
    assert "new code Relations/Money" in cli(
        "codes", "split", "Relations/Barriers", "--coding", str(coding), "--name", "Money"
    )
    assert "Relations/Confidence" in cli("codes", "rename", "Relations/Trust", "Confidence")
    assert "moved to Confidence" in cli("codes", "move", "Relations/Confidence")
    assert "retired Confidence" in cli("codes", "retire", "Confidence")
    assert "undid the retire" in cli("codes", "undo")


def test_two_rounds_are_listed_with_a_chart_and_a_codebook_diff(cli):
    assert "started round 1" in cli("round", "start", "--coders", "alice", "bob")
    cli("reconcile", "--coders", "alice", "bob", "--auto")
    assert "closed round 1" in cli("round", "close")
    cli("codes", "merge", "Motives/Credibility", "Motives/Need for evidence")
    cli("round", "start", "--coders", "alice", "bob", "--name", "Second")
    cli("round", "close")
    listing = json.loads(cli("rounds", "--format", "json"))
    assert [r["round"] for r in listing] == [1, 2]
    assert all(isinstance(r["alpha_close"], float) for r in listing)
    assert listing[1]["alpha_close"] > listing[0]["alpha_close"]
    table = cli("rounds")
    assert "Krippendorff's alpha by round" in table and "█" in table
    diff = json.loads(cli("codebook", "diff", "1", "2", "--format", "json"))
    assert diff == [
        {
            "change": "merged",
            "code": "Motives/Credibility",
            "detail": "into Motives/Need for evidence",
        }
    ]
    error = cli("round", "close", ok=False)
    assert "no round is open" in error


def test_codebook_diff_shows_what_changed_during_a_round(cli):
    """Issue 14: `codebook diff 1 2` showed nothing of revisions made while round 1 was open."""
    cli("round", "start", "--coders", "alice", "bob")
    assert "no changes to the codebook during round 1" in cli("codebook", "diff", "1")
    cli("codes", "rename", "Trust", "Confidence")
    cli("codes", "merge", "Motives/Credibility", "Motives/Need for evidence")
    during = json.loads(cli("codebook", "diff", "1", "--format", "json"))
    expected = [
        {"change": "renamed", "code": "Trust", "detail": "to Confidence"},
        {
            "change": "merged",
            "code": "Motives/Credibility",
            "detail": "into Motives/Need for evidence",
        },
    ]
    assert during == expected  # the open round against today's codebook
    cli("round", "close")
    cli("codes", "retire", "Confidence")  # after the round closed: not in it
    assert json.loads(cli("codebook", "diff", "1", "--format", "json")) == expected
    cli("round", "start", "--coders", "alice", "bob")
    between = json.loads(cli("codebook", "diff", "1", "2", "--format", "json"))
    assert [(d["change"], d["code"]) for d in between] == [
        ("renamed", "Trust"),
        ("merged", "Motives/Credibility"),
        ("retired", "Trust"),
    ]
    assert "no round 3" in cli("codebook", "diff", "3", ok=False)


def test_align_lists_pairs_and_suggestions(cli):
    out = json.loads(cli("codes", "align", "--coders", "alice", "bob", "--format", "json"))
    top = out[0]
    assert (top["alice"], top["bob"], top["jaccard"], top["suggest"]) == (
        "Trust",
        "Trust",
        1.0,
        "same code",
    )
