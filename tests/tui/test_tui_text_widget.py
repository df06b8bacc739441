"""The text widget in the coding screen: the cursor unit stays in sight, keys move by unit,
a mouse drag selects words, speakers are named, tabs draw as spaces."""

from __future__ import annotations

import pytest

from coder.db.engine import Store
from coder.services.documents.reading import get_document
from coder.tui.app import make_app
from coder.tui.screens.coding import CodingScreen
from coder.tui.widgets.coded_lines import column_of, drawable, offset_at_column, wrap_lines
from coder.tui.widgets.coded_text import CodedText
from tests.factories import TURNS_INTERVIEW, speakers_project, turns_project
from tests.pilot import codings_of, settle, wheel

SIZE = (100, 30)


@pytest.fixture
def transcript(store: Store) -> Store:
    return turns_project(store)


async def _open(pilot) -> CodedText:
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CodingScreen)
    return screen.text_view


def _visible(text: CodedText) -> tuple[int, int]:
    """First and last display line fully on screen."""
    top = round(text.scroll_offset.y)
    return top, top + text.scrollable_content_region.height - 1


def _assert_in_sight(text: CodedText, margin: int = 1) -> None:
    first, last = text.selection_lines()
    top, bottom = _visible(text)
    lines = text.line_count
    assert max(top, 0) <= max(first - margin, 0), (first, last, top, bottom)
    assert min(last + margin, lines - 1) <= bottom, (first, last, top, bottom)


async def test_cursor_unit_stays_in_sight_down_to_the_last_line(transcript):
    app = make_app(transcript, "alice")
    async with app.run_test(size=SIZE) as pilot:
        text = await _open(pilot)
        units = len(text.current_units)
        for _ in range(units + 2):
            await pilot.press("down")
            _assert_in_sight(text)
        assert text.cursor == units - 1
        # The last line of the document is on screen.
        assert _visible(text)[1] >= text.line_count - 1
        for _ in range(units + 2):
            await pilot.press("k")
            _assert_in_sight(text)
        assert text.cursor == 0
        assert round(text.scroll_offset.y) == 0


async def test_keys_move_by_unit_page_and_edge_and_shift_extends(transcript):
    app = make_app(transcript, "alice")
    async with app.run_test(size=SIZE) as pilot:
        text = await _open(pilot)
        units = text.current_units
        await pilot.press("down", "down", "up")
        assert text.cursor == 1
        assert text.selection == tuple(units[1])
        assert round(text.scroll_offset.y) == 0
        await pilot.press("pagedown")
        paged = text.cursor
        # A screenful: the unit now at the cursor was below the screen before.
        assert text.line_of(units[paged].end - 1) >= text.scrollable_content_region.height - 1
        _assert_in_sight(text)
        await pilot.press("pageup")
        assert text.cursor < paged
        _assert_in_sight(text)
        await pilot.press("end")
        assert text.cursor == len(units) - 1
        _assert_in_sight(text)
        await pilot.press("home")
        assert text.cursor == 0
        await pilot.press("shift+down", "shift+down")
        assert text.selection == (units[0].start, units[2].end)
        await pilot.press("shift+end")
        assert text.selection == (units[0].start, units[-1].end)
        await pilot.press("home", "shift+pagedown")
        assert text.selection == (units[0].start, units[text.cursor].end)
        assert text.cursor > 1
        await pilot.press("1")
        await pilot.pause()
    assert codings_of(transcript) == [
        (units[0].start, units[text.cursor].end, "Motives/Need for evidence")
    ]


async def test_search_hit_opens_centred(transcript):
    start = TURNS_INTERVIEW.index("Answer 15 starts")
    end = start + len("Answer 15 starts")
    app = make_app(transcript, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        doc_id = get_document(transcript, "transcript-01").summary.id
        await app.push_screen(CodingScreen(app.context, doc_id, start, end))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        text = screen.text_view
        assert text.selection == (start, end)
        line = text.line_of(start)
        top, bottom = _visible(text)
        assert abs((line - top) - (bottom - line)) <= 1, (line, top, bottom)
        await pilot.press("a")  # nothing under the cursor: a warning, no change
        await pilot.press("2")
        await pilot.pause()
    assert codings_of(transcript) == [(start, end, "Motives/Credibility")]


async def test_drag_selects_whole_words_and_click_places_the_cursor(transcript):
    app = make_app(transcript, "alice")
    async with app.run_test(size=SIZE) as pilot:
        text = await _open(pilot)
        # Press inside "Question" of the third turn, release inside "partnership".
        turn = TURNS_INTERVIEW.index("Interviewer: Question 1 ")
        press = turn + len("Interviewer: Ques")
        release = turn + len("Interviewer: Question 1 asks about the partn")
        await pilot.mouse_down(text, offset=text.point_of(press))
        await pilot.hover(text, offset=text.point_of(press + 6))
        await pilot.hover(text, offset=text.point_of(release))
        await pilot.mouse_up(text, offset=text.point_of(release))
        await pilot.pause()
        snapped = (
            turn + len("Interviewer: "),
            turn + len("Interviewer: Question 1 asks about the partnership"),
        )
        assert text.selection == snapped
        assert text.text[slice(*snapped)] == "Question 1 asks about the partnership"
        # Only the document span is selected, not screen cells by Textual's own selection.
        assert not pilot.app.screen.selections
        await pilot.press("3")
        await pilot.pause()
        # A click (no drag) puts the cursor on the unit under it.
        answer = TURNS_INTERVIEW.index("It talks about trust", turn)
        await pilot.click(text, offset=text.point_of(answer + 3))
        await pilot.pause()
        unit = text.current_units[text.cursor]
        assert unit.start <= answer < unit.end
        assert text.selection == tuple(unit)
        await pilot.press("1")
        await pilot.pause()
    assert codings_of(transcript) == [
        (snapped[0], snapped[1], "Barriers"),
        (unit.start, unit.end, "Motives/Need for evidence"),
    ]


async def test_speakers_named_in_their_colours_in_every_unit_mode(store):
    # Turns whose labels are not in the text (a subtitle imported before labels were kept):
    # a column names the speaker on the first line of each turn.
    app = make_app(speakers_project(store), "alice")
    async with app.run_test(size=SIZE) as pilot:
        text = await _open(pilot)
        assert text.speaker_width > 0
        kinds = []
        for _ in range(3):
            kinds.append(text.unit_kind)
            rows = [list(text.render_line(y)) for y in range(3)]
            labels = [next(seg for seg in row if seg.text.strip()) for row in rows]
            # The first line of each turn names its speaker (whole: there is room)...
            assert labels[0].text.strip() == "Interviewer"
            assert labels[2].text.strip() == "Policy maker"
            colours = [label.style.color if label.style else None for label in labels]
            assert colours[0] is not None and colours[2] is not None
            assert colours[0] != colours[2]
            # ... and the lines between turns have none.
            assert "".join(s.text for s in rows[1]).startswith(" " * text.speaker_width)
            await pilot.press("t")
            await pilot.pause()
        assert kinds == ["sentence", "turn", "document"]


async def test_speaker_labels_in_the_text_are_drawn_in_their_colours(transcript):
    # TURNS_INTERVIEW keeps "Interviewer:" in its text, as every import now does: no column,
    # the label itself in the speaker's colour.
    app = make_app(transcript, "alice")
    async with app.run_test(size=SIZE) as pilot:
        text = await _open(pilot)
        assert text.speaker_width == 0
        colours = {}
        for y in range(4):
            for segment in text.render_line(y):
                if segment.text in ("Interviewer", "Policy maker"):
                    assert segment.style is not None and segment.style.bold
                    colours[segment.text] = segment.style.color
        assert set(colours) == {"Interviewer", "Policy maker"}
        assert colours["Interviewer"] != colours["Policy maker"]


async def test_tabs_expand_to_tab_stops_and_offsets_stay_right(transcript):
    app = make_app(transcript, "alice")
    async with app.run_test(size=SIZE) as pilot:
        text = await _open(pilot)
        tab = TURNS_INTERVIEW.index("\t")
        y = text.point_of(tab)[1]
        strip = text.render_line(y)
        drawn = "".join(s.text for s in strip)
        assert "\t" not in drawn
        assert len(drawn) == strip.cell_length == text.size.width - 1
        # The tab runs to the next tab stop (every 4 cells from the line's start).
        line_start = text.text_left
        assert drawn[line_start:].startswith("Policy maker: Answer 0 starts here.")
        column = len("Policy maker: Answer 0 starts here.")
        gap = 4 - column % 4
        assert drawn[line_start + column : line_start + column + gap + 2] == " " * gap + "It"
        # A click on "It" selects from the text offset of "It": cells map back to offsets.
        word = tab + 1
        assert text.point_of(word) == (line_start + column + gap, y)
        assert text.offset_at(line_start + column + gap, y) == word
        # Every cell of the tab maps to the tab character itself.
        for cell in range(gap):
            assert text.offset_at(line_start + column + cell, y) == tab
        await pilot.mouse_down(text, offset=text.point_of(word))
        await pilot.mouse_up(text, offset=text.point_of(word + 5))
        await pilot.pause()
        assert text.text[slice(*text.selection)] == "It talks"
        await pilot.press("3")
        await pilot.pause()
    assert codings_of(transcript) == [(word, word + len("It talks"), "Barriers")]


async def test_drag_past_the_bottom_scrolls_and_extends(transcript):
    app = make_app(transcript, "alice")
    async with app.run_test(size=SIZE) as pilot:
        text = await _open(pilot)
        height = text.scrollable_content_region.height
        press = TURNS_INTERVIEW.index("Question 2")
        await pilot.mouse_down(text, offset=text.point_of(press))
        # Hold the pointer on the last row, then below the text: the view scrolls a line a move.
        for _ in range(6):
            await pilot.hover(text, offset=(text.text_left + 3, height))
        await pilot.mouse_up(text, offset=(text.text_left + 3, height))
        await pilot.pause()
        start, end = text.selection
        assert start == press
        assert round(text.scroll_offset.y) > 0
        assert text.line_of(end - 1) >= height
        # The end being dragged is on screen (the selection is taller than the screen).
        top, bottom = _visible(text)
        assert top <= text.line_of(end - 1) <= bottom
        # A shift-click grows the selection by whole units to the unit clicked.
        await pilot.press("home")
        target = TURNS_INTERVIEW.index("Question 1 ")
        await pilot.click(text, offset=text.point_of(target), shift=True)
        await pilot.pause()
        units = text.current_units
        assert text.selection == (units[0].start, units[text.unit_at(target)].end)
        await pilot.press("2")
        await pilot.pause()
    assert codings_of(transcript) == [
        (units[0].start, units[text.unit_at(target)].end, "Motives/Credibility")
    ]


def test_snapshot_transcript_with_speakers(transcript, snap_compare):
    async def run_before(pilot) -> None:
        await _open(pilot)
        await pilot.press("down", "down", "shift+right")
        await settle(pilot)

    assert snap_compare(
        make_app(transcript, "alice"), terminal_size=(100, 24), run_before=run_before
    )


async def test_a_selection_taller_than_the_screen_keeps_its_moving_end_in_sight(transcript):
    app = make_app(transcript, "alice")
    async with app.run_test(size=SIZE) as pilot:
        text = await _open(pilot)
        height = text.scrollable_content_region.height
        for _ in range(3):
            await pilot.press("shift+pagedown")
            top, bottom = _visible(text)
            cursor = text.current_units[text.cursor]
            assert top <= text.line_of(cursor.start) and text.line_of(cursor.end - 1) <= bottom
        first, last = text.selection_lines()
        assert last - first + 1 > height
        await pilot.press("shift+right")
        assert _visible(text)[0] <= text.line_of(text.selection[1] - 1) <= _visible(text)[1]
        # A drag held below the text scrolls on, and the end being dragged stays in sight.
        await pilot.press("home")
        await pilot.mouse_down(text, offset=(text.text_left, 0))
        for _ in range(height + 10):
            await pilot.hover(text, offset=(text.text_left + 3, height))
        await pilot.mouse_up(text, offset=(text.text_left + 3, height))
        await pilot.pause()
        start, end = text.selection
        assert start == 0
        top, bottom = _visible(text)
        assert top >= 10
        assert top <= text.line_of(end - 1) <= bottom
        await pilot.press("1")
        await pilot.pause()
    assert codings_of(transcript) == [(0, end, "Motives/Need for evidence")]


def test_tab_stops_in_drawing_wrapping_and_offsets():
    text = "a\tbc\td\x0be\t\tf"
    # Tabs run to the next multiple of 4 cells (the one after "e" is a single cell), other
    # control characters are one space.
    assert drawable(text) == "a   bc  d e     f"
    # A piece drawn from a later column keeps the line's tab stops.
    assert drawable("\tx", 2) == "  x"
    columns = [column_of(text, 0, i) for i in range(len(text) + 1)]
    assert columns == [0, 1, 4, 5, 6, 8, 9, 10, 11, 12, 16, 17]
    drawn = drawable(text)
    for cell, ch in enumerate(drawn):
        offset = offset_at_column(text, 0, len(text), cell)
        assert columns[offset] <= cell < columns[offset + 1]
        assert ch == " " or text[offset] == ch
    # Wrapped by cells, not characters: each line fits its width once tabs are expanded.
    long = "\t".join(["word"] * 12)
    for start, end in wrap_lines(long, 20):
        assert len(drawable(long[start:end])) <= 20
    assert "".join(long[s:e] for s, e in wrap_lines(long, 20)).replace("\t", "") == "word" * 12


async def test_wheel_scroll_takes_the_cursor_along_so_a_code_lands_on_text_in_sight(transcript):
    app = make_app(transcript, "alice")
    async with app.run_test(size=SIZE) as pilot:
        text = await _open(pilot)
        assert text.cursor == 0
        await wheel(pilot, text, times=8)
        top = round(text.scroll_offset.y)
        assert top > 0, "the wheel scrolled the text"
        # The cursor unit went out of sight: the cursor moved to the first unit wholly in sight.
        first, last = text.selection_lines()
        assert first >= top and last <= _visible(text)[1]
        unit = text.current_units[text.cursor]
        assert text.line_of(text.current_units[text.cursor - 1].start) < top
        await pilot.press("2")
        await settle(pilot)
        # On down, then back up to the top: the cursor follows from below.
        bottom = _visible(text)[1]
        await wheel(pilot, text, times=16)
        assert text.line_of(text.selection[0]) > bottom
        await wheel(pilot, text, down=False, times=40)
        assert round(text.scroll_offset.y) == 0
        _assert_in_sight(text, margin=0)
        below = text.current_units[text.cursor + 1]
        assert text.line_of(below.end - 1) > _visible(text)[1]
    assert codings_of(transcript) == [(unit.start, unit.end, "Motives/Credibility")]


async def test_speaker_names_give_way_on_a_narrow_screen(store):
    app = make_app(speakers_project(store), "alice")
    async with app.run_test(size=(70, 30)) as pilot:
        text = await _open(pilot)
        first = "".join(s.text for s in text.render_line(0))
        assert first.startswith("Inter… ")
        assert text.size.width - text.text_left >= 20


def test_wide_characters_take_two_cells_and_map_back_to_their_offsets():
    # Chinese and Japanese text (two cells a character), an emoji with a skin tone (one glyph
    # of two code points, two cells) and a combining accent (no cell of its own).
    text = "受访者：我们每周见面。👍🏽 Cafe\u0301 ok"
    assert column_of(text, 0, text.index("我")) == 2 * len("受访者：")
    after_emoji = text.index(" Cafe")
    assert column_of(text, 0, after_emoji) == 2 * len("受访者：我们每周见面。") + 2
    for offset in range(len(text)):
        cell = column_of(text, 0, offset)
        if text[offset] in "\u0301\U0001f3fd":
            continue  # drawn with the character before it
        assert offset_at_column(text, 0, len(text), cell) == offset
        if "\u4e00" <= text[offset] <= "\u9fff":
            # Both cells of a wide character map to it.
            assert offset_at_column(text, 0, len(text), cell + 1) == offset
    # Wrapped at 10 cells: five wide characters a line, never a half.
    lines = wrap_lines("我们每周见面我们每周见面", 10)
    assert lines == [(0, 5), (5, 10), (10, 12)]
