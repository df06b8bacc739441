"""Commands: one declaration drives a key binding, its footer entry and its palette entry.

A screen lists its commands in ``COMMAND_LIST``; :func:`bindings` turns them into Textual
bindings, the app's command palette offers them (``CoderApp.get_system_commands``), and the
help screen lists them. A command is never written down twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class Command:
    """One thing the user can do: keys, the action it runs, and how it is described."""

    key: str
    action: str
    title: str
    help: str
    footer: bool = True
    palette: bool = True
    key_display: str | None = None
    priority: bool = False
    #: False for the variants of a command the help screen shows once (number keys 2-9).
    listed: bool = True

    @property
    def keys_shown(self) -> str:
        """The key as the help screen shows it."""
        if self.key_display:
            return self.key_display
        return ", ".join(_pretty(k) for k in self.key.split(","))

    def binding(self) -> Binding:
        return Binding(
            self.key,
            self.action,
            self.title,
            show=self.footer,
            key_display=self.key_display,
            priority=self.priority,
        )


def _pretty(key: str) -> str:
    key = key.strip()
    names = {"question_mark": "?", "escape": "Esc", "enter": "Enter", "slash": "/"}
    if key in names:
        return names[key]
    return "+".join(p.capitalize() if len(p) > 1 else p for p in key.split("+"))


def bindings(commands: Iterable[Command]) -> list[BindingType]:
    """The Textual bindings of a list of commands."""
    return [c.binding() for c in commands]
