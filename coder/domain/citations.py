"""Where a quote stands in its source, for citing it: speaker, paragraph and turn numbers,
the turn's timestamp, and the coding's memo. Built by :mod:`coder.services.exports.papers`
for the quote book; no I/O here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from coder.domain.exports import Quote, QuoteBook


def timestamp(seconds: float) -> str:
    """``[00:01:02]`` for 62.4 seconds: hours, minutes and whole seconds."""
    whole = int(seconds)
    return f"[{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}]"


@dataclass(frozen=True)
class Citation:
    """A quote's speaker, paragraph and turn numbers (from 1), turn start time and memo."""

    speaker: str | None = None
    paragraph: int | None = None
    turn: int | None = None
    time_start: float | None = None
    memo: str | None = None

    @property
    def timestamp(self) -> str:
        """The turn's start as ``[00:01:02]``, or ``""`` when the source had no times."""
        return timestamp(self.time_start) if self.time_start is not None else ""

    @property
    def location(self) -> str:
        """``"para. 3, turn 2 [00:01:02]"``: the parts the document has, else ``""``."""
        parts = []
        if self.paragraph is not None:
            parts.append(f"para. {self.paragraph}")
        if self.turn is not None:
            parts.append(f"turn {self.turn}")
        text = ", ".join(parts)
        if self.timestamp:
            text = f"{text} {self.timestamp}".strip()
        return text


#: A quote's key among the citations: (code path as text, document, start, end).
CitationKey = tuple[str, str, int, int]


@dataclass(frozen=True)
class CitedQuoteBook:
    """A quote book with each quote's :class:`Citation`."""

    book: QuoteBook
    citations: Mapping[CitationKey, Citation] = field(default_factory=dict)

    def citation(self, code: str, quote: Quote) -> Citation:
        """The citation of ``quote`` under the code ``code`` (empty when none is known)."""
        return self.citations.get((code, quote.document, quote.start, quote.end), Citation())

    @property
    def has_speakers(self) -> bool:
        """Whether any quote has a speaker (the speaker column is shown only then)."""
        return any(c.speaker for c in self.citations.values())

    @property
    def has_memos(self) -> bool:
        """Whether any quote's coding has a memo (the memo column is shown only then)."""
        return any(c.memo for c in self.citations.values())
