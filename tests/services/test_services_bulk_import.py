"""Large files through ``coder codings import`` and ``coder codebook import`` (not timed: the
benchmark is benchmarks/bulk_bench.py). Names are resolved once per file and rows written in
sets; these tests hold that what lands in the project is every row of the file, exactly, that
a bad row anywhere refuses the whole file in one line naming it, and that blind coding's
private codes keep to their owners."""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from coder.cli.main import run
from coder.db.engine import Store
from coder.db.models import AuditEntry
from coder.domain import Codebook, CodeDef, DocumentDraft
from coder.domain.documents import ImportReport
from coder.io.codebook import write_codebook
from coder.services.codebook.codes import export_codebook, list_codes
from coder.services.coding.codings import list_codings
from coder.services.coding.edits import create_code_from_selection
from coder.services.documents.corpus import store_drafts
from tests.dbdump import dump
from tests.factories import SERVICES_BOOK, Names, build_project

WORDS = ["trust", "funding", "policy", "evidence", "partner", "time", "rigour", "answers"]
CODE_PATHS = [
    "Relationships/Trust",
    "Relationships/Early engagement",
    "Practicalities/Funding",
    "Practicalities/Time",
]
ROWS = 12_000
HEADER = ["document", "start", "end", "code", "coder", "memo", "text"]


def _texts(count: int = 30, length: int = 4_000) -> dict[str, str]:
    rng = random.Random(3)
    return {
        f"doc-{i:02d}": " ".join(rng.choice(WORDS) for _ in range(length // 5))[:length]
        for i in range(count)
    }


@pytest.fixture
def big(store: Store) -> Store:
    """30 documents of 4,000 characters, the services codebook, alice, bob and carol, and a
    code alice made while coding blind (private to her)."""
    texts = _texts()
    drafts = [DocumentDraft(n, t, "txt", f"{n}.txt", {}) for n, t in texts.items()]
    build_project(store, [], SERVICES_BOOK, ("alice", "bob", "carol"))
    store_drafts(store, drafts, [[] for _ in drafts], actor="t", report=ImportReport())
    create_code_from_selection(
        store,
        coder="alice",
        document_id=Names(store).document("doc-00"),
        start=0,
        end=5,
        name="Hunch",
    )
    return store


def _rows(count: int, seed: int = 11) -> list[dict[str, Any]]:
    """``count`` distinct codings of the ``big`` project's documents, as an export writes them;
    a memo on one in fifty, the passage's text on every other one, and alice's private code
    on some of hers."""
    texts = _texts()
    rng = random.Random(seed)
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    while len(rows) < count:
        name = rng.choice(sorted(texts))
        start = rng.randrange(0, 3_900)
        end = start + rng.randrange(1, 100)
        coder = rng.choice(["alice", "bob", "carol"])
        code = "Hunch" if coder == "alice" and rng.random() < 0.1 else rng.choice(CODE_PATHS)
        row = {
            "document": name,
            "start": start,
            "end": end,
            "code": code,
            "coder": coder,
            "memo": f"memo {len(rows)}" if rng.random() < 0.02 else "",
            "text": texts[name][start:end] if rng.random() < 0.5 else "",
        }
        rows.setdefault((name, start, end, code, coder), row)
    return list(rows.values())


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _landed(store: Store) -> set[tuple[Any, ...]]:
    return {
        (c.document, c.start, c.end, str(c.code_path), c.coder, c.memo or "")
        for c in list_codings(store)
    }


def test_every_row_of_a_large_file_lands_exactly(big: Store, tmp_path: Path) -> None:
    rows = _rows(ROWS)
    before = _landed(big)
    path = _write(tmp_path / "codings.csv", rows)
    assert run(["codings", "import", str(path), "-p", big.url]) == 0
    wanted = {(r["document"], r["start"], r["end"], r["code"], r["coder"], r["memo"]) for r in rows}
    assert _landed(big) == before | wanted
    with big.read() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert (entry.action, entry.entity) == ("import", "coding")
    assert entry.after is not None
    assert len(entry.after["created"]["codings"]) == ROWS
    assert len(entry.after["created"]["memos"]) == sum(1 for r in rows if r["memo"])
    # Importing the same file again: every row is already there, the first is named.
    status = run(["codings", "import", str(path), "-p", big.url])
    assert status == 1
    assert _landed(big) == before | wanted


def _bad(row: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**row, **changes}


#: A bad row placed near the end of a large file: (what is wrong, the row, the message part).
BAD_ROWS: list[tuple[str, Any, str]] = [
    ("unknown document", lambda r: _bad(r, document="doc-99"), "unknown document 'doc-99'"),
    ("past the end", lambda r: _bad(r, end=4_001), "is outside document"),
    ("negative offset", lambda r: _bad(r, start="--5"), "start must be a whole number"),
    ("superscript digit", lambda r: _bad(r, end="²"), "end must be a whole number"),
    ("other text", lambda r: _bad(r, text="not this"), "the text does not match"),
    ("unknown coder", lambda r: _bad(r, coder="zed"), "unknown coder 'zed'"),
    ("another's private code", lambda r: _bad(r, code="Hunch", coder="bob"), "unknown code"),
    ("unknown path", lambda r: _bad(r, code="Nope/Deeper"), "unknown code 'Nope/Deeper'"),
]


@pytest.mark.parametrize(("what", "make", "message"), BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_one_bad_row_in_a_large_file_writes_nothing(
    big: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    what: str,
    make: Any,
    message: str,
) -> None:
    rows = _rows(ROWS)
    good = next(r for r in rows if r["coder"] == "carol" and r["text"])
    rows.insert(ROWS - 10, make(good))
    path = _write(tmp_path / "bad.csv", rows)
    before = dump(big)
    assert run(["codings", "import", str(path), "-p", big.url]) == 1
    err = capsys.readouterr().err.strip()
    # The header is row 1: the bad row, inserted at index ROWS - 10, is row ROWS - 8.
    assert err.count("\n") == 0, err
    assert f"{path}: row {ROWS - 8}: " in err and message in err, err
    assert dump(big) == before


def test_a_duplicate_far_apart_and_a_coding_already_in_the_project(
    big: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _rows(ROWS)
    path = _write(tmp_path / "dup.csv", [*rows, rows[5]])
    assert run(["codings", "import", str(path), "-p", big.url]) == 1
    assert f"row {ROWS + 2}: duplicate of row 7" in capsys.readouterr().err
    first = _write(tmp_path / "first.csv", rows[:100])
    assert run(["codings", "import", str(first), "-p", big.url]) == 0
    before = dump(big)
    path = _write(tmp_path / "rest.csv", rows[100:] + rows[42:43])
    assert run(["codings", "import", str(path), "-p", big.url]) == 1
    err = capsys.readouterr().err
    row = rows[42]
    assert f"row {ROWS - 98}: {row['coder']} already coded {row['document']}" in err, err
    assert dump(big) == before


def _book(themes: int, codes: int, subcodes: int) -> Codebook:
    return Codebook(
        name="big",
        codes=[
            CodeDef(
                name=f"Theme {t}",
                definition=f"Theme {t}.",
                children=[
                    CodeDef(
                        name=f"Code {t}.{c}",
                        definition=f"About {t}.{c}.",
                        keywords=[f"k{c}"],
                        children=[CodeDef(name=f"Sub {t}.{c}.{s}") for s in range(subcodes)],
                    )
                    for c in range(codes)
                ],
            )
            for t in range(themes)
        ],
    )


def _shape(book: Codebook) -> list[Any]:
    def node(c: CodeDef) -> Any:
        return (c.name, c.definition, list(c.keywords), [node(k) for k in c.children])

    return [node(c) for c in book.codes]


def test_a_large_codebook_lands_exactly_and_updates_in_place(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = _book(20, 30, 4)  # 20 + 600 + 2,400 = 3,020 codes
    path = tmp_path / "big.csv"
    write_codebook(book, path, "csv")
    assert run(["codebook", "import", str(path), "-p", store.url]) == 0
    assert "3020 code(s) added, 0 updated, 0 unchanged" in capsys.readouterr().out
    assert _shape(export_codebook(store)) == _shape(book)

    assert run(["codebook", "import", str(path), "-p", store.url]) == 0
    assert "0 code(s) added, 0 updated, 3020 unchanged" in capsys.readouterr().out

    for theme in book.codes[:5]:
        for code in theme.children:
            code.definition = f"Revised: {code.definition}"
        theme.children.append(CodeDef(name="Other"))
    path = tmp_path / "revised.csv"
    write_codebook(book, path, "csv")
    before = {c.id for c in list_codes(store)}
    assert run(["codebook", "import", str(path), "-p", store.url]) == 0
    assert "5 code(s) added, 150 updated, 2870 unchanged" in capsys.readouterr().out
    assert _shape(export_codebook(store)) == _shape(book)
    assert before < {c.id for c in list_codes(store)}  # updated in place, ids kept


def test_a_codebook_import_leaves_a_coder_s_private_code_alone(big: Store, tmp_path: Path) -> None:
    """The book's 'Hunch' is a new shared code beside alice's private one, not hers."""
    path = tmp_path / "book.csv"
    write_codebook(
        Codebook(name="b", codes=[CodeDef(name="Hunch", definition="Shared.")]), path, "csv"
    )
    assert run(["codebook", "import", str(path), "-p", big.url]) == 0
    hunches = [c for c in list_codes(big) if c.name == "Hunch"]
    assert sorted((c.owner or "", c.definition) for c in hunches) == [
        ("", "Shared."),
        ("alice", ""),
    ]


def test_merging_a_code_with_thousands_of_codings_and_undoing_it(
    big: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``coder codes merge`` of Funding (3,000 codings) into Trust, where one in ten of
    Funding's passages also has Trust from the same coder: those fold into Trust's codings,
    taking their memos; the rest move. ``coder codes undo`` puts every row back."""
    passages = {(r["document"], r["start"], r["end"], r["coder"]): r for r in _rows(3_200, seed=5)}
    rows = [dict(r, code="Practicalities/Funding") for r in list(passages.values())[:3_000]]
    twins = [dict(r, code="Relationships/Trust", memo="") for r in rows[::10]]
    path = _write(tmp_path / "merge.csv", rows + twins)
    assert run(["codings", "import", str(path), "-p", big.url]) == 0
    before = dump(big)
    # The memo of each folded coding, by passage: it goes to the Trust coding there.
    folded = {(r["document"], r["start"], r["end"], r["coder"]): r["memo"] for r in rows[::10]}
    assert any(folded.values())
    expected = set()
    for document, start, end, code, coder, memo in _landed(big):
        key = (document, start, end, coder)
        if code == "Practicalities/Funding" and key not in folded:
            expected.add((document, start, end, "Relationships/Trust", coder, memo))
        elif code == "Relationships/Trust" and key in folded:
            expected.add((document, start, end, code, coder, folded[key]))
        elif code != "Practicalities/Funding":
            expected.add((document, start, end, code, coder, memo))
    argv = ["codes", "merge", "Practicalities/Funding", "Relationships/Trust", "-p", big.url]
    assert run([*argv, "--as", "lead"]) == 0
    assert "(2700 codings moved)" in capsys.readouterr().out
    assert _landed(big) == expected
    assert run(["codes", "undo", "-p", big.url, "--as", "lead"]) == 0
    out = capsys.readouterr().out
    assert "undid: merged Practicalities/Funding into Relationships/Trust" in out
    after_undo = dump(big)
    assert {t: r for t, r in after_undo.items() if t != "audit_log"} == {
        t: r for t, r in before.items() if t != "audit_log"
    }
