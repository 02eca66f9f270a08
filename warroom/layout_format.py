"""The layout YAML format (``layouts/*.yaml``): what a war room shows and where.

See ``docs/formats.md`` for the annotated format.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from warroom.checklist_format import _Reader
from warroom.errors import Problem, describe_value, did_you_mean
from warroom.ids import slugify
from warroom.metrics.spec import binding_problem, parse_tiles
from warroom.model import Criterion, Layout, Pane, Phase, Role
from warroom.tmarks import parse_duration, parse_time, parse_tmark, parse_zone
from warroom.yamlio import YMap

LAYOUT_KEYS = ["launch", "t0", "timezone", "checklists", "phases", "roles", "criteria", "rollback", "tiles", "journal", "screen"]
PHASE_KEYS = ["mark", "name"]
ROLE_KEYS = ["name", "person", "required", "poll_order"]
CRITERION_KEYS = ["id", "name", "threshold", "tile", "required", "description", "for"]
SCREEN_KEYS = ["columns", "rows", "panes"]
PANE_KEYS = ["pane", "checklist", "row", "column", "row_span", "column_span", "title"]
PANE_KINDS = ["checklist", "timeline", "signoff", "tiles", "journal"]


def _int(r: _Reader, node: YMap, key: str, default: int, low: int = 1, high: int = 12) -> int:
    value = node.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        r.problem(node.vpos(key), f"expected a whole number for '{key}', got {describe_value(value)}")
        return default
    if not low <= value <= high:
        r.problem(node.vpos(key), f"'{key}' must be between {low} and {high}, got {value}")
        return default
    return value


def parse_layout(data: Any, path: Path) -> tuple[Layout | None, list[Problem]]:
    r = _Reader(str(path))
    if data is None:
        r.problem((1, 1), "empty file: expected a layout with 'launch' and 'checklists'")
        return None, r.problems
    root = r.mapping(data, (1, 1), "the layout")
    if root is None:
        return None, r.problems
    r.check_keys(root, LAYOUT_KEYS, "layout")
    layout = Layout(path=path, launch=r.text(root, "launch", required=True, what="layout"))
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
    layout.journal_path = (path.parent / journal) if journal else path.with_name(f"{path.stem}.journal.yaml")

    checklists = r.seq(root, "checklists")
    if "checklists" not in root:
        r.problem(root.pos, "missing required key 'checklists' in layout")
    layout_pos: dict[Path, tuple[int, int]] = {}
    for i, ref in enumerate(checklists):
        if not isinstance(ref, str) or not ref:
            r.problem(checklists.ipos(i), f"expected a checklist file path, got {describe_value(ref)}")
            continue
        p = (path.parent / ref).resolve()
        layout.checklist_paths.append(p)
        layout_pos[p] = checklists.ipos(i)
    layout._checklist_pos = layout_pos  # type: ignore[attr-defined]

    phases = r.seq(root, "phases")
    for i, value in enumerate(phases):
        node = r.mapping(value, phases.ipos(i), "a phase")
        if node is None:
            continue
        r.check_keys(node, PHASE_KEYS, "phase")
        label = r.text(node, "mark", required=True, what="phase")
        if not label:
            continue
        try:
            mark = parse_tmark(label)
        except ValueError as exc:
            r.problem(node.vpos("mark"), f"unparsable time for 'mark': {exc}")
            continue
        layout.phases.append(Phase(mark=mark, name=r.text(node, "name") or label, label=label))
    for a, b in zip(layout.phases, layout.phases[1:]):
        if b.mark <= a.mark:
            idx = layout.phases.index(b)
            r.problem(phases.ipos(idx), f"phases must be in time order: '{b.label}' comes after '{a.label}'")

    roles = r.seq(root, "roles")
    seen_roles: dict[str, tuple[int, int]] = {}
    for i, value in enumerate(roles):
        if isinstance(value, str):
            value = YMap(name=value)
            value.pos = roles.ipos(i)
        node = r.mapping(value, roles.ipos(i), "a role")
        if node is None:
            continue
        r.check_keys(node, ROLE_KEYS, "role")
        name = r.text(node, "name", required=True, what="role")
        if not name:
            continue
        if name in seen_roles:
            r.problem(node.pos, f"duplicate role '{name}' (first at line {seen_roles[name][0]})")
            continue
        seen_roles[name] = node.pos
        order = _int(r, node, "poll_order", i + 1, 0, 1000) if "poll_order" in node else i + 1
        layout.roles.append(Role(name=name, person=r.text(node, "person"), required=r.flag(node, "required", True), poll_order=order))

    tiles, tile_problems = parse_tiles(root.get("tiles"), str(path))
    r.problems.extend(tile_problems)
    layout.tiles = tiles
    tile_names = [t.name for t in tiles]

    seen_crit: dict[str, tuple[int, int]] = {}
    for key, kind in (("criteria", "go"), ("rollback", "rollback")):
        crits = r.seq(root, key)
        for i, value in enumerate(crits):
            node = r.mapping(value, crits.ipos(i), "a criterion")
            if node is None:
                continue
            r.check_keys(node, CRITERION_KEYS, "criterion" if kind == "go" else "rollback trigger")
            name = r.text(node, "name", required=True, what="criterion")
            cid = r.text(node, "id") or slugify(name, "criterion")
            if cid in seen_crit:
                r.problem(node.pos, f"duplicate criterion id '{cid}' (first at line {seen_crit[cid][0]})")
                continue
            seen_crit[cid] = node.pos
            crit = Criterion(id=cid, name=name, threshold=r.text(node, "threshold"), tile=r.text(node, "tile"),
                             required=r.flag(node, "required", True), kind=kind, description=r.text(node, "description"))
            if crit.tile and crit.tile not in tile_names:
                r.problem(node.vpos("tile"), f"unknown tile '{crit.tile}'{did_you_mean(crit.tile, tile_names)}")
            elif crit.tile:
                why = binding_problem(kind, crit.threshold, tiles[tile_names.index(crit.tile)])
                if why:
                    r.problem(node.vpos("threshold"), why)
            if node.get("for") is not None:
                try:
                    crit.for_ = parse_duration(str(node["for"]))
                except ValueError as exc:
                    r.problem(node.vpos("for"), f"unparsable duration for 'for': {exc}")
            layout.criteria.append(crit)

    screen = root.get("screen")
    if screen is not None:
        snode = r.mapping(screen, root.vpos("screen"), "'screen'")
        if snode is not None:
            r.check_keys(snode, SCREEN_KEYS, "screen")
            layout.columns = _int(r, snode, "columns", 2)
            layout.rows = _int(r, snode, "rows", 2)
            panes = r.seq(snode, "panes")
            for i, value in enumerate(panes):
                node = r.mapping(value, panes.ipos(i), "a pane")
                if node is None:
                    continue
                r.check_keys(node, PANE_KEYS, "pane")
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
                pane._pos = node.vpos("checklist") if "checklist" in node else node.pos  # type: ignore[attr-defined]
                layout.panes.append(pane)
    return layout, r.problems
