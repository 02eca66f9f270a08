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
    """A change of the layout file seen by a screen."""

    text: str
    digest: str
    workspace: Any = None  # the new war room, when it loads without problems
    problems: list[Problem] = field(default_factory=list)
    by: str = ""  # who changed it
    what: str = ""  # what they said they changed
    sensitive: list[str] = field(default_factory=list)
    diff: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.workspace is not None and not self.problems

    def needs_acceptance(self, me: str) -> bool:
        """A sensitive change made by someone else waits for this operator's yes."""
        return bool(self.sensitive) and self.by != me

    def headline(self) -> str:
        who = self.by or "someone (edited outside warroom)"
        return f"layout changed by {who}" + (f": {self.what}" if self.what else "")


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class LayoutWatcher:
    """Notices changes of a layout file; :meth:`check` says what changed (None: nothing new)."""

    def __init__(self, path: Path | str, text: str | None = None,
                 load: Callable[[Path], Any] | None = None) -> None:
        self.path = Path(path)
        self._stat: tuple[int, int, int, int] | None = None
        raw = self._read() if text is None else text.encode("utf-8")
        self.good_text = raw.decode("utf-8", errors="replace") if raw is not None else ""
        self.good_digest = digest_of(raw or b"")
        self.seen_digest = self.good_digest  # the last version looked at (refused or waiting included)
        self._load = load

    def _target(self) -> Path:
        return Path(os.path.realpath(self.path))

    def _stat_key(self) -> tuple[int, int, int, int] | None:
        try:
            st = self._target().stat()
        except OSError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)

    def _read(self) -> bytes | None:
        self._stat = self._stat_key()
        try:
            return self._target().read_bytes()
        except OSError:
            return None

    def check(self, who_changed: Callable[[str], tuple[str, str] | None] | None = None) -> LayoutUpdate | None:
        """Read the file if it changed on disk; a new version gives a LayoutUpdate (once)."""
        if self._stat_key() == self._stat:
            return None
        raw = self._read()
        if raw is None:
            return None
        digest = digest_of(raw)
        if digest == self.seen_digest:
            return None
        self.seen_digest = digest
        text = raw.decode("utf-8", errors="replace")
        update = LayoutUpdate(text, digest)
        found = who_changed(digest) if who_changed else None
        if found:
            update.by, update.what = found
        from warroom.layout_edit import diff_lines

        update.diff = diff_lines(self.good_text, text)
        try:
            update.workspace = (self._load or _load_workspace)(self.path)
        except InputError as exc:
            update.problems = list(exc.problems)
            return update
        update.sensitive = sensitive_changes(_plain_data(self.good_text), _plain_data(text))
        return update

    def applied(self, update: LayoutUpdate) -> None:
        """The screen now shows ``update``: later changes are compared with it."""
        self.good_text, self.good_digest = update.text, update.digest


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
