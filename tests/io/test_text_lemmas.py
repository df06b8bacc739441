"""Normalisation, word boundaries and lemma-aware search."""

from __future__ import annotations

import pytest

from coder.io.normalise import normalise_text
from coder.text import in_family, lemma_matches, lemmatise, token_spans


def test_normalise_strips_bom_and_unifies_newlines_only() -> None:
    assert normalise_text("\ufeffa\r\nb\rc\n  d\u0301 \t") == "a\nb\nc\n  d\u0301 \t"


@pytest.mark.parametrize("bad", ["a\x00b", "a\x07", "\x1bescape", "form\x0cfeed", "v\x0bt"])
def test_normalise_rejects_control_characters_as_binary(bad: str) -> None:
    with pytest.raises(ValueError, match="binary"):
        normalise_text(bad)


def test_token_spans_are_word_boundaries_without_whitespace() -> None:
    text = "Policy-makers said: \u201cno.\u201d\n\nOK"
    spans = token_spans(text)
    words = [text[s:e] for s, e in spans]
    assert words == ["Policy", "-", "makers", "said", ":", "\u201c", "no", ".", "\u201d", "OK"]


def test_lemmatise_gives_lowercase_lemmas_of_words() -> None:
    text = "The Partners studied partnerships."
    assert lemmatise(text) == [
        (0, 3, "the"),
        (4, 12, "partner"),
        (13, 20, "study"),
        (21, 33, "partnership"),
    ]


def test_lookup_lemmatizer_does_not_relate_derivations() -> None:
    # Documented limitation that lemma_matches' word families make up for.
    assert lemmatise("partnership")[0][2] == "partnership"


def test_partner_finds_its_inflections_and_word_family() -> None:
    text = "Partners and partnerships; partnered, a partner. Partly apart, apartment."
    found = [text[s:e] for s, e in lemma_matches("partner", text)]
    assert found == ["Partners", "partnerships", "partnered", "partner"]


def test_family_can_be_switched_off() -> None:
    text = "partners in a partnership"
    assert [text[s:e] for s, e in lemma_matches("partner", text, family=False)] == ["partners"]


def test_family_search_goes_outwards_from_the_query_only() -> None:
    text = "partners in a partnership"
    assert [text[s:e] for s, e in lemma_matches("partnership", text)] == ["partnership"]


def test_phrase_query_matches_across_hyphens_and_spaces_but_not_punctuation() -> None:
    text = "Policy-makers and policy makers; a policy. Makers of policy maker"
    found = [text[s:e] for s, e in lemma_matches("policy-maker", text)]
    assert found == ["Policy-makers", "policy makers", "policy maker"]


def test_empty_query_matches_nothing() -> None:
    assert lemma_matches(" ... ", "some text") == []


@pytest.mark.parametrize(
    ("root", "word", "expected"),
    [
        ("research", "researcher", True),
        ("govern", "governance", True),
        ("produce", "production", True),
        ("code", "coder", True),
        ("use", "usefulness", True),
        ("policy", "policies", True),
        ("art", "article", False),
        ("part", "party", False),
        ("us", "user", False),
        ("partnership", "partner", False),
    ],
)
def test_word_family_rules(root: str, word: str, expected: bool) -> None:
    assert in_family(root, word) is expected
