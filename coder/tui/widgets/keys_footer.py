"""A footer that redraws only when the keys it shows change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeysFooter(Footer):
    """Textual's footer, rebuilt only when the bindings it shows change.

    The footer rebuilds all its keys whenever the screen's bindings are recomputed (mount,
    every focus change), and each rebuilt key restyles itself twice: on opening a document
    that was the largest cost of the first paint. Focus moving between the text and the
    codebook does not change what this screen's footer shows.
    """

    _shown: tuple[tuple[object, ...], ...] | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        shown = tuple(
            (binding.key, binding.description, binding.action, enabled, tooltip)
            for (_, binding, enabled, tooltip) in screen.active_bindings.values()
            if binding.show
        )
        if shown == self._shown:
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = shown  # the footer rebuilds from exactly these
        super().bindings_changed(screen)
