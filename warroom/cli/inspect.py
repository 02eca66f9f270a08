"""Commands that read: ``validate``, ``verify``, ``log``, ``status``."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from warroom.cli.common import (
    EXIT_FAIL,
    EXIT_INPUT,
    EXIT_OK,
    EXIT_PENDING,
    Session,
    err,
    open_session,
    warn,
)
from warroom.decision import GO, NO_GO
from warroom.errors import ActionError
from warroom.events import Event
from warroom.inline_text import plain_inline
from warroom.journal import contains_head
from warroom.journals import describe
from warroom.model import Status
from warroom.report import percent, progress_bar, status_data
from warroom.state import LaunchState
from warroom.textsafe import json_safe, one_line
from warroom.tmarks import parse_time, parse_zone
from warroom.workspace import load_workspace, validate_paths


def cmd_validate(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or [Path("layouts"), Path("checklists")]
    missing = [p for p in paths if not p.exists()]
    for p in missing:
        print(f"{p}:0:0: no such file or directory", file=sys.stderr)
    problems, n = validate_paths([p for p in paths if p.exists()])
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems or missing:
        print(f"{len(problems) + len(missing)} problem(s) in {n} file(s)", file=sys.stderr)
        return EXIT_INPUT
    print(f"ok: {n} file(s) valid")
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from warroom.journals import exists, journal_spec, open_journal, verify_spec

    ws = load_workspace(args.layout)
    spec = journal_spec(ws, args.journal)
    if not exists(spec):
        err(f"no journal at {spec} (nothing has been recorded yet)")
        return EXIT_FAIL
    path, report = verify_spec(spec, args.layout)
    for problem in report.problems:  # "line N: message" -> "path:N: message"
        where, _, message = problem.partition(": ")
        print(f"{path}:{where.removeprefix('line ')}: {message}", file=sys.stderr)
    with open_journal(spec, args.layout, read_only=True) as journal:
        result = journal.load()
    replayed = LaunchState.replay(ws, result.events)
    invalid = replayed.problems()
    for line, problem in invalid + replayed.notices():
        print(f"{path}:{line}: {problem}", file=sys.stderr)
    print(f"{path}: {report.events} events; head {report.head_hash}")
    failed = False
    if args.head:
        head = args.head.strip().lower()
        if (contains_head(spec, head) if journal.path is not None else any(e.hash == head for e in result.events)):
            print(f"head {args.head.strip().lower()} is in the journal")
        else:
            err(f"the journal does not contain the head {one_line(args.head)}: events were removed from its end, "
                "or it is another journal")
            failed = True
    if report.problems:
        print(f"BROKEN: {len(report.problems)} problem(s) in the hash chain", file=sys.stderr)
        return EXIT_FAIL
    if invalid:
        print(f"INVALID: {len(invalid)} event(s) that do not fit this war room (skipped when replayed)", file=sys.stderr)
        return EXIT_FAIL
    if failed:
        return EXIT_FAIL
    print("chain ok")
    return EXIT_OK


def _since_filter(since: str | None) -> Callable[[Event], bool]:
    if not since:
        return lambda e: True
    if since.isdigit() and since.isascii():
        if len(since) > 18:
            raise ActionError(f"--since: the sequence number {since[:20]}… is too large")
        n = int(since)
        return lambda e: e.seq >= n
    try:
        t = parse_time(since)
    except (ValueError, OverflowError) as exc:
        raise ActionError(f"--since: expected a sequence number or an ISO time with a zone: {exc}") from None
    return lambda e: e.at >= t


def cmd_log(args: argparse.Namespace) -> int:
    s = open_session(args, read_only=True, every_event=True)
    zone = parse_zone(s.ws.layout.timezone)
    keep = _since_filter(args.since)
    events = [e for e in s.events if keep(e)]
    if args.json:
        for e in events:
            print(json_safe(json.dumps({"seq": e.seq, "ts": e.ts, "op": e.op, "acct": e.acct, "kind": e.kind, "target": e.target,
                                        "payload": e.payload, "hash": e.hash}, ensure_ascii=False)))
        return EXIT_OK
    if events:
        print(f"{'seq':>5}  {'time (' + s.ws.layout.timezone + ')':<19}  {'operator [account]':<20}  {'kind':<11}  what")
    for e in events:
        try:
            local = e.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
        except (ValueError, OverflowError):
            local = one_line(e.ts)
        # one event, one line: a newline in a note shows as ↵ and cannot forge the next row
        what = e.describe().replace("\n", " ↵ ")
        print(f"{e.seq:>5}  {local:<19}  {e.who:<20}  {one_line(e.kind):<11}  {one_line(what)}")
    if not events:
        print("(no events)")
    return EXIT_OK


def _print_status(data: dict[str, Any], s: Session, show_items: bool) -> None:
    zone = parse_zone(s.ws.layout.timezone)
    clock = data["clock"]
    print(f"{data['launch']}")
    if clock["t"] is None:
        line = "T-clock: no T-0 set (warroom t0 LAYOUT TIME)"
    else:
        t0 = datetime.fromisoformat(clock["t0"])
        line = f"T-clock: {clock['t']}  [{clock['state']}]  T-0 {t0.astimezone(zone):%Y-%m-%d %H:%M:%S} {s.ws.layout.timezone} ({t0.astimezone(timezone.utc):%H:%M} UTC)"
    if clock["state"] == "HOLD":
        line += f"\n  HOLD: {clock['hold_reason']}"
        if clock["auto_hold"]:
            line += " — resume needs a GO or an override (warroom resume LAYOUT --override REASON)"
            line += "" if clock["auto_hold_recorded"] else " [not journaled yet: the first writable screen records it]"
    if clock["state"] == "SCRUB":
        line += f"\n  SCRUB: {clock['scrub_reason']}"
    print(line)
    if clock["phase"] or clock["next_phase"]:
        print(f"Phase: {clock['phase'] or '(before the first phase)'}" + (f" — next: {clock['next_phase']}" if clock["next_phase"] else ""))
    verdict = data["decision"]["verdict"]
    print(f"\nDecision: {verdict}")
    for r in data["decision"]["reasons"]:
        print(f"  {'✗' if r['verdict'] == NO_GO else '…'} {plain_inline(r['text'])}")
    print("\nChecklists:")
    for c in data["checklists"]:
        print(f"  {c['title']} ({c['id']})  {c['done']}/{c['total']}  {progress_bar(c['done'], c['total'])} {percent(c['done'], c['total'])}%")

        def walk(secs: list[dict[str, Any]], depth: int) -> None:
            for sec in secs:
                print(f"  {'  ' * depth}  {sec['title']}: {sec['done']}/{sec['total']}")
                walk(sec["sections"], depth + 1)

        walk(c["sections"], 0)
        if show_items:
            for it in c["items"]:
                flags = ("★" if it["critical"] else " ") + ("⚠" if it["overdue"] else " ")
                print(f"    {Status(it['status']).glyph} {flags} {it['id']}  {plain_inline(it['text'])}" + (f"  ({it['reason']})" if it["reason"] else ""))
    print("\nSign-offs:")
    for r in data["signoffs"]:
        who = f" — {r['by']}" + (f" [{r['account']}]" if r["account"] else "") + f" at {r['at']}" if r["by"] else ""
        opt = "" if r["required"] else " (optional)"
        extra = f": {r['comment']}" if r["comment"] else ""
        stale = f" [stale: {r['stale_reason']}]" if r["stale_reason"] else ""
        print(f"  {r['role']}{opt} ({r['person'] or 'unassigned'}): {r['state']}{who}{extra}{stale}")
    if data["poll"]:
        print(f"  poll in progress, waiting on {data['poll']['waiting_on']}")
    if data["criteria"]:
        print("\nCriteria:")
        for c in data["criteria"]:
            mark = {"pass": "✓", "fail": "✗"}.get(c["state"], "?")
            kind = "rollback trigger" if c["kind"] == "rollback" else "go/no-go"
            kind += "" if c["required"] else ", optional"
            threshold = f" ({c['threshold']})" if c["threshold"] else ""
            print(f"  {mark} {c['name']}{threshold} [{kind}]: {c['detail']}")
    if data["overdue"]:
        print(f"\nOverdue: {len(data['overdue'])} item(s)")
        for i in data["overdue"][:20]:
            print(f"  ⚠ {i}")
    print(f"\nJournal: {data['journal']['path']} ({data['journal']['events']} events)")


def _poll_tiles(s: Session, enabled: bool) -> dict[str, Any] | None:
    if not enabled or not s.ws.layout.tiles:
        return None
    from warroom.metrics.probe import poll_once

    return poll_once(s.ws.layout)


def _layout_then(s: Session, as_of: Any) -> Session:
    """The session with the layout as it was at ``as_of`` (warroom.layout_then): its tiles,
    criteria and roles; the current layout, said on stderr, when the text of then is refused."""
    from dataclasses import replace

    from warroom.layout_then import LayoutsThen, refused
    from warroom.state import LaunchState

    prefix = as_of.prefix(s.events)
    then = LayoutsThen(s.ws.layout.path, s.events, s.ws).at(len(prefix))
    if then.problem:
        warn(refused(then))
    if then.ws is s.ws:
        return s
    return replace(s, ws=then.ws, state=LaunchState.replay(then.ws, prefix))


def cmd_status(args: argparse.Namespace) -> int:
    until = None
    now = datetime.now(timezone.utc)
    as_of = None
    if args.as_of:
        from warroom.as_of import AsOf

        as_of = AsOf.parse(args.as_of)
        until = as_of.includes
    s = open_session(args, read_only=True, until=until)
    if as_of is not None:
        s = _layout_then(s, as_of)
    tiles = _poll_tiles(s, not args.no_probe and not args.as_of)
    if as_of is not None:  # the tiles as the metric history had them then
        from warroom.as_of import tiles_as_of
        from warroom.metrics.side import read_samples, where_of

        now = as_of.moment(s.events, now)
        if s.ws.layout.tiles:  # beside a journal file, or in its database
            tiles = tiles_as_of(s.ws, read_samples(where_of(s.journal)), now)
    data = status_data(s.ws, s.state, now, tiles, describe(s.journal), [str(i) for i in s.issues], notes=args.json)
    if tiles is not None:
        data["tiles"] = {name: r.to_json() for name, r in tiles.items()}
    if args.json:
        print(json_safe(json.dumps(data, indent=2, ensure_ascii=False, default=str)))
    else:
        _print_status(data, s, args.items)
    if args.exit_code:
        return {GO: EXIT_OK, NO_GO: EXIT_FAIL}.get(data["decision"]["verdict"], EXIT_PENDING)
    return EXIT_OK
