"""Code alignment for inductive codebooks: which of A's codes mean what one of B's codes means.

Each pair (A's code x, B's code y) is scored two ways:

* overlap: the Jaccard index of the units (sentences) A coded with x and B coded with y,
  ``|U_x ∩ U_y| / |U_x ∪ U_y|`` (Jaccard 1901);
* words: how alike their names and definitions are, as the Jaccard index of their content-word
  lemmas (spaCy), half for the names and half for names and definitions together.

The score is the mean of the two. Suggested merges pair codes one to one, best score first,
leaving out pairs that are already the same code.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coder.db.engine import Store
from coder.db.models import Coding, Unit
from coder.domain.agreement import DEFAULT_OVERLAP, Overlap
from coder.domain.documents import UnitKind
from coder.domain.reconcile import AlignedCode, Alignment, AlignmentPair
from coder.errors import UsageError
from coder.services.agreement.overlap import applied_by_id
from coder.services.codebook.codes import CodeTree
from coder.services.project.coders import require_coder

#: Lowest score for which a pair is suggested for merging.
SUGGEST_MIN = 0.25


def jaccard(a: set[Any], b: set[Any]) -> float:
    """``|a ∩ b| / |a ∪ b|``; 0 when both are empty."""
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def _content_lemmas(text: str, nlp: Any) -> set[str]:
    from coder.text import lemmatise

    stop = nlp.Defaults.stop_words
    return {
        lemma
        for _, _, lemma in lemmatise(text, nlp=nlp)
        if lemma.isalpha() and len(lemma) > 1 and lemma not in stop
    }


def align_codes(
    store: Store,
    *,
    first: str,
    second: str,
    unit: UnitKind = UnitKind.SENTENCE,
    overlap: Overlap = DEFAULT_OVERLAP,
    nlp: Any = None,
) -> Alignment:
    """The alignment table of ``first``'s codes (those they applied or own) x ``second``'s.

    A coder coded a unit with a code by the agreement engine's ``overlap`` rule.
    """
    from coder.text import load_pipeline

    with store.read() as session:
        a, b = require_coder(session, first), require_coder(session, second)
        if a.id == b.id:
            raise UsageError("alignment needs two different coders (--coders A B)")
        tree = CodeTree.load(session)
        units = _coded_units(session, (a.id, b.id), unit, overlap)
        codes: dict[int, list[int]] = {a.id: [], b.id: []}
        for row in tree.walk():
            if row.status != "active":
                continue
            for coder in (a, b):
                if (coder.id, row.id) in units or row.owner_id == coder.id:
                    codes[coder.id].append(row.id)

        def aligned(coder_id: int, code_id: int) -> AlignedCode:
            row = tree.rows[code_id]
            return AlignedCode(
                code_id, tree.path(code_id), row.definition, len(units.get((coder_id, code_id), ()))
            )

        first_codes = tuple(aligned(a.id, c) for c in codes[a.id])
        second_codes = tuple(aligned(b.id, c) for c in codes[b.id])
        texts = {
            c: (tree.rows[c].name, f"{tree.rows[c].name}. {tree.rows[c].definition}")
            for c in {*codes[a.id], *codes[b.id]}
        }
    nlp = nlp if nlp is not None else load_pipeline()
    words = {
        c: (_content_lemmas(name, nlp), _content_lemmas(full, nlp))
        for c, (name, full) in texts.items()
    }
    pairs: dict[tuple[int, int], AlignmentPair] = {}
    for x in first_codes:
        ux = units.get((a.id, x.id), set())
        for y in second_codes:
            uy = units.get((b.id, y.id), set())
            (nx, fx), (ny, fy) = words[x.id], words[y.id]
            pairs[(x.id, y.id)] = AlignmentPair(
                first=x,
                second=y,
                both=len(ux & uy),
                jaccard=jaccard(ux, uy),
                similarity=(jaccard(nx, ny) + jaccard(fx, fy)) / 2,
            )
    return Alignment(
        first=a.name,
        second=b.name,
        first_codes=first_codes,
        second_codes=second_codes,
        pairs=pairs,
        suggestions=_suggest(pairs),
    )


def _coded_units(
    session: Session, coder_ids: tuple[int, int], unit: UnitKind, overlap: Overlap
) -> dict[tuple[int, int], set[int]]:
    """``(coder id, code id)`` -> ids of the units the coder coded with the code."""
    rows = session.execute(
        select(Unit.id, Unit.document_id, Unit.start, Unit.end)
        .where(Unit.kind == str(unit))
        .order_by(Unit.document_id, Unit.start)
    ).all()
    codings = session.execute(
        select(Coding.document_id, Coding.start, Coding.end, Coding.code_id, Coding.coder_id).where(
            Coding.coder_id.in_(coder_ids)
        )
    ).all()
    units: dict[tuple[int, int], set[int]] = defaultdict(set)
    spans = [(r.document_id, r.start, r.end) for r in rows]
    coded = [(c.document_id, c.start, c.end, c.code_id, c.coder_id) for c in codings]
    for k, coder_id, code_id in applied_by_id(spans, coded, overlap):
        units[(coder_id, code_id)].add(rows[k].id)
    return units


def _suggest(pairs: dict[tuple[int, int], AlignmentPair]) -> tuple[AlignmentPair, ...]:
    """One-to-one pairs, greedily by score: a code already the same on both sides is taken."""
    taken_first = {p.first.id for p in pairs.values() if p.same}
    taken_second = set(taken_first)
    out = []
    for pair in sorted(pairs.values(), key=lambda p: (-p.score, p.first.id, p.second.id)):
        if pair.score < SUGGEST_MIN:
            break
        if pair.same or pair.first.id in taken_first or pair.second.id in taken_second:
            continue
        out.append(pair)
        taken_first.add(pair.first.id)
        taken_second.add(pair.second.id)
    return tuple(out)
