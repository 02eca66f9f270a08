"""Live metric tiles: specs, sources, conditions, the poller and the demo service. No Textual here."""
