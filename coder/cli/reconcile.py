"""``coder reconcile``: settle two coders' disagreements into a consensus coder.

``coder reconcile --coders A B`` opens the reconciliation screen; ``--auto`` accepts the passages
both coders coded alike instead; ``status``, ``decide``, ``log``, ``join`` and ``undo`` do the
rest from scripts. ``--as NAME`` is the person reconciling (their coder name is what "decided by"
says and who writes the rationale memos); ``--consensus NAME`` is the layer decisions go to.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import typer

from coder.cli.agreement import OVERLAP_HELP, overlap_rule
from coder.cli.common import DEFAULT_PROJECT, ProjectOption, coder_pair, open_store
from coder.cli.output import ListFormat, clip, emit
from coder.domain.agreement import DEFAULT_OVERLAP
from coder.domain.documents import UnitKind
from coder.errors import UsageError

if TYPE_CHECKING:
    from coder.db.engine import Store

app = typer.Typer(
    help="Reconcile two coders' work into a consensus coder (the TUI, or --auto and decide).",
    invoke_without_command=True,
)

CONSENSUS_HELP = "Name of the consensus coder decisions go to (created if new)."
PERSON = typer.Option(
    None,
    "--as",
    help="Who is reconciling: your coder name (default: your database login's coder, or "
    "$CODER_USER). Decisions say you decided them; your rationales are your memos.",
)
#: The same choice as ``coder agreement --overlap``, so both compare the same units.
OVERLAP = typer.Option(DEFAULT_OVERLAP, "--overlap", help=OVERLAP_HELP, callback=overlap_rule)


def register(parent: typer.Typer) -> None:
    parent.add_typer(app, name="reconcile")


def reconciling_person(store: Store, name: str | None) -> str:
    """The person reconciling: ``--as``, else the coder of the database login, else
    $CODER_USER; never the operating system's login name, which names no one on the team."""
    from coder.services.project.team import connected_coder

    person = name or connected_coder(store) or os.environ.get("CODER_USER")
    if not person or not person.strip():
        raise UsageError("say who is reconciling: --as YOUR-CODER-NAME (or set CODER_USER)")
    return person.strip()


@app.callback()
def reconcile(
    ctx: typer.Context,
    coders: list[str] = typer.Option(None, "--coders", "-c", help="The two coders: A B."),
    project: ProjectOption = DEFAULT_PROJECT,
    consensus: str = typer.Option("consensus", "--consensus", help=CONSENSUS_HELP),
    person: str | None = PERSON,
    auto: bool = typer.Option(
        False, "--auto", help="Accept every passage both coders coded alike, then stop."
    ),
    min_alpha: float | None = typer.Option(
        None, "--min-alpha", help="With --auto: only passages whose codes all have alpha >= X."
    ),
    order: str = typer.Option(
        "document", "--order", help="document, or weakest (codes with the lowest alpha first)."
    ),
    unit: UnitKind = typer.Option(UnitKind.SENTENCE, "--unit", "-u", help="Unit of analysis."),
    overlap: str = OVERLAP,
) -> None:
    """Open the reconciliation screen for two coders, or accept agreeing passages with --auto."""
    if ctx.invoked_subcommand is not None:
        return
    first, second = coder_pair(coders)
    if order not in ("document", "weakest"):
        raise typer.BadParameter(f"{order!r} (choose document or weakest)", param_hint="--order")
    if min_alpha is not None and not auto:
        raise typer.BadParameter("--min-alpha goes with --auto", param_hint="--min-alpha")
    store = open_store(project, writes=True)
    actor = reconciling_person(store, person)
    if auto:
        from coder.services.reconcile.decisions import auto_accept

        report = auto_accept(
            store,
            first=first,
            second=second,
            consensus=consensus,
            actor=actor,
            min_alpha=min_alpha,
            unit=unit,
            overlap=overlap,  # type: ignore[arg-type]
        )
        held = f"; {report.held_back} held back below alpha {min_alpha:g}" if min_alpha else ""
        typer.echo(
            f"accepted {report.accepted} agreeing passage(s) into {consensus} "
            f"({report.codings} codings){held}"
        )
        return
    from coder.services.project.coders import ensure_coder
    from coder.tui.app import make_reconcile_app

    actor = ensure_coder(store, actor, actor=actor).name
    make_reconcile_app(
        store,
        actor,
        first=first,
        second=second,
        consensus=consensus,
        order=order,
        unit=unit,
        overlap=overlap,  # type: ignore[arg-type]
    ).run()


@app.command("status")
def status(
    coders: list[str] = typer.Option(..., "--coders", "-c", help="The two coders: A B."),
    project: ProjectOption = DEFAULT_PROJECT,
    consensus: str = typer.Option("consensus", "--consensus", help=CONSENSUS_HELP),
    order: str = typer.Option("document", "--order", help="document or weakest."),
    show: str = typer.Option(
        "undecided", "--show", help="Items to list: undecided, all, or none (counts only)."
    ),
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="Output format."),
    overlap: str = OVERLAP,
) -> None:
    """Progress (decided / remaining) and the disagreements still to settle, by passage."""
    from coder.services.reconcile.queue import load_queue

    first, second = coder_pair(coders)
    queue = load_queue(
        open_store(project),
        first=first,
        second=second,
        consensus=consensus,
        order=order,  # type: ignore[arg-type]
        overlap=overlap,  # type: ignore[arg-type]
    )
    items = {
        "undecided": [i for i in queue.disagreements if not i.decided],
        "all": list(queue.items),
        "none": [],
    }.get(show)
    if items is None:
        raise typer.BadParameter(f"{show!r} (choose undecided, all or none)", param_hint="--show")

    def codes(ids: tuple[int, ...]) -> str:
        return ", ".join(str(queue.codes[c].path) for c in ids) or "-"

    rows = [
        {
            "item": i.number,
            "key": i.key,
            "document": i.document,
            "units": len(i.units),
            first: codes(i.first_codes),
            second: codes(i.second_codes),
            "decision": "" if i.decision is None else i.decision.choice,
            "consensus": "" if i.decision is None else codes(i.decision.code_ids),
        }
        for i in items
    ]
    if fmt is ListFormat.table:
        typer.echo(
            f"{first} vs {second} -> {queue.consensus}: {queue.decided} of "
            f"{len(queue.disagreements)} disagreements decided, {queue.remaining} remaining; "
            f"{queue.agreeing_pending} agreeing passage(s) not yet accepted (--auto)"
        )
        if not rows:
            return
    emit(
        rows,
        fmt,
        columns=["item", "key", "document", "units", first, second, "decision", "consensus"],
        no_wrap=["key"],
    )


@app.command("decide")
def decide(
    item: str = typer.Argument(..., help="Item number or key (DOC:START-END) from 'status'."),
    keep: str = typer.Option(
        ..., "--keep", "-k", help="a, b, both (union), shared (intersection), or edit (--code)."
    ),
    codes: list[str] = typer.Option([], "--code", help="With --keep edit: a code path to keep."),
    why: str = typer.Option("", "--why", help="Rationale: the consensus coding's memo."),
    coders: list[str] = typer.Option(..., "--coders", "-c", help="The two coders: A B."),
    project: ProjectOption = DEFAULT_PROJECT,
    consensus: str = typer.Option("consensus", "--consensus", help=CONSENSUS_HELP),
    person: str | None = PERSON,
    overlap: str = OVERLAP,
) -> None:
    """Decide one passage without the TUI."""
    from coder.services.reconcile.decisions import decide as decide_item

    first, second = coder_pair(coders)
    store = open_store(project, writes=True)
    code_ids = None
    if keep == "edit":
        from coder.services.codebook.codes import require_code

        with store.read() as session:
            code_ids = [require_code(session, path).id for path in codes]
    elif codes:
        raise typer.BadParameter("--code goes with --keep edit", param_hint="--code")
    result = decide_item(
        store,
        first=first,
        second=second,
        item=item,
        choice=keep,
        actor=reconciling_person(store, person),
        consensus=consensus,
        code_ids=code_ids,
        rationale=why,
        overlap=overlap,  # type: ignore[arg-type]
    )
    typer.echo(result.description)


@app.command("log")
def log(
    project: ProjectOption = DEFAULT_PROJECT,
    consensus: str = typer.Option("consensus", "--consensus", help="The consensus coder."),
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """Every consensus coding with its provenance: source coder and coding, who, when, why."""
    from coder.services.reconcile.provenance import provenance

    rows = [
        {
            "coding": r.coding_id,
            "document": r.document,
            "span": f"{r.start}-{r.end}",
            "code": str(r.code),
            "choice": r.choice,
            "from": r.source_coder or "(by hand)",
            "source_coding": r.source_coding_id,
            "decided_by": r.decided_by,
            "decided_at": r.decided_at,
            "why": r.rationale if fmt is not ListFormat.table else clip(r.rationale, 40),
        }
        for r in provenance(open_store(project), consensus=consensus)
    ]
    emit(
        rows,
        fmt,
        columns=["coding", "document", "span", "code", "choice", "from", "source_coding",
                 "decided_by", "decided_at", "why"],
    )  # fmt: skip


@app.command("join")
def join(
    project: ProjectOption = DEFAULT_PROJECT,
    consensus: str = typer.Option("consensus", "--consensus", help="The consensus coder."),
    person: str | None = PERSON,
) -> None:
    """Join consensus codings decided one sentence at a time where both coders' codings were
    whole across them (one coding per passage), and keep each rationale as a memo. Undo with
    'coder reconcile undo'."""
    from coder.services.reconcile.decisions import join_consensus

    store = open_store(project, writes=True)
    result = join_consensus(store, actor=reconciling_person(store, person), consensus=consensus)
    typer.echo(result.description if result else "nothing to join")


@app.command("undo")
def undo(project: ProjectOption = DEFAULT_PROJECT, person: str | None = PERSON) -> None:
    """Undo your latest action: a decision, a bulk acceptance, a join, a merge, a coding..."""
    from coder.services.undo import undo_latest

    store = open_store(project, writes=True)
    result = undo_latest(store, actor=reconciling_person(store, person))
    typer.echo(result.description if result else "nothing to undo")
