"""CLI subcommands of the importer area, registered on the main `warroom` parser:

    warroom import FILE.md... [--out-dir checklists/] [--layout layouts/NAME.yaml] [--name NAME]
    warroom export LAYOUT --format markdown [-o FILE.md]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from warroom.cli.common import (
    EXIT_FAIL,
    EXIT_INPUT,
    EXIT_OK,
    err,
    open_session,
    print_problems,
)
from warroom.errors import InputError
from warroom.ids import slugify
from warroom.safeio import RefusedFile
from warroom.importer.build import ImportResult, import_file, name_for
from warroom.importer.layout import (
    GENERATED,
    checklist_text,
    dump_layout,
    keep_hand_edits,
    layout_data,
    write_text,
)


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``import`` and ``export``."""
    p = subparsers.add_parser(
        "import", help="turn Markdown launch checklists into checklist and layout YAML",
        description="Turn Markdown launch checklists into checklist YAML (one per file) and a layout that "
                    "uses them, then print what was found and every piece that could not be placed.")
    p.add_argument("files", nargs="+", metavar="FILE.md", help="Markdown checklists")
    p.add_argument("--out-dir", default="checklists", metavar="DIR", help="where checklist YAML goes (default: checklists/)")
    p.add_argument("--layout", metavar="PATH", help="one layout for all files (default: layouts/<name>.yaml per file, "
                                                    "beside the out dir)")
    p.add_argument("--name", metavar="NAME", help="file name / checklist id for a single file (default: from its title)")
    p.add_argument("--force", action="store_true", help="overwrite files that were not written by `warroom import`")
    p.add_argument("--dry-run", action="store_true", help="print what would be imported; write nothing")
    p.add_argument("--explain", action="store_true", help="print every inference with its source line (roles, criteria, "
                                                          "triggers, phases, boxes not read as items)")
    p.add_argument("--prometheus", metavar="URL", help="Prometheus base URL for drafted promql tiles (default: ${PROMETHEUS_URL})")
    p.set_defaults(func=cmd_import)

    e = subparsers.add_parser(
        "export", parents=[common], help="write the current state as a Markdown task list",
        description="Write the war room's current state (journal replayed) as a GitHub task list: done items [x], "
                    "statuses, notes and sign-offs included.")
    e.add_argument("layout", metavar="LAYOUT", help="the layout YAML")
    e.add_argument("--format", default="markdown", choices=["markdown"], help="output format (markdown)")
    e.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    e.set_defaults(func=cmd_export)


def explain_lines(result: ImportResult, path: str = "") -> list[str]:
    """``line 612: `[X]` inside text read as a placeholder, not a box`` — one per inference."""
    where = f"{path}:" if path else "line "
    return [f"  {where}{line}: {text}" if line else f"  {path or 'whole file'}: {text}" for line, text in result.explained]


def summary_lines(result: ImportResult, path: str = "") -> list[str]:
    c = result.counts()
    parts = [f"{c['items']} items ({c['done']} done)", f"{c['sections']} sections", f"{c['commands']} commands",
             f"{c['roles']} roles", f"{c['criteria']} criteria", f"{c['phases']} phases"]
    if c["rollback"]:
        parts.insert(5, f"{c['rollback']} rollback triggers")
    out = ["  " + ", ".join(parts)]
    if result.roles:
        out.append("  roles: " + ", ".join(r.name for r in result.roles))
    if result.phases:
        out.append("  phases: " + ", ".join(f"{p.label} {p.name}" for p in result.phases))
    out += [f"  {note}" for note in result.notes]
    if result.unplaced:
        out.append(f"  not placed ({len(result.unplaced)}):")
        out += [f"    {u.problem(path) if path else u}" for u in result.unplaced]
    else:
        out.append("  not placed: nothing")
    return out


def _may_write(path: Path, marker: str, force: bool) -> bool:
    if force or not path.exists():
        return True
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:600]
    except OSError:
        return True
    return marker in head


def cmd_import(args: argparse.Namespace) -> int:
    files = [Path(f) for f in args.files]
    if args.name and len(files) > 1:
        err("--name needs exactly one input file")
        return EXIT_INPUT
    if args.name is not None and slugify(args.name, "") != args.name:
        err(f"--name {args.name!r}: a checklist name is a slug of lowercase letters, digits and dashes "
            f"(e.g. '{slugify(args.name)}'); it names a file inside --out-dir, never a path")
        return EXIT_INPUT
    results: list[tuple[Path, ImportResult, Path]] = []
    out_dir = Path(args.out_dir)
    names: set[str] = set()
    for f in files:
        if f.is_dir():
            err(f"cannot read {f}: it is a directory")
            return EXIT_INPUT
        try:
            result = import_file(f)
        except OSError as exc:
            err(f"cannot read {f}: {exc.strerror or exc}")
            return EXIT_INPUT
        except RefusedFile as exc:
            err(f"cannot read {f}: {exc}")
            return EXIT_INPUT
        if next(result.checklist.walk_items(), None) is None:
            err(f"{f}: no checklist found: not one task-list item ('- [ ] ...', '- [x] ...', '[🟢] ...'); nothing written")
            return EXIT_INPUT
        name = args.name or name_for(result.checklist.title, f.stem)
        base, n = name, 2
        while name in names:
            name, n = f"{base}-{n}", n + 1
        names.add(name)
        _rename(result, name)
        results.append((f, result, out_dir / f"{name}.yaml"))

    if args.layout:
        layouts = [(Path(args.layout), results)]
    else:
        layout_dir = out_dir.resolve().parent / "layouts"
        layouts = [(layout_dir / out.name, [(f, r, out)]) for f, r, out in results]

    if args.dry_run:
        for f, result, out in results:
            print(f"{f} -> {out} (dry run, not written)")
            for line in summary_lines(result, str(f)) + (explain_lines(result, str(f)) if args.explain else []):
                print(line)
        return EXIT_OK

    for f, result, out in results:  # what is written must load: refuse here rather than write what warroom refuses
        why = _unloadable(checklist_text(result))
        if why:
            err(f"{f}: the checklist it makes {why}; nothing written (split the Markdown into several files)")
            return EXIT_INPUT

    refused = [p for _, _, p in results if not _may_write(p, "# imported from", args.force)]
    refused += [p for p, _ in layouts if not _may_write(p, GENERATED, args.force)]
    if refused:
        for p in refused:
            err(f"{p} exists and was not written by `warroom import`; use --force to overwrite it")
        return EXIT_INPUT

    status = EXIT_OK
    try:
        for f, result, out in results:
            write_text(out, checklist_text(result))
            print(f"{f} -> {out}")
            for line in summary_lines(result, str(f)) + (explain_lines(result, str(f)) if args.explain else []):
                print(line)
        for lpath, group in layouts:
            data = layout_data([r for _, r, _ in group], [out for _, _, out in group], lpath)
            if lpath.exists() and not args.force:
                data = keep_hand_edits(data, _read_yaml(lpath))
            text = dump_layout(data, [f.name for f, _, _ in group])
            print(f"layout: {_rel(lpath)}")
            from warroom.importer.tiles_draft import draft_into  # issue 17: tiles drafted from the document, disabled
            write_text(lpath, draft_into(text, data, [r for _, r, _ in group], args, _rel(lpath)))
            status = max(status, _check(lpath))
    except OSError as exc:
        err(f"cannot write {exc.filename or 'output'}: {exc.strerror or exc}")
        return EXIT_INPUT
    return status


def _unloadable(text: str) -> str:
    """Why the checklist YAML ``text`` would not load (its size, its number of values), or ""."""
    from warroom.safeio import MAX_INPUT
    from warroom.yamlio import load_text

    size = len(text.encode("utf-8"))
    if size > MAX_INPUT:
        return f"would be {size:,} bytes, over the {MAX_INPUT:,}-byte limit ({MAX_INPUT // 1048576} MiB) for a checklist"
    _, problems = load_text(text, "checklist")
    return f"would not load ({problems[0].message})" if problems else ""


def _read_yaml(path: Path) -> object:
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _rename(result: ImportResult, cid: str) -> None:
    """Give the checklist its final id (sections and items carry it as their id prefix)."""
    old = result.checklist.id
    if old == cid:
        return
    result.checklist.id = cid
    for section in result.checklist.walk_sections():
        section.id = cid + section.id[len(old):]
    for item in result.checklist.walk_items():
        item.id = cid + item.id[len(old):]
        item.checklist_id = cid
        item.section_id = cid + item.section_id[len(old):]
        if item.parent_id:
            item.parent_id = cid + item.parent_id[len(old):]


def _check(layout: Path) -> int:
    from warroom.workspace import load_workspace

    try:
        load_workspace(layout)
    except InputError as exc:
        print_problems(exc.problems, f"the written layout {layout} does not validate")
        return EXIT_FAIL
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from warroom.export import export_markdown

    if not Path(args.layout).exists():
        err(f"cannot read {args.layout}: no such file")
        return EXIT_INPUT
    session = open_session(args, read_only=True)  # a bad layout raises: main reports it, exit 2
    ws, state = session.ws, session.state
    text = export_markdown(ws, state)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            err(f"cannot write {args.output}: {exc.strerror or exc}")
            return EXIT_INPUT
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
    return EXIT_OK
