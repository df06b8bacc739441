"""The NVivo 12 sample: UTF-16 positions, BOM and CRLF text files, emoji.

NVivo counts UTF-16 code units, leaves the BOM out and counts CRLF as two; ``coder`` stores the
text without BOM and with LF and counts code points. Every selection must land on the text
NVivo showed.
"""

from __future__ import annotations

import zipfile

import pytest
from lxml import etree

from coder.io.refi import PositionUnit, RefiProject, read_qdpx
from coder.io.refi.positions import is_word_boundary
from tests.refi.refi_helpers import NVIVO

NS = {"q": "urn:QDA-XML:project:1.0"}

# Chosen by eye in the source file (Sources/68bbdc14-....txt) and the project.qde.
EXPECTED_TEXT = {
    "7154a758-6873-4134-badd-ae1dc04d3086": (
        "Senkit nem lehet kötelezni oltásra, ilyet csak ostoba korlátolt agyi kapacitással"
        " rendelkező emberhulladék hozhat aki nem szaporodhat és nem élhet."
    ),
    "a9504413-3306-4dbc-a6dd-ae1dc06dbff2": "tudatos hal äl reklám, hatalmas árulás",
    "9f0c4d6a-4e3b-48d3-aadd-ae1dc1cd3cb8": "hatékony a lófaszt. a főlótetű is él még",
    # The last selection of the file, after ~900 emoji: four of them are in it.
    "3c23e29e-8f82-4fae-88dd-ae1f25876826": (
        "@@szilagyitamas2823 És milyen igazad lett!\u261d\ufe0f\U0001f44c\U0001f44d\U0001f44d"
        "\U0001f44d\n"
    ),
}

# Where the coder's own mouse missed a word edge in NVivo ("A|KI", "J|avitsatok",
# "hiede|lem"): the neighbouring selections prove the alignment is right there.
HUMAN_MISSES = {
    ("6db718ec-4186-488b-83dd-ae1dc0942aaa", "end"),
    ("1f7cdeb8-49ab-4a96-bbdd-ae1dc2115ce2", "start"),
    ("9ee54e83-9c9d-4bf3-b1dd-ae1dc26ef856", "end"),
}


@pytest.fixture(scope="module")
def nvivo() -> RefiProject:
    return read_qdpx(NVIVO)


def test_counts_and_detected_unit(nvivo: RefiProject) -> None:
    assert nvivo.origin == "NVivo for Windows 12.6"
    assert nvivo.position_unit == PositionUnit.UTF16
    assert len(nvivo.sources) == 2
    assert len(nvivo.code_guids) == 152
    assert len(nvivo.selections) == 303
    assert sum(len(s.codings) for s in nvivo.selections) == 303
    assert nvivo.warnings == []


def test_texts_are_normalised_like_every_coder_document(nvivo: RefiProject) -> None:
    for source in nvivo.sources:
        assert not source.text.startswith("\ufeff")
        assert "\r" not in source.text
        assert source.text_path is not None and source.text_path.startswith("sources/")


def test_chosen_selections_have_the_text_nvivo_showed(nvivo: RefiProject) -> None:
    texts = {}
    for source in nvivo.sources:
        for sel in source.selections:
            texts[sel.guid] = source.text[sel.start : sel.end]
    for guid, expected in EXPECTED_TEXT.items():
        assert texts[guid] == expected


def test_every_selection_matches_a_utf16_slice_of_the_raw_file(nvivo: RefiProject) -> None:
    """Independent oracle: slice the raw file's UTF-16 encoding with NVivo's own numbers."""
    with zipfile.ZipFile(NVIVO) as zf:
        root = etree.fromstring(zf.read("project.qde"))
        raw_positions = {
            sel.get("guid"): (int(sel.get("startPosition")), int(sel.get("endPosition")))
            for sel in root.iterfind(".//q:PlainTextSelection", NS)
        }
        raw_texts = {
            s.guid: zf.read(f"Sources/{s.guid}.txt").decode("utf-8-sig").encode("utf-16-le")
            for s in nvivo.sources
        }
    checked = 0
    for source in nvivo.sources:
        for sel in source.selections:
            start, end = raw_positions[sel.guid]
            nvivo_text = raw_texts[source.guid][2 * start : 2 * end].decode("utf-16-le")
            assert source.text[sel.start : sel.end] == nvivo_text.replace("\r\n", "\n")
            checked += 1
    assert checked == 303


def test_selections_start_and_end_on_word_boundaries(nvivo: RefiProject) -> None:
    misses = set()
    for source in nvivo.sources:
        for sel in source.selections:
            for edge, pos in (("start", sel.start), ("end", sel.end)):
                if not is_word_boundary(source.text, pos):
                    misses.add((sel.guid, edge))
    assert misses == HUMAN_MISSES


def test_codings_keep_their_creating_user(nvivo: RefiProject) -> None:
    names = nvivo.user_names()
    assert set(names.values()) == {"Gergo", "floriansipos"}
    coders = {names[c.user_guid] for s in nvivo.selections for c in s.codings if c.user_guid}
    assert coders == {"Gergo"}
