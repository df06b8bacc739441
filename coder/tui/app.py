"""The coding TUI: ``make_app(project, coder)`` builds it for the CLI and for the tests.

The app owns the session (:class:`~coder.tui.context.ScreenContext`) and hands it to each
screen it pushes; screens never reach back up to the app.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.screen import Screen

from coder.domain.agreement import DEFAULT_OVERLAP, Overlap
from coder.domain.documents import UnitKind
from coder.domain.exports import ExportOptions
from coder.domain.reconcile import DEFAULT_CONSENSUS
from coder.errors import CoderError
from coder.io.output import OutputExistsError, check_output, write_file_safely
from coder.services.exports.folder import export_folder, project_files
from coder.services.exports.formats import export_formats, render_export
from coder.services.exports.selection import consensus_coder
from coder.services.project.coders import ensure_coder
from coder.services.project.lifecycle import get_settings, open_project
from coder.tui.commands import Command, bindings
from coder.tui.context import ScreenContext
from coder.tui.messages import OpenAdjacentDocument, OpenDocument
from coder.tui.screens.codebook import CodebookScreen
from coder.tui.screens.coding import CodingScreen
from coder.tui.screens.dialogs import ChooseDialog
from coder.tui.screens.documents import DocumentsScreen
from coder.tui.screens.export import WHOLE_PROJECT_FORMATS, ExportChoice, ExportDialog
from coder.tui.screens.help import HelpScreen
from coder.tui.screens.reconcile import ReconcileScreen
from coder.tui.screens.search import SearchScreen

if TYPE_CHECKING:
    from coder.db.engine import Store

#: Builds the screen the app opens on, given the session.
FirstScreen = Callable[[ScreenContext], Screen[None]]


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
        context: ScreenContext,
        *,
        first_screen: FirstScreen = DocumentsScreen,
        theme: str | None = None,
        served: bool = False,
    ) -> None:
        super().__init__()
        self.context = context
        self.first_screen = first_screen
        #: Run by ``coder serve``: whoever holds the browser tab writes files only into the
        #: project's export folder.
        self.served = served
        #: A store the app opened itself (from a path or URL) and so closes on exit.
        self.owned_store: Store | None = None
        if theme:
            self.theme = theme
        self.sub_title = f"{context.project_name} · {context.coder}"

    def on_mount(self) -> None:
        self.push_screen(self.first_screen(self.context))

    def on_unmount(self) -> None:
        if self.owned_store is not None:
            self.owned_store.dispose()

    def on_open_document(self, message: OpenDocument) -> None:
        self.push_screen(
            CodingScreen(self.context, message.document_id, message.start, message.end)
        )

    def on_open_adjacent_document(self, message: OpenAdjacentDocument) -> None:
        """Replace the coding screen by the next or previous document of the list as shown."""
        listing = next((s for s in self.screen_stack if isinstance(s, DocumentsScreen)), None)
        if listing is None:
            self.notify("No documents list to step through.", severity="warning")
            return
        target = listing.adjacent(message.document_id, message.step)
        if target is None:
            where = "last" if message.step > 0 else "first"
            self.notify(f"This is the {where} document of the list.", timeout=3)
            return
        self.switch_screen(CodingScreen(self.context, target))

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
            self.push_screen(CodebookScreen(self.context))

    def action_search(self) -> None:
        if not isinstance(self.screen, SearchScreen):
            self.push_screen(SearchScreen(self.context))

    def action_export(self) -> None:
        if isinstance(self.screen, ExportDialog):
            return
        blind = self.context.settings.blind
        formats = [f for f in export_formats() if not (blind and f.name in WHOLE_PROJECT_FORMATS)]
        self.push_screen(
            ExportDialog(
                self.context.project_name,
                formats,
                None,
                export_folder(self.context.store, self.context.project_name),
                confined=self.served,
            ),
            self._export_chosen,
        )

    def _export_chosen(self, choice: ExportChoice | None) -> None:
        if choice is not None:
            self.write_export(choice)

    @work(thread=True, exclusive=True, group="export")
    def write_export(self, choice: ExportChoice, replace: bool = False) -> None:
        """Write an export; blind, a coder exports their own codings (consensus otherwise).

        Written whole or not at all, never over the project's database, and over an existing
        file only once the coder says so (:func:`coder.io.output.write_file_safely`).
        """
        store, coder = self.context.store, self.context.coder
        own = self.context.settings.blind or consensus_coder(store) is None
        options = ExportOptions(coders=(coder,) if own else (), by=choice.by)
        protect = project_files(store)
        try:
            choice.path.parent.mkdir(parents=True, exist_ok=True)
            check_output(choice.path, force=replace, protect=protect)
            data = render_export(store, choice.format, options)
            write_file_safely(choice.path, data, force=replace, protect=protect)
        except OutputExistsError:
            self.call_from_thread(self._ask_to_replace, choice)
            return
        except (CoderError, OSError) as exc:
            self.call_from_thread(self.notify, str(exc), title="Export failed", severity="error")
            return
        self.call_from_thread(self.notify, f"wrote {choice.path}", title="Exported")

    def _ask_to_replace(self, choice: ExportChoice) -> None:
        def answered(replace: int | None) -> None:
            if replace:
                self.write_export(choice, replace=True)
            else:
                self.notify(f"kept {choice.path}; nothing written", title="Export cancelled")

        question = f"{choice.path.name} exists already in {choice.path.parent}"
        options = [("Replace it", 1), ("Keep it (cancel the export)", 0)]
        self.push_screen(ChooseDialog(question, options), answered)


def _session(
    project: Store | str | os.PathLike[str],
    coder: str,
    pinned: Sequence[int],
    theme: str | None,
    first_screen: FirstScreen,
    served: bool = False,
) -> CoderApp:
    if isinstance(project, (str, os.PathLike)):
        store, opened = open_project(project), True
    else:
        store, opened = project, False
    name = ensure_coder(store, coder, actor=coder).name
    context = ScreenContext(store, name, get_settings(store), tuple(pinned))
    app = CoderApp(context, first_screen=first_screen, theme=theme, served=served)
    if opened:
        app.owned_store = store
    return app


def make_app(
    project: Store | str | os.PathLike[str],
    coder: str,
    *,
    pinned: Sequence[int] = (),
    theme: str | None = None,
    served: bool = False,
) -> CoderApp:
    """The app for ``coder`` on a project (registered as a coder if new), on its documents.

    ``project`` is an open store or a project's file or database URL (opened, upgraded if
    old, and closed when the app exits). ``pinned`` code ids take the first number keys;
    ``theme`` is a Textual theme name; ``served`` (``coder serve``) confines exports to the
    project's export folder.
    """
    return _session(project, coder, pinned, theme, DocumentsScreen, served)


def make_reconcile_app(
    project: Store | str | os.PathLike[str],
    coder: str,
    *,
    first: str,
    second: str,
    consensus: str = DEFAULT_CONSENSUS,
    order: str = "document",
    unit: UnitKind = UnitKind.SENTENCE,
    overlap: Overlap = DEFAULT_OVERLAP,
    theme: str | None = None,
) -> CoderApp:
    """The same app opened straight on reconciling ``first`` and ``second``, with ``coder``
    as the person deciding."""

    def reconcile(context: ScreenContext) -> Screen[None]:
        return ReconcileScreen(
            context,
            first=first,
            second=second,
            consensus=consensus,
            order=order,
            unit=unit,
            overlap=overlap,
        )

    return _session(project, coder, (), theme, reconcile)
