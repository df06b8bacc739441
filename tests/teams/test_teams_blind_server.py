"""Blind coding enforced by PostgreSQL itself: a coder's own connection cannot read others' work."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from conftest import SERVER_URL
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, ProgrammingError

from coder.db.engine import Store
from coder.errors import ConflictError
from coder.services.codebook.codes import list_codes
from coder.services.coding.codings import list_codings
from coder.services.coding.edits import apply_code, create_code_from_selection, remove_coding
from coder.services.coding.memos import set_memo
from coder.services.coding.pins import code_pins, pin_code
from coder.services.project.lifecycle import open_project, update_settings
from coder.services.project.team import connected_coder, grant_login, revoke_login
from coder.services.reconcile.decisions import decide
from coder.services.reconcile.provenance import provenance
from coder.services.reconcile.queue import load_queue
from coder.services.undo import undo_latest
from tests.factories import Names

pytestmark = pytest.mark.skipif(
    not SERVER_URL, reason="row-level security needs PostgreSQL (set CODER_TEST_DATABASE_URL)"
)


@pytest.fixture
def logins(project: Store) -> Iterator[dict[str, Store]]:
    """ana and ben, each connected through a login role of their own."""
    suffix = uuid.uuid4().hex[:8]
    roles = {"ana": f"t_ana_{suffix}", "ben": f"t_ben_{suffix}"}
    stores: dict[str, Store] = {}
    try:
        for coder, role in roles.items():
            grant_login(project, coder, role=role, password=f"pw-{coder}", actor="lead")
            url = make_url(project.url).set(username=role, password=f"pw-{coder}")
            stores[coder] = open_project(url.render_as_string(hide_password=False))
        yield stores
    finally:
        for s in stores.values():
            s.dispose()
        admin = create_engine(project.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for role in roles.values():
                conn.execute(text(f"DROP OWNED BY {role}"))
                conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
        admin.dispose()


def code_as(store: Store, coder: str, start: int, memo: str | None = None) -> int:
    """Code doc-0 over ``store``'s login as the coding screen does: the coding, then a memo."""
    names = Names(store)
    view = apply_code(
        store,
        coder=coder,
        document_id=names.document("doc-0"),
        code_id=names.code("Relationships/Trust"),
        start=start,
        end=start + 8,
    )
    if memo:
        set_memo(store, coder=coder, text=memo, coding_id=view.id)
    return view.id


def test_a_coder_connection_sees_only_its_own_codings(
    project: Store, logins: dict[str, Store]
) -> None:
    ana, ben = logins["ana"], logins["ben"]
    assert connected_coder(ana) == "ana" and connected_coder(ben) == "ben"
    assert connected_coder(project) is None
    code_as(ana, "ana", 10, memo="ana thinks so")
    code_as(ana, "ana", 30)
    code_as(ben, "ben", 10, memo="ben's secret reasoning")

    # The lead (project owner) sees everything: reports and agreement keep working.
    assert sorted(c.coder for c in list_codings(project)) == ["ana", "ana", "ben"]
    # Each coder's connection sees only their own, even asking for everything, even raw SQL.
    assert sorted(c.coder for c in list_codings(ana)) == ["ana", "ana"]
    assert [c.coder for c in list_codings(ben, coders=["ana"])] == []
    with ben.engine.connect() as conn:
        ids = {r[0] for r in conn.execute(text("SELECT coder_id FROM codings"))}
        assert ids == {conn.execute(text("SELECT id FROM coders WHERE name='ben'")).scalar()}
        memos = [r[0] for r in conn.execute(text("SELECT text FROM memos"))]
        assert memos == ["ben's secret reasoning"]
        actors = {r[0] for r in conn.execute(text("SELECT actor FROM audit_log"))}
        assert actors == {"ben"}
        assert conn.execute(text("SELECT count(*) FROM codings WHERE coder_id <> 0")).scalar() == 1


def test_a_coder_cannot_write_as_another_or_switch_blind_off(
    project: Store, logins: dict[str, Store]
) -> None:
    ana = logins["ana"]
    with pytest.raises(DBAPIError, match="row-level security"):
        code_as(ana, "ben", 50)
    with ana.engine.begin() as conn, pytest.raises(ProgrammingError, match="permission denied"):
        conn.execute(text("UPDATE project_settings SET blind = false"))
    with ana.engine.begin() as conn, pytest.raises(ProgrammingError, match="permission denied"):
        conn.execute(text("UPDATE coders SET db_role = NULL"))
    with ana.engine.begin() as conn:
        # The gate's functions read with row-level security on, whatever the session sets.
        conn.execute(text("SET row_security = off"))
        assert conn.execute(text("SELECT count(*) FROM codings")).scalar() == 0
    with (
        ana.engine.begin() as conn,
        pytest.raises(ProgrammingError, match=r"permission denied|row-level security"),
    ):
        conn.execute(text("SELECT * FROM public.codings"))
    assert list_codings(project) == []


def test_private_codes_stay_private_until_the_project_is_opened(
    project: Store, logins: dict[str, Store]
) -> None:
    ana, ben = logins["ana"], logins["ben"]
    doc = Names(project).document("doc-0")
    create_code_from_selection(ana, coder="ana", document_id=doc, start=0, end=8, name="Hunch")
    code_as(ben, "ben", 10)
    assert "Hunch" in {c.name for c in list_codes(ana, viewer="ana")}
    assert "Hunch" not in {c.name for c in list_codes(ben)}
    with ben.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM codes WHERE name='Hunch'")).scalar() == 0

    # After reconciliation the lead opens the project: now everyone may see everything.
    update_settings(project, actor="lead", blind=False)
    assert sorted(c.coder for c in list_codings(ben)) == ["ana", "ben"]


def test_revoked_login_cannot_read_any_more(project: Store, logins: dict[str, Store]) -> None:
    revoke_login(project, "ben", actor="lead")
    logins["ben"].engine.dispose()
    with pytest.raises(DBAPIError, match="permission denied"), logins["ben"].engine.connect() as c:
        c.execute(text("SELECT count(*) FROM codings"))


def test_logins_are_refused_where_they_cannot_work(project: Store) -> None:
    with pytest.raises(ConflictError, match="owns the project"):
        grant_login(project, "ana", role=make_url(project.url).username or "postgres")
    from coder.errors import InputError

    with pytest.raises(InputError, match="login role"):
        grant_login(project, "ana", role="Robert'); DROP TABLE codings;--")


def test_a_coder_removes_and_restores_a_coding_the_consensus_was_built_from(
    project: Store, logins: dict[str, Store]
) -> None:
    """Over her own login, ana may remove her coding after reconciliation used it; undo puts
    back the coding and the consensus's reference to it."""
    ana, ben = logins["ana"], logins["ben"]
    mine = code_as(ana, "ana", 10)
    code_as(ben, "ben", 60)
    queue = load_queue(project, first="ana", second="ben")
    item = next(i for i in queue.items if i.first_codes and not i.second_codes)
    decide(project, first="ana", second="ben", item=item.key, choice="a", actor="lead")
    assert [r.source_coding_id for r in provenance(project)] == [mine]

    remove_coding(ana, coder="ana", coding_id=mine)
    assert [r.source_coding_id for r in provenance(project)] == [None]
    assert list_codings(ana, coders=["ana"]) == []

    undone = undo_latest(ana, actor="ana")
    assert undone is not None
    assert [c.id for c in list_codings(ana, coders=["ana"])] == [mine]
    assert [r.source_coding_id for r in provenance(project)] == [mine]


def test_a_coder_pins_codes_on_their_own_keys_and_sees_only_their_pins(
    project: Store, logins: dict[str, Store]
) -> None:
    ana, ben = logins["ana"], logins["ben"]
    trust = Names(project).code("Relationships/Trust")
    assert pin_code(ana, coder="ana", code_id=trust, slot=1)
    assert pin_code(ben, coder="ben", code_id=trust, slot=5)
    # Pinned again elsewhere, the code moves; pinned to its own key, it is unpinned.
    assert pin_code(ana, coder="ana", code_id=trust, slot=2)
    assert code_pins(ana, "ana") == {2: trust}
    assert code_pins(ben, "ben") == {5: trust}
    with ben.engine.connect() as conn:
        assert conn.execute(text("SELECT slot FROM code_pins")).scalars().all() == [5]
    with pytest.raises(DBAPIError, match="row-level security"):
        pin_code(ana, coder="ben", code_id=trust, slot=3)
    assert not pin_code(ben, coder="ben", code_id=trust, slot=5)
    assert code_pins(project, "ben") == {}
