"""The report checks each run's kept output against the SHA-256 its run-end recorded: whole,
altered or missing (a journal file's side file here; tests/pg has the database's)."""

from __future__ import annotations

from runner_support import Room

from warroom.launch_report.text import write_report


def test_the_report_says_whether_each_runs_output_is_whole_altered_or_missing(room: Room) -> None:
    _, result = room.run("hello")
    assert result.ok and result.output is not None
    assert "SHA-256 matches" in write_report(room.layout, None, "markdown")
    result.output.write_bytes(result.output.read_bytes() + b"forged\r\n")
    page = write_report(room.layout, None, "markdown")
    assert "output ALTERED" in page and "SHA-256 matches" not in page
    result.output.unlink()
    symlink = result.output
    symlink.symlink_to(room.layout)  # a name from the journal is never followed through a link
    page = write_report(room.layout, None, "markdown")
    assert "output missing" in page and "ALTERED" not in page
