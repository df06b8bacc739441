"""The codebooks shipped in codebooks/ load, validate and are fit for the coding screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from coder.domain.codebook import Codebook, CodeDef, CodePath, is_hex_colour
from coder.io.codebook import read_codebook, render_codebook, validate_codebook

CODEBOOKS = Path(__file__).resolve().parents[2] / "codebooks"
SHIPPED = sorted(CODEBOOKS.glob("*.yaml"))


def _siblings(book: Codebook) -> list[list[CodeDef]]:
    groups = [book.codes]
    for _, code in book.walk():
        if code.children:
            groups.append(code.children)
    return groups


def test_both_codebooks_ship() -> None:
    assert {p.name for p in SHIPPED} >= {"evidence-partnerships.yaml", "inductive-starter.yaml"}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_codebook_is_valid_and_usable(path: Path) -> None:
    book = read_codebook(path)
    assert validate_codebook(book) == []
    for code_path, code in book.walk():
        assert code.definition, f"{code_path} has no definition"
        assert code.colour is not None and is_hex_colour(code.colour), code_path
        # The coding screen shows names in a narrow margin.
        assert len(code.name) <= 16, code_path
    for group in _siblings(book):
        colours = [c.colour for c in group]
        assert len(set(colours)) == len(colours), [c.name for c in group]
    # Every leaf code can be told apart from every other by colour alone.
    leaves = [c.colour for _, c in book.walk() if not c.children]
    assert len(set(leaves)) == len(leaves)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_codebook_survives_export_and_import(path: Path, tmp_path: Path) -> None:
    book = read_codebook(path)
    for fmt in ("yaml", "json"):
        out = tmp_path / f"again.{fmt}"
        out.write_text(str(render_codebook(book, fmt)), encoding="utf-8")
        assert read_codebook(out) == book


def test_evidence_partnerships_structure() -> None:
    book = read_codebook(CODEBOOKS / "evidence-partnerships.yaml")
    assert book.name == "Evidence-generation partnerships"
    assert [c.name for c in book.codes] == [
        "Motives",
        "Agency-led",
        "Researcher-led",
        "Co-production",
        "Success",
    ]
    assert len(book) == 34
    leaves = [p for p, c in book.walk() if not c.children]
    assert len(leaves) == 27
    # The paper's two groups of success factors, and the cross-cutting ones beside them.
    success = book.find(CodePath(("Success",)))
    assert success is not None
    assert [c.name for c in success.children] == [
        "Relational",
        "Practical",
        "Flexibility",
        "Credit sharing",
        "Mutual benefit",
    ]
    assert book.find(CodePath.parse("Success/Relational/Trust & respect")) is not None
    # Okabe-Ito colours for the themes.
    assert [c.colour for c in book.codes] == ["#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7"]
    for _, code in book.walk():
        assert code.inclusion and code.keywords, code.name
        if not code.children:
            assert code.exclusion and code.example, code.name
    # The first nine codes in the tree (the number keys) are real codes of the first themes.
    first_nine = [str(p) for p, _ in list(book.walk())[:9]]
    assert first_nine[:5] == [
        "Motives",
        "Motives/Impact",
        "Motives/Resources",
        "Motives/Expertise",
        "Motives/Credibility",
    ]


def test_code_names_are_unique_across_the_example_codebook() -> None:
    # Not a rule of the format, but lets a coder find a code by its name alone.
    book = read_codebook(CODEBOOKS / "evidence-partnerships.yaml")
    names = [c.name.casefold() for _, c in book.walk()]
    assert len(set(names)) == len(names)


def test_inductive_starter_mixes_nested_and_flat_styles() -> None:
    path = CODEBOOKS / "inductive-starter.yaml"
    text = path.read_text(encoding="utf-8")
    assert "parent: Content" in text and "children:" in text
    book = read_codebook(path)
    assert book.name == "Inductive starter"
    assert [c.name for c in book.codes] == ["Flags", "Content"]
    flags, content = book.codes
    assert [c.name for c in flags.children] == [
        "Interesting",
        "Unclear",
        "In vivo",
        "Quote",
        "Memo-worthy",
    ]
    assert [c.name for c in content.children] == [
        "Emotion",
        "Barrier",
        "Facilitator",
        "Context",
        "Change",
        "Tension",
    ]
    assert len(book) == 13
