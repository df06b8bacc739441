"""The help screen: how a coding session goes, and every key of the app and this screen."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from coder.tui.commands import Command

GUIDE = """\
Coding a document: on the documents screen pick a document with the arrow keys and press
Enter. The cursor selects one sentence; move with Down/Up (j/k), PageUp/PageDown and Home/End,
or click a sentence. Grow the selection with Shift and those keys (whole sentences) or
Shift+Right (word by word), or drag the mouse over any words. Press a number 1-9 to apply the
code shown with that number in the codebook on the right, or f to find any code by name.
n makes a new code from the selection, m writes a memo on the coding under the cursor
(or on the document), x removes a coding, u undoes your last action. Everything is saved the
moment you do it. d marks the document done, Esc goes back, q quits.
Tab moves between the text and the codebook; there m writes your memo on the highlighted code
(shown under its definition) and p pins it to a number key 1-9 (its key again unpins it).
From the text, C and p do the same for the highlighted code; in Find code (f), Ctrl+T pins.
"""


class HelpScreen(ModalScreen[None]):
    """Every binding of the app and of the screen it was opened from."""

    BINDINGS = [  # noqa: RUF012
        Binding("escape,question_mark,q", "close", "Close help"),
    ]

    def __init__(self, title: str, sections: Sequence[tuple[str, Sequence[Command]]]) -> None:
        super().__init__()
        self.title_text = title
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(Text(f"Help · {self.title_text}", style="bold"), classes="dialog-title")
            yield Static(GUIDE.replace("\n", " ").replace("  ", " ").strip(), classes="guide")
            for heading, commands in self.sections:
                text = Text()
                text.append(f"\n{heading}\n", style="bold underline")
                for command in (c for c in commands if c.listed):
                    text.append(f"{command.keys_shown:>14}  ", style="bold")
                    text.append(f"{command.help}\n")
                yield Static(text)
            yield Static("\nEsc closes this help. Ctrl+P opens the command palette.")

    def action_close(self) -> None:
        self.dismiss(None)
