"""Who is acting.

``current_operator``: the name an operator goes by — ``--as NAME``, else ``WARROOM_OPERATOR``,
else ``SUDO_USER``/``USER`` @ host (+ SSH client). It is a *claim*: anyone can type any name.

``real_account``: the Unix account the process runs as (from the kernel, not the environment),
``SUDO_USER`` where sudo set it, and the SSH client's address. Every event records it beside the
claimed name, and a role bound to accounts (``roles: [{name, accounts, delegates}]``) checks it.
"""

from __future__ import annotations

import getpass
import os
import socket

from warroom.errors import ActionError
from warroom.textsafe import MAX_NAME, text_problem


def current_operator(explicit: str | None = None, env: dict[str, str] | None = None) -> str:
    """The claimed name, checked: not blank, one line, no control or invisible characters,
    at most ``MAX_NAME`` characters. Raises ActionError saying which source was wrong."""
    env = dict(os.environ) if env is None else env
    if explicit is not None:
        name, source = explicit.strip(), "--as"
    elif env.get("WARROOM_OPERATOR"):
        name, source = env["WARROOM_OPERATOR"].strip(), "WARROOM_OPERATOR"
    else:
        user = env.get("SUDO_USER") or env.get("USER") or env.get("LOGNAME")
        if not user:
            try:
                user = getpass.getuser()
            except (KeyError, OSError):
                user = "unknown"
        name, source = f"{user}@{socket.gethostname()}", "the operator name (from $USER and the host name)"
    check_operator_name(name, source)
    ssh = _ssh_client(env)
    if ssh and explicit is None:
        name += f" (ssh {ssh})"
    return name


def check_operator_name(name: str, source: str = "the operator name") -> None:
    if not name:
        raise ActionError(f"{source}: the operator name is blank; say who you are (--as NAME)")
    problem = text_problem(name, source)
    if problem:
        raise ActionError(problem)
    if len(name) > MAX_NAME:
        raise ActionError(f"{source}: the operator name is {len(name)} characters long; at most {MAX_NAME} are allowed")


def _ssh_client(env: dict[str, str]) -> str:
    ssh = (env.get("SSH_CLIENT") or env.get("SSH_CONNECTION") or "").split()
    addr = ssh[0] if ssh else ""
    return addr if addr and text_problem(addr) is None and len(addr) <= 64 else ""


def real_account(env: dict[str, str] | None = None) -> dict[str, str]:
    """``{"user": ..., "sudo_user": ..., "ssh": ...}`` (keys only where known) of this process."""
    env = dict(os.environ) if env is None else env
    try:
        import pwd

        user = pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        user = str(os.getuid()) if hasattr(os, "getuid") else (env.get("USERNAME") or "unknown")
    acct = {"user": user}
    sudo = env.get("SUDO_USER", "")
    if sudo and text_problem(sudo) is None and len(sudo) <= MAX_NAME:
        acct["sudo_user"] = sudo
    ssh = _ssh_client(env)
    if ssh:
        acct["ssh"] = ssh
    return acct


def acting_account(acct: dict[str, str]) -> str:
    """The account a role binding is checked against: the Unix user, or — for root reached
    through sudo — the account that ran sudo (root could write the journal by hand anyway)."""
    if acct.get("user") == "root" and acct.get("sudo_user"):
        return acct["sudo_user"]
    return acct.get("user", "")
