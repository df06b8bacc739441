"""Speaker turns found in running text: labels, the threshold, the pattern override."""

from __future__ import annotations

import pytest

from coder.domain.documents import UnitKind
from coder.io._common import FormatProblem
from coder.io._speakers import find_turns, parse_time


def spoken(text: str, speakers: str = "auto") -> list[tuple[str | None, str]]:
    """(speaker, text of the turn) of each turn found."""
    turns = find_turns(text, speakers)
    assert all(t.kind is UnitKind.TURN for t in turns)
    return [(t.speaker, text[t.start : t.end]) for t in turns]


INTERVIEW = (
    "Interview 3, 12 March 2021\n\n"
    "Interviewer: How did the partnership start?\n\n"
    "Participant: It started in 2017.\n\n"
    "We met at a café, and it grew.\n\n"
    "INTERVIEWER: Why then?\n\n"
    "Participant: Trust. Note: that took years.\n"
)


def test_labelled_paragraphs_are_turns_from_the_label_to_the_next_label() -> None:
    assert spoken(INTERVIEW) == [
        ("Interviewer", "Interviewer: How did the partnership start?"),
        ("Participant", "Participant: It started in 2017.\n\nWe met at a café, and it grew."),
        # One person whatever the case, named as first written.
        ("Interviewer", "INTERVIEWER: Why then?"),
        ("Participant", "Participant: Trust. Note: that took years."),
    ]


@pytest.mark.parametrize(
    ("first", "second", "speaker", "time"),
    [
        ("Jane Doe: Hello there.", "Sam Lee: Hi.", "Jane Doe", None),
        ("JANE: Hello there.", "SAM: Hi.", "JANE", None),
        ("[Jane] Hello there.", "[Sam] Hi.", "Jane", None),
        ("**Jane:** Hello there.", "**Sam:** Hi.", "Jane", None),
        ("**Jane**: Hello there.", "**Sam**: Hi.", "Jane", None),
        ("Jane (00:01:02): Hello there.", "Sam (00:01:09): Hi.", "Jane", 62.0),
        ("Jane [00:01:02]: Hello there.", "Sam [00:01:09]: Hi.", "Jane", 62.0),
        ("[00:01:02] Jane: Hello there.", "[00:01:09] Sam: Hi.", "Jane", 62.0),
        ("Jane Doe  1:02\nHello there.", "Sam Lee  1:09\nHi.", "Jane Doe", 62.0),
        ("[Jane] 10:02:03\nHello there.", "[Sam] 10:02:09\nHi.", "Jane", 36123.0),
        ("Speaker 1 (00:00:05.5):\nHello there.", "Speaker 2 (00:00:09):\nHi.", "Speaker 1", 5.5),
        ("Dr. Maria de la Cruz: Hello there.", "P03: Hi.", "Dr. Maria de la Cruz", None),
        ("I: Hello there.", "R: Hi.", "I", None),
        ("[id1] Hello there.", "[id2] Hi.", "id1", None),  # QualCoder's example
        ("**Jane:** \\[01:02\\] Hello there.", "**Sam:** \\[01:09\\] Hi.", "Jane", 62.0),
        ("\\[01:02\\] **Jane:** Hello there.", "\\[01:09\\] **Sam:** Hi.", "Jane", 62.0),
        ("王芳：你好。", "李明：你好。", "王芳", None),  # a full-width colon
    ],
)
def test_label_forms(first: str, second: str, speaker: str | None, time: float | None) -> None:
    text = "\n\n".join([first, second, first.replace("Hello there.", "Bye."), second])
    turns = find_turns(text)
    if speaker is None:
        assert turns == []
        return
    assert [t.speaker for t in turns][:2] == [speaker, turns[1].speaker]
    assert len(turns) == 4
    assert turns[0].start == 0 and text[turns[0].start : turns[0].end] == first
    assert turns[0].time_start == time
    assert turns[0].time_end is None


def test_a_label_may_stand_alone_above_the_speech_and_indented_lines_start_at_the_label() -> None:
    text = "  Interviewer:\n  Where?\n\n  Participant:\n  Here.\n\n  Interviewer:\n  Thanks."
    assert spoken(text)[1] == ("Participant", "Participant:\n  Here.")


def test_a_script_without_blank_lines_has_a_turn_per_label() -> None:
    text = "Anna: Are you ready?\nBen: Yes.\nI think so.\nAnna: Then go.\nBen: Going."
    assert spoken(text) == [
        ("Anna", "Anna: Are you ready?"),
        ("Ben", "Ben: Yes.\nI think so."),
        ("Anna", "Anna: Then go."),
        ("Ben", "Ben: Going."),
    ]


def test_long_answers_of_many_paragraphs_are_still_a_transcript() -> None:
    answer = "\n\n".join(f"Paragraph {n} of a long answer." for n in range(6))
    text = "\n\n".join(f"Q: Question {n}?\n\nA: {answer}" for n in range(3))
    turns = spoken(text)
    assert [s for s, _ in turns] == ["Q", "A"] * 3
    assert turns[1][1].endswith("Paragraph 5 of a long answer.")


@pytest.mark.parametrize(
    "text",
    [
        # Prose with the occasional note or example.
        "The study began in 2017.\n\nNote: the sample was small.\n\n"
        "Example: a clinic in Leeds.\n\nNote: see the appendix.\n\nExample: another one.",
        # A structured abstract: every paragraph labelled, no label twice.
        "Purpose: why.\n\nDesign: how.\n\nFindings: what.\n\nOriginality: so what.",
        "Aims: why.\n\nSetting: where.\n\nParticipants: who.\n\nResults: what.",
        # One speaker only.
        "Interviewer: How did it start?\nThe researcher said: we co-produced it.\n",
        # Sentences ending in a colon are not labels.
        "The researcher said: yes.\n\nThe participant said: no.\n\n"
        "The researcher said: why?\n\nThe participant said: because.",
        # Two labels, each once, amid prose.
        "Alice: hello.\n\nBob: hi.\n\n" + "\n\n".join(f"Prose {n}." for n in range(10)),
        # A dialogue quoted in a long essay: labelled paragraphs are too few.
        "\n\n".join(f"Essay paragraph {n}." for n in range(40))
        + "\n\nAlice: a.\n\nBob: b.\n\nAlice: c.\n\nBob: d.",
        # Stage directions and metadata are not speakers.
        "[Laughter] yes\n\n[Pause]\n\n[Laughter] again\n\n[Pause] and more",
        "Date: 12 March\nLocation: Leeds\nDuration: 1 hour\nDate: 13 March\nLocation: York",
        # Times of day and URLs.
        "Meeting at 10:30 today.\n\nhttps://example.org\n\nAt 11:00 we left.",
        "",
    ],
)
def test_prose_has_no_turns(text: str) -> None:
    assert find_turns(text) == []


def test_none_finds_no_turns() -> None:
    assert find_turns(INTERVIEW, "none") == []


def test_a_pattern_names_the_speaker_in_its_first_group_on_every_line_it_matches() -> None:
    text = "title\n\n-- Ann -- hello\nmore\n\n-- Bo -- hi\n\n-- Ann -- bye"
    assert spoken(text, r"-- (\w+) --") == [
        ("Ann", "-- Ann -- hello\nmore"),
        ("Bo", "-- Bo -- hi"),
        ("Ann", "-- Ann -- bye"),
    ]
    # With a pattern there is no threshold: one speaker, once, is a turn.
    assert spoken("Note: a.\nb.", r"(Note):") == [("Note", "Note: a.\nb.")]


def test_a_pattern_may_name_its_speaker_and_time_groups() -> None:
    text = "<00:01:05> Ann says hi\n<00:01:09> Bo says hello"
    turns = find_turns(text, r"<(?P<time>[\d:]+)> (?P<speaker>\w+) says")
    assert [(t.speaker, t.time_start) for t in turns] == [("Ann", 65.0), ("Bo", 69.0)]


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [("(unclosed", "is not a regular expression"), (r"\w+:", "needs a group")],
)
def test_a_bad_pattern_says_what_is_wrong(pattern: str, problem: str) -> None:
    with pytest.raises(FormatProblem, match=problem) as caught:
        find_turns("Ann: hi", pattern)
    assert "\n" not in caught.value.problem


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("0:03", 3.0), ("01:02", 62.0), ("1:02:03", 3723.0), ("00:00:01,250", 1.25)],
)
def test_label_times_in_seconds(value: str, seconds: float) -> None:
    assert parse_time(value) == seconds
