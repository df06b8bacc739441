"""permissions enforced by the server: the lead and coders

On PostgreSQL a coder who connects with their own login role (``coders.db_role``) may read and
write only their own codings, memos, document status, pins and private codes; read the shared
codes and the documents; and never change shared codes, the consensus, reconciliation, rounds,
the audit log (beyond adding their own entries) or the settings. Every table gets row-level
security, one policy per command. While the project is blind (``project_settings.blind``) the
snapshots that hold other coders' work (rounds, code history, reconciliation decisions and
their sources, consensus codings) are invisible to coders. The lead is the project owner, who
is not subject to row-level security.

Ids reveal no counts: a row a coder inserts takes its id from a sequence of that coder's own
(ids 2**30 + coder id * 2**20 onwards), so neither the ids a coder gets back nor a duplicate-key
error says anything about other coders' rows; coders have no rights on the shared sequences,
and a coder may insert an explicit id only in their own block or one they removed themselves
(undo puts rows back with their ids). A coder removing a coding the consensus was built from
clears the reference as the foreign key does, and undo restores it, without the coder ever
seeing the consensus (triggers owned by the lead keep what is needed in ``coder_private``).

The grants of a coder's login are made by the function ``coder_grant_login(role)`` defined
here: ``coder project login`` calls it, and later migrations redefine it and re-run it for every
login when they add tables. On SQLite nothing changes: blind coding there is the service
layer's convention on a shared file.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 21:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Ids from here up belong to coders' logins: coder N's block is BASE + N * BLOCK onwards.
BASE = 1 << 30
BLOCK = 1 << 20
#: The largest coder id whose block still fits in a PostgreSQL integer.
MAX_LOGIN_CODER = ((1 << 31) - BASE) // BLOCK - 1
#: Tables whose ids a coder's inserts draw (their shared sequences stop below BASE).
ID_TABLES = ("codings", "memos", "codes", "audit_log")

_ME = "(SELECT c.id FROM coders c WHERE c.db_role = current_user)"
_MY_NAME = "(SELECT c.name FROM coders c WHERE c.db_role = current_user)"
_OPEN = "NOT COALESCE((SELECT s.blind FROM project_settings s WHERE s.id = 1), true)"


def _code_seen(column: str) -> str:
    # A code the coder may not see is as good as missing: its id cannot be used (or probed) in
    # a row they write. A function, not a sub-select: the policies of codes may not name codes.
    return f"coder_sees_code({column})"


_OWN_CODING = (
    "(memos.coding_id IS NULL OR EXISTS"
    f" (SELECT 1 FROM codings g WHERE g.id = memos.coding_id AND g.coder_id = {_ME}))"
)

#: The tables everyone reads whole; a coder's login writes none of them.
SHARED = (
    "project_settings",
    "coders",
    "documents",
    "document_attributes",
    "units",
    "document_sets",
    "document_set_members",
)
#: Snapshots of everyone's work, read-only, and unseen by coders while the project is blind.
SNAPSHOTS = ("reconcile_decisions", "code_history", "rounds")


def _owned(table: str, owner: str, sees: str, check: str = "") -> list[tuple[str, ...]]:
    """The policies of a table of rows that each belong to a coder (``owner`` names whose).

    A row the login may change is one it sees: an UPDATE of someone else's row it sees (a
    shared code) is refused loudly by WITH CHECK, as the column naming whose row it is cannot
    be updated (GRANTS); a row it cannot see it cannot target.
    """
    mine = f"{table}.{owner} = {_MY_NAME if owner == 'actor' else _ME}"
    checked = mine + (f" AND {check}" if check else "")
    new_id = f" AND coder_may_insert_id('{table}', {table}.id)" if table in ID_TABLES else ""
    policies: list[tuple[str, ...]] = [
        (table, "SELECT", sees, ""),
        (table, "INSERT", "", checked + new_id),
    ]
    if table != "audit_log":  # append-only
        policies += [(table, "UPDATE", sees, checked), (table, "DELETE", mine, "")]
    return policies


#: (table, command, USING, WITH CHECK): every policy of a coder's login. What a coder may
#: write is also limited by GRANTS.
POLICIES: list[tuple[str, ...]] = [
    *[(t, "SELECT", "true", "") for t in SHARED],
    *_owned("codings", "coder_id", f"codings.coder_id = {_ME} OR {_OPEN}",
            _code_seen("codings.code_id")),
    *_owned("codes", "owner_id", f"codes.owner_id IS NULL OR codes.owner_id = {_ME} OR {_OPEN}",
            f"{_code_seen('codes.parent_id')} AND {_code_seen('codes.merged_into_id')}"),
    *_owned("memos", "author_id", f"memos.author_id = {_ME} OR {_OPEN}",
            f"{_OWN_CODING} AND {_code_seen('memos.code_id')}"),
    *_owned("document_status", "coder_id", f"document_status.coder_id = {_ME} OR {_OPEN}"),
    *_owned("code_pins", "coder_id", f"code_pins.coder_id = {_ME}",
            _code_seen("code_pins.code_id")),
    *_owned("audit_log", "actor", f"audit_log.actor = {_MY_NAME} OR {_OPEN}"),
    *[(t, "SELECT", _OPEN, "") for t in SNAPSHOTS],
    ("consensus_sources", "SELECT", _OPEN, ""),
    # Open projects only (the row must be visible to be changed): removing a coding the
    # consensus copies clears the reference, as the foreign key would (services.coding.edits).
    (
        "consensus_sources",
        "UPDATE",
        _OPEN,
        f"consensus_sources.source_coder_id = {_ME} AND (consensus_sources.source_coding_id"
        " IS NULL OR EXISTS (SELECT 1 FROM codings g WHERE g.id ="
        f" consensus_sources.source_coding_id AND g.coder_id = {_ME}))",
    ),
]  # fmt: skip

#: What a coder's login may do beyond reading, granted by coder_grant_login. Columns a coder
#: may not set are left out of UPDATE: no id can be changed (it would probe other rows' ids).
GRANTS = {
    "codings": 'INSERT, DELETE, UPDATE (code_id, start, "end")',
    "memos": "INSERT, DELETE, UPDATE (text, updated_at)",
    "document_status": "INSERT, DELETE, UPDATE (done, updated_at)",
    "code_pins": "INSERT, DELETE, UPDATE (slot, code_id)",
    "codes": "INSERT, DELETE, UPDATE (parent_id, name, definition, inclusion, exclusion, example,"
    " colour, keywords, position, status, merged_into_id, codable)",
    "audit_log": "INSERT",
    "consensus_sources": "UPDATE (source_coding_id)",
}


# Every function names its tables with their schema and searches pg_catalog first and a
# session's temporary objects last: a coder's temporary table or function named like ours
# must never stand in for it (least of all in a function that runs with the lead's rights).
_SEARCH = "SET search_path = pg_catalog, pg_temp"


def _grant_function() -> str:
    grants = "\n".join(
        f"  EXECUTE format('GRANT {privileges} ON public.{table} TO %I', login);"
        for table, privileges in GRANTS.items()
    )
    highest = " UNION ALL ".join(
        f"SELECT max(id) FROM public.{t} WHERE id BETWEEN lo AND lo + {BLOCK - 1}"
        for t in ID_TABLES
    )
    return f"""
CREATE OR REPLACE FUNCTION public.coder_grant_login(login name) RETURNS void
LANGUAGE plpgsql {_SEARCH} AS $fn$
DECLARE
  me integer;
  lo bigint;
  seq text;
  top bigint;
BEGIN
  SELECT c.id INTO me FROM public.coders c WHERE c.db_role = login;
  IF me IS NULL THEN
    RAISE EXCEPTION 'no coder has the login role %', login;
  END IF;
  IF me < 1 OR me > {MAX_LOGIN_CODER} THEN
    RAISE EXCEPTION 'coder id % cannot have a login (ids 1 to {MAX_LOGIN_CODER} can)', me;
  END IF;
  EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %I', login);
  EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM %I', login);
  EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', login);
  EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA public TO %I', login);
{grants}
  lo := {BASE}::bigint + me::bigint * {BLOCK};
  seq := format('coder_ids_%s', me);
  EXECUTE format('CREATE SEQUENCE IF NOT EXISTS public.%I AS integer MINVALUE %s MAXVALUE %s',
                 seq, lo, lo + {BLOCK - 1});
  SELECT max(m) INTO top FROM ({highest}) AS t(m);
  IF top IS NOT NULL
     AND top >= COALESCE(pg_sequence_last_value(format('public.%I', seq)::regclass), lo) THEN
    PERFORM setval(format('public.%I', seq)::regclass, top);
  END IF;
  EXECUTE format('GRANT USAGE ON SEQUENCE public.%I TO %I', seq, login);
END
$fn$;
"""


_ROW_ID = f"""
CREATE OR REPLACE FUNCTION public.coder_row_id(shared regclass) RETURNS integer
LANGUAGE plpgsql VOLATILE {_SEARCH} AS $fn$
DECLARE me integer;
BEGIN
  -- A coder's login draws from its own sequence (USAGE granted to it alone); anyone else
  -- (the lead) from the table's shared one, which stops below {BASE}.
  SELECT c.id INTO me FROM public.coders c WHERE c.db_role = current_user;
  IF me IS NULL THEN
    RETURN nextval(shared);
  END IF;
  RETURN nextval(format('public.coder_ids_%s', me)::regclass);
END
$fn$;
"""

# Run with the caller's rights (so under the caller's policies on codes), and in PL/pgSQL so
# that it is never inlined into the policy that calls it.
_SEES_CODE = f"""
CREATE OR REPLACE FUNCTION public.coder_sees_code(code integer) RETURNS boolean
LANGUAGE plpgsql STABLE {_SEARCH} AS $fn$
BEGIN
  RETURN code IS NULL OR EXISTS (SELECT 1 FROM public.codes k WHERE k.id = code);
END
$fn$;
"""

# Definer functions: owned by the lead, they read coder_private, which coders cannot. They
# name the coder by session_user, which a coder's login cannot change.
_MAY_INSERT_ID = f"""
CREATE OR REPLACE FUNCTION public.coder_may_insert_id(tbl text, row_id integer) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER {_SEARCH} AS $fn$
DECLARE
  me integer;
  lo bigint;
BEGIN
  SELECT c.id INTO me FROM public.coders c WHERE c.db_role = session_user;
  IF me IS NULL OR row_id IS NULL THEN
    RETURN false;
  END IF;
  lo := {BASE}::bigint + me::bigint * {BLOCK};
  IF row_id >= lo AND row_id < lo + {BLOCK} THEN
    RETURN true;
  END IF;
  RETURN EXISTS (SELECT 1 FROM coder_private.removed_rows r
                 WHERE r.tbl = coder_may_insert_id.tbl AND r.id = row_id AND r.coder_id = me);
END
$fn$;
"""

# Before a row a coder's login proposes reaches the table: whose it is and which id it takes
# are checked here as well as by the policies, because INSERT ... ON CONFLICT skips a policy's
# WITH CHECK for a row that conflicts, and would otherwise tell whether another's row exists.
_ROW_ADDED = f"""
CREATE OR REPLACE FUNCTION coder_private.row_added() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {_SEARCH} AS $fn$
DECLARE
  me integer;
  my_name text;
  proposed jsonb := to_jsonb(NEW);
BEGIN
  SELECT c.id, c.name INTO me, my_name FROM public.coders c WHERE c.db_role = session_user;
  IF me IS NULL THEN
    RETURN NEW;
  END IF;
  IF proposed ->> TG_ARGV[0]
       IS DISTINCT FROM (CASE WHEN TG_ARGV[0] = 'actor' THEN my_name ELSE me::text END)
     OR (proposed ? 'id'
         AND NOT public.coder_may_insert_id(TG_TABLE_NAME, (proposed ->> 'id')::integer)) THEN
    RAISE EXCEPTION 'new row violates row-level security policy for table "%"', TG_TABLE_NAME
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$fn$;
"""

_ROW_REMOVED = f"""
CREATE OR REPLACE FUNCTION coder_private.row_removed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {_SEARCH} AS $fn$
DECLARE me integer;
BEGIN
  IF TG_TABLE_NAME = 'codings' THEN
    INSERT INTO coder_private.lost_sources (source_id, coding_id)
      SELECT cs.id, OLD.id FROM public.consensus_sources cs WHERE cs.source_coding_id = OLD.id
      ON CONFLICT (source_id) DO UPDATE SET coding_id = EXCLUDED.coding_id;
  END IF;
  SELECT c.id INTO me FROM public.coders c WHERE c.db_role = session_user;
  IF me IS NOT NULL THEN
    INSERT INTO coder_private.removed_rows (tbl, id, coder_id) VALUES (TG_TABLE_NAME, OLD.id, me)
      ON CONFLICT (tbl, id) DO UPDATE SET coder_id = EXCLUDED.coder_id;
  END IF;
  RETURN OLD;
END
$fn$;
"""

_CODINGS_BACK = f"""
CREATE OR REPLACE FUNCTION coder_private.codings_back() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {_SEARCH} AS $fn$
BEGIN
  UPDATE public.consensus_sources cs SET source_coding_id = l.coding_id
    FROM coder_private.lost_sources l JOIN inserted n ON n.id = l.coding_id
    WHERE cs.id = l.source_id AND cs.source_coding_id IS NULL;
  DELETE FROM coder_private.lost_sources l USING inserted n WHERE l.coding_id = n.id;
  RETURN NULL;
END
$fn$;
"""

#: The column of each table a coder writes that says whose row it is.
OWNER_COLUMNS = {
    "codings": "coder_id",
    "memos": "author_id",
    "codes": "owner_id",
    "document_status": "coder_id",
    "code_pins": "coder_id",
    "audit_log": "actor",
}

_ALL_TABLES = (*SHARED, *OWNER_COLUMNS, *SNAPSHOTS, "consensus_sources")
_OLD_POLICY_TABLES = ("codings", "codes", "memos", "audit_log", "code_pins")


def _policy_name(command: str) -> str:
    return f"coder_{command.lower()}"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _OLD_POLICY_TABLES:
        op.execute(f"DROP POLICY IF EXISTS coder_blind ON {table}")
    for table in _ALL_TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute("CREATE SCHEMA coder_private")
    op.execute("REVOKE ALL ON SCHEMA coder_private FROM PUBLIC")
    op.execute(
        "CREATE TABLE coder_private.removed_rows (tbl text NOT NULL, id integer NOT NULL,"
        " coder_id integer NOT NULL, PRIMARY KEY (tbl, id))"
    )
    op.execute(
        "CREATE TABLE coder_private.lost_sources (source_id integer PRIMARY KEY,"
        " coding_id integer NOT NULL)"
    )
    op.execute("CREATE INDEX ON coder_private.lost_sources (coding_id)")
    for sql in (
        _ROW_ID,
        _SEES_CODE,
        _MAY_INSERT_ID,
        _ROW_ADDED,
        _ROW_REMOVED,
        _CODINGS_BACK,
        _grant_function(),
    ):
        op.execute(sql)
    op.execute("REVOKE ALL ON FUNCTION coder_grant_login(name) FROM PUBLIC")
    for table in ID_TABLES:
        op.execute(f"ALTER SEQUENCE {table}_id_seq MAXVALUE {BASE - 1}")
        op.execute(
            f"ALTER TABLE {table} ALTER COLUMN id"
            f" SET DEFAULT public.coder_row_id('public.{table}_id_seq')"
        )
    for table, owner in OWNER_COLUMNS.items():
        op.execute(
            f"CREATE TRIGGER coder_row_added BEFORE INSERT ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION coder_private.row_added('{owner}')"
        )
    for table in ("codings", "memos", "codes"):
        op.execute(
            f"CREATE TRIGGER coder_row_removed BEFORE DELETE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION coder_private.row_removed()"
        )
    op.execute(
        "CREATE TRIGGER coder_codings_back AFTER INSERT ON codings"
        " REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT"
        " EXECUTE FUNCTION coder_private.codings_back()"
    )
    for table, command, using, check in POLICIES:
        clauses = (f" USING ({using})" if using else "") + (
            f" WITH CHECK ({check})" if check else ""
        )
        op.execute(
            f"CREATE POLICY {_policy_name(command)} ON {table} FOR {command} TO PUBLIC{clauses}"
        )
    # Before PostgreSQL 15 every role could create objects in the public schema, and a
    # function there could be called by the lead's queries in place of a built-in one.
    op.execute(
        "DO $$ BEGIN IF pg_has_role((SELECT nspowner FROM pg_namespace"
        " WHERE nspname = 'public'), 'USAGE') THEN"
        " REVOKE CREATE ON SCHEMA public FROM PUBLIC; END IF; END $$"
    )
    # Logins made before this revision: the narrower grants and a sequence of their own.
    op.execute(
        "DO $$ DECLARE r name; BEGIN FOR r IN SELECT c.db_role FROM coders c"
        " JOIN pg_roles p ON p.rolname = c.db_role LOOP PERFORM coder_grant_login(r);"
        " END LOOP; END $$"
    )


# What 0002 and 0004 had, put back on downgrade.
_ME_0002 = "(SELECT c.id FROM coders c WHERE c.db_role = current_user)"
_OLD_POLICIES = {
    "codings": (
        f"{_OPEN} OR coder_id = {_ME_0002} OR coder_id IN"
        " (SELECT c.id FROM coders c WHERE c.kind = 'consensus')",
        f"coder_id = {_ME_0002}",
    ),
    "codes": (
        f"owner_id IS NULL OR {_OPEN} OR owner_id = {_ME_0002}",
        f"owner_id IS NULL OR owner_id = {_ME_0002}",
    ),
    "memos": (
        "(coding_id IS NULL OR EXISTS (SELECT 1 FROM codings g WHERE g.id = coding_id))"
        " AND (code_id IS NULL OR EXISTS (SELECT 1 FROM codes k WHERE k.id = code_id))",
        f"author_id = {_ME_0002}",
    ),
    "audit_log": (
        f"{_OPEN} OR actor = (SELECT c.name FROM coders c WHERE c.db_role = current_user)",
        "actor = (SELECT c.name FROM coders c WHERE c.db_role = current_user)",
    ),
    "code_pins": (f"coder_id = {_ME_0002}", f"coder_id = {_ME_0002}"),
}


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, command, _, _ in POLICIES:
        op.execute(f"DROP POLICY IF EXISTS {_policy_name(command)} ON {table}")
    for table in _ALL_TABLES:
        if table not in _OLD_POLICY_TABLES:
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    for table, (using, check) in _OLD_POLICIES.items():
        op.execute(
            f"CREATE POLICY coder_blind ON {table} FOR ALL TO PUBLIC"
            f" USING ({using}) WITH CHECK ({check})"
        )
    op.execute("DROP TRIGGER IF EXISTS coder_codings_back ON codings")
    for table in ("codings", "memos", "codes"):
        op.execute(f"DROP TRIGGER IF EXISTS coder_row_removed ON {table}")
    for table in OWNER_COLUMNS:
        op.execute(f"DROP TRIGGER IF EXISTS coder_row_added ON {table}")
    for table in ID_TABLES:
        op.execute(
            f"ALTER TABLE {table} ALTER COLUMN id SET DEFAULT nextval('{table}_id_seq'::regclass)"
        )
        op.execute(f"ALTER SEQUENCE {table}_id_seq NO MAXVALUE")
    op.execute(
        "DO $$ DECLARE s name; BEGIN FOR s IN SELECT relname FROM pg_class"
        " WHERE relkind = 'S' AND relname ~ '^coder_ids_[0-9]+$'"
        " AND relnamespace = 'public'::regnamespace LOOP"
        " EXECUTE format('DROP SEQUENCE public.%I', s); END LOOP; END $$"
    )
    op.execute("DROP FUNCTION IF EXISTS coder_grant_login(name)")
    op.execute("DROP FUNCTION IF EXISTS coder_may_insert_id(text, integer)")
    op.execute("DROP FUNCTION IF EXISTS coder_row_id(regclass)")
    op.execute("DROP FUNCTION IF EXISTS coder_sees_code(integer)")
    op.execute("DROP SCHEMA IF EXISTS coder_private CASCADE")
