"""Segmentation into units: offsets, trimming, paragraphs, chunking, turns."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coder.domain.documents import DocumentDraft, Unit, UnitKind
from coder.errors import InputError
from coder.io.normalise import normalise_text
from coder.text import (
    load_pipeline,
    paragraph_spans,
    segment,
    segment_drafts,
    segment_many,
)

REPO = Path(__file__).resolve().parents[2]
PAPER = REPO / "seeds" / "002_e1ac5d8d6b7f7925.txt"


def texts_of(text: str, units: list[Unit], kind: UnitKind) -> list[str]:
    return [text[u.start : u.end] for u in units if u.kind is kind]


def test_sentences_and_paragraphs_of_a_short_text() -> None:
    text = "Methods\nWe interviewed 18 people.  Two coders read them.\n\nResults follow. Done!"
    units = segment(text)
    assert texts_of(text, units, UnitKind.DOCUMENT) == [text]
    assert texts_of(text, units, UnitKind.PARAGRAPH) == [
        "Methods\nWe interviewed 18 people.  Two coders read them.",
        "Results follow. Done!",
    ]
    # Inside a hard-wrapped paragraph a line without a full stop stays with the next sentence;
    # no sentence crosses a paragraph boundary.
    assert texts_of(text, units, UnitKind.SENTENCE) == [
        "Methods\nWe interviewed 18 people.",
        "Two coders read them.",
        "Results follow.",
        "Done!",
    ]


def test_seed_paper_units_slice_back_to_its_text() -> None:
    text = normalise_text(PAPER.read_text(encoding="utf-8"))
    units = segment(text)
    paragraphs = texts_of(text, units, UnitKind.PARAGRAPH)
    sentences = texts_of(text, units, UnitKind.SENTENCE)
    # One paragraph per line in this file: headings are paragraphs of their own.
    assert paragraphs[:4] == [
        "Abstract",
        "Background",
        paragraphs[2],
        "Methods",
    ]
    assert paragraphs[2].startswith("Evidence generation partnerships between researchers")
    assert paragraphs[2].endswith("components of successful research partnerships are.")
    assert "Data was analysed thematically by two researchers." in sentences
    assert sentences[:3] == [
        "Abstract",
        "Background",
        "Evidence generation partnerships between researchers and policy-makers are a potential "
        "method for producing more relevant research with greater potential to impact on policy "
        "and practice.",
    ]
    assert len(sentences) > 250
    # Every non-space character of the text is in exactly one paragraph and one sentence.
    for kind in (UnitKind.PARAGRAPH, UnitKind.SENTENCE):
        covered = sum(len("".join(piece.split())) for piece in texts_of(text, units, kind))
        assert covered == len("".join(text.split()))


def test_paragraphs_are_blocks_between_blank_lines_for_hard_wrapped_prose() -> None:
    text = "A first paragraph\nwrapped over\nthree lines.\n\n\n  Second one.  \n \nThird."
    spans = paragraph_spans(text)
    assert [text[s:e] for s, e in spans] == [
        "A first paragraph\nwrapped over\nthree lines.",
        "Second one.",
        "Third.",
    ]


def test_without_any_blank_line_every_line_is_a_paragraph() -> None:
    text = "Question one?\nAnswer one.\nQuestion two?\n"
    assert [text[s:e] for s, e in paragraph_spans(text)] == [
        "Question one?",
        "Answer one.",
        "Question two?",
    ]


def test_a_block_holding_a_long_line_is_one_paragraph_per_line() -> None:
    long_line = "word " * 40 + "end."
    text = f"Heading\n{long_line}\nAnother heading\n\nShort wrapped\nblock."
    assert [text[s:e] for s, e in paragraph_spans(text)] == [
        "Heading",
        long_line,
        "Another heading",
        "Short wrapped\nblock.",
    ]


def test_long_text_is_segmented_in_chunks_with_shifted_offsets() -> None:
    nlp = load_pipeline()
    paragraph = "The partners met monthly. They agreed on the questions first."
    text = "\n\n".join(f"{paragraph} Paragraph {i}." for i in range(400))
    old = nlp.max_length
    nlp.max_length = 1000
    try:
        units = segment(text, nlp=nlp)
    finally:
        nlp.max_length = old
    assert units == segment(text, nlp=nlp)  # the same units as in one piece
    sentences = texts_of(text, units, UnitKind.SENTENCE)
    assert len(sentences) == 1200
    assert sentences[-1] == "Paragraph 399."


def test_one_paragraph_longer_than_max_length_is_cut_at_whitespace() -> None:
    nlp = load_pipeline()
    text = " ".join(f"Sentence number {i} is here." for i in range(300))
    old = nlp.max_length
    nlp.max_length = 500
    try:
        units = segment(text, nlp=nlp)
    finally:
        nlp.max_length = old
    sentences = texts_of(text, units, UnitKind.SENTENCE)
    assert sentences[0] == "Sentence number 0 is here."
    assert "".join(sentences).replace(" ", "") == text.replace(" ", "")
    assert all(s.strip() == s and s for s in sentences)


def test_turns_are_passed_through_and_checked() -> None:
    text = "Hello there.\n\nHi."
    turns = [Unit(UnitKind.TURN, 14, 17, "Bob"), Unit(UnitKind.TURN, 0, 12, "Ann")]
    units = segment(text, turns=turns)
    assert [u for u in units if u.kind is UnitKind.TURN] == sorted(turns, key=lambda u: u.start)
    with pytest.raises(ValueError, match="does not fit"):
        segment(text, turns=[Unit(UnitKind.TURN, 0, 99, "Ann")])


def test_segment_drafts_keeps_the_turns_of_each_draft() -> None:
    turn = Unit(UnitKind.TURN, 0, 3, "Ann")
    drafts = [
        DocumentDraft("a", "Hi. You.", "vtt", "a.vtt", turns=[turn]),
        DocumentDraft("b", "No turns.", "txt", "b.txt"),
    ]
    first, second = segment_drafts(drafts)
    assert [u for u in first if u.kind is UnitKind.TURN] == [turn]
    assert not [u for u in second if u.kind is UnitKind.TURN]


def test_segment_many_matches_segment_and_reports_progress() -> None:
    texts = ["One. Two.", "Alpha\n\nBeta gamma. Delta.", "x"]
    calls: list[tuple[int, int]] = []
    many = segment_many(texts, progress=lambda d, t: calls.append((d, t)), batch_size=2)
    assert many == [segment(t) for t in texts]
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_segmentation_leaves_the_pipeline_whole() -> None:
    nlp = load_pipeline()
    segment("A sentence.")
    assert nlp.pipe_names == ["sentencizer", "lemmatizer"]
    assert nlp("partners")[0].lemma_ == "partner"


def test_empty_text_has_only_the_document_unit() -> None:
    assert segment("") == [Unit(UnitKind.DOCUMENT, 0, 0)]
    assert segment(" \n\n ") == [Unit(UnitKind.DOCUMENT, 0, 4)]


def test_unknown_trained_pipeline_is_named_in_the_error() -> None:
    with pytest.raises(InputError, match=r"en_core_web_nonexistent.*not installed"):
        load_pipeline("en_core_web_nonexistent")


def test_importing_coder_text_and_io_does_not_import_spacy() -> None:
    code = "import sys, coder.text, coder.io; print('spacy' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert out.stdout.strip() == "False"


# Properties ------------------------------------------------------------------------------------

PIECES = st.sampled_from(
    ["Hello", "world", ".", "!", "?", " ", "  ", "\n", "\n\n", "\t", "Dr.", "e.g.", "\u00a0",
     "caf\u00e9", "\u201cquote\u201d", "...", "U.K.", "3.5", "-", "\u2014"]
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=60).map("".join))
def test_units_are_in_bounds_sorted_disjoint_and_trimmed(text: str) -> None:
    units = segment(text)
    assert units[0] == Unit(UnitKind.DOCUMENT, 0, len(text))
    for kind in (UnitKind.SENTENCE, UnitKind.PARAGRAPH):
        spans = [(u.start, u.end) for u in units if u.kind is kind]
        assert spans == sorted(spans)
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end <= start
        for start, end in spans:
            piece = text[start:end]
            assert 0 <= start < end <= len(text)
            assert piece == piece.strip()
        # Nothing but whitespace is left out.
        covered = "".join(text[s:e] for s, e in spans)
        assert "".join(covered.split()) == "".join(text.split())
    # Every sentence lies inside one paragraph.
    paragraphs = [(u.start, u.end) for u in units if u.kind is UnitKind.PARAGRAPH]
    for u in units:
        if u.kind is UnitKind.SENTENCE:
            assert any(s <= u.start and u.end <= e for s, e in paragraphs)
