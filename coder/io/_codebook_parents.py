"""Placing flat-style codes (``parent: Theme/Code``) in the tree, and the tree's name rules.

Reports unknown parents, cycles among parents, and duplicate names among siblings.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from coder.domain.codebook import CodeDef, CodePath
from coder.io._codebook_common import closest, name_key

Report = Callable[[int | None, str], None]


@dataclass(slots=True)
class Entry:
    """A code listed directly under ``codes``, possibly naming its parent (flat style)."""

    code: CodeDef
    line: int | None
    parent: CodePath | None = None
    parent_text: str = ""
    parent_line: int | None = None


def place_codes(entries: list[Entry], report: Report) -> list[CodeDef]:
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
        still: list[Entry] = []
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
        _report_unplaced(pending, index, report)
    return roots


def _report_unplaced(
    pending: list[Entry],
    index: Mapping[tuple[str, ...], tuple[CodeDef, CodePath]],
    report: Report,
) -> None:
    # Which pending entry does each pending entry's parent point into? The parent path
    # must end with the path of a code inside that entry, counted from the entry's top.
    def points_into(entry: Entry, other: Entry) -> bool:
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
            report(entry.parent_line, _unknown_parent(entry, index))
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
        lines = ", ".join(str(pending[k].parent_line) for k in ordered if pending[k].parent_line)
        report(
            pending[first].parent_line,
            f"cycle in 'parent': {names} (see the parent lines {lines})"
            if len(ordered) > 1
            else f"cycle in 'parent': '{pending[first].code.name}' is inside itself",
        )


def _unknown_parent(entry: Entry, index: Mapping[tuple[str, ...], tuple[CodeDef, CodePath]]) -> str:
    assert entry.parent is not None
    known = {str(path): path for _, path in index.values()}
    same_name = [
        str(path) for path in known.values() if name_key(path.name) == name_key(entry.parent.name)
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


def check_siblings(
    codes: list[CodeDef],
    parent: CodePath | None,
    code_lines: Mapping[int, int | None],
    report: Report,
) -> None:
    """Report codes whose name repeats a sibling's, ignoring case and repeated spaces."""
    seen: dict[str, CodeDef] = {}
    for code in codes:
        key = name_key(code.name)
        if key in seen:
            first_line = code_lines.get(id(seen[key]))
            where = f"under '{parent}'" if parent else "at the top level"
            also = f" (first on line {first_line})" if first_line else ""
            report(
                code_lines.get(id(code)),
                f"duplicate code name '{code.name}' {where}{also}; "
                "names of codes with the same parent must differ, ignoring case",
            )
        else:
            seen[key] = code
        path = parent.child(code.name) if parent else CodePath((code.name,))
        check_siblings(code.children, path, code_lines, report)
