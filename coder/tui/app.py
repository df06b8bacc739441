"""The coding TUI: ``make_app(store, coder)`` builds it for the CLI and for the tests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.screen import Screen

from coder.domain.exports import ExportOptions
from coder.errors import CoderError
from coder.services.exports.formats import export_formats, render_export
from coder.services.exports.selection import consensus_coder
from coder.services.project.coders import ensure_coder
from coder.services.project.lifecycle import Settings, get_settings
from coder.tui.commands import Command, bindings
from coder.tui.messages import OpenDocument
from coder.tui.screens.codebook import CodebookScreen
from coder.tui.screens.coding import CodingScreen
from coder.tui.screens.documents import DocumentsScreen
from coder.tui.screens.export import WHOLE_PROJECT_FORMATS, ExportChoice, ExportDialog
from coder.tui.screens.help import HelpScreen
from coder.tui.screens.search import SearchScreen

if TYPE_CHECKING:
    from coder.db.engine import Store


class CoderApp(App[None]):
    """One coder's session on one project."""

    CSS_PATH = "app.tcss"
    TITLE = "coder"

    COMMAND_LIST: ClassVar[tuple[Command, ...]] = (
        Command("question_mark,f1", "help", "Help", "Show every key and how coding works"),
        Command("c", "codebook", "Codebook", "Browse and edit the codebook"),
        Command("s", "search", "Search", "Find words across the project (partner finds partners)"),
        Command(
            "e", "export", "Export", "Write the codebook, quote book, matrix or codings to a file"
        ),
        Command("q", "quit", "Quit", "Quit (everything is already saved)"),
    )
    BINDINGS = bindings(COMMAND_LIST)

    def __init__(
        self,
        store: Store,
        coder: str,
        *,
        pinned: Sequence[int] = (),
        theme: str | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.coder = ensure_coder(store, coder, actor=coder).name
        self.settings: Settings = get_settings(store)
        self.project_name = self.settings.name
        self.pinned = tuple(pinned)
        if theme:
            self.theme = theme
        self.sub_title = f"{self.project_name} · {self.coder}"

    def on_mount(self) -> None:
        self.push_screen(DocumentsScreen())

    def on_open_document(self, message: OpenDocument) -> None:
        self.push_screen(CodingScreen(message.document_id, message.start, message.end))

    def _screen_commands(self, screen: Screen[object]) -> tuple[Command, ...]:
        return tuple(getattr(screen, "COMMAND_LIST", ()))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette: Textual's own entries, then every command of the app and the screen."""
        yield from super().get_system_commands(screen)
        for command in (*self._screen_commands(screen), *self.COMMAND_LIST):
            if command.palette:
                yield SystemCommand(
                    command.title, command.help, partial(self.run_action, command.action, screen)
                )
        extra = getattr(screen, "palette_commands", None)
        if extra is not None:
            for title, help_text, callback in extra():
                yield SystemCommand(title, help_text, callback, discover=False)

    def action_help(self) -> None:
        screen = self.screen
        if isinstance(screen, HelpScreen):
            return
        sections = [
            (
                f"On this screen ({type(screen).__name__.removesuffix('Screen').lower()})",
                self._screen_commands(screen),
            ),
            ("Everywhere", self.COMMAND_LIST),
        ]
        self.push_screen(HelpScreen(type(screen).__name__.removesuffix("Screen"), sections))

    def action_codebook(self) -> None:
        if not isinstance(self.screen, CodebookScreen):
            self.push_screen(CodebookScreen())

    def action_search(self) -> None:
        if not isinstance(self.screen, SearchScreen):
            self.push_screen(SearchScreen())

    def action_export(self) -> None:
        if isinstance(self.screen, ExportDialog):
            return
        formats = [
            f
            for f in export_formats()
            if not (self.settings.blind and f.name in WHOLE_PROJECT_FORMATS)
        ]
        self.push_screen(ExportDialog(self.project_name, formats, None), self._export_chosen)

    def _export_chosen(self, choice: ExportChoice | None) -> None:
        if choice is not None:
            self.write_export(choice)

    @work(thread=True, exclusive=True, group="export")
    def write_export(self, choice: ExportChoice) -> None:
        """Write an export; blind, a coder exports their own codings (consensus otherwise)."""
        own = self.settings.blind or consensus_coder(self.store) is None
        options = ExportOptions(coders=(self.coder,) if own else (), by=choice.by)
        try:
            data = render_export(self.store, choice.format, options)
            choice.path.parent.mkdir(parents=True, exist_ok=True)
            choice.path.write_bytes(data)
        except (CoderError, OSError) as exc:
            self.call_from_thread(self.notify, str(exc), title="Export failed", severity="error")
            return
        self.call_from_thread(self.notify, f"wrote {choice.path}", title="Exported")


def make_app(
    store: Store,
    coder: str,
    *,
    pinned: Sequence[int] = (),
    theme: str | None = None,
) -> CoderApp:
    """The app for ``coder`` on the open project ``store`` (registered as a coder if new).

    ``pinned`` code ids take the first number keys; ``theme`` is a Textual theme name.
    """
    return CoderApp(store, coder, pinned=pinned, theme=theme)
