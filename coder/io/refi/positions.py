"""Converting selection positions between how tools count and ``coder``'s code points.

The REFI-QDA standard counts Unicode code points of the plain-text file from 0, end exclusive.
NVivo counts UTF-16 code units instead (a character outside the Basic Multilingual Plane, such
as an emoji, counts 2), does not count the byte-order mark, and counts CRLF as 2. ``coder``
stores text normalised (no BOM, LF newlines), so every position is mapped through the raw
text: raw boundary -> units before it (as the tool counted) and -> code points of the
normalised text before it. Arrays, not loops, so a long transcript converts in milliseconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt


class PositionUnit(StrEnum):
    """What a tool's positions count."""

    CODE_POINTS = "code points"
    UTF16 = "UTF-16 code units"


@dataclass(frozen=True)
class Interpretation:
    """One way a file's positions may have been counted."""

    unit: PositionUnit
    bom_counted: bool

    def __str__(self) -> str:
        return f"{self.unit}{', BOM counted' if self.bom_counted else ''}"


class OffsetMap:
    """Maps positions counted in ``unit`` over a raw text to code points of its normalised form.

    ``raw`` is the decoded file text without its byte-order mark but with its original line
    ends; ``bom`` says whether the file had a BOM (which some tools count as position 0).
    Normalisation drops the CR of each CRLF (a lone CR becomes LF, one for one) and a leading
    U+FEFF, as :func:`coder.io.normalise.normalise_text` does.
    """

    def __init__(self, raw: str, interpretation: Interpretation, *, bom: bool = False) -> None:
        cps = np.frombuffer(raw.encode("utf-32-le"), dtype="<u4")
        if interpretation.unit is PositionUnit.UTF16:
            widths = np.where(cps > 0xFFFF, 2, 1)
        else:
            widths = np.ones(len(cps), dtype=np.int64)
        keep = np.ones(len(cps), dtype=np.int64)
        if len(cps) > 1:
            keep[:-1][(cps[:-1] == 0x0D) & (cps[1:] == 0x0A)] = 0
        if len(cps) and cps[0] == 0xFEFF:
            keep[0] = 0
        boundaries = np.concatenate(([0], np.cumsum(widths, dtype=np.int64)))
        normalised = np.concatenate(([0], np.cumsum(keep, dtype=np.int64)))
        if bom and interpretation.bom_counted:
            boundaries = np.concatenate(([0], boundaries + 1))
            normalised = np.concatenate(([0], normalised))
        self._boundaries = boundaries
        self._normalised = normalised
        self.length = int(boundaries[-1])

    def convert(self, positions: Sequence[int]) -> npt.NDArray[np.int64]:
        """Code points of the normalised text; -1 where a position is not a character boundary
        (outside the text, or inside a surrogate pair) under this interpretation."""
        pos = np.asarray(positions, dtype=np.int64)
        idx = np.searchsorted(self._boundaries, pos)
        inside = (pos >= 0) & (idx < len(self._boundaries))
        safe = np.where(inside, idx, 0)
        exact = inside & (self._boundaries[safe] == pos)
        return np.where(exact, self._normalised[safe], -1)


def interpretations(bom: bool) -> list[Interpretation]:
    """The interpretations worth trying, the standard's first."""
    out = [
        Interpretation(PositionUnit.CODE_POINTS, False),
        Interpretation(PositionUnit.UTF16, False),
    ]
    if bom:
        out += [
            Interpretation(PositionUnit.CODE_POINTS, True),
            Interpretation(PositionUnit.UTF16, True),
        ]
    return out


def is_word_boundary(text: str, position: int) -> bool:
    """True unless ``position`` falls between two letters or digits (inside a word)."""
    if position <= 0 or position >= len(text):
        return True
    return not (text[position - 1].isalnum() and text[position].isalnum())


def boundary_score(text: str, positions: npt.NDArray[np.int64]) -> tuple[int, int]:
    """(positions on word boundaries, positions that are valid at all) for ``text``."""
    valid = positions[positions >= 0]
    on_boundary = sum(1 for p in valid.tolist() if is_word_boundary(text, p))
    return on_boundary, len(valid)
