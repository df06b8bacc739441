"""The search screen: lemma-aware keyword-in-context lines across the project."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from coder.domain.documents import SearchHit
from coder.services.documents.search import search_project
from coder.tui.commands import Command, bindings
from coder.tui.context import ScreenContext
from coder.tui.messages import OpenDocument, SearchFinished


def kwic_line(hit: SearchHit, width: int) -> Text:
    """``document  ...left [match] right...`` with the match centred and bold."""
    name_width = 16
    side = max((width - name_width - len(hit.match) - 4) // 2, 8)
    left = hit.before[-side:].rjust(side)
    right = hit.after[:side]
    text = Text()
    text.append(hit.document[:name_width].ljust(name_width) + " ", style="dim")
    text.append(left)
    text.append(hit.match, style="bold reverse")
    text.append(right)
    return text


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
        width = max(self.size.width - 4, 40)
        hits.add_options([Option(kwic_line(h, width), id=str(i)) for i, h in enumerate(self.hits)])
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
