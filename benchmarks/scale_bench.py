"""Scale: a generated corpus through the real commands, on SQLite or PostgreSQL (issues 7, 16).

Each step runs as its own child process (``python -m coder ...``, or a small script for the
TUI), so its wall time and its peak memory (the child's own ``VmHWM``, read at exit) are
measured alone. On PostgreSQL the server's own memory is not in the figure.

1. ``coder init`` and ``coder import`` of every document (with the progress bar on stderr);
2. ``coder codings import --create-coders --create-codes`` of a CSV of ``--codings`` codings
   by four coders (ana, ben, cy, dee) on sentence units, 50 codes: each chosen sentence is
   coded by all four, each keeping the sentence's "true" code three times in four;
3. ``coder docs list``;
4. the Documents screen of the TUI, headless: time from launching the app to the first frame
   whose table holds every document (issue 7 target: under 1 s); then Enter on the first row
   to the coding screen showing that document's text with ana's codings on it;
5. ``coder agreement`` of the four coders over the whole project, with bootstrap CIs
   (issue 3 target: under 10 s, under 2 GB);
6. ``coder reconcile --auto`` of ana and ben (every sentence they coded alike);
7. ``coder export -f quotes-md -c ana`` (ana's quote book: a quarter of the codings; the
   consensus layer would depend on step 6 finishing) and ``-f qdpx`` (REFI, everything);
8. ``coder check`` and ``coder backup``.

Run: ``python benchmarks/scale_bench.py [--docs 10000] [--words 1000] [--codings 1000000]
[--server postgresql+psycopg://postgres@127.0.0.1:54331/coder_ci] [--keep DIR]``; prints a
Markdown table. Issue 16 asks for 10,000 documents and 1,000,000 codings (the defaults); run a
tenth as well (``--docs 1000 --codings 100000``) to see what grows faster than the project.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from import_bench import generate_texts  # noqa: E402
from sqlalchemy import create_engine, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from coder.db.models import Document, Unit  # noqa: E402
from coder.services.project.lifecycle import open_project  # noqa: E402

CODERS = ("ana", "ben", "cy", "dee")
CODE_PATHS = [f"Theme {t}/Code {t}.{c}" for t in range(5) for c in range(10)]

#: The Documents screen to its rows, then Enter to the first document open for coding.
DOCUMENTS_SCREEN = """
import asyncio, sys, time
began = time.perf_counter()
from textual.widgets import DataTable
from coder.services.project.lifecycle import open_project
from coder.tui.app import make_app
from coder.tui.screens.coding import CodingScreen
from coder.tui.widgets.coded_text import CodedText

def opened(screen):
    if not isinstance(screen, CodingScreen) or screen.document is None:
        return False
    found = screen.query(CodedText)
    return bool(found) and bool(found.first().text) and bool(found.first().marks)

async def main():
    store = open_project(sys.argv[1])
    launched = time.perf_counter()
    app = make_app(store, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        while True:
            tables = app.screen.query(DataTable)
            if tables and tables.first().row_count >= int(sys.argv[2]):
                break
            await pilot.pause(0.01)
        rows = time.perf_counter()
        await pilot.pause()
        pressed = time.perf_counter()
        await pilot.press("enter")
        while not opened(app.screen):
            await pilot.pause(0.01)
        shown = time.perf_counter()
        print(f"{rows - launched:.3f} {rows - began:.3f} {shown - pressed:.3f}")

asyncio.run(main())
"""


#: Runs ``-m module`` or ``-c code`` and writes the process's own peak RSS (VmHWM) at exit.
#: ru_maxrss from wait4 would not do: Linux carries the parent's high-water mark across fork
#: and exec, so every child would seem at least as big as this benchmark process.
PEAK = """
import atexit, runpy, sys
peak_file, mode, target, *rest = sys.argv[1:]
def report():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            open(peak_file, "w").write(line.split()[1])
atexit.register(report)
sys.argv = [target, *rest]
if mode == "-m":
    runpy.run_module(target, run_name="__main__", alter_sys=True)
else:
    exec(compile(target, "<bench>", "exec"), {"__name__": "__main__"})
"""


#: Seconds a step may take before it is stopped (``--step-limit``); None: no limit.
STEP_LIMIT: float | None = None
#: What became of steps that did not finish: label -> "stopped after ..." or "failed: ...".
UNFINISHED: dict[str, str] = {}


def run_child(label: str, args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB, and stdout of one Python child (``-m mod ...``/``-c``).

    A child still running after ``STEP_LIMIT`` seconds is stopped (its peak so far read first)
    and one that fails is noted in ``UNFINISHED``; both give an empty stdout."""
    assert args[0] == sys.executable and args[1] in ("-m", "-c")
    peak_file = Path(tempfile.mkstemp(prefix="coder-peak-")[1])
    args = [sys.executable, "-c", PEAK, str(peak_file), *args[1:]]
    began = time.perf_counter()
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=REPO, text=True
    )
    try:
        out, err = proc.communicate(timeout=STEP_LIMIT)
    except subprocess.TimeoutExpired:
        peak_file.write_text(_peak_of(proc.pid))
        proc.kill()
        proc.communicate()
        UNFINISHED[label] = f"stopped after {STEP_LIMIT:,.0f} s (the step limit)"
        out = ""
    seconds = time.perf_counter() - began
    if proc.returncode != 0 and label not in UNFINISHED:
        UNFINISHED[label] = "failed: " + (err.strip().splitlines() or ["?"])[-1][:200]
        out = ""
    peak = int(peak_file.read_text() or 0) / 1024
    peak_file.unlink()
    return seconds, peak, out


def _peak_of(pid: int) -> str:
    """A running process's peak RSS in KiB (``VmHWM``), as text."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return line.split()[1]
    return "0"


def write_codings(project: str, count: int, path: Path, seed: int = 3) -> int:
    """A codings CSV (document, start, end, code, coder) of ``count`` codings: ``count / 4``
    sentence units drawn at random, each coded by all four coders, who keep the unit's own
    code three times in four; the number of rows."""
    store = open_project(project)
    with store.read() as session:
        units = session.execute(
            select(Document.name, Unit.start, Unit.end)
            .join(Document, Document.id == Unit.document_id)
            .where(Unit.kind == "sentence")
            .order_by(Unit.id)
        ).all()
    store.dispose()
    rng = random.Random(seed)
    chosen = rng.sample(units, min(count // len(CODERS), len(units)))
    chosen.sort(key=lambda u: (u[0], u[1]))
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["document", "start", "end", "code", "coder"])
        for name, start, end in chosen:
            true = rng.choice(CODE_PATHS)
            for coder in CODERS:
                code = true if rng.random() < 0.75 else rng.choice(CODE_PATHS)
                out.writerow([name, start, end, code, coder])
                rows += 1
    return rows


def new_database(server: str, prefix: str) -> tuple[str, str]:
    """A new empty database on ``server``: its URL and its name."""
    name = f"{prefix}{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False), name


def drop_database(server: str, name: str) -> None:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=1_000, help="per document")
    parser.add_argument("--codings", type=int, default=1_000_000, help="all four coders")
    parser.add_argument("--server", help="a PostgreSQL server URL (default: a SQLite file)")
    parser.add_argument("--db-prefix", default="scale_bench_", help="of the server database")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--step-limit", type=float, help="stop a step after this many seconds")
    args = parser.parse_args(argv)
    global STEP_LIMIT
    STEP_LIMIT = args.step_limit
    work = args.keep or Path(tempfile.mkdtemp(prefix="coder-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / "corpus"
    corpus.mkdir(exist_ok=True)
    texts = generate_texts(args.docs, args.words)
    files = []
    for i, body in enumerate(texts):
        path = corpus / f"interview-{i:05d}.txt"
        path.write_text(body, encoding="utf-8")
        files.append(str(path))
    words = sum(len(t.split()) for t in texts)
    del texts
    database = None
    if args.server:
        project, database = new_database(args.server, args.db_prefix)
        where = "PostgreSQL"
    else:
        (work / "scale.db").unlink(missing_ok=True)
        project = str(work / "scale.db")
        where = "SQLite"
    env = {**os.environ, "PYTHONPATH": str(REPO), "CODER_USER": "bench"}
    coder = [sys.executable, "-m", "coder"]
    rows: list[tuple[str, str, float, float, str]] = []
    load = os.getloadavg()[0]
    try:
        run_child("init", [*coder, "init", "-p", project], env)
        t, mem, _ = run_child("import", [*coder, "import", "-p", project, *files], env)
        rows.append(
            ("import", f"`coder import` {args.docs:,} files, {words:,} words", t, mem,
             f"{words / t:,.0f} words/s; {size(project)}")
        )  # fmt: skip
        table = work / "codings.csv"
        n_codings = write_codings(project, args.codings, table)
        t, mem, _ = run_child(
            "codings import",
            [*coder, "codings", "import", "-p", project, "--create-coders", "--create-codes",
             "--max-bytes", str(2**31), str(table)],
            env,
        )  # fmt: skip
        rows.append(
            ("codings import", f"`coder codings import` {n_codings:,} codings, 4 coders", t, mem,
             f"{n_codings / t:,.0f} rows/s; {size(project)}")
        )  # fmt: skip
        t, mem, out = run_child("docs list", [*coder, "docs", "list", "-p", project], env)
        rows.append(("docs list", "`coder docs list`", t, mem, f"{len(out.splitlines()):,} lines"))
        t, mem, out = run_child(
            "documents screen",
            [sys.executable, "-c", DOCUMENTS_SCREEN, project, str(args.docs)],
            env,
        )
        listed, with_start, opened = (
            (float(x) for x in out.strip().splitlines()[-1].split()) if out else (t, t, t)
        )
        rows.append(
            ("documents screen", "TUI Documents screen, launch to all rows (headless)", listed, mem,
             f"target < 1 s: {'pass' if listed < 1 else 'FAIL'} ({with_start:.2f} s counting"
             " Python start-up and imports; memory: the whole TUI process)")
        )  # fmt: skip
        rows.append(
            ("documents screen", "TUI: Enter on a document to its text shown with ana's codings",
             opened, mem, "same process as the row above")
        )  # fmt: skip
        t, mem, _ = run_child(
            "agreement",
            [
                *coder,
                "agreement",
                "-p",
                project,
                *(x for c in CODERS for x in ("-c", c)),
                "-f",
                "json",
            ],
            env,
        )
        rows.append(
            ("agreement", "`coder agreement` 4 coders, whole project, 1,000 bootstrap CIs", t, mem,
             "targets < 10 s, < 2 GB: " + ("pass" if t < 10 and mem < 2048 else "FAIL"))
        )  # fmt: skip
        t, mem, out = run_child(
            "reconcile --auto",
            [*coder, "reconcile", "-p", project, "-c", "ana", "-c", "ben", "--auto"],
            env,
        )
        rows.append(
            ("reconcile --auto", "`coder reconcile --auto` ana and ben", t, mem, out.strip()[-120:])
        )
        exports = (
            ("quotes-md", ["-c", "ana"], f"ana's quote book, {n_codings // 4:,} codings"),
            ("qdpx", [], "REFI project, every coder"),
        )
        for fmt, who, note in exports:
            target = work / f"export.{fmt.split('-')[-1]}"
            target.unlink(missing_ok=True)
            t, mem, _ = run_child(
                fmt, [*coder, "export", "-p", project, "-f", fmt, *who, "-o", str(target)], env
            )
            rows.append(
                (fmt, f"`coder export -f {' '.join([fmt, *who])}`", t, mem,
                 f"{note}; {mib(target)}")
            )  # fmt: skip
        t, mem, _ = run_child("check", [*coder, "check", "-p", project], env)
        rows.append(("check", "`coder check`", t, mem, "hashes, references, offsets, integrity"))
        backup = work / "scale-backup.db"
        backup.unlink(missing_ok=True)
        t, mem, _ = run_child("backup", [*coder, "backup", "-p", project, "-o", str(backup)], env)
        rows.append(
            ("backup", "`coder backup` (to a SQLite file, integrity checked)", t, mem,
             mib(backup))
        )  # fmt: skip
    finally:
        if args.server and database:
            drop_database(args.server, database)
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)

    print(f"## Scale (`benchmarks/scale_bench.py`), {where}\n")
    print(
        f"{time.strftime('%Y-%m-%d')}, {platform.platform()}, Python {platform.python_version()},"
        f" {os.cpu_count()} CPUs; {args.docs:,} documents of {args.words:,} words, {n_codings:,}"
        f" codings; load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end."
        " Each command is its own process; memory is its peak RSS.\n"
    )
    print("| Step | Wall time | Peak memory | Notes |\n|---|---|---|---|")
    for step, label, seconds, peak, note in rows:
        note = UNFINISHED.get(step, note)
        print(f"| {label} | {seconds:.2f} s | {peak:,.0f} MiB | {note} |")
    return 0


def mib(path: Path) -> str:
    return f"{path.stat().st_size / 2**20:,.0f} MiB" if path.exists() else "no file"


def size(project: str) -> str:
    """The project's size: its SQLite file, or the PostgreSQL database."""
    if "://" not in project:
        return f"project {Path(project).stat().st_size / 2**20:,.0f} MiB"
    engine = create_engine(project)
    with engine.connect() as conn:
        octets = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
    engine.dispose()
    return f"database {octets / 2**20:,.0f} MiB"


if __name__ == "__main__":
    sys.exit(main())
