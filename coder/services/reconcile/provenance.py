"""Provenance of a consensus layer: each consensus coding, the coding it copies, who, when, why."""

from __future__ import annotations

from sqlalchemy import select

from coder.db.engine import Store
from coder.db.models import Coder, Coding, ConsensusSource, Document, ReconcileDecision
from coder.domain.reconcile import DEFAULT_CONSENSUS, ProvenanceRow
from coder.services.codebook.codes import CodeTree
from coder.services.reconcile.coders import consensus_coder

__all__ = ["provenance"]


def provenance(store: Store, *, consensus: str = DEFAULT_CONSENSUS) -> list[ProvenanceRow]:
    """Every consensus coding with the coding it copies, who decided it, when and why."""
    with store.read() as session:
        cons = consensus_coder(session, consensus, actor="", create=False)
        tree = CodeTree.load(session)
        names = dict(session.execute(select(Coder.id, Coder.name)).all())
        docs = dict(session.execute(select(Document.id, Document.name)).all())
        rows = session.execute(
            select(Coding, ConsensusSource, ReconcileDecision)
            .join(ConsensusSource, ConsensusSource.coding_id == Coding.id)
            .join(ReconcileDecision, ReconcileDecision.id == ConsensusSource.decision_id)
            .where(Coding.coder_id == cons.id)
            .order_by(Coding.document_id, Coding.start, Coding.id, ConsensusSource.id)
        ).all()
        return [
            ProvenanceRow(
                coding_id=c.id,
                document=docs[c.document_id],
                start=c.start,
                end=c.end,
                code=tree.path(c.code_id),
                choice=d.choice,
                source_coder=names.get(s.source_coder_id) if s.source_coder_id else None,
                source_coding_id=s.source_coding_id,
                decided_by=d.decided_by,
                decided_at=d.decided_at,
                rationale=d.rationale,
            )
            for c, s, d in rows
        ]
