"""A run, resolved before anything runs: which command, where, with which variables, and
what the operator must type to confirm it. Every refusal is decided here."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Mapping

from warroom.errors import ActionError
from warroom.runner.mask import Masker
from warroom.runner.resolve import Choice, Target, choices, fingerprint, resolve_target
from warroom.runner.settings import RunSettings
from warroom.workspace import Workspace

# Passed from warroom's own environment to every command (it needs a PATH and a HOME); any
# other variable reaches a command only when the layout lists it in ``run: env``.
BASE_ENV = ("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ")
# Set by the shell itself: a command may read them without the layout passing them.
SHELL_VARS = {"PWD", "OLDPWD", "HOSTNAME", "RANDOM", "SECONDS", "LINENO", "UID", "EUID", "PPID", "BASH", "BASH_SOURCE",
              "BASHPID", "IFS", "SHLVL", "OPTARG", "OPTIND", "REPLY", "PIPESTATUS", "COLUMNS", "LINES", "TERM", "SHELL"}
# Screens that only look: nothing runs from them.
LOOK_ONLY = {"read-only": "a read-only screen", "wall": "a wall display", "visitor": "a browser visitor's screen"}


@dataclass
class Plan:
    ws: Workspace
    target: Target
    choice: Choice
    settings: RunSettings
    shell: str
    cwd: Path
    timeout: timedelta
    grace: timedelta
    typed: bool  # True: the operator types the short id (or 'run'); False: 'y'
    tick_on_success: bool
    env: dict[str, str] = field(repr=False)  # never journaled, never printed
    passed: list[str] = field(default_factory=list)  # variable names the command reads from env
    masked: list[str] = field(default_factory=list)  # names whose values are masked
    problems: list[str] = field(default_factory=list)
    fingerprint: str = ""
    host: str = ""
    masker: Masker = field(default_factory=lambda: Masker({}), repr=False)

    @property
    def short_id(self) -> str:
        return self.target.short_id

    @property
    def confirm_word(self) -> str:
        return self.short_id if self.typed else "y"

    def accepts(self, answer: str) -> bool:
        """Is this the confirmation asked for? A bare Enter never is."""
        answer = answer.strip()
        if self.typed:
            return answer in (self.short_id, "run")
        return answer.lower() in ("y", "yes")

    def check(self) -> None:
        if self.problems:
            raise ActionError(f"cannot run {self.target.id}: " + "; ".join(self.problems))

    @property
    def command(self) -> str:
        """The command as shown and journaled: masked."""
        return self.masker.text(self.choice.code)

    def describe(self) -> list[str]:
        """What will run, where and with what: for the confirmation and ``--dry-run``."""
        lines = [f"{self.target.kind} {self.target.id}" + ("  [critical]" if self.target.critical else ""),
                 f"choice {self.choice.number}: {self.choice.label}",
                 f"host {self.host}   cwd {self.cwd}   shell {self.shell}   timeout {_dur(self.timeout)}"]
        if self.passed:
            lines.append("variables (from the environment, masked): " + ", ".join(
                f"{n}={'[masked]' if n in self.env else '(unset)'}" for n in self.passed))
        else:
            lines.append("variables: none")
        if self.tick_on_success and self.target.item is not None:
            lines.append("on exit 0 the item is ticked; on a failure it is marked blocked")
        lines.append("confirm by typing " + (f"'{self.short_id}' (or 'run')" if self.typed else "'y'"))
        return lines


def _dur(value: timedelta) -> str:
    s = int(value.total_seconds())
    return f"{s // 60}m{s % 60:02d}s" if s >= 60 else f"{s}s"


def prepare(ws: Workspace, target_ref: str, choice: int | None = None, environ: Mapping[str, str] | None = None,
            mode: str = "operator") -> Plan:
    """Resolve a run. Refusals that make the plan meaningless raise ActionError; the ones a
    rehearsal still wants to see (unset variables, placeholders, running off) are in
    ``plan.problems`` and ``plan.check()`` raises them."""
    if mode in LOOK_ONLY:
        raise ActionError(f"commands never run from {LOOK_ONLY[mode]}")
    environ = os.environ if environ is None else environ
    settings: RunSettings = ws.layout.run or RunSettings()
    target = resolve_target(ws, target_ref)
    offered = choices(target)
    if not offered:
        raise ActionError(f"{target.kind} '{target.id}' has no command to run")
    if choice is None:
        if len(offered) > 1:
            listed = "\n  ".join(f"{c.number}. {c.label}" for c in offered)
            raise ActionError(f"{target.kind} '{target.id}' offers {len(offered)} commands; choose one (--choice N), "
                              f"they never run all at once:\n  {listed}")
        chosen = offered[0]
    elif not 1 <= choice <= len(offered):
        raise ActionError(f"{target.kind} '{target.id}' offers {len(offered)} command(s); there is no choice {choice}")
    else:
        chosen = offered[choice - 1]
    over = settings.for_item(target.id)
    problems: list[str] = []
    if not settings.enabled:
        problems.append(f"running commands is off in {ws.layout.path.name} (add `run: {{enabled: true}}`; see docs/commands.md)")
    refusal = chosen.refusal()
    if refusal:
        problems.append(f"choice {chosen.number} cannot run as written: {refusal}")
    passed, secrets = [], {}
    for name in chosen.variables:
        if name in settings.env:
            passed.append(name)
            if name not in environ:
                problems.append(f"${name} is unset here: the command is not run with an empty value")
            else:
                secrets[name] = environ[name]
        elif name in BASE_ENV or name in SHELL_VARS:
            continue
        else:
            problems.append(f"${name} is not passed to commands: list it in `run: env` in {ws.layout.path.name}")
    for name in settings.secrets:
        if name in environ:
            secrets[name] = environ[name]
    env = {k: environ[k] for k in BASE_ENV if k in environ}
    env.update({n: environ[n] for n in settings.env if n in environ})
    env["TERM"] = "xterm-256color"
    cwd = settings.cwd or ws.layout.path.parent
    if not cwd.is_dir():
        problems.append(f"the working directory {cwd} does not exist")
    if not os.access(settings.shell, os.X_OK):
        problems.append(f"the shell {settings.shell} is not an executable here")
    return Plan(ws=ws, target=target, choice=chosen, settings=settings, shell=settings.shell, cwd=cwd.resolve() if cwd.is_dir() else cwd,
                timeout=over.timeout or settings.timeout, grace=settings.grace,
                typed=target.critical or (over.confirm or settings.confirm) == "typed",
                tick_on_success=over.tick_on_success if over.tick_on_success is not None else settings.tick_on_success,
                env=env, passed=passed, masked=sorted(secrets), problems=problems, fingerprint=fingerprint(ws, target.id),
                host=socket.gethostname(), masker=Masker(secrets))


def still_as_reviewed(plan: Plan) -> None:
    """The files on disk still say what was reviewed: the target's commands and the layout's
    ``run:`` settings. Else refuse until the screen reloads and shows them again."""
    from warroom.errors import InputError
    from warroom.workspace import load_workspace

    try:
        fresh = load_workspace(plan.ws.layout.path)
    except InputError as exc:
        raise ActionError(f"the layout or a checklist no longer loads ({exc.problems[0]}); nothing was run") from None
    if fingerprint(fresh, plan.target.id) != plan.fingerprint:
        raise ActionError(f"the commands of {plan.target.id} or the layout's run: settings changed since they were loaded; "
                          "reload and review them again before running")
