"""Pane placement on the layout's grid (pure: no app)."""

from __future__ import annotations

from warroom.tui.grid import Cell, Spot, column_widths, place


def test_panes_in_row_major_order_with_their_spans() -> None:
    spots = [Spot(1, 1, 2, 1), Spot(1, 2), Spot(2, 2)]
    assert place(spots, rows=2, columns=2) == [Cell(0, 2, 1), Cell(1), Cell(2)]


def test_a_pane_grows_down_into_empty_cells_below_it() -> None:
    spots = [Spot(1, 1), Spot(1, 2)]  # nothing in row 2: both panes take the whole height
    assert place(spots, rows=2, columns=2) == [Cell(0, 2, 1), Cell(1, 2, 1)]


def test_growth_stops_at_the_next_pane_and_at_the_last_row() -> None:
    spots = [Spot(1, 1), Spot(3, 1)]
    assert place(spots, rows=3, columns=1) == [Cell(0, 2, 1), Cell(1, 1, 1)]


def test_a_cell_no_pane_covers_gets_a_filler() -> None:
    spots = [Spot(1, 1), Spot(2, 2)]  # (1,2) is empty, and (2,1) is filled by pane 0 growing
    assert place(spots, rows=2, columns=2) == [Cell(0, 2, 1), Cell(None), Cell(1)]


def test_a_wide_pane_covers_columns_and_blocks_growth_under_it() -> None:
    spots = [Spot(1, 1, 1, 2), Spot(2, 1), Spot(2, 2)]
    assert place(spots, rows=2, columns=2) == [Cell(0, 1, 2), Cell(1), Cell(2)]


def test_a_pane_starting_inside_another_is_left_out() -> None:
    spots = [Spot(1, 1, 2, 2), Spot(2, 2)]  # overlaps pane 0: never placed over it
    cells = place(spots, rows=2, columns=2)
    assert cells == [Cell(0, 2, 2)]
    assert all(c.index != 1 for c in cells)


def test_every_cell_of_the_grid_is_covered_exactly_once() -> None:
    spots = [Spot(1, 1, 1, 2), Spot(1, 3, 3, 1), Spot(3, 1)]
    cells = place(spots, rows=3, columns=3)
    area = sum(c.row_span * c.column_span for c in cells)
    assert area == 9


def test_wide_columns_get_twice_the_room_unless_all_are_wide() -> None:
    assert column_widths({1}, 3) == "2fr 1fr 1fr"
    assert column_widths({1, 2}, 2) == "1fr 1fr"
    assert column_widths(set(), 2) == "1fr 1fr"
