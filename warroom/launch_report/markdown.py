"""The launch report as GitHub-flavoured Markdown.

Every text from the journal or the files is escaped: ASCII punctuation Markdown reads as syntax
gets a backslash (no link, image, emphasis, heading or list can start inside a note), ``<``,
``>`` and ``&`` become entities (no raw HTML, no autolink in angle brackets), and in table cells
``|`` is escaped and line breaks become spaces. Charts are left to the HTML report; here each
tile gets its figures.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from warroom.launch_report.model import Report
from warroom.metrics.threshold import format_value

# Inline syntax gets a backslash; HTML's three characters become entities.
_ESCAPE = str.maketrans({c: "\\" + c for c in "\\`*_[]()!|~"} | {"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_SCHEME = re.compile(r"(?<=[A-Za-z]):")  # a scheme's colon: no autolink
_LEAD = re.compile(r"^([#+\-=]|\d+[.)])")  # what starts a block at the start of a line


def md(text: Any) -> str:
    """Inline text, inert: no Markdown syntax or HTML survives; one line."""
    s = str(text if text is not None else "")
    if "  " in s or not s.isprintable():
        s = " ".join(s.split())
    s = s.translate(_ESCAPE)
    if ":" in s:
        s = _SCHEME.sub(r"\\:", s)
    if s[:1] in "#+-=0123456789":
        s = _LEAD.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], s)
    return s


def cell(text: Any) -> str:
    return md(text) or " "


def _time(at: datetime | None) -> str:
    return "—" if at is None else f"{at.isoformat(' ')[:19]} UTC"


def _dur(d: timedelta) -> str:
    s = int(d.total_seconds())
    return f"{s // 3600}h{(s % 3600) // 60:02d}m{s % 60:02d}s" if s >= 3600 else f"{s // 60}m{s % 60:02d}s"


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out + [""]


def _evidence(ev: dict[str, Any] | None) -> list[str]:
    if not ev:
        return ["*no evidence recorded (an event from before evidence was kept)*", ""]
    out = [f"As shown then ({md(ev.get('from', ''))}): decision **{md(ev.get('decision', ''))}**", ""]
    for reason in ev.get("reasons") or []:
        out.append(f"- {md(reason)}")
    if ev.get("reasons"):
        out.append("")
    tiles = ev.get("tiles") or {}
    if isinstance(tiles, dict) and tiles:
        rows = []
        for name, vs in tiles.items():
            value, st = (list(vs) + [None, None])[:2] if isinstance(vs, list) else (None, vs)
            rows.append([cell(name), cell("—" if value is None else value), cell(st)])
        out += _table(["tile", "value", "state"], rows)
    crits = ev.get("criteria") or {}
    if isinstance(crits, dict) and crits:
        out += _table(["criterion", "state"], [[cell(k), cell(v)] for k, v in crits.items()])
    return out


def render_markdown(r: Report) -> str:
    o: list[str] = [f"# {md(r.launch)} — launch report", "",
                    f"Generated {md(_time(r.generated))} from `{r.layout.replace('`', '')}` and `{r.journal.replace('`', '')}`.", ""]
    o += ["## Summary", ""]
    signed = "; ".join(f"{role}: {state}" + (f" by {by}" if by else "") for role, state, by, _ in r.signers) or "no roles"
    o += _table(["", ""], [
        ["T-0 planned", cell(_time(r.t0_planned))],
        ["T-0 actual", cell(_time(r.t0_actual) if r.t0_actual else "not reached")],
        ["Clock", cell(f"{r.clock_state}; attempt {r.attempts}; {r.recycles} recycle(s); {len(r.holds)} hold(s)")],
        ["Decision", f"**{md(r.decision)}**" + (f" since {md(_time(r.decision_at))} \\(event \\#{r.decision_seq}\\)" if r.decision_at else "")],
        ["Signed", cell(signed)],
        ["Journal", f"{r.events} events; head `{r.head}`"]])
    if r.decision_changes:
        moves = r.decision_changes[-50:]
        more = f"… {len(r.decision_changes) - 50} earlier moves, then " if len(r.decision_changes) > 50 else "PENDING"
        o += ["Decision over time: " + more + "".join(f" → **{md(v)}** at \\#{seq} \\({md(_time(at))}\\)" for seq, at, v in moves), ""]
    if r.reasons:
        o += ["Why not GO:", ""] + [f"- {md(x)}" for x in r.reasons] + [""]

    o += ["## Timeline", "", f"{len(r.rows)} events; ⏸ marks events while the count was holding.", ""]
    o += _table(["\\#", "time", "T", "operator", "kind", "what"],
                [[f"{'⏸ ' if x.held else ''}{x.seq}", cell(f"{x.stamp} UTC"), cell(x.t), cell(x.op), cell(x.kind), cell(x.text)] for x in r.rows])

    o += ["## Holds", ""]
    if r.holds:
        o += _table(["from", "to", "duration", "at T", "by", "reason"],
                    [[cell(_time(h.start)), cell(_time(h.end) if h.end else "still holding"), cell(_dur(h.duration)), cell(h.t),
                      cell(h.by), cell(h.reason)] for h in r.holds])
    else:
        o += ["No holds.", ""]
    for seq, ev in r.evidence_rows.items():
        row = next((x for x in r.rows if x.seq == seq), None)
        if row is not None and row.kind == "hold":
            o += [f"### Hold \\#{seq}: {md(row.text)}", ""] + _evidence(ev)

    o += ["## Phases: planned and actual", ""]
    if r.phases:
        rows = []
        for ph in r.phases:
            slip = ""
            if ph.planned and ph.actual:
                slip = _dur(ph.actual - ph.planned) + " late" if ph.actual > ph.planned else "on time"
            late = "; ".join(f"{i} due {d}: {w}" for i, d, w in ph.late)
            reached = _time(ph.actual) if ph.actual else "already past when T-0 was set" if ph.early else "not reached"
            rows.append([cell(ph.label), cell(ph.name), cell(_time(ph.planned)), cell(reached),
                         cell(slip), cell(late)])
        o += _table(["mark", "phase", "planned", "actual", "slip", "done late / not done"], rows)
    else:
        o += ["The layout has no phases.", ""]

    o += ["## Sign-offs", ""]
    for seq, at, op, roles in r.polls:
        o += [f"- poll \\#{seq} started {md(_time(at))} by {md(op)} \\({md(', '.join(roles))}\\)"]
    if r.polls:
        o.append("")
    if r.signoffs:
        for s in r.signoffs:
            later = "" if s.stands else " *(superseded or made stale later)*"
            o += [f"### \\#{s.seq} {md(s.role)}: {md(s.decision)}{' via the poll' if s.via_poll else ''} — {md(s.by)}, {md(_time(s.at))}{later}", ""]
            if s.comment:
                o += [f"> {md(s.comment)}", ""]
            o += _evidence(s.evidence)
    else:
        o += ["Nobody signed.", ""]

    o += ["## Criteria", ""]
    if r.criteria:
        rows = []
        for c in r.criteria:
            hist = "; ".join(f"#{seq} {res}" + (f" ({val})" if val else "") + f" by {by}" for seq, _, by, res, val in c.history)
            rows.append([cell(c.name), cell("rollback trigger" if c.kind == "rollback" else "go/no-go"), cell(c.threshold),
                         cell(c.tile), cell(c.state), cell(c.detail), cell(hist)])
        o += _table(["criterion", "kind", "threshold", "tile", "state", "detail", "assessments"], rows)
    else:
        o += ["The layout has no criteria.", ""]

    o += ["## Rollback triggers that fired", ""]
    if r.rollbacks:
        for row in r.rollbacks:
            o += [f"### \\#{row.seq} {md(row.target)} — {md(_time(row.at))}", "", md(row.text), ""]
            o += _evidence(r.evidence_rows.get(row.seq))
    else:
        o += ["No rollback trigger fired.", ""]

    o += ["## Notes", ""]
    if r.notes:
        o += _table(["\\#", "time", "by", "on", "note"],
                    [[str(seq), cell(_time(at)), cell(by), cell(target or "the launch"), cell(text)] for seq, at, by, target, text in r.notes])
    else:
        o += ["No notes.", ""]

    o += ["## Blocked and skipped", ""]
    if r.statuses:
        o += _table(["\\#", "time", "item", "status", "reason", "by", "status at the end"],
                    [[str(s.seq), cell(_time(s.at)), cell(f"{s.item}: {s.text}"), cell(s.status), cell(s.reason), cell(s.by), cell(s.current)]
                     for s in r.statuses])
    else:
        o += ["Nothing was blocked or skipped.", ""]

    o += ["## Command runs", ""]
    if r.runs:
        o += _table(["\\#", "time", "by", "kind", "item", "what"],
                    [[str(x.seq), cell(_time(x.at)), cell(x.op), cell(x.kind), cell(x.target), cell(x.text)] for x in r.runs])
    else:
        o += ["No commands were run from the war room.", ""]

    o += ["## Metrics", ""]
    if r.charts:
        rows = []
        for c in r.charts:
            nums = [s.value for s in c.samples if isinstance(s.value, (int, float))]
            lo = format_value(min(nums), c.unit) if nums else "—"
            hi = format_value(max(nums), c.unit) if nums else "—"
            rows.append([cell(c.label), cell(c.crit_text or "none"), str(len(c.samples)), cell(lo), cell(hi), str(c.breaches),
                         str(len(c.fired))])
        o += _table(["tile", "threshold", "samples", "min", "max", "samples in CRIT", "rollback triggers fired"], rows)
        o += ["The HTML report (`warroom report LAYOUT`) draws each tile's history with its thresholds and breaches.", ""]
    else:
        o += ["The layout has no metric tiles.", ""]

    v = r.verify
    o += ["## Journal integrity", "", f"Head hash `{v.head_hash}` after {v.events} events. `warroom verify`: "
          + ("**chain ok**" if v.ok else f"**BROKEN: {len(v.problems)} problem(s)**"), ""]
    o += [f"- {md(p)}" for p in v.problems[:100]]
    if r.ignored:
        o += ["", "Events the state could not apply:", ""] + [f"- \\#{s}: {md(why)}" for s, why in r.ignored[:100]]
    while o and not o[-1]:
        o.pop()
    return "\n".join(o) + "\n"
