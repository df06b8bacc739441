"""The demo project: the seed corpus, the example codebook, and two example coders' work.

The example coders' codings are generated, deterministically, from the codebook's keywords:
they are plainly example data, there so that agreement and reconciliation have something to
show from the first minute. Coder B starts from the same keyword matches as coder A and then
departs from them the way a second human coder would (misses some, picks a sibling code,
adds a few of their own), so the agreement is realistic rather than perfect.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path

from sqlalchemy import select

from coder.db.audit import record
from coder.db.bulk import insert_rows
from coder.db.engine import Store, project_url, sqlite_path
from coder.db.models import Code, Coding, Document, Unit
from coder.domain.documents import ImportReport
from coder.domain.project import DemoSummary
from coder.services.codebook.codes import CodeTree, import_codebook
from coder.services.coding.importing import CODING_KEY
from coder.services.documents.corpus import store_drafts
from coder.services.project.coders import get_or_create_coder
from coder.services.project.lifecycle import create_project

EXAMPLE_CODERS = ("example-coder-A", "example-coder-B")
#: How many documents the example coders code (the first N, in import order).
EXAMPLE_DOCUMENTS = 4
SEED = 2021
#: The example codebook the demo codes with, one of those shipped in codebooks/.
DEMO_CODEBOOK = "evidence-partnerships.yaml"


def existing_demo(project: str) -> Path | None:
    """The project's SQLite file if it exists already (a database URL gives None)."""
    path = sqlite_path(project_url(project))
    return path if path is not None and path.exists() else None


def set_aside(path: Path, now: dt.datetime | None = None) -> Path:
    """Rename a SQLite project (with its -wal and -shm files) to a timestamped ``.bak`` name."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.name}.{stamp}.bak")
    for suffix in ("", "-wal", "-shm"):
        side = Path(f"{path}{suffix}")
        if side.exists():
            side.rename(Path(f"{backup}{suffix}"))
    return backup


def shipped_seeds() -> Traversable:
    """The seed corpus installed with coder (the repository's seeds/, package ``coder.seeds``)."""
    return files("coder.seeds")


def shipped_codebook(name: str = DEMO_CODEBOOK) -> Traversable:
    """A codebook installed with coder (from the repository's codebooks/)."""
    return files("coder.codebooks").joinpath(name)


def build_demo(
    target: str,
    *,
    seeds: Traversable | None = None,
    codebook: Traversable | None = None,
    user: str | None,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Create the demo project at ``target`` (which must not exist yet).

    ``seeds`` (a folder) and ``codebook`` (a file) default to the ones installed with coder,
    so the demo builds from any working directory.
    """
    from coder.io.codebook import read_codebook
    from coder.io.seeds import read_seed_corpus
    from coder.text import load_pipeline, segment_drafts

    say = progress or (lambda _msg: None)
    with as_file(codebook or shipped_codebook()) as codebook_path:
        book = read_codebook(codebook_path)
    drafts = read_seed_corpus(seeds or shipped_seeds())
    store = create_project(target, name="demo", blind=True)
    try:
        say(f"segmenting {len(drafts)} seed documents")
        units = segment_drafts(drafts, nlp=load_pipeline(None))
        report = ImportReport()
        store_drafts(store, drafts, units, actor="demo", report=report)
        import_codebook(store, book, actor="demo")
        say("adding example codings")
        counts = _example_codings(store)
        if user:
            with store.write() as session:
                get_or_create_coder(session, user, actor="demo")
    finally:
        store.dispose()
    return DemoSummary(
        path=str(sqlite_path(store.url) or store.display_name),
        documents=len(report.imported),
        codes=len(book),
        example_codings=counts,
    )


def _keyword_pattern(keywords: list[str]) -> re.Pattern[str] | None:
    words = [re.escape(k.strip()) for k in keywords if k.strip()]
    if not words:
        return None
    return re.compile(r"\b(?:" + "|".join(words) + r")", re.IGNORECASE)


def _second_coders_code(rng: random.Random, tree: CodeTree, code: Code) -> Code | None:
    """What example coder B applied where A applied ``code``: mostly the same code, sometimes a
    sibling, sometimes nothing (B missed it)."""
    roll = rng.random()
    if roll < 0.15:
        return None
    if roll < 0.25:
        siblings = [s for s in tree.children.get(code.parent_id, []) if s != code]
        if siblings:
            return rng.choice(siblings)
    return code


def _example_codings(store: Store) -> dict[str, int]:
    rng = random.Random(SEED)
    counts: dict[str, int] = {}
    with store.write() as session:
        coder_a = get_or_create_coder(session, EXAMPLE_CODERS[0], actor="demo")
        coder_b = get_or_create_coder(session, EXAMPLE_CODERS[1], actor="demo")
        tree = CodeTree.load(session)
        leaves = [r for r in tree.walk() if not tree.children.get(r.id)]
        patterns = [(r, _keyword_pattern(list(r.keywords or []))) for r in leaves]
        docs = list(session.scalars(select(Document).order_by(Document.id)))
        # Prefer the two papers (long, rich) plus the first abstracts.
        chosen = sorted(docs, key=lambda d: -d.length)[:2] + docs[: EXAMPLE_DOCUMENTS - 2]
        rows_a: list[dict[str, int]] = []
        rows_b: list[dict[str, int]] = []
        for doc in chosen:
            sentences = session.scalars(
                select(Unit)
                .where(Unit.document_id == doc.id, Unit.kind == "sentence")
                .order_by(Unit.start)
            ).all()
            for unit in sentences:
                sentence = doc.text[unit.start : unit.end]
                matched = [code for code, pat in patterns if pat and pat.search(sentence)]
                for code in matched[:2]:
                    base = {"document_id": doc.id, "start": unit.start, "end": unit.end}
                    rows_a.append({**base, "code_id": code.id, "coder_id": coder_a.id})
                    b_code = _second_coders_code(rng, tree, code)
                    if b_code is not None:
                        rows_b.append({**base, "code_id": b_code.id, "coder_id": coder_b.id})
                if not matched and leaves and rng.random() < 0.03:
                    extra = rng.choice(leaves)
                    rows_b.append(
                        {
                            "document_id": doc.id,
                            "start": unit.start,
                            "end": unit.end,
                            "code_id": extra.id,
                            "coder_id": coder_b.id,
                        }
                    )
        for coder, rows in ((coder_a, rows_a), (coder_b, rows_b)):
            unique = list({tuple(sorted(r.items())): r for r in rows}.values())
            insert_rows(session, None, Coding, unique, key=CODING_KEY)
            record(
                session,
                "demo",
                "example-codings",
                "coder",
                coder.id,
                None,
                {"coder": coder.name, "codings": len(unique)},
            )
            counts[coder.name] = len(unique)
    return counts
