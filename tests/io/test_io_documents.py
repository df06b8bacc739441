"""Document readers: every format read from good files, and every bad file refused."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import docx
import openpyxl
import pytest

from coder.domain.documents import UnitKind
from coder.errors import InputError
from coder.io import ReadResult, read_documents, register_format, supported_formats
from tests.badfiles import BadInput, make_bad_inputs, pdf_bytes

INTERVIEW = (
    "Interviewer: How did the partnership start?\n"
    "The researcher said: \u201cwe co-produced it\u201d \u2013 over coffee at a caf\u00e9, "
    "na\u00efvely, with a r\u00e9sum\u00e9 in hand.\n"
)


def read_one(path: Path, **kwargs: object) -> tuple[str, ReadResult]:
    result = read_documents(path, **kwargs)  # type: ignore[arg-type]
    assert len(result.documents) == 1
    return result.documents[0].text, result


# Plain text ----------------------------------------------------------------------------------


def test_utf8_text_keeps_its_content_and_is_named_after_the_file(tmp_path: Path) -> None:
    path = tmp_path / "interview 01.txt"
    path.write_text(INTERVIEW, encoding="utf-8")
    result = read_documents(path)
    (document,) = result.documents
    assert document.name == "interview 01"
    assert document.text == INTERVIEW
    assert document.source_format == "txt"
    assert document.source_path == str(path)
    assert result.warnings == []


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "cp1252", "utf-8-sig"])
def test_legacy_and_wide_encodings_decode_to_the_same_text(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / f"interview-{encoding}.txt"
    path.write_bytes(INTERVIEW.encode(encoding))
    text, _ = read_one(path)
    assert text == INTERVIEW


def test_short_cp1252_text_is_not_mistaken_for_another_code_page(tmp_path: Path) -> None:
    path = tmp_path / "short.txt"
    path.write_bytes("caf\u00e9 cr\u00e8me".encode("cp1252"))
    assert read_one(path)[0] == "caf\u00e9 cr\u00e8me"


def test_crlf_and_cr_become_lf_and_bom_is_stripped(tmp_path: Path) -> None:
    path = tmp_path / "windows.md"
    path.write_bytes(b"\xef\xbb\xbf# Notes\r\nLine two.\rLine three.\r\n\r\nNext paragraph.")
    text, _ = read_one(path)
    assert text == "# Notes\nLine two.\nLine three.\n\nNext paragraph."


def test_whitespace_inside_text_is_preserved(tmp_path: Path) -> None:
    path = tmp_path / "spaced.txt"
    raw = "  indented\tquote  \n\n\n  trailing  \n"
    path.write_text(raw, encoding="utf-8")
    assert read_one(path)[0] == raw


def test_extension_is_case_insensitive(tmp_path: Path) -> None:
    path = tmp_path / "LOUD.TXT"
    path.write_text("Hello.", encoding="utf-8")
    assert read_one(path)[1].documents[0].source_format == "txt"


def test_attributes_are_added_and_win_over_file_attributes(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id,answer,role\nr1,Yes.,researcher\n", encoding="utf-8")
    result = read_documents(
        path, text_column="answer", attributes={"role": "policy-maker", "year": 2021}
    )
    assert result.documents[0].attributes == {"id": "r1", "role": "policy-maker", "year": 2021}


def test_progress_reaches_the_total(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("answer\n" + "".join(f"answer {i}\n" for i in range(5)), encoding="utf-8")
    calls: list[tuple[int, int]] = []
    read_documents(path, text_column="answer", progress=lambda d, t: calls.append((d, t)))
    assert calls == [(i, 5) for i in range(1, 6)]


def test_supported_formats_lists_every_reader() -> None:
    assert supported_formats() == [
        *("csv", "docx", "json", "jsonl", "md", "ndjson", "odt"),
        *("pdf", "rtf", "srt", "tsv", "txt", "vtt", "xlsx"),
    ]
    # coder import's help lists them all (written out there to keep the CLI's start light).
    from coder.cli.import_ import DOCUMENT_FORMATS

    assert DOCUMENT_FORMATS.split() == supported_formats()


def test_a_registered_reader_is_used_for_its_extension(tmp_path: Path) -> None:
    from coder.io.documents import _READERS, ReadRequest

    def read_upper(request: ReadRequest) -> ReadResult:
        from coder.io.documents import _draft

        return ReadResult([_draft(request, request.path.read_text().upper())])

    register_format("shout", read_upper)
    try:
        path = tmp_path / "x.shout"
        path.write_text("hello")
        assert read_one(path)[0] == "HELLO"
        assert "shout" in supported_formats()
    finally:
        del _READERS[".shout"]


# Word ----------------------------------------------------------------------------------------


def test_docx_paragraphs_and_tables_in_body_order(tmp_path: Path) -> None:
    document = docx.Document()
    document.core_properties.title = "Interview with P03"
    document.add_paragraph("First paragraph.")
    document.add_paragraph("")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Speaker"
    table.cell(0, 1).text = "Speech"
    table.cell(1, 0).text = "P03"
    table.cell(1, 1).text = "We met monthly."
    document.add_paragraph("Closing paragraph.")
    path = tmp_path / "p03.docx"
    document.save(str(path))

    text, result = read_one(path)
    assert text == (
        "First paragraph.\n\nSpeaker\tSpeech\n\nP03\tWe met monthly.\n\nClosing paragraph."
    )
    assert result.documents[0].attributes["title"] == "Interview with P03"
    assert result.documents[0].source_format == "docx"


# PDF -----------------------------------------------------------------------------------------


def test_handmade_pdf_has_a_text_layer_pypdf_can_read(tmp_path: Path) -> None:
    from pypdf import PdfReader

    path = tmp_path / "check.pdf"
    path.write_bytes(pdf_bytes(["Hello (world) partner"]))
    assert "Hello (world) partner" in (PdfReader(str(path)).pages[0].extract_text() or "")


# Subtitles -----------------------------------------------------------------------------------

VTT = """WEBVTT - interview 3

NOTE recorded on site

1
00:00:01.000 --> 00:00:04.000 align:start
<v Alice>How did the <i>partnership</i> start?</v>

2
00:00:04.500 --> 00:00:06.000
<v Alice>Take your time.

intro-bob
00:00:06.000 --> 00:01:09.250
<v.loud Bob>It started in 2017 &amp; grew.
We met at a café.

00:01:10.000 --> 00:01:12.000
<v Alice>Thank you.
"""

SRT = """1
00:00:01,000 --> 00:00:04,000
INTERVIEWER: How did it start?

2
00:00:04,500 --> 00:00:06,000
Dr Jones: Slowly.
<i>Very</i> slowly.

3
00:00:07,000 --> 00:00:08,000
{\\an8}And then fast.

4
00:00:09,000 --> 00:00:10,500
INTERVIEWER: Why?
"""


def test_vtt_turns_merge_consecutive_cues_of_a_speaker(tmp_path: Path) -> None:
    path = tmp_path / "interview.vtt"
    path.write_text(VTT, encoding="utf-8")
    text, result = read_one(path)
    # The speakers' labels stay in the text; each turn covers its label and speech.
    assert text == (
        "Alice: How did the partnership start? Take your time.\n\n"
        "Bob: It started in 2017 & grew. We met at a café.\n\n"
        "Alice: Thank you."
    )
    turns = result.documents[0].turns
    assert [(t.kind, t.speaker) for t in turns] == [
        (UnitKind.TURN, "Alice"),
        (UnitKind.TURN, "Bob"),
        (UnitKind.TURN, "Alice"),
    ]
    assert [text[t.start : t.end] for t in turns] == text.split("\n\n")
    assert [(t.time_start, t.time_end) for t in turns] == [(1, 6), (6, 69.25), (70, 72)]
    attributes = result.documents[0].attributes
    assert attributes["speakers"] == "Alice, Bob"
    assert (attributes["start_time"], attributes["end_time"]) == ("00:00:01.000", "00:01:12.000")


def test_srt_speaker_labels_carry_over_unlabelled_cues(tmp_path: Path) -> None:
    path = tmp_path / "interview.srt"
    path.write_bytes(SRT.replace("\n", "\r\n").encode("utf-8-sig"))
    text, result = read_one(path)
    assert text == (
        "INTERVIEWER: How did it start?\n\n"
        "Dr Jones: Slowly. Very slowly. And then fast.\n\n"
        "INTERVIEWER: Why?"
    )
    turns = result.documents[0].turns
    assert [(text[t.start : t.end], t.speaker, t.time_start, t.time_end) for t in turns] == [
        ("INTERVIEWER: How did it start?", "INTERVIEWER", 1, 4),
        ("Dr Jones: Slowly. Very slowly. And then fast.", "Dr Jones", 4.5, 8),
        ("INTERVIEWER: Why?", "INTERVIEWER", 9, 10.5),
    ]


def test_subtitles_without_speakers_have_one_line_per_cue_and_no_turns(tmp_path: Path) -> None:
    path = tmp_path / "lecture.srt"
    path.write_text(
        "1\n00:00:01,000 --> 00:00:02,000\nWelcome to the lecture.\n\n"
        "2\n00:00:02,500 --> 00:00:04,000\nToday: evidence.\n",
        encoding="utf-8",
    )
    text, result = read_one(path)
    assert text == "Welcome to the lecture.\nToday: evidence."
    assert result.documents[0].turns == []


# Spreadsheets --------------------------------------------------------------------------------

CSV = (
    "respondent,answer,age,score,consent,date,zip,role\n"
    'r1,"I value the partnership, it works.",34,1.5,true,2021-03-04,007,researcher\n'
    'r2,"Two\nlines",41,2,FALSE,2021-03-05,12345,\n'
    "r3,,50,3,true,2021-03-06,,policy-maker\n"
    "r4,Short.,n/a,4,true,2021-03-07,00001,policy-maker\n"
)


def test_csv_rows_become_documents_with_typed_attributes(tmp_path: Path) -> None:
    path = tmp_path / "survey.csv"
    path.write_text(CSV, encoding="utf-8")
    result = read_documents(path, text_column="answer")
    names = [d.name for d in result.documents]
    assert names == ["r1", "r2", "r4"]
    first, second, fourth = result.documents
    assert first.text == "I value the partnership, it works."
    assert second.text == "Two\nlines"
    assert first.attributes == {
        "respondent": "r1",
        # "n/a" in row 4 makes the whole column text, so filters see one type per column.
        "age": "34",
        "score": 1.5,
        "consent": True,
        "date": dt.date(2021, 3, 4),
        "zip": "007",
        "role": "researcher",
    }
    assert second.attributes["consent"] is False
    assert second.attributes["score"] == 2.0
    assert "role" not in second.attributes  # empty cell left out
    assert fourth.attributes["age"] == "n/a"
    assert result.warnings == ["row 3: empty 'answer', skipped"]


def test_csv_without_a_name_column_names_rows_after_the_file(tmp_path: Path) -> None:
    path = tmp_path / "answers.csv"
    path.write_text("answer;count\nYes.;3\nNo.;4\n", encoding="utf-8")
    result = read_documents(path, text_column="answer")
    assert [d.name for d in result.documents] == ["answers row 1", "answers row 2"]
    assert [d.attributes["count"] for d in result.documents] == [3, 4]


def test_tsv_uses_tabs(tmp_path: Path) -> None:
    path = tmp_path / "answers.tsv"
    path.write_text("id\ttext\n1\tA, b; c.\n", encoding="utf-8")
    text, result = read_one(path, text_column="text")
    assert text == "A, b; c."
    assert result.documents[0].name == "1"


def test_cp1252_csv_from_excel(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("name,text\nJos\u00e9,\u201cCaf\u00e9\u201d\r\n".encode("cp1252"))
    text, result = read_one(path, text_column="text")
    assert (result.documents[0].name, text) == ("Jos\u00e9", "\u201cCaf\u00e9\u201d")


def test_xlsx_rows_with_native_types(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["ID", "Answer", "Age", "Weight", "Consent", "Joined", "Interviewed"])
    may = [dt.datetime(2021, 5, day) for day in (1, 2, 3)]
    sheet.append(["p1", "We partner on evaluations.", 34, 1.25, True, may[0], may[0]])
    sheet.append(["p2", None, 40, 2.0, False, may[1], may[1]])
    sheet.append(["p3", "Rarely.", 51, 3, False, may[2], may[2].replace(hour=14, minute=30)])
    path = tmp_path / "survey.xlsx"
    workbook.save(path)

    result = read_documents(path, text_column="Answer")
    assert [d.name for d in result.documents] == ["p1", "p3"]
    first, third = result.documents
    assert first.attributes == {
        "ID": "p1",
        "Age": 34,
        "Weight": 1.25,
        "Consent": True,
        "Joined": dt.date(2021, 5, 1),
        "Interviewed": "2021-05-01",
    }
    # A column mixing dates and date-times is shown as text rather than losing the times.
    assert third.attributes["Interviewed"] == "2021-05-03 14:30:00"
    assert result.warnings == ["row 2: empty 'Answer', skipped"]


# Bad files -----------------------------------------------------------------------------------

with tempfile.TemporaryDirectory() as _folder:
    BAD_NAMES = [bad.path.name for bad in make_bad_inputs(Path(_folder))]


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BadInput]:
    return {bad.path.name: bad for bad in make_bad_inputs(tmp_path_factory.mktemp("bad"))}


def test_there_are_enough_distinct_bad_inputs() -> None:
    assert len(BAD_NAMES) == len(set(BAD_NAMES)) >= 18


@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_file_is_refused_with_a_one_line_message_naming_it(
    name: str, bad_inputs: dict[str, BadInput], capsys: pytest.CaptureFixture[str]
) -> None:
    bad = bad_inputs[name]
    with pytest.raises(InputError) as caught:
        read_documents(bad.path, **bad.kwargs)
    message = str(caught.value)
    assert message.startswith(str(bad.path))
    assert bad.fragment in message
    assert "\n" not in message
    assert caught.value.source == str(bad.path)
    # Importers never print, not even the warnings of the libraries they use.
    assert capsys.readouterr() == ("", "")


def test_ragged_csv_error_points_at_the_line(bad_inputs: dict[str, BadInput]) -> None:
    bad = bad_inputs["ragged.csv"]
    with pytest.raises(InputError) as caught:
        read_documents(bad.path, **bad.kwargs)
    assert caught.value.line == 3
    assert str(caught.value).startswith(f"{bad.path}:3: ")


def test_size_limit_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 1000, encoding="utf-8")
    with pytest.raises(InputError, match="too large"):
        read_documents(path, max_bytes=4999)
    assert len(read_documents(path, max_bytes=5000).documents) == 1
