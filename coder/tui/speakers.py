"""A speaker's colour wherever a screen names one beside the text (reconcile, search)."""

from __future__ import annotations

from collections.abc import Sequence

#: Speakers' colours in order of first appearance (the coding screen's ``coded-text--speaker-N``).
SPEAKER_COLOURS = ("$primary", "$warning", "$success", "$error", "$accent", "$secondary")


def speaker_style(name: str, speakers: Sequence[str]) -> str:
    """Bold, in the colour the coding screen gives ``name``: by its place in ``speakers``
    (the document's speakers in order of first appearance), round the palette again.

    On the screen's background, so that the name stays legible on a cursor row, which is
    painted ``$primary``: the first speaker's colour.
    """
    slot = speakers.index(name) if name in speakers else 0
    return f"bold {SPEAKER_COLOURS[slot % len(SPEAKER_COLOURS)]} on $background"
