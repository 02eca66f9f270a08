"""Commands that record an event: tick, set-status, note, sign, the count, the poll, assess."""

from __future__ import annotations

import argparse

from warroom.cli.common import EXIT_OK, Session, check_head, open_session, warn
from warroom.events import Event
from warroom.journal import Journal
from warroom.textsafe import one_line


def _report(ev: Event, journal: Journal | None = None) -> int:
    print(f"recorded #{ev.seq}: {one_line(ev.describe().replace(chr(10), ' ↵ '))}")
    if journal is not None:
        for warning in journal.warnings:  # a clock behind the journal's
            warn(warning)
        if journal.path is not None:  # a file (a database journal is its own authority on its head)
            check_head(journal.path, journal.head, ev.ts)
    return EXIT_OK


def _report_in(s: Session, ev: Event) -> int:
    return _report(ev, s.journal)


def cmd_tick(args: argparse.Namespace) -> int:
    s = open_session(args)
    return _report_in(s, s.actions.tick(s.state, args.item, undo=args.undo))


def cmd_set_status(args: argparse.Namespace) -> int:
    s = open_session(args)
    return _report_in(s, s.actions.set_status(s.state, args.item, args.status, args.reason or ""))


def cmd_note(args: argparse.Namespace) -> int:
    s = open_session(args)
    item, text = (args.words[0], " ".join(args.words[1:])) if len(args.words) > 1 else (None, args.words[0])
    if args.launch:
        item, text = None, " ".join(args.words)
    return _report_in(s, s.actions.note(s.state, item, text))


def cmd_sign(args: argparse.Namespace) -> int:
    s = open_session(args)
    return _report_in(s, s.actions.sign(s.state, args.role, args.decision, args.comment or ""))


def cmd_hold(args: argparse.Namespace) -> int:
    s = open_session(args)
    return _report_in(s, s.actions.hold(s.state, args.reason))


def cmd_resume(args: argparse.Namespace) -> int:
    s = open_session(args)
    reached = s.actions.settle_t0(s.state)  # the hold at T-0 every view shows, recorded if no screen has
    if reached is not None:
        warn(f"recorded #{reached.seq}: {reached.describe()} (the count had reached T-0)")
    return _report_in(s, s.actions.resume(s.state, args.override or ""))


def cmd_recycle(args: argparse.Namespace) -> int:
    s = open_session(args)
    return _report_in(s, s.actions.recycle(s.state, args.mark, args.reason or ""))


def cmd_scrub(args: argparse.Namespace) -> int:
    s = open_session(args)
    return _report_in(s, s.actions.scrub(s.state, args.reason))


def cmd_t0(args: argparse.Namespace) -> int:
    s = open_session(args)
    return _report_in(s, s.actions.set_t0(s.state, args.time))


def cmd_poll(args: argparse.Namespace) -> int:
    s = open_session(args)
    if args.poll_action == "start":
        ev = s.actions.poll_start(s.state)
    elif args.poll_action == "cancel":
        ev = s.actions.poll_cancel(s.state, args.reason or "")
    else:
        ev = s.actions.poll_answer(s.state, args.poll_action, args.comment or "", role=args.role)
    _report(ev, s.journal)
    s.state.apply(ev)
    if s.state.poll is not None:
        print(f"poll: waiting on {s.state.poll.current_role}")
    elif args.poll_action != "cancel":
        print("poll: complete")
    return EXIT_OK


def cmd_assess(args: argparse.Namespace) -> int:
    s = open_session(args)
    return _report_in(s, s.actions.assess(s.state, args.criterion, args.result, args.value or "", args.comment or "", args.override or ""))
