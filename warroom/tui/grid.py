"""Where each pane goes on the layout's grid: pure placement, no widgets.

Textual's grid places its children in row-major order, each over the cells its spans cover.
``place`` turns the layout's panes (each at a row and column, with spans) into that order: a
pane grows down into empty cells below it, so a short column has no holes; a cell no pane
covers gets a filler; a pane that starts inside another's cells is left out (it would overlap).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence


@dataclass(frozen=True)
class Spot:
    """Where a pane asks to be: its top-left cell (1-based) and its spans."""

    row: int
    column: int
    row_span: int = 1
    column_span: int = 1


@dataclass(frozen=True)
class Cell:
    """One child of the grid, in order: pane ``index`` (into the spots given) with its spans,
    or a filler (``index`` None, 1×1)."""

    index: int | None
    row_span: int = 1
    column_span: int = 1


def place(spots: Sequence[Spot], rows: int, columns: int) -> list[Cell]:
    """The grid's children in row-major order (see the module's docstring)."""
    spans = {i: (s.row_span, s.column_span) for i, s in enumerate(spots)}
    taken = {(r, c) for s in spots for r in range(s.row, s.row + s.row_span)
             for c in range(s.column, s.column + s.column_span)}
    for i, s in sorted(enumerate(spots), key=lambda x: (x[1].row, x[1].column)):
        # a pane grows down into empty cells below it
        grown, cols = spans[i]
        while s.row + grown <= rows and all((s.row + grown, c) not in taken for c in range(s.column, s.column + cols)):
            taken.update((s.row + grown, c) for c in range(s.column, s.column + cols))
            grown += 1
        spans[i] = (grown, cols)
    starts: dict[tuple[int, int], int] = {}
    for i, s in enumerate(spots):
        starts[(s.row, s.column)] = i
    occupied: set[tuple[int, int]] = set()
    out: list[Cell] = []
    for row in range(1, rows + 1):
        for col in range(1, columns + 1):
            if (row, col) in occupied:
                continue
            if (row, col) in starts:
                i = starts[(row, col)]
                row_span, column_span = spans[i]
                occupied.update((r, c) for r in range(row, row + row_span) for c in range(col, col + column_span))
                out.append(Cell(i, row_span, column_span))
            else:
                out.append(Cell(None))
    return out


def column_widths(wide: set[int], columns: int) -> str:
    """The grid's ``grid-columns``: the columns that hold a wide pane (a checklist, the journal)
    get twice the room, unless every column does."""
    return " ".join("2fr" if c in wide and len(wide) < columns else "1fr" for c in range(1, columns + 1))
