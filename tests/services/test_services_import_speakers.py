"""Speaker turns through an import, in every running-text format and in subtitles.

Each test imports through :func:`import_files` or ``coder import`` and reads the stored
document back: the labels stay in the text, the turn units name the speakers and cover the
labelled paragraphs, subtitle turns carry their cues' times, and agreement counts turns.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coder.cli.main import run
from coder.db.engine import Store
from coder.domain.views import DocumentView, UnitView
from coder.io import read_documents
from coder.services.documents.corpus import import_files
from coder.services.documents.reading import get_document
from coder.services.project.lifecycle import open_project
from tests.factories import code_named
from tests.fixtures.transcripts.make_office_fixtures import (
    INTERVIEW,
    interview_paragraphs,
    write_docx,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TRANSCRIPTS = FIXTURES / "transcripts"
SUBTITLES = FIXTURES / "subtitles"

#: The interview's turns: (speaker, the turn's words), the continuation paragraph in the
#: first answer, the title in no turn.
INTERVIEW_TURNS = [
    ("Interviewer", "Interviewer: How did you come to work with the clinic?"),
    (
        "Participant",
        "Participant: A neighbour asked me. I had trained as a nurse, years ago, in Accra. "
        "At first it was two afternoons a week. Then it became my life.",
    ),
    ("Interviewer", "Interviewer: What changed when the funding stopped?"),
    ("Participant", "Participant: We kept going. Note: nobody paid us for the last six months."),
    ("Interviewer", "Interviewer: Thank you."),
]


def turns(doc: DocumentView) -> list[UnitView]:
    return [u for u in doc.units if u.kind == "turn"]


def spoken(doc: DocumentView) -> list[tuple[str | None, str]]:
    """(speaker, the turn's words with whitespace collapsed) of each stored turn."""
    return [(u.speaker, " ".join(doc.text[u.start : u.end].split())) for u in turns(doc)]


def imported(store: Store, path: Path, **options: str) -> DocumentView:
    report = import_files(store, [path], actor="t", **options)  # type: ignore[arg-type]
    assert report.errors == [], report.errors
    return get_document(store, path.stem)


def interview_file(tmp_path: Path, fmt: str) -> Path:
    """The interview as a user would have it: typed (.txt, .md, .docx) or converted by
    LibreOffice from the .docx (.odt, .pdf, .rtf, committed: CI has no LibreOffice)."""
    path = tmp_path / f"interview.{fmt}"
    if fmt == "docx":
        return write_docx(path, [(s or None, t) for s, t in INTERVIEW])
    if fmt == "txt":
        path.write_text("\n\n".join(interview_paragraphs()) + "\n", encoding="utf-8")
    elif fmt == "md":
        lines = [f"**{s}:** {t}" if s else t for s, t in INTERVIEW]
        path.write_text("# " + "\n\n".join(lines) + "\n", encoding="utf-8")
    else:
        path.write_bytes((TRANSCRIPTS / f"interview.{fmt}").read_bytes())
    return path


@pytest.mark.parametrize("fmt", ["docx", "txt", "md", "odt", "pdf", "rtf"])
def test_a_labelled_interview_has_its_turns_in_every_format(
    project: Store, tmp_path: Path, fmt: str
) -> None:
    doc = imported(project, interview_file(tmp_path, fmt))
    if fmt == "md":
        # Markdown keeps its bold: the label is still the speaker's name.
        expected = [(s, t.replace(f"{s}:", f"**{s}:**", 1)) for s, t in INTERVIEW_TURNS]
    else:
        expected = INTERVIEW_TURNS
    assert spoken(doc) == expected
    # The labels are in the text, the title before the first label in no turn.
    assert doc.text.lstrip("# ").startswith("Interview 7")
    assert turns(doc)[0].start > 0
    assert doc.summary.attributes["speakers"] == "Interviewer, Participant"
    assert doc.summary.unit_counts["turn"] == 5


def test_speakers_none_and_a_pattern_from_the_command_line(
    empty_db_url: str, tmp_path: Path
) -> None:
    script = tmp_path / "script.txt"
    script.write_text(
        "Interviewer: Where?\n\nParticipant: Here.\n\nInterviewer: When?\n\nParticipant: Now.\n"
    )
    plain = tmp_path / "plain.txt"
    plain.write_text(script.read_text().replace("Now.", "Today."))
    dashes = tmp_path / "dashes.txt"
    dashes.write_text("-- Ann -- hello\n\nmore from Ann\n\n-- Bo -- hi\n")
    assert run(["init", "-p", empty_db_url]) == 0
    assert run(["import", "-p", empty_db_url, str(script)]) == 0
    assert run(["import", "-p", empty_db_url, "--speakers", "none", str(plain)]) == 0
    assert run(["import", "-p", empty_db_url, "--speakers", r"-- (\w+) --", str(dashes)]) == 0
    store = open_project(empty_db_url)
    try:
        assert [s for s, _ in spoken(get_document(store, "script"))] == [
            "Interviewer",
            "Participant",
        ] * 2
        assert turns(get_document(store, "plain")) == []
        assert spoken(get_document(store, "dashes")) == [
            ("Ann", "-- Ann -- hello more from Ann"),
            ("Bo", "-- Bo -- hi"),
        ]
    finally:
        store.dispose()


def test_a_bad_pattern_is_a_one_line_error_naming_the_file(
    empty_db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Ann: hi\n")
    assert run(["init", "-p", empty_db_url]) == 0
    capsys.readouterr()
    assert run(["import", "-p", empty_db_url, "--speakers", "(unclosed", str(path)]) != 0
    err = capsys.readouterr().err.strip()
    assert "a.txt" in err and "not a regular expression" in err and "\n" not in err


# Subtitles ------------------------------------------------------------------------------------


def test_subtitle_labels_stay_in_the_text_and_cue_times_are_the_turns_times(
    project: Store, tmp_path: Path
) -> None:
    path = tmp_path / "call.srt"
    path.write_text(
        "1\n00:00:01,000 --> 00:00:03,500\nAnn Lee: Shall we start?\n\n"
        "2\n00:00:04,000 --> 00:00:06,000\nBo: Yes.\n\n"
        "3\n00:00:06,000 --> 00:00:08,250\nI think so.\n\n"
        "4\n00:00:09,000 --> 00:00:10,000\nAnn Lee: Good.\n",
        encoding="utf-8",
    )
    doc = imported(project, path)
    assert doc.text == "Ann Lee: Shall we start?\n\nBo: Yes. I think so.\n\nAnn Lee: Good."
    assert [
        (u.speaker, doc.text[u.start : u.end], u.time_start, u.time_end) for u in turns(doc)
    ] == [
        ("Ann Lee", "Ann Lee: Shall we start?", 1.0, 3.5),
        ("Bo", "Bo: Yes. I think so.", 4.0, 8.25),
        ("Ann Lee", "Ann Lee: Good.", 9.0, 10.0),
    ]


def test_real_teams_webvtt_keeps_voices_in_the_text_with_times(project: Store) -> None:
    doc = imported(project, SUBTITLES / "teams_timeframe.vtt")
    assert doc.text == "Yuri Bakulin: There you go.\n\nAdrian Petrescu: Why hello there, Yuri."
    assert [(u.speaker, u.time_start, u.time_end) for u in turns(doc)] == [
        ("Yuri Bakulin", 0.0, 0.57),
        ("Adrian Petrescu", 0.21, 1.13),
    ]


def test_real_zoom_webvtt_merges_a_speakers_cues_into_one_labelled_turn(project: Store) -> None:
    doc = imported(project, SUBTITLES / "zoom_example.vtt")
    assert [(u.speaker, u.time_start, u.time_end) for u in turns(doc)] == [
        ("Christina", 5.79, 16.12),
        ("Chris", 16.129, 20.907),
    ]
    assert spoken(doc)[1] == (
        "Chris",
        "Chris: Quis nostrud exercitation ullamco? Laboris nisi ut aliquip ex ea commodo "
        "consequat.",
    )


def test_real_youtube_dl_webvtt_has_no_timing_line_in_its_text(project: Store) -> None:
    # Its third cue follows the second without a blank line.
    doc = imported(project, SUBTITLES / "youtube_dl.vtt")
    assert "-->" not in doc.text and "00:05" not in doc.text
    assert doc.text.split("\n") == [
        "yeah",
        "yeah what",
        "this will happen is I'm telling",
        "this will happen is I'm telling",
    ]
    assert turns(doc) == []


# Real transcripts -----------------------------------------------------------------------------


def test_real_markdown_podcast_transcript(project: Store) -> None:
    doc = imported(project, TRANSCRIPTS / "changelog-328-excerpt.md")
    said = spoken(doc)
    assert len(said) == 35
    assert {s for s, _ in said} == {"Adam Stacoviak", "Jerod Santo"}
    assert said[0][1].startswith('**Adam Stacoviak:** Alright, welcome to "State of the')
    # A paragraph without a label continues the turn; the time after a label is its start.
    timed = [u for u in turns(doc) if u.time_start is not None]
    assert [(u.speaker, u.time_start) for u in timed] == [
        ("Jerod Santo", 244.0),
        ("Jerod Santo", 496.0),
    ]
    four_minutes = doc.text[timed[0].start : timed[0].end]
    assert four_minutes.endswith("You know, we shoot for 50, roughly, plus or minus?")


@pytest.mark.parametrize("fmt", ["odt", "pdf"])
def test_real_transcript_converted_by_libreoffice(project: Store, fmt: str) -> None:
    markdown = read_documents(TRANSCRIPTS / "changelog-328-excerpt.md").documents[0]
    doc = imported(project, TRANSCRIPTS / f"changelog-328-excerpt.{fmt}")
    assert [s for s, _ in spoken(doc)] == [t.speaker for t in markdown.turns]
    assert spoken(doc)[-1] == ("Adam Stacoviak", "Adam Stacoviak: That's right.")


def test_real_qualcoder_transcript_with_bracketed_ids(project: Store) -> None:
    doc = imported(project, TRANSCRIPTS / "qualcoder_transcript.txt")
    assert [s for s, _ in spoken(doc)] == ["id1", "id2", "id3", "id1", "id3", "id1", "id2"]
    assert spoken(doc)[-1] == (
        "id2",
        "[id2] Hmm, I will ask the tutor for more help as I am really struggling.",
    )


# Agreement ------------------------------------------------------------------------------------


def test_agreement_by_turn_counts_the_turns_of_a_word_transcript(
    empty_db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = interview_file(tmp_path, "docx")
    book = tmp_path / "book.yaml"
    book.write_text("codes:\n  - name: Origins\n  - name: Funding\n")
    assert run(["init", "-p", empty_db_url]) == 0
    assert run(["import", "-p", empty_db_url, str(path)]) == 0
    assert run(["codebook", "import", "-p", empty_db_url, str(book)]) == 0
    assert run(["coders", "add", "ann", "ben", "-p", empty_db_url]) == 0
    store = open_project(empty_db_url)
    try:
        doc = get_document(store, "interview")
        answer, question = turns(doc)[1], turns(doc)[2]
        # Both code the first answer's speech (not its label); they differ on the question.
        speech = doc.text.index("A neighbour", answer.start)
        for coder in ("ann", "ben"):
            code_named(
                store,
                coder=coder,
                document="interview",
                start=speech,
                end=answer.end,
                code="Origins",
            )
        code_named(
            store,
            coder="ann",
            document="interview",
            start=question.start,
            end=question.end,
            code="Funding",
        )
    finally:
        store.dispose()
    capsys.readouterr()
    argv = ["agreement", "-p", empty_db_url, "--coders", "ann", "ben", "--unit", "turn"]
    assert run([*argv, "-f", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    per_code = {c["name"]: c for c in data["result"]["per_code"]}
    assert data["request"]["unit"] == "turn"
    # Five turns: both coders agree on all five for Origins, on four of five for Funding.
    assert per_code["Origins"]["percent_agreement"]["value"] == pytest.approx(1.0)
    assert per_code["Funding"]["percent_agreement"]["value"] == pytest.approx(0.8)
