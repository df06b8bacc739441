"""Scale: a generated corpus of 2,000 documents (10 million words) through the real commands.

Each step runs as its own child process (``python -m coder ...``, or a small script for the
TUI), so its wall time and its peak memory (the child's own ``VmHWM``, read at exit) are
measured alone:

1. ``coder init`` and ``coder import`` of every document (with the progress bar on stderr);
2. codings for two coders are written straight into the database (not timed: this benchmark
   is about reading a large project; coding speed is concurrency_bench.py's subject);
3. the Documents screen of the TUI, headless: time from launching the app to the first frame
   whose table holds every document (issue target: under 1 s);
4. ``coder agreement`` over the whole project (issue 3 target: under 10 s, under 2 GB);
5. ``coder check`` and ``coder backup``.

Run: ``python benchmarks/scale_bench.py [--docs 2000] [--words 5000] [--keep DIR]``; prints a
Markdown table.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from import_bench import generate_texts  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from coder.db.models import Code, Coder, Coding, Unit  # noqa: E402
from coder.services.project.lifecycle import open_project  # noqa: E402

DOCUMENTS_SCREEN = """
import asyncio, sys, time
began = time.perf_counter()
from textual.widgets import DataTable
from coder.services.project.lifecycle import open_project
from coder.tui.app import make_app

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
        now = time.perf_counter()
        print(f"{now - launched:.3f} {now - began:.3f}")

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


def run_child(label: str, args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB, and stdout of one Python child (``-m mod ...``/``-c``)."""
    assert args[0] == sys.executable and args[1] in ("-m", "-c")
    peak_file = Path(tempfile.mkstemp(prefix="coder-peak-")[1])
    args = [sys.executable, "-c", PEAK, str(peak_file), *args[1:]]
    began = time.perf_counter()
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=REPO, text=True
    )
    assert proc.stdout is not None and proc.stderr is not None
    out = proc.stdout.read()
    err = proc.stderr.read()
    proc.wait()
    seconds = time.perf_counter() - began
    if proc.returncode != 0:
        raise SystemExit(f"{label} failed ({proc.returncode}):\n{err[-2000:]}")
    peak = int(peak_file.read_text() or 0) / 1024
    peak_file.unlink()
    return seconds, peak, out


def add_codings(project: Path, per_coder: int, seed: int = 3) -> int:
    """Two coders code random sentence units with 20 codes, agreeing about two times in three."""
    store = open_project(project)
    rng = random.Random(seed)
    with store.write() as session:
        coders = []
        for name in ("ana", "ben"):
            row = Coder(name=name, kind="human")
            session.add(row)
            coders.append(row)
        codes = [Code(name=f"Theme {i:02d}", keywords=[]) for i in range(20)]
        session.add_all(codes)
        session.flush()
        units = session.execute(
            select(Unit.document_id, Unit.start, Unit.end).where(Unit.kind == "sentence")
        ).all()
        chosen = rng.sample(units, min(per_coder, len(units)))
        rows = []
        for doc_id, start, end in chosen:
            code = rng.choice(codes).id
            rows.append((doc_id, code, coders[0].id, start, end))
            other = code if rng.random() < 0.67 else rng.choice(codes).id
            rows.append((doc_id, other, coders[1].id, start, end))
        session.execute(
            insert(Coding),
            [
                {"document_id": d, "code_id": c, "coder_id": k, "start": s, "end": e}
                for d, c, k, s, e in rows
            ],
        )
    store.dispose()
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--codings", type=int, default=50_000, help="per coder")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
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
    project = work / "scale.db"
    project.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(REPO), "CODER_USER": "bench"}
    coder = [sys.executable, "-m", "coder"]
    rows: list[tuple[str, float, float, str]] = []

    t, mem, _ = run_child("init", [*coder, "init", "-p", str(project)], env)
    t, mem, _ = run_child("import", [*coder, "import", "-p", str(project), *files], env)
    size = project.stat().st_size / 2**20
    rows.append(
        (
            f"`coder import` {args.docs:,} files, {words:,} words",
            t,
            mem,
            f"{words / t:,.0f} words/s; project {size:,.0f} MiB",
        )
    )
    n_codings = add_codings(project, args.codings)
    t, mem, out = run_child(
        "documents screen",
        [sys.executable, "-c", DOCUMENTS_SCREEN, str(project), str(args.docs)],
        env,
    )
    opened, with_start = (float(x) for x in out.strip().splitlines()[-1].split())
    rows.append(
        (
            "TUI Documents screen, launch to all rows (headless)",
            opened,
            mem,
            f"target < 1 s: {'pass' if opened < 1 else 'FAIL'}"
            f" ({with_start:.2f} s counting Python start-up and imports)",
        )
    )
    t, mem, _ = run_child(
        "agreement",
        [
            *coder,
            "agreement",
            "-p",
            str(project),
            "--coders",
            "ana",
            "--coders",
            "ben",
            "--format",
            "json",
        ],
        env,
    )
    rows.append(
        (
            f"`coder agreement` whole project, {n_codings:,} codings, CI",
            t,
            mem,
            "targets < 10 s, < 2 GB: " + ("pass" if t < 10 and mem < 2048 else "FAIL"),
        )
    )
    t, mem, _ = run_child("check", [*coder, "check", "-p", str(project)], env)
    rows.append(("`coder check`", t, mem, "hashes, references, offsets, integrity_check"))
    backup = work / "scale-backup.db"
    backup.unlink(missing_ok=True)
    t, mem, _ = run_child("backup", [*coder, "backup", "-p", str(project), "-o", str(backup)], env)
    rows.append(
        (
            "`coder backup` (SQLite online backup + integrity check)",
            t,
            mem,
            f"{backup.stat().st_size / 2**20:,.0f} MiB",
        )
    )

    print("## Scale (`benchmarks/scale_bench.py`, issue 7)\n")
    print(
        f"{time.strftime('%Y-%m-%d')}, {platform.platform()}, Python {platform.python_version()},"
        f" {os.cpu_count()} CPUs. Each command is its own process; memory is its peak RSS.\n"
    )
    print("| Step | Wall time | Peak memory | Notes |\n|---|---|---|---|")
    for label, seconds, peak, note in rows:
        print(f"| {label} | {seconds:.2f} s | {peak:,.0f} MiB | {note} |")
    if args.keep is None:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
