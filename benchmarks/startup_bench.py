"""Benchmark of the CLI's start-up: what a command costs before it does anything (issue 16).

Targets: ``coder docs list`` and ``coder codes list`` on the demo project within 1.5x of
``python -c "import sqlalchemy"``, and ``coder --version`` within 0.2 s of ``python -c pass``,
each measured in the same run.

Every command runs in a fresh process (what a user, a shell script or a notebook cell that
shells out pays), with the same interpreter and output sent to /dev/null. The commands are
interleaved: round ``i`` runs each of them once, in order, so a burst of load from other
processes lands on all of them alike; the figure for a command is the median over the rounds.
The ratios are what to compare across machines and loads; the absolute times follow the load.
Beside the wall-clock time the table gives the CPU time of the process (user + system, from
``getrusage``), which a loaded machine stretches less; the targets are judged on wall time.

``--baseline DIR`` runs each ``coder`` command once more in every round with another copy
of the package first on ``PYTHONPATH`` (``git archive REV coder | tar -x -C DIR``), so an
earlier revision is measured in the same run, under the same load; the rows are labelled with
the folder's name. Give it several times to compare several copies (a folder may also hold
another version of a dependency, ``pip install --target DIR --no-deps ...``, to measure it).

    PYTHONPATH=. .venv/bin/python benchmarks/startup_bench.py [--rounds 15] [--project PATH]
        [--baseline DIR ...]

Builds the demo project (``coder demo --no-tui``) in a temporary folder unless ``--project``
names one. Prints a Markdown table with the machine, the date and the load average.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SQLALCHEMY = 'python -c "import sqlalchemy"'
BARE = "python -c pass"
PAIR = ("example-coder-A", "example-coder-B")  # the demo's two coders


@dataclass(frozen=True)
class Command:
    label: str
    argv: tuple[str, ...]  # after the interpreter; {project} is the demo project's path
    source: str | None = None  # a folder put first on PYTHONPATH (the baseline's package)


REFERENCES = (Command(BARE, ("-c", "pass")), Command(SQLALCHEMY, ("-c", "import sqlalchemy")))
CODER = (
    Command("coder --version", ("-m", "coder", "--version")),
    Command("coder docs list", ("-m", "coder", "docs", "list", "-p", "{project}")),
    Command("coder codes list", ("-m", "coder", "codes", "list", "-p", "{project}")),
    Command("coder codings list", ("-m", "coder", "codings", "list", "-p", "{project}")),
    Command("coder agreement", ("-m", "coder", "agreement", "-p", "{project}", "--coders", *PAIR)),
)

#: The ``coder`` targets: (command, reference, kind, limit).
TARGETS = (
    ("coder docs list", SQLALCHEMY, "ratio", 1.5),
    ("coder codes list", SQLALCHEMY, "ratio", 1.5),
    ("coder --version", BARE, "difference", 0.2),
)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_once(command: Command, project: Path) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one run of ``command``; fails loudly if it fails."""
    argv = [part.replace("{project}", str(project)) for part in command.argv]
    env = dict(os.environ)
    if command.source:
        env["PYTHONPATH"] = command.source
    cpu = children_cpu()
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        cwd=tempfile.gettempdir(),  # `python -m` puts the working folder first on the path
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{command.label} failed: {done.stderr.decode()[-500:]}")
    return elapsed, children_cpu() - cpu


def build_demo(folder: Path) -> Path:
    project = folder / "demo.db"
    subprocess.run(
        [sys.executable, "-m", "coder", "demo", "--no-tui", "-p", str(project)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return project


Timings = dict[str, list[tuple[float, float]]]


def measure(commands: list[Command], project: Path, rounds: int) -> Timings:
    times: Timings = {command.label: [] for command in commands}
    for command in commands:  # one warm-up each: the .pyc files and the page cache
        time_once(command, project)
    for _ in range(rounds):
        for command in commands:
            times[command.label].append(time_once(command, project))
    return times


def compare(value: float, reference: float, kind: str) -> tuple[float, str]:
    if kind == "ratio":
        return value / reference, f"{value / reference:.2f}x"
    return value - reference, f"{value - reference:+.3f} s"


def report(times: Timings, load_before: str, load_after: str) -> str:
    wall = {label: statistics.median(w for w, _ in values) for label, values in times.items()}
    cpu = {label: statistics.median(c for _, c in values) for label, values in times.items()}
    rounds = len(next(iter(times.values())))
    lines = [
        f"{dt.date.today().isoformat()}, {platform.platform()}, Python "
        f"{platform.python_version()}, {os.cpu_count()} CPUs, load average {load_before} "
        f"at the start and {load_after} at the end; median of {rounds} interleaved rounds.",
        "",
        "| Command | wall, median | wall, min - max | CPU, median |",
        "|---|---|---|---|",
    ]
    for label, values in times.items():
        walls = [w for w, _ in values]
        lines.append(
            f"| `{label}` | {wall[label]:.3f} s | {min(walls):.3f} - {max(walls):.3f} s "
            f"| {cpu[label]:.3f} s |"
        )
    lines += ["", "| Target | wall | CPU | limit | |", "|---|---|---|---|---|"]
    for command, reference, kind, limit in TARGETS:
        for label in (label for label in times if label.split(" (")[0] == command):
            value, shown = compare(wall[label], wall[reference], kind)
            _, shown_cpu = compare(cpu[label], cpu[reference], kind)
            bound = f"{limit:.1f}x" if kind == "ratio" else f"{limit:.1f} s"
            verdict = "pass" if value <= limit else "MISS"
            lines.append(
                f"| `{label}` vs `{reference}` | {shown} | {shown_cpu} | {bound} | {verdict} |"
            )
    return "\n".join(lines)


def load_average() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds (default 15)")
    parser.add_argument("--project", type=Path, help="an existing project (default: a new demo)")
    parser.add_argument(
        "--baseline",
        type=Path,
        action="append",
        default=[],
        help="a folder holding another revision's coder/ to compare (repeatable)",
    )
    args = parser.parse_args()
    commands = [*REFERENCES, *CODER]
    for folder in args.baseline:
        source = str(folder.resolve())
        commands += [
            Command(f"{command.label} ({folder.name})", command.argv, source) for command in CODER
        ]
    load_before = load_average()
    with tempfile.TemporaryDirectory() as folder:
        project = args.project or build_demo(Path(folder))
        times = measure(commands, project, args.rounds)
    print(report(times, load_before, load_average()))


if __name__ == "__main__":
    main()
