"""The dialogs' flows: every change an operator asks for from the screen, as a conversation.

A flow asks what it needs (a status, a reason, a confirmation), then records one event through
``Actions``; it never changes the screen itself: the screen changes when the journal follower
delivers the event, as for another operator's (``WarRoomApp.on_journal_events_arrived``). Flows
that open dialogs run as workers in the group "dialog", so keys typed ahead wait for the dialog
(see ``typeahead``). Mixed into the App, which holds ``room``, ``actions`` and ``read_only``.
"""

from __future__ import annotations

from time import monotonic
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable

from textual import work

from warroom.errors import ActionError
from warroom.model import Status
from warroom.tmarks import format_tmark, parse_duration
from warroom.tui.widgets.text import local_time, zone_of

if TYPE_CHECKING:
    from warroom.tui.widgets.checklist import ChecklistPane


def _dialogs() -> ModuleType:
    """The confirm / prompt / choice dialogs, imported on first use: start-up does not pay for them."""
    from warroom.tui.screens import dialogs

    return dialogs


class Flows:
    """The write (and look-up) dialogs of the war room, mixed into ``WarRoomApp``."""

    room: Any
    actions: Any
    read_only: bool
    _read_only_told_at: float = -1e9

    def _can_write(self) -> bool:
        if self.room is None or self.actions is None:
            self.notify("still loading", severity="warning", timeout=2)
            return False
        if self.read_only:
            now = monotonic()
            if now - self._read_only_told_at > 3:  # one notice at a time, not a stack of them
                self._read_only_told_at = now
                self.notify("read-only: this screen cannot change anything", severity="warning", timeout=3)
            return False
        return True

    def record(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
        assert self.room is not None
        try:
            fn(self.room.state, *args, **kwargs)
        except ActionError as exc:
            self.notify(str(exc), severity="error", timeout=6)
            return False
        self.poll_journal()
        return True

    def tick_item(self, item_id: str) -> None:
        if self._can_write():
            self.record(self.actions.toggle, item_id)  # type: ignore[union-attr]

    @work(group="dialog")
    async def set_item_status(self, item_id: str) -> None:
        if not self._can_write():
            return
        room = self.room
        item = room.ws.items[item_id]
        current = room.state.items[item_id].status
        options = [("t", "○ todo", Status.TODO), ("i", "~ in progress", Status.IN_PROGRESS), ("d", "✓ done", Status.DONE),
                   ("b", "✗ blocked (asks why)", Status.BLOCKED), ("k", "– skipped (asks why)", Status.SKIPPED)]
        status = await self.push_screen_wait(_dialogs().ChoiceScreen(f"Status of: {item.text}", options,
                                                          [o[2] for o in options].index(current)))
        if status is None:
            return
        reason = ""
        if status.needs_reason:
            reason = await self.push_screen_wait(_dialogs().PromptScreen(f"Why is it {status.value}?", "the reason, for the journal"))
            if reason is None:
                return
        self.record(self.actions.set_status, item_id, status, reason)

    @work(group="dialog")
    async def note_item(self, item_id: str) -> None:
        if not self._can_write():
            return
        text = await self.push_screen_wait(_dialogs().PromptScreen(f"Note on: {self.room.ws.items[item_id].text}", "what happened"))
        if text:
            self.record(self.actions.note, item_id, text)

    def show_details(self, item_id: str) -> None:
        from warroom.tui.screens.details import DetailsScreen

        if self.room is not None:
            self.push_screen(DetailsScreen(self.room, item_id))

    def show_section_details(self, section_id: str) -> bool:
        """A section's description in full; False (nothing shown) when it has none."""
        from warroom.tui.screens.details import SectionDetailsScreen

        if self.room is None or not self.room.ws.sections[section_id].description.strip():
            return False
        self.push_screen(SectionDetailsScreen(self.room, section_id))
        return True

    @work(group="dialog")
    async def copy_command(self, item_id: str) -> None:
        if self.room is None:
            return
        await self._copy_one(self.room.ws.items[item_id].commands, "this item has no command to copy", "command")

    @work(group="dialog")
    async def copy_section_code(self, section_id: str) -> None:
        from warroom.tui.screens.details import section_commands

        if self.room is None:
            return
        await self._copy_one(section_commands(self.room.ws.sections[section_id]),
                             "this section's description has no code block to copy", "code block")

    async def _copy_one(self, commands: list, nothing: str, what: str) -> None:  # noqa: ANN001
        if not commands:
            self.notify(nothing, severity="warning", timeout=3)
            return
        cmd = commands[0]
        if len(commands) > 1:
            options = [(str(i + 1), c.code.strip().splitlines()[0][:60], c) for i, c in enumerate(commands[:9])]
            cmd = await self.push_screen_wait(_dialogs().ChoiceScreen(f"Copy which {what}?", options))
            if cmd is None:
                return
        self.copy_to_clipboard(cmd.code.rstrip("\n"))
        self.notify(f"copied: {cmd.code.strip().splitlines()[0][:50]} (OSC 52)", timeout=3)

    @work(group="dialog")
    async def ask_filter(self, pane: ChecklistPane) -> None:
        from warroom.tui.screens.filter import FilterScreen

        result = await self.push_screen_wait(FilterScreen(pane.filter_text, pane.quick))
        if result is not None:
            pane.set_filter(*result)

    def _clock_text(self) -> str:
        t = self.room.t() if self.room else None
        return "no T-0" if t is None else format_tmark(t)

    @work(group="dialog")
    async def action_hold(self) -> None:
        if not self._can_write():
            return
        reason = await self.push_screen_wait(_dialogs().PromptScreen("Hold the count: why?", "the reason, for everyone"))
        if reason and await self.push_screen_wait(_dialogs().ConfirmScreen(f"HOLD the count at {self._clock_text()}?", reason)):
            self.record(self.actions.hold, reason)

    def action_resume(self) -> None:
        if self._can_write():
            self.record(self.actions.resume)

    @work(group="dialog")
    async def action_recycle(self) -> None:
        if not self._can_write():
            return
        room = self.room
        t = room.t()
        default = ""
        if t is not None:
            from warroom.countdown import phase_index

            idx = phase_index(room.ws.layout.phases, t)
            if idx >= 0:
                default = room.ws.layout.phases[idx].label
        mark = await self.push_screen_wait(_dialogs().PromptScreen("Recycle the count to which T-mark?", "e.g. T-30m", value=default))
        if not mark:
            return
        reason = await self.push_screen_wait(_dialogs().PromptScreen("Why recycle?", "the reason", required=False))
        if reason is None:
            return
        if await self.push_screen_wait(_dialogs().ConfirmScreen(f"RECYCLE the count to {mark}? It holds there until resumed.", reason)):
            self.record(self.actions.recycle, mark, reason)

    @work(group="dialog")
    async def action_scrub(self) -> None:
        if not self._can_write():
            return
        reason = await self.push_screen_wait(_dialogs().PromptScreen("SCRUB the launch: why?", "the reason"))
        if reason and await self.push_screen_wait(_dialogs().ConfirmScreen("SCRUB this launch attempt? A new T-0 starts the next one.", reason)):
            self.record(self.actions.scrub, reason)

    @work(group="dialog")
    async def action_set_t0(self) -> None:
        if not self._can_write():
            return
        text = await self.push_screen_wait(_dialogs().PromptScreen(
            "Set T-0", "90m (from now) or 2026-11-23T16:00:00+01:00",
            hint="a delay from now (90m, 2h) or an ISO time with a zone; escape cancels"))
        if not text:
            return
        when: Any = text
        try:
            when = self.now() + parse_duration(text)
        except ValueError:
            pass
        shown = when if isinstance(when, str) else f"{local_time(when, zone_of(self.room.ws.layout.timezone), True)} {self.room.ws.layout.timezone}"
        if await self.push_screen_wait(_dialogs().ConfirmScreen(f"Set T-0 to {shown}?", "Everyone's clock moves with it.")):
            self.record(self.actions.set_t0, when)

    @work(group="dialog")
    async def action_sign(self) -> None:
        if not self._can_write():
            return
        room = self.room
        roles = room.ws.layout.roles_in_poll_order()
        if not roles:
            self.notify("this layout has no sign-off roles", severity="warning")
            return
        options = [(str(i + 1) if i < 9 else "", f"{r.name}" + (f" ({r.person})" if r.person else ""), r.name) for i, r in enumerate(roles)]
        role = await self.push_screen_wait(_dialogs().ChoiceScreen("Sign as which role?", options))
        if role is None:
            return
        decision = await self.push_screen_wait(_dialogs().ChoiceScreen(f"{role}: your decision?", [("g", "GO", "GO"), ("n", "NO-GO", "NO-GO")]))
        if decision is None:
            return
        comment = await self.push_screen_wait(_dialogs().PromptScreen(
            f"{role} {decision}: comment" + (" (required: why NO-GO?)" if decision == "NO-GO" else ""),
            "comment", required=decision == "NO-GO"))
        if comment is None:
            return
        if await self.push_screen_wait(_dialogs().ConfirmScreen(f"Sign {role}: {decision}?", comment)):
            self.record(self.actions.sign, role, decision, comment)

    @work(group="dialog")
    async def action_assess(self) -> None:
        """Record a manual go/no-go criterion as pass or fail (tile-bound ones read their tile)."""
        if not self._can_write():
            return
        room = self.room
        manual = [c for c in room.ws.layout.criteria if c.kind == "go" and not c.tile]
        if not manual:
            self.notify("this layout has no criteria assessed by hand (tile-bound ones read their tiles)", severity="warning")
            return
        views = {v.criterion.id: v for v in room.decision().criteria}
        options = []
        for i, c in enumerate(manual):
            state = views[c.id].state if c.id in views else "unknown"
            mark = {"pass": "✓", "fail": "✗"}.get(state, "?")
            label = f"{mark} {c.name}" + (f" ({c.threshold})" if c.threshold else "") + ("" if c.required else " — optional")
            options.append((str(i + 1) if i < 9 else "", label, c.id))
        cid = await self.push_screen_wait(_dialogs().ChoiceScreen("Assess which criterion?", options))
        if cid is None:
            return
        crit = room.ws.criterion(cid)
        result = await self.push_screen_wait(_dialogs().ChoiceScreen(f"{crit.name}: result?", [("p", "✓ pass", "pass"), ("f", "✗ fail", "fail")]))
        if result is None:
            return
        value = await self.push_screen_wait(_dialogs().PromptScreen(
            f"{crit.name}: the value seen" + (f" (threshold {crit.threshold})" if crit.threshold else ""),
            "e.g. 99.9% — optional", required=False))
        if value is None:
            return
        if await self.push_screen_wait(_dialogs().ConfirmScreen(f"Record {crit.name}: {result.upper()}?", value)):
            self.record(self.actions.assess, cid, result, value)

    @work(group="dialog")
    async def action_poll(self) -> None:
        if not self._can_write():
            return
        room = self.room
        if room.state.poll is None:
            roles = [r.name for r in room.ws.layout.roles_in_poll_order()]
            if not roles:
                self.notify("this layout has no sign-off roles to poll", severity="warning")
                return
            if not await self.push_screen_wait(_dialogs().ConfirmScreen("Start a go/no-go poll?", " → ".join(roles))):
                return
            if not self.record(self.actions.poll_start):
                return
        from warroom.tui.screens.poll import PollScreen

        self.push_screen(PollScreen(room))

    @work(group="dialog")
    async def answer_poll(self, decision: str) -> None:
        if not self._can_write():
            return
        room = self.room
        poll = room.state.poll
        if poll is None:
            self.notify("no poll in progress", severity="warning")
            return
        comment = ""
        if decision == "NO-GO":
            comment = await self.push_screen_wait(_dialogs().PromptScreen(f"{poll.current_role} is NO-GO: why?", "the reason"))
            if not comment:
                return
        self.record(self.actions.poll_answer, decision, comment)

    @work(group="dialog")
    async def cancel_poll(self) -> None:
        if not self._can_write():
            return
        if self.room.state.poll is None:
            self.notify("no poll in progress", severity="warning")
            return
        if await self.push_screen_wait(_dialogs().ConfirmScreen("Cancel the poll? Answers given so far stay recorded as sign-offs.")):
            self.record(self.actions.poll_cancel, "cancelled from the war room")

    def action_tiles(self) -> None:
        """The tiles flow (issue 17): add / edit a tile with a live preview, enable, bind a criterion."""
        if not self._can_write():
            return
        if getattr(self, "mode", "operator") == "visitor":
            self.notify("a browser visitor's screen never edits the layout", severity="warning", timeout=4)
            return
        from warroom.tui.screens.tiles_flow import TilesFlowScreen

        if not isinstance(self.screen, TilesFlowScreen):
            self.push_screen(TilesFlowScreen(self.layout_path, self.operator, self.journal_path))

    def action_why(self) -> None:
        from warroom.tui.screens.why import WhyScreen

        if self.room is not None and not isinstance(self.screen, WhyScreen):
            self.push_screen(WhyScreen(self.room))

    def action_help(self) -> None:
        from warroom.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())
