"""Value objects of the domain layer."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coder.domain import CodePath, Span

names = st.text(min_size=1, max_size=12).filter(lambda s: s.strip() == s and s)


@given(st.lists(names, min_size=1, max_size=4))
def test_code_path_string_round_trip(parts: list[str]) -> None:
    path = CodePath(tuple(parts))
    assert CodePath.parse(str(path)) == path


def test_code_path_parts() -> None:
    path = CodePath.parse("Success/Relational/Trust & respect")
    assert path.name == "Trust & respect"
    assert path.parent == CodePath(("Success", "Relational"))
    assert path.depth == 3
    assert str(CodePath(("a/b", "c\\"))) == "a\\/b/c\\\\"
    with pytest.raises(ValueError):
        CodePath(())


def test_span_overlap_arithmetic() -> None:
    a, b = Span(0, 10), Span(5, 20)
    assert a.overlaps(b) and a.overlap(b) == 5 and b.overlap(a) == 5
    assert not Span(0, 5).overlaps(Span(5, 9))
    assert Span(0, 20).contains(Span(3, 4)) and Span(3, 8).length == 5
    with pytest.raises(ValueError):
        Span(5, 2)
