"""What a screen is given: the open project, who is coding, and the project's settings.

Screens receive this from the app when they are pushed instead of reaching up to the app, so
no screen imports :mod:`coder.tui.app` and a screen can be built on its own in a test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coder.db.engine import Store
    from coder.domain.project import Settings


@dataclass(frozen=True)
class ScreenContext:
    """One coder's session on one project, as every screen sees it."""

    store: Store
    coder: str
    settings: Settings
    #: Code ids that take the first number keys on the coding screen.
    pinned: tuple[int, ...] = ()

    @property
    def project_name(self) -> str:
        """The project's name, as the titles show it."""
        return self.settings.name
