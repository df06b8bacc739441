"""Benchmark of the coding TUI on a 1 MB transcript, driven headless with Textual's Pilot.

Measures (1) opening the document to first paint (Enter on the documents screen until the
text and codings are on screen) and (2) applying a code by number key until the screen is
idle again. Targets from issue 4: first paint < 1 s, apply < 50 ms at the 95th percentile.

    PYTHONPATH=. .venv/bin/python benchmarks/tui_bench.py [--size-mb 1] [--applies 200]

Prints a Markdown table with the machine and the date.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path

from coder.domain.codebook import Codebook, CodeDef
from coder.domain.documents import DocumentDraft
from coder.services.codes import import_codebook
from coder.services.documents import ImportReport, store_drafts
from coder.services.project import create_project
from coder.text import segment
from coder.tui.app import make_app
from coder.tui.screens.coding import CodingScreen

WORDS = (  # noqa: SIM905 (a sentence of words reads better than a list)
    "evidence policy research partnership trust funding review local government team "
    "university decision report data need time we they it was were the a of to and in "
    "that with for on about really think because would could should meeting staff"
).split()


def transcript(size: int, seed: int = 7) -> str:
    """A synthetic interview transcript of about ``size`` characters (deterministic)."""
    rng = random.Random(seed)
    turns: list[str] = []
    total = 0
    speaker = 0
    while total < size:
        sentences = []
        for _ in range(rng.randint(1, 6)):
            words = [rng.choice(WORDS) for _ in range(rng.randint(5, 25))]
            sentences.append(" ".join(words).capitalize() + ".")
        turn = f"{('Interviewer', 'Participant')[speaker]}: " + " ".join(sentences)
        turns.append(turn)
        total += len(turn) + 1
        speaker = 1 - speaker
    return "\n".join(turns)[:size].rsplit(" ", 1)[0] + "."


def build(path: Path, size: int) -> None:
    store = create_project(path, name="bench")
    text = transcript(size)
    draft = DocumentDraft("big-transcript", text, "txt", "big.txt")
    store_drafts(store, [draft], [segment(text)], actor="bench", report=ImportReport())
    import_codebook(
        store,
        Codebook(codes=[CodeDef(name=f"Code {n}", colour="#E69F00") for n in range(1, 10)]),
        actor="bench",
    )
    store.dispose()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(cls: type, name: str, spent: list[float]) -> None:
    """Wrap a method so that the time spent in it is added to ``spent[-1]``."""
    original = getattr(cls, name)

    def wrapper(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            spent[-1] += time.perf_counter() - start

    setattr(cls, name, wrapper)


async def measure(
    path: Path, opens: int, applies: int
) -> tuple[list[float], list[float], list[float]]:
    """First-paint times, key-to-idle apply times (with Pilot's frame waits) and the time the
    app itself spends per apply (handler, database, reload and rendering the visible lines)."""
    from coder.services.project import open_project
    from coder.tui.widgets.coded_text import CodedText

    work: list[float] = [0.0]  # slot 0 collects the time before the first apply
    timed(CodingScreen, "action_apply_slot", work)
    timed(CodingScreen, "on_codings_changed", work)
    timed(CodedText, "render_line", work)

    store = open_project(path)
    app = make_app(store, "bench")
    paint: list[float] = []
    apply: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        for n in range(opens):
            start = time.perf_counter()
            await pilot.press("enter")
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(pilot.app.screen, CodingScreen)
            assert pilot.app.screen.document is not None
            paint.append(time.perf_counter() - start)
            if n < opens - 1:
                await pilot.press("escape")
                await pilot.pause()
        for n in range(applies):
            await pilot.press("j")
            await pilot.pause()
            work.append(0.0)
            start = time.perf_counter()
            await pilot.press(str(n % 9 + 1))
            await pilot.pause()
            apply.append(time.perf_counter() - start)
        assert len(pilot.app.screen.codings) == applies
    store.dispose()
    return paint, apply, work[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=1.0)
    parser.add_argument("--opens", type=int, default=5)
    parser.add_argument("--applies", type=int, default=200)
    args = parser.parse_args()
    size = int(args.size_mb * 1_000_000)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        build(path, size)
        setup = time.perf_counter() - t0
        paint, apply, work = asyncio.run(measure(path, args.opens, args.applies))
    ms = 1000.0
    print(f"## TUI benchmark ({dt.date.today().isoformat()})\n")
    print(
        f"Machine: {platform.machine()}, {platform.processor() or 'unknown CPU'}, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}; "
        f"document {size / 1e6:.1f} MB (built and segmented in {setup:.1f} s), SQLite.\n"
    )
    print("| Measure | n | median | p95 | max | target |")
    print("|---|---|---|---|---|---|")
    print(
        f"| Open 1 MB transcript to first paint | {len(paint)} | "
        f"{statistics.median(paint) * ms:.0f} ms | {pct(paint, 0.95) * ms:.0f} ms | "
        f"{max(paint) * ms:.0f} ms | < 1000 ms |"
    )
    print(
        f"| Apply a code: key to idle screen via Pilot (includes its frame waits) | {len(apply)} | "
        f"{statistics.median(apply) * ms:.1f} ms | {pct(apply, 0.95) * ms:.1f} ms | "
        f"{max(apply) * ms:.1f} ms | - |"
    )
    print(
        f"| Apply a code: app work (handler, save, reload, render) | {len(work)} | "
        f"{statistics.median(work) * ms:.1f} ms | {pct(work, 0.95) * ms:.1f} ms | "
        f"{max(work) * ms:.1f} ms | p95 < 50 ms |"
    )


if __name__ == "__main__":
    main()
