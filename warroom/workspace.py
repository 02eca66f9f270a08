"""A loaded war room: the layout, its checklists, and look-ups across them.

The readers (YAML, the checklist and layout formats, metric tiles) are imported when a file is
read, not with this module: the war-room screen imports ``Workspace`` to draw its first frame
and reads the files in a worker.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from warroom.errors import ActionError, InputError, Problem, did_you_mean
from warroom.locations import JOURNAL_SUFFIX
from warroom.model import (
    Checklist,
    Criterion,
    Item,
    Layout,
    Pane,
    Role,
    Section,
    Written,
)

NOWHERE = Written(0, 0)


@dataclass
class Workspace:
    layout: Layout
    checklists: list[Checklist]
    items: dict[str, Item] = field(default_factory=dict)
    sections: dict[str, Section] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for checklist in self.checklists:
            for section in checklist.walk_sections():
                self.sections[section.id] = section
            for item in checklist.walk_items():
                self.items[item.id] = item

    @property
    def journal_path(self) -> Path:
        assert self.layout.journal_path is not None
        return self.layout.journal_path

    def checklist(self, checklist_id: str) -> Checklist:
        for c in self.checklists:
            if c.id == checklist_id:
                return c
        raise ActionError(f"unknown checklist '{checklist_id}'{did_you_mean(checklist_id, [c.id for c in self.checklists])}")

    def resolve_item(self, ref: str) -> Item:
        """A full id, or an unambiguous prefix of one. The prefix may start at any ``/`` of the
        id, so ``pre-launch/load`` and ``load-test`` both find ``payments-v2/pre-launch/load-test``."""
        if ref in self.items:
            return self.items[ref]
        from warroom.textsafe import text_problem

        problem = text_problem(ref, "the item id")
        if problem:
            raise ActionError(problem)
        ref = ref.strip("/")
        matches = [i for i in self.items.values() if _matches(i.id, ref)]
        exact = [i for i in matches if i.id.endswith("/" + ref)]
        if len(matches) == 1 or len(exact) == 1:
            return exact[0] if len(exact) == 1 else matches[0]
        if not matches:
            hint = did_you_mean(ref, self.items)
            raise ActionError(f"unknown item '{ref}'{hint}; `warroom status LAYOUT --items` lists every id")
        listed = "\n  ".join(m.id for m in matches[:15])
        more = f"\n  ... and {len(matches) - 15} more" if len(matches) > 15 else ""
        raise ActionError(f"item '{ref}' is ambiguous; it matches {len(matches)} items:\n  {listed}{more}")

    def resolve_role(self, name: str) -> Role:
        for role in self.layout.roles:
            if role.name == name or role.name.lower() == name.lower():
                return role
        names = [r.name for r in self.layout.roles]
        raise ActionError(f"unknown role '{name}'{did_you_mean(name, names)}; roles: {', '.join(names) or '(none)'}")

    def criterion(self, cid: str) -> Criterion:
        for c in self.layout.criteria:
            if c.id == cid:
                return c
        raise ActionError(f"unknown criterion '{cid}'{did_you_mean(cid, [c.id for c in self.layout.criteria])}")

    def critical_items(self) -> list[Item]:
        return [i for i in self.items.values() if i.critical]


def default_panes(layout: Layout, checklists: list[Checklist]) -> list[Pane]:
    """Checklists on the left, timeline / sign-off / tiles stacked on the right."""
    n = max(1, len(checklists))
    layout.columns, layout.rows = 2, max(3, n)
    panes = [Pane(kind="checklist", checklist=c.id, row=i + 1, column=1) for i, c in enumerate(checklists)]
    right = ["timeline", "signoff", "tiles"]
    rows = layout.rows
    spans = [rows // 3 + (1 if k < rows % 3 else 0) for k in range(3)]
    row = 1
    for kind, span in zip(right, spans):
        panes.append(Pane(kind=kind, row=row, column=2, row_span=span))
        row += span
    return panes


def load_workspace(path: Path | str) -> Workspace:
    """Load and cross-check a layout and its checklists. Raises InputError with every problem."""
    ws, problems = _load(Path(path))
    if problems or ws is None:
        raise InputError(problems)
    return ws


def start_loading(path: Path | str) -> Callable[[], Workspace]:
    """Begin ``load_workspace(path)`` on another core; the returned function waits for it.

    On Linux, in a process with a single thread, a forked child reads and checks the files
    while this process goes on (drawing a screen, say) and hands the workspace back through an
    unnamed temporary file. Elsewhere, or if the child fails in any way, the function simply
    loads here. Either way it returns the workspace or raises what ``load_workspace`` raises.
    """
    import threading

    path = Path(path)
    if not sys.platform.startswith("linux") or threading.active_count() != 1:
        return lambda: load_workspace(path)
    import pickle
    import tempfile
    import weakref

    try:
        out = tempfile.TemporaryFile()
        pid = os.fork()
    except OSError:
        return lambda: load_workspace(path)
    if pid == 0:  # the child: load, write, leave at once (no atexit, no buffers flushed twice)
        code = 3
        try:
            try:
                result: tuple[str, Any] = ("ok", load_workspace(path))
            except InputError as exc:
                result = ("problems", exc.problems)
            out.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
            out.flush()
            code = 0
        finally:
            os._exit(code)

    def wait() -> Workspace:
        done: Any = None
        try:
            _, status = os.waitpid(pid, 0)
            if os.waitstatus_to_exitcode(status) == 0:
                out.seek(0)
                done = pickle.loads(out.read())
        except Exception:  # noqa: BLE001 - whatever went wrong over there, loading here says it properly
            done = None
        finally:
            out.close()
        if done is None:
            return load_workspace(path)  # the child failed: load here, and fail here if it must
        kind, value = done
        if kind == "problems":
            raise InputError(value)
        return value

    weakref.finalize(wait, _reap, pid, out)  # never waited for (the app never ran): no zombie left
    return wait


def _reap(pid: int, out: Any) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass  # already waited for
    out.close()


def workspace_from_text(path: Path | str, text: str) -> Workspace:
    """The war room ``text`` describes, read as the layout at ``path`` (its checklists are the
    files it names, as they are now): an older version of the layout, from the journal. The same
    safe loader and checks as the file's. Raises InputError with every problem."""
    ws, problems = _load(Path(path), text)
    if problems or ws is None:
        raise InputError(problems)
    return ws


def _load(path: Path, text: str | None = None) -> tuple[Workspace | None, list[Problem]]:
    from warroom.checklist_format import load_checklist
    from warroom.layout_format import parse_layout
    from warroom.tmarks import format_tmark
    from warroom.yamlio import load_file, load_text

    data, problems = load_file(path) if text is None else load_text(text, str(path))
    if data is None and problems:
        return None, problems
    layout, more = parse_layout(data, path)
    problems += more
    if layout is None:
        return None, problems
    checklists: list[Checklist] = []
    seen: dict[str, Path] = {}
    for cpath in layout.checklist_paths:
        line, col, _ = layout.checklists_written.get(cpath, NOWHERE)
        if not cpath.exists():
            problems.append(Problem(str(path), line, col, f"unknown checklist: file {cpath} does not exist"))
            continue
        checklist, cproblems = load_checklist(cpath)
        problems += cproblems
        if checklist is None:
            continue
        if checklist.id in seen:
            problems.append(Problem(str(path), line, col, f"duplicate checklist id '{checklist.id}' (also in {seen[checklist.id]})"))
            continue
        seen[checklist.id] = cpath
        checklists.append(checklist)
    role_names = [r.name for r in layout.roles]
    phase_marks = [format_tmark(p.mark) for p in layout.phases]
    for checklist in checklists:
        for item in checklist.walk_items():
            if item.role and item.role not in role_names:
                line, col, _ = item.written.get("role", NOWHERE)
                problems.append(Problem(str(checklist.path), line, col, f"item '{item.id}': unknown role '{item.role}'{did_you_mean(item.role, role_names)}"))
            if item.phase and layout.phases and not layout.unread_phases and item.phase not in phase_marks:
                line, col, text = item.written.get("phase", Written(0, 0, item.phase))
                problems.append(Problem(str(checklist.path), line, col,
                                        f"item '{item.id}': phase {text} is not a phase of {path.name} (phases: {', '.join(phase_marks)})"))
    if layout.run is not None and layout.run.items:
        from warroom.runner.settings import item_problems

        problems += item_problems(layout, [s.id for c in checklists for s in c.walk_sections()]
                                  + [i.id for c in checklists for i in c.walk_items()])
    if layout.panes:
        ids = [c.id for c in checklists]
        for pane in layout.panes:
            if pane.kind == "checklist" and pane.checklist and pane.checklist not in ids and len(ids) == len(layout.checklist_paths):
                line, col, _ = pane.written.get("checklist", NOWHERE)
                problems.append(Problem(str(path), line, col, f"unknown checklist '{pane.checklist}'{did_you_mean(pane.checklist, ids)}"))
    else:
        layout.panes = default_panes(layout, checklists)
    return Workspace(layout=layout, checklists=checklists), problems


def validate_paths(paths: list[Path]) -> tuple[list[Problem], int]:
    """Validate layouts and checklists (directories are searched for *.yaml). Returns (problems, files checked)."""
    from warroom.checklist_format import load_checklist
    from warroom.layout_format import LAYOUT_KEYS
    from warroom.yamlio import YMap, load_file

    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files += sorted(x for x in p.rglob("*.yaml") if not x.name.endswith(JOURNAL_SUFFIX))
        else:
            files.append(p)
    problems: list[Problem] = []
    checked: set[Path] = set()
    for f in files:
        data, yproblems = load_file(f)
        if data is None:
            problems += yproblems or [Problem(str(f), 1, 1, "empty file")]
            continue
        # a layout: any layout key and no checklist 'sections' (so a misspelt 'launch' still reads as a layout)
        if isinstance(data, YMap) and "sections" not in data and any(k in LAYOUT_KEYS for k in data):
            ws, more = _load(f)
            problems += more
            if ws:
                checked.update(c.path.resolve() for c in ws.checklists if c.path)
        elif f.resolve() not in checked:
            _, more = load_checklist(f)
            problems += more
        checked.add(f.resolve())
    # one problem, one report, in file order; a file named on the command line keeps the name given there
    given = {f.resolve(): str(f) for f in files}
    problems = [Problem(given.get(Path(p.path).resolve(), p.path), p.line, p.col, p.message) for p in problems]
    unique = sorted(set(problems), key=lambda p: (p.path, p.line, p.col, p.message))
    return unique, len(files)


def _matches(full_id: str, ref: str) -> bool:
    """Does ``ref`` start ``full_id`` or start just after one of its ``/``?"""
    if full_id.startswith(ref):
        return True
    start = full_id.find("/")
    while start >= 0:
        if full_id.startswith(ref, start + 1):
            return True
        start = full_id.find("/", start + 1)
    return False
