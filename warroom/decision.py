"""The go/no-go decision and every reason it is not GO yet."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Mapping, Protocol

from warroom.model import Criterion, Status
from warroom.state import LaunchState

GO, NO_GO, PENDING = "GO", "NO-GO", "PENDING"

# The kinds a reason has (``status --json`` keeps them; scripts may act on them):
#   role       a required role has not signed, signed NO-GO, or its GO went stale
#   item       a critical item is not done (blocked counts as NO-GO)
#   criterion  a go/no-go criterion does not pass (fail counts as NO-GO)
#   clock      the launch was scrubbed
#   auto-hold  the count reached T-0 without a GO and holds there (journaled or not yet)
#   override   the count went on past T-0 without a GO, on someone's stated reason
REASON_KINDS = ("role", "item", "criterion", "clock", "auto-hold", "override")
AUTO_HOLD_REASON = "no GO at T-0"


class TileVerdict(Protocol):
    """What the metrics side tells the decision about a tile right now."""

    passing: bool  # a fresh value that meets the tile's condition
    state: str  # OK WARN CRIT PENDING STALE ERROR "NO DATA": only CRIT is a failure
    summary: str  # e.g. "p95 (612ms) < 500ms ✗" or "STALE: no sample for 25s"


@dataclass
class Reason:
    verdict: str  # NO-GO or PENDING: how much this reason weighs
    text: str
    kind: str  # one of REASON_KINDS
    target: str = ""


@dataclass
class RoleView:
    name: str
    person: str
    required: bool
    state: str  # "pending" | "GO" | "NO-GO" | "stale"
    by: str = ""
    at: str = ""
    comment: str = ""
    stale_reason: str = ""
    account: str = ""  # the real account that signed (``by`` is the name it claimed)


@dataclass
class CriterionView:
    criterion: Criterion
    state: str  # "pass" | "fail" | "unknown"
    detail: str = ""


@dataclass
class Decision:
    verdict: str
    reasons: list[Reason] = field(default_factory=list)
    roles: list[RoleView] = field(default_factory=list)
    criteria: list[CriterionView] = field(default_factory=list)


def role_views(state: LaunchState) -> list[RoleView]:
    out = []
    for role in state.ws.layout.roles_in_poll_order():
        sign = state.signoffs.get(role.name)
        if sign is None:
            out.append(RoleView(role.name, role.person, role.required, "pending"))
            continue
        stale = state.stale_reason(sign)
        out.append(RoleView(role.name, role.person, role.required, "stale" if stale else sign.decision,
                            sign.by, sign.at, sign.comment, stale or "", sign.account))
    return out


def _no_value(state: LaunchState, tile: str) -> str:
    """Why a bound criterion has no live value: its tile is off, or has not reported."""
    layout = state.ws.layout
    if any(t.name == tile for t in layout.disabled_tiles):
        import os

        shown = os.path.relpath(layout.path)
        shown = str(layout.path) if shown.startswith("..") else shown
        return f"tile '{tile}' is off (enabled: false): turn it on with `warroom tiles {shown} enable {tile}` (or m, space)"
    return f"no live value from tile '{tile}'"


@dataclass
class JournaledVerdict:
    """A tile's last state as the journal has it: what a view without live tiles (the CLI, a
    read-only screen, the wall) decides on, so every view agrees with the screens polling."""

    state: str
    summary: str

    @property
    def passing(self) -> bool:
        return self.state in ("OK", "WARN")


def journaled_tiles(state: LaunchState) -> dict[str, JournaledVerdict]:
    return {name: JournaledVerdict(m.state, f"{m.state} (as journaled at {m.at[11:19]})") for name, m in state.metrics.items()}


def criterion_views(state: LaunchState, tiles: Mapping[str, TileVerdict] | None = None) -> list[CriterionView]:
    out = []
    if tiles is None:
        tiles = journaled_tiles(state)
    for crit in state.ws.layout.criteria:
        if crit.tile:
            verdict = (tiles or {}).get(crit.tile)
            if verdict is None:
                out.append(CriterionView(crit, "unknown", _no_value(state, crit.tile)))
            else:
                # Only a firing breach fails a criterion (NO-GO); a pending breach, a stale or
                # errored tile or no data yet is not a pass either: the decision waits (PENDING).
                result = "pass" if verdict.passing else ("fail" if verdict.state == "CRIT" else "unknown")
                out.append(CriterionView(crit, result, verdict.summary))
            continue
        a = state.assessments.get(crit.id)
        if a is None:
            out.append(CriterionView(crit, "unknown", "not assessed yet"))
        else:
            words = {"fired": "fired", "not-fired": "not fired"}.get(a.result, a.result)
            detail = f"{words} by {a.by}" + (f" ({a.value})" if a.value else "")
            if a.result == "pass" and not a.value and crit.threshold:
                detail += " — unverified: no value given"
            if a.override:
                detail += f" — override: {a.override}"
            detail += f": {a.comment}" if a.comment else ""
            # a rollback trigger assessed by hand: fired fails, not fired passes
            result = {"fired": "fail", "not-fired": "pass"}.get(a.result, a.result)
            out.append(CriterionView(crit, result, detail))
    return out


def decide(state: LaunchState, tiles: Mapping[str, TileVerdict] | None = None) -> Decision:
    """GO only when there is at least one required role, every required role's latest sign-off
    is a GO that still stands, every critical item is done, and every required go/no-go
    criterion passes."""
    reasons: list[Reason] = []
    cd = state.countdown
    if cd.scrubbed:
        reasons.append(Reason(NO_GO, "the launch was scrubbed" + (f": {cd.scrub_reason}" if cd.scrub_reason else ""), "clock"))
    roles = role_views(state)
    if not any(rv.required for rv in roles):
        reasons.append(Reason(PENDING, "the layout names no required sign-off role: nobody can give the GO (add one under 'roles:')", "role"))
    for rv in roles:
        if not rv.required:
            continue
        if rv.state == "NO-GO":
            reasons.append(Reason(NO_GO, f"{rv.name} is NO-GO ({rv.by})" + (f": {rv.comment}" if rv.comment else ""), "role", rv.name))
        elif rv.state == "stale":
            reasons.append(Reason(PENDING, f"{_possessive(rv.name)} GO is stale: {rv.stale_reason} after it", "role", rv.name))
        elif rv.state == "pending":
            reasons.append(Reason(PENDING, f"{rv.name} has not signed", "role", rv.name))
    for item in state.ws.critical_items():
        st = state.items[item.id]
        if st.status is Status.DONE:
            continue
        verdict = NO_GO if st.status is Status.BLOCKED else PENDING
        why = f" ({st.reason})" if st.reason else ""
        reasons.append(Reason(verdict, f"critical item {st.status.value}{why}: {item.text}", "item", item.id))
    crits = criterion_views(state, tiles)
    for cv in crits:
        if cv.criterion.kind != "go" or not cv.criterion.required or cv.state == "pass":
            continue
        verdict = NO_GO if cv.state == "fail" else PENDING
        label = cv.criterion.name + (f" ({cv.criterion.threshold})" if cv.criterion.threshold else "")
        reasons.append(Reason(verdict, f"criterion {label}: {cv.detail}", "criterion", cv.criterion.id))
    if cd.auto_held and reasons:  # the clock's state, told beside what keeps the GO away (it is not one of them)
        reasons.append(Reason(PENDING, f"the count holds at T-0: {AUTO_HOLD_REASON} (resume needs a GO or an override)", "auto-hold"))
    if cd.override and reasons:
        reasons.append(Reason(PENDING, f"the count went past T-0 without a GO on an override by {cd.override_by}: {cd.override}", "override"))
    if any(r.verdict == NO_GO for r in reasons):
        verdict = NO_GO
    elif reasons:
        verdict = PENDING
    else:
        verdict = GO
    reasons.sort(key=lambda r: 0 if r.verdict == NO_GO else 1)
    return Decision(verdict, reasons, roles, crits)


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


@dataclass
class ClockView:
    """The T-clock as every view shows it at ``now``: the count's state with the auto-hold at
    T-0 derived (``auto_pending``: reached without a GO, not journaled yet) and a built-in hold
    under way."""

    state: str  # COUNTING HOLD SCRUB "NO T-0"
    t: timedelta | None
    hold_reason: str = ""
    auto: bool = False  # holding at T-0 for want of a GO (journaled or derived)
    auto_pending: bool = False  # derived only: the first writable screen records it
    builtin: str = ""  # the built-in hold under way
    builtin_left: timedelta | None = None


def clock_view(state: LaunchState, now: datetime, decision: Decision) -> ClockView:
    cd = state.countdown
    if cd.t0_due(now) and decision.verdict != GO:
        return ClockView("HOLD", timedelta(0), AUTO_HOLD_REASON, auto=True, auto_pending=True)
    t = cd.t(now)
    builtin = cd.builtin_hold(now)
    if builtin is not None:
        hold, left = builtin
        return ClockView("HOLD", t, f"built-in hold: {hold.name}", builtin=hold.name, builtin_left=left)
    return ClockView(cd.state, t, cd.hold_reason, auto=cd.auto_held)
