"""The go/no-go decision and every reason it is not GO yet."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Protocol

from warroom.model import Criterion, Status
from warroom.state import LaunchState

GO, NO_GO, PENDING = "GO", "NO-GO", "PENDING"


class TileVerdict(Protocol):
    """What the metrics side tells the decision about a tile right now."""

    passing: bool  # a fresh value that meets the tile's condition
    state: str  # OK WARN CRIT PENDING STALE ERROR "NO DATA": only CRIT is a failure
    summary: str  # e.g. "p95 (612ms) < 500ms ✗" or "STALE: no sample for 25s"


@dataclass
class Reason:
    verdict: str  # NO-GO or PENDING: how much this reason weighs
    text: str
    kind: str  # "role" | "item" | "criterion" | "clock"
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


def criterion_views(state: LaunchState, tiles: Mapping[str, TileVerdict] | None = None) -> list[CriterionView]:
    out = []
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
            detail = f"{a.result} by {a.by}" + (f" ({a.value})" if a.value else "") + (f": {a.comment}" if a.comment else "")
            out.append(CriterionView(crit, a.result, detail))
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
