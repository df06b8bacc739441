"""Panels of the reconciliation screen: they render plain reconcile objects, never ORM rows."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.content import Content
from textual.widgets import Static

from coder.domain.reconcile import CodeInfo, ItemContext, ReconcileItem, SideCoding
from coder.tui.speakers import speaker_style

#: How much of the unit before and after a passage is shown: enough to place it, so that the
#: passage itself, shown whole, keeps the room.
CONTEXT_CHARS = 140


def _alpha(value: float) -> str:
    return "α n/a" if math.isnan(value) else f"α {value:.2f}"


def _clip(text: str, *, keep_end: bool) -> str:
    """At most about ``CONTEXT_CHARS`` of a context unit, cut at a word, with an ellipsis."""
    if len(text) <= CONTEXT_CHARS:
        return text
    if keep_end:
        return "…" + text[-CONTEXT_CHARS:].split(" ", 1)[-1]
    return text[:CONTEXT_CHARS].rsplit(" ", 1)[0] + "…"


class ContextPanel(Static):
    """The passage, whole, in bold between the units before and after it (dimmed, the end of
    the one before and the start of the one after when they are long).

    In a transcript each piece that a new speaker says starts a line with the speaker's name,
    bold in the speaker's colour; so the first piece always names its speaker, and a passage
    over two turns names both speakers.
    """

    def show(self, context: ItemContext | None) -> None:
        if context is None:
            self.update("")
            return
        passage = context.pieces or ((context.text, context.speaker),)
        pieces = (
            (_clip(context.before, keep_end=True), context.before_speaker, "dim"),
            *((text, speaker, "bold reverse") for text, speaker in passage),
            (_clip(context.after, keep_end=False), context.after_speaker, "dim"),
        )
        parts: list[str | tuple[str, str]] = []
        speaking: str | None = None
        for text, speaker, style in pieces:
            if not text:
                continue
            if speaker is not None and speaker != speaking:
                parts.append("\n" if parts else "")
                parts.append((f"{speaker}:", speaker_style(speaker, context.speakers)))
                parts.append(" ")
            elif parts:
                parts.append((" ", "dim"))
            speaking = speaker
            parts.append((text, style))
        self.update(Content.assemble(*parts).simplify())


class SidePanel(Static):
    """One coder's codes on the passage, each with its memo; codes the other coder shares
    marked."""

    def show(
        self,
        coder: str,
        codings: Sequence[SideCoding],
        other: set[int],
        codes: Mapping[int, CodeInfo],
    ) -> None:
        text = Text()
        text.append(f"{coder}\n", style="bold underline")
        if not codings:
            text.append("(no code)\n", style="dim italic")
        seen: set[int] = set()
        for coding in codings:
            if coding.code_id in seen:
                continue
            seen.add(coding.code_id)
            info = codes[coding.code_id]
            shared = coding.code_id in other
            text.append("= " if shared else "+ ", style="green" if shared else "yellow")
            text.append("■ ", style=info.colour or "white")
            text.append(f"{info.path}\n")
            if coding.memo:
                text.append(f"    memo: {coding.memo}\n", style="italic")
        self.update(text)


class DefinitionsPanel(Static):
    """Definitions of the codes involved, with their alpha between the two coders."""

    def show(self, item: ReconcileItem | None, codes: Mapping[int, CodeInfo]) -> None:
        if item is None:
            self.update("")
            return
        text = Text()
        for code_id in sorted(set(item.first_codes) | set(item.second_codes)):
            info = codes[code_id]
            text.append(f"{info.path}", style="bold")
            text.append(f" ({_alpha(info.alpha)}): ", style="dim")
            text.append((info.definition or "no definition") + "\n")
        if item.decision is not None:
            decided = ", ".join(str(codes[c].path) for c in item.decision.code_ids if c in codes)
            text.append(
                f"Decided: {item.decision.choice} -> {decided or '(no code)'}", style="green"
            )
            if item.decision.rationale:
                text.append(f" · why: {item.decision.rationale}", style="italic")
            text.append(f" · by {item.decision.decided_by}\n", style="dim")
        self.update(text)
