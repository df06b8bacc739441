"""Surveys and records through ``coder import``: one document per respondent per question,
named by the respondent, typed attributes, and the seed corpus's records file."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from coder.cli.main import run
from coder.db.engine import Store
from coder.io import read_seed_corpus
from coder.services.documents.corpus import list_documents
from coder.services.documents.reading import get_document
from coder.services.project.lifecycle import open_project

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "surveys"

Q1, Q2 = "Q1 What works?", "Q2 What would you change?"
HEADER = ["Respondent ID", "Age", "Started", "Consent", "Zip", "Wave", "Recontact", "Interview"]
SURVEY = [
    ["007", 34, "2021-03-04", "true", "01234", "13/03/2021", "yes", "04/03/2021"],
    ["008", 41, "2021-03-05", "false", "12345", "04/03/2021", "no", "05/06/2021"],
    ["009", 50, "2021-03-06", "TRUE", "00420", "01/02/2021", "yes", "01/02/2021"],
]
ANSWERS = [
    ("We meet every month, and it works.", "More money."),
    ("Trust.", ""),
    ("", "Nothing at all."),
]
FIRST_ATTRIBUTES = {
    "Respondent ID": "007",  # leading zeros: an identifier, kept as text
    "Age": 34,
    "Started": dt.date(2021, 3, 4),
    "Consent": True,
    "Zip": "01234",
    "Wave": dt.date(2021, 3, 13),  # 13/03: the column is day first
    "Recontact": "yes",  # yes/no stay the researcher's categories
    "Interview": "04/03/2021",  # no day above 12: April or March? left as written
}


@pytest.fixture
def url(empty_db_url: str) -> str:
    assert run(["init", "-p", empty_db_url]) == 0
    return empty_db_url


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    opened = open_project(url)
    try:
        yield opened
    finally:
        opened.dispose()


def _csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    def cell(value: object) -> str:
        text = str(value)
        return f'"{text}"' if "," in text else text

    table: list[list[object]] = [list(header), *rows]
    lines = [",".join(cell(v) for v in row) for row in table]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _survey_rows() -> list[list[object]]:
    return [[*row, *answers] for row, answers in zip(SURVEY, ANSWERS, strict=True)]


def _import(url: str, *args: str) -> int:
    return run(["import", "-p", url, *args])


def test_two_question_survey_csv_gives_a_document_per_respondent_per_question(
    url: str, store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _csv(tmp_path / "survey.csv", [*HEADER, Q1, Q2], _survey_rows())
    assert _import(url, str(path), "--text-column", Q1, "--text-column", Q2) == 0
    out, err = capsys.readouterr()
    assert "4 document(s) imported, 0 skipped, 0 file(s) failed" in out
    assert f"warning: row 2: empty {Q2!r}, skipped" in err
    assert f"warning: row 3: empty {Q1!r}, skipped" in err

    documents = list_documents(store)
    assert [(d.name, d.attributes["question"]) for d in documents] == [
        (f"007 · {Q1}", Q1),
        (f"007 · {Q2}", Q2),
        (f"008 · {Q1}", Q1),
        (f"009 · {Q2}", Q2),
    ]
    assert documents[0].attributes == {**FIRST_ATTRIBUTES, "question": Q1}
    assert documents[2].attributes["Consent"] is False
    first = get_document(store, f"007 · {Q1}")
    assert first.text == "We meet every month, and it works."
    assert [first.text[u.start : u.end] for u in first.units if u.kind == "document"] == [
        first.text
    ]

    # One question's answers, as agreement by question takes them.
    assert run(["docs", "list", "-p", url, "--where", f"question={Q2}", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [d["name"] for d in listed] == [f"007 · {Q2}", f"009 · {Q2}"]

    # The same survey again changes nothing: every answer is the same row twice.
    assert _import(url, str(path), "--text-column", Q1, "--text-column", Q2) == 0
    assert "0 document(s) imported, 4 skipped" in capsys.readouterr().out
    assert len(list_documents(store, all_versions=True)) == 4


def test_two_question_survey_xlsx_the_same(url: str, store: Store, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([*HEADER, Q1, Q2])
    for row in _survey_rows():
        started = dt.datetime.fromisoformat(str(row[2]))  # Excel's own dates
        sheet.append([row[0], row[1], started, *row[3:]])
    path = tmp_path / "survey.xlsx"
    workbook.save(path)
    assert _import(url, str(path), "--text-column", Q1, "--text-column", Q2) == 0
    documents = list_documents(store)
    assert [d.name for d in documents] == [
        f"007 · {Q1}",
        f"007 · {Q2}",
        f"008 · {Q1}",
        f"009 · {Q2}",
    ]
    assert documents[0].attributes == {**FIRST_ATTRIBUTES, "question": Q1}
    assert get_document(store, f"009 · {Q2}").text == "Nothing at all."


def test_name_column_is_chosen_and_a_missing_one_is_refused(
    url: str, store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _csv(
        tmp_path / "panel.csv",
        ["id", "nickname", "answer"],
        [[1, "heron", "We co-wrote it."], [2, "otter", "They listened."]],
    )
    assert _import(url, str(path), "--text-column", "answer", "--name-column", "pseudonym") == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        f"coder: error: {path}: no column 'pseudonym' to name the documents by "
        "(the columns are: id, nickname, answer)"
    ]
    assert list_documents(store) == []

    assert _import(url, str(path), "--text-column", "answer", "--name-column", "nickname") == 0
    assert [(d.name, d.attributes) for d in list_documents(store)] == [
        ("heron", {"id": 1, "nickname": "heron"}),
        ("otter", {"id": 2, "nickname": "otter"}),
    ]


def test_a_name_given_to_several_rows_is_made_unique_and_reported(
    url: str, store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A long-format sheet: one row per answer, the respondent repeated.
    path = _csv(
        tmp_path / "long.csv",
        ["respondent", "question", "answer"],
        [["r1", "Q1", "Yes."], ["r1", "Q2", "No."], ["r2", "Q1", "Maybe."]],
    )
    assert _import(url, str(path), "--text-column", "answer") == 0
    assert [(d.name, d.attributes["question"]) for d in list_documents(store)] == [
        ("r1 (row 1)", "Q1"),
        ("r1 (row 2)", "Q2"),
        ("r2", "Q1"),
    ]
    assert (
        "warning: column 'respondent' gives 1 name(s) to several rows (r1): "
        "each such row is named '<name> (row N)'" in capsys.readouterr().err
    )


def test_qualcoder_survey_example_is_named_by_its_case_column(url: str, store: Store) -> None:
    path = FIXTURES / "qualcoder_survey456.csv"
    assert _import(url, str(path), "--text-column", "Free-text") == 0
    documents = list_documents(store)
    assert [(d.name, d.attributes) for d in documents] == [
        ("ID4", {"Case": "ID4", "Age": 24, "Gender": "f", "Interest": "shopping"}),
        ("ID5", {"Case": "ID5", "Age": 54, "Gender": "m", "Interest": "golf"}),
        ("ID6", {"Case": "ID6", "Age": 67, "Gender": "m", "Interest": "gardening"}),
    ]
    # The cell ends with a space in the file; cells are read stripped.
    assert get_document(store, "ID6").text == (
        "I did not enrol in any studies, even though I am retired. Currently, I am mainly "
        "enjoying being away from work and doing my gardening."
    )


def test_seed_records_file_gives_ten_abstracts_with_their_attributes(
    url: str, store: Store, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (seed,) = sorted((repo / "seeds").glob("000_*.txt"))
    assert _import(url, str(seed), "--text-field", "abstract", "--name-field", "doi") == 0
    out, err = capsys.readouterr()
    assert "10 document(s) imported" in out
    assert "20 line(s) holding no JSON object skipped; 10 record(s) read" in err

    demo = read_seed_corpus(repo / "seeds")[:10]  # what `coder demo` reads from the same file
    documents = list_documents(store)
    assert [d.name.lower() for d in documents] == [str(d.attributes["doi"]).lower() for d in demo]
    for summary, expected in zip(documents, demo, strict=True):
        attributes = summary.attributes
        assert get_document(store, summary.name).text == expected.text
        assert summary.source_format == "jsonl"
        assert attributes["title"] == expected.attributes["title"]
        assert attributes["authors"] == expected.attributes["authors"]
        assert attributes["journal.name"] == "Evidence & Policy"
        assert attributes["publicationDate"] == dt.date(2021, 1, 1)
        assert attributes["RegionCategory"] == expected.attributes["region_category"]
        assert "abstract" not in attributes and "url" not in attributes  # text; null


def test_bad_json_lines_are_refused_in_one_line_naming_file_and_line(
    url: str, store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "answers.jsonl"
    path.write_text('{"id": 1, "text": "Fine."}\n{"id": 2, "text": "Cut off\n', encoding="utf-8")
    assert _import(url, str(path), "--text-field", "text") == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        f"coder: error: {path}:2: invalid JSON: Unterminated string starting at (column 19)"
    ]
    assert list_documents(store) == []
