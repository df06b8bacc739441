"""Benchmark of the Documents screen on a project of many documents (issue 11).

Target: with 2,000 documents the screen shows its first row in under 0.3 s.

What is measured, from the moment the app is created (``make_app`` then ``run_test``):

* **first row**: the end of the first frame (``Screen._compositor_refresh``) in which the
  Documents screen's table holds at least one row;
* **all rows**: the end of the first frame in which it holds every document.

The reference, run in the same process on the same rows: a bare Textual ``DataTable`` in a
bare ``App`` given all rows in one ``add_rows`` call, timed the same way. It shows what the
widget alone costs when it is handed everything at once.

    PYTHONPATH=. .venv/bin/python benchmarks/documents_bench.py [--documents 2000] [--runs 5]

Prints a Markdown table with the machine and the date.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable

from coder.domain.documents import DocumentDraft
from coder.services.coding.progress import document_progress
from coder.services.project.lifecycle import create_project
from coder.tui.app import make_app
from coder.tui.screens.documents import DocumentsScreen
from tests.factories import TUI_BOOK, build_project

SIZE = (120, 40)


class FrameClock:
    """Timestamps of the first frames in which a condition on the screen holds."""

    def __init__(self) -> None:
        self.marks: dict[str, float] = {}
        self.checks: dict[str, Callable[[Screen[Any]], bool]] = {}
        self._original = Screen._compositor_refresh

    def __enter__(self) -> FrameClock:
        clock = self

        def timed(screen: Screen[Any]) -> None:
            clock._original(screen)
            now = time.perf_counter()
            for name, check in clock.checks.items():
                if name not in clock.marks and check(screen):
                    clock.marks[name] = now

        Screen._compositor_refresh = timed  # type: ignore[method-assign,assignment]
        return self

    def __exit__(self, *_exc: object) -> None:
        Screen._compositor_refresh = self._original  # type: ignore[method-assign]

    async def wait(self, *names: str, timeout: float = 30) -> None:
        deadline = time.perf_counter() + timeout
        while not all(n in self.marks for n in names):
            if time.perf_counter() > deadline:
                raise TimeoutError(f"never saw {names}")
            await asyncio.sleep(0.005)


def rows_in(screen: Screen[Any], wanted: int, kind: type[Screen[Any]] | None) -> bool:
    if kind is not None and not isinstance(screen, kind):
        return False
    tables = screen.query(DataTable)
    return bool(tables) and tables.first().row_count >= wanted


class BareTable(App[None]):
    """The reference: one DataTable given every row at once."""

    def __init__(self, columns: list[str], rows: Sequence[tuple[str, ...]]) -> None:
        super().__init__()
        self.columns, self.rows = columns, rows

    def compose(self) -> ComposeResult:
        yield DataTable()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*self.columns)
        table.add_rows(self.rows)


async def time_app(
    make: Callable[[], App[Any]], total: int, kind: type[Screen[Any]] | None
) -> tuple[float, float]:
    with FrameClock() as clock:
        clock.checks["first"] = lambda s: rows_in(s, 1, kind)
        clock.checks["all"] = lambda s: rows_in(s, total, kind)
        start = time.perf_counter()
        app = make()
        async with app.run_test(size=SIZE):
            await clock.wait("first", "all")
        return clock.marks["first"] - start, clock.marks["all"] - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    store = create_project(folder / "bench.db", name="bench")
    drafts = [
        DocumentDraft(
            f"interview-{i:04d}",
            f"Sentence one of interview {i}. Sentence two. Sentence three.",
            "txt",
            f"interview-{i:04d}.txt",
            {"role": "policy" if i % 2 else "research", "site": f"site-{i % 7}"},
        )
        for i in range(args.documents)
    ]
    build_project(store, drafts, TUI_BOOK, ("alice",))
    progress = document_progress(store, "alice")
    columns = ["Document", "role", "site", "Sentences", "Coded", "Codings", "Done"]
    rows = [
        (
            p.name,
            str(p.attributes.get("role")),
            str(p.attributes.get("site")),
            str(p.units),
            "0%",
            "0",
            "",
        )
        for p in progress
    ]
    ours: list[tuple[float, float]] = []
    reference: list[tuple[float, float]] = []
    for _ in range(args.runs):  # interleaved, so both see the same machine
        ours.append(
            asyncio.run(time_app(lambda: make_app(store, "alice"), args.documents, DocumentsScreen))
        )
        reference.append(
            asyncio.run(time_app(lambda: BareTable(columns, rows), args.documents, None))
        )
    store.dispose()

    def cell(values: list[float]) -> str:
        low, mid, high = (v * 1000 for v in (min(values), statistics.median(values), max(values)))
        return f"{mid:.0f} ms (min {low:.0f}, max {high:.0f})"

    print(f"## Documents screen benchmark ({dt.date.today().isoformat()})\n")
    print(
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; {args.documents} documents, SQLite; terminal "
        f"{SIZE[0]}x{SIZE[1]}; {args.runs} runs each, interleaved.\n"
    )
    print("| Measure | first row | all rows | target |")
    print("|---|---|---|---|")
    for label, runs, target in (
        ("coder's Documents screen (query + table)", ours, "first row < 300 ms"),
        ("reference: bare DataTable, all rows in one add_rows", reference, "-"),
    ):
        first, every = [a for a, _ in runs], [b for _, b in runs]
        print(f"| {label} | {cell(first)} | {cell(every)} | {target} |")


if __name__ == "__main__":
    main()
