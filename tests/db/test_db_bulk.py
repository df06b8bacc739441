"""coder.db.bulk on the backend under test (SQLite, or PostgreSQL with CODER_TEST_DATABASE_URL,
where rows go one array a column through ``unnest``): every value comes back as it was given,
NULLs, booleans, timestamps, JSON and awkward text included; what the column refuses is refused
(never cut short), and nothing of a refused batch is kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, StatementError

from coder.db.bulk import ROWS_PER_ARRAY, ROWS_PER_STATEMENT, insert_rows
from coder.db.changeset import Changes
from coder.db.engine import Store
from coder.db.models import Code, Document, Unit, utcnow

AWKWARD = [
    "it's",
    'say "no"',
    "back\\slash",
    "\\N",
    "{a,b}",
    "NULL",
    "",
    " padded ",
    "tab\tand\nnewline",
    "unicode: zürich, 東京, 🙂",
    "a,b;c",
    "$1 %s %(x)s ?",
]


def _codes(count: int) -> list[dict[str, Any]]:
    moment = dt.datetime(2024, 2, 29, 23, 59, 58, 123456, tzinfo=dt.UTC)
    return [
        {
            "parent_id": None,
            "name": f"{AWKWARD[i % len(AWKWARD)]} #{i}",
            "definition": AWKWARD[(i + 1) % len(AWKWARD)],
            "inclusion": "",
            "exclusion": "",
            "example": "",
            "colour": None if i % 3 else "#a0b0c0",
            "keywords": [] if i % 2 else ["x", 'q"uote', {"k": [1, None, True]}],
            "position": i,
            "status": "active",
            "merged_into_id": None,
            "owner_id": None,
            "created_by_id": None,
            "created_at": moment + dt.timedelta(seconds=i),
            "guid": None,
            "codable": i % 4 != 1,
        }
        for i in range(count)
    ]


def _stored(store: Store, ids: list[int]) -> list[dict[str, Any]]:
    with store.read() as session:
        rows = {c.id: c for c in session.scalars(select(Code).where(Code.id.in_(ids)))}
        fields = [c.name for c in Code.__table__.columns if c.name != "id"]
        return [{f: getattr(rows[i], f) for f in fields} for i in ids]


@pytest.mark.parametrize("count", [1, 37, ROWS_PER_STATEMENT + 3])
def test_inserted_rows_come_back_exactly(store: Store, count: int) -> None:
    rows = _codes(count)
    changes = Changes()
    with store.write() as session:
        ids = insert_rows(session, changes, Code, rows, key=("parent_id", "name"))
    assert len(set(ids)) == count
    assert _stored(store, ids) == rows
    assert changes.count("codes") == count


def test_more_rows_than_one_array_holds(store: Store) -> None:
    """Past one statement's worth of rows on either backend, ids still match their rows."""
    rows = _codes(ROWS_PER_ARRAY + 5)
    with store.write() as session:
        ids = insert_rows(session, None, Code, rows, key=("parent_id", "name"))
    stored = _stored(store, ids)
    assert [r["name"] for r in stored] == [r["name"] for r in rows]
    assert [r["position"] for r in stored] == list(range(len(rows)))


def test_omitted_columns_take_the_models_defaults(store: Store) -> None:
    before = utcnow()
    with store.write() as session:
        ids = insert_rows(session, None, Code, [{"name": "a"}, {"name": "b"}], key=("name",))
    [a, b] = _stored(store, ids)
    assert a["definition"] == "" and a["keywords"] == [] and a["codable"] is True
    assert a["status"] == "active" and a["parent_id"] is None
    assert a["created_at"] == b["created_at"] >= before.replace(microsecond=0)


def _document(store: Store) -> int:
    with store.write() as session:
        doc = Document(
            name="d", text="x" * 100, length=100, sha256="0" * 64, source_format="txt",
            source_path="d.txt",
        )  # fmt: skip
        session.add(doc)
        session.flush()
        return doc.id


def test_mixed_numbers_and_all_null_columns(store: Store) -> None:
    """A float column given ints and floats, and columns that are NULL in every row."""
    doc = _document(store)
    rows = [
        {"document_id": doc, "kind": "turn", "start": i, "end": i + 1, "speaker": None,
         "time_start": [1, 2.5, None][i % 3], "time_end": None}
        for i in range(9)
    ]  # fmt: skip
    with store.write() as session:
        ids = insert_rows(session, None, Unit, rows, key=("start",))
    with store.read() as session:
        got = {u.id: u for u in session.scalars(select(Unit))}
    assert [got[i].time_start for i in ids] == [r["time_start"] for r in rows]
    assert all(got[i].speaker is None and got[i].time_end is None for i in ids)


def _count(store: Store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(Code)) or 0


def test_a_name_longer_than_its_column_is_never_cut_short(store: Store) -> None:
    """PostgreSQL refuses it (the whole batch); SQLite, which keeps no lengths, stores it
    whole."""
    rows = _codes(5)
    rows[3]["name"] = "n" * 250  # the column is VARCHAR(200)
    try:
        with store.write() as session:
            ids = insert_rows(session, None, Code, rows, key=("parent_id", "name"))
    except DBAPIError as exc:
        assert store.engine.dialect.name == "postgresql"
        assert "too long" in str(exc)
        assert _count(store) == 0
    else:
        assert store.engine.dialect.name == "sqlite"
        assert _stored(store, ids)[3]["name"] == "n" * 250


def test_nul_in_text(store: Store) -> None:
    """PostgreSQL cannot keep a NUL in text: the batch is refused and nothing of it kept.
    SQLite keeps it."""
    rows = _codes(4)
    rows[2]["definition"] = "before\x00after"
    try:
        with store.write() as session:
            ids = insert_rows(session, None, Code, rows, key=("parent_id", "name"))
    except (DBAPIError, StatementError, ValueError) as exc:
        assert store.engine.dialect.name == "postgresql"
        assert "NUL" in str(exc) or "0x00" in str(exc)
        assert _count(store) == 0
    else:
        assert store.engine.dialect.name == "sqlite"
        assert _stored(store, ids)[2]["definition"] == "before\x00after"


def test_a_naive_timestamp_is_refused(store: Store) -> None:
    rows = _codes(2)
    rows[1]["created_at"] = dt.datetime(2024, 1, 1)
    with pytest.raises(ValueError, match="naive"), store.write() as session:
        insert_rows(session, None, Code, rows, key=("parent_id", "name"))
    assert _count(store) == 0


def test_rows_the_key_cannot_tell_apart_are_refused(store: Store) -> None:
    rows = _codes(3)
    rows[2]["name"] = rows[0]["name"]
    with pytest.raises(ValueError, match="distinct keys"), store.write() as session:
        insert_rows(session, None, Code, rows, key=("parent_id", "name"))
    assert _count(store) == 0
