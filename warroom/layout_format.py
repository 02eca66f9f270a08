"""The layout YAML format (``layouts/*.yaml``): what a war room shows and where.

See ``docs/formats.md`` for the annotated format.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from warroom.checklist_format import Reader
from warroom.errors import Problem, describe_value, did_you_mean
from warroom.ids import slugify
from warroom.locations import default_journal_path
from warroom.model import BuiltinHold, Criterion, Layout, Pane, Phase, Role, Written
from warroom.tmarks import parse_duration, parse_time, parse_tmark, parse_zone
from warroom.yamlio import YList, YMap

_ACCOUNT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,63}")

LAYOUT_KEYS = ["launch", "t0", "timezone", "checklists", "phases", "holds", "roles", "criteria", "rollback", "tiles", "journal", "screen", "run"]
PHASE_KEYS = ["mark", "name"]
HOLD_KEYS = ["at", "for", "name"]
ROLE_KEYS = ["name", "person", "contact", "required", "poll_order", "accounts", "delegates"]
CRITERION_KEYS = ["id", "name", "threshold", "tile", "required", "description", "for"]
SCREEN_KEYS = ["columns", "rows", "panes"]
PANE_KEYS = ["pane", "checklist", "row", "column", "row_span", "column_span", "title"]
PANE_KINDS = ["checklist", "timeline", "signoff", "tiles", "journal"]


def _int(r: Reader, node: YMap, key: str, default: int, low: int = 1, high: int = 12) -> int:
    value = node.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        r.problem(node.vpos(key), f"expected a whole number for '{key}', got {describe_value(value)}")
        return default
    if not low <= value <= high:
        r.problem(node.vpos(key), f"'{key}' must be between {low} and {high}, got {value}")
        return default
    return value


def parse_layout(data: Any, path: Path) -> tuple[Layout | None, list[Problem]]:
    r = Reader(str(path))
    if data is None:
        r.problem((1, 1), "empty file: expected a layout with 'launch' and 'checklists'")
        return None, r.problems
    root = r.mapping(data, (1, 1), "the layout")
    if root is None:
        return None, r.problems
    r.check_keys(root, LAYOUT_KEYS, "layout")
    layout = Layout(path=path, launch=r.text(root, "launch", required=True, what="layout"))
    _clock(r, root, layout)
    _checklists(r, root, layout)
    if layout.journal_path is not None and "journal" in root:
        target = layout.journal_path.resolve()
        if target == path.resolve() or target in layout.checklist_paths:
            what = "this layout" if target == path.resolve() else "one of its checklists"
            r.problem(root.vpos("journal"), f"'journal' names {what} ({layout.journal_path}); events would be "
                                            "appended to it: give the journal a file of its own")
    _phases(r, root, layout)
    _holds(r, root, layout)
    _roles(r, root, layout)
    tiles, tile_problems, raw_tiles = [], [], root.get("tiles")
    if raw_tiles is not None:  # the metrics modules load only for a layout with tiles
        from warroom.metrics.spec import parse_tiles

        tiles, tile_problems = parse_tiles(raw_tiles, str(path))
    r.problems.extend(tile_problems)
    layout.tiles = [t for t in tiles if t.enabled]  # only enabled tiles are polled
    layout.disabled_tiles = [t for t in tiles if not t.enabled]
    layout.tile_order = list(tiles)
    _criteria(r, root, layout)
    _screen(r, root, layout)
    if root.get("run") is not None:  # the runner's settings load only for a layout that has them
        from warroom.runner.settings import parse_run

        layout.run = parse_run(r, root, path)
    return layout, r.problems


def _clock(r: Reader, root: YMap, layout: Layout) -> None:
    """T-0, the display zone and where the journal lives."""
    if root.get("t0") not in (None, ""):
        try:
            layout.t0 = parse_time(str(root["t0"]))
        except ValueError as exc:
            r.problem(root.vpos("t0"), f"unparsable time for 't0': {exc}")
    layout.timezone = r.text(root, "timezone") or "UTC"
    try:
        parse_zone(layout.timezone)
    except ValueError as exc:
        r.problem(root.vpos("timezone"), str(exc))
        layout.timezone = "UTC"
    journal = r.text(root, "journal")
    path = layout.path
    layout.journal_path = (path.parent / journal) if journal else default_journal_path(path)
    if journal and journal.startswith(("postgresql://", "postgres://")):
        from warroom.journal_pg import password_in

        layout.journal_path = None
        if password_in(journal):
            r.problem(root.vpos("journal"), "the journal URL holds a password: keep it out of the layout "
                      "(PGPASSWORD, a libpq service file or ~/.pgpass; see docs/postgresql.md)")
        else:
            layout.journal_url = journal


def _checklists(r: Reader, root: YMap, layout: Layout) -> None:
    checklists = r.seq(root, "checklists")
    if "checklists" not in root:
        r.problem(root.pos, "missing required key 'checklists' in layout")
    for i, ref in enumerate(checklists):
        if not isinstance(ref, str) or not ref:
            r.problem(checklists.ipos(i), f"expected a checklist file path, got {describe_value(ref)}")
            continue
        p = (layout.path.parent / ref).resolve()
        layout.checklist_paths.append(p)
        layout.checklists_written[p] = Written(*checklists.ipos(i), ref)


def _phases(r: Reader, root: YMap, layout: Layout) -> None:
    where: list[tuple[int, int]] = []
    for _, node in r.entries(root, "phases", "a phase", PHASE_KEYS):
        label = r.text(node, "mark", required=True, what="phase")
        if not label:
            continue
        try:
            mark = parse_tmark(label)
        except ValueError as exc:
            r.problem(node.vpos("mark"), f"unparsable time for 'mark': {exc}")
            continue
        layout.phases.append(Phase(mark=mark, name=r.text(node, "name") or label, label=label))
        where.append(node.pos)
    layout.unread_phases = len(r.seq(root, "phases")) - len(layout.phases)
    for (a, b), pos in zip(zip(layout.phases, layout.phases[1:]), where[1:]):
        if b.mark <= a.mark:
            r.problem(pos, f"phases must be in time order: '{b.label}' comes after '{a.label}'")


def _holds(r: Reader, root: YMap, layout: Layout) -> None:
    """Built-in holds: ``{at: T-10m, for: 10m, name: go/no-go poll}`` (no two at one mark)."""
    seen: dict[object, tuple[int, int]] = {}
    for _, node in r.entries(root, "holds", "a hold", HOLD_KEYS):
        label = r.text(node, "at", required=True, what="hold")
        length = node.get("for")
        if not label:
            continue
        if length in (None, ""):
            r.problem(node.pos, "missing required key 'for' in hold (how long it lasts, e.g. 10m)")
            continue
        try:
            mark = parse_tmark(label)
        except ValueError as exc:
            r.problem(node.vpos("at"), f"unparsable time for 'at': {exc}")
            continue
        try:
            duration = parse_duration(str(length))
        except ValueError as exc:
            r.problem(node.vpos("for"), f"unparsable duration for 'for': {exc}")
            continue
        if mark >= timedelta(0):
            r.problem(node.vpos("at"), f"a built-in hold comes before T-0, got '{label}' (T-0 itself holds without a GO)")
            continue
        if duration.total_seconds() <= 0:
            r.problem(node.vpos("for"), f"a hold lasts some time, got '{length}'")
            continue
        if mark in seen:
            r.problem(node.pos, f"two holds at {label} (first at line {seen[mark][0]})")
            continue
        seen[mark] = node.pos
        layout.holds.append(BuiltinHold(mark, duration, r.text(node, "name") or f"built-in hold at {label}", label))
    layout.holds.sort(key=lambda h: h.mark, reverse=True)


def _roles(r: Reader, root: YMap, layout: Layout) -> None:
    seen: dict[str, tuple[int, int]] = {}
    for i, node in r.entries(root, "roles", "a role", ROLE_KEYS, shorthand="name"):
        name = r.text(node, "name", required=True, what="role")
        if not name:
            continue
        if name in seen:
            r.problem(node.pos, f"duplicate role '{name}' (first at line {seen[name][0]})")
            continue
        seen[name] = node.pos
        order = _int(r, node, "poll_order", i + 1, 0, 1000) if "poll_order" in node else i + 1
        layout.roles.append(Role(name=name, person=r.text(node, "person"), required=r.flag(node, "required", True), poll_order=order,
                                 contact=r.text(node, "contact"), accounts=_accounts(r, node, "accounts"),
                                 delegates=_accounts(r, node, "delegates")))


def _accounts(r: Reader, node: YMap, key: str) -> list[str]:
    """A role's ``accounts:`` or ``delegates:``: Unix account names (one name stands for a list of one)."""
    value = node.get(key)
    if value is None:
        return []
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else None
    if values is None:
        r.problem(node.vpos(key), f"expected a list of account names for '{key}', got {describe_value(value)}")
        return []
    out = []
    for i, name in enumerate(values):
        pos = value.ipos(i) if isinstance(value, YList) else node.vpos(key)
        if not isinstance(name, str) or not _ACCOUNT.fullmatch(name):
            r.problem(pos, f"'{key}': expected a Unix account name (letters, digits, '.', '_', '-'), got {describe_value(name)}")
            continue
        out.append(name)
    return out


def _criteria(r: Reader, root: YMap, layout: Layout) -> None:
    """Go/no-go criteria (``criteria:``) and rollback triggers (``rollback:``), one id space."""
    all_tiles = layout.all_tiles  # a criterion may be bound to a disabled tile: it waits for it
    tile_names = [t.name for t in all_tiles]
    seen: dict[str, tuple[int, int]] = {}
    for key, kind in (("criteria", "go"), ("rollback", "rollback")):
        keys_of = "criterion" if kind == "go" else "rollback trigger"
        for _, node in r.entries(root, key, "a criterion", CRITERION_KEYS, keys_of=keys_of):
            name = r.text(node, "name", required=True, what="criterion")
            cid = r.text(node, "id") or slugify(name, "criterion")
            if cid in seen:
                r.problem(node.pos, f"duplicate criterion id '{cid}' (first at line {seen[cid][0]})")
                continue
            seen[cid] = node.pos
            crit = Criterion(id=cid, name=name, threshold=r.text(node, "threshold"), tile=r.text(node, "tile"),
                             required=r.flag(node, "required", True), kind=kind, description=r.text(node, "description"))
            if crit.tile and crit.tile not in tile_names:
                r.problem(node.vpos("tile"), f"unknown tile '{crit.tile}'{did_you_mean(crit.tile, tile_names)}")
            elif crit.tile:
                from warroom.metrics.spec import binding_problem

                why = binding_problem(kind, crit.threshold, all_tiles[tile_names.index(crit.tile)])
                if why:
                    r.problem(node.vpos("threshold"), why)
            if node.get("for") is not None:
                try:
                    crit.for_ = parse_duration(str(node["for"]))
                except ValueError as exc:
                    r.problem(node.vpos("for"), f"unparsable duration for 'for': {exc}")
            layout.criteria.append(crit)


def _screen(r: Reader, root: YMap, layout: Layout) -> None:
    """The pane grid. Without ``screen:`` the workspace lays panes out by default."""
    if root.get("screen") is None:
        return
    snode = r.mapping(root["screen"], root.vpos("screen"), "'screen'")
    if snode is None:
        return
    r.check_keys(snode, SCREEN_KEYS, "screen")
    layout.columns = _int(r, snode, "columns", 2)
    layout.rows = _int(r, snode, "rows", 2)
    for _, node in r.entries(snode, "panes", "a pane", PANE_KEYS):
        kind = r.text(node, "pane", required=True, what="pane")
        if kind and kind not in PANE_KINDS:
            r.problem(node.vpos("pane"), f"unknown pane '{kind}'; expected one of {', '.join(PANE_KINDS)}{did_you_mean(kind, PANE_KINDS)}")
            continue
        pane = Pane(kind=kind, checklist=r.text(node, "checklist"), title=r.text(node, "title"),
                    row=_int(r, node, "row", 1), column=_int(r, node, "column", 1),
                    row_span=_int(r, node, "row_span", 1), column_span=_int(r, node, "column_span", 1))
        if pane.kind == "checklist" and not pane.checklist:
            r.problem(node.pos, "a checklist pane needs 'checklist: <checklist id>'")
        if pane.column + pane.column_span - 1 > layout.columns or pane.row + pane.row_span - 1 > layout.rows:
            r.problem(node.pos, f"pane does not fit the {layout.columns}x{layout.rows} screen grid")
        if "checklist" in node:
            pane.written["checklist"] = Written(*node.vpos("checklist"), pane.checklist)
        layout.panes.append(pane)
