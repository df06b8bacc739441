"""A curious coder on a PostgreSQL project: ana, over her own login, tries every read and write
of other people's work that issue 13 measured, through raw SQL and through the CLI.

The lead gives ana and ben their logins with ``coder project login`` (as the lead types it).
Ben codes, writes memos on a coding and a document, marks a document done and makes private
codes; the lead reconciles with a rationale, starts a round (its snapshot holds ben's private
code) and merges ben's other private code (its history holds the definition). Every secret is
a marked string; ana's connection must never show one, must see no row of another coder, and
must change nothing but her own rows. What a login can still learn (the size of a table, from
PostgreSQL's statistics) is asserted where it shows, as the README states it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
from conftest import SERVER_URL
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from coder.cli.main import run
from coder.db.engine import Store, connect
from coder.db.migrate import upgrade
from coder.services.agreement.rounds import start_round
from coder.services.codebook.edit import edit_code, move_code, rename_code, retire_code
from coder.services.codebook.themes import merge_codes
from coder.services.coding.edits import (
    adjust_coding,
    apply_code,
    create_code_from_selection,
    remove_coding,
)
from coder.services.coding.memos import set_memo
from coder.services.coding.pins import pin_code
from coder.services.coding.status import is_done, set_done
from coder.services.project.lifecycle import open_project
from coder.services.reconcile.decisions import decide
from coder.services.reconcile.queue import load_queue
from coder.services.undo import redo_latest, undo_latest
from tests.factories import Names

pytestmark = pytest.mark.skipif(
    not SERVER_URL, reason="a coder's login needs PostgreSQL (set CODER_TEST_DATABASE_URL)"
)

#: Strings only ben or the lead wrote; none may reach ana.
SECRETS = (
    "BEN-CODING-MEMO",
    "BEN-DOC-MEMO",
    "BenHunch",
    "BEN-PRIVATE-DEFINITION",
    "BenSecond",
    "BEN-MERGED-DEFINITION",
    "LEAD-RATIONALE",
)

#: Where each table names whose row it is (None: the whole table is the lead's or shared).
OWNER_COLUMN = {
    "codings": "coder_id",
    "memos": "author_id",
    "document_status": "coder_id",
    "code_pins": "coder_id",
    "codes": "owner_id",
}
#: Snapshots of other coders' work: nothing of them while the project is blind.
HIDDEN_WHILE_BLIND = ("reconcile_decisions", "consensus_sources", "code_history", "rounds")


@dataclass
class Team:
    lead: Store
    urls: dict[str, str]
    stores: dict[str, Store]
    ids: dict[str, int] = field(default_factory=dict)

    @property
    def ana(self) -> Store:
        return self.stores["ana"]


def _login(
    project: Store, coder: str, role: str, password: str, monkeypatch: pytest.MonkeyPatch
) -> str:
    """``coder project login CODER --role ROLE --password-env ...``, run by the lead."""
    monkeypatch.setenv("CODER_TEST_PASSWORD", password)
    args = ["project", "login", coder, "--role", role, "--password-env", "CODER_TEST_PASSWORD"]
    assert run([*args, "-p", project.url]) == 0
    return make_url(project.url).set(username=role, password=password).render_as_string(False)


@pytest.fixture
def team(project: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[Team]:
    suffix = uuid.uuid4().hex[:8]
    roles = {"ana": f"t_ana_{suffix}", "ben": f"t_ben_{suffix}"}
    urls = {c: _login(project, c, r, f"pw-{c}-{suffix}", monkeypatch) for c, r in roles.items()}
    stores = {c: open_project(u) for c, u in urls.items()}
    try:
        yield _story(Team(project, urls, stores))
    finally:
        for s in stores.values():
            s.dispose()
        admin = create_engine(project.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for role in roles.values():
                conn.execute(text(f"DROP OWNED BY {role}"))
                conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
        admin.dispose()


def _story(team: Team) -> Team:
    """Ana, ben and the lead at work, each over their own connection, through the services."""
    ana, ben, lead = team.stores["ana"], team.stores["ben"], team.lead
    names = Names(lead)
    doc0, doc1 = names.document("doc-0"), names.document("doc-1")
    trust, funding = names.code("Relationships/Trust"), names.code("Barriers/Funding")
    mine = apply_code(ana, coder="ana", document_id=doc0, code_id=trust, start=10, end=18)
    set_memo(ana, coder="ana", text="ana-memo", coding_id=mine.id)
    set_memo(ana, coder="ana", text="ana-doc-memo", document_id=doc1)
    pin_code(ana, coder="ana", code_id=trust, slot=1)

    his = apply_code(ben, coder="ben", document_id=doc0, code_id=trust, start=10, end=18)
    apply_code(ben, coder="ben", document_id=doc0, code_id=funding, start=200, end=208)
    set_memo(ben, coder="ben", text="BEN-CODING-MEMO", coding_id=his.id)
    set_memo(ben, coder="ben", text="BEN-DOC-MEMO", document_id=doc0)
    set_done(ben, coder="ben", document_id=doc0, done=True)
    hunch, _ = create_code_from_selection(
        ben, coder="ben", document_id=doc0, start=300, end=308, name="BenHunch",
        definition="BEN-PRIVATE-DEFINITION",
    )  # fmt: skip
    second, _ = create_code_from_selection(
        ben, coder="ben", document_id=doc0, start=400, end=408, name="BenSecond",
        definition="BEN-MERGED-DEFINITION",
    )  # fmt: skip
    pin_code(ben, coder="ben", code_id=hunch.id, slot=2)

    queue = load_queue(lead, first="ana", second="ben")
    item = next(i for i in queue.items if not i.first_codes and i.second_codes)
    decide(lead, first="ana", second="ben", item=item.key, choice="b", actor="lead",
           rationale="LEAD-RATIONALE", queue=queue)  # fmt: skip
    start_round(lead, actor="lead", coders=["ana", "ben"])
    merge_codes(lead, actor="lead", source_id=second.id, target_id=names.code("Barriers/Turnover"))
    with lead.engine.connect() as conn:
        team.ids = {name: i for name, i in conn.execute(text("SELECT name, id FROM coders"))}
    team.ids |= {"ben_coding": his.id, "ana_coding": mine.id, "hunch": hunch.id, "doc0": doc0}
    team.ids["trust"] = trust
    return team


# -- raw SQL over ana's login ------------------------------------------------------------------


def attempt(engine: Engine, sql: str, **params: Any) -> tuple[str, int]:
    """Run one statement in its own transaction: (the server's refusal or "", rows affected)."""
    try:
        with engine.begin() as conn:
            result = conn.execute(text(sql), params)
            return "", result.rowcount
    except DBAPIError as exc:
        return str(exc.orig).splitlines()[0], 0


def others_rows(lead: Store, ana_id: int) -> dict[str, list[str]]:
    """Every row of every table that is not ana's own, as the lead reads it."""
    out: dict[str, list[str]] = {}
    with lead.engine.connect() as conn:
        tables = conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        ).scalars()
        for table in list(tables):
            column = OWNER_COLUMN.get(table)
            where = f" WHERE {column} IS DISTINCT FROM {ana_id}" if column else ""
            if table == "audit_log":
                where = " WHERE actor <> 'ana'"
            rows = conn.execute(text(f"SELECT to_jsonb(t)::text FROM {table} t{where}"))
            out[table] = sorted(rows.scalars())
    return out


def table_names(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        query = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        return list(conn.execute(text(query)).scalars())


def test_every_table_shows_ana_nothing_of_anyone_else(team: Team) -> None:
    ana = team.ana.engine
    ben_ids = {team.ids["ben"], team.ids["consensus"]}
    for table in table_names(ana):
        with ana.connect() as conn:
            dump = [r[0] for r in conn.execute(text(f"SELECT to_jsonb(t)::text FROM {table} t"))]
            raw = conn.connection.driver_connection
            assert raw is not None
            with raw.cursor().copy(f"COPY (SELECT * FROM {table}) TO STDOUT") as copy:
                queried = b"".join(bytes(block) for block in copy).decode()
        # The name reaches a view of the gate; the table itself is out of the login's reach,
        # for a query, a copy and a plan alike.
        for sql in (
            f"SELECT count(*) FROM public.{table}",
            f"EXPLAIN SELECT * FROM public.{table}",
            f"SELECT * FROM public.{table} TABLESAMPLE SYSTEM (100)",
        ):
            assert "permission denied" in attempt(ana, sql)[0], sql
        with ana.connect() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            for statement in (f"COPY {table} TO STDOUT", f"COPY public.{table} TO STDOUT"):
                with pytest.raises(psycopg.Error, match=r"view|permission denied"):
                    raw.cursor().copy(statement).__enter__()
                raw.rollback()
        for secret in SECRETS:
            assert secret not in "".join(dump) + queried, (table, secret)
        rows = [json.loads(r) for r in dump]
        assert len(queried.splitlines()) == len(rows), table
        if table in OWNER_COLUMN:
            assert not {r[OWNER_COLUMN[table]] for r in rows} & ben_ids, table
        if table in HIDDEN_WHILE_BLIND:
            assert rows == [], table
        if table == "audit_log":
            assert {r["actor"] for r in rows} == {"ana"}
    with ana.connect() as conn:
        statistics = text("SELECT count(*) FROM pg_stats WHERE schemaname = 'public'")
        assert conn.execute(statistics).scalar() == 0  # no histograms of rows under security
    # The lead still sees everything: the story above is really there.
    with team.lead.engine.connect() as conn:
        secrets = conn.execute(text("SELECT count(*) FROM memos WHERE text LIKE 'BEN-%'"))
        assert secrets.scalar() == 2


def test_ana_changes_nothing_but_her_own_rows(team: Team) -> None:
    ana, ids = team.ana.engine, team.ids
    before = others_rows(team.lead, ids["ana"])
    common = {"doc": ids["doc0"], "trust": ids["trust"], "me": ids["ana"]}
    coding = 'INSERT INTO codings (id, document_id, code_id, coder_id, start, "end", created_at)'
    writes = {
        # Rows in someone else's name, or pointing at what ana cannot see.
        "coding as ben": (
            coding + " VALUES (DEFAULT, :doc, :trust, :ben, 500, 508, now())",
            {"ben": ids["ben"]},
        ),
        "coding as consensus": (
            coding + " VALUES (DEFAULT, :doc, :trust, :cons, 500, 508, now())",
            {"cons": ids["consensus"]},
        ),
        "coding with ben's private code": (
            coding + " VALUES (DEFAULT, :doc, :hunch, :me, 500, 508, now())",
            {"hunch": ids["hunch"]},
        ),
        "memo on ben's coding": (
            "INSERT INTO memos (author_id, coding_id, text, created_at, updated_at)"
            " VALUES (:me, :coding, 'x', now(), now())",
            {"coding": ids["ben_coding"]},
        ),
        "memo as ben": (
            "INSERT INTO memos (author_id, document_id, text, created_at, updated_at)"
            " VALUES (:ben, :doc, 'x', now(), now())",
            {"ben": ids["ben"]},
        ),
        "pin of ben's private code": (
            "INSERT INTO code_pins (coder_id, slot, code_id) VALUES (:me, 9, :hunch)",
            {"hunch": ids["hunch"]},
        ),
        "code under ben's private code": (
            "INSERT INTO codes (name, parent_id, owner_id, definition, inclusion, exclusion,"
            " example, keywords, position, status, created_at, codable)"
            " VALUES ('x', :hunch, :me, '', '', '', '', '[]', 0, 'active', now(), true)",
            {"hunch": ids["hunch"]},
        ),
        "shared code": (
            "INSERT INTO codes (name, owner_id, definition, inclusion, exclusion, example,"
            " keywords, position, status, created_at, codable)"
            " VALUES ('x', NULL, '', '', '', '', '[]', 0, 'active', now(), true)",
            {},
        ),
        "ben's done flag": (
            "INSERT INTO document_status (document_id, coder_id, done, updated_at)"
            " VALUES (:doc, :ben, false, now())",
            {"ben": ids["ben"]},
        ),
        "audit entry as ben": (
            "INSERT INTO audit_log (at, actor, action, entity) VALUES (now(), 'ben', 'x', 'x')",
            {},
        ),
        # A shared row ana sees is not hers to change: the whole statement is refused.
        "shared code's definition": ("UPDATE codes SET definition = 'pwned'", {}),
        "shared code's parent": (
            "UPDATE codes SET parent_id = NULL WHERE owner_id IS NULL AND parent_id IS NOT NULL",
            {},
        ),
    }
    for label, (sql, params) in writes.items():
        error, _ = attempt(ana, sql, **common, **params)
        assert "row-level security" in error, label

    refused = [
        # Columns that would take a row over, move it, or probe another row's id.
        "UPDATE memos SET author_id = :me",
        "UPDATE codes SET owner_id = :me",
        "UPDATE codings SET coder_id = :me",
        "UPDATE codings SET id = id + 1",
        "UPDATE document_status SET coder_id = :me",
        # What only the lead changes.
        "UPDATE project_settings SET blind = false",
        "UPDATE coders SET db_role = NULL",
        "INSERT INTO coders (name, kind, created_at) VALUES ('zed', 'human', now())",
        "UPDATE documents SET text = 'x'",
        "DELETE FROM documents",
        "DELETE FROM units",
        "INSERT INTO reconcile_decisions (consensus_id, first_id, second_id, document_id,"
        " unit_start, unit_end, choice, code_ids, rationale, decided_by, decided_at)"
        " VALUES (:me, :me, :me, :doc, 0, 1, 'a', '[]', '', 'ana', now())",
        "UPDATE reconcile_decisions SET rationale = 'x'",
        "DELETE FROM reconcile_decisions",
        "DELETE FROM consensus_sources",
        "UPDATE rounds SET name = 'x'",
        "DELETE FROM rounds",
        "DELETE FROM code_history",
        "UPDATE audit_log SET actor = 'ana'",
        "DELETE FROM audit_log",
        "TRUNCATE codings",
        "TRUNCATE public.codings",
        "COPY public.codings FROM STDIN",
        "CREATE TABLE public.mine (x int)",
        "CREATE FUNCTION public.substr(text, int, int) RETURNS text LANGUAGE sql AS 'SELECT 1'",
        "ALTER TABLE public.codings DISABLE ROW LEVEL SECURITY",
        "ALTER VIEW codings RENAME TO mine",
        "DROP VIEW codings",
        "CREATE OR REPLACE VIEW codings AS SELECT * FROM coder_gate.rows_codings()",
        "SELECT coder_open_gate(current_user)",
        "SELECT coder_grant_login(current_user)",
        "SELECT * FROM coder_private.removed_rows",
    ]
    for sql in refused:
        error, _ = attempt(ana, sql, **common)
        assert error, sql
        assert any(
            refusal in error
            for refusal in ("row-level security", "permission denied", "owner", "not a table")
        ), (sql, error)
    # row_security = off would make a query on a table fail rather than skip its policies;
    # the gate's functions run with it on whatever the session says.
    with ana.connect() as conn:
        mine = conn.execute(text("SELECT count(*) FROM codings")).scalar()
        conn.execute(text("SET row_security = off"))
        assert conn.execute(text("SELECT count(*) FROM codings")).scalar() == mine

    # Statements that run, and touch only ana's own rows (what she cannot see is not there).
    for sql in (
        "UPDATE memos SET text = 'pwned'",
        "UPDATE codes SET definition = 'pwned' WHERE owner_id = :me",
        'UPDATE codings SET start = 0, "end" = 1',
        "UPDATE document_status SET done = false",
        "UPDATE consensus_sources SET source_coding_id = NULL",
        "DELETE FROM codes WHERE owner_id IS NULL OR owner_id <> :me",
        "DELETE FROM code_pins",
        "DELETE FROM document_status",
        "DELETE FROM memos",
        "DELETE FROM codings",
    ):
        error, _ = attempt(ana, sql, **common)
        assert error == "", (sql, error)
    assert others_rows(team.lead, ids["ana"]) == before


def test_ids_and_sequences_reveal_no_counts(team: Team) -> None:
    ana, ben, ids = team.ana, team.stores["ben"], team.ids
    with ana.engine.connect() as conn:
        sequences = list(
            conn.execute(text("SELECT relname FROM pg_class WHERE relkind = 'S'")).scalars()
        )
        unread = conn.execute(
            text("SELECT sequencename FROM pg_sequences WHERE last_value IS NOT NULL")
        ).scalars()
        assert list(unread) == [f"coder_ids_{ids['ana']}"]  # her own, and only hers
    assert "codings_id_seq" in sequences and f"coder_ids_{ids['ben']}" in sequences
    own = f"coder_ids_{ids['ana']}"
    for sequence in sequences:
        for sql in (f"SELECT last_value FROM {sequence}", f"SELECT setval('{sequence}', 1)"):
            assert "permission denied" in attempt(ana.engine, sql)[0], sql
        for sql in (f"SELECT nextval('{sequence}')", f"SELECT currval('{sequence}')"):
            if sequence != own:  # her own sequence counts her own rows: hers to draw from
                assert "permission denied" in attempt(ana.engine, sql)[0], sql

    # The id ana gets back moves by her own rows alone, however much ben writes meanwhile.
    names = Names(team.lead)
    doc, trust = names.document("doc-2"), names.code("Relationships/Trust")
    first = apply_code(ana, coder="ana", document_id=doc, code_id=trust, start=0, end=8).id
    second = apply_code(ana, coder="ana", document_id=doc, code_id=trust, start=20, end=28).id
    for start in range(40, 240, 40):
        apply_code(ben, coder="ben", document_id=doc, code_id=trust, start=start, end=start + 8)
    third = apply_code(ana, coder="ana", document_id=doc, code_id=trust, start=300, end=308).id
    assert third - second == second - first

    # An id that exists (ben's) and one that does not draw the same refusal: no probing.
    coding = (
        'INSERT INTO codings (id, document_id, code_id, coder_id, start, "end", created_at)'
        " VALUES (:id, :doc, :trust, :me, 500, 508, now())"
    )
    refusals = {
        attempt(ana.engine, coding, id=row_id, doc=doc, trust=trust, me=ids["ana"])[0]
        for row_id in (ids["ben_coding"], 999_999, first + 2**21)
    }
    assert len(refusals) == 1 and "row-level security" in refusals.pop()


def test_probes_through_conflicts_and_temporary_tables_are_refused(team: Team) -> None:
    """INSERT ... ON CONFLICT DO NOTHING skips a policy's check for a row that conflicts, and
    a temporary table can stand in for a table a function names: neither tells ana whether a
    row of ben's exists."""
    ids, ana = team.ids, team.ana.engine
    row = {"doc": ids["doc0"], "trust": ids["trust"], "me": ids["ana"], "ben": ids["ben"]}
    coding = (
        'INSERT INTO codings (id, document_id, code_id, coder_id, start, "end", created_at)'
        " VALUES (:id, :doc, :code, :coder, :start, :start + 8, now()) ON CONFLICT DO NOTHING"
    )
    probes = [
        (coding, {"id": ids["ben_coding"], "code": ids["trust"], "coder": ids["ana"], "start": 10}),
        (coding, {"id": 999_999, "code": ids["trust"], "coder": ids["ana"], "start": 10}),
        (
            coding.replace(":id", "DEFAULT"),
            {"code": ids["trust"], "coder": ids["ben"], "start": 10},  # ben's very coding
        ),
        (
            "INSERT INTO document_status (document_id, coder_id, done, updated_at)"
            " VALUES (:doc, :ben, true, now()) ON CONFLICT DO NOTHING",
            {},
        ),
    ]
    for sql, params in probes:
        error, _ = attempt(ana, sql, **row | params)
        assert "row-level security" in error, (sql, params)

    with ana.connect() as conn:
        conn.execute(text("CREATE TEMP TABLE coders (id int, name text, db_role name)"))
        conn.execute(text("CREATE TEMP TABLE codes (id int, owner_id int)"))
        conn.execute(text("INSERT INTO pg_temp.coders VALUES (:ben, 'ana', session_user)"), row)
        conn.execute(text("INSERT INTO pg_temp.codes VALUES (:h, NULL)"), {"h": ids["hunch"]})
        conn.commit()
        shadowed: list[dict[str, int | None]] = [
            {"id": ids["ben_coding"] + 100, "code": ids["trust"], "coder": ids["ana"]},
            {"id": None, "code": ids["hunch"], "coder": ids["ana"]},
        ]
        for shadow in shadowed:
            sql = coding if shadow["id"] else coding.replace(":id", "DEFAULT")
            with pytest.raises(DBAPIError, match="row-level security"), conn.begin():
                conn.execute(text(sql), row | shadow | {"start": 700})


#: What PostgreSQL would tell any role about a table's size, hidden from a coder's login by
#: ``coder project login`` run as a superuser (coder.services.project.team.hide_table_statistics).
SIZE_PROBES = (
    "SELECT reltuples FROM pg_class WHERE relname = 'codings'",
    "SELECT relpages FROM pg_class WHERE oid = 'public.codings'::regclass",
    "SELECT * FROM pg_class WHERE relname = 'codings'",
    "SELECT n_live_tup FROM pg_stat_user_tables WHERE relname = 'codings'",
    "SELECT n_tup_ins FROM pg_stat_all_tables WHERE relname = 'codings'",
    "SELECT idx_tup_read FROM pg_stat_user_indexes WHERE relname = 'codings'",
    "SELECT pg_stat_get_live_tuples('codings'::regclass)",
    "SELECT pg_stat_get_tuples_inserted('codings'::regclass)",
    "SELECT pg_relation_size('codings')",
    "SELECT pg_total_relation_size('codings')",
    "SELECT pg_table_size('codings')",
    "SELECT pg_database_size(current_database())",
    "SELECT pg_current_wal_lsn()",
    "SELECT pg_current_wal_insert_lsn()",
    "SELECT wal_bytes FROM pg_stat_wal",
    "SELECT tup_inserted FROM pg_stat_database WHERE datname = current_database()",
    "SELECT txid_current()",
    "SELECT pg_current_snapshot()",
    "SELECT count(*) FROM pg_locks",
    "SELECT backend_xid FROM pg_stat_activity",
)


def test_table_sizes_and_row_counters_are_refused_to_a_login(team: Team) -> None:
    """reltuples, the size functions and the statistics counters count rows a coder cannot
    read; a login is refused each, while what a client reads of the catalog still works and
    the lead (the owner) keeps them all."""
    with team.lead.engine.connect() as conn:
        conn.execute(text("ANALYZE codings"))
        superuser = conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
        if not superuser.scalar():
            pytest.skip("the test server's lead is not a superuser: sizes cannot be hidden")
    for probe in SIZE_PROBES:
        with team.ana.engine.connect() as conn, pytest.raises(DBAPIError, match="permission"):
            conn.execute(text(probe))
    with team.ana.engine.connect() as conn:
        found = conn.execute(
            text("SELECT relname, relkind FROM pg_class WHERE relname = 'codings'")
        ).all()
        assert sorted(found) == [("codings", "r"), ("codings", "v")]
        assert (
            conn.execute(
                text("SELECT count(*) FROM pg_tables WHERE tablename = 'codings'")
            ).scalar()
            == 1
        )
    with team.lead.engine.connect() as conn:
        for probe in SIZE_PROBES:
            conn.execute(text(probe))


#: Queries a curious coder would EXPLAIN to count what others did: all of a table, one
#: document, other coders' rows, a join, a snapshot.
PLANNED = (
    "SELECT * FROM codings",
    "SELECT * FROM codings WHERE document_id = :doc",
    "SELECT * FROM codings WHERE coder_id <> :me",
    "SELECT count(*) FROM codings c JOIN codes k ON k.id = c.code_id WHERE k.owner_id IS NULL",
    "SELECT * FROM memos",
    "SELECT * FROM document_status",
    "SELECT * FROM codes",
    "SELECT * FROM code_pins",
    "SELECT * FROM audit_log",
    "SELECT * FROM rounds",
    "SELECT * FROM reconcile_decisions",
)
#: What a plan says of time: it differs between two runs of anything.
TIMING = ("Actual Startup Time", "Actual Total Time", "Planning Time", "Execution Time")
#: What a plan says of pages read (EXPLAIN's BUFFERS).
BUFFERS = ("Blocks", "I/O")


def plan_fields(node: Any, *, drop: tuple[str, ...]) -> Any:
    """A JSON plan without the fields whose name contains one of ``drop``."""
    if isinstance(node, dict):
        return {
            k: plan_fields(v, drop=drop) for k, v in node.items() if not any(d in k for d in drop)
        }
    if isinstance(node, list):
        return [plan_fields(v, drop=drop) for v in node]
    return node


def pages_read(explained: list[dict[str, Any]]) -> int:
    """The blocks a query read, from the cache or the disk, planning and running it (a plan
    node's count includes its children's: the top one's is the query's)."""
    counts = [explained[0]["Plan"], explained[0].get("Planning", {})]
    return sum(
        int(v)
        for c in counts
        for k, v in c.items()
        if k.startswith("Shared") and k.endswith("Blocks")
    )


#: What a login may set in its own session to make a plan read, or print, what the policies
#: hide: no index (so a scan reads every page), costs that put a table's page and row counts
#: into the estimates, and the planner's own plans sent to the client.
HOSTILE_SETTINGS = (
    "SET enable_indexscan = off",
    "SET enable_bitmapscan = off",
    "SET enable_indexonlyscan = off",
    "SET random_page_cost = 1000000",
    "SET seq_page_cost = 1",
    "SET cpu_tuple_cost = 0",
    "SET cpu_operator_cost = 0",
    "SET client_min_messages = log",
    "SET debug_print_plan = on",
    "SET jit = on",
    "SET jit_above_cost = 0",
)


def ana_plans(team: Team, *, hostile: bool = False) -> tuple[dict[str, Any], list[str]]:
    """Ana's plans of :data:`PLANNED`, and the messages the server sent her meanwhile."""
    params = {"doc": team.ids["doc0"], "me": team.ids["ana"]}
    plans = {}
    messages: list[str] = []
    with team.ana.engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.add_notice_handler(lambda notice: messages.append(str(notice.message_primary)))
        for setting in HOSTILE_SETTINGS if hostile else ():
            conn.execute(text(setting))
        for query in PLANNED:
            explain = text(f"EXPLAIN (ANALYZE, BUFFERS, VERBOSE, FORMAT JSON) {query}")
            conn.execute(explain, params)  # the session's catalog caches warmed: the second
            plans[query] = conn.execute(explain, params).scalar()  # reads what it runs on
    return plans, messages


def test_plans_show_ana_nothing_of_anyone_else(team: Team) -> None:
    """Row-level security hides rows, not plans: EXPLAIN shows every role that may query a
    table the planner's estimates (from statistics of every row) and EXPLAIN ANALYZE counts
    the rows a policy removed and the pages read. A login may query no table (migration 0007),
    only the gate's views: what ana's plans show is the same however much ben codes, down to
    the row counts and nearly to the pages (an index grown a level deeper reads one more)."""
    lead = team.lead.engine
    with lead.begin() as conn:
        conn.execute(text("ANALYZE"))
    before, _ = ana_plans(team)
    hostile_before, _ = ana_plans(team, hostile=True)
    for plan in before.values():
        for node in json.dumps(plan).split('"Node Type": ')[1:]:
            assert not node.startswith(('"Seq Scan"', '"Index Scan"', '"Bitmap', '"Index Only')), (
                node[:200]
            )
    ben, doc, trust = team.ids["ben"], team.ids["doc0"], team.ids["trust"]
    with lead.begin() as conn:
        conn.execute(
            text(
                'INSERT INTO codings (document_id, code_id, coder_id, start, "end", created_at)'
                " SELECT :doc, :trust, :ben, n, n + 1, now() FROM generate_series(1000, 6000) n"
            ),
            {"doc": doc, "trust": trust, "ben": ben},
        )
        conn.execute(
            text(
                "INSERT INTO memos (author_id, document_id, text, created_at, updated_at)"
                " SELECT :ben, :doc, 'BEN-DOC-MEMO ' || n, now(), now()"
                " FROM generate_series(1, 2000) n"
            ),
            {"doc": doc, "ben": ben},
        )
        conn.execute(
            text(
                "INSERT INTO audit_log (at, actor, action, entity)"
                " SELECT now(), 'ben', 'apply', 'coding' FROM generate_series(1, 2000)"
            )
        )
        conn.execute(text("ANALYZE"))
        pages = conn.execute(
            text("SELECT relpages FROM pg_class WHERE oid = 'public.codings'::regclass")
        )
        assert pages.scalar_one() >= 30  # what a scan of the table would have read
    after, _ = ana_plans(team)
    hostile_after, messages = ana_plans(team, hostile=True)
    for query in PLANNED:
        for old, new in ((before, after), (hostile_before, hostile_after)):
            assert plan_fields(new[query], drop=TIMING + BUFFERS) == plan_fields(
                old[query], drop=TIMING + BUFFERS
            ), query
            assert pages_read(new[query]) - pages_read(old[query]) <= 3, query
    # The planner's plans printed to ana are of her query on the views, never of what the
    # gate's functions read: no table of the project is named in them.
    with lead.connect() as conn:
        tables = conn.execute(
            text("SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace")
        ).scalars()
        relids = {f":relid {oid} " for oid in tables}
    assert messages and not any(relid in m for m in messages for relid in relids)
    # The lead's own plan of the first query does count ben's rows: the test could fail.
    with lead.connect() as conn:
        lead_plan = conn.execute(text("EXPLAIN (FORMAT JSON) SELECT * FROM codings")).scalar()
    assert lead_plan is not None and lead_plan[0]["Plan"]["Plan Rows"] > 5000


def test_a_coder_undoes_and_redoes_her_own_done_and_code(team: Team) -> None:
    ana, doc = team.ana, team.ids["doc0"]
    set_done(ana, coder="ana", document_id=doc, done=True)
    assert undo_latest(ana, actor="ana") is not None
    assert not is_done(ana, coder="ana", document_id=doc)
    assert redo_latest(ana, actor="ana") is not None
    assert is_done(ana, coder="ana", document_id=doc)

    code, _ = create_code_from_selection(
        ana, coder="ana", document_id=doc, start=600, end=608, name="AnaHunch"
    )
    assert undo_latest(ana, actor="ana") is not None
    with team.lead.engine.connect() as conn:
        assert (
            conn.execute(text("SELECT count(*) FROM codes WHERE id = :i"), {"i": code.id}).scalar()
            == 0
        )
    assert redo_latest(ana, actor="ana") is not None
    with team.lead.engine.connect() as conn:
        owner = conn.execute(text("SELECT owner_id FROM codes WHERE id = :i"), {"i": code.id})
        assert owner.scalar() == team.ids["ana"]


def test_everything_a_coder_does_works_over_her_login_and_undoes(team: Team) -> None:
    """The permissions leave a coder's own work whole: each action of the coding screen, then
    undo of every one of them, back to where she started, and redo."""
    ana, ids, lead = team.ana, team.ids, team.lead
    doc, trust = ids["doc0"], ids["trust"]
    # A coding of ana's made before she had a login (its id from the lead's sequence).
    legacy = apply_code(lead, coder="ana", document_id=doc, code_id=trust, start=700, end=708)
    assert legacy.id < 2**30
    before = others_rows(lead, -1)  # every row, ana's included
    coding = apply_code(ana, coder="ana", document_id=doc, code_id=trust, start=800, end=808)
    adjust_coding(ana, coder="ana", coding_id=coding.id, start=800, end=820)
    set_memo(ana, coder="ana", text="first", coding_id=coding.id)
    set_memo(ana, coder="ana", text="second", coding_id=coding.id)
    set_memo(ana, coder="ana", text="on the code", code_id=trust)
    doc1 = Names(lead).document("doc-1")
    set_memo(ana, coder="ana", text="", document_id=doc1)  # her memo on doc-1, deleted
    set_done(ana, coder="ana", document_id=doc, done=True)
    code, _ = create_code_from_selection(
        ana, coder="ana", document_id=doc, start=900, end=908, name="AnaIdea"
    )
    rename_code(ana, actor="ana", code_id=code.id, name="AnaIdea2")
    move_code(ana, actor="ana", code_id=code.id, parent_id=trust)
    edit_code(ana, actor="ana", code_id=code.id, definition="mine")
    retire_code(ana, actor="ana", code_id=code.id)
    remove_coding(ana, coder="ana", coding_id=ids["ana_coding"])  # with its memo
    remove_coding(ana, coder="ana", coding_id=legacy.id)
    for _ in range(14):
        assert undo_latest(ana, actor="ana") is not None
    for _ in range(3):
        assert redo_latest(ana, actor="ana") is not None
    for _ in range(3):
        assert undo_latest(ana, actor="ana") is not None
    after = others_rows(lead, -1)
    del before["audit_log"], after["audit_log"]  # the log keeps every action and its undo
    assert after == before


# -- the CLI over ana's login ------------------------------------------------------------------


def cli(team: Team, home: Path, *args: str) -> tuple[int, str, str]:
    """``coder ARGS`` in a new process with ana's project URL (password included)."""
    env = {k: v for k, v in os.environ.items() if k not in ("CODER_USER", "CODER_PROJECT")}
    env |= {"CODER_PROJECT": team.urls["ana"], "HOME": str(home)}
    done = subprocess.run(
        [sys.executable, "-m", "coder", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=home,
        timeout=120,
    )
    assert "Traceback" not in done.stderr, (args, done.stderr)
    assert len(done.stderr.strip().splitlines()) <= 1, (args, done.stderr)
    return done.returncode, done.stdout, done.stderr


def test_the_cli_over_ana_s_login(team: Team, tmp_path: Path) -> None:
    code, out, _ = cli(team, tmp_path, "codings", "list", "-f", "json")
    assert code == 0 and {row["coder"] for row in json.loads(out)} == {"ana"}
    code, out, _ = cli(team, tmp_path, "codes", "list", "-f", "json")
    assert code == 0 and "Trust" in out and not any(s in out for s in SECRETS)

    code, _, _ = cli(team, tmp_path, "export", "--format", "qdpx", "-o", "ana.qdpx")
    assert code == 0
    with zipfile.ZipFile(tmp_path / "ana.qdpx") as archive:
        content = b"".join(archive.read(n) for n in archive.namelist()).decode(errors="replace")
    assert "ana-memo" in content and not any(s in content for s in SECRETS)

    (tmp_path / "mine.csv").write_text(
        "document,start,end,code,coder\ndoc-2,0,8,Barriers/Funding,ana\n"
    )
    code, out, _ = cli(team, tmp_path, "codings", "import", "mine.csv")
    assert code == 0 and "1 coding(s) imported" in out
    (tmp_path / "his.csv").write_text(
        "document,start,end,code,coder\ndoc-2,0,8,Barriers/Funding,ben\n"
    )
    code, _, err = cli(team, tmp_path, "codings", "import", "his.csv")
    assert code == 1 and "needs the project lead" in err
    code, out, _ = cli(team, tmp_path, "codes", "undo")
    assert code == 0 and "undid" in out
    with team.lead.engine.connect() as conn:
        actors = conn.execute(text("SELECT DISTINCT actor FROM audit_log WHERE action = 'undo'"))
        assert list(actors.scalars()) == ["ana"]  # the login, not the OS user

    code, _, err = cli(team, tmp_path, "backup", "-o", "ana-backup.db")
    assert code == 1 and "needs the project lead" in err
    assert list(tmp_path.glob("ana-backup*")) == []
    code, _, err = cli(team, tmp_path, "check")
    assert code == 1 and "needs the project lead" in err
    code, _, err = cli(team, tmp_path, "project", "copy", team.urls["ana"], "copy.db")
    assert code == 1 and "needs the project lead" in err and not (tmp_path / "copy.db").exists()

    # What only the lead does: one line each, nothing changed.
    (tmp_path / "note.txt").write_text("A note.")
    lead_only: list[tuple[str, ...]] = [
        ("coders", "add", "zed"),
        ("round", "start", "--coders", "ana", "ben"),
        ("import", "note.txt"),
        ("codes", "rename", "Relationships/Trust", "Faith"),
        ("project", "login", "ben", "--role", "t_other"),
        ("project", "login", "ana", "--role", make_url(team.urls["ana"]).username or ""),
    ]
    for args in lead_only:
        code, _, err = cli(team, tmp_path, *args)
        assert code != 0 and "needs the project lead" in err, (args, err)
        assert "permission denied" not in err, (args, err)  # said in coder's words
    # Whatever these can say over ana's login (she sees no one else's work), in one line.
    said: list[tuple[str, ...]] = [
        ("rounds",),
        ("docs", "list"),
        ("agreement", "--coders", "ana", "ben"),
        ("reconcile", "--auto", "--coders", "ana", "ben"),
    ]
    for args in said:
        cli(team, tmp_path, *args)
    # Coding (or serving) as someone else over ana's login is refused before anything starts.
    for args in (("code", "--coder", "ben"), ("serve", "--coder", "ben", "--port", "18765")):
        code, _, err = cli(team, tmp_path, *args)
        assert code != 0 and "this is ana's login" in err, (args, err)


def test_a_login_made_before_revision_0006_is_narrowed_and_gated(empty_db_url: str) -> None:
    store = connect(empty_db_url, must_exist=False)
    role = f"t_old_{uuid.uuid4().hex[:8]}"
    ana = create_engine(make_url(empty_db_url).set(username=role, password="pw"))
    try:
        upgrade(store, "0005")
        with store.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO project_settings (id, name, blind, default_unit, created_at)"
                    " VALUES (1, 'old', true, 'sentence', now())"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO coders (name, kind, created_at, db_role)"
                    " VALUES ('ana', 'human', now(), :r)"
                ),
                {"r": role},
            )
            conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD 'pw'"))
            # What 'coder project login' granted a login before revision 0006.
            for grant in (
                "USAGE ON SCHEMA public",
                "SELECT ON ALL TABLES IN SCHEMA public",
                "USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public",
                "INSERT, UPDATE, DELETE ON codings, memos, code_pins",
                "INSERT, UPDATE ON codes, document_status",
                "INSERT ON audit_log",
            ):
                conn.execute(text(f"GRANT {grant} TO {role}"))
        assert attempt(ana, "SELECT last_value FROM codings_id_seq")[0] == ""
        upgrade(store)
        ana.dispose()  # the login's next session starts behind the gate (revision 0007)
        assert "permission denied" in attempt(ana, "SELECT last_value FROM codings_id_seq")[0]
        assert "permission denied" in attempt(ana, "SELECT * FROM public.memos")[0]
        memo = (
            "INSERT INTO memos (author_id, text, created_at, updated_at)"
            " VALUES ((SELECT id FROM coders WHERE name = 'ana'), 'x', now(), now())"
        )
        assert attempt(ana, memo) == ("", 1)
        with ana.connect() as conn:
            assert conn.execute(text("SELECT id FROM memos")).scalar_one() >= 2**30
    finally:
        ana.dispose()
        with store.engine.begin() as conn:
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE {role}"))
        store.dispose()


def test_what_the_gate_refuses_beyond_the_policies(team: Team, tmp_path: Path) -> None:
    """Rows the policies would let ana write but the lead's commands could not read (a coding
    past its document's end, a code under itself, a code made in ben's name); the functions
    that run with the lead's rights, called directly; a table the lead adds for himself; a
    login taken off the project; a gate role that is not coder's."""
    ana, ids = team.ana.engine, team.ids
    with team.lead.engine.connect() as conn:
        length = conn.execute(
            text("SELECT length(text) FROM documents WHERE id = :d"), {"d": ids["doc0"]}
        ).scalar_one()
    past_end = (
        'INSERT INTO codings (document_id, code_id, coder_id, start, "end", created_at)'
        " VALUES (:doc, :trust, :me, :start, :end, now())"
    )
    error, _ = attempt(
        ana, past_end, doc=ids["doc0"], trust=ids["trust"], me=ids["ana"], start=length - 1,
        end=length + 1,
    )  # fmt: skip
    assert "end of its document" in error
    mine = (
        "INSERT INTO codes (name, owner_id, created_by_id, definition, inclusion, exclusion,"
        " example, keywords, position, status, created_at, codable) VALUES (:name, :me, :by,"
        " '', '', '', '', '[]', 0, 'active', now(), true) RETURNING id"
    )
    with ana.begin() as conn:
        first = conn.execute(text(mine), {"name": "A1", "me": ids["ana"], "by": ids["ana"]})
        second = conn.execute(text(mine), {"name": "A2", "me": ids["ana"], "by": ids["ana"]})
        a1, a2 = first.scalar_one(), second.scalar_one()
        conn.execute(text("UPDATE codes SET parent_id = :a1 WHERE id = :a2"), {"a1": a1, "a2": a2})
    error, _ = attempt(ana, "UPDATE codes SET parent_id = :a2 WHERE id = :a1", a1=a1, a2=a2)
    assert "under itself" in error
    error, _ = attempt(ana, mine, name="A3", me=ids["ana"], by=ids["ben"])
    assert "row-level security" in error

    for sql in (
        "SELECT public.coder_may_insert_id('codings', :id)",
        "SELECT public.coder_open_gate(current_user)",
    ):
        assert "permission denied" in attempt(ana, sql, id=ids["ben_coding"])[0], sql

    with team.lead.engine.begin() as conn:
        conn.execute(text("CREATE TABLE lead_scratch AS SELECT * FROM codings"))
    assert run(["project", "login", "ana", "--role", ana.url.username or "", "-p",
                team.lead.url]) == 0  # fmt: skip
    team.ana.engine.dispose()
    error, _ = attempt(ana, "SELECT * FROM lead_scratch")
    assert "does not exist" in error or "permission denied" in error

    # Ben's login is taken off the project: his session no longer draws ids of anyone's.
    ben = team.stores["ben"].engine
    assert run(["project", "logout", "ben", "-p", team.lead.url]) == 0
    ben.dispose()
    for sequence in (f"public.coder_ids_{ids['ana']}", "public.codings_id_seq"):
        assert "permission denied" in attempt(ben, f"SELECT public.coder_row_id('{sequence}')")[0]

    # A gate role that can log in is not coder's: giving a login is refused in one line.
    with team.lead.engine.begin() as conn:
        gate = conn.execute(
            text(
                "SELECT pg_get_userbyid(proowner) FROM pg_proc"
                " WHERE oid = to_regprocedure('coder_gate.write_through()')"
            )
        ).scalar_one()
        conn.execute(text(f'ALTER ROLE "{gate}" LOGIN'))
    code, _, err = cli(team, tmp_path, "project", "login", "ana", "--role",
                       ana.url.username or "", "-p", team.lead.url)  # fmt: skip
    assert code != 0 and "is not the one coder made" in err, err
