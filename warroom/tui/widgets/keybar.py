"""The key bar at the foot of the screen: the keys that work here and now, on one line.

One widget drawing one line of text, where Textual's ``Footer`` mounts a widget per key and
rebuilds them all whenever the focus moves. It leaves out the keys of ``hide`` (the keys that
write, on a read-only wall screen), and it fits the width it has: the gaps narrow first, then
keys drop from the end of the list, but help (where every key is listed) and quit always stay.
A click on a key presses it.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widget import Widget

from warroom.tui.keys import ACTIONS, REPLAY_WORDS, action_name

KEEP = frozenset({"help", "quit", "stop_run", "hide_run"})  # never dropped to fit (the run keys show only with the run pane)
# A focused pane's own keys come first on the bar, also those kept off it elsewhere (a, w).
PANE_GROUPS = {"SignoffPane": "Sign-off", "TimelinePane": "Clock"}
_GROUP_OF = {a.name: a.group for a in ACTIONS}
_SHOWN = {a.name: a.shown for a in ACTIONS if a.shown}  # a leading action's keys as help writes them
LEAD_WORDS = REPLAY_WORDS


class KeyBar(Widget):
    COMPONENT_CLASSES = {"keybar--key", "keybar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        .keybar--key { color: $footer-key-foreground; text-style: bold; }
        .keybar--description { color: $footer-description-foreground; }
    }
    """

    def __init__(self, hide: frozenset[str] = frozenset(), lead: tuple[str, ...] = (), **kwargs) -> None:  # noqa: ANN003
        """``hide``: actions left off; ``lead``: actions shown first even when the table keeps
        them off the bar (a replay's step, jump, play and speed keys)."""
        super().__init__(**kwargs)
        self.hide = hide
        self.lead = lead
        self._spans: list[tuple[int, int, str]] = []  # (start, end, key) of each key drawn, for clicks
        self._keys: list[tuple[str, str, str, str]] | None = None  # until the bindings change

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, _screen: object) -> None:
        self._keys = None
        self.refresh()

    def keys(self) -> list[tuple[str, str, str, str]]:
        """(key, as shown, description, action) for each action the bar may show, in binding
        order; an action bound to several keys shows its first."""
        seen: set[str] = set()
        out, first = [], []
        lead: dict[str, tuple[str, str, str, str]] = {}
        group = self._pane_group()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            name = action_name(binding.action)
            ours = group is not None and _GROUP_OF.get(name) == group
            if name in self.lead and active.enabled and name not in lead:
                lead[name] = (binding.key, _SHOWN.get(name) or self.app.get_key_display(binding), LEAD_WORDS.get(name, binding.description), name)
                continue
            if not (binding.show or ours) or not active.enabled or name in self.hide or binding.action in seen:
                continue
            seen.add(binding.action)
            (first if ours else out).append((binding.key, self.app.get_key_display(binding), binding.description, name))
        return [lead[n] for n in self.lead if n in lead] + first + out

    def _pane_group(self) -> str | None:
        node = self.screen.focused
        while node is not None:
            group = PANE_GROUPS.get(type(node).__name__)
            if group is not None:
                return group
            node = node.parent
        return None

    def render(self) -> Text:
        if self._keys is None:
            self._keys = self.keys()
        keys = self._keys
        kept = [k for k in keys if k[3] in KEEP]
        rest = [k for k in keys if k[3] not in KEEP]
        width = self.size.width
        gap = 2 if _width(keys, 2) <= width else 1
        shown = list(rest)
        while shown and _width(shown + kept, gap) > width:
            shown.pop()  # the last of the rest: the keys come most used first
        key_style = self.get_component_rich_style("keybar--key")
        desc_style = self.get_component_rich_style("keybar--description")
        text = Text(" ", no_wrap=True, overflow="crop")
        self._spans = []
        for i, (key, key_display, description, _) in enumerate(shown + kept):
            if i:
                text.append(" " * gap)
            start = text.cell_len
            text.append(key_display, style=key_style)
            if description:
                text.append(" " + description, style=desc_style)
            self._spans.append((start, text.cell_len, key))
        return text

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return


def _width(keys: list[tuple[str, str, str, str]], gap: int) -> int:
    """Cells of the bar's line for these keys: a leading space, each key and description, gaps."""
    return 1 + sum(cell_len(k[1]) + (1 + cell_len(k[2]) if k[2] else 0) for k in keys) + gap * max(0, len(keys) - 1)
