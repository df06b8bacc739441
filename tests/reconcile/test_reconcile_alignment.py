"""Code alignment of two coders' inductive codes: overlap, word likeness, suggested merges."""

from __future__ import annotations

import pytest

from coder.services.codebook.alignment import align_codes, jaccard
from coder.services.coding.edits import apply_code, create_code_from_selection


def _private(project, built, coder, name, definition, places):
    code, _ = create_code_from_selection(
        project, coder=coder, document_id=built["docs"][places[0][0]],
        start=built["units"][places[0][0]][places[0][1]][0],
        end=built["units"][places[0][0]][places[0][1]][1], name=name, definition=definition,
    )  # fmt: skip
    for doc, index in places[1:]:
        start, end = built["units"][doc][index]
        apply_code(project, coder=coder, document_id=built["docs"][doc], code_id=code.id,
                      start=start, end=end)  # fmt: skip
    return code.id


def test_jaccard():
    assert jaccard({1, 2}, {2, 3}) == pytest.approx(1 / 3)
    assert jaccard(set(), set()) == 0.0


def test_inductive_codes_are_paired_by_overlap_and_words(project, built):
    money = _private(project, built, "alice", "Money worries", "Funding is short.",
                     [("interview", 5), ("notes", 1)])  # fmt: skip
    funding = _private(project, built, "bob", "Funding", "Worries about money and funding.",
                       [("interview", 5), ("notes", 1), ("notes", 2)])  # fmt: skip
    pace = _private(project, built, "bob", "Pace", "How slowly things move.", [("notes", 0)])
    result = align_codes(project, first="alice", second="bob")
    pair = result.pairs[(money, funding)]
    assert pair.both == 2
    assert pair.jaccard == pytest.approx(2 / 3)
    assert pair.similarity > 0.3  # "money", "funding" and "worry" shared as lemmas
    assert result.pairs[(money, pace)].jaccard == 0.0
    assert next((p.first.id, p.second.id) for p in result.suggestions) == (money, funding)
    # Codes both coders applied pair with themselves and are not suggested again.
    assert all(not p.same for p in result.suggestions)
    assert funding in {c.id for c in result.second_codes}
    assert funding not in {c.id for c in result.first_codes}
