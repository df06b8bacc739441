"""Bulk writes against the database's own executemany (issue 16).

    PYTHONPATH=. .venv/bin/python benchmarks/bulk_bench.py [--codings 100000] [--codes 10000]
        [--merge 20000] [--server postgresql+psycopg://postgres@127.0.0.1:54331/coder_ci]
        [--runs 2] [--only codings|codebook|merge] [--db-prefix bulk_bench_]

Targets: ``coder codings import`` of 100,000 rows within 20x the time of a raw ``executemany``
of the same rows into the same schema, and a 10,000-code codebook imported in under 2 s.

* **codings**: a project of 200 documents (20,000 characters each), a 60-code codebook and four
  coders, built twice the same way. Into one, the raw driver (``sqlite3`` or ``psycopg``, no
  SQLAlchemy) inserts the codings rows (document, code, coder, start, end, created_at) with
  ``executemany`` in one transaction, ids and names already resolved: into the codings table
  (its keys, indexes and foreign keys: the target's reference) and, for scale, into a bare
  table of the same columns. Into the other, ``import_codings`` (what ``coder codings import``
  runs) reads a CSV of the same rows with the columns an export writes (document, start, end,
  code, coder, memo, text; a memo on one row in a hundred), checks every row and writes
  codings, memos and the audit entry. Then that entry is reverted as undo reverts it.
* **codebook**: ``import_codebook`` (what ``coder codebook import`` runs once it has read the
  file) of a codebook of ``--codes`` codes (100 themes of 99 sub-codes, each with a definition
  and keywords) into a new project; the same book again (nothing changes); the book with every
  definition changed (all codes updated). The raw executemany of as many code rows is beside it
  for scale, and ``read_codebook`` of the book written as YAML and as CSV is timed on its own.
* **merge**: ``merge_codes`` (``coder codes merge``) of a code applied ``--merge`` times into
  another that one in ten of those passages already has from the same coder (they fold), and
  ``undo_latest`` of the merge.

Without ``--server`` the projects are SQLite files; with it, new databases on that PostgreSQL
server (dropped afterwards). The best of ``--runs`` rounds. Prints a Markdown table with the
machine, date and load.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from coder.db.changeset import inverse, is_changeset, revert
from coder.db.engine import Store
from coder.db.models import AuditEntry, Code, Coder, Document
from coder.domain import Codebook, CodeDef, DocumentDraft
from coder.domain.documents import ImportReport
from coder.io.codebook import read_codebook, write_codebook
from coder.services.codebook.codes import import_codebook
from coder.services.codebook.themes import merge_codes
from coder.services.coding.importing import import_codings
from coder.services.documents.corpus import store_drafts
from coder.services.project.coders import add_coder
from coder.services.project.lifecycle import create_project
from coder.services.undo import undo_latest

DOCUMENTS = 200
DOCUMENT_LENGTH = 20_000
CODERS = ("ana", "ben", "cy", "dee")
#: Names of the benchmark's databases on a server start with this (``--db-prefix``).
DATABASE_PREFIX = "bulk_bench_"
WORDS = ["trust", "funding", "meeting", "policy", "evidence", "partner", "research", "impact"]


def texts(seed: int = 16) -> dict[str, str]:
    rng = random.Random(seed)
    out = {}
    for i in range(DOCUMENTS):
        words: list[str] = []
        size = 0
        while size < DOCUMENT_LENGTH:
            word = rng.choice(WORDS)
            words.append(word)
            size += len(word) + 1
        out[f"doc-{i:04d}"] = " ".join(words)[:DOCUMENT_LENGTH]
    return out


SMALL_BOOK = Codebook(
    name="bench",
    codes=[
        CodeDef(name=f"Theme {t}", children=[CodeDef(name=f"Code {t}.{c}") for c in range(11)])
        for t in range(5)
    ],
)


def big_book(codes: int) -> Codebook:
    per_theme = 99
    themes = max(1, codes // (per_theme + 1))
    return Codebook(
        name="big",
        codes=[
            CodeDef(
                name=f"Theme {t}",
                definition=f"The {t}th theme.",
                children=[
                    CodeDef(
                        name=f"Code {t}.{c}",
                        definition=f"Passages about {t}.{c}.",
                        keywords=[f"k{t}", f"k{c}"],
                    )
                    for c in range(per_theme)
                ],
            )
            for t in range(themes)
        ],
    )


@contextmanager
def databases(server: str | None, count: int) -> Iterator[list[str]]:
    """``count`` new, empty database URLs (SQLite files, or databases on ``server``)."""
    if server is None:
        with tempfile.TemporaryDirectory() as folder:
            yield [f"sqlite:///{Path(folder) / f'bench-{i}.db'}" for i in range(count)]
        return
    names = [f"{DATABASE_PREFIX}{uuid.uuid4().hex[:10]}" for _ in range(count)]
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield [
            make_url(server).set(database=n).render_as_string(hide_password=False) for n in names
        ]
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def project(url: str, docs: dict[str, str], book: Codebook | None) -> Store:
    store = create_project(url, name="bench")
    drafts = [DocumentDraft(n, t, "txt", f"{n}.txt", {}) for n, t in docs.items()]
    store_drafts(store, drafts, [[] for _ in drafts], actor="bench", report=ImportReport())
    if book is not None:
        import_codebook(store, book, actor="bench")
    for name in CODERS:
        add_coder(store, name, actor="bench")
    return store


def coding_rows(docs: dict[str, str], count: int, seed: int = 7) -> list[dict[str, Any]]:
    """``count`` distinct codings as an export writes them (document, offsets, path, coder)."""
    rng = random.Random(seed)
    paths = [f"Theme {t}/Code {t}.{c}" for t in range(5) for c in range(11)]
    names = list(docs)
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    while len(rows) < count:
        name = rng.choice(names)
        start = rng.randrange(0, DOCUMENT_LENGTH - 400)
        end = start + rng.randrange(20, 400)
        row = {
            "document": name,
            "start": start,
            "end": end,
            "code": rng.choice(paths),
            "coder": rng.choice(CODERS),
            "memo": f"memo {len(rows)}" if rng.random() < 0.01 else "",
            "text": docs[name][start:end],
        }
        rows.setdefault((name, start, end, row["code"], row["coder"]), row)
    return list(rows.values())


def write_csv(rows: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, ["document", "start", "end", "code", "coder", "memo", "text"])
        writer.writeheader()
        writer.writerows(rows)


def raw_connection(url: str) -> Any:
    """A DB-API connection of the driver itself, set up as coder sets up its own."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        conn = sqlite3.connect(str(parsed.database), isolation_level=None)
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn
    import psycopg

    return psycopg.connect(parsed.set(drivername="postgresql").render_as_string(False))


def raw_executemany(url: str, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> float:
    """Seconds for the driver's own executemany of ``rows`` into ``table``, committed."""
    conn = raw_connection(url)
    sqlite = isinstance(conn, sqlite3.Connection)
    mark = "?" if sqlite else "%s"
    names = ", ".join('"' + c + '"' for c in columns)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(mark for _ in columns)})"
    began = time.perf_counter()
    if sqlite:
        conn.execute("BEGIN IMMEDIATE")
    conn.cursor().executemany(sql, rows)
    conn.commit()
    took = time.perf_counter() - began
    conn.close()
    return took


def bare_table(url: str, columns: list[str]) -> str:
    """A new table of the codings' ``columns`` (same types), with no key, index or
    constraint; its name."""
    conn = raw_connection(url)
    names = ", ".join('"' + c + '"' for c in columns)
    conn.execute(f"CREATE TABLE bare_codings AS SELECT {names} FROM codings WHERE 1 = 0")
    conn.commit()
    conn.close()
    return "bare_codings"


def resolved(store: Store, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """The CSV rows as the codings table holds them: ids for names, one creation time."""
    with store.read() as s:
        docs = {n: i for n, i in s.execute(select(Document.name, Document.id))}
        coders = {n: i for n, i in s.execute(select(Coder.name, Coder.id))}
        codes = {c.id: c for c in s.scalars(select(Code))}
    paths = {}
    for code in codes.values():
        if code.parent_id is not None:
            paths[f"{codes[code.parent_id].name}/{code.name}"] = code.id
    now = dt.datetime.now(dt.UTC).isoformat(sep=" ")
    return [
        (docs[r["document"]], paths[r["code"]], coders[r["coder"]], r["start"], r["end"], now)
        for r in rows
    ]


def timed(action: Callable[[], Any]) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def bench_codings(server: str | None, count: int, folder: Path) -> dict[str, float]:
    docs = texts()
    rows = coding_rows(docs, count)
    path = folder / "codings.csv"
    write_csv(rows, path)
    out: dict[str, float] = {}
    with databases(server, 2) as (ours_url, raw_url):
        ours = project(ours_url, docs, SMALL_BOOK)
        raw = project(raw_url, docs, SMALL_BOOK)
        values = resolved(raw, rows)
        raw.dispose()
        columns = ["document_id", "code_id", "coder_id", "start", "end", "created_at"]
        out["raw"] = raw_executemany(raw_url, "codings", columns, values)
        out["bare"] = raw_executemany(raw_url, bare_table(raw_url, columns), columns, values)
        out["import"] = timed(lambda: import_codings(ours, path, actor="bench"))
        out["undo"] = timed_or_nan(lambda: revert_latest(ours))
        ours.dispose()
    return out


def revert_latest(store: Store) -> None:
    """What undo does with the latest audit entry: read the rows back, then revert it."""
    with store.write() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
        if not is_changeset(entry.before, entry.after):
            raise LookupError("the import wrote no changeset (a version before issue 16)")
        inverse(session, entry.before or {}, entry.after or {})
        revert(session, entry.before or {}, entry.after or {})


def timed_or_nan(action: Callable[[], Any]) -> float:
    try:
        return timed(action)
    except LookupError:
        return float("nan")


def bench_merge(server: str | None, count: int, folder: Path) -> dict[str, float]:
    """Merge a code applied ``count`` times (one in ten also with the target) into another."""
    docs = texts()
    rows = coding_rows(docs, count, seed=9)
    for i, row in enumerate(rows):
        row["code"] = "Theme 0/Code 0.0" if i % 10 else "Theme 0/Code 0.1"
        row["memo"] = ""
    twins = [dict(r, code="Theme 0/Code 0.0") for r in rows[::10]]
    seen = {(r["document"], r["start"], r["end"], r["code"], r["coder"]) for r in rows}
    rows += [
        t for t in twins if (t["document"], t["start"], t["end"], t["code"], t["coder"]) not in seen
    ]
    path = folder / "merge.csv"
    write_csv(rows, path)
    out: dict[str, float] = {}
    with databases(server, 1) as (url,):
        store = project(url, docs, SMALL_BOOK)
        import_codings(store, path, actor="bench")
        with store.read() as s:
            ids = {c.name: c.id for c in s.scalars(select(Code))}
        source, target = ids["Code 0.0"], ids["Code 0.1"]
        out["codings"] = sum(1 for r in rows if r["code"] == "Theme 0/Code 0.0")
        out["merge"] = timed(
            lambda: merge_codes(store, actor="bench", source_id=source, target_id=target)
        )
        out["undo"] = timed(lambda: undo_latest(store, actor="bench"))
        store.dispose()
    return out


def bench_codebook(server: str | None, count: int, folder: Path) -> dict[str, float]:
    book = big_book(count)
    changed = big_book(count)
    for theme in changed.codes:
        for code in theme.children:
            code.definition += " Revised."
    out: dict[str, float] = {}
    for fmt in ("yaml", "csv"):
        path = folder / f"big.{fmt}"
        path.unlink(missing_ok=True)
        write_codebook(book, path, fmt)
        out[f"read {fmt}"] = timed(lambda: read_codebook(path))  # noqa: B023
    with databases(server, 2) as (url, raw_url):
        store = project(url, {"doc": "text"}, None)
        out["import"] = timed(lambda: import_codebook(store, book, actor="bench"))
        out["again"] = timed(lambda: import_codebook(store, book, actor="bench"))
        out["update"] = timed(lambda: import_codebook(store, changed, actor="bench"))
        store.dispose()
        now = dt.datetime.now(dt.UTC).isoformat(sep=" ")
        # Top-level rows only (no parents to resolve): the cost of the rows themselves.
        rows = [
            (f"Code {i}", f"Passages about {i}.", "", "", "", '["a", "b"]', i, "active", now)
            for i in range(len(book))
        ]
        columns = [
            "name", "definition", "inclusion", "exclusion", "example", "keywords", "position",
            "status", "created_at",
        ]  # fmt: skip
        project(raw_url, {"doc": "text"}, None).dispose()
        out["raw"] = raw_executemany(raw_url, "codes", columns, rows)
    out["codes"] = len(book)
    return out


def main() -> None:
    global DATABASE_PREFIX
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--codings", type=int, default=100_000)
    parser.add_argument("--codes", type=int, default=10_000)
    parser.add_argument("--server", help="a PostgreSQL server URL (default: SQLite files)")
    parser.add_argument("--runs", type=int, default=2, help="rounds; the best is kept")
    parser.add_argument("--merge", type=int, default=20_000, help="codings of the merged code")
    parser.add_argument(
        "--only", choices=("codings", "codebook", "merge"), help="run one part alone"
    )
    parser.add_argument("--db-prefix", default=DATABASE_PREFIX, help="of server databases")
    args = parser.parse_args()
    DATABASE_PREFIX = args.db_prefix
    load = os.getloadavg()[0]
    backend = "PostgreSQL" if args.server else "SQLite"
    codings: list[dict[str, float]] = []
    books: list[dict[str, float]] = []
    merges: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(args.runs):
            if args.only in (None, "codings"):
                codings.append(bench_codings(args.server, args.codings, Path(folder)))
            if args.only in (None, "codebook"):
                books.append(bench_codebook(args.server, args.codes, Path(folder)))
            if args.only in (None, "merge"):
                merges.append(bench_merge(args.server, args.merge, Path(folder)))
    print(
        f"\n{dt.date.today()}, {platform.platform()}, {os.cpu_count()} CPUs, Python"
        f" {platform.python_version()}, {backend}; load average {load:.1f} at the start"
        f" ({os.getloadavg()[0]:.1f} at the end); best of {args.runs}.\n"
    )
    print("| Measure | Ours | Raw executemany | Ratio | Target |")
    print("|---|---|---|---|---|")
    if codings:
        best = min(codings, key=lambda c: c["import"] / c["raw"])
        took, reference = best["import"], best["raw"]
        ratio = took / reference
        print(
            f"| `codings import`, {args.codings:,} rows | {took:.2f} s"
            f" ({args.codings / took:,.0f} rows/s) | {reference:.3f} s | {ratio:.1f}x |"
            f" <= 20x: {'pass' if ratio <= 20 else 'FAIL'} |"
        )
        bare = best["bare"]
        print(
            f"| the same, against a bare table (no keys, indexes or constraints) | {took:.2f} s"
            f" | {bare:.3f} s | {took / bare:.1f}x | |"
        )
        print(f"| undo of that import (`revert` of its entry) | {best['undo']:.2f} s | | | |")
    if books:
        best = min(books, key=lambda b: b["import"])
        took = best["import"]
        n = int(best["codes"])
        print(
            f"| `codebook import`, {n:,} new codes | {took:.2f} s | {best['raw']:.3f} s |"
            f" {took / best['raw']:.0f}x | < 2 s: {'pass' if took < 2 else 'FAIL'} |"
        )
        print(f"| the same book again (nothing changes) | {best['again']:.2f} s | | | |")
        print(f"| every definition changed ({n:,} updates) | {best['update']:.2f} s | | | |")
        for fmt in ("yaml", "csv"):
            read = best[f"read {fmt}"]
            print(f"| reading the book from .{fmt} (`read_codebook`) | {read:.2f} s | | | |")
    if merges:
        best = min(merges, key=lambda m: m["merge"])
        print(
            f"| `codes merge` of a code with {int(best['codings']):,} codings"
            f" | {best['merge']:.2f} s | | | |"
        )
        print(f"| undo of that merge | {best['undo']:.2f} s | | | |")


if __name__ == "__main__":
    main()
