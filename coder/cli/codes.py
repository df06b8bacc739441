"""``coder codes list``."""

from __future__ import annotations

import typer

from coder.cli.common import ProjectOption, open_store
from coder.cli.output import ListFormat, emit

app = typer.Typer(help="Codes in the project's codebook.", no_args_is_help=True)


@app.command("list")
def list_(
    project: ProjectOption = "projects/demo.db",
    coder: str | None = typer.Option(
        None, "--coder", "-c", help="Show what this coder sees (blind rules) and their counts."
    ),
    all_: bool = typer.Option(False, "--all", help="Include merged and retired codes."),
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """List codes as a tree with definitions and the number of codings."""
    from coder.services.codebook.codes import coding_counts, list_codes

    store = open_store(project)
    codes = list_codes(store, viewer=coder, include_inactive=all_)
    counts = coding_counts(store, coder=coder)
    rows = []
    for c in codes:
        label = str(c.path) if fmt is not ListFormat.table else "  " * (c.path.depth - 1) + c.name
        rows.append(
            {
                "code": label,
                "path": str(c.path),
                "definition": c.definition,
                "inclusion": c.inclusion,
                "exclusion": c.exclusion,
                "example": c.example,
                "colour": c.colour,
                "keywords": list(c.keywords),
                "status": c.status,
                "codings": counts.get(c.path, 0),
            }
        )
    if fmt is ListFormat.table:
        emit(rows, fmt, columns=["code", "codings", "definition"], title="Codes")
    else:
        emit(
            rows,
            fmt,
            columns=[
                "path",
                "definition",
                "inclusion",
                "exclusion",
                "example",
                "colour",
                "keywords",
                "status",
                "codings",
            ],
        )
