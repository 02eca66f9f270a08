"""The demo: a simulated service for the demo layout's tiles (``server``) and its journal (``seed``)."""
