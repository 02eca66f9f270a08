"""Who is acting: ``--as NAME``, else ``WARROOM_OPERATOR``, else ``SUDO_USER``/``USER`` @ host (+ SSH client)."""

from __future__ import annotations

import getpass
import os
import socket


def current_operator(explicit: str | None = None, env: dict[str, str] | None = None) -> str:
    env = dict(os.environ) if env is None else env
    if explicit:
        name = explicit.strip()
    elif env.get("WARROOM_OPERATOR"):
        name = env["WARROOM_OPERATOR"].strip()
    else:
        user = env.get("SUDO_USER") or env.get("USER") or env.get("LOGNAME")
        if not user:
            try:
                user = getpass.getuser()
            except (KeyError, OSError):
                user = "unknown"
        name = f"{user}@{socket.gethostname()}"
    ssh = env.get("SSH_CLIENT") or env.get("SSH_CONNECTION")
    if ssh and not explicit:
        name += f" (ssh {ssh.split()[0]})"
    return name
