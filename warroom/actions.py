"""User actions: checked against the current state, then written to the journal.

This is the only write path, shared by the CLI and the TUI. An action never changes state
directly: it appends an event; state changes when that event is replayed (in the TUI, when the
journal follower delivers it, exactly like an event from another operator).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from warroom.errors import ActionError, NoChange
from warroom.events import (
    ASSESS,
    HOLD,
    METRIC_STATE,
    NOTE,
    POLL_ANSWER,
    POLL_CANCEL,
    POLL_START,
    RECYCLE,
    RESUME,
    ROLLBACK,
    SCRUB,
    SET_STATUS,
    SET_T0,
    SIGN,
    T0_REACHED,
    Event,
)
from warroom.journal import Journal, JournalError, ReadOnlyJournal
from warroom.model import Role, Status
from warroom.state import LaunchState
from warroom.textsafe import neutralise, text_problem
from warroom.tmarks import (
    format_tmark,
    parse_duration,
    parse_time,
    parse_tmark,
    utc_iso,
)
from warroom.who import acting_account, real_account

# Payload fields an operator types that may hold several lines; every other text is one line.
_MULTILINE = frozenset({"text", "comment"})
MAX_TEXT = 10_000  # characters in one typed field


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Actions:
    def __init__(self, journal: Journal, operator: str, now: Callable[[], datetime] = _now,
                 account: dict[str, str] | None = None,
                 evidence: Callable[[LaunchState], dict[str, Any] | None] | None = None) -> None:
        self.journal = journal
        self.operator = operator
        self.now = now
        self.account = real_account() if account is None else account  # recorded on every event
        # What the war room shows now (``warroom.evidence``): recorded in sign-offs, poll answers,
        # assessments, holds and rollback triggers. None records none (old events have none too).
        self.evidence = evidence

    def _with_evidence(self, state: LaunchState, payload: dict[str, Any]) -> dict[str, Any]:
        if self.evidence is not None:
            shown = self.evidence(state)
            if shown:
                payload["evidence"] = shown
        return payload

    def _append(self, kind: str, target: str = "", payload: dict[str, Any] | None = None) -> Event:
        event = self._append_unless(kind, target, payload, None)
        assert event is not None  # without ``unless`` every append is written
        return event

    def _append_unless(self, kind: str, target: str, payload: dict[str, Any] | None,
                       unless: Callable[[Event | None], bool] | None) -> Event | None:
        """Append, unless ``unless(latest event of this kind and target)`` says it is recorded already.
        Every text an operator typed is checked at this door, whichever screen or command it came from."""
        for key, value in (payload or {}).items():
            if isinstance(value, str):
                problem = text_problem(value, f"the {key}", newlines=key in _MULTILINE)
                if problem:
                    raise ActionError(problem)
                if len(value) > MAX_TEXT:
                    raise ActionError(f"the {key} is {len(value)} characters long; at most {MAX_TEXT} are allowed")
        try:
            return self.journal.append(kind, target, payload or {}, op=self.operator, now=self.now(), unless=unless,
                                       acct=self.account)
        except ReadOnlyJournal:
            raise ActionError("this war room is open read-only: nothing can be changed here") from None
        except JournalError as exc:
            raise ActionError(str(exc)) from None
        except OSError as exc:
            raise ActionError(f"cannot write the journal {self.journal.path}: {exc.strerror or exc}") from None

    def _may_answer_for(self, role: Role) -> None:
        """A role bound to accounts is signed (or answered for in a poll) by those accounts and
        its delegates only: ``--as`` is a claimed name, the account is the process's own."""
        allowed = list(role.accounts) + list(role.delegates)
        if not allowed:
            return
        who = acting_account(self.account)
        if who in allowed:
            return
        can = ", ".join(role.accounts) + (f" (delegates: {', '.join(role.delegates)})" if role.delegates else "")
        raise ActionError(f"role {role.name} can be signed only by the account(s) {can}; "
                          f"this is the account {who or 'unknown'} (--as names are not accounts)")

    # -- items -------------------------------------------------------------------------------
    def set_status(self, state: LaunchState, item_ref: str, status: str | Status, reason: str = "") -> Event:
        item = state.ws.resolve_item(item_ref)
        try:
            st = Status(status)
        except ValueError:
            raise ActionError(f"unknown status '{status}'; expected one of {', '.join(s.value for s in Status)}") from None
        reason = reason.strip()
        if st.needs_reason and not reason:
            raise ActionError(f"status '{st.value}' needs a reason (--reason)")
        current = state.items[item.id]
        if current.status is st and current.reason == reason:
            raise NoChange(f"'{item.id}' is already {st.value}; nothing recorded")
        payload: dict[str, Any] = {"status": st.value}
        if reason:
            payload["reason"] = reason
        return self._append(SET_STATUS, item.id, payload)

    def tick(self, state: LaunchState, item_ref: str, undo: bool = False) -> Event:
        return self.set_status(state, item_ref, Status.TODO if undo else Status.DONE)

    def toggle(self, state: LaunchState, item_ref: str) -> Event:
        item = state.ws.resolve_item(item_ref)
        return self.tick(state, item.id, undo=state.items[item.id].status is Status.DONE)

    def note(self, state: LaunchState, item_ref: str | None, text: str) -> Event:
        text = text.strip()
        if not text:
            raise ActionError("a note needs some text")
        target = state.ws.resolve_item(item_ref).id if item_ref else ""
        return self._append(NOTE, target, {"text": text})

    # -- sign-off ----------------------------------------------------------------------------
    def sign(self, state: LaunchState, role: str, decision: str, comment: str = "") -> Event:
        r = state.ws.resolve_role(role)
        self._may_answer_for(r)
        d = _decision(decision)
        if d == "NO-GO" and not comment.strip():
            raise ActionError("a NO-GO needs a comment saying why (--comment)")
        return self._append(SIGN, r.name, self._with_evidence(state, {"decision": d, "comment": comment.strip()}))

    def poll_start(self, state: LaunchState) -> Event:
        roles = [r.name for r in state.ws.layout.roles_in_poll_order()]
        if not roles:
            raise ActionError("this layout has no sign-off roles to poll")
        if state.poll is not None:
            raise ActionError(f"a poll is already in progress (waiting on {state.poll.current_role})")
        return self._append(POLL_START, "", {"roles": roles})

    def poll_answer(self, state: LaunchState, decision: str, comment: str = "", role: str | None = None) -> Event:
        if state.poll is None:
            raise ActionError("no poll in progress (start one first)")
        current = state.poll.current_role
        name = state.ws.resolve_role(role).name if role else current
        if name != current:
            raise ActionError(f"the poll is waiting on {current}, not {name}")
        self._may_answer_for(state.ws.resolve_role(name))
        d = _decision(decision)
        if d == "NO-GO" and not comment.strip():
            raise ActionError("a NO-GO needs a comment saying why")
        signed = state.signoffs.get(name)
        if not comment.strip() and signed is not None and signed.decision == d and signed.comment:
            comment = signed.comment  # the poll confirms the role's answer: its signed comment stands
        return self._append(POLL_ANSWER, name, self._with_evidence(state, {"decision": d, "comment": comment.strip(), "poll": state.poll.seq}))

    def poll_cancel(self, state: LaunchState, reason: str = "") -> Event:
        if state.poll is None:
            raise ActionError("no poll in progress")
        return self._append(POLL_CANCEL, "", {"reason": reason.strip(), "poll": state.poll.seq})

    def assess(self, state: LaunchState, criterion: str, result: str, value: str = "", comment: str = "",
               override: str = "") -> Event:
        """A go/no-go criterion by hand: ``pass`` or ``fail`` with the value seen. A PASS whose
        value contradicts a numeric threshold (``900ms`` against ``< 500ms``) is refused unless
        ``override`` says why it stands; a PASS without a value is legal and shown unverified.
        A rollback trigger by hand: ``fired`` or ``not-fired``."""
        crit = state.ws.criterion(criterion)
        if crit.tile:
            raise ActionError(f"criterion '{crit.id}' reads tile '{crit.tile}'; it is not assessed by hand")
        r = result.strip().lower().replace("_", "-").replace(" ", "-")
        value, override = value.strip(), override.strip()
        if crit.kind == "rollback":
            r = {"notfired": "not-fired", "clear": "not-fired", "cleared": "not-fired"}.get(r, r)
            if r not in ("fired", "not-fired"):
                raise ActionError(f"'{crit.id}' is a rollback trigger: it is assessed 'fired' or 'not-fired', not '{result}'")
        elif r not in ("pass", "fail"):
            raise ActionError("a criterion is assessed 'pass' or 'fail'")
        payload: dict[str, Any] = {"result": r, "value": value, "comment": comment.strip()}
        contradiction = threshold_contradiction(crit.threshold, value, r)
        if contradiction and not override:
            if r == "not-fired":
                raise ActionError(f"{contradiction}: NOT FIRED needs a value that does not meet the trigger, "
                                  "or an override with the reason it has not fired anyway (--override REASON)")
            raise ActionError(f"{contradiction}: a PASS needs a value that meets the threshold, "
                              "or an override with the reason it passes anyway (--override REASON)")
        if contradiction:
            payload["override"] = override
        elif override:
            raise ActionError("an override is only for a PASS whose value contradicts the threshold (or a NOT FIRED whose value meets the trigger)")
        return self._append(ASSESS, crit.id, self._with_evidence(state, payload))

    # -- the clock ---------------------------------------------------------------------------
    @staticmethod
    def hold_refusal(state: LaunchState) -> str:
        """Why the count cannot be held now ("" when it can): a screen says so before it asks
        for a reason."""
        cd = state.countdown
        if cd.scrubbed:
            return "the launch is scrubbed; set a new T-0 first"
        if not cd.has_t0:
            return "there is no T-0 to hold; set one first"
        if cd.holding:
            return f"the count is already holding ({cd.hold_reason})"
        return ""

    def hold(self, state: LaunchState, reason: str) -> Event:
        if not reason.strip():
            raise ActionError("a hold needs a reason")
        refusal = self.hold_refusal(state)
        if refusal:
            raise ActionError(refusal)
        return self._append(HOLD, "", self._with_evidence(state, {"reason": reason.strip()}))

    def resume(self, state: LaunchState, override: str = "", verdict: str | None = None) -> Event:
        """Resume the count. At or past T-0 it needs a GO (``verdict``, decided from the journal
        when not given) or an ``override``: the reason it goes on anyway, kept in the record."""
        cd = state.countdown
        if cd.scrubbed:
            raise ActionError("the launch is scrubbed; set a new T-0 to start a new attempt")
        if not cd.holding:
            raise ActionError("the count is not holding")
        override = override.strip()
        payload: dict[str, Any] = {}
        if cd.held_at is not None and cd.held_at >= timedelta(0):
            if verdict is None:
                from warroom.decision import decide

                verdict = decide(state).verdict
            if verdict != "GO" and not override:
                raise ActionError(f"the decision is {verdict}: resuming past T-0 needs a GO, or an override "
                                  "with the reason it goes on anyway (--override REASON)")
            if verdict != "GO":
                payload["override"] = override
        elif override:
            raise ActionError("an override is only for resuming past T-0 without a GO; the count is before T-0")
        return self._append(RESUME, "", payload)

    def settle_t0(self, state: LaunchState) -> Event | None:
        """Before a write from the command line: if the count has reached T-0 and no screen has
        recorded it, record it now (decided from the journal), so the write acts on the count
        every view shows (``resume --override`` past T-0 finds the hold it is for)."""
        if not state.countdown.t0_due(self.now()):
            return None
        from warroom.decision import decide

        decision = decide(state)
        event = self.t0_reached(state, decision.verdict, [r.text for r in decision.reasons])
        if event is not None:
            state.apply(event)
        return event

    def t0_reached(self, state: LaunchState, verdict: str, reasons: list[str] | None = None) -> Event | None:
        """Record that the count reached T-0, and whether it had a GO (without one it holds
        there). Once per T-0, however many screens see it: checked against the file under its
        lock; None when it is recorded already or does not apply."""
        cd = state.countdown
        if not cd.t0_due(self.now()) or cd.anchor is None:
            return None
        t0 = utc_iso(cd.anchor)
        payload: dict[str, Any] = {"t0": t0, "verdict": verdict}
        if reasons:
            payload["reasons"] = list(reasons)[:20]
        return self._append_unless(T0_REACHED, "", payload, lambda last: last is not None and last.payload.get("t0") == t0)

    def recycle(self, state: LaunchState, to: str, reason: str = "") -> Event:
        cd = state.countdown
        try:
            mark = parse_tmark(to)
        except ValueError as exc:
            raise ActionError(str(exc)) from None
        if cd.scrubbed or not cd.has_t0:
            raise ActionError("nothing to recycle: " + ("the launch is scrubbed" if cd.scrubbed else "there is no T-0"))
        t = cd.t(self.now())
        if t is not None and mark > t:
            raise ActionError(f"recycle goes back to an earlier mark; the clock is at {format_tmark(t)}")
        return self._append(RECYCLE, "", {"to": format_tmark(mark), "reason": reason.strip()})

    def scrub(self, state: LaunchState, reason: str) -> Event:
        if not reason.strip():
            raise ActionError("a scrub needs a reason")
        if state.countdown.scrubbed:
            raise ActionError("the launch is already scrubbed")
        return self._append(SCRUB, "", {"reason": reason.strip()})

    def set_t0(self, state: LaunchState, when: str | datetime) -> Event:
        """T-0 at a time (ISO 8601 with a zone) or a delay from now (``30m``, ``1h30m``)."""
        try:
            t0 = when if isinstance(when, datetime) else self.now() + parse_duration(when)
        except ValueError:
            try:
                t0 = parse_time(when)  # type: ignore[arg-type]
            except ValueError as exc:
                raise ActionError(f"{exc}, or a delay from now like 30m or 1h30m") from None
        return self._append(SET_T0, "", {"t0": utc_iso(t0)})

    # -- metric tiles (written by the tiles pane on a state transition, not per sample) ---------
    def metric_state(self, state: LaunchState, tile: str, from_state: str, to_state: str, value: Any = None,
                     reason: str = "") -> Event | None:
        """Record a tile's state transition; None when the journal already has that state
        (another operator's screen polling the same tile recorded it first: checked against the
        file under its lock, so two screens seeing the change at the same moment record it once)."""
        known = state.metrics.get(tile)
        if known is not None and known.state == to_state:
            return None
        payload: dict[str, Any] = {"from": from_state, "state": to_state, "value": _served(value)}
        if reason:
            payload["reason"] = neutralise(reason)
        return self._append_unless(METRIC_STATE, tile, payload,
                                   lambda last: last is not None and last.payload.get("state") == to_state)

    def rollback_trigger(self, state: LaunchState, criterion_id: str, fired: bool, value: Any = None,
                         text: str = "") -> Event | None:
        """Record a rollback trigger firing or clearing; None when already recorded so."""
        to_state = "fired" if fired else "cleared"

        def recorded(last: Event | None) -> bool:  # as the file has it: see metric_state
            return (last.payload.get("state") == to_state) if last is not None else not fired

        known = state.rollbacks.get(criterion_id)
        if (known is not None and known.state == to_state) or (known is None and not fired):
            return None
        payload: dict[str, Any] = {"state": to_state, "value": _served(value)}
        if text:
            payload["reason"] = neutralise(text)
        if fired:
            self._with_evidence(state, payload)
        return self._append_unless(ROLLBACK, criterion_id, payload, recorded)



def _served(value: Any) -> Any:
    """A value an endpoint served, fit for the journal: text is neutralised (it was not typed by
    an operator, so it is not refused, but it never carries an escape sequence onward)."""
    if isinstance(value, str):
        return neutralise(value, newlines=False)[:500]
    if value is None or isinstance(value, (int, float, bool)):
        return value
    return neutralise(str(value), newlines=False)[:500]


def threshold_contradiction(threshold: str, value: str, result: str) -> str:
    """Why a PASS with ``value`` contradicts a numeric ``threshold`` ("" when it does not, or
    cannot be told: no value, a threshold that is not a number, units of different kinds). For a
    rollback trigger the threshold is its firing condition: a NOT FIRED whose value meets it
    contradicts it (a FIRED by judgement, whatever the value, is the safe side and stands)."""
    if result not in ("pass", "not-fired") or not value or not threshold:
        return ""
    from warroom.metrics.threshold import parse_condition, parse_quantity

    quantity = parse_quantity(value)
    if quantity is None:
        return ""
    number, unit = quantity
    read_as = ""
    if not unit:  # a bare number is read in the threshold's unit: 99.7 against '>= 99.8%' is 99.7 %
        own = parse_quantity(threshold.strip().lstrip("<>=!").strip())
        if own is not None and own[1]:
            unit = own[1]
            read_as = f" (read as {value.strip()}{unit})"
    try:
        cond = parse_condition(threshold, unit)
    except ValueError:
        return ""
    if isinstance(cond.target, str):
        return ""
    if result == "not-fired":
        return f"the value {value}{read_as} meets the rollback trigger '{threshold}'" if cond.holds(number) else ""
    if cond.holds(number):
        return ""
    return f"the value {value}{read_as} does not meet the threshold '{threshold}'"


def _decision(value: str) -> str:
    v = value.strip().upper().replace("_", "-").replace(" ", "-")
    if v in ("GO", "YES"):
        return "GO"
    if v in ("NO-GO", "NOGO", "NO"):
        return "NO-GO"
    raise ActionError(f"expected go or no-go, got '{value}'")
