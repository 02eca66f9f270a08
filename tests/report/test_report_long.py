"""The report of a long launch: the story whole, the repetitive counted (per phase, per tile), the
sections bounded and saying so, charts drawn per pixel column, and the journal read once."""

from __future__ import annotations

import html as htmllib
import math
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from report_support import war_room

from warroom.events import METRIC_STATE, SET_STATUS
from warroom.journal import Journal, verified_events, verify, VerifyReport
from warroom.launch_report import html as html_mod
from warroom.launch_report import markdown as md_mod
from warroom.launch_report.model import Chart, Group, Row, build_report, group_text, milestones
from warroom.launch_report.svg import H, L, R, W, chart_svg
from warroom.launch_report.text import write_report
from warroom.metrics.history import HistSample, history_path, read_history
from warroom.workspace import load_workspace

START = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


@pytest.fixture()
def long_launch(tmp_path: Path) -> Path:
    """T-0 two hours out: ticks in Pre-Launch interleaved with a tile's transitions, a note, more
    ticks, a hold, then ticks in the T-1 Hour phase, and sign-offs."""
    layout = war_room(tmp_path, "http://127.0.0.1:9")
    ws = load_workspace(layout)
    items = [i for i in ws.items.values() if not i.critical]
    at = [START]

    def step(j: Journal, kind: str, target: str, payload: dict, seconds: int = 10, op: str = "ana") -> None:
        at[0] += timedelta(seconds=seconds)
        j.append(kind, target, payload, op=op, now=at[0])

    with Journal(layout.with_name("launch.journal.yaml")) as j:
        j.append("set-t0", "", {"t0": (START + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S.000Z")}, op="flight", now=START)
        states = ["OK", "WARN"]
        for n in range(30):
            step(j, "set-status", items[n % len(items)].id, {"status": "done" if n % 3 else "in-progress"}, op=["ana", "bo"][n % 2])
            if n % 2:
                step(j, "metric-state", "lat", {"from": states[n % 4 // 2], "state": states[(n % 4 // 2) ^ 1], "value": 300 + n},
                     op="poller")
        step(j, "note", "", {"text": "canary at 1% <b>fine</b>"})
        for n in range(8):
            step(j, "set-status", items[n % len(items)].id, {"status": "todo"})
        step(j, "hold", "", {"reason": "vendor window"}, op="flight")
        step(j, "resume", "", {}, op="flight")
        at[0] = START + timedelta(hours=1, minutes=30)  # T-30m: the T-1 Hour phase
        for n in range(12):
            step(j, "set-status", items[n % len(items)].id, {"status": "done"}, op="cy")
        for role in ("Product Owner", "Tech Lead", "Security", "Operations"):
            step(j, "sign", role, {"decision": "GO"}, op="lead")
        for n in range(6):
            step(j, "note", items[n % len(items)].id, {"text": f"note {n}"}, op="dee")
        step(j, "metric-state", "lat", {"from": "OK", "state": "CRIT", "value": 990}, op="poller")  # NO-GO
        step(j, "metric-state", "lat", {"from": "CRIT", "state": "OK", "value": 210}, op="poller")  # PENDING again
    return layout


def _report(layout: Path):
    journal = layout.with_name("launch.journal.yaml")
    events = Journal(journal, read_only=True).load().events
    return events, build_report(load_workspace(layout), events, verify(journal), journal, read_history(history_path(journal)))


def test_repetitive_events_are_counted_per_phase_and_per_tile(long_launch: Path) -> None:
    events, r = _report(long_launch)
    repetitive = {e.seq for e in events if e.kind == METRIC_STATE or (e.kind == SET_STATUS and e.payload["status"] != "blocked")}
    moved = {seq for seq, _, _ in r.decision_changes}
    whole = [e for e in r.timeline if isinstance(e, Row)]
    groups = [g for g in r.timeline if isinstance(g, Group)]
    assert sorted([x.seq for x in whole] + [s for g in groups for s in g.seqs]) == [e.seq for e in events]
    assert {x.seq for x in whole} >= {e.seq for e in events} - repetitive | moved
    # the ticks before the note: one group in Pre-Launch, and the tile's transitions beside it (interleaved)
    pre = next(g for g in groups if g.label == "items set during Pre-Launch (T-4h)")
    tile = next(g for g in groups if g.label == "tile lat changes")
    assert pre.count >= 30 and tile.count == 15 and pre.first.seq < tile.first.seq < pre.last_seq
    assert pre.details.get("done", 0) >= 20 and pre.ops == {"ana": pre.ops["ana"], "bo": pre.ops["bo"]}
    assert tile.details == {"OK": 7, "WARN": 8} or tile.details == {"OK": 8, "WARN": 7}
    # after the hold, in the T-1 Hour phase: a group of its own
    late = [g for g in groups if g.label == "items set during T-1 Hour (T-1h)"]
    assert late and sum(g.count for g in late) + len([x for x in whole if x.kind == SET_STATUS and x.t.startswith("T-00:")]) == 12
    for g in groups:  # no event shown whole inside a group's span
        assert not [x for x in whole if g.first.seq < x.seq < g.last_seq]
    # the decision over time is what ``decide`` says after every event (the tile's transitions included)
    from warroom.decision import decide
    from warroom.state import LaunchState

    state, verdict, changes = LaunchState(load_workspace(long_launch)), "PENDING", []
    for ev in events:
        state.apply(ev)
        if (v := decide(state).verdict) != verdict:
            verdict = v
            changes.append((ev.seq, v))
    assert [v for _, v in changes] == ["NO-GO", "PENDING"] and [(seq, v) for seq, _, v in r.decision_changes] == changes
    assert [x.seq for x in whole[-2:]] == [seq for seq, _ in changes]  # transitions that moved it: shown whole
    what, who = group_text(pre)
    assert what.startswith(f"{pre.count} × items set during Pre-Launch (T-4h): ") and "ana ×" in who and "bo ×" in who

    page = write_report(long_launch, None, "html")
    timeline = re.search(r'<section id="timeline">(.*?)</section>', page, re.S)[1]
    assert f'<td class="span">#{pre.first.seq}–#{pre.last_seq}</td>' in timeline
    assert htmllib.escape(what, quote=True) in timeline
    assert "canary at 1% &lt;b&gt;fine&lt;/b&gt;" in timeline


def test_a_long_markdown_timeline_keeps_the_milestones(long_launch: Path, monkeypatch) -> None:
    events, r = _report(long_launch)
    short = milestones(r.timeline)
    assert len(short) < len(r.timeline)
    assert sorted([x.seq for x in short if isinstance(x, Row)] + [s for g in short if isinstance(g, Group) for s in g.seqs]) \
        == [e.seq for e in events]
    assert all(x.tier == 1 for x in short if isinstance(x, Row)) and {e.seq for e in events if e.kind in ("set-t0", "hold", "resume")} \
        <= {x.seq for x in short if isinstance(x, Row)}
    monkeypatch.setattr(md_mod, "MAX_TIMELINE", len(short))
    md = write_report(long_launch, None, "markdown")
    part = md.split("## Timeline")[1].split("## Holds")[0]
    lines = [line for line in part.splitlines() if line.startswith("|")]
    assert len(lines) == 2 + len(short)
    between = next(g for g in short if isinstance(g, Group))
    assert f"\\#{between.first.seq}–\\#{between.last_seq}" in part and f"**{md_mod.md(group_text(between)[0])}**" in part
    assert f"{between.count} × other events\\: " in part
    assert "set\\-status" in part or "set-status" in part
    monkeypatch.setattr(md_mod, "MAX_TIMELINE", 3)  # shorter still: cut, and said
    part = write_report(long_launch, None, "markdown").split("## Timeline")[1].split("## Holds")[0]
    assert len([line for line in part.splitlines() if line.startswith("|")]) == 2 + 3
    assert f"… and {len(short) - 3} more lines" in part and "warroom log" in part


def test_long_sections_list_the_latest_and_say_so(long_launch: Path, monkeypatch) -> None:
    events, r = _report(long_launch)
    monkeypatch.setattr(html_mod, "MAX_SECTION", 3)
    page = write_report(long_launch, None, "html")
    notes = re.search(r'<section id="notes">(.*?)</section>', page, re.S)[1]
    assert "4 earlier notes are not repeated here: the timeline above shows every one" in notes
    assert [int(s) for s in re.findall(r"<tr><td>(\d+)</td>", notes)] == [seq for seq, *_ in r.notes[-3:]]
    signs = re.search(r'<section id="signoffs">(.*?)</section>', page, re.S)[1]
    assert signs.count("<h3>") == 4  # all four stand: none left out
    monkeypatch.setattr(md_mod, "MAX_LIST", 2)
    md = write_report(long_launch, None, "markdown")
    assert "*5 earlier notes are not listed here" in md and "`warroom log LAYOUT`" in md
    rendered = MarkdownIt("commonmark").enable("table").render(md)
    assert "<b>" not in rendered and "&lt;b&gt;fine&lt;/b&gt;" in rendered


def test_charts_are_drawn_per_pixel_column_and_keep_every_breach() -> None:
    t0 = START.timestamp()
    samples = []
    for i in range(20_000):
        v = 250 + 40 * math.sin(i / 300)
        state = "OK"
        if i == 12_345:
            v, state = 990.0, "CRIT"  # one spike among 20,000
        elif 5_000 <= i < 5_003:
            v, state = 450.0, "WARN"
        samples.append(HistSample(t0 + i * 2, "lat", v, state, state == "OK"))
    chart = Chart("lat", "Latency", "ms", samples, 400.0, 500.0, "< 500ms", "< 400ms", 1, [], [])
    svg = chart_svg(chart, "t")
    points = re.search(r'<polyline points="([^"]+)"', svg)[1].split()
    cols = W - L - R
    assert cols < len(points) <= 2 * cols  # per pixel column: its lowest and highest sample
    ys = [float(p.split(",")[1]) for p in points]
    breaches = re.findall(r'<circle class="breach" cx="([\d.]+)" cy="([\d.]+)" r="3" fill="([^"]+)"><title>([^<]+)</title>', svg)
    assert len(breaches) == 2  # the spike and the WARN run (three samples in one column: one mark)
    crit = next(b for b in breaches if b[3].startswith("CRIT"))
    assert float(crit[1]) == min(ys) and "990 ms" in crit[3]  # the spike is as tall as it was, and marked
    assert any(b[3].startswith("WARN 450 ms") for b in breaches)
    assert 0 < min(ys) and max(ys) < H


def test_the_report_reads_the_journal_once_and_says_what_verify_says(tmp_path: Path) -> None:
    layout = war_room(tmp_path, "http://127.0.0.1:9")
    journal = layout.with_name("launch.journal.yaml")
    with Journal(journal) as j:
        for n in range(5):
            j.append("note", "", {"text": f"n{n}"}, op="ana")
    lines = journal.read_text().splitlines(keepends=True)
    lines[3] = lines[3].replace('"n2"', '"n2 edited"')  # an edited event
    del lines[4]  # a removed one
    journal.write_text("".join(lines))
    seen: list = []
    expected = verify(journal, seen)
    report = VerifyReport()
    events = list(verified_events(journal, report))
    assert events == seen and report == expected and not report.ok and len(report.problems) == 2
    page = write_report(layout, None, "html")
    integrity = re.search(r'<section id="integrity">(.*?)</section>', page, re.S)[1]
    assert "BROKEN: 2 problem(s)" in integrity and all(htmllib.escape(p, quote=True) in integrity for p in expected.problems)


def test_a_time_the_parser_bends_to_is_shown_rebuilt_not_as_written(tmp_path: Path) -> None:
    """``datetime.fromisoformat`` takes any character between the date and the time: the report
    never shows the time as written, only as rebuilt from its digits."""
    from warroom.events import Event
    from warroom.launch_report.html import render_html
    from warroom.launch_report.markdown import render_markdown

    layout = war_room(tmp_path, "http://127.0.0.1:9")
    events = [Event(1, "2026-11-23<14:00:00.000Z", "ana", "note", "", {"text": "x"}),
              Event(2, "2026-11-23T14:00:01.000+00:00", "ana", "note", "", {"text": "y"})]
    r = build_report(load_workspace(layout), events, VerifyReport(), layout.with_name("launch.journal.yaml"))
    page = render_html(r)
    assert "23<14" not in page and "2026-11-23 14:00:00 UTC" in page and "2026-11-23 14:00:01 UTC" in page
    assert "23<14" not in render_markdown(r)
