"""The ``regsim`` command line."""
