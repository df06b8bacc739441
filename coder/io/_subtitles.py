"""WebVTT and SubRip (.srt) transcripts: cues, speakers, and speaker turns.

Timing lines, cue numbers and identifiers, NOTE/STYLE/REGION blocks and markup (``<v Name>``,
``<i>``, ``<c.class>``, inline timestamps, ``{\\an8}``) are dropped; the speech is kept. The
speaker of a cue comes from a ``<v Name>`` voice tag or a leading ``Name:`` label. A label is
only taken for a speaker when it names one: when the same label starts two or more cues, or
when the first cue is labelled (a transcript labels its first speaker); otherwise "Today:
evidence." stays speech. A cue with neither continues the current speaker's turn, as
transcripts label a speaker only when the speaker changes. Consecutive cues of the same
speaker merge into one turn; turns are joined by blank lines and become units of kind
``turn``. Each turn's text opens with its speaker's label, ``Name: speech``, so the text itself
says who speaks (exports, other tools, running-text speaker detection on a re-import); the
turn's span covers the label, as turns found in running text do, and its times are its first
cue's start and its last cue's end.

A file in which no cue names a speaker has no turns: its cues become one line each.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass

from coder.domain.documents import AttributeValue, Unit, UnitKind
from coder.io._common import FormatProblem

# Liberal in what it accepts: Microsoft Teams writes "0:0:0.210" where WebVTT wants 00:00.210.
_VTT_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{1,2})\.(\d{1,3})"
_VTT_TIMING = re.compile(rf"^\s*{_VTT_TIME}[ \t]+-->[ \t]+{_VTT_TIME}(?:[ \t]+.*)?$")
_SRT_TIME = r"(\d{1,3}):(\d{1,2}):(\d{1,2})[,.](\d{1,3})"
_SRT_TIMING = re.compile(rf"^\s*{_SRT_TIME}[ \t]*-->[ \t]*{_SRT_TIME}(?:[ \t]+.*)?$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?[ \t]+([^>]+)>")
_TAG = re.compile(r"<[^>]*>")
_ASS_TAG = re.compile(r"\{\\[^}]*\}")
# "Alice:", "Dr Jones:", "INTERVIEWER:", "P03:" at the start of a cue: up to four words.
_LABEL = re.compile(r"^([^\W\d_][\w.'’-]*(?:[ \t][\w.'’-]+){0,3}):[ \t]+(?=\S)")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Cue:
    """One subtitle cue: times in seconds, the speaker if named, the plain speech.

    ``label`` is a leading ``Name:`` taken off ``text``; :func:`cues_to_text` decides whether
    it names a speaker.
    """

    start: float
    end: float
    speaker: str | None
    text: str
    label: str | None = None


def parse_vtt(text: str) -> list[Cue]:
    """Cues of a WebVTT file (normalised text). Raises :class:`FormatProblem` when malformed."""
    first = text.split("\n", 1)[0]
    if not re.match(r"WEBVTT(?:[ \t]|$)", first):
        raise FormatProblem("missing WEBVTT header on the first line", line=1)
    cues: list[Cue] = []
    for index, (line_no, lines) in enumerate(_vtt_blocks(text)):
        if index == 0:
            continue  # the header block: WEBVTT and optional metadata lines
        if re.match(r"(?:NOTE|STYLE|REGION)(?:[ \t]|$)", lines[0]):
            continue
        timing_at = 0 if "-->" in lines[0] else 1
        if timing_at >= len(lines) or "-->" not in lines[timing_at]:
            raise FormatProblem("cue without a timing line", line=line_no)
        match = _VTT_TIMING.match(lines[timing_at])
        if match is None:
            raise FormatProblem(
                f"malformed cue timing {lines[timing_at].strip()!r}", line=line_no + timing_at
            )
        start, end = _seconds(match.groups()[:4]), _seconds(match.groups()[4:])
        if end < start:
            raise FormatProblem("cue ends before it starts", line=line_no + timing_at)
        cue = _cue(start, end, lines[timing_at + 1 :])
        if cue is not None:
            cues.append(cue)
    return cues


def parse_srt(text: str) -> list[Cue]:
    """Cues of a SubRip file (normalised text). Raises :class:`FormatProblem` when malformed."""
    cues: list[Cue] = []
    for line_no, lines in _blocks(text):
        head = lines[0].strip()
        timing_at = 1 if head.isdigit() else 0
        if timing_at >= len(lines) or "-->" not in lines[timing_at]:
            if timing_at == 0 and cues:
                # A blank line inside a cue's text: the block continues the previous cue.
                extra = _cue(cues[-1].start, cues[-1].end, lines)
                if extra is not None:
                    last = cues.pop()
                    more = extra.text if extra.label is None else f"{extra.label}: {extra.text}"
                    cues.append(
                        Cue(last.start, last.end, last.speaker, f"{last.text} {more}", last.label)
                    )
                continue
            raise FormatProblem("expected a cue number and a timing line", line=line_no)
        match = _SRT_TIMING.match(lines[timing_at])
        if match is None:
            raise FormatProblem(
                f"malformed cue timing {lines[timing_at].strip()!r}", line=line_no + timing_at
            )
        groups = match.groups()
        start, end = _seconds(groups[:4]), _seconds(groups[4:])
        if end < start:
            raise FormatProblem("cue ends before it starts", line=line_no + timing_at)
        cue = _cue(start, end, lines[timing_at + 1 :])
        if cue is not None:
            cues.append(cue)
    return cues


def cues_to_text(cues: list[Cue]) -> tuple[str, list[Unit], dict[str, AttributeValue]]:
    """Document text, speaker-turn units and attributes for a list of cues."""
    if not cues:
        raise FormatProblem("no cues with text")
    cues = _resolve_labels(cues)
    attributes: dict[str, AttributeValue] = {
        "start_time": _clock(cues[0].start),
        "end_time": _clock(max(c.end for c in cues)),
    }
    if all(c.speaker is None for c in cues):
        return "\n".join(c.text for c in cues), [], attributes

    turns: list[tuple[str | None, list[Cue]]] = []
    for cue in cues:
        speaker = cue.speaker if cue.speaker is not None else (turns[-1][0] if turns else None)
        if turns and turns[-1][0] == speaker:
            turns[-1][1].append(cue)
        else:
            turns.append((speaker, [cue]))

    parts: list[str] = []
    units: list[Unit] = []
    pos = 0
    for speaker, said in turns:
        speech = " ".join(c.text for c in said)
        if speaker is not None:
            speech = f"{speaker}: {speech}"
        if parts:
            pos += 2  # the blank line between turns
        start, end = said[0].start, max(c.end for c in said)
        units.append(Unit(UnitKind.TURN, pos, pos + len(speech), speaker, start, end))
        parts.append(speech)
        pos += len(speech)
    speakers = list(dict.fromkeys(s for s, _ in turns if s is not None))
    attributes["speakers"] = ", ".join(speakers)
    return "\n\n".join(parts), units, attributes


def _resolve_labels(cues: list[Cue]) -> list[Cue]:
    """Turn ``Name:`` labels into speakers where they name one, back into speech elsewhere."""
    counts = Counter(c.label for c in cues if c.label is not None)
    first_labelled = cues[0].speaker is not None or cues[0].label is not None
    resolved = []
    for cue in cues:
        if cue.label is None:
            resolved.append(cue)
        elif first_labelled or counts[cue.label] >= 2:
            resolved.append(Cue(cue.start, cue.end, cue.label, cue.text))
        else:
            resolved.append(Cue(cue.start, cue.end, cue.speaker, f"{cue.label}: {cue.text}"))
    return resolved


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Blocks of non-blank lines with the 1-based line number of their first line."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def _vtt_blocks(text: str) -> list[tuple[int, list[str]]]:
    """:func:`_blocks`, and a new block at each timing line after a block's first lines: some
    writers (youtube-dl) leave out the blank line before a cue, and its timing line is no
    speech."""
    blocks: list[tuple[int, list[str]]] = []
    for line_no, lines in _blocks(text):
        first = 0
        for at in range(1, len(lines)):
            # A timing line second in a block follows the cue's identifier, unless the block
            # opened with a timing line.
            if (at - first >= 2 or "-->" in lines[first]) and _VTT_TIMING.match(lines[at]):
                blocks.append((line_no + first, lines[first:at]))
                first = at
        blocks.append((line_no + first, lines[first:]))
    return blocks


def _cue(start: float, end: float, lines: list[str]) -> Cue | None:
    raw = " ".join(lines)
    voice = _VOICE.search(raw)
    speaker = voice.group(1).strip() if voice else None
    speech = html.unescape(_TAG.sub("", _ASS_TAG.sub("", raw)))
    speech = _SPACES.sub(" ", speech).strip()
    label = None
    if speaker is None:
        match = _LABEL.match(speech)
        if match is not None:
            label = match.group(1)
            speech = speech[match.end() :]
    if not speech:
        return None
    return Cue(start, end, speaker or None, speech, label)


def _seconds(parts: tuple[str | None, ...]) -> float:
    hours, minutes, seconds, millis = (int(p) if p else 0 for p in parts)
    # SRT writes milliseconds with up to three digits; "5" after the comma is 500 ms.
    fraction = millis / 10.0 ** len(parts[3] or "0")
    return hours * 3600 + minutes * 60 + seconds + fraction


def _clock(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"
