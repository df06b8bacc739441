"""Text sources of a ``.qdpx`` as the file gives them, and the conversion of their selection
positions into code points of the normalised text.

Tools count positions differently (code points, UTF-16 units, with or without a byte-order
mark, over CRLF or LF text); :func:`choose_interpretation` picks the counting under which the
selections are valid and fall on word boundaries, :func:`convert_source` applies it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coder.domain.documents import AttributeValue
from coder.errors import InputError
from coder.io.refi.model import RefiCoding, RefiSelection, RefiSource
from coder.io.refi.positions import (
    Interpretation,
    OffsetMap,
    PositionUnit,
    boundary_score,
    interpretations,
)


@dataclass
class RawSelection:
    """A selection as the file gives it: positions in the file's own counting."""

    guid: str
    start: int
    end: int
    user: str | None
    codings: list[RefiCoding]
    note_refs: list[str]
    coding_note_refs: dict[str, list[str]]


@dataclass
class RawSource:
    """A text source as the file gives it: raw text, normalised text, raw selections."""

    guid: str
    name: str
    raw: str
    text: str
    bom: bool
    text_path: str | None
    user: str | None
    selections: list[RawSelection] = field(default_factory=list)
    attributes: dict[str, AttributeValue] = field(default_factory=dict)
    note_refs: list[str] = field(default_factory=list)


def choose_interpretation(sources: list[RawSource], origin: str) -> Interpretation:
    """The counting under which selections are valid and fall on word boundaries.

    Ties (the usual case: no emoji, no BOM) go to the producing tool's known habit, then
    to the standard.
    """
    prefer_utf16 = origin.lower().startswith("nvivo")
    any_bom = any(s.bom for s in sources)
    best: tuple[tuple[int, int, int, int], Interpretation] | None = None
    for index, candidate in enumerate(interpretations(any_bom)):
        valid = on_boundary = 0
        for source in sources:
            positions = [p for s in source.selections for p in (s.start, s.end) if p >= 0]
            if not positions:
                continue
            mapping = OffsetMap(source.raw, candidate, bom=source.bom)
            converted = mapping.convert(positions)
            ok, n = boundary_score(source.text, converted)
            on_boundary += ok
            valid += n
        habit = int(prefer_utf16 == (candidate.unit is PositionUnit.UTF16))
        score = (valid, on_boundary, habit, -index)
        if best is None or score > best[0]:
            best = (score, candidate)
    assert best is not None
    return best[1]


def convert_source(
    raw: RawSource, interpretation: Interpretation, label: str
) -> tuple[RefiSource, int]:
    """The source with positions in code points of its normalised text, and how many empty
    selections were left out. A position outside the text is an :class:`InputError`."""
    text = raw.text
    mapping = OffsetMap(raw.raw, interpretation, bom=raw.bom)
    selections: list[RefiSelection] = []
    empty = 0
    for sel in raw.selections:
        if sel.end == -1:  # whole-source coding
            start, end = 0, len(text)
        else:
            start, end = (int(v) for v in mapping.convert([sel.start, sel.end]))
            if start < 0 or end < 0:
                bad = sel.start if start < 0 else sel.end
                raise InputError(
                    label,
                    f"source {raw.name!r}: selection {sel.guid} position {bad} is outside"
                    f" the text (0-{mapping.length} {interpretation.unit})",
                )
        if end <= start:
            empty += 1
            continue
        selections.append(
            RefiSelection(
                guid=sel.guid,
                source_guid=raw.guid,
                start=start,
                end=end,
                user_guid=sel.user,
                codings=sel.codings,
            )
        )
    source = RefiSource(
        guid=raw.guid,
        name=raw.name,
        text=text,
        text_path=raw.text_path,
        attributes=raw.attributes,
        selections=selections,
        user_guid=raw.user,
    )
    return source, empty
