"""Fixtures shared by the test areas."""

from __future__ import annotations

import pytest

BOXES = ".dialog, #help-box, #details-box, #why-box"  # a modal's own box; the dimmed screen behind is not read


def _invisible(app) -> list[str]:  # noqa: ANN001
    """``"x,y 'text' colour n on n"`` for each run of glyphs whose 16-colour foreground is its background.

    Textual draws in true colour; Rich turns each colour into the nearest of the 16 standard ones
    as it writes to such a terminal (TEXTUAL_COLOR_SYSTEM=standard), exactly as done here."""
    from rich.color import ColorSystem
    from textual.geometry import Region

    boxes = [w.region for w in app.screen.query(BOXES)] or [Region(0, 0, *app.size)]
    found = []
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        x = 0
        for seg in strip:
            start, x = x, x + seg.cell_length
            style = seg.style
            if style is None or not seg.text.strip() or not any(b.contains(start, y) for b in boxes):
                continue
            fg, bg = (style.bgcolor, style.color) if style.reverse else (style.color, style.bgcolor)
            if fg is None or bg is None:
                continue
            f, b = fg.downgrade(ColorSystem.STANDARD).number, bg.downgrade(ColorSystem.STANDARD).number
            if f == b:
                found.append(f"{start},{y} {seg.text.strip()!r} colour {f} on {b}")
    return found


@pytest.fixture
def invisible_glyphs():  # noqa: ANN201
    """``invisible_glyphs(app)``: each run of glyphs a 16-colour terminal draws in its background's colour."""
    return _invisible


@pytest.fixture(autouse=True)
def _own_state_dir(tmp_path_factory, monkeypatch):  # noqa: ANN001, ANN202
    """Each test keeps warroom's per-operator state (the journal heads it saw) to itself."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))

