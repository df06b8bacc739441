"""The HTML report: one self-contained file (inline CSS and SVG, no scripts, no network)."""

from __future__ import annotations

from html import escape

from coder.domain.agreement import AgreementReport
from coder.reports._common import (
    Flag,
    chart_spec,
    code_names,
    coder_letters,
    fmt_int,
    unit_nouns,
)
from coder.reports._display import (
    DisplayTable,
    code_table,
    counted_note,
    document_table,
    overall_lines,
    pair_table,
)
from coder.reports._methods import methods_paragraph, references
from coder.reports._svg import chart_svg

_FLAG_CLASS = {
    Flag.LOW: "low",
    Flag.TENTATIVE: "tentative",
    Flag.RELIABLE: "ok",
    Flag.UNDEFINED: "undefined",
}

CSS = """
:root { --ink: #1b1f24; --muted: #57606a; --rule: #d0d7de; --band: #f6f8fa;
  --low: #b42318; --tentative: #9a6700; --ok: #1a7f37; --accent: #0550ae; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 1.6rem; margin: 0 0 .4rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; padding-bottom: .2rem;
  border-bottom: 1px solid var(--rule); }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
p.methods { max-width: 75ch; }
ul.refs { color: var(--muted); font-size: .9rem; padding-left: 1.2rem; }
.note { color: var(--muted); font-size: .9rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: .88rem; margin: .3rem 0; }
th, td { padding: .25rem .55rem; border-bottom: 1px solid var(--rule); vertical-align: top; }
th { text-align: left; background: var(--band); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) td { background: #fbfcfd; }
td.flag { white-space: nowrap; font-weight: 600; }
tr.flag-low td.flag { color: var(--low); }
tr.flag-tentative td.flag { color: var(--tentative); }
tr.flag-ok td.flag { color: var(--ok); }
tr.flag-undefined td.flag { color: var(--muted); }
tr.flag-low td:first-child { box-shadow: inset 4px 0 0 var(--low); }
tr.flag-tentative td:first-child { box-shadow: inset 4px 0 0 var(--tentative); }
td.undef { color: var(--muted); font-style: italic; white-space: normal; }
table.confusion { font-size: .78rem; }
table.confusion td.diag { font-weight: 700; background: #e6f0fb; }
table.confusion th.col { text-align: center; }
figure { margin: .5rem 0; }
figcaption { color: var(--muted); font-size: .9rem; max-width: 75ch; }
svg.chart { max-width: 100%; height: auto; font-family: inherit; }
svg.chart .label, svg.chart .value { font-size: 12px; fill: var(--ink); }
svg.chart .tick, svg.chart .axis-label { font-size: 11px; fill: var(--muted); }
svg.chart .undefined { font-size: 11px; fill: var(--muted); font-style: italic; }
svg.chart .band { fill: var(--band); }
svg.chart .undefined-box { fill: #fff; stroke: var(--rule); }
svg.chart .grid { stroke: #e4e8ec; stroke-width: 1; }
svg.chart .zero { stroke: var(--muted); stroke-width: 1; }
svg.chart .ref { stroke-width: 1.5; stroke-dasharray: 5 4; }
svg.chart .ref-tentative { stroke: var(--tentative); }
svg.chart .ref-reliable { stroke: var(--ok); }
svg.chart .ref-label { font-size: 11px; fill: var(--ink); }
svg.chart .ci, svg.chart .cap { stroke: var(--ink); stroke-width: 1.5; }
svg.chart .point { fill: var(--accent); stroke: #fff; stroke-width: 1; }
svg.chart .flag-low .point { fill: var(--low); }
svg.chart .flag-tentative .point { fill: var(--tentative); }
svg.chart .flag-ok .point { fill: var(--ok); }
svg.chart .flag-low .value { fill: var(--low); font-weight: 600; }
@media print {
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  table, figure { break-inside: auto; }
  tr { break-inside: avoid; }
  .scroll { overflow: visible; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _table(table: DisplayTable, css_class: str = "") -> str:
    head = "".join(
        f'<th scope="col"{" class=num" if i in table.numeric else ""}>{escape(h)}</th>'
        for i, h in enumerate(table.headers)
    )
    body = []
    for r, row in enumerate(table.rows):
        flag = table.flags[r] if r < len(table.flags) else None
        tr_class = f' class="flag-{_FLAG_CLASS[flag]}"' if flag is not None else ""
        cells = []
        for i, cell in enumerate(row):
            classes = []
            if i in table.numeric:
                classes.append("num")
            if cell.startswith("undefined"):
                classes.append("undef")
            if table.headers[i] == "Flag":
                classes.append("flag")
            attr = f' class="{" ".join(classes)}"' if classes else ""
            if i == 0:
                cells.append(f'<th scope="row"{attr} style="font-weight:400">{escape(cell)}</th>')
            else:
                cells.append(f"<td{attr}>{escape(cell)}</td>")
        body.append(f"<tr{tr_class}>{''.join(cells)}</tr>")
    cls = f' class="{css_class}"' if css_class else ""
    return (
        f'<div class="scroll"><table{cls}><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _confusion(report: AgreementReport) -> str:
    confusion = report.result.confusion
    if confusion is None:
        return ""
    coders = report.result.coders
    names = [*code_names(report), "(no code)"]
    counts = confusion.counts
    n = len(names)
    # Codes neither coder applied are all-zero rows and columns; leaving them out keeps the
    # table readable on large codebooks.
    keep = [i for i in range(n) if i == n - 1 or counts[i, :].sum() or counts[:, i].sum()]
    first, second = escape(coders[confusion.first]), escape(coders[confusion.second])
    head = f'<th scope="col">{first} \\ {second}</th>' + "".join(
        f'<th scope="col" class="col" title="{escape(names[j])}">{k}</th>'
        for k, j in enumerate(keep, 1)
    )
    rows = []
    for k, i in enumerate(keep, 1):
        cells = []
        for j in keep:
            value = int(counts[i, j])
            css = "num diag" if i == j and i != n - 1 else "num"
            cells.append(f'<td class="{css}">{fmt_int(value) if value else ""}</td>')
        rows.append(
            f'<tr><th scope="row" style="font-weight:400">{k}. {escape(names[i])}</th>'
            f"{''.join(cells)}</tr>"
        )
    dropped = n - len(keep)
    _, plural_noun = unit_nouns(report)
    return (
        "<section id=confusion><h2>Confusion table</h2>"
        f'<p class="note">{plural_noun.capitalize()} where {first} applied the row code and '
        f"{second} the column code (a {plural_noun[:-1]} with several codes counts in several "
        "cells). Columns are numbered like the rows; the diagonal is agreement; empty cells are "
        "zero."
        + (f" {dropped} code(s) neither coder applied are left out." if dropped else "")
        + "</p>"
        f'<div class="scroll"><table class="confusion"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div></section>"
    )


def render_html(report: AgreementReport) -> str:
    """The whole report as one HTML document."""
    result = report.result
    level = report.request.level
    spec = chart_spec(level)
    plural_noun = unit_nouns(report)[1]
    project = escape(report.project)
    coders = "; ".join(
        f"{letter} = {escape(name)} ({fmt_int(report.codings_per_coder.get(name, 0))} codings)"
        for letter, name in zip(coder_letters(len(result.coders)), result.coders, strict=True)
    )
    level_text = {
        "unit": f"units of analysis ({escape(report.unit_label)}), overlap rule “{result.overlap}”",
        "character": "characters (NVivo-compatible)",
        "span": "spans (Krippendorff's unitizing alpha)",
    }[level]
    meta = [
        ("Project", project),
        ("Coders", coders),
        ("Unit", escape(plural_noun)),
        ("Level", level_text),
        (
            "Scope",
            f"{fmt_int(len(report.documents))} documents, {fmt_int(result.n_units)} "
            f"{escape(plural_noun)}, {len(result.per_code)} codes",
        ),
        ("Generated", f"{report.generated_at:%Y-%m-%d %H:%M} UTC"),
    ]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Inter-coder agreement: {project}</title>",
        f"<style>{CSS}</style></head><body><main>",
        f"<header><h1>Inter-coder agreement: {project}</h1><dl class=meta>",
        *(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in meta),
        "</dl></header>",
        "<section id=methods><h2>Methods</h2>",
        f'<p class="methods">{escape(methods_paragraph(report))}</p>',
        "<ul class=refs>",
        *(f"<li>{escape(ref)}</li>" for ref in references(report)),
        "</ul></section>",
        "<section id=chart><h2>Per-code " + escape(spec.name) + "</h2><figure>",
        chart_svg(report),
        "<figcaption>" + escape(_caption(report)) + "</figcaption></figure></section>",
        "<section id=per-code><h2>Per code</h2>",
        _table(code_table(report), "per-code"),
        f'<p class="note">{escape(counted_note(report))} {escape(_legend(level))}</p></section>',
        "<section id=overall><h2>Overall</h2><ul>",
        *(f"<li>{escape(line)}</li>" for line in overall_lines(report)),
        "</ul></section>",
        "<section id=per-document><h2>Per document</h2>",
        _table(document_table(report), "per-document"),
        "</section>",
    ]
    if result.per_pair:
        parts += [
            "<section id=pairs><h2>Coder pairs</h2>",
            _table(pair_table(report), "pairs"),
            "</section>",
        ]
    parts.append(_confusion(report))
    parts.append("<section id=excluded><h2>Excluded and notes</h2><ul>")
    parts += [f"<li>Excluded: {escape(item)}</li>" for item in report.excluded] or [
        "<li>Nothing in the selection was excluded.</li>"
    ]
    parts += [f"<li>Note: {escape(note)}</li>" for note in result.notes]
    parts.append("</ul></section></main></body></html>")
    return "\n".join(p for p in parts if p) + "\n"


def _caption(report: AgreementReport) -> str:
    level = report.request.level
    spec = chart_spec(level)
    text = f"Each row is a code; the dot is its {spec.name}"
    if level == "unit" and report.request.ci:
        text += ", the whisker its 95% bootstrap confidence interval"
    elif level == "unit":
        text += " (no confidence intervals were computed)"
    else:
        text += " (no confidence intervals are computed at this level)"
    text += (
        ". Dashed lines mark 0.667, Krippendorff's lowest acceptable level for tentative "
        "conclusions, and 0.8, his standard for reliable data (Krippendorff 2004, p. 241). "
        "The value and flag of each code are printed at the right; codes whose coefficient is "
        "undefined say why."
    )
    if level == "character":
        text += " At character level the chart shows per-character kappa, NVivo's figure."
    return text


def _legend(level: str) -> str:
    name = "unitized alpha" if level == "span" else "alpha"
    return (
        "Flags: "
        + "; ".join(
            f"{f.label}: {name} {f.meaning}" for f in (Flag.LOW, Flag.TENTATIVE, Flag.RELIABLE)
        )
        + f"; {Flag.UNDEFINED.label}: {name} undefined (Krippendorff 2004, p. 241)."
    )
