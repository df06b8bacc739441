"""The seed corpus: ten abstracts and two papers with their attributes."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from coder.domain.documents import DocumentDraft
from coder.errors import InputError
from coder.io import read_seed_corpus

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def corpus() -> list[DocumentDraft]:
    return read_seed_corpus(SEEDS)


def test_twelve_documents_with_unique_readable_names(corpus: list[DocumentDraft]) -> None:
    names = [d.name for d in corpus]
    assert len(corpus) == 12
    assert len(set(names)) == 12
    assert names[0] == "abstract-01-local-politicians-action"
    assert all(n.startswith(f"abstract-{i:02d}-") for i, n in enumerate(names[:10], start=1))
    assert names[10:] == ["coproduction-local-government", "evidence-generation-partnerships"]


def test_abstracts_carry_their_metadata(corpus: list[DocumentDraft]) -> None:
    first = corpus[0]
    assert first.text.startswith("Background: A supportive context is essential")
    assert first.text.endswith("but also motivation and opportunity.")
    assert first.attributes == {
        "title": (
            "Local politicians in action? The relationship between perceived prerequisites and "
            "actions of political committees responsible for social services in supporting the "
            "implementation of evidence-based practice"
        ),
        "authors": "A. Bäck, U. V. T. Schwarz, Anna Bergström, H. Hasson, A. Richter",
        "doi": "10.1332/174426421X16178101375342",
        "journal": "Evidence & Policy",
        "publication_date": dt.date(2021, 1, 1),
        "year": 2021,
        "region_category": "社会学",
        "source": "abstract",
    }
    assert {d.attributes["source"] for d in corpus[:10]} == {"abstract"}
    assert len({d.attributes["doi"] for d in corpus[:10]}) == 10


def test_papers_are_whole_files(corpus: list[DocumentDraft]) -> None:
    for document, prefix in zip(corpus[10:], ("001", "002"), strict=True):
        (path,) = SEEDS.glob(f"{prefix}_*.txt")
        assert document.text == path.read_text(encoding="utf-8")
        assert document.attributes["year"] == 2021
        assert document.attributes["source"] == "paper"
        # The title is the subject the paper's opening paragraph announces.
        opening = document.text[:700].lower()
        title_words = str(document.attributes["title"]).lower().split()
        assert all(word in opening for word in title_words)


def test_malformed_record_names_file_and_line(tmp_path: Path) -> None:
    for path in SEEDS.glob("00*.txt"):
        shutil.copy(path, tmp_path / path.name)
    (abstracts,) = tmp_path.glob("000_*.txt")
    lines = abstracts.read_text(encoding="utf-8").split("\n")
    lines[5] = lines[5][:40]  # cut the JSON of the second record
    abstracts.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_seed_corpus(tmp_path)
    assert str(caught.value).startswith(f"{abstracts}:6: metadata is not valid JSON")


def test_missing_seed_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no seed file 000_"):
        read_seed_corpus(tmp_path)
