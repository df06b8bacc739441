"""The codebook as Markdown, for the appendix of a paper or a team wiki (export only)."""

from __future__ import annotations

from collections.abc import Mapping

from coder.domain.codebook import Codebook, CodeDef, CodePath
from coder.io.escaping import markdown_cell, markdown_name, markdown_text

_FIELDS = (
    ("definition", "Definition"),
    ("inclusion", "When to use"),
    ("exclusion", "When not to use"),
)


def _numbered(codes: list[CodeDef], prefix: str = "") -> list[tuple[str, int, CodeDef]]:
    """(number such as "2.1", depth, code) in reading order."""
    rows: list[tuple[str, int, CodeDef]] = []
    for i, code in enumerate(codes, start=1):
        number = f"{prefix}{i}"
        rows.append((number, number.count(".") + 1, code))
        rows.extend(_numbered(code.children, number + "."))
    return rows


def render_markdown(codebook: Codebook, counts: Mapping[CodePath, int] | None) -> str:
    """A summary table of the hierarchy, then a section per theme with a heading per code."""
    numbered = _numbered(codebook.codes)
    paths = [path for path, _ in codebook.walk()]  # same pre-order as `numbered`
    out: list[str] = [f"# {markdown_name(codebook.name)}", ""]
    if codebook.description:
        out += [markdown_text(codebook.description), ""]
    total = len(numbered)
    themes = len(codebook.codes)
    out += [
        f"{themes} top-level {_plural(themes, 'theme')}, {total} {_plural(total, 'code')} in all.",
        "",
    ]
    if numbered:
        out += ["## Overview", ""]
        if counts is not None:
            out += ["| No. | Code | Definition | Count |", "|---|---|---|---:|"]
        else:
            out += ["| No. | Code | Definition |", "|---|---|---|"]
        for (number, depth, code), path in zip(numbered, paths, strict=True):
            name = markdown_name(code.name)
            shown = f"**{name}**" if depth == 1 else name
            row = f"| {number} | {shown} | {markdown_cell(code.definition)} |"
            if counts is not None:
                row += f" {counts.get(path, 0)} |"
            out.append(row)
        out.append("")
    for (number, depth, code), path in zip(numbered, paths, strict=True):
        out += _section(number, depth, code, None if counts is None else counts.get(path, 0))
    return "\n".join(out).rstrip("\n") + "\n"


def _section(number: str, depth: int, code: CodeDef, count: int | None) -> list[str]:
    level = min(depth + 1, 6)
    out = [f"{'#' * level} {number} {markdown_name(code.name)}", ""]
    for key, label in _FIELDS:
        if text := getattr(code, key):
            out += [f"**{label}:** {markdown_text(text)}", ""]
    if code.example:
        out += ["**Example:**", ""]
        out += [f"> {markdown_text(line)}".rstrip() for line in code.example.splitlines()]
        out.append("")
    if code.keywords:
        out += [f"**Keywords:** {', '.join(markdown_name(k) for k in code.keywords)}", ""]
    if count is not None:
        out += [f"**Count:** {count}", ""]
    if code.memos:
        out += ["**Memos:**", ""]
        out += [f"- {markdown_text(' '.join(str(m).split()))}" for m in code.memos]
        out.append("")
    if len(out) == 2:
        out += ["_No definition yet._", ""]
    return out


def _plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"
