"""``python -m coder``."""

from coder.cli.main import entry

entry()
