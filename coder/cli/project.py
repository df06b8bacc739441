"""``coder project copy|migrate|login|logout``: whole projects and coders' server logins."""

from __future__ import annotations

import os

import typer

from coder.cli.common import DEFAULT_PROJECT, ProjectOption, current_user, open_store

project_app = typer.Typer(
    help="Whole projects: copy between SQLite and PostgreSQL, upgrade an old one, coder logins"
    " on a server.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add the ``coder project`` command group to the main command."""
    app.add_typer(project_app, name="project")


@project_app.command("copy")
def copy(
    source: str = typer.Argument(..., help="Project to copy: a SQLite file or a database URL."),
    destination: str = typer.Argument(..., help="A new SQLite file or an empty database URL."),
) -> None:
    """Copy a project into an empty database (ids kept), then verify the copy is equal."""
    from coder.services.project.maintenance import copy_project

    report = copy_project(
        source, destination, progress=lambda table, n: typer.echo(f"  {table}: {n} rows")
    )
    total = sum(report.rows.values())
    typer.echo(
        f"copied {report.source} to {report.destination}: {total} rows in"
        f" {len(report.rows)} tables, verified equal (row counts and content hashes)"
    )


@project_app.command("migrate")
def migrate(project: ProjectOption = DEFAULT_PROJECT) -> None:
    """Upgrade a project an older coder made to this coder's schema, after a backup of the
    file next to it (study-schema-0003.backup.db). Commands that change a project do this by
    themselves; commands that only read refuse an old project until it is upgraded."""
    from coder.services.project.lifecycle import migrate_project

    store = open_store(project, any_schema=True)
    try:
        if migrate_project(store) is None and not store.notices:
            typer.echo(f"{store.display_name}: the schema is current; nothing to do")
        for notice in store.notices:
            typer.echo(notice)
    finally:
        store.dispose()


@project_app.command("login")
def login(
    coder: str = typer.Argument(..., help="The coder who gets a login."),
    role: str = typer.Option(..., "--role", help="PostgreSQL login role for this coder."),
    password_env: str | None = typer.Option(
        None,
        "--password-env",
        help="Name of an environment variable holding the role's password (kept out of the"
        " shell history).",
    ),
    project: ProjectOption = DEFAULT_PROJECT,
) -> None:
    """Give a coder their own PostgreSQL login: the server then enforces blind coding."""
    from coder.errors import UsageError
    from coder.services.project.team import grant_login, hide_table_statistics

    password = None
    if password_env is not None:
        password = os.environ.get(password_env)
        if not password:
            raise UsageError(f"--password-env: ${password_env} is not set")
    store = open_store(project, writes=True)
    url = grant_login(store, coder, role=role, password=password, actor=current_user())
    typer.echo(f"{coder} connects as role {role}: CODER_PROJECT={url}")
    if not hide_table_statistics(store):
        typer.echo(
            "coder: note: table sizes and row counters stay visible to every login (only a"
            " superuser can hide them: run this command once as one); see the README's"
            ' "Blind coding"',
            err=True,
        )


@project_app.command("logout")
def logout(
    coder: str = typer.Argument(..., help="The coder whose login is taken off this project."),
    project: ProjectOption = DEFAULT_PROJECT,
) -> None:
    """Revoke a coder's login role's access to this project."""
    from coder.services.project.team import revoke_login

    revoke_login(open_store(project, writes=True), coder, actor=current_user())
    typer.echo(f"revoked {coder}'s login on this project")
