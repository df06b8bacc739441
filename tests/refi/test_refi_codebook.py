"""REFI-QDA codebooks: reading real .qdc files liberally, writing them strictly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from coder.domain.codebook import Codebook, CodeDef, CodePath
from coder.errors import InputError
from coder.io.refi import (
    compose_description,
    normalise_refi_colour,
    parse_description,
    read_qdc,
    read_qdc_document,
    schema_errors,
    write_qdc,
)
from tests.refi.refi_helpers import ATLAS_QDC, TAGUETTE_QDC

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _book() -> Codebook:
    return Codebook(
        name="Partnerships",
        codes=[
            CodeDef(
                name="Why partner",
                definition="Reasons given for working together.",
                colour="#0072b2",
                children=[
                    CodeDef(
                        name="Funding",
                        definition="Money as a reason.\nIncludes in-kind money.",
                        inclusion="grants, budgets",
                        exclusion="staff time (use Resources)",
                        example='"the grant made it possible"',
                        keywords=["grant", "budget"],
                        colour="#e69f00",
                    ),
                    CodeDef(name="Impact", example="policy changed"),
                ],
            ),
            CodeDef(name="Barriers"),
        ],
    )


def test_atlas_ti_codebook_with_old_namespace_version_and_a_code_group() -> None:
    doc = read_qdc_document(ATLAS_QDC)
    assert doc.origin == "ATLAS.ti Win 23.4.0"
    assert [str(p) for p, _ in doc.codebook.walk()] == ["code1"]
    code = doc.codebook.codes[0]
    assert code.definition == "description"
    assert code.colour == "#46aa00"
    assert doc.code_guids == {"1ff58b12-6f6f-4b0c-8be5-bbdc91f55294": CodePath(("code1",))}
    assert [s.name for s in doc.sets] == ["code group 1"]
    assert any("code group 1" in w for w in doc.warnings)


def test_taguette_codebook_with_empty_sets_is_read_though_the_schema_rejects_it() -> None:
    assert schema_errors(TAGUETTE_QDC.read_bytes(), "codebook")  # the file is invalid...
    book = read_qdc(TAGUETTE_QDC)  # ...and still imports
    assert [c.name for c in book.codes] == ["interesting", "people", "interesting\\places"]


def test_description_layout_is_readable_and_parses_back() -> None:
    funding = _book().codes[0].children[0]
    text = compose_description(funding)
    assert text == (
        "Money as a reason.\nIncludes in-kind money.\n\n"
        "Inclusion: grants, budgets\n"
        "Exclusion: staff time (use Resources)\n"
        'Example: "the grant made it possible"\n'
        "Keywords: grant; budget"
    )
    assert parse_description(text) == {
        "definition": "Money as a reason.\nIncludes in-kind money.",
        "inclusion": "grants, budgets",
        "exclusion": "staff time (use Resources)",
        "example": '"the grant made it possible"',
        "keywords": ["grant", "budget"],
    }


def test_description_from_other_tools_is_all_definition_and_labels_continue_lines() -> None:
    assert parse_description("Erősen szkeptikus (piros)\nElfogadó (zöld)")["definition"] == (
        "Erősen szkeptikus (piros)\nElfogadó (zöld)"
    )
    parsed = parse_description("Use it.\ninclusion :  a\n  and b\nEXAMPLE: x")
    assert parsed["inclusion"] == "a\n  and b"
    assert parsed["example"] == "x"


def test_write_then_read_keeps_tree_fields_and_colours(tmp_path: Path) -> None:
    path = tmp_path / "book.qdc"
    write_qdc(_book(), path)
    back = read_qdc(path)
    assert [(str(p), c) for p, c in back.walk()] == [(str(p), c) for p, c in _book().walk()]


def test_export_is_schema_valid_utf8_without_bom_lf_upper_hex_and_stable_guids(
    tmp_path: Path,
) -> None:
    first, second = tmp_path / "a.qdc", tmp_path / "b.qdc"
    write_qdc(_book(), first)
    write_qdc(_book(), second)
    data = first.read_bytes()
    assert schema_errors(data, "codebook") == []
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
    assert data == second.read_bytes()  # deterministic GUIDs: re-exports diff cleanly
    root = etree.fromstring(data)
    assert root.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    codes = list(root.iter("{urn:QDA-XML:codebook:1.0}Code"))
    assert len(codes) == 4
    assert all(GUID.match(c.get("guid")) for c in codes)
    assert len({c.get("guid") for c in codes}) == 4
    assert [c.get("color") for c in codes if c.get("color")] == ["#0072B2", "#E69F00"]


def test_an_empty_codebook_cannot_be_exported(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="at least one code"):
        write_qdc(Codebook(name="empty"), tmp_path / "x.qdc")
    assert not (tmp_path / "x.qdc").exists()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("#46AA00", "#46aa00"),
        ("#abc", "#aabbcc"),
        ("46AA00", "#46aa00"),
        ("rgb(70, 170, 0)", "#46aa00"),
        ("RGBA(70,170,0,0.5)", "#46aa00"),
        ("#FF46AA00", "#46aa00"),  # .NET ARGB
        ("#46AA00FF", "#46aa00"),  # CSS RRGGBBAA
        ("steelblue", "#4682b4"),
        ("rgb(300, 0, 0)", None),
        ("not a colour", None),
    ],
)
def test_odd_colours_are_normalised(raw: str, expected: str | None) -> None:
    assert normalise_refi_colour(raw) == expected


def test_variant_namespace_bad_colour_and_nameless_code_are_repaired_with_warnings(
    tmp_path: Path,
) -> None:
    path = tmp_path / "odd.qdc"
    path.write_text(
        '<CodeBook xmlns="urn:QDA-XML:codebook:0:4"><Codes>'
        '<Code guid="{AAAAAAAA-0000-0000-0000-000000000001}" name="A" isCodable="true"'
        ' color="puce-ish"><Code guid="aaaaaaaa-0000-0000-0000-000000000002" name=""'
        ' isCodable="false" color="rgb(1,2,3)"/></Code></Codes></CodeBook>',
        encoding="utf-8",
    )
    doc = read_qdc_document(path)
    a = doc.codebook.codes[0]
    assert a.colour is None and a.children[0].colour == "#010203"
    assert a.children[0].name.startswith("unnamed code")
    assert set(doc.code_guids) == {
        "aaaaaaaa-0000-0000-0000-000000000001",
        "aaaaaaaa-0000-0000-0000-000000000002",
    }
    assert len(doc.warnings) == 2


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("<Project/>", "not a .qdc"),
        ('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>', "no codes"),
        ("<CodeBook><Codes>", "not well-formed"),
        (
            '<CodeBook><Codes><Code guid="a" name="x" isCodable="true"/>'
            '<Code guid="A" name="y" isCodable="true"/></Codes></CodeBook>',
            "used by two codes",
        ),
        (
            '<CodeBook><Codes><Code guid="a" name="x" isCodable="true"/></Codes>'
            '<Sets><Set guid="s" name="g"><MemberCode guid="b"/></Set></Sets></CodeBook>',
            "not a code of this codebook",
        ),
    ],
)
def test_bad_qdc_files_are_refused_naming_the_file(
    tmp_path: Path, content: str, problem: str
) -> None:
    path = tmp_path / "bad.qdc"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=problem) as info:
        read_qdc(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)
