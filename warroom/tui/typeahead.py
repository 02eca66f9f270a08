"""Type-ahead: keys typed while a dialog is on its way go to that dialog, not the screen behind.

Over a slow SSH link keys arrive bunched: ``n`` and the first letters of the note in one
packet. The dialog opens a few milliseconds after its key (dialog flows run as workers in the
group "dialog"), so without care those letters reach the checklist and tick or untick items.

So when a key whose binding opens a dialog is pressed, the keys after it are held back until
the new screen is ready for input (its focus is set), and replayed there in order. They are
also held between two dialogs of one flow (a reason, then a confirmation). If no dialog comes
(the action refused, say), they are replayed to the screen they were typed at. A dialog screen
names its own keys that open a further dialog in ``DIALOG_ACTIONS`` (the tiles list's ``a``
opens the tile editor) and runs those flows as workers in the group "dialog" too.

A key that moves the focus (``tab``, ``shift+tab``) is handled by the screen after it has gone
through the focused input, so the keys after it are held until it is handled: otherwise they
would be sent to the field the focus is leaving (``name<tab>url`` typed fast in a form would all
land in the name).

An ``enter`` is held the same way: it submits a field through a binding that runs only once the
key has bubbled from the field up to the app, so a key typed right after it would reach the field
first (``enter y`` in a prompt showing a kept comment typed the ``y`` into the comment). The keys
after it wait until every widget has handled it; the dialog it closes is gone, and the next one
takes them.

A question that records a decision (the poll's next role) raises a fence (``fence_keys``): keys
typed before it was drawn are dropped, not replayed, and the screen says how many. Typed-ahead
keys may fill in a dialog; they may never answer a question nobody has seen.
"""

from __future__ import annotations

from time import monotonic
from typing import Any

from textual import _time, events
from textual.app import ScreenStackError
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from warroom.tui.keys import DIALOGS, action_name

DIALOG_GROUP = "dialog"
# From the one actions table, and the poll screen's answer keys (each opens the answer's dialogs).
DIALOG_ACTIONS = DIALOGS | {"poll_answer", "cancel_poll"}
FOCUS_ACTIONS = frozenset({"focus_next", "focus_previous"})
_CHECK_EVERY = 0.01  # seconds between checks while keys are held
_NO_DIALOG_AFTER = 0.3  # a dialog key that opened nothing by then opens nothing
_HOLD_AT_MOST = 5.0  # never hold keys longer than this, whatever happens


def escape_then_key(event: events.Key) -> tuple[events.Key, events.Key] | None:
    """``alt+q`` as Escape then ``q``: a terminal sends both as the same bytes, and in a war room
    Escape-then-key (close the dialog, then act) is what a person does; nothing is bound to alt."""
    char = event.character or ""
    if not event.key.startswith("alt+") or len(char) != 1 or not char.isprintable():
        return None
    escape, key = events.Key("escape", "\x1b"), events.Key(char, char)
    escape.time = key.time = event.time
    return escape, key


class TypeAheadMixin:
    """Mix into an ``App`` (before ``App``) whose dialog flows are workers in group "dialog"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._dialog_workers: dict[Worker, int] = {}  # a flow's worker -> the screen depth it started at
        self._held_keys: list[events.Key] = []
        self._focus_moving = False  # a focus-moving key was sent and may not be handled yet
        self._submitting = False  # an enter was sent and may not be handled yet
        self._expecting: tuple[float, int] | None = None  # (when, screen stack depth) of a dialog key
        self._hold_timer: Timer | None = None
        self._held_since = 0.0
        self._fence = 0.0  # keys made before this (monotonic, as Message.time) are dropped
        self._fenced = ""  # what the last fence was for, until a dropped key is told

    def fence_keys(self, what: str) -> int:
        """Drop every key typed before now, held or on its way; returns how many were held."""
        self._fence, self._fenced = _time.get_time(), what
        dropped = len(self._held_keys)
        self._held_keys.clear()
        if dropped:
            self._tell_dropped()
        return dropped

    def _tell_dropped(self) -> None:
        if self._fenced:  # once per fence
            self.notify(f"keys typed before {self._fenced} was shown were dropped", severity="warning", timeout=4)  # type: ignore[attr-defined]
            self._fenced = ""

    def run_worker(self, work: Any, name: str | None = "", group: str = "default", **kwargs: Any) -> Worker:
        worker = super().run_worker(work, name=name, group=group, **kwargs)  # type: ignore[misc]
        if group == DIALOG_GROUP:
            self._dialog_workers[worker] = len(self.screen_stack)  # type: ignore[attr-defined]
        return worker

    async def run_action(self, action: Any, *args: Any, **kwargs: Any) -> bool:
        result = await super().run_action(action, *args, **kwargs)  # type: ignore[misc]
        self._sync_dialog_workers()
        if self._expecting is not None and not self._dialog_workers and len(self.screen_stack) <= self._expecting[1]:  # type: ignore[attr-defined]
            self._expecting = None  # the action ran and opened nothing (refused, say): stop waiting
        return result

    # -- deciding --------------------------------------------------------------------------
    def _action_of(self, key: str) -> tuple[str, Any]:
        """The action a key would run on the current screen, and the node it is bound on."""
        try:
            active = self.screen.active_bindings  # type: ignore[attr-defined]
        except Exception:  # no screen yet
            return "", None
        binding = active.get(key)
        if binding is None:
            return "", None
        return action_name(binding.binding.action), binding.node

    def _opens_dialog(self, key: str) -> bool:
        name, node = self._action_of(key)
        return bool(name) and (name in DIALOG_ACTIONS or name in getattr(node, "DIALOG_ACTIONS", ()))

    def _sync_dialog_workers(self) -> None:
        """The dialog flows running: the app's, and those a dialog screen runs (group "dialog",
        at the depth of the screen that runs them)."""
        live = (WorkerState.PENDING, WorkerState.RUNNING)
        self._dialog_workers = {w: d for w, d in self._dialog_workers.items() if w.state in live}
        stack = list(self.screen_stack)  # type: ignore[attr-defined]
        for w in self.workers:  # type: ignore[attr-defined]
            if w.group == DIALOG_GROUP and w.state in live and w not in self._dialog_workers and w.node in stack:
                self._dialog_workers[w] = stack.index(w.node) + 1

    def _waiting_for_dialog(self) -> bool:
        """Keys typed now would land behind a dialog that is on its way."""
        self._sync_dialog_workers()
        screen = self.screen  # type: ignore[attr-defined]
        depth = len(self.screen_stack)  # type: ignore[attr-defined]
        if self._focus_moving:
            if self._busy():
                return True  # the focus is on its way to the next field
            self._focus_moving = False
        if self._submitting:
            if self._busy():
                return True  # the enter is on its way up to the binding that submits the field
            self._submitting = False
        if self._expecting is not None and depth > self._expecting[1]:
            self._expecting = None  # the dialog is up: wait only until it can take keys
            return screen.focused is None and bool(screen.focus_chain)
        if self._dialog_workers and depth <= max(self._dialog_workers.values()):
            return True  # a flow is between two of its dialogs, or before its first (a dialog may be under it: the poll)
        if self._expecting is not None and monotonic() - self._expecting[0] < _NO_DIALOG_AFTER:
            return True  # its key was pressed; its flow has not started yet
        if depth > 1 and screen.is_attached and (screen.focused is not None or not screen.focus_chain):
            return False  # a dialog is up and ready
        if self._dialog_workers:
            return True
        self._expecting = None
        return False

    # -- routing ---------------------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        if not isinstance(event, events.Key) or event.is_forwarded:
            await self._deliver(event)
            return
        if event.time < self._fence:
            self._tell_dropped()
            return  # typed before the question on screen was drawn
        split = escape_then_key(event)
        if split is not None:  # Escape then a key, quickly: the terminal sent the bytes of alt+key
            for key in split:
                await self.on_event(key)
            return
        if self._held_keys or self._waiting_for_dialog():
            self._hold(event)
            return
        await self._dispatch(event)

    async def _dispatch(self, key: events.Key) -> None:
        if self._opens_dialog(key.key):
            self._expecting = (monotonic(), len(self.screen_stack))  # type: ignore[attr-defined]
        elif self._action_of(key.key)[0] in FOCUS_ACTIONS:
            self._focus_moving = True
        elif key.key == "enter":
            self._submitting = True
        await self._deliver(key)

    async def _deliver(self, event: events.Event) -> None:
        """Hand an event on to Textual; one still queued when the last screen has gone (the key
        after a quit, split from Escape + q) has nowhere to go and is dropped."""
        try:
            await super().on_event(event)  # type: ignore[misc]
        except ScreenStackError:
            if self.screen_stack:  # type: ignore[attr-defined]
                raise

    def _hold(self, key: events.Key) -> None:
        self._held_keys.append(key)
        if self._hold_timer is None:
            self._held_since = monotonic()
            self._hold_timer = self.set_interval(_CHECK_EVERY, self._replay)  # type: ignore[attr-defined]

    def _busy(self) -> bool:
        """The screen, or any widget on it, has not finished with the last key sent to it. A
        replayed ``enter`` may be about to close the dialog: its ``Submitted`` message bubbles
        from the input through the containers to the screen, and the next key must wait to see."""
        screen = self.screen  # type: ignore[attr-defined]
        for pump in [self, *screen.walk_children(with_self=True)]:
            if pump.message_queue_size:
                return True
            queue = getattr(pump, "_message_queue", None)
            if getattr(queue, "_unfinished_tasks", 0):  # taken off the queue, still being handled
                return True
        return False

    async def _replay(self) -> None:
        """One held key at a time, each once the last is handled: a key may open or close a dialog."""
        overdue = monotonic() - self._held_since > _HOLD_AT_MOST
        if (self._waiting_for_dialog() or self._busy()) and not overdue:
            return
        if self._held_keys:
            key = self._held_keys.pop(0)
            if key.time >= self._fence:
                await self._dispatch(key)
            else:
                self._tell_dropped()
        if not self._held_keys and self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None
