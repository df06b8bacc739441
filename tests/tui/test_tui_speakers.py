"""Speakers outside the coding screen: the reconcile screen's context and the search hits name
the speaker of each turn, bold, in the colour the coding screen gives that speaker."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from rich.segment import Segment
from sqlalchemy import event
from textual.color import Color
from textual.widget import Widget
from textual.widgets import OptionList

from coder.db.engine import Store
from coder.domain.documents import UnitKind
from coder.services.documents.search import search_project
from coder.services.reconcile.queue import item_context, load_queue
from coder.tui.app import make_app, make_reconcile_app
from coder.tui.screens.coding import CodingScreen
from coder.tui.widgets.coded_text import CodedText
from coder.tui.widgets.reconcile_panels import ContextPanel
from tests.factories import reconcile_project, speakers_project, turns_project
from tests.pilot import settle

SIZE = (100, 32)
PAIR: dict[str, Any] = {"first": "alice", "second": "bob"}


@pytest.fixture
def transcript(store: Store) -> Store:
    return speakers_project(store)


@contextmanager
def unit_queries(store: Store) -> Iterator[list[str]]:
    """The statements that read the units table while the block runs."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if "FROM units" in statement:
            seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", record)


def _line(widget: Widget, y: int) -> list[Segment]:
    return list(widget.render_line(y))


def _text(segments: list[Segment]) -> str:
    return "".join(s.text for s in segments)


def _match_column(segments: list[Segment]) -> int:
    """Where the match (drawn reversed) starts on a search line."""
    width = 0
    for segment in segments:
        if segment.style is not None and segment.style.reverse:
            return width
        width += segment.cell_length
    raise AssertionError(f"no match on {_text(segments)!r}")


def _label(segments: list[Segment], name: str) -> Segment:
    return next(s for s in segments if s.text.strip().rstrip(":") == name)


# -- the services --------------------------------------------------------------------------


def test_item_context_names_the_speaker_of_each_piece(transcript):
    queue = load_queue(transcript, **PAIR)
    contexts = [item_context(transcript, item) for item in queue.disagreements]
    assert [(c.before_speaker, c.speaker, c.after_speaker) for c in contexts] == [
        ("Interviewer", "Policy maker", "Policy maker"),
        ("Policy maker", "Policy maker", "Interviewer"),
        ("Interviewer", "Policy maker", "Policy maker"),
    ]
    assert contexts[1].after == "Tell me what made it work."
    assert {c.speakers for c in contexts} == {("Interviewer", "Policy maker")}
    # Reconciling by turn: the unit is the turn itself.
    by_turn = load_queue(transcript, **PAIR, unit=UnitKind.TURN)
    first = item_context(transcript, by_turn.disagreements[0], unit=UnitKind.TURN)
    assert (first.before_speaker, first.speaker, first.after_speaker) == (
        "Interviewer",
        "Policy maker",
        "Interviewer",
    )


def test_item_context_without_turns_has_no_speaker(store):
    reconcile_project(store)
    context = item_context(store, load_queue(store, **PAIR).disagreements[0])
    assert context.text and context.before
    assert (context.before_speaker, context.speaker, context.after_speaker) == (None, None, None)
    assert context.speakers == ()


def test_search_hits_name_the_speaker_of_their_turn(transcript):
    hits = search_project(transcript, "partner")
    assert [(h.document, h.match, h.speaker) for h in hits] == [
        ("transcript", "partnership", "Interviewer"),
        ("notes", "partnerships", None),
    ]
    assert (hits[0].speakers, hits[1].speakers) == (("Interviewer", "Policy maker"), ())
    # A turn's first word and its last.
    assert [h.speaker for h in search_project(transcript, "trust")] == ["Policy maker"]
    assert [h.speaker for h in search_project(transcript, "rapid review")] == ["Policy maker"]
    work = [(h.document, h.speaker) for h in search_project(transcript, "work")]
    assert work == [("transcript", "Interviewer"), ("notes", None)]


def test_search_reads_the_turns_once_not_once_per_hit(store):
    turns_project(store)
    search_project(store, "trust")  # spaCy's words, kept for the next search
    with unit_queries(store) as seen:
        hits = search_project(store, "partnership")
        trust = search_project(store, "trust")
    assert len(hits) == len(trust) == 20
    assert len(seen) == 2
    assert {h.speaker for h in hits} == {"Interviewer"}
    assert {h.speaker for h in trust} == {"Policy maker"}


# -- the screens -------------------------------------------------------------------------


async def test_reconcile_context_names_each_new_speaker_in_their_colour(transcript):
    app = make_reconcile_app(transcript, "lead", **PAIR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(ContextPanel)
        first, second = _line(panel, 0), _line(panel, 1)
        assert _text(first).startswith("Interviewer: Tell me how the partnership started.")
        assert _text(second).startswith(
            "Policy maker: We needed evidence quickly. The researchers offered"
        )
        colours = app.get_css_variables()
        interviewer, policy = _label(first, "Interviewer"), _label(second, "Policy maker")
        assert interviewer.style is not None and policy.style is not None
        assert (interviewer.style.bold, policy.style.bold) == (True, True)
        assert interviewer.style.color == Color.parse(colours["primary"]).rich_color
        assert policy.style.color == Color.parse(colours["warning"]).rich_color
        await pilot.press("n")  # the next unit: the same speaker, then the interviewer
        await settle(pilot)
        first, second = _line(panel, 0), _line(panel, 1)
        assert _text(first).startswith(
            "Policy maker: We needed evidence quickly. The researchers offered a rapid review."
        )
        assert _text(first).count("Policy maker") == 1
        assert _text(second).startswith("Interviewer: Tell me what made it work.")


async def test_search_hits_show_the_speaker_in_the_coding_screens_colour(transcript):
    app = make_app(transcript, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s", *"the", "enter")
        await settle(pilot)
        hits = app.screen.query_one(OptionList)
        lines = [_line(hits, y) for y in range(3)]
        texts = [_text(line) for line in lines]
        assert [t.split()[:2] for t in texts] == [
            ["transcript", "Interviewer"],
            ["transcript", "Policy"],
            ["notes", "The"],
        ]
        # One speaker column, blank without a speaker: the matches line up under each other.
        assert len({_match_column(line) for line in lines}) == 1
        interviewer, policy = _label(lines[0], "Interviewer"), _label(lines[1], "Policy maker")
        assert interviewer.style is not None and policy.style is not None
        # Legible on the cursor row, which is painted in the first speaker's colour.
        assert interviewer.style.color != interviewer.style.bgcolor
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen)
        coded = app.screen.query_one(CodedText)
        for n, style in enumerate((interviewer.style, policy.style)):
            speaker = coded.get_component_rich_style(f"coded-text--speaker-{n}")
            assert (style.color, style.bold) == (speaker.color, True)
