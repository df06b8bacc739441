"""Records (JSON, JSON Lines, JSON lines inside text) read as documents, and bad ones refused."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from coder.errors import InputError
from coder.io import read_documents

RECORDS = [
    {
        "id": "r1",
        "answer": "We met the council every month.",
        "why": "Trust.",
        "age": 34,
        "joined": "2021-03-04",
        "panel": {"wave": 2, "site": "Leeds", "meta": {"deep": 1}},
        "tags": ["council", "trust"],
        "visits": [{"when": "2021"}],
        "note": None,
    },
    {
        "id": "r2",
        "answer": "Rarely.",
        "why": "",
        "age": 41.5,
        "joined": "2021-03-05",
        "panel": {"wave": 3, "site": "York"},
        "tags": [],
    },
]


def test_json_array_gives_one_document_per_record_with_flattened_typed_attributes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(RECORDS), encoding="utf-8")
    result = read_documents(path, text_column="answer")
    first, second = result.documents
    assert (first.name, first.text, first.source_format) == (
        "r1",
        "We met the council every month.",
        "json",
    )
    assert first.attributes == {
        "id": "r1",
        "why": "Trust.",
        "age": 34.0,  # 41.5 in the other record: one type for the field
        "joined": dt.date(2021, 3, 4),
        "panel.wave": 2,
        "panel.site": "Leeds",
        "tags": "council; trust",
    }
    assert second.attributes == {
        "id": "r2",
        "age": 41.5,
        "joined": dt.date(2021, 3, 5),
        "panel.wave": 3,
        "panel.site": "York",
    }
    assert result.warnings == [
        "nested field(s) skipped (only one level is read): panel.meta, visits"
    ]


def test_several_text_fields_give_one_document_per_record_per_field(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"survey": {"title": "S"}, "responses": RECORDS}), encoding="utf-8")
    result = read_documents(path, text_column=["answer", "why"], name_column="id")
    assert [(d.name, d.text, d.attributes["question"]) for d in result.documents] == [
        ("r1 · answer", "We met the council every month.", "answer"),
        ("r1 · why", "Trust.", "why"),
        ("r2 · answer", "Rarely.", "answer"),
    ]
    assert "record 2: empty 'why', skipped" in result.warnings


def test_json_lines_number_records_by_line(tmp_path: Path) -> None:
    path = tmp_path / "answers.ndjson"
    lines = [json.dumps(RECORDS[0]), "", json.dumps({"id": "r3", "answer": " "})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = read_documents(path, text_column="answer")
    assert [d.name for d in result.documents] == ["r1"]
    assert result.documents[0].source_format == "ndjson"
    assert "line 3: empty 'answer', skipped" in result.warnings


def test_a_single_object_is_one_record(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"text": "Only one.", "year": 2021}), encoding="utf-8")
    (document,) = read_documents(path, text_column="text").documents
    assert (document.name, document.text, document.attributes) == (
        "one record 1",
        "Only one.",
        {"year": 2021},
    )


def test_name_field_and_repeated_names(tmp_path: Path) -> None:
    path = tmp_path / "answers.jsonl"
    rows = [{"who": "ann", "t": "One."}, {"who": "bob", "t": "Two."}, {"who": "ann", "t": "Three."}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = read_documents(path, text_column="t", name_column="who")
    assert [d.name for d in result.documents] == ["ann (line 1)", "bob", "ann (line 3)"]
    assert result.warnings == [
        "field 'who' gives 1 name(s) to several lines (ann): each such line is named "
        "'<name> (line N)'"
    ]


def test_text_file_with_json_lines_among_other_lines(tmp_path: Path) -> None:
    path = tmp_path / "records.txt"
    record = {"title": "A study", "abstract": "Background: we asked.", "doi": "10.1/x"}
    path.write_text(f"Header line\nAuthors\n{json.dumps(record)}\n", encoding="utf-8")
    result = read_documents(path, text_column="abstract")
    (document,) = result.documents
    assert (document.name, document.text, document.source_format) == (
        "A study",
        "Background: we asked.",
        "jsonl",
    )
    assert document.attributes == {"title": "A study", "doi": "10.1/x"}
    assert result.warnings == ["2 line(s) holding no JSON object skipped; 1 record(s) read"]
    # Without the text field, or when no JSON line has it, the file is plain text.
    assert read_documents(path).documents[0].text.startswith("Header line")
    assert read_documents(path, text_column="body").documents[0].name == "records"


def test_missing_text_field_lists_the_fields_holding_text(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(RECORDS), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_documents(path)
    assert str(caught.value) == (
        f"{path}: a text field must be named with --text-field "
        "(fields holding text: answer, tags, why, panel.site, id)"
    )
    with pytest.raises(InputError, match=r"no field 'body' \(the fields are: id, answer, why"):
        read_documents(path, text_column="body")
    with pytest.raises(InputError, match="no field 'who' to name the documents by"):
        read_documents(path, text_column="answer", name_column="who")


@pytest.mark.parametrize(
    ("name", "content", "line", "fragment"),
    [
        ("broken.json", '[\n{"a": "x"},\n{"a": "y",}\n]', 3, "invalid JSON: Expecting"),
        ("broken.jsonl", '{"a": "x"}\n{"a": "y"\n', 2, "invalid JSON: Expecting"),
        ("scalar-line.jsonl", '{"a": "x"}\n"just text"\n', 2, "a string, not a JSON object"),
        ("scalar.json", '"just text"', None, "the JSON holds a string, not records"),
        ("mixed.json", '[{"a": "x"}, 3]', None, "record 2 is a number, not a JSON object"),
        ("empty-array.json", "[]", None, "no JSON records (the array is empty)"),
        ("blank.jsonl", "\n\n  \n", None, "only whitespace"),
        ("two-arrays.json", '{"a": [{"t": "x"}], "b": [{"t": "y"}]}', None, "several arrays"),
        ("deep.json", "[" * 100_000 + "]" * 100_000, None, "JSON nested too deeply to read"),
        ("deep.jsonl", '{"a": "x"}\n' + "[" * 100_000, 2, "JSON nested too deeply to read"),
    ],
)
def test_bad_records_are_refused_in_one_line_naming_file_and_line(
    tmp_path: Path, name: str, content: str, line: int | None, fragment: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_documents(path, text_column="a")
    message = str(caught.value)
    assert "\n" not in message
    assert caught.value.line == line
    assert message.startswith(f"{path}:{line}: " if line else f"{path}: ")
    assert fragment in message


def test_columns_are_typed_as_a_whole_with_only_unambiguous_dates(tmp_path: Path) -> None:
    path = tmp_path / "typed.csv"
    path.write_text(
        "id,answer,iso,slashed,named,day_first,month_first,either,clash,stamp,consent\n"
        "a,One.,2021-03-04,2021/03/04,4 March 2021,13.03.2021,03/13/2021,04/03/2021,"
        "13/03/2021,2021-03-04 10:15:00,Yes\n"
        'b,Two.,2021-12-31,2021/12/31,"Dec 31, 2021",01.02.2021,02/01/2021,05/06/2021,'
        "03/13/2021,2021-03-05 11:00:00,no\n",
        encoding="utf-8",
    )
    first, second = read_documents(path, text_column="answer").documents
    d = dt.date
    assert first.attributes == {
        "id": "a",
        "iso": d(2021, 3, 4),
        "slashed": d(2021, 3, 4),
        "named": d(2021, 3, 4),
        "day_first": d(2021, 3, 13),
        "month_first": d(2021, 3, 13),
        "either": "04/03/2021",  # no number above 12: March or April, left as written
        "clash": "13/03/2021",  # one day first, one month first: not one format
        "stamp": "2021-03-04 10:15:00",  # no time type: kept as text
        "consent": "Yes",
    }
    assert (second.attributes["named"], second.attributes["day_first"]) == (
        d(2021, 12, 31),
        d(2021, 2, 1),
    )
    assert second.attributes["month_first"] == d(2021, 2, 1)


@pytest.mark.parametrize(
    ("content", "kwargs", "fragment"),
    [
        (
            "id,question,Q1,Q2\nr1,x,a,b\n",
            {"text_column": ["Q1", "Q2"]},
            "the column 'question' clashes with the attribute",
        ),
        ("id,Q1,Q2\nr1,,\nr2, ,\n", {"text_column": ["Q1", "Q2"]}, "every row has an empty 'Q1'"),
        ("id,Q1\nr1,a\n", {"text_column": "Q1", "name_column": "Q1"}, "is also a text column"),
        (
            "id,Q1\nr1,a\n",
            {"text_column": ["Q1", "Q2", "Q3"]},
            "no columns 'Q2', 'Q3' (the columns are: id, Q1)",
        ),
    ],
)
def test_survey_options_that_cannot_work_are_refused(
    tmp_path: Path, content: str, kwargs: dict[str, object], fragment: str
) -> None:
    path = tmp_path / "survey.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_documents(path, **kwargs)  # type: ignore[arg-type]
    assert fragment in str(caught.value)
