"""Turn loaded codebook data (mappings and lists) into a :class:`Codebook`, collecting problems.

The input is what a YAML or JSON loader produced. When it came from ruamel.yaml the mappings
and lists carry their line numbers (``.lc``), and every problem is reported with its line;
plain ``dict``/``list`` input (an in-memory codebook being validated) gets ``line=None``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from coder.domain.codebook import CODE_FIELDS, CODE_TEXT_FIELDS, Codebook, CodeDef, CodePath
from coder.io._codebook_colours import closest_colour_name, normalise_colour
from coder.io._codebook_common import (
    CodebookProblem,
    closest,
    describe,
    line_of_item,
    line_of_key,
    line_of_node,
    normalise_text,
)
from coder.io._codebook_parents import Entry, check_siblings, place_codes

TOP_KEYS = ("codebook", "description", "codes")
CODE_KEYS = ("name", *CODE_FIELDS, "children", "parent", "count", "memos")
TEXT_FIELDS = CODE_TEXT_FIELDS
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
            key_line = line_of_key(node, key, line)
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
            item_line = line_of_item(value, index, line)
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

    def code(self, node: object, line: int | None, *, top_level: bool) -> Entry | None:
        """One code and its children; ``None`` when it is too broken to keep."""
        if isinstance(node, str):
            # Shorthand: a bare name in a list of codes is a code with only a name.
            name = self._name(node, line)
            if name is None:
                return None
            code = CodeDef(name=name)
            self.code_lines[id(code)] = line
            return Entry(code, line)
        if node is None and self.alias_cycle_lines:
            # ruamel.yaml loads an alias inside its own anchor as null, with the anchor's
            # line; the cycle has been reported on the alias's line already.
            return None
        if not isinstance(node, Mapping):
            self.problem(
                line, f"a code must be a mapping with at least a name, found {describe(node)}"
            )
            return None
        line = line_of_node(node) or line
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
        # Memos are written by export for reading and left out on import, as counts are.
        memos, memos_line = fields.get("memos", (None, line))
        if memos is not None and not isinstance(memos, list):
            self.problem(memos_line, f"'memos' must be a list, found {describe(memos)}")
        children = self._children(fields.get("children", (None, line)))
        entry_parent: tuple[CodePath | None, str, int | None] = (None, "", None)
        if "parent" in fields:
            entry_parent = self._parent(*fields["parent"], top_level=top_level)
        if name is None:
            return None
        code = CodeDef(name=name, colour=colour, keywords=keywords, children=children)
        for key, value in texts.items():
            setattr(code, key, value)
        self.code_lines[id(code)] = name_line
        return Entry(code, name_line, *entry_parent)

    def _children(self, field_value: tuple[object, int | None]) -> list[CodeDef]:
        value, line = field_value
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(line, f"'children' must be a list of codes, found {describe(value)}")
            return []
        children: list[CodeDef] = []
        for index, item in enumerate(value):
            entry = self.code(item, line_of_item(value, index, line), top_level=False)
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
                line_of_node(data) or 1,
                f"a codebook must be a mapping with keys such as 'codebook' and 'codes', "
                f"found {describe(data)}{hint}",
            )
            return Codebook(name=default_name)
        top_line = line_of_node(data) or 1
        fields = self._keys(data, TOP_KEYS, _TOP_HINTS, "at the top of the codebook", top_line)
        name = default_name
        if "codebook" in fields:
            name = self._name(*fields["codebook"], what="codebook name") or default_name
        description = self._text("description", *fields.get("description", (None, top_line)))
        if "codes" not in fields:
            self.problem(top_line, "the codebook has no 'codes' list")
            return Codebook(name=name, description=description)
        codes_value, codes_line = fields["codes"]
        entries: list[Entry] = []
        if codes_value is None:
            pass  # `codes:` with nothing under it is an empty codebook
        elif not isinstance(codes_value, list):
            self.problem(
                codes_line, f"'codes' must be a list of codes, found {describe(codes_value)}"
            )
        else:
            for index, item in enumerate(codes_value):
                item_at = line_of_item(codes_value, index, codes_line)
                entry = self.code(item, item_at, top_level=True)
                if entry is not None:
                    entries.append(entry)
        roots = place_codes(entries, self.problem)
        check_siblings(roots, None, self.code_lines, self.problem)
        return Codebook(name=name, description=description, codes=roots)


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
    ``counts``, each code gets a ``count`` (0 when absent from the mapping); a code's memos
    are written as a ``memos`` list of author and text.
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
        if code.memos:
            data["memos"] = [{"author": m.author, "text": m.text} for m in code.memos]
        if code.children:
            data["children"] = [one(child, path.child(child.name)) for child in code.children]
        return data

    book: dict[str, object] = {"codebook": codebook.name}
    if codebook.description:
        book["description"] = codebook.description
    book["codes"] = [one(code, CodePath((code.name,))) for code in codebook.codes]
    return book
