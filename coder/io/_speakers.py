"""Speaker turns in running text: paragraphs that open with a speaker's label.

Transcripts typed in a word processor or exported by transcription tools label each speaker's
paragraph: ``Interviewer:``, ``JANE DOE:``, ``[Jane]``, ``**Jane:**`` (Markdown),
``Jane (00:01:02):``, ``Jane [00:01:02]:``, ``[00:01:02] Jane:``, ``**Jane:** \\[04:04\\]``
(a time right after the label, as the Changelog's transcripts write it), or a line
``Jane Doe  0:03`` alone above the speech (Otter, Zoom). :func:`find_turns` finds them at the
start of lines and makes one turn unit per label. The label stays in the text and the turn's
span starts at it: a turn runs from its label to the end of the last paragraph before the next
label, so paragraphs without a label continue the current speaker's turn, a one-paragraph turn
is exactly its paragraph unit, and a code applied to a whole turn includes who spoke, as in
NVivo's coding by paragraph. Text before the first label (a title, a header) is in no turn.

Deciding that a text is a transcript (``speakers="auto"``):

- a label is a name of one to five words, at most 40 characters, whose words start with a
  capital letter, a digit or a letter of a script without case (name particles such as "de" or
  "van" excepted; any case in brackets, "[id1]"), so "The researcher said:" is no label;
  words that open headings, notes and metadata rather than speech ("Note", "Example",
  "Figure", "Date", "Summary", "[Laughter]" ...) are never labels;
- there are at least two speakers, and some speaker's label recurs (a structured abstract's
  "Purpose: / Design: / Findings:" never does);
- and either at least half of the paragraphs open with a label, or at least two speakers take
  two or more turns each, the speaker changes at least every other label, and a tenth of the
  paragraphs are labelled (long answers of many paragraphs).

Speakers are compared without regard to case or runs of spaces ("INTERVIEWER" and "Interviewer"
are one person) and named as first written. The time in a label is the turn's ``time_start``
(seconds); text gives no end time.

``speakers="none"`` finds no turns; any other value is a regular expression matched at the
start of each line, whose first group (or the group named ``speaker``) is the speaker and
whose optional group named ``time`` is a time; every match is a turn, with no threshold.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass

from coder.domain.documents import Unit, UnitKind
from coder.io._common import FormatProblem

SPEAKERS_AUTO, SPEAKERS_NONE = "auto", "none"

_T = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
# A word of a name: a letter first, or a number that is not the start of a time ("Speaker 1:"
# is a name, "Jane 00:01:02:" is a name and a time).
_WORD = r"(?:[^\W\d_][\w.'’-]*|\d+(?![\d:]))"
_NAME = rf"{_WORD}(?:[ \t]+{_WORD}){{0,4}}"


def _time_part(group: str) -> str:
    return rf"(?:\((?P<{group}>{_T})\)|\[(?P<{group}b>{_T})\]|(?P<{group}c>{_T}))"


_LABEL = re.compile(
    rf"""
    [ \t]*
    (?:\\?[\[(]?(?P<lead>{_T})\\?[\])]?[ \t]+)?                  # [00:01:02] Jane: ...
    (?:
        \*\*(?P<bold>{_NAME})(?:[ \t]*{_time_part("t1")})?
            (?:[:：]\*\*|[ \t]*\*\*[ \t]*[:：])                          # **Jane:** or **Jane**:
      | \[(?P<bracket>{_NAME})\](?:[ \t]*{_time_part("t2")})?:?  # [Jane] ... / [Jane] 10:02:03
      | (?P<plain>{_NAME})(?:[ \t]*{_time_part("t3")})?[ \t]*[:：]  # Jane: / Jane (00:01:02):
      | (?P<timed>{_NAME})[ \t]+{_time_part("t4")}(?=[ \t]*$)    # Jane Doe  0:03 (line alone)
    )
    (?:[ \t]+\\?\[(?P<after>{_T})\\?\](?=[ \t]|$))?             # **Jane:** \[04:04\] ...
    (?=[ \t]|$|(?<=：))
    """,
    re.VERBOSE,
)
_NAME_GROUPS = ("bold", "bracket", "plain", "timed")
_TIME_GROUPS = ("lead", *(f"t{n}{s}" for n in range(1, 5) for s in ("", "b", "c")), "after")

MAX_NAME_LENGTH = 40


# Lower-case words that may stand inside a name: "Maria de la Cruz", "Vincent van Gogh".
def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_PARTICLES = _word_set(
    "al bin bint da das de del della der di dos du el la le st ten ter van von y zu"
)
# Words that open headings, notes, metadata and stage directions rather than speech.
_NOT_SPEAKERS = _word_set(
    """
    abstract address age aim aims appendix applause approach author authors
    background bcc beep break caution cc chapter code comment comments conclusion conclusions
    context copyright coughs crosstalk date day definition design disclaimer discussion doi
    duration e-mail edit edited editor email end example examples fig figure findings gender
    goal goals hint implications important inaudible interruption introduction isbn issue
    keywords laughing laughs laughter limitations location method methodology methods music
    n.b nb name noise note notes objective objectives occupation originality overlapping
    overtalk page pages part pause phone place ps p.s publisher purpose re recommendations
    redacted reference references result results section see session setting sic sighs silence
    source sources start status step subject summary table tags tel time tip title to topic
    transcriber transcript transcription translation unclear unintelligible update url value
    version volume warning website week
    """
)


@dataclass(frozen=True, slots=True)
class _Label:
    start: int  # where the turn starts: the first non-space character of the line
    speaker: str
    time: float | None


def find_turns(text: str, speakers: str = SPEAKERS_AUTO) -> list[Unit]:
    """Speaker turns of ``text`` (normalised: LF newlines) as units of kind ``turn``.

    ``speakers`` is ``"auto"`` (find labelled paragraphs when the text reads as a transcript),
    ``"none"`` (no turns) or a regular expression (see the module docstring). Raises
    :class:`~coder.io._common.FormatProblem` for a pattern that does not compile or has no
    group for the speaker.
    """
    if speakers == SPEAKERS_NONE:
        return []
    if speakers == SPEAKERS_AUTO:
        labels, paragraphs = _auto_labels(text)
        if not _reads_as_transcript(labels, paragraphs):
            return []
    else:
        labels = _pattern_labels(text, compile_speaker_pattern(speakers))
    return _turns(text, labels)


def compile_speaker_pattern(pattern: str) -> re.Pattern[str]:
    """A ``--speakers`` pattern compiled, or :class:`FormatProblem` saying what is wrong."""
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise FormatProblem(
            f"--speakers pattern {pattern!r} is not a regular expression: {exc}"
        ) from exc
    if compiled.groups == 0:
        raise FormatProblem(
            f"--speakers pattern {pattern!r} needs a group (...) around the speaker's name"
        )
    return compiled


def speaker_key(name: str) -> str:
    """What two spellings of one speaker share: case and runs of spaces ignored."""
    return " ".join(name.split()).casefold()


def parse_time(value: str) -> float:
    """Seconds in ``h:mm:ss``, ``mm:ss`` or ``m:ss``, with optional ``.mmm`` or ``,mmm``."""
    clock, _, fraction = value.replace(",", ".").partition(".")
    seconds = 0.0
    for part in clock.split(":"):
        seconds = seconds * 60 + int(part)
    return seconds + (float(f"0.{fraction}") if fraction else 0.0)


def _lines(text: str) -> list[tuple[int, str]]:
    """Each line with the offset where it starts."""
    out = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _auto_labels(text: str) -> tuple[list[_Label], int]:
    """Labels at line starts, and the number of paragraphs (blocks split at labels).

    A text without blank lines has one paragraph per line, as word processors export it.
    """
    lines = _lines(text)
    per_line = "\n\n" not in text and not re.search(r"\n[ \t]+\n", text)
    labels: list[_Label] = []
    paragraphs = 0
    after_blank = True
    for pos, line in lines:
        if not line.strip():
            after_blank = True
            continue
        label = _label_of(pos, line) if _could_be_label(line) else None
        if label is not None:
            labels.append(label)
        if after_blank or per_line or label is not None:
            paragraphs += 1
        after_blank = False
    return labels, paragraphs


def _could_be_label(line: str) -> bool:
    """A cheap test before the regular expression: a colon, bracket or bold opening."""
    return ":" in line or "：" in line or "[" in line[:3]


def _label_of(pos: int, line: str) -> _Label | None:
    match = _LABEL.match(line)
    if match is None:
        return None
    group = next(g for g in _NAME_GROUPS if match.group(g) is not None)
    name = _speaker_name(match.group(group), bracketed=group == "bracket")
    if name is None:
        return None
    time = next((match.group(g) for g in _TIME_GROUPS if match.group(g) is not None), None)
    indent = len(line) - len(line.lstrip(" \t"))
    return _Label(pos + indent, name, parse_time(time) if time else None)


def _speaker_name(raw: str, *, bracketed: bool = False) -> str | None:
    """``raw`` as a speaker's name (spaces collapsed), or None when it cannot be one.

    A name in brackets may be lower case ("[id1]", as QualCoder's example has it): the
    brackets mark it; stage directions in brackets are among the words never taken."""
    words = raw.split()
    name = " ".join(words)
    if len(name) > MAX_NAME_LENGTH or all(w.isdigit() for w in words):
        return None
    if words[0].rstrip(".").casefold() in _NOT_SPEAKERS or name.casefold() in _NOT_SPEAKERS:
        return None
    for index, word in enumerate(words):
        if word[0].islower() and not bracketed and (index == 0 or word not in _PARTICLES):
            return None
    return name


def _reads_as_transcript(labels: list[_Label], paragraphs: int) -> bool:
    """The threshold of the module docstring: enough labels, of recurring speakers."""
    counts = Counter(speaker_key(label.speaker) for label in labels)
    if len(counts) < 2 or len(labels) <= len(counts):
        return False
    if 2 * len(labels) >= paragraphs:
        return True
    recurring = sum(1 for n in counts.values() if n >= 2)
    keys = [speaker_key(label.speaker) for label in labels]
    changes = sum(1 for a, b in itertools.pairwise(keys) if a != b)
    return recurring >= 2 and 2 * changes >= len(labels) - 1 and 10 * len(labels) >= paragraphs


def _pattern_labels(text: str, pattern: re.Pattern[str]) -> list[_Label]:
    group: int | str = "speaker" if "speaker" in pattern.groupindex else 1
    labels = []
    for pos, line in _lines(text):
        match = pattern.match(line)
        if match is None or not line.strip():
            continue
        speaker = " ".join((match.group(group) or "").split())
        if not speaker:
            continue
        time = match.group("time") if "time" in pattern.groupindex else None
        try:
            seconds = parse_time(time) if time else None
        except ValueError:
            seconds = None
        indent = len(line) - len(line.lstrip())
        labels.append(_Label(pos + indent, speaker, seconds))
    return labels


def _turns(text: str, labels: list[_Label]) -> list[Unit]:
    """One turn per label, to the end of the text before the next label, trailing space off."""
    names: dict[str, str] = {}
    turns = []
    for index, label in enumerate(labels):
        end = labels[index + 1].start if index + 1 < len(labels) else len(text)
        end = len(text[label.start : end].rstrip()) + label.start
        speaker = names.setdefault(speaker_key(label.speaker), label.speaker)
        turns.append(Unit(UnitKind.TURN, label.start, end, speaker, time_start=label.time))
    return turns
