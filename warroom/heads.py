"""The last journal head each operator saw, kept in that operator's own state directory.

The hash chain shows an edited, inserted or removed event *inside* a journal, but not events
cut off its end: a journal truncated to its first N events is a valid chain. So every warroom
command that reads or writes a journal remembers the head (seq and hash) it saw, per journal,
in ``$XDG_STATE_HOME/warroom/heads.json`` (not beside the journal, where whoever truncates it
could rewrite that too), and warns when the journal no longer contains it.
``warroom verify --head HASH`` checks any head by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

from warroom.journal import contains_head
from warroom.textsafe import one_line


def _store() -> Path:
    from platformdirs import user_state_dir

    return Path(user_state_dir("warroom")) / "heads.json"


def _key(journal: Path) -> str:
    return str(journal.resolve())


def _read() -> dict[str, dict[str, object]]:
    try:
        data = json.loads(_store().read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def check(journal: Path) -> str | None:
    """A warning if ``journal`` no longer contains the head remembered for it, else None."""
    seen = _read().get(_key(journal))
    if not isinstance(seen, dict) or not isinstance(seen.get("hash"), str) or not isinstance(seen.get("seq"), int):
        return None
    if contains_head(journal, seen["hash"]) is not False:
        return None
    return (f"{journal} no longer contains event seq {seen['seq']} ({one_line(seen['hash'])[:16]}…), which this account "
            f"saw there at {one_line(seen.get('at', '?'))}: events were cut off its end, or the file was replaced. "
            f"Check with: warroom verify LAYOUT --head {one_line(seen['hash'])}")


def remember(journal: Path, seq: int, digest: str, at: str) -> None:
    """Remember ``(seq, digest)`` as the head last seen in ``journal`` (best effort: a state
    directory that cannot be written loses the check, never the command)."""
    if seq <= 0:
        return
    data = _read()
    key = _key(journal)
    old = data.get(key)
    if isinstance(old, dict) and old.get("hash") == digest:
        return
    data[key] = {"seq": seq, "hash": digest, "at": at}
    store = _store()
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
        from warroom.safeio import write_atomic

        write_atomic(store, json.dumps(data, indent=1, sort_keys=True))
    except OSError:
        pass
