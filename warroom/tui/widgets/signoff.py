"""The sign-off panel: roles in poll order, the poll, criteria and the "why not GO yet" list."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from warroom.tui.widgets.body_pane import BodyPane
from warroom.tui.widgets.text import DECISION_STYLE, ROLE_GLYPH, RenderOnce, inline_markdown, local_time, zone_of


MAX_REASONS = 25  # the panel shows the first ones (NO-GO first); the count says how many more


class SignoffPane(BodyPane):
    DEFAULT_TITLE = "Sign-off"
    BODY_ID = "signoff-body"

    def __init__(self, title: str = "", read_only: bool = False) -> None:
        super().__init__(title)
        self.read_only = read_only  # a read-only, replay or wall screen names no key that writes

    def show(self, room) -> None:  # noqa: ANN001 - Room
        state = room.state
        zone = zone_of(room.ws.layout.timezone)
        decision = room.decision()
        head = Text()
        head.append("Decision ", style="bold")
        head.append(f" {decision.verdict} ", style=DECISION_STYLE.get(decision.verdict, "bold"))
        stale = sum(1 for rv in decision.roles if rv.state == "stale")
        if stale:
            head.append(f"\n{ROLE_GLYPH['stale'][0]} {stale} GO{'s' if stale > 1 else ''} stale: "
                        + ("to be given again" if self.read_only else "sign again or poll (p)"), style="bold yellow")
        poll = state.poll
        if poll is not None:
            head.append(f"\nPOLL {len(poll.answers)}/{len(poll.roles)} answered · asking {poll.current_role}",
                        style="bold yellow")
        roles: list[tuple[Text, Text]] = []
        for rv in decision.roles:
            glyph, style = ROLE_GLYPH.get(rv.state, ("?", ""))
            name = Text(rv.name + ("" if rv.required else " (optional)"), style="bold" if rv.required else "")
            if rv.person:
                name.append(f" {rv.person}", style="dim")
            if poll is not None and poll.current_role == rv.name:
                name = Text.assemble(("◀ asking ", "bold yellow reverse"), name)
            roles.append((Text(f"{glyph} {rv.state}", style=style), name))
            if rv.by:
                who = rv.by.split(" (ssh", 1)[0]
                detail = f"{who} {local_time(rv.at, zone)}"
                if poll is not None and rv.name in poll.answers:
                    detail += " (poll)"
                if rv.state == "stale":
                    detail += f" — stale: {rv.stale_reason}"
                elif rv.comment:
                    detail += f" — {rv.comment}"
                roles.append((Text(""), Text(detail, style="dim")))
        if not decision.roles:
            roles.append((Text(""), Text("no sign-off roles in this layout", style="dim")))
        parts: list = [head, Text(""), _lines(roles)]
        go = [cv for cv in decision.criteria if cv.criterion.kind != "rollback"]
        rollback = [cv for cv in decision.criteria if cv.criterion.kind == "rollback"]
        if go:
            crit: list[tuple[Text, Text]] = []
            for cv in go:
                glyph, style = {"pass": ("✓", "green"), "fail": ("✗", "bold red")}.get(cv.state, ("?", "yellow"))
                label = cv.criterion.name + (f" {cv.criterion.threshold}" if cv.criterion.threshold else "")
                if not cv.criterion.required:
                    label += " (optional)"
                crit.append((Text(f"{glyph} {cv.state}", style=style), Text(f"{label} — {cv.detail}")))
            parts += [Text(""), Text("Criteria", style="bold underline"), _lines(crit)]
        if rollback:
            trig: list[tuple[Text, Text]] = []
            for cv in rollback:
                fired = state.rollbacks.get(cv.criterion.id)
                by_hand = state.assessments.get(cv.criterion.id) if not cv.criterion.tile else None
                if by_hand is not None:
                    fired_now = by_hand.result == "fired"
                    trig.append((Text("⚠ FIRED", style="bold white on red") if fired_now else Text("· not fired", style="dim"),
                                 Text(f"{cv.criterion.name} — {cv.detail}", style="bold red" if fired_now else "dim")))
                elif fired is not None and fired.state == "fired":
                    trig.append((Text("⚠ FIRED", style="bold white on red"),
                                 Text(f"{cv.criterion.name} — {fired.reason or cv.detail}", style="bold red")))
                else:
                    when = cv.criterion.threshold or ""
                    now = cv.detail if cv.state != "unknown" else (
                        "no live value yet" if cv.criterion.tile else "not assessed: a marks it fired or not")
                    trig.append((Text("· armed", style="dim"),
                                 Text(f"{cv.criterion.name}" + (f" (fires {when})" if when else "") + f" — now {now}", style="dim")))
            parts += [Text(""), Text("Rollback triggers", style="bold underline"), _lines(trig)]
        why = Text()
        if decision.reasons:
            why.append("Why not GO yet\n", style="bold underline")
            for r in decision.reasons[:MAX_REASONS]:
                mark, style = ("✗", "bold red") if r.verdict == "NO-GO" else ("…", "yellow")
                why.append(f"{mark} ", style=style)
                why.append_text(inline_markdown(r.text))
                why.append("\n")
            if len(decision.reasons) > MAX_REASONS:
                why.append(f"… and {len(decision.reasons) - MAX_REASONS} more: w shows them all\n", style="bold")
        else:
            why.append("✓ every required role, critical item and criterion is GO\n", style="bold green")
        why.append("o sign · p poll · a assess · w why not GO", style="dim")
        parts += [Text(""), why]
        self.body.update(RenderOnce(Group(*parts)))


STATE_WIDTH = 9  # "○ pending", the widest state


def _lines(rows: list[tuple[Text, Text]]) -> Text:
    """Rows of a state and what it is about, one line each, cut at the pane's edge."""
    lines = Text(no_wrap=True, overflow="ellipsis")
    for n, (state, what) in enumerate(rows):
        if n:
            lines.append("\n")
        lines.append_text(state)
        lines.append(" " * (STATE_WIDTH + 1 - state.cell_len))
        lines.append_text(what)
    return lines
