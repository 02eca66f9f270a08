"""The status report as data: what `warroom status` prints and `status --json` gives scripts.

Pure: built from the workspace, the replayed state and (optionally) tile results.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the screen imports progress_bar at start-up without the state machinery
    from warroom.model import Item, Section
    from warroom.state import LaunchState
    from warroom.workspace import Workspace


def progress_bar(done: int, total: int, width: int = 20, empty: str = "░") -> str:
    """``done`` of ``total`` as a bar of ``width`` cells; ``empty`` fills a bar with nothing to do."""
    if total <= 0:
        return empty * width
    filled = round(width * done / total)
    return "█" * filled + "░" * (width - filled)


def percent(done: int, total: int) -> int:
    return round(100 * done / total) if total else 100


def status_data(ws: Workspace, st: LaunchState, now: datetime, tiles: dict[str, Any] | None,
                journal_path: str, issues: list[str], notes: bool = True) -> dict[str, Any]:
    """The status as data. ``notes=False`` leaves the items' notes out (the text report does not
    print them, and a long launch has hundreds of thousands)."""
    from warroom.countdown import item_due, phase_index
    from warroom.decision import clock_view, decide
    from warroom.tmarks import format_clock, format_tmark

    cd = st.countdown
    phases = ws.layout.phases
    decision = decide(st, tiles=tiles)
    view = clock_view(st, now, decision)  # the hold at T-0 without a GO, as every view shows it
    t = view.t
    pi = phase_index(phases, t)
    overdue = {i.id for i in st.overdue(now)}

    def section_data(sec: Section) -> dict[str, Any]:
        done, total = st.progress(sec.walk_items())
        return {"id": sec.id, "title": sec.title, "done": done, "total": total,
                "sections": [section_data(x) for x in sec.sections]}

    def item_data(item: Item) -> dict[str, Any]:
        ist = st.items[item.id]
        due = item_due(item, phases)
        return {"id": item.id, "text": item.text, "status": ist.status.value, "reason": ist.reason, "critical": item.critical,
                "owner": item.owner, "due": format_tmark(due) if due is not None else None, "overdue": item.id in overdue,
                "by": ist.by, "account": ist.account, "at": ist.at,
                "notes": [{"text": n.text, "by": n.by, "account": n.account, "at": n.at} for n in ist.notes] if notes else []}

    checklists = []
    for c in ws.checklists:
        done, total = st.progress(c.walk_items())
        checklists.append({"id": c.id, "title": c.title, "done": done, "total": total,
                           "sections": [section_data(x) for x in c.sections],
                           "items": [item_data(i) for i in c.walk_items()]})
    eff = cd.effective_t0(now)
    return {
        "launch": ws.layout.launch,
        "now": now.isoformat(),
        "clock": {"state": view.state, "t": format_clock(t) if t is not None else None,
                  "t_seconds": t.total_seconds() if t is not None else None,
                  "t0": eff.isoformat() if eff else None, "hold_reason": view.hold_reason,
                  "auto_hold": view.auto, "auto_hold_recorded": view.auto and not view.auto_pending,
                  "builtin_hold": view.builtin or None,
                  "builtin_hold_left_seconds": view.builtin_left.total_seconds() if view.builtin_left is not None else None,
                  "override": cd.override or None, "override_by": cd.override_by or None,
                  "scrub_reason": cd.scrub_reason, "attempt": cd.attempt, "recycles": cd.recycles,
                  "phase": phases[pi].name if pi >= 0 else None,
                  "next_phase": phases[pi + 1].name if pi + 1 < len(phases) else None},
        "decision": {"verdict": decision.verdict, "reasons": [{"verdict": r.verdict, "kind": r.kind, "target": r.target, "text": r.text} for r in decision.reasons]},
        "signoffs": [{"role": r.name, "person": r.person, "required": r.required, "state": r.state, "by": r.by, "account": r.account, "at": r.at,
                      "comment": r.comment, "stale_reason": r.stale_reason} for r in decision.roles],
        "criteria": [{"id": c.criterion.id, "name": c.criterion.name, "kind": c.criterion.kind, "threshold": c.criterion.threshold,
                      "tile": c.criterion.tile, "required": c.criterion.required, "state": c.state, "detail": c.detail} for c in decision.criteria],
        "poll": None if st.poll is None else {"roles": st.poll.roles, "waiting_on": st.poll.current_role,
                                              "answers": {k: v.decision for k, v in st.poll.answers.items()}},
        "checklists": checklists,
        "overdue": sorted(overdue),
        "journal": {"path": journal_path, "events": st.event_count, "head": st.head_hash, "issues": issues},
    }
