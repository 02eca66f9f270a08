"""The journal pane: every event as one line, newest at the bottom."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import RichLog

from warroom.events import Event, format_account
from warroom.textsafe import one_line
from warroom.tui.safety import plain
from warroom.tui.widgets.text import local_time, zone_of

MAX_LINES = 500


class JournalPane(RichLog):
    def __init__(self, title: str = "", **kwargs) -> None:  # noqa: ANN003
        super().__init__(classes="pane", max_lines=MAX_LINES, wrap=False, markup=False, auto_scroll=True, **kwargs)
        self.border_title = plain(title or "Journal")

    @property
    def focus_target(self) -> "JournalPane":
        return self

    def add_events(self, events: list[Event], timezone_name: str) -> None:
        zone = zone_of(timezone_name)
        for ev in events[-MAX_LINES:]:
            line = Text()
            line.append(f"{ev.seq:>4} {local_time(ev.ts, zone, seconds=True)} ", style="dim")
            line.append(one_line(ev.op.split(' (ssh', 1)[0]), style="cyan")
            if ev.acct:  # the real account beside the claimed name
                line.append(f" [{format_account(ev.acct)}]", style="dim")
            line.append(": ", style="cyan")
            line.append(one_line(ev.describe().replace(chr(10), " ↵ ")))
            self.write(line)
