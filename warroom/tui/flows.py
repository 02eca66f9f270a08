"""The dialogs' flows: every change an operator asks for from the screen, as a conversation.

A flow asks what it needs (a status, a reason, a confirmation), then records one event through
``Actions``; it never changes the screen itself: the screen changes when the journal follower
delivers the event, as for another operator's (``WarRoomApp.on_journal_events_arrived``). Flows
that open dialogs run as workers in the group "dialog", so keys typed ahead wait for the dialog
(see ``typeahead``). Mixed into the App, which holds ``room``, ``actions`` and ``read_only``.
"""

from __future__ import annotations

import asyncio
import threading
from time import monotonic
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable

from pathlib import Path

from rich.text import Text
from textual import work

from warroom.errors import ActionError
from warroom.model import Status
from warroom.tmarks import format_tmark, parse_duration
from warroom.tui.widgets.text import inline_markdown, local_time, zone_of

if TYPE_CHECKING:
    from warroom.tui.widgets.checklist import ChecklistPane


def _dialogs() -> ModuleType:
    """The confirm / prompt / choice dialogs, imported on first use: start-up does not pay for them."""
    from warroom.tui.screens import dialogs

    return dialogs


def _in_thread(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> "asyncio.Future[Any]":
    """``fn`` run in a daemon thread: quitting never waits for a database that stopped answering
    (a write cut off by the exit was never acknowledged, and is either committed or not at all)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()

    def settle(ok: bool, value: Any) -> None:
        if not future.done():
            (future.set_result if ok else future.set_exception)(value)

    def run() -> None:
        try:
            outcome = (True, fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting flow as it is
            outcome = (False, exc)
        try:
            loop.call_soon_threadsafe(settle, *outcome)
        except RuntimeError:  # the app has gone meanwhile
            pass

    threading.Thread(target=run, name="warroom-write", daemon=True).start()
    return future


DECISIONS = [("", "GO", "GO"), ("", "NO-GO (asks why)", "NO-GO")]  # 1 GO, 2 NO-GO: never n, which is "no"


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

    _writing = False  # a write to a journal database is on its way (one at a time)

    def _on_database(self) -> bool:
        journal = getattr(self, "journal", None)
        return journal is not None and getattr(journal, "path", True) is None

    async def write(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
        """``record`` for a flow: a file journal is appended to at once; a database journal in a
        thread, so that a database that has just gone away (its refusal may take seconds) never
        holds the screen. Keys go on working meanwhile; another change waits for this one's
        answer (it is refused, with a word, while this one is on its way). Nothing is shown as
        recorded before the database committed it: the screen changes when the follower
        delivers the event."""
        if not self._on_database():
            return self.record(fn, *args, **kwargs)
        if self._writing:
            self.notify("still writing the last change to the journal database…", severity="warning", timeout=3)
            return False
        assert self.room is not None
        self._writing = True
        try:
            task = asyncio.ensure_future(_in_thread(fn, self.room.state, *args, **kwargs))
            done, _ = await asyncio.wait({task}, timeout=0.3)
            if not done:
                self.notify("writing to the journal database…", timeout=3)
            await task
        except ActionError as exc:
            self.notify(str(exc), severity="error", timeout=6)
            return False
        finally:
            self._writing = False
        self.poll_journal()
        return True

    def write_soon(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """``write`` when nothing waits for its answer: a database write runs as a worker of its
        own (keys typed meanwhile are not held for it, as they are for a dialog flow's)."""
        if self._on_database():
            self.run_worker(self.write(fn, *args, **kwargs), group="write")
        else:
            self.record(fn, *args, **kwargs)

    def tick_item(self, item_id: str) -> None:
        if self._can_write():
            self.write_soon(self.actions.toggle, item_id)  # type: ignore[union-attr]

    @work(group="dialog")
    async def set_item_status(self, item_id: str) -> None:
        if not self._can_write():
            return
        room = self.room
        item = room.ws.items[item_id]
        current = room.state.items[item_id].status
        options = [("t", "○ todo", Status.TODO), ("i", "~ in progress", Status.IN_PROGRESS), ("d", "✓ done", Status.DONE),
                   ("b", "✗ blocked (asks why)", Status.BLOCKED), ("s", "– skipped (asks why)", Status.SKIPPED)]
        status = await self.push_screen_wait(_dialogs().ChoiceScreen(Text.assemble("Status of: ", inline_markdown(item.text)), options,
                                                          [o[2] for o in options].index(current)))
        if status is None:
            return
        reason = ""
        if status.needs_reason:
            reason = await self.push_screen_wait(_dialogs().PromptScreen(f"Why is it {status.value}?", "the reason, for the journal"))
            if reason is None:
                return
        self.write_soon(self.actions.set_status, item_id, status, reason)

    @work(group="dialog")
    async def note_item(self, item_id: str) -> None:
        if not self._can_write():
            return
        text = await self.push_screen_wait(_dialogs().PromptScreen(
            Text.assemble("Note on: ", inline_markdown(self.room.ws.items[item_id].text)), "what happened"))
        if text:
            self.write_soon(self.actions.note, item_id, text)

    def show_details(self, item_id: str) -> None:
        from warroom.tui.screens.details import DetailsScreen

        if self.room is not None:
            self.push_screen(DetailsScreen(self.room, item_id))

    def show_section_details(self, section_id: str) -> bool:
        """A section's description in full; False (nothing shown) when it has none."""
        from warroom.tui.screens.details import SectionDetailsScreen

        if self.room is None or not self.room.ws.sections[section_id].prose:
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
            options = [("", c.code.strip().splitlines()[0][:60], c) for c in commands]
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
        if reason and await self.push_screen_wait(_dialogs().ConfirmScreen(
                f"HOLD the count at {self._clock_text()}?", Text.assemble(reason, "\n", self._stale_warning()))):
            self.write_soon(self.actions.hold, reason)

    def _stale_warning(self) -> Text:
        """What a hold does to the GOs given so far: they go stale and must be given again."""
        goes = [rv.name for rv in self.room.decision().roles if rv.state == "GO"] if self.room else []
        if not goes:
            return Text("No GO has been given: none goes stale.", style="dim")
        n = len(goes)
        return Text(f"{n} GO{'s' if n > 1 else ''} will become stale ({', '.join(goes)}): "
                    f"{'they' if n > 1 else 'it'} must be given again.", style="bold yellow")

    @work(group="dialog")
    async def action_resume(self) -> None:
        """Resume: confirmed with y. At or past T-0 without a GO it needs an override reason."""
        if not self._can_write():
            return
        room = self.room
        cd = room.state.countdown
        if not cd.holding:
            self.write_soon(self.actions.resume)  # says why not
            return
        verdict = room.decision().verdict
        override = ""
        if cd.held_at is not None and cd.held_at.total_seconds() >= 0 and verdict != "GO":
            override = await self.push_screen_wait(_dialogs().PromptScreen(
                f"The decision is {verdict}: resume past T-0 anyway? Why?",
                "the reason the count goes on without a GO (recorded)",
                hint="an override: its reason is journaled and shown · enter accepts · escape cancels"))
            if not override:
                return
        question = f"RESUME the count from {self._clock_text()}?" + (" (override: no GO)" if override else "")
        if await self.push_screen_wait(_dialogs().ConfirmScreen(question, override)):
            self.write_soon(self.actions.resume, override, verdict=verdict)

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
            self.write_soon(self.actions.recycle, mark, reason)

    @work(group="dialog")
    async def action_scrub(self) -> None:
        if not self._can_write():
            return
        reason = await self.push_screen_wait(_dialogs().PromptScreen("SCRUB the launch: why?", "the reason"))
        if reason and await self.push_screen_wait(_dialogs().TypedWordScreen(
                "SCRUB this launch attempt? A new T-0 starts the next one.", "scrub", reason)):
            self.write_soon(self.actions.scrub, reason)

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
            self.write_soon(self.actions.set_t0, when)

    @work(group="dialog")
    async def action_sign(self) -> None:
        if not self._can_write():
            return
        room = self.room
        roles = room.ws.layout.roles_in_poll_order()
        if not roles:
            self.notify("this layout has no sign-off roles", severity="warning")
            return
        options = [("", f"{r.name}" + (f" ({r.person})" if r.person else ""), r.name) for r in roles]
        role = await self.push_screen_wait(_dialogs().ChoiceScreen("Sign as which role?", options))
        if role is None:
            return
        decision = await self.push_screen_wait(_dialogs().ChoiceScreen(f"{role}: your decision?", DECISIONS))
        if decision is None:
            return
        comment = await self._ask_comment(role, decision)
        if comment is None:
            return
        if await self.push_screen_wait(_dialogs().ConfirmScreen(f"Sign {role}: {decision}?", comment)):
            self.write_soon(self.actions.sign, role, decision, comment)

    @work(group="dialog")
    async def action_assess(self) -> None:
        """Assess by hand: a go/no-go criterion pass or fail with the value seen (checked against a
        numeric threshold), or a rollback trigger fired or not fired. Tile-bound ones read their tile."""
        if not self._can_write():
            return
        room = self.room
        manual = [c for c in room.ws.layout.criteria if not c.tile]
        if not manual:
            self.notify("this layout has no criteria assessed by hand (tile-bound ones read their tiles)", severity="warning")
            return
        views = {v.criterion.id: v for v in room.decision().criteria}
        options = []
        for c in manual:
            state = views[c.id].state if c.id in views else "unknown"
            mark = {"pass": "✓", "fail": "✗"}.get(state, "?")
            kind = "rollback trigger" if c.kind == "rollback" else ("go/no-go" if c.required else "go/no-go, optional")
            options.append(("", f"{mark} {c.name}" + (f" ({c.threshold})" if c.threshold else "") + f" — {kind}", c.id))
        cid = await self.push_screen_wait(_dialogs().ChoiceScreen("Assess which criterion or trigger?", options))
        if cid is None:
            return
        crit = room.ws.criterion(cid)
        results = ([("f", "⚠ fired: roll back", "fired"), ("c", "· not fired: all clear", "not-fired")] if crit.kind == "rollback"
                   else [("p", "✓ pass", "pass"), ("f", "✗ fail", "fail")])
        result = await self.push_screen_wait(_dialogs().ChoiceScreen(f"{crit.name}: result?", results))
        if result is None:
            return
        value = await self.push_screen_wait(_dialogs().PromptScreen(
            f"{crit.name}: the value seen" + (f" (threshold {crit.threshold})" if crit.threshold else ""),
            "e.g. 320ms — optional", required=False))
        if value is None:
            return
        from warroom.actions import threshold_contradiction

        override = ""
        contradiction = threshold_contradiction(crit.threshold, value, result)
        if contradiction:
            override = await self.push_screen_wait(_dialogs().PromptScreen(
                f"Refused: {contradiction}. Record the PASS anyway? Why?", "the reason it passes anyway (recorded)",
                hint="an override: its reason is journaled and shown · escape cancels, nothing recorded"))
            if not override:
                return
        words = {"not-fired": "NOT FIRED"}.get(result, result.upper())
        detail = (value or "no value: unverified" if result == "pass" else value) + (f"\noverride: {override}" if override else "")
        if await self.push_screen_wait(_dialogs().ConfirmScreen(f"Record {crit.name}: {words}?", detail)):
            self.write_soon(self.actions.assess, cid, result, value, "", override)

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
            if not await self.write(self.actions.poll_start):
                return
        from warroom.tui.screens.poll import PollScreen

        self.push_screen(PollScreen(room))

    async def _ask_comment(self, role: str, decision: str) -> str | None:
        """The comment for a role's answer: its signed comment kept when the answer is the same
        (enter keeps it), required for a NO-GO. None when cancelled."""
        signed = self.room.state.signoffs.get(role) if self.room else None
        kept = signed.comment if signed is not None and signed.decision == decision else ""
        return await self.push_screen_wait(_dialogs().PromptScreen(
            f"{role} {decision}: comment" + (" (required: why NO-GO?)" if decision == "NO-GO" else ""),
            "comment", value=kept, required=decision == "NO-GO",
            hint=("enter keeps the signed comment · " if kept else "enter accepts · ") + "escape cancels"))

    poll_answered: tuple[int, str] | None = None  # (poll, role) of the last answer recorded here
    _answering = False

    @work(group="dialog")
    async def answer_poll(self, decision: str) -> None:
        """One poll answer: the comment kept or asked, then confirmed with y, for the role that
        was asked when the answer was picked. Keys typed before the next role's question is
        drawn are dropped (``fence_keys``), so they can never answer it."""
        if not self._can_write() or self._answering:
            return
        poll = self.room.state.poll
        if poll is None or poll.current_role is None:
            self.notify("no poll in progress", severity="warning")
            return
        role = poll.current_role
        if self.poll_answered == (poll.seq, role):
            return  # recorded; the screen has not caught up yet
        self._answering = True
        try:
            comment = await self._ask_comment(role, decision)
            if comment is None:
                return
            if not await self.push_screen_wait(_dialogs().ConfirmScreen(f"Poll: {role} is {decision}?", comment)):
                return
            if await self.write(self.actions.poll_answer, decision, comment, role):
                self.poll_answered = (poll.seq, role)
                self.fence_keys("the next role's question")
        finally:
            self._answering = False

    @work(group="dialog")
    async def cancel_poll(self) -> None:
        if not self._can_write():
            return
        if self.room.state.poll is None:
            self.notify("no poll in progress", severity="warning")
            return
        if await self.push_screen_wait(_dialogs().ConfirmScreen("Cancel the poll? Answers given so far stay recorded as sign-offs.")):
            self.write_soon(self.actions.poll_cancel, "cancelled from the war room")

    @work(group="dialog")
    async def action_export(self) -> None:
        """Write the launch as Markdown (what ``warroom export`` prints) to a file; reading only."""
        if self.room is None:
            return
        room = self.room
        default = self.layout_path.with_name(f"{self.layout_path.stem}-export.md")
        path = await self.push_screen_wait(_dialogs().PromptScreen(
            "Export the launch as Markdown to", "a file path", value=str(default)))
        if not path:
            return
        from warroom.export import export_markdown

        try:
            Path(path).expanduser().write_text(export_markdown(room.ws, room.state, self.now()), encoding="utf-8")
        except OSError as exc:
            self.notify(f"cannot write {path}: {exc.strerror or exc}", severity="error", timeout=8)
            return
        self.notify(f"exported to {path}", timeout=4)

    def action_tiles(self) -> None:
        """The tiles flow (issue 17): add / edit a tile with a live preview, enable, bind a criterion."""
        if not self._can_write():
            return
        if getattr(self, "mode", "operator") == "visitor":
            self.notify("a browser visitor's screen never edits the layout", severity="warning", timeout=4)
            return
        from warroom.tui.screens.tiles_flow import TilesFlowScreen

        if not isinstance(self.screen, TilesFlowScreen):
            self.push_screen(TilesFlowScreen(self.layout_path, self.operator, self.journal_where))

    def action_why(self) -> None:
        from warroom.tui.screens.why import WhyScreen

        if self.room is not None and not isinstance(self.screen, WhyScreen):
            self.push_screen(WhyScreen(self.room))

    def action_help(self) -> None:
        from warroom.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())
