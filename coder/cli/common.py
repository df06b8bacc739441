"""Options shared by the commands."""

from __future__ import annotations

import getpass
import os
from typing import Annotated

import typer

from coder.db.engine import Store

DEFAULT_PROJECT = "projects/demo.db"

ProjectOption = Annotated[
    str,
    typer.Option(
        "--project",
        "-p",
        envvar="CODER_PROJECT",
        help="Project: a SQLite file (projects/NAME.db) or a database URL.",
        show_envvar=True,
    ),
]


def open_store(project: str) -> Store:
    from coder.services.project.lifecycle import open_project

    return open_project(project)


def current_user() -> str:
    """Who is acting, for the audit log: $CODER_USER, else the login name."""
    try:
        return os.environ.get("CODER_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
