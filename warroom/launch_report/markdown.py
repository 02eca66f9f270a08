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

from warroom.inline_text import plain_inline
from warroom.launch_report.model import Group, Report, group_text, milestones
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


MAX_TIMELINE = 1000  # timeline lines; beyond, the milestones only (then cut, said)
MAX_LIST = 200  # entries of a section (sign-offs, notes, blocked, runs): the latest, the rest counted


def _code(text: str) -> str:
    return " ".join(text.replace("`", "").split())


def cell(text: Any) -> str:
    return md(text) or " "


def _time(at: datetime | None) -> str:
    return "—" if at is None else f"{at.isoformat(' ')[:19]} UTC"


def _dur(d: timedelta) -> str:
    s = int(d.total_seconds())
    return f"{s // 3600}h{(s % 3600) // 60:02d}m{s % 60:02d}s" if s >= 3600 else f"{s // 60}m{s % 60:02d}s"


def _left_out(n: int, what: str) -> list[str]:
    """Markdown stays readable on GitHub: a long list shows its latest entries, and says so."""
    if n <= 0:
        return []
    return [f"*{n} {what} are not listed here: the HTML report (`warroom report LAYOUT`) lists every one, and "
            "`warroom log LAYOUT` prints the journal.*", ""]


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out + [""]


def _evidence(ev: dict[str, Any] | None) -> list[str]:
    if not ev:
        return ["*no evidence recorded (an event from before evidence was kept)*", ""]
    out = [f"As shown then ({md(ev.get('from', ''))}): decision **{md(ev.get('decision', ''))}**", ""]
    for reason in ev.get("reasons") or []:
        out.append(f"- {md(plain_inline(str(reason)))}")
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
        o += ["Why not GO:", ""] + [f"- {md(plain_inline(str(x)))}" for x in r.reasons] + [""]

    o += ["## Timeline", ""]
    entries, whole = r.timeline, "sign-offs, notes, blocked and skipped items and command runs are shown one by one"
    if len(entries) > MAX_TIMELINE:  # a long launch: only the milestones one by one, what came between counted
        entries, whole = milestones(entries), ("what came between two of these is counted by kind (sign-offs, notes, blocked "
                                               "and skipped items and command runs are listed in their sections below)")
    groups = [g for g in entries if isinstance(g, Group)]
    grouped = sum(g.count for g in groups)
    o += [f"{r.events} events: the clock (T-0, holds, recycles, the scrub), polls, assessments, rollback triggers and "
          f"every event at which the decision moved are shown one by one; {whole}; the other {grouped} are counted in "
          f"{len(groups)} groups (×), each where its first event was. ⏸ marks events while the count was holding. "
          f"Every event, one a line: `warroom log {_code(r.layout)}`.", ""]
    moved = {seq: v for seq, _, v in r.decision_changes}
    rows = []
    for e in entries[:MAX_TIMELINE]:
        if isinstance(e, Group):
            what, who = group_text(e)
            f = e.first
            rows.append([f"{'⏸ ' if e.held == e.count else ''}\\#{f.seq}–\\#{e.last_seq}", cell(f"{f.stamp} – {e.last_stamp} UTC"),
                         cell(f.t + (f" – {e.last_t}" if e.last_t != f.t else "")), cell(who), cell(f.kind), f"**{md(what)}**"])
            continue
        v = moved.get(e.seq)
        rows.append([f"{'⏸ ' if e.held else ''}{e.seq}", cell(f"{e.stamp} UTC"), cell(e.t), cell(e.op), cell(e.kind),
                     cell(e.text) + (f" → decision **{md(v)}**" if v else "")])
    o += _table(["\\#", "time", "T", "operator", "kind", "what"], rows)
    if len(entries) > MAX_TIMELINE:
        o += [f"… and {len(entries) - MAX_TIMELINE} more lines: see the HTML report, or `warroom log`.", ""]

    o += ["## Holds", ""]
    if r.holds:
        o += _table(["from", "to", "duration", "at T", "by", "reason"],
                    [[cell(_time(h.start)), cell(_time(h.end) if h.end else "still holding"), cell(_dur(h.duration)), cell(h.t),
                      cell(h.by), cell(h.reason)] for h in r.holds])
    else:
        o += ["No holds.", ""]
    for row in r.hold_rows:
        o += [f"### Hold \\#{row.seq}: {md(row.text)}", ""] + _evidence(r.evidence_rows.get(row.seq))

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
        shown = [s for i, s in enumerate(r.signoffs) if s.stands or i >= len(r.signoffs) - MAX_LIST]
        o += _left_out(len(r.signoffs) - len(shown), "earlier sign-offs")
        for s in shown:
            later = "" if s.stands else " *(superseded or made stale later)*"
            o += [f"### \\#{s.seq} {md(s.role)}: {md(s.decision)}{' via the poll' if s.via_poll else ''} — {md(s.by)}, {md(s.stamp)} UTC{later}", ""]
            if s.comment:
                o += [f"> {md(s.comment)}", ""]
            o += _evidence(s.evidence)
    else:
        o += ["Nobody signed.", ""]

    o += ["## Criteria", ""]
    if r.criteria:
        rows = []
        for c in r.criteria:
            hist = "; ".join(f"#{seq} {res}" + (f" ({val})" if val else "") + f" by {by}" for seq, _, by, res, val in c.history[-20:])
            if len(c.history) > 20:
                hist = f"{len(c.history) - 20} earlier, then: {hist}"
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
        o += _left_out(len(r.notes) - MAX_LIST, "earlier notes")
        o += _table(["\\#", "time", "by", "on", "note"],
                    [[str(seq), cell(f"{stamp} UTC"), cell(by), cell(target or "the launch"), cell(text)]
                     for seq, stamp, by, target, text in r.notes[-MAX_LIST:]])
    else:
        o += ["No notes.", ""]

    o += ["## Blocked and skipped", ""]
    if r.statuses:
        o += _left_out(len(r.statuses) - MAX_LIST, "earlier items blocked or skipped")
        o += _table(["\\#", "time", "item", "status", "reason", "by", "status at the end"],
                    [[str(s.seq), cell(f"{s.stamp} UTC"), cell(f"{s.item}: {s.text}"), cell(s.status), cell(s.reason), cell(s.by), cell(s.current)]
                     for s in r.statuses[-MAX_LIST:]])
    else:
        o += ["Nothing was blocked or skipped.", ""]

    o += ["## Command runs", ""]
    if r.runs:
        o += _left_out(len(r.runs) - MAX_LIST, "earlier run events")
        o += _table(["\\#", "time", "by", "kind", "item", "what"],
                    [[str(x.seq), cell(_time(x.at)), cell(x.op), cell(x.kind), cell(x.target), cell(x.text)] for x in r.runs[-MAX_LIST:]])
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
