"""Modal screens: confirm, prompt, choice, help, details, filter, poll."""
