"""Running an item's command from the war room, with its output kept in the record.

The pure parts (what a layout allows, which command an item offers, placeholders,
alternatives, masking, the run records replayed from the journal) and the PTY execution live
here; nothing here imports Textual. See ``docs/commands.md``.
"""
