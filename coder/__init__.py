"""coder: a qualitative thematic-coding workbench.

From a notebook::

    import coder
    project = coder.open("projects/demo.db")
    project.codings()      # a pandas DataFrame
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from coder.api import Project


def open(path_or_url: str) -> Project:  # noqa: A001 - the public name the issue asks for
    """Open an existing project (a SQLite path or an SQLAlchemy URL) for reading into pandas."""
    from coder.api import Project

    return Project.open(path_or_url)


__all__ = ["__version__", "open"]
