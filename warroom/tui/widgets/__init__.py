"""The panes of the war-room screen and its header."""
