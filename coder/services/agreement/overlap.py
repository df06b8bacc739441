"""The agreement engine's overlap rule over database ids, for services that compare coders per unit.

Reconciliation and code alignment ask which units each coder coded with each code; they ask
:func:`coder.agreement.codes_on_units`, the rule ``coder agreement --overlap`` applies, through
this translation from database ids to the engine's dense indices and back.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from coder.agreement import codes_on_units
from coder.domain.agreement import Overlap
from coder.domain.agreement_results import Codings, Units
from coder.errors import InputError

#: A unit as stored: (document id, start, end).
UnitSpan = tuple[int, int, int]
#: A coding as stored: (document id, start, end, code id, coder id).
CodingSpan = tuple[int, int, int, int, int]


def applied_by_id(
    units: Sequence[UnitSpan], codings: Sequence[CodingSpan], overlap: Overlap
) -> set[tuple[int, int, int]]:
    """``(unit position in units, coder id, code id)`` for each code a coder applied to a unit.

    Codings on documents without units count for nothing. ``InputError`` if units overlap.
    """
    doc_index = {doc: i for i, doc in enumerate(dict.fromkeys(u[0] for u in units))}
    kept = [c for c in codings if c[0] in doc_index]
    code_ids = sorted({c[3] for c in kept})
    coder_ids = sorted({c[4] for c in kept})
    code_index = {code: i for i, code in enumerate(code_ids)}
    coder_index = {coder: i for i, coder in enumerate(coder_ids)}

    def column(
        rows: Sequence[tuple[int, ...]], k: int, index: dict[int, int] | None = None
    ) -> np.ndarray:
        values = [r[k] if index is None else index[r[k]] for r in rows]
        return np.array(values, dtype=np.int64)

    try:
        found = codes_on_units(
            Units(doc=column(units, 0, doc_index), start=column(units, 1), end=column(units, 2)),
            Codings(
                doc=column(kept, 0, doc_index),
                start=column(kept, 1),
                end=column(kept, 2),
                code=column(kept, 3, code_index),
                coder=column(kept, 4, coder_index),
            ),
            len(code_ids),
            overlap=overlap,
        )
    except ValueError as exc:
        raise InputError("units", str(exc)) from None
    return {
        (unit, coder_ids[coder], code_ids[code])
        for unit, coder, code in zip(
            found.unit.tolist(), found.coder.tolist(), found.code.tolist(), strict=True
        )
    }
