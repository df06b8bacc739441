"""Turn loaded codebook data (mappings and lists) into a :class:`Codebook`, collecting problems.

The input is what a YAML or JSON loader produced. When it came from ruamel.yaml the mappings
and lists carry their line numbers (``.lc``), and every problem is reported with its line;
plain ``dict``/``list`` input (an in-memory codebook being validated) gets ``line=None``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from coder.domain.codebook import Codebook, CodeDef, CodePath
from coder.errors import InputError
from coder.io._codebook_colours import closest_colour_name, normalise_colour

TOP_KEYS = ("codebook", "description", "codes")
CODE_KEYS = (
    "name",
    "definition",
    "inclusion",
    "exclusion",
    "example",
    "colour",
    "keywords",
    "children",
    "parent",
    "count",
)
TEXT_FIELDS = ("definition", "inclusion", "exclusion", "example")
KEY_ALIASES = {"color": "colour"}
# Words people reach for that difflib would not map to the right key.
_TOP_HINTS = {"name": "codebook", "title": "codebook", "themes": "codes", "code": "codes"}
_CODE_HINTS = {
    "description": "definition",
    "include": "inclusion",
    "exclude": "exclusion",
    "examples": "example",
    "subcodes": "children",
    "codes": "children",
    "label": "name",
    "title": "name",
}
KEYWORD_SEPARATOR = ";"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_EXCEPT_NEWLINE_TAB = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_UNQUOTED_COLOUR = re.compile(r"colou?r\s*:\s*#", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CodebookProblem:
    """One thing wrong with a codebook file, and the line it is on (1-based) when known."""

    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line is not None else self.message


class CodebookError(InputError):
    """A codebook file is invalid. ``problems`` lists every problem found, in line order.

    ``str(error)`` starts with ``FILE:LINE: first problem``; when there are more, that line
    ends with ``(first of N problems)`` and each further problem follows on its own line in
    the same ``FILE:LINE: problem`` form. ``line`` is the first problem's line.
    """

    def __init__(self, source: str, problems: Sequence[CodebookProblem]) -> None:
        if not problems:
            raise ValueError("a CodebookError needs at least one problem")
        ordered = sorted(problems, key=lambda p: (p.line is None, p.line or 0))
        self.problems: tuple[CodebookProblem, ...] = tuple(ordered)
        first, rest = ordered[0], ordered[1:]
        problem = first.message
        if rest:
            further = "\n".join(
                f"{source}:{p.line}: {p.message}"
                if p.line is not None
                else f"{source}: {p.message}"
                for p in rest
            )
            problem = f"{problem} (first of {len(ordered)} problems)\n{further}"
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


def _node_line(node: object) -> int | None:
    lc = getattr(node, "lc", None)
    line = getattr(lc, "line", None)
    return line + 1 if isinstance(line, int) else None


def _key_line(node: object, key: object, default: int | None) -> int | None:
    try:
        return int(node.lc.key(key)[0]) + 1  # type: ignore[attr-defined]
    except (AttributeError, KeyError, TypeError, IndexError):
        # Keys merged in with `<<:` have no position of their own.
        return default


def _item_line(node: object, index: int, default: int | None) -> int | None:
    try:
        return int(node.lc.item(index)[0]) + 1  # type: ignore[attr-defined]
    except (AttributeError, KeyError, TypeError, IndexError):
        return default


@dataclass(slots=True)
class _Entry:
    """A code listed directly under ``codes``, possibly naming its parent (flat style)."""

    code: CodeDef
    line: int | None
    parent: CodePath | None = None
    parent_text: str = ""
    parent_line: int | None = None


@dataclass
class _Builder:
    source_lines: Sequence[str] = ()
    alias_cycle_lines: frozenset[int] = frozenset()
    problems: list[CodebookProblem] = field(default_factory=list)
    # id(CodeDef) -> line of its name, for messages about duplicates found after assembly.
    code_lines: dict[int, int | None] = field(default_factory=dict)

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append(CodebookProblem(line, message))

    # -- keys ---------------------------------------------------------------------------

    def _keys(
        self,
        node: Mapping[object, object],
        valid: Sequence[str],
        hints: Mapping[str, str],
        where: str,
        line: int | None,
    ) -> dict[str, tuple[object, int | None]]:
        """The mapping's recognised keys (canonical name -> value, line); reports the rest."""
        found: dict[str, tuple[object, int | None]] = {}
        for key, value in node.items():
            key_line = _key_line(node, key, line)
            if not isinstance(key, str):
                self.problem(key_line, f"a key {where} must be a word, not {describe(key)}")
                continue
            canonical = KEY_ALIASES.get(key.strip().lower(), key.strip().lower())
            if canonical not in valid:
                guess = closest(key, valid, hints)
                hint = (
                    f" (did you mean '{guess}'?)" if guess else f" (valid keys: {', '.join(valid)})"
                )
                self.problem(key_line, f"unknown key '{key}' {where}{hint}")
                continue
            if canonical in found:
                self.problem(key_line, f"'{key}' repeats the key '{canonical}' {where}")
                continue
            found[canonical] = (value, key_line)
        return found

    # -- fields -------------------------------------------------------------------------

    def _text(self, key: str, value: object, line: int | None) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            self.problem(line, f"'{key}' must be text, found {describe(value)}")
            return ""
        text = normalise_text(value)
        if _CONTROL_EXCEPT_NEWLINE_TAB.search(text):
            self.problem(line, f"'{key}' contains a control character")
        return text

    def _name(self, value: object, line: int | None, what: str = "name") -> str | None:
        if value is None:
            self.problem(line, f"the {what} is missing: write {what}: followed by the name")
            return None
        if not isinstance(value, str):
            hint = "; put it in quotes" if isinstance(value, int | float | dt.date) else ""
            self.problem(line, f"the {what} must be text, found {describe(value)}{hint}")
            return None
        name = value.strip()
        if not name:
            self.problem(
                line, f"the {what} is empty" if not value else f"the {what} is only spaces"
            )
            return None
        if _CONTROL.search(name):
            self.problem(line, f"the {what} {name!r} contains a line break or control character")
            return None
        return name

    def _colour(self, value: object, line: int | None) -> str | None:
        if value is None or value == "":
            source = self.source_lines[line - 1] if line and line <= len(self.source_lines) else ""
            if _UNQUOTED_COLOUR.search(source):
                self.problem(
                    line,
                    "the colour is read as a comment because '#' starts a YAML comment: "
                    'put it in quotes, e.g. colour: "#1f77b4"',
                )
            return None
        if not isinstance(value, str):
            self.problem(
                line, f'the colour must be text such as "#1f77b4", found {describe(value)}'
            )
            return None
        colour = normalise_colour(value)
        if colour is None:
            guess = closest_colour_name(value)
            hint = f" (did you mean '{guess}'?)" if guess else ""
            self.problem(
                line,
                f"bad colour '{value}'{hint}: use #RRGGBB, #RGB or a CSS colour name "
                "such as 'steelblue'",
            )
        return colour

    def _keywords(self, value: object, line: int | None) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            words = [w.strip() for w in re.split(r"[,;]", value) if w.strip()]
            example = ", ".join(words) if words else "impact, relevance"
            self.problem(line, f"keywords must be a list, e.g. keywords: [{example}]")
            return []
        if not isinstance(value, list):
            self.problem(line, f"keywords must be a list, found {describe(value)}")
            return []
        keywords: list[str] = []
        for index, item in enumerate(value):
            item_line = _item_line(value, index, line)
            if not isinstance(item, str):
                self.problem(item_line, f"a keyword must be text, found {describe(item)}")
            elif not item.strip():
                self.problem(item_line, "a keyword is empty")
            elif _CONTROL.search(item):
                self.problem(item_line, f"the keyword {item!r} contains a control character")
            elif KEYWORD_SEPARATOR in item:
                self.problem(
                    item_line,
                    f"the keyword {item.strip()!r} contains ';', which separates keywords "
                    "in CSV files: split it into two keywords",
                )
            else:
                keywords.append(item.strip())
        return keywords

    # -- codes --------------------------------------------------------------------------

    def code(self, node: object, line: int | None, *, top_level: bool) -> _Entry | None:
        """One code and its children; ``None`` when it is too broken to keep."""
        if isinstance(node, str):
            # Shorthand: a bare name in a list of codes is a code with only a name.
            name = self._name(node, line)
            if name is None:
                return None
            code = CodeDef(name=name)
            self.code_lines[id(code)] = line
            return _Entry(code, line)
        if node is None and self.alias_cycle_lines:
            # ruamel.yaml loads an alias inside its own anchor as null, with the anchor's
            # line; the cycle has been reported on the alias's line already.
            return None
        if not isinstance(node, Mapping):
            self.problem(
                line, f"a code must be a mapping with at least a name, found {describe(node)}"
            )
            return None
        line = _node_line(node) or line
        fields = self._keys(node, CODE_KEYS, _CODE_HINTS, "in a code", line)
        name_value, name_line = fields.get("name", (None, line))
        name = self._name(name_value, name_line)
        texts = {key: self._text(key, *fields.get(key, (None, line))) for key in TEXT_FIELDS}
        colour = self._colour(*fields.get("colour", (None, None)))
        keywords = self._keywords(*fields.get("keywords", (None, line)))
        count, count_line = fields.get("count", (0, line))
        if count is not None and (
            isinstance(count, bool) or not isinstance(count, int) or count < 0
        ):
            self.problem(count_line, f"'count' must be a whole number, found {describe(count)}")
        children = self._children(fields.get("children", (None, line)))
        entry_parent: tuple[CodePath | None, str, int | None] = (None, "", None)
        if "parent" in fields:
            entry_parent = self._parent(*fields["parent"], top_level=top_level)
        if name is None:
            return None
        code = CodeDef(name=name, colour=colour, keywords=keywords, children=children, **texts)
        self.code_lines[id(code)] = name_line
        return _Entry(code, name_line, *entry_parent)

    def _children(self, field_value: tuple[object, int | None]) -> list[CodeDef]:
        value, line = field_value
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(line, f"'children' must be a list of codes, found {describe(value)}")
            return []
        children: list[CodeDef] = []
        for index, item in enumerate(value):
            entry = self.code(item, _item_line(value, index, line), top_level=False)
            if entry is not None:
                children.append(entry.code)
        return children

    def _parent(
        self, value: object, line: int | None, *, top_level: bool
    ) -> tuple[CodePath | None, str, int | None]:
        if not top_level:
            self.problem(
                line,
                "'parent' is only allowed on codes listed directly under 'codes'; "
                "this code is already nested under 'children'",
            )
            return None, "", line
        if value is None:
            return None, "", line
        if not isinstance(value, str):
            self.problem(
                line,
                f"'parent' must be a name or a path such as 'Theme/Code', found {describe(value)}",
            )
            return None, "", line
        try:
            return CodePath.parse(value), value.strip(), line
        except ValueError:
            self.problem(line, f"the parent path '{value}' has an empty name in it")
            return None, "", line

    # -- the whole book -----------------------------------------------------------------

    def book(self, data: object, default_name: str) -> Codebook:
        if data is None:
            self.problem(1, "the codebook is empty: it needs at least a 'codes' list")
            return Codebook(name=default_name)
        if not isinstance(data, Mapping):
            hint = " (put the list under a 'codes:' key)" if isinstance(data, list) else ""
            self.problem(
                _node_line(data) or 1,
                f"a codebook must be a mapping with keys such as 'codebook' and 'codes', "
                f"found {describe(data)}{hint}",
            )
            return Codebook(name=default_name)
        top_line = _node_line(data) or 1
        fields = self._keys(data, TOP_KEYS, _TOP_HINTS, "at the top of the codebook", top_line)
        name = default_name
        if "codebook" in fields:
            name = self._name(*fields["codebook"], what="codebook name") or default_name
        description = self._text("description", *fields.get("description", (None, top_line)))
        if "codes" not in fields:
            self.problem(top_line, "the codebook has no 'codes' list")
            return Codebook(name=name, description=description)
        codes_value, codes_line = fields["codes"]
        entries: list[_Entry] = []
        if codes_value is None:
            pass  # `codes:` with nothing under it is an empty codebook
        elif not isinstance(codes_value, list):
            self.problem(
                codes_line, f"'codes' must be a list of codes, found {describe(codes_value)}"
            )
        else:
            for index, item in enumerate(codes_value):
                entry = self.code(item, _item_line(codes_value, index, codes_line), top_level=True)
                if entry is not None:
                    entries.append(entry)
        roots = self._assemble(entries)
        self._check_siblings(roots, None)
        return Codebook(name=name, description=description, codes=roots)

    def _assemble(self, entries: list[_Entry]) -> list[CodeDef]:
        """Hang flat-style codes under the parents they name; report unknown parents and cycles."""
        roots = [e.code for e in entries if e.parent is None]
        index: dict[tuple[str, ...], tuple[CodeDef, CodePath]] = {}

        def add_to_index(code: CodeDef, parent: CodePath | None) -> None:
            for path, sub in code.walk(parent):
                index.setdefault(tuple(name_key(p) for p in path.parts), (sub, path))

        for code in roots:
            add_to_index(code, None)
        pending = [e for e in entries if e.parent is not None]
        progress = True
        while pending and progress:
            progress = False
            still: list[_Entry] = []
            for entry in pending:
                assert entry.parent is not None
                found = index.get(tuple(name_key(p) for p in entry.parent.parts))
                if found is None:
                    still.append(entry)
                    continue
                parent_code, parent_path = found
                parent_code.children.append(entry.code)
                add_to_index(entry.code, parent_path)
                progress = True
            pending = still
        if pending:
            self._report_unplaced(pending, index)
        return roots

    def _report_unplaced(
        self, pending: list[_Entry], index: Mapping[tuple[str, ...], tuple[CodeDef, CodePath]]
    ) -> None:
        # Which pending entry does each pending entry's parent point into? The parent path
        # must end with the path of a code inside that entry, counted from the entry's top.
        def points_into(entry: _Entry, other: _Entry) -> bool:
            assert entry.parent is not None
            wanted = tuple(name_key(p) for p in entry.parent.parts)
            for path, _ in other.code.walk():
                local = tuple(name_key(p) for p in path.parts)
                if wanted[-len(local) :] == local and len(local) <= len(wanted):
                    return True
            return False

        target: dict[int, int | None] = {}
        for i, entry in enumerate(pending):
            target[i] = next((j for j, o in enumerate(pending) if points_into(entry, o)), None)
        reported: set[int] = set()
        for i, entry in enumerate(pending):
            if target[i] is None:
                self.problem(entry.parent_line, self._unknown_parent(entry, index))
                continue
            # Follow the chain; if it comes back to a node already on it, that is a cycle.
            chain: list[int] = []
            node: int | None = i
            while node is not None and node not in chain:
                chain.append(node)
                node = target[node]
            if node is None or node in reported:
                continue  # leads to an unknown parent or into a cycle reported already
            cycle = chain[chain.index(node) :]
            reported.update(cycle)
            first = min(cycle)
            ordered = cycle[cycle.index(first) :] + cycle[: cycle.index(first)]
            names = " → ".join(pending[k].code.name for k in [*ordered, first])
            lines = ", ".join(
                str(pending[k].parent_line) for k in ordered if pending[k].parent_line
            )
            self.problem(
                pending[first].parent_line,
                f"cycle in 'parent': {names} (see the parent lines {lines})"
                if len(ordered) > 1
                else f"cycle in 'parent': '{pending[first].code.name}' is inside itself",
            )

    @staticmethod
    def _unknown_parent(
        entry: _Entry, index: Mapping[tuple[str, ...], tuple[CodeDef, CodePath]]
    ) -> str:
        assert entry.parent is not None
        known = {str(path): path for _, path in index.values()}
        same_name = [
            str(path)
            for path in known.values()
            if name_key(path.name) == name_key(entry.parent.name)
        ]
        guess = same_name[0] if same_name else closest(entry.parent_text, known)
        if guess is None:
            # difflib compares lower-cased words above; compare the full paths here too.
            matches = difflib.get_close_matches(entry.parent_text, list(known), n=1, cutoff=0.6)
            guess = matches[0] if matches else None
        hint = f" (did you mean '{guess}'?)" if guess else ""
        return (
            f"unknown parent '{entry.parent_text}' for '{entry.code.name}'{hint}; "
            "a parent is a top-level name or a path such as 'Theme/Code'"
        )

    def _check_siblings(self, codes: list[CodeDef], parent: CodePath | None) -> None:
        seen: dict[str, CodeDef] = {}
        for code in codes:
            key = name_key(code.name)
            if key in seen:
                first_line = self.code_lines.get(id(seen[key]))
                where = f"under '{parent}'" if parent else "at the top level"
                also = f" (first on line {first_line})" if first_line else ""
                self.problem(
                    self.code_lines.get(id(code)),
                    f"duplicate code name '{code.name}' {where}{also}; "
                    "names of codes with the same parent must differ, ignoring case",
                )
            else:
                seen[key] = code
            path = parent.child(code.name) if parent else CodePath((code.name,))
            self._check_siblings(code.children, path)


def codebook_from_data(
    data: object,
    *,
    default_name: str = "Codebook",
    source_lines: Sequence[str] = (),
    alias_cycle_lines: Iterable[int] = (),
) -> tuple[Codebook, list[CodebookProblem]]:
    """Build a codebook from loaded YAML/JSON data; the problem list is empty when it is valid.

    ``source_lines`` (the file's text, split into lines) lets messages explain mistakes the
    loader hides, such as an unquoted ``#`` colour read as a comment.
    """
    builder = _Builder(source_lines=source_lines, alias_cycle_lines=frozenset(alias_cycle_lines))
    book = builder.book(data, default_name)
    return book, builder.problems


def codebook_to_data(
    codebook: Codebook, counts: Mapping[CodePath, int] | None = None
) -> dict[str, object]:
    """The codebook as the plain nested mapping the YAML and JSON formats use.

    Empty fields are left out so an exported file holds only what a person wrote. With
    ``counts``, each code gets a ``count`` (0 when absent from the mapping).
    """

    def one(code: CodeDef, path: CodePath) -> dict[str, object]:
        data: dict[str, object] = {"name": code.name}
        for key in TEXT_FIELDS:
            if value := getattr(code, key):
                data[key] = value
        if code.colour:
            data["colour"] = code.colour
        if code.keywords:
            data["keywords"] = list(code.keywords)
        if counts is not None:
            data["count"] = counts.get(path, 0)
        if code.children:
            data["children"] = [one(child, path.child(child.name)) for child in code.children]
        return data

    book: dict[str, object] = {"codebook": codebook.name}
    if codebook.description:
        book["description"] = codebook.description
    book["codes"] = [one(code, CodePath((code.name,))) for code in codebook.codes]
    return book
