"""The ``ecoute`` command line: its entry point and the commands that need no platform."""
