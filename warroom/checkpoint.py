"""Checkpoints: the replayed state at some event, kept beside the journal, so a command reads
only the events after it.

A checkpoint is JSON (never pickle) with a schema version, and is used only when all of these
match, else it is ignored and the journal replayed from the start (and a new one written):

- ``version``: the warroom version and a digest of the replay code (``state.py``,
  ``countdown.py``, ``events.py``), so a different warroom never trusts another's state;
- ``content``: a digest of the layout file and every checklist file, in order;
- ``head``: the seq and hash of the event it was made at, and that event must still be there:
  for a file, the line just before ``offset`` must be that very event; for a database, the row
  of that seq must carry that hash.

A checkpoint trusts the prefix it covers without re-reading or re-hashing it. That is what it
is for, and why ``warroom verify`` never uses one: verify reads and checks every event.

For a file journal the checkpoint is ``<journal>.checkpoint.json`` (written to a temporary file
and renamed); for a database it is the launch's row in ``warroom_checkpoints``. It is written
when a load has read at least ``EVERY`` events past the last one; failing to write it (a
read-only directory, say) is not an error.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import json
import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from warroom import __version__
from warroom.countdown import Countdown, HoldRecord
from warroom.events import Event
from warroom.journal import STATE_KINDS, Journal, JournalIssue, _slot, LoadResult, Resume, decode_line, line_hash
from warroom.model import Status
from warroom.runner.record import RunRecord
from warroom.state import Assessment, Invalidation, ItemState, LaunchState, MetricState, NoteEntry, Poll, SignOff
from warroom.workspace import Workspace

SCHEMA = 1
EVERY = 1000  # events past the last checkpoint that make a load write a new one
_CLASSES = {c.__name__: c for c in (ItemState, NoteEntry, SignOff, Poll, Invalidation, Assessment, MetricState, Countdown, HoldRecord,
                                     RunRecord)}
_REPLAY_CODE = ("state.py", "countdown.py", "events.py")


class Unencodable(Exception):
    pass


def code_version() -> str:
    here = Path(__file__).parent
    h = hashlib.sha256()
    for name in _REPLAY_CODE:
        h.update((here / name).read_bytes())
    return f"{__version__}+{h.hexdigest()[:16]}"


def content_hash(ws: Workspace) -> str:
    h = hashlib.sha256()
    for path in [ws.layout.path, *(c.path for c in ws.checklists)]:
        data = Path(path).read_bytes() if path is not None else b""
        h.update(b"%d\0" % len(data))
        h.update(data)
    return h.hexdigest()


# -- the state as JSON ---------------------------------------------------------------------------
_SCALARS = (str, int, float, bool, type(None))
_PLAIN = (NoteEntry, Invalidation)  # many of them, all fields scalars: kept as ["$Name", field, ...]


def _enc(v: Any) -> Any:
    t = type(v)
    if t in _SCALARS:
        return v
    if t is Status:
        return {"$status": v.value}
    if t is datetime:
        return {"$dt": v.isoformat()}
    if t is timedelta:
        return {"$td": [v.days, v.seconds, v.microseconds]}
    if t is tuple:
        return {"$tuple": [_enc(x) for x in v]}
    if t is list:
        if v and type(v[0]) in _PLAIN and all(type(x) is type(v[0]) for x in v):
            names = [f.name for f in dataclasses.fields(v[0])]
            cols = [[getattr(x, n) for x in v] for n in names]
            if all(type(c) in _SCALARS for col in cols for c in col):
                # many records: one column per field; a column of few distinct strings (operators,
                # reasons) as a table and indexes into it
                return {"$rows": type(v[0]).__name__, "cols": [_intern(col) for col in cols]}
        out = [_enc(x) for x in v]
        return {"$list": out} if out and type(out[0]) is str and out[0][:1] == "$" else out
    if t is dict:
        if not all(type(k) is str for k in v):
            raise Unencodable("a mapping with keys that are not strings")
        return {"$map": {k: _enc(x) for k, x in v.items()}}
    if t in _PLAIN:
        values = [getattr(v, f.name) for f in dataclasses.fields(v)]
        if all(type(x) in _SCALARS for x in values):
            return [f"${t.__name__}", *values]
    if dataclasses.is_dataclass(v) and _CLASSES.get(t.__name__) is t:
        return {"$obj": t.__name__, "f": {f.name: _enc(getattr(v, f.name)) for f in dataclasses.fields(v)}}
    raise Unencodable(f"cannot keep a {t.__name__} in a checkpoint")


def _intern(col: list[Any]) -> Any:
    if len(col) < 16 or not all(type(x) is str for x in col):
        return col
    table: dict[str, int] = {}
    index = [table.setdefault(x, len(table)) for x in col]
    return {"$t": list(table), "$i": index} if len(table) * 4 <= len(col) else col


def _uninterned(col: dict[str, Any]) -> list[Any]:
    if set(col) != {"$t", "$i"}:
        raise ValueError("unknown column in checkpoint")
    table = col["$t"]
    return [table[i] for i in col["$i"]]


def _dec(v: Any) -> Any:
    t = type(v)
    if t is list:
        if v and type(v[0]) is str and v[0][:1] == "$":
            cls = _CLASSES[v[0][1:]]
            if cls not in _PLAIN:
                raise ValueError(f"not a plain record: {v[0]}")
            return cls(*v[1:])
        return [_dec(x) for x in v]
    if t is not dict:
        return v
    if len(v) == 1:
        (tag, body), = v.items()
        if tag == "$status":
            return Status(body)
        if tag == "$dt":
            return datetime.fromisoformat(body)
        if tag == "$td":
            return timedelta(days=body[0], seconds=body[1], microseconds=body[2])
        if tag == "$tuple":
            return tuple(_dec(x) for x in body)
        if tag == "$map":
            return {k: _dec(x) for k, x in body.items()}
        if tag == "$list":
            return [_dec(x) for x in body]
    if set(v) == {"$rows", "cols"} and _CLASSES.get(v["$rows"]) in _PLAIN:
        cols = [c if type(c) is list else _uninterned(c) for c in v["cols"]]
        return list(map(_CLASSES[v["$rows"]], *cols))
    if set(v) == {"$obj", "f"} and v["$obj"] in _CLASSES:
        return _CLASSES[v["$obj"]](**{k: _dec(x) for k, x in v["f"].items()})
    raise ValueError(f"unknown value in checkpoint: {sorted(v)[:3]}")


def state_to_json(state: LaunchState) -> dict[str, Any]:
    fields = {k: v for k, v in vars(state).items() if k not in ("ws", "poll", "runs")}
    out = {k: _enc(v) for k, v in fields.items()}
    # objects in two places are one object, changed later through either: kept as indexes
    # (the open poll is one of ``polls``; each item's latest run is one of ``run_history``)
    out["poll"] = None if state.poll is None else _index(state.polls, state.poll)
    out["runs"] = {"$map": {k: _index(state.run_history, rec) for k, rec in state.runs.items()}}
    return out


def _index(values: list[Any], obj: Any) -> int:
    for i, v in enumerate(values):
        if v is obj:
            return i
    raise Unencodable("an object that is not where it should be")


def state_from_json(ws: Workspace, data: dict[str, Any]) -> LaunchState:
    state = LaunchState(ws)
    expected = set(vars(state)) - {"ws"}
    if set(data) != expected:
        raise ValueError("the checkpoint's state has other fields than this warroom's")
    for k, v in data.items():
        if k not in ("poll", "runs"):
            setattr(state, k, _dec(v))
    state.poll = None if data["poll"] is None else state.polls[data["poll"]]
    state.runs = {k: state.run_history[i] for k, i in _dec(data["runs"]).items()}
    if set(state.items) != set(ws.items):
        raise ValueError("the checkpoint's items are not the checklists'")
    return state


# -- reading and writing -------------------------------------------------------------------------
def checkpoint_path(journal_path: Path) -> Path:
    return journal_path.with_name(journal_path.name + ".checkpoint.json")


def _read_text(journal: Any) -> str | None:
    if getattr(journal, "path", None) is not None:
        try:
            return checkpoint_path(journal.path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
    return journal.read_checkpoint()


def _write_text(journal: Any, text: str) -> bool:
    if getattr(journal, "path", None) is not None:
        path = checkpoint_path(journal.path)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, path)
            return True
        except OSError:
            try:
                tmp.unlink()
            except OSError:
                pass
            return False
    return journal.write_checkpoint(text)


def _line_before(path: Path, offset: int) -> str | None:
    """The complete line that ends at ``offset`` (which must follow a newline)."""
    if offset <= 0:
        return None
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size < offset:
            return None
        back = min(offset, 1 << 16)
        f.seek(offset - back)
        chunk = f.read(back)
    if not chunk.endswith(b"\n"):
        return None
    start = chunk.rfind(b"\n", 0, len(chunk) - 1) + 1
    if start == 0 and back < offset:
        return None  # a line longer than we looked back: not one we wrote
    return chunk[start:-1].decode("utf-8", errors="replace")


def _usable(ws: Workspace, journal: Any, text: str | None) -> dict[str, Any] | None:
    """The checkpoint, if it is one this warroom made for this launch, layout and head."""
    if not text:
        return None
    try:
        cp = json.loads(text)
        if not isinstance(cp, dict) or cp.get("schema") != SCHEMA or cp.get("version") != code_version():
            return None
        if cp.get("content") != content_hash(ws):
            return None
        seq, digest = cp["head"]
        if not isinstance(seq, int) or not isinstance(digest, str):
            return None
        if getattr(journal, "path", None) is not None:
            line = _line_before(journal.path, int(cp["offset"]))
            if line is None:
                return None
            ev = decode_line(line)
            recorded, computed = line_hash(line)
            if ev.seq != seq or ev.hash != digest or recorded != computed:
                return None
        elif journal.hash_at(seq) != digest:
            return None
        return cp
    except (ValueError, KeyError, TypeError, OSError):
        return None


def load_state(ws: Workspace, journal: Any, use_checkpoint: bool = True) -> tuple[LaunchState, LoadResult]:
    """Load the journal and replay it, from a matching checkpoint when there is one.

    The LoadResult's ``events`` are then only those after the checkpoint; its ``issues`` hold the
    checkpointed prefix's as well (they were found when it was read in full)."""
    state: LaunchState | None = None
    prefix_issues: list[JournalIssue] = []
    latest: tuple[Event, ...] = ()
    collecting = gc.isenabled()
    gc.disable()  # a big checkpoint is many small objects, none of them garbage: no collections while they are made
    try:
        cp = _usable(ws, journal, _read_text(journal)) if use_checkpoint else None
        if cp is not None:
            try:
                state = state_from_json(ws, cp["state"])
                latest = tuple(decode_line(line) for line in cp.get("latest", []))
                prefix_issues = [JournalIssue(int(i[0]), str(i[1])) for i in cp.get("issues", [])]
            except (ValueError, KeyError, TypeError, IndexError):
                state, cp = None, None
    finally:
        if state is not None:
            gc.freeze()  # and none of them ever will be: later collections need not walk them
        if collecting:
            gc.enable()
    if cp is not None and state is not None:
        head = (int(cp["head"][0]), str(cp["head"][1]))
        if isinstance(journal, Journal):
            result = journal.load(since=Resume(int(cp["offset"]), int(cp["lines"]), head, latest))
        else:
            result = journal.load(since=head, latest=latest)
        for ev in result.events:
            state.apply(ev)
        result.issues[:0] = prefix_issues
    else:
        result = journal.load()
        state = LaunchState.replay(ws, result.events)
    if use_checkpoint and len(result.events) >= EVERY:
        save(ws, journal, state, result, latest)
    return state, result


def save(ws: Workspace, journal: Any, state: LaunchState, result: LoadResult, before: tuple[Event, ...] = ()) -> bool:
    """Write a checkpoint of ``state`` (replayed up to ``result.head``; ``before`` are the latest
    state-kind events before ``result.events``)."""
    if state.last_seq != result.head[0] or state.head_hash != result.head[1]:
        return False  # the state is not the whole journal's (a filtered replay): nothing to keep
    latest = {_slot(ev.kind, ev.target): ev for ev in before}
    for ev in result.events:
        if ev.kind in STATE_KINDS:
            latest.pop(_slot(ev.kind, ev.target), None)  # kept in the order they happened
            latest[_slot(ev.kind, ev.target)] = ev
    try:
        body = {
            "schema": SCHEMA,
            "version": code_version(),
            "content": content_hash(ws),
            "head": [result.head[0], result.head[1]],
            "offset": result.offset,
            "lines": result.lines,
            # broken links stay reported; a torn tail was dealt with (or is past the checkpoint)
            "issues": [[i.line, i.message] for i in result.issues if i.side_file is None and not i.message.startswith("torn")],
            "latest": [_line_of(ev) for ev in latest.values()],
            "state": state_to_json(state),
        }
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    except (Unencodable, OSError):
        return False
    return _write_text(journal, text)


def _line_of(ev: Event) -> str:
    from warroom.journal import encode_event

    line, digest = encode_event(ev.seq, ev.ts, ev.op, ev.kind, ev.target, ev.payload, ev.prev, ev.acct or None)
    if digest != ev.hash:
        raise Unencodable("an event that does not re-encode to its hash")
    return line[:-1]
