"""Documents: importing files, listing and reading them, searching their text."""
