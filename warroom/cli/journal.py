"""``warroom journal copy SRC DST [--launch ID]``: move a launch between a file and PostgreSQL.

Either side is a journal file or a ``postgresql://`` URL. The source's chain is verified before
anything is written, the events are copied as they are (the same lines, so the same hashes), and
the destination is verified after: the same number of events and the same head hash, or the
command fails. An existing destination (a file, or a launch with any event in the database) is
refused. The launch is the URL's ``?launch=``, else ``--launch``, else, for a database source,
its only launch, and for a file the file's name without ``.journal.yaml``. What sits beside the
events (command outputs, the metric history) is copied after them and read back from the
destination (``warroom.journal_copy``); checkpoints are rebuilt, not copied.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from warroom.journal import HEADER, JournalError, decode_line, verify
from warroom.journal_copy import copy_history, copy_outputs, side_taken
from warroom.journal_pg import (
    copy_lines_in,
    is_url,
    launches,
    lines_of,
    parse_target,
    redact,
    verify_pg,
)


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("journal", help="journal tools: copy a launch between a file and PostgreSQL",
                       description="Journal tools.")
    jsub = p.add_subparsers(dest="journal_command", metavar="COMMAND", required=True)
    c = jsub.add_parser("copy", help="copy a launch's journal (file or postgresql:// URL) to a new place, verifying both sides",
                        description=__doc__.split("\n\n")[1] if __doc__ else None)
    c.add_argument("src", metavar="SRC", help="a journal file or postgresql://...[?launch=ID]")
    c.add_argument("dst", metavar="DST", help="a new journal file or postgresql://...[?launch=ID]")
    c.add_argument("--launch", metavar="ID", help="the launch to copy (default: the URL's ?launch=, the only one, or the file's name)")
    c.set_defaults(func=cmd_copy)


def _file_launch(path: Path) -> str:
    name = path.name
    for suffix in (".journal.yaml", ".yaml", ".yml"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


class _Source:
    def __init__(self, name: str, lines: list[str], head: str, launch: str, where: Any, line_nos: list[int]) -> None:
        self.name, self.lines, self.head, self.launch, self.where = name, lines, head, launch, where
        self.events = [decode_line(line) for line in lines]
        self._at = {ev.seq: n for ev, n in zip(self.events, line_nos)}

    def locate(self, seq: int) -> str:
        """Where an event is: ``path:line:1`` in a file, its seq in a database."""
        n = self._at.get(seq, 0)
        return f"{self.name}:{n}:1" if n else f"{self.name} seq {seq}"


def _read_source(src: str, launch: str | None) -> _Source:
    """The source after verifying every event."""
    if is_url(src):
        if "launch=" not in src and not launch:
            found = launches(src)
            if len(found) != 1:
                raise JournalError(f"{redact(src)} holds {len(found)} launches ({', '.join(found) or 'none'}): name one with --launch ID")
            launch = found[0]
        target = parse_target(src, launch)
        report = verify_pg(target)
        name, lines, line_nos, where = target.display, None, [], target
        if report.ok:
            lines = lines_of(target)
        launch = target.launch
    else:
        path = Path(src)
        if not path.is_file():
            raise JournalError(f"{src}: no such journal file")
        report = verify(path)
        name, lines, line_nos, where = str(path), None, [], path
        if report.ok:
            numbered = [(n, ln) for n, ln in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if ln.startswith("- {")]
            lines, line_nos = [ln for _, ln in numbered], [n for n, _ in numbered]
        launch = launch or _file_launch(path)
    if not report.ok or lines is None:
        shown = "\n  ".join(report.problems[:10])
        raise JournalError(f"{name}: the source's chain is broken, nothing copied:\n  {shown}")
    if len(lines) != report.events:
        raise JournalError(f"{name}: read {len(lines)} events but verified {report.events}; nothing copied")
    return _Source(name, lines, report.head_hash, launch, where, line_nos)


def _write_file(path: Path, lines: list[str]) -> None:
    if path.exists():
        raise JournalError(f"{path} exists: refusing to copy over it")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.copy")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(HEADER)
        for line in lines:
            f.write(line + "\n")
        f.flush()
        os.fsync(f.fileno())
    try:
        os.link(tmp, path)  # fails if the destination appeared meanwhile: never replaces one
    except FileExistsError:
        raise JournalError(f"{path} exists: refusing to copy over it") from None
    finally:
        tmp.unlink()


def cmd_copy(args: argparse.Namespace) -> int:
    try:
        source = _read_source(args.src, args.launch)
        name, lines, head = source.name, source.lines, source.head
        if is_url(args.dst):
            dst: Any = parse_target(args.dst, source.launch)
            taken = side_taken(dst)
            if taken:
                raise JournalError(taken)
            copy_lines_in(dst, lines)
            dst_name, report = dst.display, verify_pg(dst)
        else:
            dst = Path(args.dst)
            if dst.exists():
                raise JournalError(f"{dst} exists: refusing to copy over it")
            taken = side_taken(dst)
            if taken:
                raise JournalError(taken)
            _write_file(dst, lines)
            dst_name, report = str(dst), verify(dst)
    except JournalError as exc:
        print(f"warroom: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"warroom: error: {getattr(exc, 'filename', '') or ''}: {exc.strerror or exc}".replace("error: : ", "error: "), file=sys.stderr)
        return 1
    if not report.ok or report.events != len(lines) or report.head_hash != head:
        print(f"warroom: error: {dst_name}: the copy does not verify ({report.events} events, head {report.head_hash}; "
              f"expected {len(lines)}, head {head})", file=sys.stderr)
        for problem in report.problems[:10]:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(f"copied {len(lines)} events from {name} to {dst_name}; both verify, head {head}")
    # what sits beside the events (checkpoints are not copied: they are rebuilt)
    side = []
    try:
        side.append(copy_outputs(source.where, dst, source.events, source.locate, dst_name))
        side.append(copy_history(source.where, dst, name, dst_name))
    except JournalError as exc:  # the database went away between two steps
        print(f"warroom: error: {exc}", file=sys.stderr)
        return 1
    for rep in side:
        for note in rep.notes:
            print(note)
        for warning in rep.warnings:
            print(f"warroom: warning: {warning}", file=sys.stderr)
        for error in rep.errors:
            print(f"warroom: error: {error}", file=sys.stderr)
    if any(rep.errors for rep in side):
        print(f"warroom: error: the events are in {dst_name}, but not all that sits beside them (above)", file=sys.stderr)
        return 1
    return 0
