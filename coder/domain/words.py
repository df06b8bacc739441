"""Counts in words, as every report and screen says them: "1 coding", "2,014 codings"."""

from __future__ import annotations


def fmt_int(n: int) -> str:
    """A whole number with thousands separators: "2,014"."""
    return f"{n:,}"


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """ "1 sentence", "339 sentences" (with thousands separators)."""
    return f"{fmt_int(n)} {noun(n, singular, plural_form)}"


def noun(n: int, singular: str, plural_form: str | None = None) -> str:
    """The noun alone, singular for 1: "sentence", "sentences"."""
    return singular if n == 1 else plural_form or singular + "s"
