"""Reading an input file that may not be what it seems.

A layout, checklist or Markdown path may name a FIFO (a read would wait forever), a device
(``/dev/zero`` never ends), a directory, or a symlink to any of them. ``read_input`` opens
without blocking, refuses anything but a regular file, and reads at most ``limit`` bytes,
naming the limit when a file is larger. (Journals are streamed, not capped: see ``journal``.)
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_INPUT = 8 * 1024 * 1024  # bytes in one layout, checklist or Markdown file


class RefusedFile(ValueError):
    """An input path that is not a readable regular file of a sane size (the message says why)."""


def file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_input(path: Path | str, limit: int = MAX_INPUT) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes. Raises RefusedFile or OSError."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            link = " (through a symlink)" if os.path.islink(path) else ""
            raise RefusedFile(f"not a regular file: it is {file_kind(st.st_mode)}{link}")
        if st.st_size > limit:
            raise RefusedFile(f"file is too large: {st.st_size:,} bytes; the limit is {limit:,} bytes ({limit // 1048576} MiB)")
        chunks, total = [], 0
        while True:  # the size may have changed since fstat: never read past the limit
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise RefusedFile(f"file is too large: more than {limit:,} bytes ({limit // 1048576} MiB)")
        return b"".join(chunks)
    finally:
        os.close(fd)


def write_atomic(target: Path | str, text: str, mode: int | None = None) -> None:
    """Write ``text`` to ``target`` by a rename: a temporary file beside it, created under a
    fresh random name with ``O_EXCL`` (never one an attacker could plant a symlink at: a fixed or
    pid-based name was, so the write went through the link into another file), fsync'd, given
    ``mode`` (else the target's, else 0644 less the umask), then renamed over ``target``."""
    import tempfile

    target = Path(target)
    if mode is None:
        try:
            mode = target.stat().st_mode & 0o7777
        except OSError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fchmod(f.fileno(), mode)
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:
        dfd = os.open(target.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)
