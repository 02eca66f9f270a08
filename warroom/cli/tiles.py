"""``warroom tiles LAYOUT list|add|edit|enable|disable|bind``: metric tiles without writing YAML.

Each change is made on the layout as read (comments and key order kept, see
:mod:`warroom.layout_edit`), checked as a layout, then the tile is probed once and the value,
state or error printed. A probe that gets no value refuses the save unless ``--yes``. Saving
refuses when the file changed since it was read, and journals a ``layout-change`` event.
A tile on a placeholder host (``your-app...``, ``example.com``) is never probed or enabled.

    warroom tiles LAYOUT list [--json]
    warroom tiles LAYOUT add --name N --source S --url U [--path P | --select S | --query Q]
                             [--check C] [--pattern P] [--unit U] [--threshold T] [--label L]
                             [--yes] [--disabled]
    warroom tiles LAYOUT edit NAME [--rename N] [--source S] [--url U] ... [--yes]
    warroom tiles LAYOUT enable NAME [--yes]
    warroom tiles LAYOUT disable NAME
    warroom tiles LAYOUT bind CRITERION --tile NAME [--yes]   (--unbind to undo)
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from warroom.cli.common import EXIT_FAIL, EXIT_INPUT, EXIT_OK, err
from warroom.errors import ActionError

SOURCES = ["json", "prometheus", "promql", "http"]
_FIELDS = [  # option, key, help
    ("--label", "label", "shown on screen (default: the name)"),
    ("--source", "source", "json | prometheus | promql | http"),
    ("--url", "url", "the URL polled (promql: the Prometheus base URL); ${NAME} reads the environment"),
    ("--path", "path", "json: a JMESPath expression"),
    ("--select", "select", "prometheus: metric name and label matchers"),
    ("--query", "query", "promql: the query"),
    ("--check", "check", "http: status | response_time | contains | matches | cert_days"),
    ("--pattern", "pattern", "http contains/matches: the text or regular expression"),
    ("--unit", "unit", "unit of the shown value (ms, %%, ...)"),
    ("--threshold", "threshold", "the condition a healthy value meets, e.g. '< 500ms'"),
    ("--interval", "interval", "how often to poll, e.g. 5s"),
]
_SOURCE_KEYS = {"json": ["path"], "prometheus": ["select", "ratio_to", "quantile", "rate"], "promql": ["query"],
                "http": ["check", "pattern"]}


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "tiles", parents=[common], help="list, add, edit, enable, disable metric tiles; bind criteria to them",
        description="Change the layout's metric tiles without writing YAML: each change is probed once "
                    "(the value, state or error is printed) before it is saved; the file keeps its comments.")
    p.add_argument("layout", metavar="LAYOUT", help="the layout YAML file")
    sub = p.add_subparsers(dest="tiles_action", metavar="ACTION", required=True)
    ls = sub.add_parser("list", help="every tile, enabled or not, with its bindings")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    add = sub.add_parser("add", help="add a tile (probed once; enabled unless --disabled)")
    add.add_argument("--name", required=True, help="unique tile name")
    for opt, key, help_ in _FIELDS:
        add.add_argument(opt, dest=key, required=key in ("source", "url"), help=help_)
    add.add_argument("--disabled", action="store_true", help="save it with enabled: false")
    add.add_argument("--yes", action="store_true", help="save even when the probe gets no value")
    ed = sub.add_parser("edit", help="change a tile's keys (probed once)")
    ed.add_argument("name", metavar="NAME")
    ed.add_argument("--rename", metavar="NEW", help="a new name (criteria bound to it follow)")
    for opt, key, help_ in _FIELDS:
        ed.add_argument(opt, dest=key, help=help_ + " ('' removes it)")
    ed.add_argument("--yes", action="store_true", help="save even when the probe gets no value")
    en = sub.add_parser("enable", help="turn a (drafted) tile on, after one probe")
    en.add_argument("name", metavar="NAME")
    en.add_argument("--yes", action="store_true", help="enable even when the probe gets no value")
    di = sub.add_parser("disable", help="turn a tile off: it is no longer polled")
    di.add_argument("name", metavar="NAME")
    bi = sub.add_parser("bind", help="bind a go/no-go criterion or rollback trigger to a tile (probed once)")
    bi.add_argument("criterion", metavar="CRITERION", help="criterion or rollback trigger id")
    g = bi.add_mutually_exclusive_group(required=True)
    g.add_argument("--tile", metavar="NAME", help="the tile whose value decides it")
    g.add_argument("--unbind", action="store_true", help="back to a manual assessment")
    bi.add_argument("--yes", action="store_true", help="bind even when the probe gets no value")
    p.set_defaults(func=cmd_tiles)


def cmd_tiles(args: argparse.Namespace) -> int:
    from pathlib import Path

    if not Path(args.layout).exists():
        err(f"cannot read {args.layout}: no such file")
        return EXIT_INPUT
    return {"list": _list, "add": _add, "edit": _edit, "enable": _enable, "disable": _disable,
            "bind": _bind}[args.tiles_action](args)


def _who(args: argparse.Namespace) -> str:
    from warroom.who import current_operator

    return current_operator(getattr(args, "operator", None))


def _list(args: argparse.Namespace) -> int:
    from warroom.importer.tiles_draft import placeholder_host
    from warroom.metrics.spec import redact_url
    from warroom.textsafe import json_safe
    from warroom.workspace import load_workspace

    ws = load_workspace(args.layout)
    rows = []
    for t in ws.layout.all_tiles:
        bound = [c.id for c in ws.layout.criteria if c.tile == t.name]
        rows.append({"name": t.name, "label": t.label, "source": t.source, "enabled": t.enabled, "url": redact_url(t.url),
                     "what": t.query or t.path or (t.select.text if t.select else "") or t.check,
                     "unit": t.unit, "threshold": t.threshold_text, "bound": bound,
                     "placeholder_host": placeholder_host(t.url) or None})
    if args.json:
        print(json_safe(json.dumps(rows, indent=2, ensure_ascii=False)))
        return EXIT_OK
    if not rows:
        print(f"{args.layout}: no tiles (add one: warroom tiles {args.layout} add --name N --source S --url U ...)")
        return EXIT_OK
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        state = "on " if r["enabled"] else "off"
        extra = f"  {r['threshold']}" if r["threshold"] else ""
        print(f"{state} {r['name']:<{width}}  {r['source']:<10} {r['url']}  {r['what']}{extra}")
        if r["placeholder_host"]:
            print(f"    placeholder host {r['placeholder_host']}: replace the url before enabling")
        if r["bound"]:
            print(f"    decides: {', '.join(r['bound'])}")
    return EXIT_OK


def _changes(args: argparse.Namespace, editing: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for _, key, _ in _FIELDS:
        value = getattr(args, key, None)
        if value is None:
            continue
        out[key] = None if (editing and value == "") else value
    return out


def probe_line(result: Any) -> str:
    from warroom.metrics.evaluate import GLYPHS

    detail = result.summary if result.state in ("OK", "WARN", "CRIT", "PENDING") else result.error
    return f"probe: {GLYPHS.get(result.state, '?')} {result.name} {result.state}: {detail}"


def probe_tile(layout: Any, name: str) -> Any:
    """Probe the tile ``name`` of a parsed (not yet saved) layout once; None for a placeholder host."""
    from warroom.importer.tiles_draft import placeholder_host
    from warroom.metrics.probe import probe_specs

    spec = next(t for t in layout.all_tiles if t.name == name)
    if placeholder_host(spec.url):
        return None
    return probe_specs([spec])[name]


def _probe_and_save(args: argparse.Namespace, doc: Any, tile: str, what: str, must_enable: bool = False) -> int:
    from warroom.errors import InputError
    from warroom.importer.tiles_draft import placeholder_host
    from warroom.layout_edit import check_text, save

    text = doc.render()
    layout, problems = check_text(text, doc.path)
    if problems or layout is None:
        raise InputError(problems)
    spec = next(t for t in layout.all_tiles if t.name == tile)
    host = placeholder_host(spec.url)
    if host:
        if must_enable:
            raise ActionError(f"tile '{tile}' polls the placeholder host {host}: give it the real URL first "
                              f"(warroom tiles {args.layout} edit {tile} --url ...)")
        print(f"probe: skipped: {host} is a placeholder host (the tile stays as it is until its URL is real)")
    else:
        result = probe_tile(layout, tile)
        print(probe_line(result))
        if result.value is None and not args.yes:
            print(f"not saved: the probe got no value ({result.error or result.state}); --yes saves anyway")
            return EXIT_FAIL
    saved = save(doc, _who(args), what, getattr(args, "journal", None), text=text)
    print(f"saved {args.layout}: {what}" + (f" (journal #{saved.event.seq})" if saved.event else ""))
    return EXIT_OK


def _add(args: argparse.Namespace) -> int:
    from warroom.layout_edit import read_layout

    if args.source not in SOURCES:
        err(f"unknown source '{args.source}'; expected one of {', '.join(SOURCES)}")
        return EXIT_INPUT
    doc = read_layout(args.layout)
    tile: dict[str, Any] = {"name": args.name}
    tile.update(_changes(args, editing=False))
    if args.disabled:
        tile["enabled"] = False
    doc.add_tile(tile)
    state = "disabled" if args.disabled else "enabled"
    return _probe_and_save(args, doc, args.name, f"added tile {args.name} ({args.source}, {state})")


def _edit(args: argparse.Namespace) -> int:
    from warroom.layout_edit import read_layout

    doc = read_layout(args.layout)
    changes = _changes(args, editing=True)
    name = args.name
    node = doc.tile(name)
    new_source = changes.get("source") or node.get("source") or "json"
    if new_source not in SOURCES:
        raise ActionError(f"unknown source '{new_source}'; expected one of {', '.join(SOURCES)}")
    if changes.get("source"):
        for other, keys in _SOURCE_KEYS.items():
            if other != new_source:
                for k in keys:
                    if k in node and k not in changes:
                        changes[k] = None  # a key of the old source goes with it
    if args.rename:
        changes["name"] = args.rename
    if not changes:
        raise ActionError("nothing to change: give --url, --query, --threshold, ... ('' removes a key)")
    doc.edit_tile(name, changes)
    if args.rename:
        for key in ("criteria", "rollback"):
            for entry in doc.data.get(key) or []:
                if hasattr(entry, "get") and entry.get("tile") == name:
                    entry["tile"] = args.rename
        name = args.rename
    what = f"edited tile {args.name}: " + ", ".join(f"{k}={'(removed)' if v is None else v}" for k, v in changes.items())
    return _probe_and_save(args, doc, name, what)


def _enable(args: argparse.Namespace) -> int:
    from warroom.layout_edit import read_layout

    doc = read_layout(args.layout)
    doc.set_enabled(args.name, True)
    return _probe_and_save(args, doc, args.name, f"enabled tile {args.name}", must_enable=True)


def _disable(args: argparse.Namespace) -> int:
    from warroom.layout_edit import read_layout, save

    doc = read_layout(args.layout)
    doc.set_enabled(args.name, False)
    saved = save(doc, _who(args), f"disabled tile {args.name}", getattr(args, "journal", None))
    print(f"saved {args.layout}: disabled tile {args.name}: no longer polled" + (f" (journal #{saved.event.seq})" if saved.event else ""))
    return EXIT_OK


def _bind(args: argparse.Namespace) -> int:
    from warroom.layout_edit import read_layout, save

    doc = read_layout(args.layout)
    if args.unbind:
        kind = doc.bind(args.criterion, None)
        saved = save(doc, _who(args), f"unbound {args.criterion}", getattr(args, "journal", None))
        print(f"saved {args.layout}: {args.criterion} is assessed by hand again" + (f" (journal #{saved.event.seq})" if saved.event else ""))
        return EXIT_OK
    kind = doc.bind(args.criterion, args.tile)
    what = f"bound {'rollback trigger' if kind == 'rollback' else 'criterion'} {args.criterion} to tile {args.tile}"
    return _probe_and_save(args, doc, args.tile, what)
