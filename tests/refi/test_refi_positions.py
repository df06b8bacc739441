"""Position conversion: UTF-16 units, BOM and CRLF mapped to code points of normalised text."""

from __future__ import annotations

from coder.io.normalise import normalise_text
from coder.io.refi.positions import Interpretation, OffsetMap, PositionUnit

RAW = "Hi \U0001f600 there\r\nok 😀 end"  # an emoji (2 UTF-16 units), a CRLF
NORM = normalise_text(RAW)


def test_utf16_positions_map_past_emoji_and_crlf() -> None:
    m = OffsetMap(RAW, Interpretation(PositionUnit.UTF16, False), bom=True)
    # "there" starts at unit 6 (H,i,space,2 for emoji,space); "ok" after CRLF at unit 13.
    start, end, ok = m.convert([6, 11, 13]).tolist()
    assert NORM[start:end] == "there"
    assert NORM[ok : ok + 2] == "ok"
    assert m.convert([4]).tolist() == [-1]  # inside the surrogate pair: not a boundary


def test_code_point_positions_and_counted_bom() -> None:
    points = OffsetMap(RAW, Interpretation(PositionUnit.CODE_POINTS, False), bom=True)
    start, end = points.convert([5, 10]).tolist()
    assert NORM[start:end] == "there"
    counted = OffsetMap(RAW, Interpretation(PositionUnit.CODE_POINTS, True), bom=True)
    start, end = counted.convert([6, 11]).tolist()
    assert NORM[start:end] == "there"


def test_end_of_text_and_outside() -> None:
    m = OffsetMap(RAW, Interpretation(PositionUnit.CODE_POINTS, False))
    assert m.convert([len(RAW), len(RAW) + 1, -1]).tolist() == [len(NORM), -1, -1]
