"""Concurrency: 4 coder processes each apply 2,000 codings as fast as they can, at once.

Uses the same worker as tests/teams/test_teams_load.py (``apply_code`` through the service
layer, one transaction per coding) against one SQLite file and, when ``--postgres URL`` is
given (a server where a scratch database may be created), one PostgreSQL database. Prints a
Markdown table: wall time, codings per second, per-coding latency, failures, duplicates.

Run: ``python benchmarks/concurrency_bench.py [--coders 4] [--codings 2000] [--postgres URL]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TEAMS = REPO / "tests" / "teams"
sys.path.insert(0, str(REPO))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from coder.services.coding.codings import list_codings  # noqa: E402
from coder.services.project.lifecycle import create_project  # noqa: E402
from tests.factories import team_project  # noqa: E402

NAMES = ["ana", "ben", "cai", "dee", "eli", "fay", "gus", "hal"]


def run(url: str, coders: int, per_coder: int) -> dict[str, float]:
    store = create_project(url, name="concurrency")
    team_project(store, coders=tuple(NAMES[:coders]))
    env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{TEAMS}"}
    began = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, str(TEAMS / "teams_worker.py"), "apply", url, n, str(per_coder)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for n in NAMES[:coders]
    ]
    results = []
    locked = 0
    for proc in procs:
        out, err = proc.communicate()
        locked += err.count("database is locked")
        if proc.returncode != 0:
            raise SystemExit(err[-2000:])
        results.append(json.loads(out))
    wall = time.perf_counter() - began
    codings = list_codings(store)
    keys = {(c.coder, c.document, c.start, c.end, str(c.code_path)) for c in codings}
    store.dispose()
    return {
        "wall": wall,
        "stored": len(codings),
        "duplicates": len(codings) - len(keys),
        "failed": sum(r["failed"] for r in results),
        "locked": locked,
        "slowest": max(r["seconds"] for r in results),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coders", type=int, default=4)
    parser.add_argument("--codings", type=int, default=2000)
    parser.add_argument("--postgres", help="server URL, e.g. postgresql+psycopg://u@host/db")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(("SQLite (WAL)", run(f"sqlite:///{tmp}/c.db", args.coders, args.codings)))
    if args.postgres:
        name = f"coder_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
            rows.append(("PostgreSQL", run(url, args.coders, args.codings)))
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    total = args.coders * args.codings
    print("## Concurrency (`benchmarks/concurrency_bench.py`, issue 7)\n")
    print(
        f"{time.strftime('%Y-%m-%d')}, {platform.platform()}, Python"
        f" {platform.python_version()}, {os.cpu_count()} CPUs. {args.coders} processes x"
        f" {args.codings:,} codings, each `apply_code` its own transaction.\n"
    )
    print(
        "| Backend | Wall time | Codings/s | Mean per coding (per process) | Stored | Duplicates"
        ' | Failed | "database is locked" seen |\n|---|---|---|---|---|---|---|---|'
    )
    for label, r in rows:
        print(
            f"| {label} | {r['wall']:.1f} s | {total / r['wall']:,.0f} |"
            f" {1000 * r['slowest'] / args.codings:.1f} ms | {int(r['stored']):,} / {total:,} |"
            f" {int(r['duplicates'])} | {int(r['failed'])} | {int(r['locked'])} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
