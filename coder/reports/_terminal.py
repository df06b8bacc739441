"""The terminal report: rich tables laid out for the width they are printed at.

Every table fits the width: names wrap (code paths after a "/"), figures never do, and when the
figures alone are wider than the line the table is printed in parts, each repeating the names,
so no column is ever cut off, on a terminal or redirected to a file (80 columns). Undefined
values are "n/a" with a numbered footnote giving the reason; flags carry a marker and a word as
well as a colour.
"""

from __future__ import annotations

import io
import re
import textwrap

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from coder.domain.agreement import AgreementReport
from coder.domain.words import fmt_int
from coder.reports._common import Flag, coder_letters, unit_nouns
from coder.reports._display import (
    DisplayTable,
    agreement_table,
    code_document_table,
    counted_note,
    document_table,
    figures_legend,
    flag_legend,
    hidden_note,
    lowest_first,
    pair_table,
    precision_legend,
    precision_table,
    reliability_table,
)
from coder.reports._summary import summary_lines, unitizing_notes

WIDTH = 100
#: Documents listed in the terminal; the other formats list them all.
MAX_DOCUMENTS = 20
#: Code x document rows listed in the terminal; the other formats list them all.
MAX_CODE_DOCUMENT_ROWS = 40
#: Narrowest a name column gets before a table is split into parts.
MIN_NAME_WIDTH = 16

_FLAG_STYLE = {
    Flag.LOW: "bold red",
    Flag.TENTATIVE: "yellow",
    Flag.RELIABLE: "green",
    Flag.TOO_FEW: "magenta",
    Flag.UNDEFINED: "dim",
}


class _Footnotes:
    """Numbers each distinct reason a value is undefined, for "n/a (1)" cells."""

    def __init__(self) -> None:
        self.reasons: list[str] = []

    def cell(self, text: str) -> str:
        if not text.startswith("undefined: "):
            return text
        reason = text.removeprefix("undefined: ")
        if reason not in self.reasons:
            self.reasons.append(reason)
        return f"n/a ({self.reasons.index(reason) + 1})"

    def renderable(self) -> Text | None:
        if not self.reasons:
            return None
        return Text(
            "  ".join(f"({i}) undefined: {r}" for i, r in enumerate(self.reasons, 1)),
            style="dim",
        )


def agreement_renderables(report: AgreementReport, width: int = WIDTH) -> list[RenderableType]:
    """The terminal report as rich renderables for a line of ``width``, in print order."""
    notes = _Footnotes()
    out: list[RenderableType] = [_header(report)]
    out += _fit(reliability_table(report, compact=True), width, notes, "Per code: reliability")
    out.append(_dim(f"{counted_note(report)} {flag_legend(report)}"))
    figures = agreement_table(report, compact=True)
    if figures is not None:
        title = "Per code: agreement, prevalence and bias"
        out += _fit(figures, width, notes, title)
        out.append(_dim(_short_legend(report) + " " + figures_legend(report)))
    precision = precision_table(report, compact=True)
    if precision is not None:
        out += _fit(precision, width, notes, "Per code: precision")
        out.append(_dim(precision_legend(report)))
    hidden = hidden_note(report)
    if hidden:
        out.append(_dim(hidden))
    out.append(Text("Summary across codes", style="bold"))
    out.append(_bullets(summary_lines(report)))
    out += _documents(report, width, notes)
    out += _code_documents(report, width, notes)
    if report.result.per_pair:
        out += _fit(pair_table(report), width, notes, "Coder pairs")
    out += [Text.assemble(("Note: ", "bold"), note) for note in unitizing_notes(report)]
    # The tables above have numbered every reason by now.
    footnote = notes.renderable()
    if footnote is not None:
        out.append(footnote)
    out += _excluded_and_notes(report)
    return out


def render_table(report: AgreementReport, width: int = WIDTH) -> str:
    """The terminal report as plain text, ``width`` columns wide, without colour codes."""
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=width, force_terminal=False, color_system=None, legacy_windows=False
    )
    for renderable in agreement_renderables(report, width):
        console.print(renderable)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


def _dim(text: str) -> Text:
    return Text(text, style="dim")


def _bullets(lines: list[str]) -> Table:
    """Lines as a list, continuation lines indented under their first."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=3, justify="right")
    grid.add_column(ratio=1)
    for line in lines:
        grid.add_row("-", line)
    return grid


def _short_legend(report: AgreementReport) -> str:
    text = "Pos.: positive agreement; Prev.: prevalence"
    if len(report.result.coders) == 2:
        text += "; PI, BI: prevalence and bias indices"
    return text + "."


def _header(report: AgreementReport) -> RenderableType:
    result = report.result
    letters = coder_letters(len(result.coders))
    level = {
        "unit": f"{report.unit_label} level",
        "character": "character level (NVivo-compatible)",
        "span": "span level (unitized alpha)",
    }.get(report.request.level, report.request.level)
    singular, plural_noun = unit_nouns(report)
    n_docs = len(report.documents)
    title = Text.assemble(
        ("Inter-coder agreement", "bold"),
        f"  project {report.project} · {level} · {fmt_int(n_docs)} "
        f"{'document' if n_docs == 1 else 'documents'} · {fmt_int(result.n_units)} "
        f"{singular if result.n_units == 1 else plural_noun}",
    )
    coders = Text(
        "Coders: "
        + " · ".join(
            f"{letter} = {name} ({_codings(report.codings_per_coder.get(name, 0))})"
            for letter, name in zip(letters, result.coders, strict=True)
        )
    )
    blind = "" if report.blind is None else "blind" if report.blind else "not blind"
    stamp = Text(
        f"Generated {report.generated_at:%Y-%m-%d %H:%M} UTC"
        + (f" · project {blind}" if blind else ""),
        style="dim",
    )
    return Group(title, coders, stamp)


def _codings(n: int) -> str:
    return f"{fmt_int(n)} {'coding' if n == 1 else 'codings'}"


def _fit(
    table: DisplayTable, width: int, notes: _Footnotes, title: str | None = None
) -> list[RenderableType]:
    """``table`` as rich tables no wider than ``width``: one, or several parts that each repeat
    the name columns when the figures do not fit beside them."""
    names = table.text_columns
    rows = [
        [notes.cell(cell) if i >= names else cell for i, cell in enumerate(r)] for r in table.rows
    ]
    figure_widths = [
        max(len(table.headers[i]), *(len(r[i]) for r in rows)) if rows else len(table.headers[i])
        for i in range(names, len(table.headers))
    ]
    parts: list[list[int]] = [[]]
    used = names * MIN_NAME_WIDTH + names - 1
    for offset, w in enumerate(figure_widths):
        if parts[-1] and used + 1 + w > width:
            parts.append([])
            used = names * MIN_NAME_WIDTH + names - 1
        parts[-1].append(names + offset)
        used += 1 + w
    out: list[RenderableType] = []
    for number, columns in enumerate(parts, 1):
        heading = title
        if title and len(parts) > 1:
            heading = f"{title} (part {number} of {len(parts)})"
        out.append(_part(table, rows, columns, width, heading))
    return out


def _part(
    table: DisplayTable, rows: list[list[str]], columns: list[int], width: int, title: str | None
) -> Table:
    names = table.text_columns
    natural = [
        max(len(table.headers[i]), *(len(line) for r in rows for line in r[i].splitlines()))
        if rows
        else len(table.headers[i])
        for i in range(names)
    ]
    figures = sum(
        max(len(table.headers[i]), *(len(r[i]) for r in rows)) if rows else len(table.headers[i])
        for i in columns
    )
    room = max(width - figures - len(columns) - (names - 1), names * MIN_NAME_WIDTH)
    name_widths = _share(natural, room)
    grid = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        padding=0,
        show_edge=False,
        expand=False,
    )
    for i in range(names):
        grid.add_column(table.headers[i], width=name_widths[i], overflow="fold")
    flag_column = table.headers.index("Flag") if "Flag" in table.headers else -1
    for i in columns:
        grid.add_column(
            table.headers[i],
            justify="right" if i in table.numeric else "left",
            no_wrap=True,
        )
    for r, row in enumerate(rows):
        cells: list[str | Text] = [
            _wrap_path(row[i], name_widths[i]) if i == 0 else _wrap(row[i], name_widths[i])
            for i in range(names)
        ]
        for i in columns:
            flag = table.flags[r] if r < len(table.flags) else None
            if i == flag_column and flag is not None:
                cells.append(Text(row[i], style=_FLAG_STYLE[flag]))
            else:
                cells.append(row[i])
        grid.add_row(*cells)
    return grid


def _share(natural: list[int], room: int) -> list[int]:
    """Widths for the name columns: their natural widths when they fit, else ``room`` shared
    in proportion, none narrower than ``MIN_NAME_WIDTH``."""
    gaps = len(natural) - 1
    if sum(natural) + gaps <= room:
        return natural
    available = room - gaps
    total = sum(natural)
    widths = [max(MIN_NAME_WIDTH, available * n // total) for n in natural]
    widths[-1] = max(MIN_NAME_WIDTH, available - sum(widths[:-1]))
    return widths


def _wrap(text: str, width: int) -> str:
    """A name (a document's) in lines of ``width``, broken at spaces or after hyphens."""
    return "\n".join(textwrap.wrap(text, width) or [""])


def _wrap_path(path: str, width: int) -> str:
    """Break a long code path into lines of at most ``width``: after a "/" where possible,
    else between words; continuation lines are indented by two spaces."""
    if len(path) <= width:
        return path
    chunks: list[str] = []
    line = ""
    for part in re.split(r"(?<=/)", path):
        if line and len(line) + len(part) > width - (2 if chunks else 0):
            chunks.append(line)
            line = part
        else:
            line += part
    chunks.append(line)
    lines: list[str] = []
    for chunk in chunks:
        indent = "  " if lines else ""
        for piece in textwrap.wrap(chunk, width - len(indent), break_on_hyphens=False) or [""]:
            lines.append(indent + piece)
            indent = "  "
    return "\n".join(lines)


def _documents(report: AgreementReport, width: int, notes: _Footnotes) -> list[RenderableType]:
    table = document_table(report)
    rows = list(report.result.per_document)
    if len(rows) <= MAX_DOCUMENTS:
        return _fit(table, width, notes, "Per document")
    # The weakest documents are the ones worth a look; the full list is in md/html/xlsx.
    order = sorted(range(len(rows)), key=lambda d: lowest_first(rows[d].alpha))[:MAX_DOCUMENTS]
    keep = sorted(order)
    shown = DisplayTable(
        table.headers,
        [table.rows[d] for d in keep],
        table.numeric,
        [table.flags[d] for d in keep],
    )
    title = f"Per document (the {MAX_DOCUMENTS} lowest of {len(rows)})"
    return _fit(shown, width, notes, title)


def _code_documents(report: AgreementReport, width: int, notes: _Footnotes) -> list[RenderableType]:
    total = len(report.result.per_code_document)
    table = code_document_table(report, compact=True, limit=MAX_CODE_DOCUMENT_ROWS)
    if table is None:
        return []
    title = "Per code and document"
    if total > MAX_CODE_DOCUMENT_ROWS:
        title += (
            f" (the {MAX_CODE_DOCUMENT_ROWS} lowest kappa of {fmt_int(total)}; every row is in "
            "the xlsx and json reports)"
        )
    return _fit(table, width, notes, title)


def _excluded_and_notes(report: AgreementReport) -> list[RenderableType]:
    out: list[RenderableType] = []
    if report.excluded:
        out.append(Text("Left out:", style="bold"))
        out.append(_bullets(list(report.excluded)))
    else:
        out.append(Text("Left out: nothing.", style="dim"))
    for note in report.result.notes:
        out.append(Text.assemble(("Note: ", "bold"), note))
    return out
