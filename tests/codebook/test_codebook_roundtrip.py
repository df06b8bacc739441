"""Exports: golden files for every format, and round trips back to an equal codebook.

Regenerate the golden files after an intended change of output with

    CODER_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/codebook -q

and review the diff before committing it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coder.domain.codebook import Codebook, CodeDef, CodePath
from coder.io._codebook_common import name_key, normalise_text
from coder.io.codebook import (
    CodebookError,
    parse_codebook,
    read_codebook,
    render_codebook,
    supported_codebook_formats,
    validate_codebook,
    write_codebook,
)
from tests.golden import assert_golden

GOLDEN = Path(__file__).parent / "golden"


def small_codebook() -> Codebook:
    """A fixed codebook that exercises what the writers must get right."""
    return Codebook(
        name="Partnership study",
        description="Codes for the pilot interviews.\nVersion 2, after the first meeting.",
        codes=[
            CodeDef(
                name="Why partner",
                definition="Reasons given for working with the other side.",
                inclusion="Any stated motive.",
                exclusion="Outcomes of a partnership: use Success.",
                colour="#0072b2",
                keywords=["why", "reason"],
                children=[
                    CodeDef(
                        name="Impact",
                        definition="Wanting research to change policy | practice.",
                        example='"Research without policy engagement sits on the shelf."',
                        colour="#4095c5",
                        keywords=["impact", "difference"],
                    ),
                    CodeDef(
                        name="Data/resources",
                        definition="Access to data: #1 reason for some.",
                        colour="#80b8d8",
                    ),
                ],
            ),
            CodeDef(
                name="Success",
                definition="What makes a partnership work.",
                colour="#cc79a7",
                children=[
                    CodeDef(
                        name="Relational",
                        colour="#854f6d",
                        children=[
                            CodeDef(
                                name="Trust & respect",
                                definition="Valuing each other's knowledge.",
                                example="We've worked together for years.\nThey get it.",
                                keywords=["trust", "respect", "café"],
                                colour="#b695a7",
                            )
                        ],
                    ),
                    CodeDef(name="*Flexibility*"),
                ],
            ),
        ],
    )


COUNTS = {
    CodePath(("Why partner",)): 3,
    CodePath(("Why partner", "Impact")): 12,
    CodePath(("Success", "Relational", "Trust & respect")): 7,
}

GOLDEN_CASES = [
    ("small.yaml", "yaml", None),
    ("small.json", "json", None),
    ("small.csv", "csv", None),
    ("small.md", "md", None),
    ("small-counts.md", "md", COUNTS),
    ("small-counts.csv", "csv", COUNTS),
]


@pytest.mark.parametrize(
    ("filename", "fmt", "counts"), GOLDEN_CASES, ids=[c[0] for c in GOLDEN_CASES]
)
def test_export_matches_golden_file(
    tmp_path: Path, filename: str, fmt: str, counts: dict[CodePath, int] | None
) -> None:
    out = tmp_path / filename
    write_codebook(small_codebook(), out, fmt, counts=counts)
    assert_golden(GOLDEN / filename, out.read_bytes())


def test_csv_export_starts_with_a_byte_order_mark_for_excel(tmp_path: Path) -> None:
    out = tmp_path / "book.csv"
    write_codebook(small_codebook(), out, "csv")
    assert out.read_bytes().startswith(b"\xef\xbb\xbfpath,definition,")
    assert not str(render_codebook(small_codebook(), "csv")).startswith("\ufeff")


def test_markdown_has_a_table_and_a_heading_per_theme() -> None:
    text = str(render_codebook(small_codebook(), "md", counts=COUNTS))
    lines = text.splitlines()
    assert lines[0] == "# Partnership study"
    assert "| No. | Code | Definition | Count |" in lines
    assert "| 1.1 | Impact | Wanting research to change policy \\| practice. | 12 |" in lines
    assert "## 1 Why partner" in lines and "## 2 Success" in lines
    assert "#### 2.1.1 Trust & respect" in lines
    assert "**When not to use:** Outcomes of a partnership: use Success." in lines
    assert "> They get it." in lines
    assert "### 2.2 \\*Flexibility\\*" in lines


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_round_trip_is_exact(tmp_path: Path, fmt: str) -> None:
    book = small_codebook()
    out = tmp_path / f"book.{fmt}"
    write_codebook(book, out, fmt)
    assert read_codebook(out) == book


def test_csv_round_trip_keeps_every_code(tmp_path: Path) -> None:
    book = small_codebook()
    out = tmp_path / "Partnership study.csv"  # CSV has no name column: the file names it
    write_codebook(book, out, "csv")
    assert read_codebook(out) == Codebook(name="Partnership study", codes=book.codes)


@pytest.mark.parametrize("fmt", ["yaml", "json", "csv"])
def test_exports_with_counts_still_import(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"book.{fmt}"
    write_codebook(small_codebook(), out, fmt, counts=COUNTS)
    assert read_codebook(out).codes == small_codebook().codes


def test_formats_registry() -> None:
    formats = {f.name: f for f in supported_codebook_formats()}
    assert list(formats) == ["yaml", "json", "csv", "md"]
    assert [n for n, f in formats.items() if f.readable] == ["yaml", "json", "csv"]
    assert all(f.writable for f in formats.values())
    assert formats["yaml"].extensions == (".yaml", ".yml")


def test_parse_codebook_from_text() -> None:
    text = str(render_codebook(small_codebook(), "json"))
    assert parse_codebook(text, "json") == small_codebook()
    with pytest.raises(CodebookError) as caught:
        parse_codebook("codes:\n  - name: A\n    colour: nope\n", "yaml", source="pasted")
    assert str(caught.value).startswith("pasted:3: bad colour 'nope'")
    assert parse_codebook("path\nA\n", "csv", default_name="Sheet").name == "Sheet"


def test_format_given_explicitly_overrides_the_extension(tmp_path: Path) -> None:
    out = tmp_path / "book.txt"
    write_codebook(small_codebook(), out, "yml")
    assert read_codebook(out, fmt="YAML") == small_codebook()


# -- what the reader accepts -----------------------------------------------------------


def _read(tmp_path: Path, text: str, name: str = "book.yaml") -> Codebook:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_codebook(path)


def test_colours_are_normalised(tmp_path: Path) -> None:
    book = _read(
        tmp_path,
        "codes:\n"
        '  - {name: A, colour: "#ABC"}\n'
        '  - {name: B, colour: "#1F77B4"}\n'
        "  - {name: C, colour: Dark Slate Grey}\n"
        "  - {name: D, color: rebeccapurple}\n"
        "  - {name: E, colour: dark-orange}\n",
    )
    assert [c.colour for c in book.codes] == ["#aabbcc", "#1f77b4", "#2f4f4f", "#663399", "#ff8c00"]


def test_flat_and_nested_styles_mix(tmp_path: Path) -> None:
    book = _read(
        tmp_path,
        "codebook: Mixed\n"
        "codes:\n"
        "  - name: Deep\n"
        "    parent: theme/sub\n"  # case-insensitive, and its parent is itself flat
        "  - name: Theme\n"
        "    children:\n"
        "      - Nested\n"  # shorthand for a code with only a name
        "  - name: Sub\n"
        "    Parent: Theme\n"  # keys ignore case
        "  - name: Later\n"
        "    parent: Theme\n",
    )
    assert [str(p) for p, _ in book.walk()] == [
        "Theme",
        "Theme/Nested",
        "Theme/Sub",
        "Theme/Sub/Deep",
        "Theme/Later",
    ]


def test_slash_in_a_name_is_escaped_in_parent_paths(tmp_path: Path) -> None:
    book = _read(
        tmp_path,
        "codes:\n  - name: Data/resources\n  - name: Access\n    parent: 'Data\\/resources'\n",
    )
    assert book.find(CodePath(("Data/resources", "Access"))) is not None


def test_missing_codebook_name_comes_from_the_file(tmp_path: Path) -> None:
    book = _read(tmp_path, "codes:\n  - name: A\n", name="my-study.yml")
    assert book.name == "my-study"


def test_text_is_trimmed_and_block_text_keeps_line_breaks(tmp_path: Path) -> None:
    book = _read(
        tmp_path,
        "codes:\n  - name: '  Padded  '\n    definition: |\n      One.\n      Two.\n\n",
    )
    assert book.codes[0].name == "Padded"
    assert book.codes[0].definition == "One.\nTwo."


def test_csv_with_semicolons_from_a_european_spreadsheet(tmp_path: Path) -> None:
    text = '\ufeffPath;Definition;Keywords;Colour\nA;first;"x; y";red\nA/B;"two; parts";;\n'
    book = _read(tmp_path, text, name="euro.csv")
    assert book.codes[0].keywords == ["x", "y"]
    assert book.codes[0].colour == "#ff0000"
    assert book.codes[0].children[0].definition == "two; parts"


def test_validate_codebook_in_memory() -> None:
    book = Codebook(codes=[CodeDef("A", colour="nope"), CodeDef("a"), CodeDef(" ")])
    messages = [p.message for p in validate_codebook(book)]
    assert len(messages) == 3
    assert messages[0].startswith("bad colour 'nope'")
    assert messages[1] == "the name is only spaces"
    assert messages[2].startswith("duplicate code name 'a' at the top level")
    assert validate_codebook(small_codebook()) == []


# -- property: random trees round-trip -------------------------------------------------

_name_chars = st.characters(
    blacklist_categories=("Cc", "Cs", "Zl", "Zp"),
    blacklist_characters="\x85",
)
names = st.text(_name_chars, min_size=1, max_size=12).map(str.strip).filter(bool)
texts = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), whitelist_characters="\n"), max_size=40
).map(normalise_text)
keywords = st.lists(
    st.text(_name_chars, min_size=1, max_size=10)
    .map(str.strip)
    .filter(lambda k: k and ";" not in k),
    max_size=3,
)
colours = st.none() | st.from_regex(r"#[0-9a-f]{6}", fullmatch=True)


def _unique_by_name(codes: list[CodeDef]) -> list[CodeDef]:
    seen: set[str] = set()
    unique = []
    for code in codes:
        if name_key(code.name) not in seen:
            seen.add(name_key(code.name))
            unique.append(code)
    return unique


def _code(children: st.SearchStrategy[list[CodeDef]]) -> st.SearchStrategy[CodeDef]:
    return st.builds(
        CodeDef,
        name=names,
        definition=texts,
        inclusion=texts,
        exclusion=texts,
        example=texts,
        colour=colours,
        keywords=keywords,
        children=children,
    )


code_trees = st.recursive(
    _code(st.just([])),
    lambda inner: _code(st.lists(inner, max_size=3).map(_unique_by_name)),
    max_leaves=12,
)
codebooks = st.builds(
    Codebook,
    name=names,
    description=texts,
    codes=st.lists(code_trees, max_size=4).map(_unique_by_name),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(book=codebooks)
def test_random_codebooks_round_trip_through_yaml(tmp_path: Path, book: Codebook) -> None:
    assert validate_codebook(book) == []
    out = tmp_path / "random.yaml"
    write_codebook(book, out, "yaml", force=True)  # hypothesis reuses tmp_path
    assert read_codebook(out) == book


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(book=codebooks)
def test_random_codebooks_round_trip_through_csv(tmp_path: Path, book: Codebook) -> None:
    out = tmp_path / "random.csv"
    write_codebook(book, out, "csv", force=True)  # hypothesis reuses tmp_path
    assert read_codebook(out).codes == book.codes


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(book=codebooks)
def test_random_codebooks_round_trip_through_json(tmp_path: Path, book: Codebook) -> None:
    out = tmp_path / "random.json"
    write_codebook(book, out, "json", force=True)  # hypothesis reuses tmp_path
    assert read_codebook(out) == book
