"""The search screen: lemma-aware keyword-in-context lines across the project."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from coder.domain.documents import SearchHit
from coder.services.documents.search import search_project
from coder.tui.commands import Command, bindings
from coder.tui.context import ScreenContext
from coder.tui.messages import OpenDocument, SearchFinished
from coder.tui.speakers import speaker_style


def kwic_line(hit: SearchHit, width: int, speaker_width: int = 0) -> Content:
    """``document  speaker  ...left [match] right...`` with the match centred and bold.

    ``speaker_width`` is the width of the speaker column (0: none), the same on every line so
    the matches line up; the speaker is bold in the colour the coding screen gives them.
    """
    name_width = 16
    side = max((width - name_width - speaker_width - len(hit.match) - 4) // 2, 8)
    left = hit.before[-side:].rjust(side)
    right = hit.after[:side]
    name = hit.document[:name_width].ljust(name_width)
    parts: list[str | tuple[str, str]] = [(name + " ", "dim")]
    if speaker_width:
        speaker = (hit.speaker or "")[: speaker_width - 1]
        if hit.speaker:
            parts.append((speaker, speaker_style(hit.speaker, hit.speakers)))
        parts.append(" " * (speaker_width - len(speaker)))
    parts += [left, (hit.match, "bold reverse"), right]
    return Content.assemble(*parts)


def speaker_column(hits: Sequence[SearchHit]) -> int:
    """Width of the speaker column: the longest speaker (at most 14) and a space; 0 if none."""
    longest = max((len(h.speaker) for h in hits if h.speaker), default=0)
    return min(longest, 14) + 1 if longest else 0


class SearchScreen(Screen[None]):
    """Type words, press Enter; pick a line and press Enter again to open it for coding."""

    COMMAND_LIST: ClassVar[tuple[Command, ...]] = (
        Command("slash", "focus_query", "New search", "Type a new search"),
        Command("escape", "back", "Back", "Back to the previous screen"),
    )
    BINDINGS = bindings(COMMAND_LIST)

    def __init__(self, context: ScreenContext) -> None:
        super().__init__()
        self.context = context
        self.hits: list[SearchHit] = []

    def compose(self) -> ComposeResult:
        yield Input(placeholder="search words (partner finds partners, partnership)", id="query")
        yield Static("Type a word or phrase and press Enter.", id="search-summary")
        yield OptionList(id="hits")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        query = event.value.strip()
        if query:
            self.query_one("#search-summary", Static).update(f"Searching for {query!r}...")
            self.run_search(query)

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, query: str) -> None:
        """Search in a thread: the first search over a big project runs spaCy over it."""
        self.post_message(SearchFinished(query, search_project(self.context.store, query)))

    def on_search_finished(self, message: SearchFinished) -> None:
        self.hits = message.hits
        documents = len({h.document_id for h in message.hits})
        self.query_one("#search-summary", Static).update(
            f"{len(message.hits)} matches of {message.query!r} in {documents} documents"
            + (" · Enter opens a match" if message.hits else "")
        )
        hits = self.query_one(OptionList)
        hits.clear_options()
        width, speakers = max(self.size.width - 4, 40), speaker_column(self.hits)
        hits.add_options(
            [Option(kwic_line(h, width, speakers), id=str(i)) for i, h in enumerate(self.hits)]
        )
        if self.hits:
            hits.highlighted = 0
            hits.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        hit = self.hits[int(event.option.id or 0)]
        self.post_message(OpenDocument(hit.document_id, hit.start, hit.end))

    def action_focus_query(self) -> None:
        self.query_one(Input).focus()

    def action_back(self) -> None:
        self.app.pop_screen()
