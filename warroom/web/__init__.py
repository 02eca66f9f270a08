"""The war room over the web: `warroom serve` (textual-serve). No Textual imported here."""
