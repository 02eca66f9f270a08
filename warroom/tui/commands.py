"""Command palette provider: every war-room action by name (ctrl+p, `:` or F2)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class WarRoomCommands(Provider):
    def _commands(self):  # noqa: ANN202
        getter = getattr(self.app, "palette_commands", None)
        return getter() if getter else []

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(callback), help=help_text)
