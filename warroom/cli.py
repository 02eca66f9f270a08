"""The ``warroom`` command: a thin, scriptable shell over the core.

Exit status: 0 success; 1 an action was refused or a check failed; 2 bad input or usage
(every problem printed as ``path:line:col: message``). ``status --exit-code``: 0 GO, 1 NO-GO,
3 PENDING.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Sequence

from warroom import __version__
from warroom.actions import Actions
from warroom.decision import GO, NO_GO, decide
from warroom.errors import ActionError, InputError, NoChange
from warroom.events import Event
from warroom.journal import Journal, JournalIssue, verify
from warroom.model import Item, Section, Status
from warroom.operator import current_operator
from warroom.state import LaunchState
from warroom.tmarks import format_clock, format_tmark, parse_time, parse_zone
from warroom.workspace import Workspace, load_workspace, validate_paths
from warroom.countdown import item_due, phase_index

EXIT_OK, EXIT_FAIL, EXIT_INPUT, EXIT_PENDING = 0, 1, 2, 3


def err(message: str) -> None:
    print(f"warroom: error: {message}", file=sys.stderr)


def warn(message: str) -> None:
    print(f"warroom: warning: {message}", file=sys.stderr)


@dataclass
class Session:
    ws: Workspace
    journal: Journal
    state: LaunchState
    issues: list[JournalIssue]
    operator: str
    events: list[Event]  # every event in the journal (the state may be of fewer: --as-of)

    @property
    def actions(self) -> Actions:
        from warroom.evidence import from_history  # the CLI records the metric history's latest, never polls

        return Actions(self.journal, self.operator, evidence=from_history(self.journal.path))


def open_session(args: argparse.Namespace, read_only: bool = False, until: Callable[[Event], bool] | None = None) -> Session:
    ws = load_workspace(args.layout)
    path = Path(args.journal) if getattr(args, "journal", None) else ws.journal_path
    journal = Journal(path, read_only=read_only)
    result = journal.load()
    for issue in result.issues:
        warn(f"{path}: {issue}")
    events = result.events if until is None else [e for e in result.events if until(e)]
    state = LaunchState.replay(ws, events)
    return Session(ws, journal, state, result.issues, current_operator(getattr(args, "operator", None)), result.events)


# -- validate / verify / log ----------------------------------------------------------------

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
    ws = load_workspace(args.layout)
    path = Path(args.journal) if args.journal else ws.journal_path
    if not path.exists():
        err(f"no journal at {path} (nothing has been recorded yet)")
        return EXIT_FAIL
    report = verify(path)
    for problem in report.problems:  # "line N: message" -> "path:N: message"
        where, _, message = problem.partition(": ")
        print(f"{path}:{where.removeprefix('line ')}: {message}", file=sys.stderr)
    print(f"{path}: {report.events} events; head {report.head_hash}")
    if report.problems:
        print(f"BROKEN: {len(report.problems)} problem(s) in the hash chain", file=sys.stderr)
        return EXIT_FAIL
    print("chain ok")
    return EXIT_OK


def _since_filter(since: str | None) -> Callable[[Event], bool]:
    if not since:
        return lambda e: True
    if since.isdigit():
        n = int(since)
        return lambda e: e.seq >= n
    try:
        t = parse_time(since)
    except ValueError as exc:
        raise ActionError(f"--since: expected a sequence number or an ISO time with a zone: {exc}") from None
    return lambda e: e.at >= t


def cmd_log(args: argparse.Namespace) -> int:
    s = open_session(args, read_only=True)
    zone = parse_zone(s.ws.layout.timezone)
    keep = _since_filter(args.since)
    events = [e for e in s.events if keep(e)]
    if args.json:
        for e in events:
            print(json.dumps({"seq": e.seq, "ts": e.ts, "op": e.op, "kind": e.kind, "target": e.target, "payload": e.payload, "hash": e.hash}, ensure_ascii=False))
        return EXIT_OK
    if events:
        print(f"{'seq':>5}  {'time (' + s.ws.layout.timezone + ')':<19}  {'operator':<20}  {'kind':<11}  what")
    for e in events:
        local = e.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
        print(f"{e.seq:>5}  {local:<19}  {e.op:<20}  {e.kind:<11}  {e.describe()}")
    if not events:
        print("(no events)")
    return EXIT_OK


# -- status -----------------------------------------------------------------------------------

def _bar(done: int, total: int, width: int = 20) -> str:
    filled = round(width * done / total) if total else 0
    return "█" * filled + "░" * (width - filled)


def _pct(done: int, total: int) -> int:
    return round(100 * done / total) if total else 100


def status_data(s: Session, now: datetime, tiles: dict[str, Any] | None) -> dict[str, Any]:
    ws, st = s.ws, s.state
    cd = st.countdown
    t = cd.t(now)
    phases = ws.layout.phases
    pi = phase_index(phases, t)
    decision = decide(st, tiles=tiles)
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
                "by": ist.by, "at": ist.at, "notes": [{"text": n.text, "by": n.by, "at": n.at} for n in ist.notes]}

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
        "clock": {"state": cd.state, "t": format_clock(t) if t is not None else None,
                  "t_seconds": t.total_seconds() if t is not None else None,
                  "t0": eff.isoformat() if eff else None, "hold_reason": cd.hold_reason,
                  "scrub_reason": cd.scrub_reason, "attempt": cd.attempt, "recycles": cd.recycles,
                  "phase": phases[pi].name if pi >= 0 else None,
                  "next_phase": phases[pi + 1].name if pi + 1 < len(phases) else None},
        "decision": {"verdict": decision.verdict, "reasons": [{"verdict": r.verdict, "kind": r.kind, "target": r.target, "text": r.text} for r in decision.reasons]},
        "signoffs": [{"role": r.name, "person": r.person, "required": r.required, "state": r.state, "by": r.by, "at": r.at,
                      "comment": r.comment, "stale_reason": r.stale_reason} for r in decision.roles],
        "criteria": [{"id": c.criterion.id, "name": c.criterion.name, "kind": c.criterion.kind, "threshold": c.criterion.threshold,
                      "tile": c.criterion.tile, "required": c.criterion.required, "state": c.state, "detail": c.detail} for c in decision.criteria],
        "poll": None if st.poll is None else {"roles": st.poll.roles, "waiting_on": st.poll.current_role,
                                              "answers": {k: v.decision for k, v in st.poll.answers.items()}},
        "checklists": checklists,
        "overdue": sorted(overdue),
        "journal": {"path": str(s.journal.path), "events": st.event_count, "head": st.head_hash,
                    "issues": [str(i) for i in s.issues]},
    }


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
    if clock["state"] == "SCRUB":
        line += f"\n  SCRUB: {clock['scrub_reason']}"
    print(line)
    if clock["phase"] or clock["next_phase"]:
        print(f"Phase: {clock['phase'] or '(before the first phase)'}" + (f" — next: {clock['next_phase']}" if clock["next_phase"] else ""))
    verdict = data["decision"]["verdict"]
    print(f"\nDecision: {verdict}")
    for r in data["decision"]["reasons"]:
        print(f"  {'✗' if r['verdict'] == NO_GO else '…'} {r['text']}")
    print("\nChecklists:")
    for c in data["checklists"]:
        print(f"  {c['title']} ({c['id']})  {c['done']}/{c['total']}  {_bar(c['done'], c['total'])} {_pct(c['done'], c['total'])}%")

        def walk(secs: list[dict[str, Any]], depth: int) -> None:
            for sec in secs:
                print(f"  {'  ' * depth}  {sec['title']}: {sec['done']}/{sec['total']}")
                walk(sec["sections"], depth + 1)

        walk(c["sections"], 0)
        if show_items:
            for it in c["items"]:
                flags = ("★" if it["critical"] else " ") + ("⚠" if it["overdue"] else " ")
                print(f"    {Status(it['status']).glyph} {flags} {it['id']}  {it['text']}" + (f"  ({it['reason']})" if it["reason"] else ""))
    print("\nSign-offs:")
    for r in data["signoffs"]:
        who = f" — {r['by']} at {r['at']}" if r["by"] else ""
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


def cmd_status(args: argparse.Namespace) -> int:
    until = None
    now = datetime.now(timezone.utc)
    as_of = None
    if args.as_of:
        from warroom.as_of import AsOf

        as_of = AsOf.parse(args.as_of)
        until = lambda e: e.seq <= as_of.seq if as_of.seq is not None else e.at <= as_of.time  # noqa: E731
    s = open_session(args, read_only=True, until=until)
    tiles = _poll_tiles(s, not args.no_probe and not args.as_of)
    if as_of is not None:  # the tiles as the metric history had them then
        from warroom.as_of import tiles_as_of
        from warroom.metrics.history import history_path, read_history

        now = as_of.moment(s.events, now)
        if s.ws.layout.tiles:
            tiles = tiles_as_of(s.ws, read_history(history_path(s.journal.path)), now)
    data = status_data(s, now, tiles)
    if tiles is not None:
        data["tiles"] = {name: r.to_json() for name, r in tiles.items()}
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    else:
        _print_status(data, s, args.items)
    if args.exit_code:
        return {GO: EXIT_OK, NO_GO: EXIT_FAIL}.get(data["decision"]["verdict"], EXIT_PENDING)
    return EXIT_OK


# -- actions ----------------------------------------------------------------------------------

def _report(ev: Event) -> int:
    print(f"recorded #{ev.seq}: {ev.describe()}")
    return EXIT_OK


def cmd_tick(args: argparse.Namespace) -> int:
    s = open_session(args)
    return _report(s.actions.tick(s.state, args.item, undo=args.undo))


def cmd_set_status(args: argparse.Namespace) -> int:
    s = open_session(args)
    return _report(s.actions.set_status(s.state, args.item, args.status, args.reason or ""))


def cmd_note(args: argparse.Namespace) -> int:
    s = open_session(args)
    item, text = (args.words[0], " ".join(args.words[1:])) if len(args.words) > 1 else (None, args.words[0])
    if args.launch:
        item, text = None, " ".join(args.words)
    return _report(s.actions.note(s.state, item, text))


def cmd_sign(args: argparse.Namespace) -> int:
    s = open_session(args)
    return _report(s.actions.sign(s.state, args.role, args.decision, args.comment or ""))


def cmd_hold(args: argparse.Namespace) -> int:
    s = open_session(args)
    return _report(s.actions.hold(s.state, args.reason))


def cmd_resume(args: argparse.Namespace) -> int:
    s = open_session(args)
    return _report(s.actions.resume(s.state))


def cmd_recycle(args: argparse.Namespace) -> int:
    s = open_session(args)
    return _report(s.actions.recycle(s.state, args.mark, args.reason or ""))


def cmd_scrub(args: argparse.Namespace) -> int:
    s = open_session(args)
    return _report(s.actions.scrub(s.state, args.reason))


def cmd_t0(args: argparse.Namespace) -> int:
    s = open_session(args)
    return _report(s.actions.set_t0(s.state, args.time))


def cmd_poll(args: argparse.Namespace) -> int:
    s = open_session(args)
    if args.poll_action == "start":
        ev = s.actions.poll_start(s.state)
    elif args.poll_action == "cancel":
        ev = s.actions.poll_cancel(s.state, args.reason or "")
    else:
        ev = s.actions.poll_answer(s.state, args.poll_action, args.comment or "", role=args.role)
    _report(ev)
    s.state.apply(ev)
    if s.state.poll is not None:
        print(f"poll: waiting on {s.state.poll.current_role}")
    elif args.poll_action != "cancel":
        print("poll: complete")
    return EXIT_OK


def cmd_assess(args: argparse.Namespace) -> int:
    s = open_session(args)
    return _report(s.actions.assess(s.state, args.criterion, args.result, args.value or "", args.comment or ""))


# -- parser -----------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--journal", metavar="PATH", help="journal file (default: beside the layout, <layout>.journal.yaml)")
    common.add_argument("--as", dest="operator", metavar="NAME", help="who is acting (default: $WARROOM_OPERATOR, else user@host)")

    parser = argparse.ArgumentParser(prog="warroom", description="A terminal war-room for software launches.",
                                     epilog="`warroom LAYOUT` opens the war room; `warroom demo` opens the demo.")
    parser.add_argument("--version", action="version", version=f"warroom {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def cmd(name: str, func: Callable[[argparse.Namespace], int], help: str, layout: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help, description=help)
        if layout:
            p.add_argument("layout", metavar="LAYOUT", help="the layout file (layouts/NAME.yaml)")
        p.set_defaults(func=func)
        return p

    p = cmd("validate", cmd_validate, "check layouts and checklists; print every problem as path:line:col", layout=False)
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: layouts/ checklists/)")

    p = cmd("status", cmd_status, "progress, clock, sign-offs, the decision and why")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--items", action="store_true", help="list every item with its id and status")
    p.add_argument("--exit-code", action="store_true", help="exit 0 only for GO (1 NO-GO, 3 PENDING)")
    p.add_argument("--as-of", metavar="TIME|SEQ", help="the state as it was at TIME (ISO 8601 with zone) or right after event SEQ")
    p.add_argument("--no-probe", action="store_true", help="do not poll metric tiles")

    p = cmd("tick", cmd_tick, "mark an item done (--undo: back to todo)")
    p.add_argument("item", metavar="ITEM", help="item id or an unambiguous prefix")
    p.add_argument("--undo", action="store_true", help="untick")

    p = cmd("set-status", cmd_set_status, "set an item's status")
    p.add_argument("item", metavar="ITEM")
    p.add_argument("status", choices=[s.value for s in Status])
    p.add_argument("--reason", help="why (required for blocked and skipped)")

    p = cmd("note", cmd_note, "add a note to an item (or, with one argument or --launch, to the launch)")
    p.add_argument("words", nargs="+", metavar="[ITEM] TEXT")
    p.add_argument("--launch", action="store_true", help="the note is about the launch, not an item")

    p = cmd("sign", cmd_sign, "sign off as a role: go or no-go")
    p.add_argument("role", metavar="ROLE")
    p.add_argument("decision", choices=["go", "no-go", "GO", "NO-GO"])
    p.add_argument("--comment", help="why (required for no-go)")

    p = cmd("hold", cmd_hold, "hold the count")
    p.add_argument("reason", metavar="REASON")
    cmd("resume", cmd_resume, "resume the count after a hold")
    p = cmd("recycle", cmd_recycle, "set the clock back to an earlier T-mark (and hold there)")
    p.add_argument("mark", metavar="T-MARK", help="e.g. T-1h")
    p.add_argument("--reason")
    p = cmd("scrub", cmd_scrub, "scrub this launch attempt")
    p.add_argument("reason", metavar="REASON")
    p = cmd("t0", cmd_t0, "set T-0 (starts a new attempt after a scrub)")
    p.add_argument("time", metavar="TIME", help="ISO 8601 with zone, e.g. 2026-11-23T16:00:00+01:00")

    p = cmd("poll", cmd_poll, "go/no-go poll: start, answer go|no-go for the role being asked, or cancel")
    p.add_argument("poll_action", choices=["start", "go", "no-go", "cancel"])
    p.add_argument("--role", help="the role answering (default: the one the poll is waiting on)")
    p.add_argument("--comment")
    p.add_argument("--reason", help="why the poll is cancelled")

    p = cmd("assess", cmd_assess, "record a manual go/no-go criterion as pass or fail")
    p.add_argument("criterion", metavar="CRITERION")
    p.add_argument("result", choices=["pass", "fail"])
    p.add_argument("--value", help="the measured value")
    p.add_argument("--comment")

    p = cmd("log", cmd_log, "print the journal")
    p.add_argument("--since", metavar="SEQ|TIME")
    p.add_argument("--json", action="store_true", help="one JSON object per line")

    cmd("verify", cmd_verify, "check the journal's hash chain and print the head hash")

    from warroom.importer.cli import register as register_importer
    from warroom.metrics.cli import register as register_metrics
    from warroom.tui.cli import register as register_tui

    register_importer(sub, common)
    register_metrics(sub, common)
    register_tui(sub, common)
    from warroom.launch_report.command_line import add_parser as add_report
    from warroom.metrics.command_line import add_parser as add_watch

    add_report(sub, common)
    add_watch(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    commands = set(parser._subparsers._group_actions[0].choices) if parser._subparsers else set()  # type: ignore[union-attr]
    if argv and argv[0] not in commands and not argv[0].startswith("-") and argv[0].endswith((".yaml", ".yml")):
        argv.insert(0, "open")  # `warroom LAYOUT` opens the war room
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_INPUT
    try:
        return args.func(args)
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s); nothing was changed", file=sys.stderr)
        return EXIT_INPUT
    except NoChange as exc:
        print(f"warroom: {exc}")
        return EXIT_OK
    except ActionError as exc:
        err(str(exc))
        return EXIT_FAIL
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:
        err(f"{getattr(exc, 'filename', '') or ''}: {exc.strerror or exc}".lstrip(": "))
        return EXIT_FAIL


if __name__ == "__main__":
    raise SystemExit(main())
