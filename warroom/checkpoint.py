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

It is JSON lines: the first is the main document; each long list of notes or invalidations
(``LAZY_MIN`` or more) is a line after it, which the main document finds by offset and checks by
length, SHA-256 and count. A load reads the first line only; a list is a ``LazyList`` that reads
its line when first used (its length and last element are in the main document). A line that does
not check out is not used: the list comes from a replay of the journal up to the head.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import json
import os
import weakref
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable

from warroom import __version__
from warroom.countdown import Countdown, HoldRecord
from warroom.events import Event
from warroom.journal import STATE_KINDS, Journal, JournalIssue, _slot, LoadResult, Resume, decode_line, line_hash
from warroom.model import Status
from warroom.runner.record import RunRecord
from warroom.state import Assessment, Invalidation, ItemState, LaunchState, LazyList, MetricState, NoteEntry, Poll, SignOff
from warroom.workspace import Workspace

SCHEMA = 2
EVERY = 1000  # events past the last checkpoint that make a load write a new one
LAZY_MIN = 64  # a list of notes or invalidations this long goes to the side part, read when used
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


class _SideWriter:
    """The side part being written: one JSON line per bulky list, each found by its byte offset."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.size = 0

    def add(self, values: list[Any]) -> Any:
        """The list as it stands in the main document: inline when short, else a reference to
        its line of the side part (offset, length, SHA-256, count) and its last element."""
        values = list(values)
        if len(values) < LAZY_MIN:
            return _enc(values)
        text = json.dumps(_enc(values), ensure_ascii=False, separators=(",", ":"))
        data = text.encode("utf-8")
        ref = {"$lazy": [self.size, len(data), hashlib.sha256(data).hexdigest(), len(values)], "last": _enc(values[-1])}
        self.lines.append(text)
        self.size += len(data) + 1
        return ref


_BULKY = ("items", "launch_notes", "invalidations")  # what may go to the side part


def state_to_json(state: LaunchState, side: _SideWriter | None = None) -> dict[str, Any]:
    """The state as JSON; with ``side``, the long lists of notes and invalidations go there."""
    side = side or _SideWriter()
    fields = {k: v for k, v in vars(state).items() if k not in ("ws", "poll", "runs", *_BULKY)}
    out = {k: _enc(v) for k, v in fields.items()}
    items = {}
    for k, st in state.items.items():
        enc = _enc(dataclasses.replace(st, notes=[]))
        enc["f"]["notes"] = side.add(st.notes)
        items[k] = enc
    out["items"] = {"$map": items}
    out["launch_notes"] = side.add(state.launch_notes)
    out["invalidations"] = side.add(state.invalidations)
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


def state_from_json(ws: Workspace, data: dict[str, Any], side: "_SidePart | None" = None) -> LaunchState:
    state = LaunchState(ws)
    expected = set(vars(state)) - {"ws"}
    if set(data) != expected:
        raise ValueError("the checkpoint's state has other fields than this warroom's")
    for k, v in data.items():
        if k not in ("poll", "runs", *_BULKY):
            setattr(state, k, _dec(v))
    items = data["items"]
    if type(items) is not dict or set(items) != {"$map"} or type(items["$map"]) is not dict:
        raise ValueError("the checkpoint's items are not a map")
    state.items = {}
    for k, enc in items["$map"].items():
        f = dict(enc["f"])
        notes = f.pop("notes")
        st = _dec({"$obj": enc["$obj"], "f": f})
        if type(st) is not ItemState:
            raise ValueError("an item that is not an item")
        st.notes = _list(notes, side, lambda s, k=k: s.items[k].notes)
        state.items[k] = st
    state.launch_notes = _list(data["launch_notes"], side, lambda s: s.launch_notes)
    state.invalidations = _list(data["invalidations"], side, lambda s: s.invalidations)
    state.poll = None if data["poll"] is None else state.polls[data["poll"]]
    state.runs = {k: state.run_history[i] for k, i in _dec(data["runs"]).items()}
    if set(state.items) != set(ws.items):
        raise ValueError("the checkpoint's items are not the checklists'")
    return state


def _list(enc: Any, side: "_SidePart | None", pick: Callable[[LaunchState], list[Any]]) -> Any:
    """A list kept inline, or a LazyList reading its line of the side part when first used."""
    if type(enc) is dict and set(enc) == {"$lazy", "last"}:
        if side is None:
            raise ValueError("a reference to a side part that is not there")
        at, size, digest, count = enc["$lazy"]
        if not (type(at) is int and type(size) is int and type(digest) is str and type(count) is int and count > 0):
            raise ValueError("a bad reference to the side part")
        return LazyList(lambda: side.read(at, size, digest, count, pick), count, _dec(enc["last"]))
    values = _dec(enc)
    if type(values) is not list:
        raise ValueError("a list that is not a list")
    return values


class _SidePart:
    """The lines after a checkpoint's main document, read when a lazy list is first used.

    Each line must have the length and SHA-256 the main document recorded for it and decode to as
    many elements as it said; one that does not (a side part edited, cut short, or swapped for
    another checkpoint's) is not used: the journal is replayed up to the checkpoint's head and the
    list taken from that replay (and a checkpoint file found bad is removed, so the next command
    writes a good one)."""

    def __init__(self, read_bytes: Callable[[int, int], bytes | None], replay: Callable[[], LaunchState],
                 discard: Callable[[], None] = lambda: None) -> None:
        self._read_bytes = read_bytes
        self._replay = replay
        self._discard = discard
        self._replayed: LaunchState | None = None

    def read(self, at: int, size: int, digest: str, count: int, pick: Callable[[LaunchState], list[Any]]) -> list[Any]:
        collecting = gc.isenabled()
        gc.disable()  # many small objects, none of them garbage
        try:
            data = self._read_bytes(at, size)
            if data is not None and len(data) == size and hashlib.sha256(data).hexdigest() == digest:
                values = _dec(json.loads(data))
                if type(values) is list and len(values) == count:
                    return values
        except (ValueError, KeyError, TypeError, IndexError, AttributeError, OSError):
            pass
        finally:
            if collecting:
                gc.enable()
        if self._replayed is None:
            self._discard()
            self._replayed = self._replay()
        return list(pick(self._replayed))


# -- reading and writing -------------------------------------------------------------------------
def checkpoint_path(journal_path: Path) -> Path:
    return journal_path.with_name(journal_path.name + ".checkpoint.json")


class _Opened:
    """A checkpoint as read: its main document (the first line) and a way to read the side part
    (the lines after it) later. A file's side part is read from the file as it was opened, even
    if a newer checkpoint has replaced it since (they are replaced by rename, never rewritten)."""

    def __init__(self, main: str | None, read_side: Callable[[int, int], bytes | None] = lambda at, size: None,
                 close: Callable[[], None] = lambda: None, discard: Callable[[], None] = lambda: None) -> None:
        self.main, self.read_side, self.close, self.discard = main, read_side, close, discard


def _read_file(path: Path) -> _Opened:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return _Opened(None)
    try:
        chunks, pos = [], 0
        while True:
            chunk = os.pread(fd, 1 << 16, pos)
            if not chunk:
                break
            end = chunk.find(b"\n")
            if end >= 0:
                chunks.append(chunk[:end])
                pos += end + 1
                break
            chunks.append(chunk)
            pos += len(chunk)
        main = b"".join(chunks).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        os.close(fd)
        return _Opened(None)
    start, closed = pos, [False]

    def read_side(at: int, size: int) -> bytes | None:
        if closed[0] or at < 0 or size < 0:
            return None
        parts, got = [], 0
        while got < size:
            chunk = os.pread(fd, size - got, start + at + got)
            if not chunk:
                break
            parts.append(chunk)
            got += len(chunk)
        return b"".join(parts)

    def close() -> None:
        if not closed[0]:
            closed[0] = True
            os.close(fd)

    def discard() -> None:
        try:  # only if it is still the one read: a newer one may have replaced it
            if os.path.samestat(os.fstat(fd), os.stat(path)):
                os.unlink(path)
        except OSError:
            pass

    return _Opened(main, read_side, close, discard)


def _read(journal: Any) -> _Opened:
    if getattr(journal, "path", None) is not None:
        return _read_file(checkpoint_path(journal.path))
    body = journal.read_checkpoint()
    if not body:
        return _Opened(None)
    main, _, rest = body.partition("\n")
    side: list[bytes] = []

    def read_side(at: int, size: int) -> bytes | None:
        if not side:
            side.append(rest.encode("utf-8"))
        return side[0][at:at + size] if at >= 0 and size >= 0 else None

    return _Opened(main, read_side)


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
    opened = _read(journal) if use_checkpoint else _Opened(None)
    lazy = False
    try:
        cp = _usable(ws, journal, opened.main)
        if cp is not None:
            try:
                head = (int(cp["head"][0]), str(cp["head"][1]))
                side = _SidePart(opened.read_side, lambda: _replay_prefix(ws, journal, head), opened.discard)
                state = state_from_json(ws, cp["state"], side)
                lazy = _has_lazy(state)
                latest = tuple(decode_line(line) for line in cp.get("latest", []))
                prefix_issues = [JournalIssue(int(i[0]), str(i[1])) for i in cp.get("issues", [])]
            except (ValueError, KeyError, TypeError, IndexError):
                state, cp = None, None
    finally:
        if lazy:  # the side part is read when first used; the descriptor goes with the last list that may
            weakref.finalize(side, opened.close)
        else:
            opened.close()
        if state is not None:
            gc.freeze()  # and none of them ever will be: later collections need not walk them
        if collecting:
            gc.enable()
    if cp is not None and state is not None:
        head = (int(cp["head"][0]), str(cp["head"][1]))
        head_ts = str(cp.get("head_ts") or "")
        if isinstance(journal, Journal):
            result = journal.load(since=Resume(int(cp["offset"]), int(cp["lines"]), head, latest, head_ts))
        else:
            result = journal.load(since=head, latest=latest, head_ts=head_ts)
        for ev in result.events:
            state.apply(ev)
        result.issues[:0] = prefix_issues
    else:
        result = journal.load()
        state = LaunchState.replay(ws, result.events)
    if use_checkpoint and len(result.events) >= EVERY:
        save(ws, journal, state, result, latest)
    return state, result


def _has_lazy(state: LaunchState) -> bool:
    lists = [state.launch_notes, state.invalidations, *(st.notes for st in state.items.values())]
    return any(type(v) is LazyList for v in lists)


def _replay_prefix(ws: Workspace, journal: Any, head: tuple[int, str]) -> LaunchState:
    """The state at the checkpoint's head, replayed from the journal (read anew, read-only)."""
    fresh = Journal(journal.path, read_only=True) if isinstance(journal, Journal) else type(journal)(journal.target, read_only=True)
    try:
        events = fresh.load().events
    finally:
        fresh.close()
    return LaunchState.replay(ws, (ev for ev in events if ev.seq <= head[0]))


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
    side = _SideWriter()
    try:
        body = {
            "schema": SCHEMA,
            "version": code_version(),
            "content": content_hash(ws),
            "head": [result.head[0], result.head[1]],
            "head_ts": result.events[-1].ts if result.events else "",
            "offset": result.offset,
            "lines": result.lines,
            # broken links stay reported; a torn tail was dealt with (or is past the checkpoint)
            "issues": [[i.line, i.message] for i in result.issues if i.side_file is None and not i.message.startswith("torn")],
            "latest": [_line_of(ev) for ev in latest.values()],
            "state": state_to_json(state, side),
        }
        # the main document on the first line; the long lists after it, one a line, read when used
        text = "\n".join([json.dumps(body, ensure_ascii=False, separators=(",", ":")), *side.lines]) + "\n"
    except (Unencodable, OSError):
        return False
    return _write_text(journal, text)


def _line_of(ev: Event) -> str:
    from warroom.journal import encode_event

    line, digest = encode_event(ev.seq, ev.ts, ev.op, ev.kind, ev.target, ev.payload, ev.prev, ev.acct or None)
    if digest != ev.hash:
        raise Unencodable("an event that does not re-encode to its hash")
    return line[:-1]
