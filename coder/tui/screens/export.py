"""The export dialog: every export of ``coder export``, from the TUI."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from coder.errors import UsageError
from coder.services.exports.formats import ExportFormat

#: Formats a coder may not export from a blind project: they carry everyone's codings.
WHOLE_PROJECT_FORMATS = frozenset({"qdpx"})


@dataclass(frozen=True)
class ExportChoice:
    """What the dialog returns: the format, the file, and the attribute a matrix is by."""

    format: str
    path: Path
    by: str | None


def export_target(folder: Path, typed: str, *, confined: bool) -> Path:
    """The file a name typed in the dialog means: a relative name is taken in ``folder``.

    ``confined`` (the TUI under ``coder serve``, where whoever holds the browser tab is not
    the server's user): the file must be inside ``folder`` once ``~``, ``..`` and symbolic
    links are resolved, else :class:`~coder.errors.UsageError`.
    """
    path = folder / Path(typed).expanduser()
    if confined:
        inside = folder.resolve()
        if not path.resolve().is_relative_to(inside) or path.resolve() == inside:
            raise UsageError(f"{typed}: exports from the browser go only into {folder}")
    return path


def default_path(folder: Path, project: str, fmt: ExportFormat) -> Path:
    """``<folder>/<project>-<format><extension>``."""
    stem = fmt.name.removesuffix(fmt.extension.lstrip("."))
    return folder / f"{project}-{stem.rstrip('-') or fmt.name}{fmt.extension}"


class ExportDialog(ModalScreen[ExportChoice | None]):
    """Choose a format (Enter), adjust the file name, Ctrl+S writes it; Esc cancels.

    Files go into ``folder`` (shown in the dialog: next to the project, see
    :func:`~coder.services.exports.folder.export_folder`); a relative name is taken in it.
    ``confined``: only there (see :func:`export_target`).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Export", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self,
        project: str,
        formats: list[ExportFormat],
        by: str | None,
        folder: Path,
        *,
        confined: bool = False,
    ) -> None:
        super().__init__()
        self.project = project
        self.folder = folder
        #: Refuse any file outside ``folder`` (the TUI under ``coder serve``).
        self.confined = confined
        self.formats = {f.name: f for f in formats}
        self.by = by or ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Export", classes="dialog-title")
            yield OptionList(
                *[
                    Option(f"{f.name:<14} {f.description}", id=f.name)
                    for f in self.formats.values()
                ],
                id="export-formats",
            )
            only = "only " if self.confined else ""
            yield Label(f"Writes {only}into {self.folder}", id="export-folder")
            yield Input(placeholder="file to write", id="export-path")
            yield Input(self.by, placeholder="matrix columns: an attribute, e.g. role", id="by")
            yield Label("Enter choose   Ctrl+S export   Esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.query_one(OptionList).highlighted = 0
        self._suggest(next(iter(self.formats)))

    def _suggest(self, name: str) -> None:
        self.query_one("#export-path", Input).value = str(
            default_path(self.folder, self.project, self.formats[name])
        )

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self._suggest(event.option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#export-path", Input).focus()

    def on_input_submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return
        name = options.get_option_at_index(options.highlighted).id or ""
        path = self.query_one("#export-path", Input).value.strip()
        if not path:
            self.notify("Name the file to write", severity="warning")
            return
        by = self.query_one("#by", Input).value.strip() or None
        # A bare name goes into the folder shown, not wherever the shell happened to be.
        try:
            target = export_target(self.folder, path, confined=self.confined)
        except UsageError as exc:
            self.notify(str(exc), title="Not exported", severity="error")
            return
        self.dismiss(ExportChoice(name, target, by))

    def action_cancel(self) -> None:
        self.dismiss(None)
