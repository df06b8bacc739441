"""The terminal report: rich tables that stay readable at 100 columns.

Undefined values are "n/a" with a numbered footnote giving the reason, so narrow columns stay
narrow; weak codes carry a marker and a word as well as a colour.
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
from coder.domain.agreement_results import CodeAgreement
from coder.domain.coefficient import Coefficient
from coder.reports._common import (
    Flag,
    code_names,
    coder_letters,
    document_name,
    flag_for,
    fmt_ci,
    fmt_int,
    fmt_num,
    fmt_pct,
    kappa_label,
    reliability,
    unit_nouns,
)

WIDTH = 100
#: Documents listed in the terminal; the other formats list them all.
MAX_DOCUMENTS = 20

_FLAG_STYLE = {
    Flag.LOW: "bold red",
    Flag.TENTATIVE: "yellow",
    Flag.RELIABLE: "green",
    Flag.UNDEFINED: "dim",
}


class _Footnotes:
    """Numbers each distinct reason a value is undefined, for "n/a (1)" cells."""

    def __init__(self) -> None:
        self.reasons: list[str] = []

    def cell(self, coefficient: Coefficient | None, text: str | None = None) -> str:
        if coefficient is None:
            return ""
        if coefficient.is_defined:
            return text if text is not None else fmt_num(coefficient.value)
        reason = coefficient.reason or "not a number"
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


def agreement_renderables(report: AgreementReport) -> list[RenderableType]:
    """The terminal report as rich renderables, in print order (the CLI prints them)."""
    notes = _Footnotes()
    out: list[RenderableType] = [
        _header(report),
        _code_table(report, notes),
        _legend(report),
        _overall(report),
        _document_table(report, notes),
    ]
    if report.result.per_pair:
        out.append(_pair_table(report, notes))
    # The tables above have numbered every reason by now.
    footnote = notes.renderable()
    if footnote is not None:
        out.append(footnote)
    out += _excluded_and_notes(report)
    return out


def render_table(report: AgreementReport) -> str:
    """The terminal report as plain text, 100 columns wide, without colour codes."""
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=WIDTH, force_terminal=False, color_system=None, legacy_windows=False
    )
    for renderable in agreement_renderables(report):
        console.print(renderable)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


def _header(report: AgreementReport) -> RenderableType:
    result = report.result
    letters = coder_letters(len(result.coders))
    level = {
        "unit": f"{report.unit_label} level",
        "character": "character level (NVivo-compatible)",
        "span": "span level (unitized alpha)",
    }.get(report.request.level, report.request.level)
    singular, plural_noun = unit_nouns(report)
    title = Text.assemble(
        ("Inter-coder agreement", "bold"),
        f"  project {report.project} · {level} · "
        f"{len(report.documents)} documents · {fmt_int(result.n_units)} "
        f"{singular if result.n_units == 1 else plural_noun}",
    )
    coders = Text(
        "Coders: "
        + " · ".join(
            f"{letter} = {name} ({fmt_int(report.codings_per_coder.get(name, 0))} codings)"
            for letter, name in zip(letters, result.coders, strict=True)
        )
    )
    stamp = Text(f"Generated {report.generated_at:%Y-%m-%d %H:%M} UTC", style="dim")
    return Group(title, coders, stamp)


def _flag_text(flag: Flag) -> Text:
    return Text(flag.label, style=_FLAG_STYLE[flag])


def _code_table(report: AgreementReport, notes: _Footnotes) -> Table:
    level = report.request.level
    result = report.result
    letters = coder_letters(len(result.coders))
    names = code_names(report)
    # One space between columns: at 100 columns every space goes to the code paths.
    table = Table(box=box.SIMPLE_HEAD, padding=0, show_edge=False, expand=False)
    headers = [
        "Code",
        f"{ {'character': 'Chars', 'span': 'Segments'}.get(level, 'Coded') } " + "/".join(letters),
    ]
    if level == "span":
        headers.append("u-alpha")
    else:
        headers += ["Prev.", "Kappa" if len(result.coders) == 2 else "Fleiss k"]
        headers += ["Alpha [95% CI]" if level == "unit" else "Alpha", "Agree", "PABAK"]
    headers.append("Flag")
    rows: list[list[str | Text]] = []
    for code, name in zip(result.per_code, names, strict=True):
        counts = "/".join(fmt_int(n) for n in code.coded)
        flag = _flag_text(flag_for(reliability(code, level)))
        if level == "span":
            rows.append([name, counts, notes.cell(code.unitized_alpha), flag])
            continue
        rows.append(
            [
                name,
                counts,
                fmt_pct(code.prevalence),
                notes.cell(code.kappa),
                _alpha_cell(code, notes),
                notes.cell(code.percent_agreement, fmt_pct(_value(code.percent_agreement))),
                notes.cell(code.pabak),
                flag,
            ]
        )
    # The figures never wrap; the code column gets the rest of the line and its paths break
    # after a "/" rather than inside a name.
    others = sum(
        max(len(str(h)), *(len(str(r[i])) for r in rows)) + 1
        for i, h in enumerate(headers)
        if i > 0
    )
    code_width = max(WIDTH - others, 18)
    for i, h in enumerate(headers):
        table.add_column(
            h,
            justify="left" if i in (0, len(headers) - 1) else "right",
            no_wrap=i > 0,
            overflow="fold",
            min_width=code_width if i == 0 and any(len(n) > code_width for n in names) else None,
        )
    for row in rows:
        table.add_row(_wrap_path(str(row[0]), code_width), *row[1:])
    return table


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


def _value(coefficient: Coefficient | None) -> float | None:
    return None if coefficient is None else coefficient.value


def _alpha_cell(code: CodeAgreement, notes: _Footnotes) -> str:
    if code.alpha is None or not code.alpha.is_defined:
        return notes.cell(code.alpha)
    ci = fmt_ci(code.alpha_ci)
    return f"{code.alpha.value:.3f} {ci}".strip()


def _legend(report: AgreementReport) -> Text:
    name = "u-alpha" if report.request.level == "span" else "alpha"
    text = Text("Flag: ", style="dim")
    for flag in (Flag.LOW, Flag.TENTATIVE, Flag.RELIABLE):
        text.append(flag.label, style=_FLAG_STYLE[flag])
        text.append(f" {name} {flag.meaning}", style="dim")
        text.append("; " if flag is not Flag.RELIABLE else "", style="dim")
    text.append(" (Krippendorff 2004, p. 241).", style="dim")
    if report.request.level != "span":
        text.append(
            f" Kappa: {kappa_label(report)}; Agree: percent agreement; Prev.: share of "
            "coder x unit decisions applying the code.",
            style="dim",
        )
    return text


def _overall(report: AgreementReport) -> Text:
    result = report.result
    overall = result.overall
    level = report.request.level
    n_codes = len(result.per_code)
    text = Text("Overall: ", style="bold")
    if level == "span":
        text.append(f"u-alpha pooled over {n_codes} codes {_plain(overall.alpha)}")
        text.append(
            f"; mean per-code u-alpha {fmt_num(overall.mean_alpha)} "
            f"({overall.n_codes_defined} of {n_codes} codes defined)"
        )
        return text
    plural_noun = unit_nouns(report)[1]
    text.append(
        f"pooled over {n_codes} codes x {fmt_int(result.n_units)} {plural_noun}: "
        f"alpha {_plain(overall.alpha)}"
        + (f" {fmt_ci(overall.alpha_ci)}" if overall.alpha_ci is not None else "")
        + f", kappa {_plain(overall.kappa)}, "
        f"agreement {_plain_pct(overall.percent_agreement)}"
    )
    text.append(
        f"; mean per-code alpha {fmt_num(overall.mean_alpha)}, kappa "
        f"{fmt_num(overall.mean_kappa)} ({overall.n_codes_defined} of {n_codes} codes defined)"
    )
    return text


def _plain(coefficient: Coefficient | None) -> str:
    if coefficient is None:
        return "not computed"
    return coefficient.format(3)


def _plain_pct(coefficient: Coefficient | None) -> str:
    if coefficient is None:
        return "not computed"
    if coefficient.is_defined:
        return fmt_pct(coefficient.value)
    return coefficient.format()


def _document_table(report: AgreementReport, notes: _Footnotes) -> RenderableType:
    result = report.result
    level = report.request.level
    rows = list(result.per_document)
    shown = rows
    if len(rows) > MAX_DOCUMENTS:
        # The weakest documents are the ones worth a look; the full list is in md/html/xlsx.
        shown = sorted(rows, key=lambda d: d.alpha.value if d.alpha.is_defined else -9)
        shown = shown[:MAX_DOCUMENTS]
    _, plural_noun = unit_nouns(report)
    title = "Per document" + (
        f" (the {MAX_DOCUMENTS} lowest of {len(rows)})" if len(rows) > len(shown) else ""
    )
    table = Table(
        title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False
    )
    table.add_column("Document", overflow="fold", ratio=1)
    table.add_column(plural_noun.capitalize(), justify="right", no_wrap=True)
    table.add_column("u-alpha" if level == "span" else "Alpha", justify="right")
    if level != "span":
        table.add_column("Agree", justify="right", no_wrap=True)
    for doc in shown:
        cells = [document_name(report, doc.doc), fmt_int(doc.n_units), notes.cell(doc.alpha)]
        if level != "span":
            cells.append(notes.cell(doc.percent_agreement, fmt_pct(_value(doc.percent_agreement))))
        table.add_row(*cells)
    return table


def _pair_table(report: AgreementReport, notes: _Footnotes) -> Table:
    result = report.result
    letters = coder_letters(len(result.coders))
    table = Table(
        title="Coder pairs",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    for header in ("Pair", "Cohen's kappa", "Alpha", "Agree", "Mean per-code kappa"):
        table.add_column(header, justify="left" if header == "Pair" else "right")
    for pair in result.per_pair:
        table.add_row(
            f"{letters[pair.first]} - {letters[pair.second]}",
            notes.cell(pair.kappa),
            notes.cell(pair.alpha),
            notes.cell(pair.percent_agreement, fmt_pct(pair.percent_agreement.value)),
            fmt_num(pair.mean_kappa),
        )
    return table


def _excluded_and_notes(report: AgreementReport) -> list[RenderableType]:
    out: list[RenderableType] = []
    if report.excluded:
        out.append(Text("Excluded:", style="bold"))
        items = Table.grid(padding=(0, 1))
        items.add_column(width=3, justify="right")
        items.add_column(ratio=1)
        for item in report.excluded:
            items.add_row("-", item)
        out.append(items)
    else:
        out.append(Text("Excluded: nothing.", style="dim"))
    for note in report.result.notes:
        out.append(Text.assemble(("Note: ", "bold"), note))
    return out
