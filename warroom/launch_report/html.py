"""The launch report as one self-contained HTML page: no script, no network, prints well.

Every text from the journal, the layout or the checklists goes through ``html.escape``; the page
carries ``default-src 'none'`` with its one stylesheet allowed by hash.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timedelta
from html import escape
from typing import Any

from warroom.inline_text import plain_inline
from warroom.launch_report.model import Group, Report, Row, group_text
from warroom.launch_report.svg import chart_svg

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111;margin:24px auto;max-width:1100px;padding:0 16px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;border-bottom:2px solid #333;margin:28px 0 8px;padding-bottom:2px}
h3{font-size:15px;margin:14px 0 4px}
table{border-collapse:collapse;width:100%;margin:6px 0 10px}th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#eee}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.held td{background:#e0e0e0}tr.group td{background:#f3f6fb}tr.group.held td{background:#dde3ea}td.span{white-space:nowrap;font-size:12px}
details{margin:8px 0}summary{cursor:pointer;font-weight:bold}tr.held td:first-child{border-left:4px solid #616161}
.verdict{font-weight:bold;padding:1px 6px;border:1px solid #333}.GO{background:#c8e6c9}.NO-GO{background:#ffcdd2}.PENDING{background:#fff9c4}
.ok{color:#1b5e20}.bad{color:#b71c1c;font-weight:bold}.muted{color:#555}
.evidence{margin:2px 0 6px 0;font-size:12px}.evidence td,.evidence th{padding:1px 4px}
.chart{max-width:100%;height:auto;border:1px solid #ccc;background:#fff}
figure{margin:8px 0 16px;break-inside:avoid;page-break-inside:avoid}figcaption{font-size:12px;color:#333}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
.summary td:first-child{width:220px;font-weight:bold}
@media print{body{margin:0;max-width:none;font-size:11px}h2{break-after:avoid;page-break-after:avoid}
tr,figure,.evidence{break-inside:avoid;page-break-inside:avoid}tr.held td{background:#ddd!important;-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""


HELD = ' class="held"'
END_ROW = "</td></tr>"
# A section lists at most this many entries (the latest; sign-offs that stand always): the timeline
# shows every one of them whole, and says so.
MAX_SECTION = 1000


def _left_out(n: int, what: str) -> str:
    return "" if n <= 0 else (f'<p class="muted">{n} earlier {what} are not repeated here: the timeline above shows '
                              "every one, one by one.</p>")


def _csp() -> str:
    digest = base64.b64encode(hashlib.sha256(CSS.encode("utf-8")).digest()).decode("ascii")
    return f"default-src 'none'; style-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"


def escape_many(texts: list[str]) -> list[str]:
    """``html.escape`` of each text, in one pass over all of them (a report escapes a few hundred
    thousand short texts: one call each was a third of its rendering). NUL separates them; a text
    holding a NUL itself (the split would not give them back one for one) is escaped on its own."""
    if not texts:
        return []
    out = escape("\x00".join(texts), quote=True).split("\x00")
    return out if len(out) == len(texts) else [escape(t, quote=True) for t in texts]


def _e(value: Any) -> str:
    return escape(str(value if value is not None else ""), quote=True)


def _time(at: datetime | None) -> str:
    return "—" if at is None else f"{at.isoformat(' ')[:19]} UTC"


def _dur(d: timedelta) -> str:
    s = int(d.total_seconds())
    return f"{s // 3600}h{(s % 3600) // 60:02d}m{s % 60:02d}s" if s >= 3600 else f"{s // 60}m{s % 60:02d}s"


def _verdict(v: str) -> str:
    cls = v if v in ("GO", "NO-GO", "PENDING") else ""
    return f'<span class="verdict {cls}">{_e(v)}</span>'


def _table(head: list[str], rows: list[list[str]], cls: str = "", row_classes: list[str] | None = None) -> str:
    thead = "<thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead>" if any(head) else ""
    out = [f'<table class="{cls}">{thead}<tbody>']
    for i, r in enumerate(rows):
        rc = f' class="{row_classes[i]}"' if row_classes and row_classes[i] else ""
        out.append(f"<tr{rc}>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def evidence_html(ev: dict[str, Any] | None) -> str:
    """What the war room showed when the action was taken (escaped)."""
    if not ev:
        return '<p class="muted evidence">no evidence recorded (an event from before evidence was kept)</p>'
    parts = [f'<div class="evidence"><strong>As shown then</strong> ({_e(ev.get("from", ""))}): decision '
             f'{_verdict(str(ev.get("decision", "")))}']
    reasons = ev.get("reasons") or []
    if isinstance(reasons, list) and reasons:
        parts.append("<ul>" + "".join(f"<li>{_e(plain_inline(str(r)))}</li>" for r in reasons) + "</ul>")
    tiles = ev.get("tiles") or {}
    if isinstance(tiles, dict) and tiles:
        rows = []
        for name, vs in tiles.items():
            value, st = (vs + [None, None])[:2] if isinstance(vs, list) else (None, vs)
            cls = "bad" if st in ("CRIT", "ERROR") else ("ok" if st in ("OK", "WARN") else "muted")
            rows.append([_e(name), _e("—" if value is None else value), f'<span class="{cls}">{_e(st)}</span>'])
        parts.append(_table(["tile", "value", "state"], rows, "evidence"))
    crits = ev.get("criteria") or {}
    if isinstance(crits, dict) and crits:
        parts.append(_table(["criterion", "state"], [[_e(k), _e(v)] for k, v in crits.items()], "evidence"))
    parts.append("</div>")
    return "".join(parts)


def render_html(r: Report) -> str:
    o: list[str] = []
    add = o.append
    add("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
    add(f'<meta http-equiv="Content-Security-Policy" content="{_e(_csp())}">')
    add('<meta name="viewport" content="width=device-width, initial-scale=1">')
    add(f"<title>{_e(r.launch)} — launch report</title><style>{CSS}</style></head><body>")
    add(f"<h1>{_e(r.launch)} — launch report</h1>")
    add(f'<p class="muted">generated {_e(_time(r.generated))} from {_e(r.layout)} and {_e(r.journal)}</p>')

    # -- summary
    add('<section id="summary"><h2>Summary</h2>')
    signed = ", ".join(f"{role}: {state}" + (f" by {by}" if by else "") for role, state, by, _ in r.signers) or "no roles"
    rows = [["T-0 planned", _e(_time(r.t0_planned))],
            ["T-0 actual", _e(_time(r.t0_actual)) + ("" if r.t0_actual else " (the clock has not reached T-0)")],
            ["Clock", _e(f"{r.clock_state}; attempt {r.attempts}; {r.recycles} recycle(s); {len(r.holds)} hold(s)")],
            ["Decision", _verdict(r.decision) + (f" since {_e(_time(r.decision_at))} (event #{r.decision_seq})" if r.decision_at else "")],
            ["Signed", _e(signed)],
            ["Journal", f"{r.events} events; head <code>{_e(r.head)}</code>"]]
    add(_table(["", ""], rows, "summary"))
    if r.decision_changes:
        moves = r.decision_changes[-50:]
        more = f"… {len(r.decision_changes) - 50} earlier moves, then " if len(r.decision_changes) > 50 else "PENDING"
        add('<p class="decision-history">Decision over time: ' + _e(more) + "".join(
            f" → {_verdict(v)} at #{seq} ({_e(_time(at))})" for seq, at, v in moves) + "</p>")
    if r.reasons:
        add("<p>Why not GO:</p><ul>" + "".join(f"<li>{_e(plain_inline(str(x)))}</li>" for x in r.reasons) + "</ul>")
    add("</section>")

    # -- timeline: the story one by one, the repetitive counted
    entries = r.timeline
    groups = [g for g in entries if isinstance(g, Group)]
    grouped = sum(g.count for g in groups)
    add(f'<section id="timeline"><h2>Timeline</h2><p class="muted">{r.events} events. '
        f"{r.events - grouped} are shown one by one: the clock (T-0, holds, recycles, the scrub), polls and "
        "sign-offs, assessments, rollback triggers, notes, blocked and skipped items, command runs, and every event "
        f"at which the decision moved. The other {grouped} (items ticked or set in progress during one phase, a "
        f"tile's metric changes) are counted in {len(groups)} groups, each where its first event was, with the span "
        "it covers. Rows while the count was holding are shaded. Every event, one a line: "
        f"<code>warroom log {_e(r.layout)}</code> (<code>--json</code> for all their fields).</p>")
    seen: dict[str, str] = {}  # operators, kinds, T values, items repeat: each escaped once

    def once(text: str) -> str:
        out = seen.get(text)
        if out is None:
            out = seen[text] = escape(text, quote=True)
        return out

    whole = [e for e in entries if type(e) is Row]
    texts = escape_many([x.text for x in whole])
    # operators, kinds and T values repeat: each distinct one escaped once; a time as shown is
    # digits and separators only (it comes from a time the journal's parser accepted)
    ops = {v: escape(v, quote=True) for v in {x.op for x in whole}}
    kinds = {v: escape(v, quote=True) for v in {x.kind for x in whole}}
    tees = {v: escape(v, quote=True) for v in {x.t for x in whole}}
    moved = {seq: f" → decision {_verdict(v)}</td></tr>" for seq, _, v in r.decision_changes}
    body = ['<table class="timeline"><thead><tr><th>#</th><th>time</th><th>T</th><th>operator</th><th>kind</th><th>what</th>'
            "</tr></thead><tbody>"]
    add_row = body.append
    i = 0
    for e in entries:
        if type(e) is Row:
            seq, _, op, kind, _, _, t, held, stamp, _, _, _ = e  # (no starred target: it would make a list a row)
            add_row(f'<tr{HELD if held else ""}><td class="num">{seq}</td><td>{stamp} UTC</td><td>{tees[t]}</td>'
                    f"<td>{ops[op]}</td><td>{kinds[kind]}</td><td>{texts[i]}{moved.get(seq, END_ROW)}")
            i += 1
            continue
        what, who = group_text(e)  # type: ignore[arg-type]
        f = e.first  # type: ignore[union-attr]
        add_row(f'<tr class="group{" held" if e.held == e.count else ""}"><td class="span">#{f.seq}–#{e.last_seq}</td>'  # type: ignore[union-attr]
                f"<td>{f.stamp} –<br>{e.last_stamp} UTC</td><td>{once(f.t)}"  # type: ignore[union-attr]
                f"{' – ' + once(e.last_t) if e.last_t != f.t else ''}</td><td>{escape(who)}</td><td>{once(f.kind)}</td>"  # type: ignore[union-attr]
                f"<td><strong>{escape(what)}</strong></td></tr>")
    body.append("</tbody></table></section>")
    o += body  # the page is joined once, at the end (the timeline is most of it)

    # -- holds
    add('<section id="holds"><h2>Holds</h2>')
    if r.holds:
        add(_table(["from", "to", "duration", "at T", "by", "reason"],
                   [[_e(_time(h.start)), _e(_time(h.end) if h.end else "still holding"), _e(_dur(h.duration)), _e(h.t),
                     _e(h.by), _e(h.reason)] for h in r.holds], "holds"))
    else:
        add("<p>No holds.</p>")
    for row in r.hold_rows:
        add(f"<h3>Hold #{row.seq} — {_e(row.text)}</h3>" + evidence_html(r.evidence_rows.get(row.seq)))
    add("</section>")

    # -- phases
    add('<section id="phases"><h2>Phases: planned and actual</h2>')
    if r.phases:
        rows = []
        for ph in r.phases:
            late = "; ".join(f"{i} due {d}: {w}" for i, d, w in ph.late)
            slip = ""
            if ph.planned and ph.actual:
                slip = _dur(ph.actual - ph.planned) + " late" if ph.actual > ph.planned else "on time"
            reached = _time(ph.actual) if ph.actual else "already past when T-0 was set" if ph.early else "not reached"
            rows.append([_e(ph.label), _e(ph.name), _e(_time(ph.planned)), _e(reached),
                         _e(slip), f'<span class="bad">{_e(late)}</span>' if late else ""])
        add(_table(["mark", "phase", "planned", "actual", "", "done late / not done"], rows, "phases"))
    else:
        add("<p>The layout has no phases.</p>")
    add("</section>")

    # -- sign-offs
    add('<section id="signoffs"><h2>Sign-offs</h2>')
    if r.polls:
        add("<p>" + "; ".join(f"poll #{seq} started {_e(_time(at))} by {_e(op)} ({_e(', '.join(roles))})"
                              for seq, at, op, roles in r.polls) + "</p>")
    if r.signoffs:
        verdicts = {d: _verdict(d) for d in {s.decision for s in r.signoffs}}
        shown = [s for i, s in enumerate(r.signoffs) if s.stands or i >= len(r.signoffs) - MAX_SECTION]
        add(_left_out(len(r.signoffs) - len(shown), "sign-offs (with their evidence)"))
        for s in shown:
            standing = "" if s.stands else ' <span class="muted">(superseded or made stale later)</span>'
            add(f"<h3>#{s.seq} {once(s.role)}: {verdicts[s.decision]}{' via the poll' if s.via_poll else ''} — "
                f"{once(s.by)}, {once(s.stamp)} UTC{standing}</h3>")
            if s.comment:
                add(f"<p>“{_e(s.comment)}”</p>")
            add(evidence_html(s.evidence))
    else:
        add("<p>Nobody signed.</p>")
    add("</section>")

    # -- criteria
    add('<section id="criteria"><h2>Criteria</h2>')
    if r.criteria:
        rows = []
        for c in r.criteria:
            hist = "; ".join(f"#{seq} {res}" + (f" ({val})" if val else "") + f" by {by}" for seq, _, by, res, val in c.history)
            cls = "bad" if c.state in ("fail", "fired") else ("ok" if c.state == "pass" else "muted")
            rows.append([_e(c.name), _e("rollback trigger" if c.kind == "rollback" else "go/no-go"), _e(c.threshold),
                         _e(c.tile), f'<span class="{cls}">{_e(c.state)}</span>', _e(c.detail), _e(hist)])
        add(_table(["criterion", "kind", "threshold", "tile", "state", "detail", "assessments"], rows))
    else:
        add("<p>The layout has no criteria.</p>")
    add("</section>")

    # -- rollback triggers
    add('<section id="rollbacks"><h2>Rollback triggers that fired</h2>')
    if r.rollbacks:
        for row in r.rollbacks:
            add(f"<h3>#{row.seq} {_e(row.target)} — {_e(_time(row.at))}</h3><p>{_e(row.text)}</p>")
            add(evidence_html(r.evidence_rows.get(row.seq)))
    else:
        add("<p>No rollback trigger fired.</p>")
    add("</section>")

    # -- notes
    add('<section id="notes"><h2>Notes</h2>')
    if r.notes:
        add(_left_out(len(r.notes) - MAX_SECTION, "notes"))
        notes = r.notes[-MAX_SECTION:]
        note_texts = escape_many([n[4] for n in notes])
        add(_table(["#", "time", "by", "on", "note"],
                   [[str(seq), f"{once(stamp)} UTC", once(by), once(target or "the launch"), note_texts[i]]
                    for i, (seq, stamp, by, target, _) in enumerate(notes)]))
    else:
        add("<p>No notes.</p>")
    add("</section>")

    # -- blocked / skipped
    add('<section id="blocked"><h2>Blocked and skipped</h2>')
    if r.statuses:
        add(_left_out(len(r.statuses) - MAX_SECTION, "items blocked or skipped"))
        add(_table(["#", "time", "item", "status", "reason", "by", "status at the end"],
                   [[str(s.seq), f"{once(s.stamp)} UTC", once(s.item) + "<br>" + once(s.text), once(s.status), once(s.reason),
                     once(s.by), once(s.current)] for s in r.statuses[-MAX_SECTION:]]))
    else:
        add("<p>Nothing was blocked or skipped.</p>")
    add("</section>")

    # -- command runs
    add('<section id="runs"><h2>Command runs</h2>')
    if r.runs:
        add(_left_out(len(r.runs) - MAX_SECTION, "run events"))
        add(_table(["#", "time", "by", "kind", "item", "what"],
                   [[str(x.seq), _e(_time(x.at)), _e(x.op), _e(x.kind), _e(x.target), _e(x.text)] for x in r.runs[-MAX_SECTION:]]))
    else:
        add("<p>No commands were run from the war room.</p>")
    add("</section>")

    # -- metrics
    add('<section id="metrics"><h2>Metrics</h2>')
    if r.charts:
        for i, c in enumerate(r.charts):
            tid = f"chart-title-{i}"
            what = f"{len(c.samples)} samples; {c.breaches} in CRIT" + (f"; {len(c.fired)} rollback trigger(s) fired" if c.fired else "")
            add(f'<figure><figcaption id="{tid}"><strong>{_e(c.label)}</strong> ({_e(c.tile)}) — '
                f"threshold {_e(c.crit_text or 'none')}" + (f", warn {_e(c.warn_text)}" if c.warn_text else "") +
                f" — {_e(what)}</figcaption>{chart_svg(c, tid)}</figure>")
    else:
        add("<p>The layout has no metric tiles.</p>")
    add("</section>")

    # -- integrity
    v = r.verify
    add('<section id="integrity"><h2>Journal integrity</h2>')
    add(f"<p>Head hash <code>{_e(v.head_hash)}</code> after {v.events} events. <code>warroom verify</code>: "
        + ('<span class="ok">chain ok</span>' if v.ok else f'<span class="bad">BROKEN: {len(v.problems)} problem(s)</span>') + "</p>")
    if v.problems:
        add("<ul>" + "".join(f"<li>{_e(p)}</li>" for p in v.problems[:100]) + "</ul>")
    if r.ignored:
        add("<p>Events the state could not apply:</p><ul>" + "".join(f"<li>#{s}: {_e(why)}</li>" for s, why in r.ignored[:100]) + "</ul>")
    add("</section></body></html>\n")
    return "".join(o)
