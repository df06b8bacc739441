"""coders' logins reach the data through a gate: no plan shows another coder's rows

Row-level security (0006) hides rows, not plans: ``EXPLAIN`` shows any role that may query a
table the planner's estimates, which come from statistics of every row, and ``EXPLAIN
ANALYZE`` counts the rows a policy removed ("Rows Removed by Filter") and the pages read
("Buffers"). So a coder's login could count other coders' codings matching conditions of her
choosing. No privilege stops EXPLAIN; a login that may not query the tables at all can.

From this revision a coder's login has no privilege on any table of the project. It reads and
writes through the schema ``coder_gate``, first on its ``search_path``: one view per table, of
the same name and columns, over a set-returning function that runs with the rights of a role
of its own (``coder_gate_<database oid>``, no login, no exemption from row-level security).
A plan of a query on a view shows a function scan with a fixed estimate and the rows the
login may see; what the function reads is not in it. The functions read a coder's own rows by
index and other coders' rows only when the project is open, so that neither the pages read
nor the time taken grows with rows the login cannot see while it is blind (a new index on the
owner column of codings, memos and codes serves them). Writes go through ``INSTEAD OF``
triggers that run the same statement on the table as the gate's role: the policies of 0006,
which now name the coder by ``session_user`` (the login, whoever runs the statement), the
column privileges and the triggers of 0006 decide as before.

``coder_open_gate(login)`` builds the gate (again: it drops and recreates it, so a migration
that adds a table or column re-runs it for every login, as this one does) and gives the login
its grants (it runs 0006's ``coder_grant_login`` first). It needs the CREATEROLE privilege, as
``coder project login`` does; a login this upgrade cannot move behind the gate (run by a role
without it) keeps its 0006 grants, with a warning, until the lead runs ``coder project login``
again. On SQLite nothing changes but the indexes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 03:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: New indexes: a coder's own rows are found without reading anyone else's.
INDEXES = {
    "ix_codings_coder": ("codings", "coder_id"),
    "ix_memos_author": ("memos", "author_id"),
    "ix_codes_owner": ("codes", "owner_id"),
}

_ME = "(SELECT c.id FROM public.coders c WHERE c.db_role = session_user)"
_MY_NAME = "(SELECT c.name FROM public.coders c WHERE c.db_role = session_user)"
_OPEN = "NOT COALESCE((SELECT s.blind FROM public.project_settings s WHERE s.id = 1), true)"


def _own_then_open(table: str, owner: str, me: str = _ME) -> str:
    # Each branch is one scan: the first by the owner column's index, the second never run
    # (a one-time filter) while the project is blind.
    return (
        f"SELECT * FROM public.{table} WHERE {owner} = {me} UNION ALL"
        f" SELECT * FROM public.{table} WHERE {_OPEN} AND {owner} IS DISTINCT FROM {me}"
    )


#: What each gate function reads, for the tables that are not read whole. Row-level security
#: still applies inside (the gate's role is subject to it): these shape the scans, the
#: policies decide.
BODIES = {
    "codings": _own_then_open("codings", "coder_id"),
    "memos": _own_then_open("memos", "author_id"),
    "document_status": _own_then_open("document_status", "coder_id"),
    "audit_log": _own_then_open("audit_log", "actor", _MY_NAME),
    "code_pins": f"SELECT * FROM public.code_pins WHERE coder_id = {_ME}",
    "codes": "SELECT * FROM public.codes WHERE owner_id IS NULL UNION ALL"
    f" SELECT * FROM public.codes WHERE owner_id = {_ME} UNION ALL"
    f" SELECT * FROM public.codes WHERE {_OPEN} AND owner_id <> {_ME}",
    **{
        table: f"SELECT * FROM public.{table} WHERE {_OPEN}"
        for table in (
            "reconcile_decisions",
            "code_history",
            "rounds",
            "consensus_sources",
        )
    },
}

_SEARCH = "SET search_path = pg_catalog, pg_temp"

# One trigger function for every view: the statement the login ran on a view, run on its
# table by the gate's role. TG_ARGV holds the table's primary key columns. An UPDATE sets only
# the columns that change (the gate may update no others); a row the table's policies hide
# from the statement is not changed and not counted.
_WRITE = f"""
CREATE FUNCTION coder_gate.write_through() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {_SEARCH}"""
_WRITE_BODY = """
DECLARE
  keys text;
  changed text;
  touched bigint;
BEGIN
  SELECT string_agg(format('%I = ($2).%I', k, k), ' AND ') INTO keys FROM unnest(TG_ARGV) k;
  -- What coder's own writes never do, and the lead's commands rely on: a coding inside its
  -- document, no code under itself, a code made by nobody else.
  IF TG_TABLE_NAME = 'codings' AND TG_OP <> 'DELETE' THEN
    IF NEW."end" > (SELECT length(d.text) FROM public.documents d WHERE d.id = NEW.document_id)
    THEN
      RAISE EXCEPTION 'a coding ends after the end of its document' USING ERRCODE = 'check_violation';
    END IF;
  ELSIF TG_TABLE_NAME = 'codes' AND TG_OP <> 'DELETE' THEN
    IF EXISTS (WITH RECURSIVE up(id) AS (
                 SELECT NEW.parent_id
                 UNION SELECT k.parent_id FROM public.codes k JOIN up ON k.id = up.id
                 WHERE k.parent_id IS NOT NULL)
               SELECT 1 FROM up WHERE up.id = NEW.id) THEN
      RAISE EXCEPTION 'a code cannot be under itself' USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'INSERT' AND NEW.created_by_id IS NOT NULL AND NEW.created_by_id IS DISTINCT FROM
         (SELECT c.id FROM public.coders c WHERE c.db_role = session_user) THEN
      RAISE EXCEPTION 'new row violates row-level security policy for table "codes"'
        USING ERRCODE = 'insufficient_privilege';
    END IF;
  END IF;
  IF TG_OP = 'INSERT' THEN
    EXECUTE format('INSERT INTO public.%I SELECT ($1).* RETURNING *', TG_TABLE_NAME)
      INTO NEW USING NEW;
    RETURN NEW;
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT string_agg(format('%I = ($1).%I', n.key, n.key), ', ') INTO changed
      FROM jsonb_each(to_jsonb(NEW)) n WHERE n.value IS DISTINCT FROM to_jsonb(OLD) -> n.key;
    IF changed IS NULL THEN
      EXECUTE format('SELECT * FROM public.%I WHERE %s', TG_TABLE_NAME, keys)
        INTO NEW USING NEW, OLD;
    ELSE
      EXECUTE format('UPDATE public.%I SET %s WHERE %s RETURNING *', TG_TABLE_NAME, changed, keys)
        INTO NEW USING NEW, OLD;
    END IF;
    GET DIAGNOSTICS touched = ROW_COUNT;
    IF touched = 0 THEN
      RETURN NULL;
    END IF;
    RETURN NEW;
  END IF;
  EXECUTE format('DELETE FROM public.%I WHERE %s', TG_TABLE_NAME, keys) USING OLD, OLD;
  GET DIAGNOSTICS touched = ROW_COUNT;
  IF touched = 0 THEN
    RETURN NULL;
  END IF;
  RETURN OLD;
END
"""


def _open_gate_function() -> str:
    bodies = "\n".join(
        f"      WHEN {_quote(table)} THEN {_quote(body)}" for table, body in BODIES.items()
    )
    return f"""
CREATE OR REPLACE FUNCTION public.coder_open_gate(target name) RETURNS void
LANGUAGE plpgsql {_SEARCH} AS $fn$
DECLARE
  gate name;
  t name;
  body text;
  keys text;
  col record;
  login name;
  pins text;
  setting record;
  tables name[];
  writes text[];
  i integer;
BEGIN
  PERFORM public.coder_grant_login(target);
  -- What a coder's login may do beyond reading, as 0006's coder_grant_login has just granted
  -- it on the tables (whole tables, or columns): the gate's role gets it on the tables and
  -- every login on the views instead, so a statement is refused by either.
  SELECT array_agg(w.tbl ORDER BY w.tbl, w.privilege),
         array_agg(w.privilege || w.columns ORDER BY w.tbl, w.privilege)
    INTO tables, writes
    FROM (SELECT c.relname AS tbl, a.privilege_type AS privilege, '' AS columns
            FROM pg_class c CROSS JOIN aclexplode(c.relacl) a
            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
              AND a.grantee = to_regrole(target) AND a.privilege_type <> 'SELECT'
          UNION ALL
          SELECT c.relname, a.privilege_type,
                 format(' (%s)', string_agg(quote_ident(t.attname), ', ' ORDER BY t.attnum))
            FROM pg_class c JOIN pg_attribute t ON t.attrelid = c.oid
            CROSS JOIN aclexplode(t.attacl) a
            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
              AND a.grantee = to_regrole(target) AND a.privilege_type <> 'SELECT'
              AND t.attnum > 0
            GROUP BY c.relname, a.privilege_type) w;
  -- The gate's role: the owner of the gate's functions, else a new one, named so that
  -- nobody can make it first (a role of that name made by another would own the gate).
  SELECT pg_get_userbyid(p.proowner) INTO gate FROM pg_proc p
    WHERE p.oid = to_regprocedure('coder_gate.write_through()');
  IF gate IS NULL THEN
    gate := format('coder_gate_%s_%s',
                   (SELECT d.oid FROM pg_database d WHERE d.datname = current_database()),
                   substr(md5(random()::text || clock_timestamp()::text), 1, 12));
    EXECUTE format('CREATE ROLE %I NOLOGIN', gate);
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = gate
             AND (r.rolcanlogin OR r.rolsuper OR r.rolbypassrls OR r.rolcreaterole
                  OR r.rolcreatedb OR r.rolreplication))
     OR EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.member = to_regrole(gate))
     OR EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member
                WHERE m.roleid = to_regrole(gate) AND NOT r.rolsuper
                AND r.rolname <> current_user
                AND r.oid <> (SELECT d.datdba FROM pg_database d
                              WHERE d.datname = current_database())) THEN
    RAISE EXCEPTION 'the gate''s role % may log in, has privileges or members of its own: it'
      ' is not the one coder made; drop it (and the schema coder_gate) first', gate
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  -- The lead makes the gate's functions its role's, which takes being able to SET ROLE to it
  -- (from PostgreSQL 16 a role's creator is a member that cannot, unless granted).
  IF current_setting('server_version_num')::integer >= 160000 THEN
    EXECUTE format('GRANT %I TO %I WITH SET TRUE', gate, current_user);
  ELSIF NOT pg_has_role(current_user, gate, 'MEMBER') THEN
    EXECUTE format('GRANT %I TO %I', gate, current_user);
  END IF;

  -- What the gate's functions run with, whatever the login set in its session: the lead's
  -- planner settings (a login's own could make a plan read other coders' pages, or print the
  -- plan with the table's statistics), sequential scans only where no index serves, and no
  -- debugging output.
  pins := ' SET enable_seqscan = off SET jit = off SET row_security = on'
          ' SET client_min_messages = warning SET debug_print_plan = off'
          ' SET debug_print_parse = off SET debug_print_rewritten = off';
  FOR setting IN SELECT s.name, s.reset_val FROM pg_settings s
                 WHERE s.context = 'user' AND s.category LIKE 'Query Tuning%'
                   AND s.name NOT IN ('enable_seqscan', 'jit') ORDER BY s.name LOOP
    pins := pins || format(' SET %I = %L', setting.name, setting.reset_val);
  END LOOP;

  -- The gate's role: what a coder may do on the tables, under their row-level security.
  EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %I', gate);
  EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', gate);
  EXECUTE format('GRANT EXECUTE ON FUNCTION public.coder_may_insert_id(text, integer) TO %I',
                 gate);
  FOR i IN 1 .. coalesce(array_length(tables, 1), 0) LOOP
    EXECUTE format('GRANT %s ON public.%I TO %I', writes[i], tables[i], gate);
  END LOOP;

  DROP SCHEMA IF EXISTS coder_gate CASCADE;
  CREATE SCHEMA coder_gate;
  REVOKE ALL ON SCHEMA coder_gate FROM PUBLIC;
  EXECUTE format('GRANT USAGE, CREATE ON SCHEMA coder_gate TO %I', gate);
  EXECUTE {_quote(_WRITE)} || pins || ' AS $write$' || {_quote(_WRITE_BODY)} || '$write$';
  EXECUTE format('ALTER FUNCTION coder_gate.write_through() OWNER TO %I', gate);
  REVOKE ALL ON FUNCTION coder_gate.write_through() FROM PUBLIC;

  -- The project's tables: those under row-level security (a table the lead adds for
  -- himself is not a coder's to read) and the schema's version.
  FOR t IN SELECT c.relname FROM pg_class c
           WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
             AND (c.relrowsecurity OR c.relname = 'alembic_version')
           ORDER BY c.relname LOOP
    EXECUTE format('GRANT SELECT ON public.%I TO %I', t, gate);
    body := CASE t
{bodies}
      ELSE format('SELECT * FROM public.%I', t) END;
    EXECUTE format('CREATE FUNCTION coder_gate.%I() RETURNS SETOF public.%I LANGUAGE sql'
                   ' STABLE SECURITY DEFINER ROWS 1000 {_SEARCH}', 'rows_' || t, t)
            || pins || format(' AS %L', body);
    EXECUTE format('ALTER FUNCTION coder_gate.%I() OWNER TO %I', 'rows_' || t, gate);
    EXECUTE format('REVOKE ALL ON FUNCTION coder_gate.%I() FROM PUBLIC', 'rows_' || t);
    EXECUTE format('CREATE VIEW coder_gate.%I AS SELECT * FROM coder_gate.%I()', t, 'rows_' || t);
    FOR col IN SELECT a.attname, pg_get_expr(d.adbin, d.adrelid) AS expr
               FROM pg_attribute a JOIN pg_attrdef d
                 ON d.adrelid = a.attrelid AND d.adnum = a.attnum
               WHERE a.attrelid = format('public.%I', t)::regclass LOOP
      EXECUTE format('ALTER VIEW coder_gate.%I ALTER COLUMN %I SET DEFAULT %s',
                     t, col.attname, col.expr);
    END LOOP;
    SELECT string_agg(quote_literal(a.attname), ', ' ORDER BY k.n) INTO keys
      FROM pg_index i
      CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, n)
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indrelid = format('public.%I', t)::regclass AND i.indisprimary;
    EXECUTE format('CREATE TRIGGER write_through INSTEAD OF INSERT OR UPDATE OR DELETE'
                   ' ON coder_gate.%I FOR EACH ROW EXECUTE FUNCTION'
                   ' coder_gate.write_through(%s)', t, keys);
  END LOOP;

  -- Every login (the gate was rebuilt): the views, none of the tables.
  FOR login IN SELECT c.db_role FROM public.coders c JOIN pg_roles r ON r.rolname = c.db_role
  LOOP
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %I', login);
    EXECUTE format('GRANT USAGE ON SCHEMA coder_gate TO %I', login);
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA coder_gate TO %I', login);
    EXECUTE format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA coder_gate TO %I', login);
    EXECUTE format('REVOKE EXECUTE ON FUNCTION coder_gate.write_through() FROM %I', login);
    EXECUTE format('GRANT EXECUTE ON FUNCTION public.coder_row_id(regclass) TO %I', login);
    FOR i IN 1 .. coalesce(array_length(tables, 1), 0) LOOP
      EXECUTE format('GRANT %s ON coder_gate.%I TO %I', writes[i], tables[i], login);
    END LOOP;
  END LOOP;
  EXECUTE format('ALTER ROLE %I IN DATABASE %I SET search_path = coder_gate, public',
                 target, current_database());
END
$fn$;
"""


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# 0006's, naming the coder by session_user. The default of an id column on a view is evaluated
# by the login, which may not read coders: from this revision the function runs with the
# lead's rights (a login draws from its own sequence whatever it passes), and only the
# project's logins may call it.
_ROW_ID = """
CREATE OR REPLACE FUNCTION public.coder_row_id(shared regclass) RETURNS integer
LANGUAGE plpgsql VOLATILE {definer} SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE me integer;
BEGIN
  SELECT c.id INTO me FROM public.coders c WHERE c.db_role = {user};
  IF me IS NULL THEN
    {lead_only}RETURN nextval(shared);
  END IF;
  RETURN nextval(format('public.coder_ids_%s', me)::regclass);
END
$fn$;
"""


# Who is not a coder draws from the shared sequence only if it may use its owner's rights
# (the lead): a login taken off the project must not read or spend other coders' ids.
_LEAD_ONLY = """IF session_user <> current_user  -- the lead (this function's owner) on its own
       AND NOT pg_has_role(session_user, (SELECT s.relowner FROM pg_class s
                                          WHERE s.oid = shared), 'USAGE') THEN
      RAISE EXCEPTION 'permission denied for sequence %', shared
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    """


def _rename_user(old: str, new: str) -> None:
    """Every policy of 0006 names the coder by ``new`` where it named them by ``old``."""
    op.execute(
        f"""
DO $$
DECLARE p record;
BEGIN
  FOR p IN SELECT tablename, policyname, qual, with_check FROM pg_policies
           WHERE schemaname = 'public' AND policyname LIKE 'coder\\_%' LOOP
    IF p.qual IS NOT NULL THEN
      EXECUTE format('ALTER POLICY %I ON public.%I USING (%s)', p.policyname, p.tablename,
                     replace(p.qual, '{old}', '{new}'));
    END IF;
    IF p.with_check IS NOT NULL THEN
      EXECUTE format('ALTER POLICY %I ON public.%I WITH CHECK (%s)', p.policyname,
                     p.tablename, replace(p.with_check, '{old}', '{new}'));
    END IF;
  END LOOP;
END $$
"""
    )


def upgrade() -> None:
    for name, (table, column) in INDEXES.items():
        op.create_index(name, table, [column])
    if op.get_bind().dialect.name != "postgresql":
        return
    _rename_user("CURRENT_USER", "SESSION_USER")
    op.execute(
        _ROW_ID.format(user="session_user", definer="SECURITY DEFINER", lead_only=_LEAD_ONLY)
    )
    op.execute("REVOKE ALL ON FUNCTION coder_row_id(regclass) FROM PUBLIC")
    op.execute(_open_gate_function())
    op.execute("REVOKE ALL ON FUNCTION coder_open_gate(name) FROM PUBLIC")
    # Whether a coder removed a row of a given id is nobody's business but the policies'.
    op.execute("REVOKE ALL ON FUNCTION coder_may_insert_id(text, integer) FROM PUBLIC")
    # Logins made before this revision: behind the gate, if this role may create the gate's;
    # else as they were (their policies need coder_may_insert_id).
    op.execute(
        "DO $$ DECLARE r name; BEGIN FOR r IN SELECT c.db_role FROM coders c"
        " JOIN pg_roles p ON p.rolname = c.db_role LOOP"
        " BEGIN PERFORM coder_open_gate(r);"
        " EXCEPTION WHEN insufficient_privilege THEN RAISE WARNING"
        " 'the login % keeps its grants on the tables: run coder project login again as a"
        " role with CREATEROLE (%)', r, SQLERRM;"
        " EXECUTE format('GRANT EXECUTE ON FUNCTION coder_may_insert_id(text, integer) TO %I',"
        " r); EXECUTE format('GRANT EXECUTE ON FUNCTION coder_row_id(regclass) TO %I', r); END;"
        " END LOOP; END $$"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "DO $$ DECLARE r name; BEGIN FOR r IN SELECT c.db_role FROM coders c"
            " JOIN pg_roles p ON p.rolname = c.db_role LOOP"
            " EXECUTE format('ALTER ROLE %I IN DATABASE %I RESET search_path', r,"
            " current_database()); PERFORM coder_grant_login(r); END LOOP; END $$"
        )
        op.execute(
            "DO $$ DECLARE g name; BEGIN"
            " SELECT pg_get_userbyid(p.proowner) INTO g FROM pg_proc p"
            " WHERE p.oid = to_regprocedure('coder_gate.write_through()');"
            " DROP SCHEMA IF EXISTS coder_gate CASCADE;"
            " IF g IS NOT NULL THEN EXECUTE format('DROP OWNED BY %I', g);"
            " BEGIN EXECUTE format('DROP ROLE %I', g);"
            " EXCEPTION WHEN OTHERS THEN RAISE WARNING 'the role % is left: %', g, SQLERRM; END;"
            " END IF; END $$"
        )
        op.execute("DROP FUNCTION IF EXISTS coder_open_gate(name)")
        op.execute("GRANT EXECUTE ON FUNCTION coder_may_insert_id(text, integer) TO PUBLIC")
        op.execute(_ROW_ID.format(user="current_user", definer="SECURITY INVOKER", lead_only=""))
        op.execute("GRANT EXECUTE ON FUNCTION coder_row_id(regclass) TO PUBLIC")
        _rename_user("SESSION_USER", "CURRENT_USER")
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
