"""What the gate costs a coder's login on PostgreSQL (issue 13, migration 0007).

A coder's login reads and writes through views over functions (``coder_gate``), not the
tables; the lead (the project owner) uses the tables. This applies and removes codes as one
coder, once over the lead's connection and once over the coder's own login, interleaved in
the same run on the same project, and lists the coder's codings both ways through the CLI.
``--extra N`` first gives the coder up to N more codings per document (by SQL), to see how
the login's cost grows with the rows it may see.

    PYTHONPATH=. .venv/bin/python benchmarks/login_bench.py --postgres URL [--extra 4000]

URL names a server and a database where a scratch database may be created (and is dropped,
with the roles made for it). Prints a Markdown table with the machine, date and load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from coder.db.engine import Store  # noqa: E402
from coder.services.coding.edits import apply_code, remove_coding  # noqa: E402
from coder.services.project.lifecycle import open_project  # noqa: E402
from coder.services.project.team import grant_login  # noqa: E402
from tests.conftest import drop_database  # noqa: E402

CODER = "example-coder-A"  # one of the demo's two coders


def _more_codings(lead: Store, code: int, per_document: int) -> None:
    with lead.engine.begin() as conn:
        conn.execute(
            text(
                'INSERT INTO codings (document_id, code_id, coder_id, start, "end", created_at)'
                " SELECT d.id, :code, (SELECT id FROM coders WHERE name = :coder), g, g + 1,"
                " now() FROM documents d, generate_series(1, :per) g"
                " WHERE g + 1 <= length(d.text)"
            ),
            {"code": code, "coder": CODER, "per": per_document},
        )
        conn.execute(text("ANALYZE"))


def _apply_times(store: Store, document: int, code: int, rounds: int) -> list[float]:
    times = []
    for i in range(rounds):
        began = time.perf_counter()
        coding = apply_code(
            store, coder=CODER, document_id=document, code_id=code, start=100 + 3 * i,
            end=102 + 3 * i,
        )  # fmt: skip
        times.append(time.perf_counter() - began)
        remove_coding(store, coder=CODER, coding_id=coding.id)
    return times


def _listing(url: str) -> float:
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "coder", "codings", "list", "-p", url, "--coder", CODER],
        check=True,
        capture_output=True,
        env=os.environ | {"CODER_USER": CODER},
    )
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", required=True, help="a server URL (with a database)")
    parser.add_argument("--extra", type=int, default=0, help="more codings per document")
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args()
    name = f"login_bench_{uuid.uuid4().hex[:8]}"
    role = f"login_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
    load = os.getloadavg()
    try:
        subprocess.run(
            [sys.executable, "-m", "coder", "demo", "--no-tui", "-p", url],
            check=True,
            capture_output=True,
        )
        lead = open_project(url)
        grant_login(lead, CODER, role=role, password="bench")
        login_url = make_url(url).set(username=role, password="bench")
        login_text = login_url.render_as_string(hide_password=False)
        login = open_project(login_text)
        with lead.engine.connect() as conn:
            document, code = conn.execute(
                text(
                    "SELECT d.id, k.id FROM documents d, codes k WHERE k.owner_id IS NULL"
                    " AND k.codable ORDER BY d.id, k.id LIMIT 1"
                )
            ).one()
        if args.extra:
            _more_codings(lead, code, args.extra)
        with lead.engine.connect() as conn:
            total = conn.execute(text("SELECT count(*) FROM codings")).scalar()
            own = conn.execute(
                text("SELECT count(*) FROM codings JOIN coders c ON c.id = coder_id"
                     " WHERE c.name = :n"), {"n": CODER}
            ).scalar()  # fmt: skip
        times: dict[str, list[float]] = {"lead": [], "login": []}
        for _ in range(args.rounds // 10):  # interleaved, ten at a time
            times["lead"] += _apply_times(lead, document, code, 10)
            times["login"] += _apply_times(login, document, code, 10)
        listed = {"lead": _listing(url), "login": _listing(login_text)}
        lead.dispose()
        login.dispose()
    finally:
        with admin.connect() as conn:
            drop_database(conn, name)  # and the gate's role its logins made
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()
    print(
        f"{dt.date.today()}, {platform.platform()}, Python {platform.python_version()},"
        f" {os.cpu_count()} CPUs, load average {load[0]:.1f} at the start and"
        f" {os.getloadavg()[0]:.1f} at the end; demo project with {total:,} codings,"
        f" {own:,} of them {CODER}'s; {args.rounds} apply + remove each way, interleaved.\n"
    )
    print("| Connection | apply, median | apply, p95 | `codings list --coder` (CLI) |")
    print("|---|---|---|---|")
    for who, label in (("lead", "the lead (tables)"), ("login", "the coder's login (gate)")):
        ordered = sorted(times[who])
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        print(
            f"| {label} | {1000 * statistics.median(ordered):.1f} ms | {1000 * p95:.1f} ms"
            f" | {listed[who]:.2f} s |"
        )


if __name__ == "__main__":
    main()
