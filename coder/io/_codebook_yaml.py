"""Loading and writing the YAML and JSON codebook formats (same structure, two syntaxes)."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from coder.domain.codebook import Codebook, CodePath
from coder.io._codebook_common import CodebookProblem
from coder.io._codebook_parse import codebook_from_data, codebook_to_data

YAML_HEADER = (
    "A codebook for coder. The format is described in codebooks/README.md.\n"
    "Edit it freely: indent with spaces, and keep colours in quotes."
)


def _mark_line(mark: object) -> int | None:
    line = getattr(mark, "line", None)
    return line + 1 if isinstance(line, int) else None


def _yaml_error(error: YAMLError, text: str) -> CodebookProblem:
    """One readable problem for a ruamel.yaml exception."""
    if isinstance(error, DuplicateKeyError):
        match = re.search(r'duplicate key "(.*?)"', str(error.problem))
        key = match.group(1) if match else "?"
        first = _mark_line(error.context_mark)
        also = f" (the mapping starts on line {first})" if first else ""
        return CodebookProblem(
            _mark_line(error.problem_mark), f"the key '{key}' appears twice in one mapping{also}"
        )
    if isinstance(error, MarkedYAMLError):
        problem = str(error.problem or "not valid YAML").strip()
        if "\\t" in problem or "\t" in problem:
            problem += " (indent with spaces: YAML does not allow tabs there)"
        if "mapping values are not allowed" in problem:
            problem += " (text containing ': ' must be put in quotes)"
        context = str(error.context or "").strip()
        context_line = _mark_line(error.context_mark)
        if context and context_line and context_line != _mark_line(error.problem_mark):
            problem += f" ({context} that starts on line {context_line})"
        line = _mark_line(error.problem_mark) or _mark_line(error.context_mark)
        return CodebookProblem(line, f"YAML syntax error: {problem}")
    position = getattr(error, "position", None)
    line = text.count("\n", 0, position) + 1 if isinstance(position, int) else None
    return CodebookProblem(line, f"not readable as YAML: {error}")


#: Deepest nesting of mappings and lists a codebook may have (each level of codes takes two:
#: the code's mapping and its ``codes`` list). The YAML parser slows down with the square of
#: the depth (5,000 levels take minutes), so deeper text is refused before it is loaded.
MAX_NESTING = 100
#: Most aliases (``*name``) a codebook may use: each may stand for a whole subtree, and
#: aliases of aliases multiply (the "billion laughs"), so a few are allowed, not thousands.
MAX_ALIASES = 200
#: Most values (mappings, lists, scalars) a codebook may hold once its aliases are expanded:
#: 30 aliases that each repeat the one before twice stand for a billion codes.
MAX_EXPANDED_VALUES = 200_000


_BRACKETS = re.compile(r"[\[\]{}]")


class _Refused(Exception):
    """The structure of the text is refused before loading (too deep, too many aliases)."""

    def __init__(self, problem: CodebookProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _flow_depth_problem(text: str) -> CodebookProblem | None:
    """Flow collections (``[[[...``) nested past :data:`MAX_NESTING`, counted by brackets.

    ruamel.yaml's scanner takes seconds to give the first event of such text (every open
    bracket may start a key, and each is checked again at every token), so brackets are
    counted line by line first. A line starting in the first column (a top-level key) starts
    the count again, so brackets in the text of definitions cannot add up across a file.
    """
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line[:1].isalnum() or line[:1] in "\"'":
            depth = 0
        for bracket in _BRACKETS.finditer(line):
            depth = depth + 1 if bracket.group() in "[{" else max(depth - 1, 0)
            if depth > MAX_NESTING:
                return CodebookProblem(number, _too_deep())
    return None


def _too_deep() -> str:
    return f"nested more than {MAX_NESTING} levels deep (lists and mappings): refused"


def _alias_cycle_lines(text: str) -> list[int]:
    """Lines of aliases (``*name``) that point at a mapping or list they are inside.

    ruamel.yaml quietly loads such an alias as ``null``, so the cycle is found on the
    event stream, where the enclosing collections' anchors are still open. The same pass
    refuses (:class:`_Refused`) nesting deeper than :data:`MAX_NESTING` and more than
    :data:`MAX_ALIASES` aliases, as soon as it meets them.
    """
    flow = _flow_depth_problem(text)
    if flow is not None:
        raise _Refused(flow)
    open_anchors: list[str | None] = []
    lines: list[int] = []
    aliases = 0
    for event in YAML(typ="rt").parse(text):
        if isinstance(event, MappingStartEvent | SequenceStartEvent):
            open_anchors.append(event.anchor)
            if len(open_anchors) > MAX_NESTING:
                raise _Refused(CodebookProblem(_mark_line(event.start_mark), _too_deep()))
        elif isinstance(event, MappingEndEvent | SequenceEndEvent):
            open_anchors.pop()
        elif isinstance(event, AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise _Refused(
                    CodebookProblem(
                        _mark_line(event.start_mark),
                        f"more than {MAX_ALIASES} aliases (*name): refused",
                    )
                )
            if event.anchor in open_anchors:
                lines.append(_mark_line(event.start_mark) or 1)
    return lines


def _expanded_size(data: object, limit: int) -> int:
    """How many values ``data`` holds with every alias expanded, counted up to ``limit`` + 1.

    Each mapping or list is counted once and its size remembered, so a chain of aliases of
    aliases is measured in linear time without being expanded. A cycle (an alias inside what
    it names) counts as one value; cycles are reported on their own.
    """
    sizes: dict[int, int] = {}

    def size(value: object) -> int:
        if not isinstance(value, Mapping | list):
            return 1
        known = sizes.get(id(value))
        if known is not None:
            return known
        sizes[id(value)] = 1  # a cycle back to here counts once
        items = value.values() if isinstance(value, Mapping) else value
        total = 1
        for item in items:
            total += size(item)
            if total > limit:
                break
        sizes[id(value)] = total
        return total

    try:
        return size(data)
    except RecursionError:
        return limit + 1


def load_yaml(text: str, default_name: str) -> tuple[Codebook, list[CodebookProblem]]:
    """Parse and validate a YAML codebook."""
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        return Codebook(name=default_name), [CodebookProblem(1, "the file is empty")]
    try:
        cycle_lines = _alias_cycle_lines(text)
        data = YAML(typ="rt").load(text)
    except _Refused as refused:
        return Codebook(name=default_name), [refused.problem]
    except YAMLError as error:
        return Codebook(name=default_name), [_yaml_error(error, text)]
    except RecursionError:
        return Codebook(name=default_name), [CodebookProblem(None, "the codes nest too deeply")]
    if _expanded_size(data, MAX_EXPANDED_VALUES) > MAX_EXPANDED_VALUES:
        return Codebook(name=default_name), [
            CodebookProblem(
                None,
                f"its aliases (*name) expand to more than {MAX_EXPANDED_VALUES:,} values: refused",
            )
        ]
    problems = [
        CodebookProblem(line, "cycle: this alias (*) refers to a code that contains it")
        for line in cycle_lines
    ]
    book, more = codebook_from_data(
        data,
        default_name=default_name,
        source_lines=text.splitlines(),
        alias_cycle_lines=cycle_lines,
    )
    return book, problems + more


def load_json(text: str, default_name: str) -> tuple[Codebook, list[CodebookProblem]]:
    """Parse and validate a JSON codebook (the YAML structure written as JSON)."""
    if not text.strip():
        return Codebook(name=default_name), [CodebookProblem(1, "the file is empty")]
    try:
        plain = json.loads(text)
    except json.JSONDecodeError as error:
        return Codebook(name=default_name), [
            CodebookProblem(error.lineno, f"JSON syntax error: {error.msg} (column {error.colno})")
        ]
    except RecursionError:
        return Codebook(name=default_name), [CodebookProblem(None, "the codes nest too deeply")]
    # JSON is YAML 1.2, so ruamel.yaml can load it again to learn each value's line. Should it
    # disagree with the json module on some corner of the syntax, trust json and drop lines.
    data: object = plain
    try:
        _alias_cycle_lines(text)  # refuses nesting that would take the YAML parser minutes
        with_lines = YAML(typ="rt").load(text)
        if with_lines == plain:
            data = with_lines
    except _Refused as refused:
        return Codebook(name=default_name), [refused.problem]
    except DuplicateKeyError as error:
        return Codebook(name=default_name), [_yaml_error(error, text)]
    except (YAMLError, RecursionError):
        pass
    return codebook_from_data(data, default_name=default_name, source_lines=text.splitlines())


# Words safe to leave unquoted inside [...]: ruamel.yaml 0.19 writes some flow items, such as
# "?0", without the quotes they need, so anything less plain than this is double-quoted.
_PLAIN_FLOW_ITEM = re.compile(r"^[^\W_][\w '.&-]*$")


def _for_yaml(value: Any, key: str | None = None) -> Any:
    """Plain data -> ruamel objects chosen for a readable file."""
    if isinstance(value, Mapping):
        mapping = CommentedMap()
        for k, v in value.items():
            mapping[k] = _for_yaml(v, k)
        return mapping
    if isinstance(value, list):
        if key == "keywords":
            keywords = CommentedSeq(
                v if _PLAIN_FLOW_ITEM.match(v) else DoubleQuotedScalarString(v) for v in value
            )
            keywords.fa.set_flow_style()  # keywords: [impact, relevance]
            return keywords
        return CommentedSeq(_for_yaml(v) for v in value)
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)
    return value


def render_yaml(codebook: Codebook, counts: Mapping[CodePath, int] | None) -> str:
    """The codebook as YAML: literal blocks for multi-line text, a blank line between themes."""
    document = _for_yaml(codebook_to_data(codebook, counts))
    document.yaml_set_start_comment(YAML_HEADER)
    codes = document["codes"]
    for index in range(1, len(codes)):
        codes.yaml_set_comment_before_after_key(index, before="\n")
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    # No folding: long lines stay whole, and text editors wrap them for display.
    yaml.width = 1_000_000
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    return buffer.getvalue()


def render_json(codebook: Codebook, counts: Mapping[CodePath, int] | None) -> str:
    """The codebook as JSON, indented by two spaces, non-ASCII kept as is."""
    return json.dumps(codebook_to_data(codebook, counts), indent=2, ensure_ascii=False) + "\n"
