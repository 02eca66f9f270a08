"""Edits to a layout file by warroom itself (``warroom tiles``, the tiles flow on the screen).

* The file is read and written with ruamel.yaml's round-trip mode, so the user's comments, key
  order and quoting survive an edit; only the keys changed are rewritten. The indentation of
  lists (``- `` flush with its key or indented by two) is read from the file and kept.
* A save refuses when the file changed since it was read: the SHA-256 of the bytes read is
  compared with the file's, under an exclusive lock on a lock file beside it, so of two editors
  saving at once one wins and the other is told to reload — neither edit is lost unseen.
* A symlinked layout is followed: the target is rewritten in place (atomically, with its mode),
  the link stays a link.
* The new text is checked as a layout before it is written; a save that would break the layout
  is refused with the ``path:line:col`` problems.
* Every save journals a ``layout-change`` event: who, what, and the layout's text before and
  after, so a replay can show the layout as it was at any point (:func:`layout_as_of`;
  ``warroom.layout_then`` reads those texts back as war rooms for the replay and ``--as-of``).
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from warroom.errors import ActionError, InputError, Problem, did_you_mean

LAYOUT_CHANGE = "layout-change"  # the journal event kind (also in warroom.events)


class LayoutChanged(ActionError):
    """The layout file changed since it was read: nothing was written."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _yaml(text: str) -> Any:
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap a long line the user wrote
    offset = _sequence_offset(text)
    y.indent(mapping=2, sequence=offset + 2, offset=offset)
    y.representer.add_representer(type(None), _null)  # `null`, as warroom and PyYAML write it (ruamel: empty)
    return y


def _null(representer: Any, _: None) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def _sequence_offset(text: str) -> int:
    """How far the user's ``- `` items sit inside their key: 0 (flush) or 2 (indented)."""
    lines = text.split("\n")
    for i, line in enumerate(lines[:-1]):
        m = re.match(r"^( *)[^\s#-][^:#]*:\s*(#.*)?$", line)
        if not m:
            continue
        nxt = next((x for x in lines[i + 1:] if x.strip() and not x.lstrip().startswith("#")), "")
        d = re.match(r"^( *)- ", nxt)
        if d:
            return max(0, len(d[1]) - len(m[1]))
    return 2


@dataclass
class LayoutDoc:
    """A layout file as read for editing."""

    path: Path  # as given (may be a symlink)
    target: Path  # the file itself
    text: str
    digest: str  # SHA-256 of the bytes read
    data: Any  # ruamel CommentedMap

    # -- reading ---------------------------------------------------------------------------
    def copy(self) -> "LayoutDoc":
        """A copy of the document as read (to try an edit on), with the same file and hash."""
        return LayoutDoc(self.path, self.target, self.text, self.digest, _yaml(self.text).load(self.text))

    def render(self) -> str:
        buf = io.StringIO()
        _yaml(self.text).dump(self.data, buf)
        return buf.getvalue()

    def tiles(self, create: bool = False) -> Any:
        from ruamel.yaml.comments import CommentedSeq

        seq = self.data.get("tiles")
        if seq is None and create:
            seq = CommentedSeq()
            self.data["tiles"] = seq
        return seq if seq is not None else []

    def tile_names(self) -> list[str]:
        return [str(t.get("name")) for t in self.tiles() if hasattr(t, "get")]

    def tile(self, name: str) -> Any:
        for t in self.tiles():
            if hasattr(t, "get") and str(t.get("name")) == name:
                return t
        names = self.tile_names()
        raise ActionError(f"unknown tile '{name}'{did_you_mean(name, names)}; tiles: {', '.join(names) or '(none)'}")

    def criterion(self, cid: str) -> tuple[str, Any]:
        """(the list key, the entry) of the criterion or rollback trigger with id ``cid``."""
        from warroom.ids import slugify

        ids = []
        for key in ("criteria", "rollback"):
            for entry in self.data.get(key) or []:
                if not hasattr(entry, "get"):
                    continue
                eid = str(entry.get("id") or slugify(str(entry.get("name", "")), "criterion"))
                ids.append(eid)
                if eid == cid:
                    return key, entry
        raise ActionError(f"unknown criterion '{cid}'{did_you_mean(cid, ids)}; criteria: {', '.join(ids) or '(none)'}")

    # -- changing --------------------------------------------------------------------------
    def add_tile(self, tile: dict[str, Any], comment: str = "") -> None:
        from ruamel.yaml.comments import CommentedMap

        name = str(tile.get("name", ""))
        if name in self.tile_names():
            raise ActionError(f"a tile named '{name}' already exists; pick another name or edit it")
        node = CommentedMap()
        for k, v in tile.items():
            node[k] = _plain(v)
        seq = self.tiles(create=True)
        seq.append(node)
        if comment:
            node.yaml_set_start_comment(comment, indent=_sequence_offset(self.text))

    def edit_tile(self, name: str, changes: dict[str, Any]) -> None:
        """Set keys (key order kept; new keys go before ``enabled``); a value of None removes the key."""
        node = self.tile(name)
        if "name" in changes and changes["name"] != name and changes["name"] in self.tile_names():
            raise ActionError(f"a tile named '{changes['name']}' already exists")
        for k, v in changes.items():
            if v is None:
                node.pop(k, None)
            elif k in node:
                node[k] = _plain(v)
            else:
                keys = list(node.keys())
                pos = keys.index("enabled") if "enabled" in keys else len(keys)
                node.insert(pos, k, _plain(v))

    def set_enabled(self, name: str, on: bool) -> None:
        node = self.tile(name)
        if on:
            node.pop("enabled", None)  # enabled is the default: the key goes
        else:
            node["enabled"] = False

    def remove_tile(self, name: str) -> None:
        seq = self.tiles()
        node = self.tile(name)
        seq.remove(node)

    def bind(self, cid: str, tile: str | None) -> str:
        """Bind criterion / rollback trigger ``cid`` to ``tile`` (None: unbind). Returns its kind."""
        key, entry = self.criterion(cid)
        if tile is None:
            entry.pop("tile", None)
        else:
            self.tile(tile)  # must exist
            if "tile" in entry:
                entry["tile"] = tile
            else:
                keys = list(entry.keys())
                pos = keys.index("threshold") + 1 if "threshold" in keys else len(keys)
                entry.insert(pos, "tile", tile)
        return "rollback" if key == "rollback" else "go"


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        from ruamel.yaml.comments import CommentedMap

        m = CommentedMap()
        for k, v in value.items():
            m[k] = _plain(v)
        return m
    if isinstance(value, list):
        from ruamel.yaml.comments import CommentedSeq

        return CommentedSeq(_plain(v) for v in value)
    return value


def resolve(path: Path | str) -> Path:
    """The file a (possibly symlinked) layout path names."""
    return Path(os.path.realpath(path))


def read_layout(path: Path | str) -> LayoutDoc:
    """Read a layout for editing. Raises InputError (with ``path:line:col``) when it is not YAML."""
    from ruamel.yaml.error import MarkedYAMLError

    path = Path(path)
    target = resolve(path)
    try:
        raw = target.read_bytes()
    except OSError as exc:
        raise ActionError(f"cannot read {path}: {exc.strerror or exc}") from None
    text = raw.decode("utf-8", errors="replace")
    try:
        data = _yaml(text).load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise InputError([Problem(str(path), line, col, f"not valid YAML: {exc.problem or exc}")]) from None
    from ruamel.yaml.comments import CommentedMap

    if not isinstance(data, CommentedMap):
        raise InputError([Problem(str(path), 1, 1, "expected a layout mapping with 'launch' and 'checklists'")])
    return LayoutDoc(path, target, text, sha256(raw), data)


def shown_doc(path: Path | str, text: str, digest: str) -> LayoutDoc:
    """The layout a screen shows (an older version of the file) as a document: a save from it is
    refused as the file changed since (its ``digest`` is not the file's)."""
    path = Path(path)
    return LayoutDoc(path, resolve(path), text, digest, _yaml(text).load(text))


def check_text(text: str, path: Path | str) -> tuple[Any, list[Problem]]:
    """(layout, problems) of ``text`` read as the layout at ``path`` (nothing is written)."""
    from warroom.layout_format import parse_layout
    from warroom.yamlio import load_text

    data, problems = load_text(text, str(path))
    if problems and data is None:
        return None, problems
    layout, more = parse_layout(data, Path(path))
    return layout, problems + more


@contextmanager
def locked(target: Path) -> Iterator[None]:
    """An exclusive lock on the lock file beside ``target`` (``.NAME.lock``)."""
    lock = target.with_name(f".{target.name}.lock")
    try:  # never through a symlink planted at the lock's name, never blocking on a FIFO there
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise ActionError(f"cannot lock {target}: {lock}: {exc.strerror or exc}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


@dataclass
class Saved:
    before: str
    after: str
    digest: str  # of the text written
    event: Any  # the journaled event (None when no journal was given and the layout names none)


def save(doc: LayoutDoc, who: str, what: str, journal_path: Path | str | None = None,
         now: datetime | None = None, text: str | None = None) -> Saved:
    """Write ``doc`` (or ``text``) back to its file and journal a ``layout-change`` event.

    Raises LayoutChanged when the file's bytes are no longer those read, InputError when the new
    text is not a valid layout. The check, the write and the journal entry happen under one lock."""
    after = doc.render() if text is None else text
    layout, problems = check_text(after, doc.path)
    if problems or layout is None:
        raise InputError(problems or [Problem(str(doc.path), 0, 0, "the edited layout could not be read")])
    with locked(doc.target):
        try:
            current = doc.target.read_bytes()
        except OSError as exc:
            raise ActionError(f"cannot read {doc.path}: {exc.strerror or exc}") from None
        if sha256(current) != doc.digest:
            raise LayoutChanged(f"{doc.path} changed since it was read (another screen or hand saved it): "
                                "nothing was written; reload it and make the change again")
        _write_atomic(doc.target, after)
        event = None
        jpath = journal_path or layout.journal_url or layout.journal_path  # a file, or a postgresql:// URL
        if jpath is not None:
            from warroom.journals import open_journal

            with open_journal(jpath, doc.path) as journal:
                from warroom.metrics.spec import redact_urls_in  # a URL's password is never journaled

                event = journal.append(LAYOUT_CHANGE, doc.path.name, {
                    "what": what, "file": str(doc.target), "before": redact_urls_in(doc.text), "after": redact_urls_in(after),
                    "before_sha256": doc.digest, "after_sha256": sha256(after.encode("utf-8"))}, op=who, now=now)
    digest = sha256(after.encode("utf-8"))
    doc.text, doc.digest = after, digest
    return Saved(current.decode("utf-8", errors="replace"), after, digest, event)


def _write_atomic(target: Path, text: str) -> None:
    from warroom.safeio import write_atomic

    write_atomic(target, text)


def layout_as_of(events: Iterable[Any], seq: int | None = None, at: datetime | None = None) -> str | None:
    """The layout text after the last ``layout-change`` at or before ``seq`` / ``at`` (None: none)."""
    text = None
    for ev in events:
        if ev.kind != LAYOUT_CHANGE:
            continue
        if (seq is not None and ev.seq > seq) or (at is not None and ev.at > at):
            break
        text = ev.payload.get("after")
    return text


def diff_lines(before: str, after: str) -> list[str]:
    import difflib

    from warroom.metrics.spec import redact_urls_in  # a URL's password is never shown

    return [redact_urls_in(line.rstrip("\n")) for line in difflib.unified_diff(before.splitlines(), after.splitlines(), "before", "after", n=1, lineterm="")]
