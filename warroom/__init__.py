"""warroom: a terminal war-room for software launches.

The core (model, formats, journal, state, countdown, decision, importer, metrics) never imports
Textual; only ``warroom.tui`` does.
"""

__version__ = "0.1.0"
