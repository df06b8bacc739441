"""Fixtures for the team, load and fault tests: extra databases and populated projects."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from coder.db.engine import Store
from coder.domain import Codebook, CodeDef, DocumentDraft, Unit, UnitKind
from coder.services.codebook.codes import import_codebook
from coder.services.documents.corpus import ImportReport, store_drafts
from coder.services.project.coders import add_coder

SERVER_URL = os.environ.get("CODER_TEST_DATABASE_URL")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SCHEMA_0001 = FIXTURES / "schema_0001.db"

BOOK = Codebook(
    name="team book",
    codes=[
        CodeDef(name="Relationships", children=[CodeDef(name="Trust"), CodeDef(name="Meetings")]),
        CodeDef(name="Barriers", children=[CodeDef(name="Funding"), CodeDef(name="Turnover")]),
    ],
)
CODE_PATHS = [
    "Relationships/Trust",
    "Relationships/Meetings",
    "Barriers/Funding",
    "Barriers/Turnover",
]


def sentence_units(body: str) -> list[Unit]:
    """Sentence units ending at each full stop (no spaCy needed) plus the document unit."""
    units, start = [], 0
    for i, ch in enumerate(body):
        if ch == ".":
            while start < len(body) and body[start] in " \n":
                start += 1
            units.append(Unit(UnitKind.SENTENCE, start, i + 1))
            start = i + 1
    units.append(Unit(UnitKind.DOCUMENT, 0, len(body)))
    return units


def populate(store: Store, *, documents: int = 3, coders: tuple[str, ...] = ("ana", "ben")) -> None:
    """Add documents (long enough for thousands of distinct spans), a codebook and coders."""
    body = " ".join(f"Sentence {i} talks about trust and funding." for i in range(400))
    drafts = [
        DocumentDraft(f"doc-{n}", f"Document {n}. {body}", "txt", f"doc-{n}.txt", {"n": n})
        for n in range(documents)
    ]
    store_drafts(
        store, drafts, [sentence_units(d.text) for d in drafts], actor="t", report=ImportReport()
    )
    import_codebook(store, BOOK, actor="t")
    for name in coders:
        add_coder(store, name)


@pytest.fixture
def new_db_url(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """A factory of URLs of new empty databases on the test backend (dropped afterwards)."""
    created: list[str] = []
    admin = create_engine(SERVER_URL, isolation_level="AUTOCOMMIT") if SERVER_URL else None

    def make(label: str) -> str:
        if admin is None:
            return f"sqlite:///{tmp_path / f'{label}.db'}"
        name = f"coder_test_{label}_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)

    yield make
    if admin is not None:
        with admin.connect() as conn:
            for name in created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def old_project(tmp_path: Path) -> Path:
    """A private copy of the project made by schema revision 0001."""
    target = tmp_path / "old.db"
    shutil.copyfile(SCHEMA_0001, target)
    return target


@pytest.fixture
def project(store: Store) -> Store:
    populate(store)
    return store
