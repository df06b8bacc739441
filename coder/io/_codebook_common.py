"""Pieces shared by the codebook readers: problems and their error, name rules, line lookup."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from coder.domain.codebook import CodePath
from coder.errors import InputError


@dataclass(frozen=True, slots=True)
class CodebookProblem:
    """One thing wrong with a codebook file, and the line it is on (1-based) when known."""

    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line is not None else self.message


#: Further problems listed after the first before the rest are counted: a file built to fail
#: (a million duplicate codes) gets a readable message, not a million lines.
MAX_LISTED_PROBLEMS = 50


class CodebookError(InputError):
    """A codebook file is invalid. ``problems`` lists every problem found, in line order.

    ``str(error)`` starts with ``FILE:LINE: first problem``; when there are more, that line
    ends with ``(first of N problems)`` and each further problem follows on its own line in
    the same ``FILE:LINE: problem`` form (the first :data:`MAX_LISTED_PROBLEMS`, then a
    count). ``line`` is the first problem's line.
    """

    def __init__(self, source: str, problems: Sequence[CodebookProblem]) -> None:
        if not problems:
            raise ValueError("a CodebookError needs at least one problem")
        ordered = sorted(problems, key=lambda p: (p.line is None, p.line or 0))
        self.problems: tuple[CodebookProblem, ...] = tuple(ordered)
        first, rest = ordered[0], ordered[1:]
        problem = first.message
        if rest:
            lines = [
                f"{source}:{p.line}: {p.message}"
                if p.line is not None
                else f"{source}: {p.message}"
                for p in rest[:MAX_LISTED_PROBLEMS]
            ]
            if len(rest) > MAX_LISTED_PROBLEMS:
                lines.append(f"{source}: ... and {len(rest) - MAX_LISTED_PROBLEMS:,} more")
            further = "\n".join(lines)
            problem = f"{problem} (first of {len(ordered):,} problems)\n{further}"
        super().__init__(source, problem, line=first.line)


def describe(value: object) -> str:
    """How a wrongly typed value reads in a message ("a list", "a number"...)."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ({value!r})"
    if isinstance(value, dt.date):
        return f"a date ({value.isoformat()})"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def name_key(name: str) -> str:
    """How names are compared: ignoring case and runs of whitespace, as NVivo does."""
    return " ".join(name.split()).casefold()


def normalise_text(value: str) -> str:
    """Text fields keep their inner line breaks; outer whitespace and CRs go."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def closest(
    word: str, options: Iterable[str], hints: Mapping[str, str] | None = None
) -> str | None:
    """The valid option a misspelt key or name most likely meant."""
    if hints and word.lower() in hints:
        return hints[word.lower()]
    matches = difflib.get_close_matches(word.lower(), list(options), n=1, cutoff=0.6)
    return matches[0] if matches else None


class LineInfo:
    """Where a value sits in its file, in the shape of ruamel.yaml's ``.lc`` (0-based).

    Lets readers of other formats (CSV) hand the builder mappings that know their line.
    """

    __slots__ = ("line",)

    def __init__(self, line: int) -> None:
        self.line = line

    def key(self, _key: object) -> tuple[int, int]:
        return (self.line, 0)

    def item(self, _index: int) -> tuple[int, int]:
        return (self.line, 0)


class LocatedDict(dict[str, object]):
    """A mapping read from one line of a file (a CSV row); ``lc`` gives that line."""

    def __init__(self, line: int, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.lc = LineInfo(line - 1)


def format_path(path: CodePath) -> str:
    """``path`` as text that :meth:`CodePath.parse` reads back exactly.

    Unlike ``str(path)`` this also escapes backslashes, so a name ending in ``\\`` survives.
    """
    return "/".join(p.replace("\\", "\\\\").replace("/", "\\/") for p in path.parts)


def line_of_node(node: object) -> int | None:
    lc = getattr(node, "lc", None)
    line = getattr(lc, "line", None)
    return line + 1 if isinstance(line, int) else None


def line_of_key(node: object, key: object, default: int | None) -> int | None:
    try:
        return int(node.lc.key(key)[0]) + 1  # type: ignore[attr-defined]
    except (AttributeError, KeyError, TypeError, IndexError):
        # Keys merged in with `<<:` have no position of their own.
        return default


def line_of_item(node: object, index: int, default: int | None) -> int | None:
    try:
        return int(node.lc.item(index)[0]) + 1  # type: ignore[attr-defined]
    except (AttributeError, KeyError, TypeError, IndexError):
        return default
