"""What the reconciliation tests read back: a coder's layer of codings, by name."""

from __future__ import annotations

from sqlalchemy import select

from coder.db.engine import Store
from coder.db.models import Coder, Coding, Document
from coder.services.codebook.codes import CodeTree


def layer(store: Store, coder: str = "consensus") -> list[tuple[str, int, int, str]]:
    """(document, start, end, code path) of every coding of ``coder``, sorted."""
    with store.read() as s:
        tree = CodeTree.load(s)
        docs = dict(s.execute(select(Document.id, Document.name)).all())
        return sorted(
            (docs[c.document_id], c.start, c.end, str(tree.path(c.code_id)))
            for c in s.scalars(select(Coding).join(Coder).where(Coder.name == coder))
        )
