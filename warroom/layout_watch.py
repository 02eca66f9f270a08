"""Seeing a layout change while a war room is open (pure: the screen drives it).

Every open screen watches its layout file (following a symlink to its target). A change is read
and checked as a whole war room; the result says

* who changed it: the ``layout-change`` event in the journal whose ``after_sha256`` is the new
  file's (``warroom tiles``, another screen's tiles flow), else "edited outside warroom";
* whether it may be applied at once: a change that adds a host (a URL to a host the layout did
  not name), a ``${NAME}`` environment reference, or alters any ``run:`` is **sensitive** — on
  another operator's screen it waits until that operator has seen the difference and accepted
  it, since every screen polls tiles with its own process's environment;
* its problems, as ``path:line:col``: a broken layout is refused and the last good one kept.

The checklists the layout names are watched the same way: a checklist edited by another hand is
reloaded live (its commands included, so ``warroom run``'s check that the commands are still
those reviewed passes again once the screen shows them), and a broken one is refused with its
problems while the screen keeps the last good war room.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from warroom.errors import InputError, Problem

# A URL's authority: up to its path, query or fragment, a ${NAME} reference kept whole inside it
# (``http://${HOST}.evil.example`` is a new host even where ``http://${HOST}`` was known), ended
# by the ``}`` of a ``${X:-http://default}`` around it.
_AUTHORITY = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://((?:\$\{[^}]*\}|[^/?#\s'\"{}])*)")
_PORT = re.compile(r":[0-9]*$")
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)")


def hosts_in(data: Any) -> set[str]:
    """Hosts named by URLs anywhere in the layout's values (defaults of ``${X:-url}`` too)."""
    return {_host(m[1]) for s in _strings(data) for m in _AUTHORITY.finditer(s)}


def _shown_host(host: str) -> str:
    """A host as the review shows it: a non-ASCII name (``knоwn.example`` with a Cyrillic о looks
    like the known one) in its ASCII form as well, which cannot look like another."""
    if host.isascii():
        return host
    try:
        ascii_form = host.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_form = host.encode("ascii", "backslashreplace").decode("ascii")
    return f"{ascii_form} (non-ASCII: {host})"


def _host(authority: str) -> str:
    """The host an HTTP client connects to: after the last ``@`` (the user and password come
    before it), without the port."""
    host = authority.rpartition("@")[2].lower()
    return host if host.endswith("]") else _PORT.sub("", host)


def env_refs_in(data: Any) -> set[str]:
    return {m[1] for s in _strings(data) for m in _ENV.finditer(s)}


def runs_in(data: Any, path: str = "") -> dict[str, Any]:
    """Every value under a key named ``run`` (by its path in the document)."""
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for k, v in data.items():
            p = f"{path}.{k}" if path else str(k)
            if str(k) == "run":
                out[p] = v
            out.update(runs_in(v, p))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out.update(runs_in(v, f"{path}[{i}]"))
    return out


def _strings(data: Any) -> Iterable[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for k, v in data.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(data, (list, tuple)):
        for v in data:
            yield from _strings(v)


def sensitive_changes(before: Any, after: Any) -> list[str]:
    """Why the change from layout data ``before`` to ``after`` needs each operator's acceptance."""
    reasons = []
    for host in sorted(hosts_in(after) - hosts_in(before)):
        reasons.append(f"adds the host {_shown_host(host)}")
    for name in sorted(env_refs_in(after) - env_refs_in(before)):
        reasons.append(f"adds the environment reference ${{{name}}}")
    old_runs, new_runs = runs_in(before), runs_in(after)
    for key in sorted(set(old_runs) | set(new_runs)):
        if old_runs.get(key) != new_runs.get(key):
            reasons.append(f"alters run: at {key}")
    return reasons


def _plain_data(text: str) -> Any:
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


@dataclass
class LayoutUpdate:
    """A change of the layout file, or of a checklist it names, seen by a screen."""

    text: str  # the layout's text
    digest: str  # of the layout's bytes (the journal's layout-change events name it)
    workspace: Any = None  # the new war room, when it loads without problems
    problems: list[Problem] = field(default_factory=list)
    by: str = ""  # who changed it
    what: str = ""  # what they said they changed
    sensitive: list[str] = field(default_factory=list)
    diff: list[str] = field(default_factory=list)
    layout_changed: bool = True  # False: only checklists changed
    checklists_changed: list[str] = field(default_factory=list)  # the changed checklist files, as the layout names them
    files: dict[str, bytes | None] = field(default_factory=dict)  # every checklist file as read (None: missing)

    @property
    def ok(self) -> bool:
        return self.workspace is not None and not self.problems

    def needs_acceptance(self, me: str) -> bool:
        """A sensitive change made by someone else waits for this operator's yes."""
        return bool(self.sensitive) and self.by != me

    def headline(self) -> str:
        who = self.by or "someone (edited outside warroom)"
        if self.checklists_changed:
            names = ", ".join(self.checklists_changed)
            what = f"layout and checklist {names}" if self.layout_changed else f"checklist {names}"
            return f"{what} changed by {who}" + (f": {self.what}" if self.what else "")
        return f"layout changed by {who}" + (f": {self.what}" if self.what else "")


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _version(layout_digest: str, files: dict[str, bytes | None]) -> str:
    """One hash for the layout and its checklists as read."""
    h = hashlib.sha256(layout_digest.encode())
    for name in sorted(files):
        data = files[name]
        h.update(b"\0" + name.encode("utf-8", "replace") + b"\0" + (b"-" if data is None else digest_of(data).encode()))
    return h.hexdigest()


def _checklist_files(layout: Any) -> list[Path]:
    """The checklist files a layout names, as written (a symlink stays a symlink: re-pointing it is a change)."""
    if layout is None:
        return []
    out = []
    for resolved in layout.checklist_paths:
        written = layout.checklists_written.get(resolved)
        ref = getattr(written, "text", None) if written is not None else None
        out.append(Path(os.path.abspath(layout.path.parent / ref)) if isinstance(ref, str) else Path(resolved))
    return out


def _read_file(path: Path) -> bytes | None:
    try:
        return Path(os.path.realpath(path)).read_bytes()
    except OSError:
        return None


def _stat_of(path: Path) -> tuple[int, int, int, int] | None:
    try:
        st = Path(os.path.realpath(path)).stat()
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class LayoutWatcher:
    """Notices changes of a layout file and of the checklists it names (each through a symlink,
    by its stat, then its hash); :meth:`check` says what changed (None: nothing new)."""

    def __init__(self, path: Path | str, text: str | None = None,
                 load: Callable[[Path], Any] | None = None) -> None:
        self.path = Path(path)
        self._stat: tuple[Any, ...] | None = None
        self._watch: list[Path] = []  # the checklists of the layout the screen shows
        raw = self._read() if text is None else text.encode("utf-8")
        self.good_text = raw.decode("utf-8", errors="replace") if raw is not None else ""
        self.good_digest = digest_of(raw or b"")
        self._watch = self._checklists_of(self.good_text)
        self.good_files = {str(p): _read_file(p) for p in self._watch}  # the checklists as last shown
        self._stat = self._stat_key()
        self.seen_version = _version(self.good_digest, self.good_files)  # the last version looked at
        self._load = load

    def _checklists_of(self, text: str) -> list[Path]:
        from warroom.layout_edit import check_text

        try:
            layout, _ = check_text(text, self.path)
        except Exception:  # noqa: BLE001 - a layout that does not parse names no checklists
            return []
        return _checklist_files(layout)

    def _target(self) -> Path:
        return Path(os.path.realpath(self.path))

    def _stat_key(self) -> tuple[Any, ...]:
        return tuple(_stat_of(p) for p in [self.path, *self._watch])

    def _read(self) -> bytes | None:
        self._stat = self._stat_key()
        return _read_file(self.path)

    def check(self, who_changed: Callable[[str], tuple[str, str] | None] | None = None) -> LayoutUpdate | None:
        """Read the files if one changed on disk; a new version gives a LayoutUpdate (once)."""
        if self._stat_key() == self._stat:
            return None
        raw = self._read()
        if raw is None:
            return None
        digest = digest_of(raw)
        text = raw.decode("utf-8", errors="replace")
        watch = self._watch if digest == self.good_digest else self._checklists_of(text) or self._watch
        files = {str(p): _read_file(p) for p in watch}
        version = _version(digest, files)
        if version == self.seen_version:
            return None
        self.seen_version = version
        update = LayoutUpdate(text, digest, layout_changed=digest != self.good_digest, files=files)
        update.checklists_changed = [self._shown(name) for name, data in files.items()
                                     if name in self.good_files and data != self.good_files[name]]
        found = who_changed(digest) if (who_changed and update.layout_changed) else None
        if found:
            update.by, update.what = found
        from warroom.layout_edit import diff_lines

        update.diff = diff_lines(self.good_text, text) if update.layout_changed else []
        for name in files:
            if name in self.good_files and files[name] != self.good_files[name]:
                old, new = (self.good_files[name] or b""), (files[name] or b"")
                update.diff += [f"--- {self._shown(name)}"] + diff_lines(old.decode("utf-8", "replace"), new.decode("utf-8", "replace"))
        try:
            update.workspace = (self._load or _load_workspace)(self.path)
        except InputError as exc:
            update.problems = list(exc.problems)
            return update
        update.sensitive = sensitive_changes(_plain_data(self.good_text), _plain_data(text)) if update.layout_changed else []
        return update

    def _shown(self, name: str) -> str:
        """A checklist's path as short as it is clear: relative to the layout's folder when it can be."""
        try:
            return os.path.relpath(name, self.path.parent)
        except ValueError:
            return name

    def applied(self, update: LayoutUpdate) -> None:
        """The screen now shows ``update``: later changes are compared with it."""
        self.good_text, self.good_digest = update.text, update.digest
        self.good_files = dict(update.files)
        if update.workspace is not None:
            self._watch = _checklist_files(update.workspace.layout)
            self.good_files = {str(p): update.files.get(str(p), _read_file(p)) for p in self._watch}
        self._stat = None  # look again: a file named only by the new layout is watched from now on
        self.seen_version = _version(self.good_digest, self.good_files)


def _load_workspace(path: Path) -> Any:
    from warroom.workspace import load_workspace

    return load_workspace(path)


def who_from_events(events: Iterable[Any]) -> Callable[[str], tuple[str, str] | None]:
    """A look-up of (who, what) by the SHA-256 of the text a ``layout-change`` event wrote."""
    by_digest: dict[str, tuple[str, str]] = {}
    for ev in events:
        if ev.kind == "layout-change":
            by_digest[str(ev.payload.get("after_sha256", ""))] = (ev.op, str(ev.payload.get("what", "")))
    return by_digest.get
