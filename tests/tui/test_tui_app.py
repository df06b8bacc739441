"""The app factory and the coded text's line index, without a document on screen."""

from __future__ import annotations

from textual.widgets import DataTable

from coder.tui.app import make_app
from coder.tui.screens.documents import DocumentsScreen
from coder.tui.widgets.coded_lines import LineIndex, Marked, abbreviation, wrap_lines


async def test_make_app_opens_a_project_from_its_database_url(project, empty_db_url):
    app = make_app(empty_db_url, "dana")
    assert app.context.store is not project
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, DocumentsScreen)
        assert screen.query_one(DataTable).row_count == 2
        assert "dana" in str(screen.query_one("#progress").render())
    assert app.context.coder == "dana"


def test_wrap_lines_breaks_at_spaces_long_words_and_newlines():
    text = "one two three\nabcdefghijklmnop"
    assert wrap_lines(text, 8) == [(0, 7), (8, 13), (14, 22), (22, 30)]
    assert [text[a:b] for a, b in wrap_lines(text, 8)] == [
        "one two",
        "three",
        "abcdefgh",
        "ijklmnop",
    ]


def test_line_index_finds_codings_across_wrapped_lines():
    text = "alpha beta gamma delta epsilon zeta"
    lines = LineIndex()
    long, short = Marked(1, 6, 22, 10), Marked(2, 23, 30, 11)
    lines.wrap(text, 10, [long])
    assert [text[a:b] for a, b in lines.lines] == [
        "alpha beta",
        "gamma",
        "delta",
        "epsilon",
        "zeta",
    ]
    assert lines.span_lines(long.start, long.end) == (0, 2)
    assert [m.id for m in lines.overlapping(11, 12)] == [1]
    assert lines.add(short) == (3, 3)
    assert lines.overlapping(30, 35) == []
    assert {m.id for m in lines.overlapping(20, 25)} == {1, 2}
    assert lines.remove(long) == (0, 2)
    assert lines.overlapping(0, 22) == [] and lines.on_line(1) == []


def test_abbreviation_uses_initials_or_the_start_of_one_word():
    assert abbreviation("Need for evidence") == "NFE"
    assert abbreviation("Barriers") == "Bar"
    assert abbreviation("trust-building") == "TB"
